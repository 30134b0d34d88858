"""Reading an archive: every ``meeting.json`` under its root, read-only, with its cache kept outside it.

An archive is a git working tree other people write to, so reading it trusts nothing: ``.git`` and other
hidden folders are skipped, symbolic links are neither followed nor read (a linked folder cannot loop or lead
out of the archive, a linked record is reported), a record larger than :data:`RECORD_LIMIT` is refused before
it is read, and every refusal is one line about one file while the rest is read. Nothing is ever written
into the archive: what was read is cached in the user cache dir (:func:`cache_folder`). The archive's CI check
(:mod:`.checks`) finds and reads records here too, so it holds to account exactly what the library shows.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from datetime import datetime
from pathlib import Path

from ..fsio import NO_FOLLOW, NON_BLOCK
from ..model import Meeting
from ..paths import ARCHIVES_ENV, cache_dir
from ..store import StoreError
from .record import RECORD_FILE, RecordError, read_record

RECORD_LIMIT = 8 * 1024 * 1024
"""The largest ``meeting.json`` read, in bytes (a meeting of 2,000 events is well under 2 MB)."""

Identity = tuple[int, int, int]


def archive_root(path: Path) -> Path:
    """The archive folder ``path`` (as given to ``--archive``), resolved; StoreError when it is not a folder."""
    try:
        root = Path(path).expanduser().resolve(strict=True)
    except (OSError, RuntimeError):
        raise StoreError(f"archive {path} does not exist; check --archive or ${ARCHIVES_ENV}") from None
    if not root.is_dir():
        raise StoreError(f"archive {path} is not a folder; give the archive's working tree to --archive")
    return root


def archive_label(root: Path, roots: list[Path]) -> str:
    """How a row names the archive it comes from: its folder's name, its path when two archives share a name."""
    same_name = [other for other in roots if other.name == root.name]
    return root.name if len(same_name) == 1 and root.name else str(root)


def cache_folder(root: Path) -> Path | None:
    """Where what was read from the archive ``root`` is cached; None when that would be inside the archive."""
    folder = cache_dir() / "archives" / hashlib.sha256(os.fsencode(root)).hexdigest()[:24]
    try:
        inside = folder.resolve().is_relative_to(root)
    except (OSError, RuntimeError):
        return None
    return None if inside else folder


def record_files(root: Path) -> tuple[list[tuple[str, Identity]], list[RecordError]]:
    """Every ``meeting.json`` under ``root`` as (path relative to root, identity), sorted; refusals as errors.

    Hidden folders (``.git``, ``.github``) are not entered: pmtui publish never writes there, and the archive's
    check holds to account exactly the records every reader shows. A linked record and a folder that cannot be
    listed are refusals, each a :class:`RecordError` whose ``path`` is relative to root, like the records'.
    Paths are strings here: an archive of 2,000 post-mortems is 2,000 folders, walked on every command.
    """
    found: list[tuple[str, Identity]] = []
    errors: list[RecordError] = []
    start = len(os.path.join(root, ""))
    folders = [str(root)]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError as exc:
            errors.append(RecordError(folder[start:] or ".", f"cannot be listed: {exc.strerror or exc}; check its "
                                      "permissions", where=folder))
            continue
        for entry in listed:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not entry.name.startswith("."):
                        folders.append(entry.path)
                elif entry.name == RECORD_FILE:
                    if entry.is_symlink():
                        errors.append(RecordError(entry.path[start:], "is a symbolic link, and an archive's records "
                                                  "are read only as regular files; commit the file pmtui publish "
                                                  "writes in its place", where=entry.path))
                        continue
                    st = entry.stat(follow_symlinks=False)
                    found.append((entry.path[start:], (st.st_ino, st.st_size, st.st_mtime_ns)))
            except FileNotFoundError:
                continue  # removed meanwhile (a checkout in progress)
    return sorted(found), sorted(errors, key=lambda error: error.path)


def read_archived(root: Path, relative: str) -> tuple[Meeting, datetime]:
    """The meeting in the record ``relative`` under ``root`` and when it last changed.

    Raises :class:`RecordError` (one line; its ``path`` is ``relative``) when it is linked, not a regular file,
    larger than :data:`RECORD_LIMIT`, not UTF-8 or not a record.
    """
    path = root / relative
    try:
        text = _read_limited(path).decode("utf-8")
        return read_record(text, str(path))
    except UnicodeDecodeError:
        reason = "is not UTF-8 text; fix or remove it in the archive"
    except OSError as exc:
        reason = f"cannot be read: {exc.strerror or exc}; replace it with the file pmtui publish writes"
    except RecordError as exc:
        reason = exc.reason
    raise RecordError(relative, reason, where=str(path))


def _read_limited(path: Path) -> bytes:
    """The bytes of the regular file ``path``, not through a link, refused unread above :data:`RECORD_LIMIT`."""
    fd = os.open(path, os.O_RDONLY | NO_FOLLOW | NON_BLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "it is not a regular file", str(path))
        if st.st_size <= RECORD_LIMIT:
            data = handle.read(RECORD_LIMIT + 1)  # one more: a file that grew meanwhile is refused too
            if len(data) <= RECORD_LIMIT:
                return data
    raise OSError(errno.EFBIG, f"it is larger than {RECORD_LIMIT // 2**20} MB, more than any meeting record",
                  str(path))
