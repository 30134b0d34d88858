"""One exclusive, non-blocking lock on a sidecar file that names its holder.

Every lock pmtui takes (the writer of a meeting, the outbox of a note-taker)
is one of these: ``flock`` on POSIX, ``msvcrt.locking`` on Windows. The lock
file holds ``<pid> <host>`` so a refusal can say who holds it; it is opened
with ``O_NOFOLLOW`` where the system has it, so a symbolic link planted in its
place is refused rather than followed (and the file it points to is never
truncated), and so is anything but a regular file with one name (a FIFO, a
device, a hard link to another file). The ``filelock`` package is not used: it truncates the lock file
on open, follows symbolic links and records no holder.
"""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

from .fsio import NO_FOLLOW, NON_BLOCK

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt


class LockHeldError(Exception):
    """Another process holds the lock; ``holder`` is 'pid N on HOST' or 'pid unknown'."""

    def __init__(self, path: Path, holder: str) -> None:
        super().__init__(f"{path} is held by {holder}")
        self.path = path
        self.holder = holder


class LockFileError(Exception):
    """The lock file cannot be used; ``str()`` is one line saying what to do."""


class FileLock:
    """A held lock; :meth:`release` gives it up and removes the file."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, path: str | Path) -> FileLock:
        """Lock ``path`` (creating it) without waiting; raises LockHeldError or LockFileError."""
        path = Path(path)
        while True:
            fd = _open(path)
            try:
                if not _try_lock(fd):
                    raise LockHeldError(path, holder(path))
                if _same_file(fd, path):
                    os.ftruncate(fd, 0)
                    os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
                    return cls(path, fd)
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # the previous holder removed this file meanwhile; lock the new one

    def release(self) -> str | None:
        """Unlock and remove the lock file (if it is still ours); idempotent.

        Closing the file gives up the lock, whatever else happens. A lock file
        that cannot be removed (its folder became read-only) is only a stale
        name, reused by the next holder: it is returned as one line to report,
        never raised, so that quitting goes on.
        """
        if self._fd is None:
            return None
        fd, self._fd = self._fd, None
        if fcntl is None:  # pragma: no cover - Windows cannot remove an open file
            os.close(fd)
            try:
                self.path.unlink()
            except OSError:
                pass
            return None
        try:
            if _same_file(fd, self.path):
                self.path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            return (f"cannot remove the lock file {self.path} ({exc.strerror or exc}); it blocks no one: "
                    f"delete it once {self.path.parent} is writable again")
        finally:
            os.close(fd)
        return None


def holder(path: Path) -> str:
    """Who holds the lock at ``path``, as its file says."""
    try:
        fd = os.open(path, os.O_RDONLY | NON_BLOCK | NO_FOLLOW)
    except OSError:
        return "pid unknown"
    try:
        pid, host = os.read(fd, 512).decode().split()
    except (OSError, ValueError):
        return "pid unknown"
    finally:
        os.close(fd)
    return f"pid {pid} on {host}"


def _open(path: Path) -> int:
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | NON_BLOCK | NO_FOLLOW, 0o600)
    except OSError as exc:
        if path.is_symlink():
            raise LockFileError(f"lock file {path} is a symbolic link, which pmtui never follows; "
                                "remove the link and try again") from None
        raise LockFileError(f"cannot create lock file {path}: {exc.strerror or exc}; "
                            f"check that {path.parent} is writable") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
        os.close(fd)
        what = "is not a regular file" if not stat.S_ISREG(st.st_mode) else "has other names (hard links)"
        raise LockFileError(f"lock file {path} {what}, so pmtui will not write to it; "
                            "remove it and try again")
    return fd


def _try_lock(fd: int) -> bool:
    if fcntl is None:  # pragma: no cover - Windows
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd`` (not a new file, nor a link to it)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)
