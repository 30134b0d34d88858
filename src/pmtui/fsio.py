"""Writing files whole, with one durability rule for every file pmtui writes, and reading them without links."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".tmp"
NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
NON_BLOCK = getattr(os, "O_NONBLOCK", 0)  # opening a FIFO planted in a file's place must not hang
LINK_REFUSED = "it is a symbolic link, which pmtui neither follows nor replaces"


def atomic_write(path: str | Path, data: bytes | str, *, replace: bool = True) -> None:
    """Write ``path`` whole: a crash or power cut leaves the old file (or none) or the new one, never a mix.

    The rule, for every file pmtui writes whole (meetings, exports, outboxes,
    room notices, the library cache, rescue copies): write a temp file beside
    the target (same folder, so the rename stays on one file system; named
    ``.<name>.<random>.tmp``, readable by its owner only), fsync it, rename it
    over the target, then fsync the folder so that the rename itself is on
    disk. With ``replace=False`` the temp file is hard-linked to the target's
    name instead of renamed, which refuses (FileExistsError) to overwrite an
    existing file and needs no rename (a rescue copy, written when renames in
    the meeting's folder fail). On failure the temp file is removed, the
    target is untouched and the OSError passes through. Text is written as UTF-8.

    Links: the temp file is made by :func:`tempfile.mkstemp`, which opens it
    with ``O_CREAT | O_EXCL | O_NOFOLLOW``, so a file or symbolic link planted
    at its name makes it pick another name and is never written through. A
    target that is a symbolic link is refused (OSError ELOOP) rather than
    replaced by a regular file (nor is a link ever written through).
    """
    path = Path(path)
    if path.is_symlink():
        raise OSError(errno.ELOOP, LINK_REFUSED, str(path))
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass  # renamed: nothing left to remove
    fsync_folder(path.parent)


def read_no_follow(path: str | Path) -> bytes:
    """The bytes of the regular file at ``path``, opened without following a symbolic link in its place.

    A link raises OSError ELOOP whose strerror says so (BSDs answer EMLINK),
    anything but a regular file (a FIFO, a folder) OSError EINVAL; other
    errors pass through as they are.
    """
    try:
        fd = os.open(path, os.O_RDONLY | NO_FOLLOW | NON_BLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK) or Path(path).is_symlink():
            raise OSError(errno.ELOOP, LINK_REFUSED, str(path)) from None
        raise
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "it is not a regular file", str(path))
        return handle.read()


def fsync_folder(folder: str | Path) -> None:
    """Make the names in ``folder`` (a rename, a new file) durable.

    Windows cannot open a folder, and some file systems refuse to fsync one
    (EINVAL): there the rename is as durable as the system makes it. Any other
    failure passes through, as it would for the file itself.
    """
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise
    finally:
        os.close(fd)


def is_temp_of(name: str, target: str) -> bool:
    """Whether the file called ``name`` is a temp file :func:`atomic_write` made for ``target``."""
    return name.startswith(f".{target}.") and name.endswith(TEMP_SUFFIX)


def remove_stale_temps(path: str | Path) -> None:
    """Delete temp files a killed writer of ``path`` left behind (call only as its one writer)."""
    path = Path(path)
    with os.scandir(path.parent) as entries:
        for entry in entries:
            if is_temp_of(entry.name, path.name):
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass
