"""One exclusive, non-blocking lock on a sidecar file that names its holder.

Every lock pmtui takes (the writer of a meeting, the outbox of a note-taker)
is one of these: ``flock`` on POSIX, ``msvcrt.locking`` on Windows. The lock
file holds ``<pid> <host>`` so a refusal can say who holds it; it is opened
with ``O_NOFOLLOW`` where the system has it, so a symbolic link planted in its
place is refused rather than followed (and the file it points to is never
truncated). The ``filelock`` package is not used: it truncates the lock file
on open, follows symbolic links and records no holder.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


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

    def release(self) -> None:
        """Remove the lock file (if it is still ours) and unlock; idempotent."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if fcntl is None:  # pragma: no cover - Windows cannot remove an open file
            os.close(fd)
            try:
                self.path.unlink()
            except OSError:
                pass
            return
        try:
            if _same_file(fd, self.path):
                self.path.unlink()
        finally:
            os.close(fd)


def holder(path: Path) -> str:
    """Who holds the lock at ``path``, as its file says."""
    try:
        fd = os.open(path, os.O_RDONLY | _NO_FOLLOW)
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
        return os.open(path, os.O_RDWR | os.O_CREAT | _NO_FOLLOW, 0o600)
    except OSError as exc:
        if path.is_symlink():
            raise LockFileError(f"lock file {path} is a symbolic link, which pmtui never follows; "
                                "remove the link and try again") from None
        raise LockFileError(f"cannot create lock file {path}: {exc.strerror or exc}; "
                            f"check that {path.parent} is writable") from None


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
