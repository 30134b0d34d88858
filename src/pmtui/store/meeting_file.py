"""One meeting's file, read and written through TinyDB, and read-only access to it.

One process at a time is the writer of a meeting, guarded by a lock on a
``<id>.json.lock`` sidecar file (:mod:`pmtui.lock`); readers take no lock.
Files that are not valid meetings are reported, never touched.
"""

from __future__ import annotations

import operator
import os
import re
import threading
from pathlib import Path

from tinydb import TinyDB

from ..fsio import remove_stale_temps
from ..lock import FileLock, LockFileError, LockHeldError
from ..model import Meeting, from_data, utcnow
from .errors import MeetingLockedError, StoreError
from .storage import MeetingStorage, Tables, Transaction, damaged
from .tables import meeting_documents, tables_to_meeting

LOCK_SUFFIX = ".lock"
SHAPE_ERRORS = (LookupError, TypeError, ValueError, AttributeError)  # well-formed JSON, wrong shape

_SAFE_ID = re.compile(r"[A-Za-z0-9_-]+")


def safe_id(meeting_id: str) -> bool:
    """Whether ``meeting_id`` can be a file name as it is."""
    return bool(_SAFE_ID.fullmatch(meeting_id))


class MeetingFile:
    """One meeting's file, opened read-only or as its single (locked) writer."""

    def __init__(self, path: Path, lock: FileLock | None) -> None:
        self.path = Path(path)
        self._lock = lock
        self._db = TinyDB(self.path, storage=Transaction(MeetingStorage))
        self._guard = threading.Lock()  # the saver thread writes while the UI may load
        self._saved: dict[str, list[dict]] | None = None  # each table's documents as last saved

    @classmethod
    def create(cls, data_dir: Path, data: dict) -> MeetingFile:
        """Write a new ``<data_dir>/<id>.json`` and return it open for writing."""
        meeting_id = data["id"]
        if not safe_id(meeting_id):
            raise StoreError(f"meeting id {meeting_id!r} is not usable as a file name; use letters, digits, - and _")
        path = Path(data_dir) / f"{meeting_id}.json"
        file = cls(path, _writer_lock(path, meeting_id))
        try:
            if os.path.lexists(path):  # a dangling link too: it is never replaced
                raise StoreError(f"meeting {meeting_id} already exists at {path}; open it instead of creating it")
            remove_stale_temps(path)
            file.save(data)
        except BaseException:
            file.close()
            raise
        return file

    @classmethod
    def open(cls, path: Path, *, write: bool) -> MeetingFile:
        """Open a validated meeting file; ``write`` takes the writer lock first."""
        path = Path(path)
        file = cls(path, _writer_lock(path, path.stem) if write else None)
        try:
            file.load()
            if write:
                remove_stale_temps(path)
        except BaseException:
            file.close()
            raise
        return file

    @property
    def writable(self) -> bool:
        """True while this process holds the writer lock."""
        return self._lock is not None

    def load(self) -> dict:
        """The meeting data as stored on disk now, validated; never modifies the file."""
        db = self._db
        with self._guard, db.storage.transaction():
            try:
                tables: Tables = {name: {str(d.doc_id): d for d in db.table(name).all()} for name in db.tables()}
                return tables_to_meeting(tables)
            except SHAPE_ERRORS as exc:
                raise damaged(self.path, f"{type(exc).__name__}: {exc}") from None

    def save(self, data: dict) -> None:
        """Atomically replace the file with ``data``; OSErrors pass through.

        Only tables whose documents changed are touched: a table whose saved
        documents are the very objects given before keeps them, new ones at its
        end are inserted, any other change rewrites the table. With 2,000
        events, adding one then costs TinyDB one insert, not 2,000.
        """
        if self._lock is None:
            raise StoreError(f"{self.path} is not open for writing; open it with write=True")
        db, saved = self._db, self._saved
        tables = meeting_documents(data, updated=utcnow().isoformat())
        with self._guard:
            self._saved = None
            with db.storage.transaction(written=True):
                if saved is None:
                    db.drop_tables()
                for name, documents in tables.items():
                    before = saved.get(name) if saved is not None else None
                    kept = _kept(before, documents) if before is not None else 0
                    if before is not None and kept == len(before) == len(documents):
                        continue
                    if before is not None and kept < len(before):
                        db.table(name).truncate()
                        kept = 0
                    db.table(name).insert_multiple(documents[kept:])
            self._saved = tables

    def close(self) -> str | None:
        """Release the writer lock, if held; idempotent.

        Never raises: a lock file that cannot be removed is returned as one line to report (see FileLock.release).
        """
        lock, self._lock = self._lock, None
        return lock.release() if lock is not None else None

    def __enter__(self) -> MeetingFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def read_meeting(path: str | Path) -> Meeting:
    """The meeting in the file at ``path``, validated, read without a lock; never modifies the file.

    Raises a one-line StoreError: MeetingNotFoundError, NotAMeetingError
    (damaged, truncated, not ours) or NewerSchemaError.
    """
    path = Path(path)
    return meeting_from(path, MeetingFile(path, None).load())


def meeting_from(path: Path, data: dict) -> Meeting:
    """The meeting ``data`` read from ``path`` holds; NotAMeetingError when its fields are wrong."""
    try:
        return from_data(Meeting, data)
    except SHAPE_ERRORS as exc:
        raise damaged(path, f"{type(exc).__name__}: {exc}") from None


def _kept(before: list[dict], documents: list[dict]) -> int:
    """How many of ``documents`` are, from the first, the very documents of ``before`` (compared in C)."""
    same = list(map(operator.is_, before, documents))
    return same.index(False) if False in same else len(same)


def _writer_lock(path: Path, meeting_id: str) -> FileLock:
    try:
        return FileLock.acquire(path.with_name(path.name + LOCK_SUFFIX))
    except LockHeldError as exc:
        raise MeetingLockedError(
            f"meeting {meeting_id} is open in another pmtui ({exc.holder}); "
            "close it there first (read-only commands such as export and list still work)"
        ) from None
    except LockFileError as exc:
        raise StoreError(str(exc)) from None
