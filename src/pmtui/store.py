"""Meeting files on disk: one TinyDB JSON file per meeting.

A meeting file is a TinyDB database with a ``_meta`` table (what the file is,
for fast listing), a ``meeting`` table holding the scalar fields and one table
per list field. Every write replaces the whole file atomically, so a crash
leaves either the old or the new file. One process at a time is the writer of
a meeting, guarded by ``flock`` on a ``<id>.json.lock`` sidecar file; readers
take no lock. Files that are not valid meetings are reported, never touched.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from .model import SCHEMA_VERSION, upgrade, utcnow

APP = "pmtui"
LIST_TABLES = (
    "attendees",
    "events",
    "observations",
    "chains",
    "factors",
    "actions",
    "phases",
    "related",
    "dismissed_findings",
    "included_optional",
)
VALUE_TABLES = frozenset({"decisions", "related", "dismissed_findings", "included_optional"})
RETIRED_TABLES = ("decisions",)
"""Tables older files may hold: read, then folded into today's fields by :func:`pmtui.model.upgrade`."""
TEMP_SUFFIX = ".tmp"
LOCK_SUFFIX = ".lock"
RESCUE_PREFIX = "pmtui-rescue-"

_SAFE_ID = re.compile(r"[A-Za-z0-9_-]+")
_SHAPE_ERRORS = (LookupError, TypeError, ValueError, AttributeError)  # well-formed JSON, wrong shape
_log = logging.getLogger(__name__)


class StoreError(Exception):
    """A meeting file problem; ``str()`` is one line saying what to do."""


class MeetingLockedError(StoreError):
    """Another pmtui process is the writer of the meeting."""


class NotAMeetingError(StoreError):
    """The file is not valid JSON, is truncated, or is not a pmtui meeting."""


class NewerSchemaError(StoreError):
    """The file was written by a newer pmtui."""


class MeetingNotFoundError(StoreError):
    """No meeting matches the given path or reference."""


def slugify(title: str) -> str:
    """The title in lower case with runs of non-alphanumerics turned into '-'."""
    return re.sub(r"[\W_]+", "-", title.lower()).strip("-")


# --- tables -------------------------------------------------------------------


def meeting_to_tables(data: dict, *, updated: str | None = None) -> dict:
    """The TinyDB tables for meeting ``data`` (as made by ``model.to_data``).

    ``updated`` goes into ``_meta`` (default: the creation time), which keeps
    this function pure; :meth:`MeetingFile.save` passes the current time.
    """
    incident = data["incident"]
    meta = {
        "app": APP,
        "schema": SCHEMA_VERSION,
        "id": data["id"],
        "title": incident["title"],
        "slug": slugify(incident["title"]),
        "severity": incident["severity"],
        "created": data["created"],
        "status": data["status"],
        "updated": updated or data["created"],
    }
    tables = {
        "_meta": {"1": meta},
        "meeting": {"1": {k: v for k, v in data.items() if k not in LIST_TABLES}},
    }
    for name in LIST_TABLES:
        wrap = name in VALUE_TABLES
        tables[name] = {str(i): {"value": v} if wrap else v for i, v in enumerate(data[name], 1)}
    return tables


def tables_to_meeting(tables: dict) -> dict:
    """The meeting data stored in ``tables``; inverse of :func:`meeting_to_tables`."""
    data = dict(tables["meeting"]["1"])
    for name in (*LIST_TABLES, *RETIRED_TABLES):
        docs = tables.get(name, {})  # a table added in a later version of the same schema
        items = [docs[key] for key in sorted(docs, key=int)]
        data[name] = [d["value"] for d in items] if name in VALUE_TABLES else items
    return upgrade(data)


# --- atomic storage -------------------------------------------------------------


class AtomicJSONStorage(Storage):
    """TinyDB storage that replaces the whole JSON file atomically on every write."""

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)
        self._encoder = _DocumentEncoder()

    def read(self) -> dict[str, dict[str, Any]] | None:
        """The parsed file, or ``None`` when it is missing or empty."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        return json.loads(raw) if raw.strip() else None

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Write a temp file beside the target, fsync it, rename it over, fsync the folder."""
        payload = self._encoder.encode(data)
        folder = self.path.parent
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{self.path.name}.", suffix=TEMP_SUFFIX)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _encode(tables: dict) -> bytes:
    """Compact JSON: only then does CPython use its C encoder, which keeps the
    writer thread from holding the GIL away from the event loop for long."""
    return json.dumps(tables, separators=(",", ":")).encode()


class _DocumentEncoder:
    """Encodes TinyDB tables like :func:`_encode`, reusing the JSON of documents written last time.

    The session hands the saver the same dict for an event until that event
    changes (snapshots are never mutated), so a document that is the very same
    object as in the previous write has the same JSON. With 2,000 events this
    turns a 5 ms encode, which holds the GIL away from the UI thread, into a
    join of cached strings.
    """

    def __init__(self) -> None:
        self._last: dict[int, tuple[dict, str]] = {}

    def encode(self, tables: dict) -> bytes:
        """The tables as compact JSON bytes, identical to ``_encode(tables)``."""
        dumps = _COMPACT.encode
        last, seen = self._last, {}
        parts = []
        for name, docs in tables.items():
            encoded = []
            for doc_id, doc in docs.items():
                hit = last.get(id(doc))
                text = hit[1] if hit is not None and hit[0] is doc else dumps(doc)
                seen[id(doc)] = (doc, text)
                encoded.append(f"{dumps(doc_id)}:{text}")
            parts.append(f"{dumps(name)}:{{{','.join(encoded)}}}")
        self._last = seen
        return f"{{{','.join(parts)}}}".encode()


_COMPACT = json.JSONEncoder(separators=(",", ":"))


def _is_temp_of(name: str, target: str) -> bool:
    return name.startswith(f".{target}.") and name.endswith(TEMP_SUFFIX)


def _remove_stale_temps(path: Path) -> None:
    """Delete temp files a killed writer left behind (call only as the lock holder)."""
    with os.scandir(path.parent) as entries:
        for entry in entries:
            if _is_temp_of(entry.name, path.name):
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass


# --- validation ---------------------------------------------------------------


def _untouched(path: Path) -> str:
    return f"it was left untouched; restore it from a backup or move it out of {path.parent}"


def _parse(path: Path, raw: bytes) -> tuple[dict, dict]:
    """The tables and ``_meta`` document of a meeting file's bytes, validated."""
    if not raw.strip():
        raise NotAMeetingError(f"{path} is empty, not a pmtui meeting; {_untouched(path)}")
    try:
        tables = json.loads(raw)
    except ValueError as exc:
        raise NotAMeetingError(
            f"{path} is not valid JSON, perhaps truncated ({exc}); {_untouched(path)}"
        ) from None
    meta_table = tables.get("_meta") if isinstance(tables, dict) else None
    meta = meta_table.get("1") if isinstance(meta_table, dict) else None
    if not isinstance(meta, dict) or meta.get("app") != APP or not isinstance(meta.get("schema"), int):
        raise NotAMeetingError(f"{path} is JSON but not a pmtui meeting; {_untouched(path)}")
    if meta["schema"] > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"{path} was written by a newer pmtui (schema {meta['schema']}); upgrade pmtui to open it"
        )
    return tables, meta


def _damaged(path: Path, detail: str) -> NotAMeetingError:
    return NotAMeetingError(f"{path} is a damaged pmtui meeting ({detail}); {_untouched(path)}")


def _read_meeting(path: Path) -> dict:
    """The meeting data in the file at ``path``, validated; never modifies it."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MeetingNotFoundError(f"no meeting file {path}; run 'pmtui list' to see meetings") from None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}; check its permissions") from None
    tables, _ = _parse(path, raw)
    try:
        return tables_to_meeting(tables)
    except _SHAPE_ERRORS as exc:
        raise _damaged(path, f"{type(exc).__name__}: {exc}") from None


# --- locking ------------------------------------------------------------------


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def _holder(lock_path: Path) -> str:
    try:
        pid, host = lock_path.read_text().split()
    except (OSError, ValueError):
        return "pid unknown"
    return f"pid {pid} on {host}"


class _Lock:
    """An exclusive ``flock`` on a sidecar file that names the holder."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, path: Path, meeting_id: str) -> _Lock:
        """Lock ``path`` without waiting, or raise :class:`MeetingLockedError`."""
        while True:
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as exc:
                raise StoreError(
                    f"cannot create lock file {path}: {exc.strerror or exc}; check that {path.parent} is writable"
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if _same_file(fd, path):
                    os.ftruncate(fd, 0)
                    os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
                    return cls(path, fd)
            except BlockingIOError:
                os.close(fd)
                raise MeetingLockedError(
                    f"meeting {meeting_id} is open in another pmtui ({_holder(path)}); "
                    "close it there first (read-only commands such as export and list still work)"
                ) from None
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # the previous holder deleted this lock file meanwhile; lock the new one

    def release(self) -> None:
        """Delete the lock file (if it is still ours) and unlock; idempotent."""
        if self._fd is None:
            return
        try:
            if _same_file(self._fd, self.path):
                self.path.unlink()
        finally:
            os.close(self._fd)
            self._fd = None


# --- meeting files ------------------------------------------------------------


class MeetingFile:
    """One meeting's file, opened read-only or as its single (locked) writer."""

    def __init__(self, path: Path, lock: _Lock | None) -> None:
        self.path = path
        self._lock = lock
        self._storage = AtomicJSONStorage(path)

    @classmethod
    def create(cls, data_dir: Path, data: dict) -> MeetingFile:
        """Write a new ``<data_dir>/<id>.json`` and return it open for writing."""
        meeting_id = data["id"]
        if not _SAFE_ID.fullmatch(meeting_id):
            raise StoreError(f"meeting id {meeting_id!r} is not usable as a file name; use letters, digits, - and _")
        path = Path(data_dir) / f"{meeting_id}.json"
        file = cls(path, _Lock.acquire(_lock_path(path), meeting_id))
        try:
            if path.exists():
                raise StoreError(f"meeting {meeting_id} already exists at {path}; open it instead of creating it")
            _remove_stale_temps(path)
            file.save(data)
        except BaseException:
            file.close()
            raise
        return file

    @classmethod
    def open(cls, path: Path, *, write: bool) -> MeetingFile:
        """Open a validated meeting file; ``write`` takes the writer lock first."""
        path = Path(path)
        lock = _Lock.acquire(_lock_path(path), path.stem) if write else None
        file = cls(path, lock)
        try:
            _read_meeting(path)
            if write:
                _remove_stale_temps(path)
        except BaseException:
            file.close()
            raise
        return file

    @property
    def writable(self) -> bool:
        """True while this process holds the writer lock."""
        return self._lock is not None

    def load(self) -> dict:
        """The meeting data as stored on disk now."""
        return _read_meeting(self.path)

    def save(self, data: dict) -> None:
        """Atomically replace the file with ``data``; OSErrors pass through."""
        if self._lock is None:
            raise StoreError(f"{self.path} is not open for writing; open it with write=True")
        self._storage.write(meeting_to_tables(data, updated=utcnow().isoformat()))

    def close(self) -> None:
        """Release the writer lock, if held; idempotent."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> MeetingFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + LOCK_SUFFIX)


# --- background saving --------------------------------------------------------


@dataclass(frozen=True)
class SaveStatus:
    """The outcome of the latest save attempt, for the status bar."""

    ok: bool
    message: str
    pending: bool
    saved_at: float | None = None


class Saver:
    """Writes meeting snapshots on a background thread, retrying on failure.

    ``submit`` never blocks and only the newest pending snapshot is written.
    ``on_status`` is called from the writer thread after every attempt.
    """

    def __init__(
        self,
        file: MeetingFile,
        on_status: Callable[[SaveStatus], None] | None = None,
        retry_delays: tuple[float, ...] = (0.2, 0.5, 1, 2, 5),
    ) -> None:
        self.file = file
        self.on_status = on_status
        self.retry_delays = retry_delays
        self.submitted_version = 0
        self.saved_version = 0
        self._pending: dict | None = None
        self._stopping = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name=f"pmtui-saver-{file.path.stem}", daemon=True)
        self._thread.start()

    def submit(self, data: dict) -> None:
        """Queue a snapshot (which the caller must not mutate afterwards)."""
        with self._cond:
            if self._stopping:
                raise RuntimeError("Saver is closed")
            self._pending = data
            self.submitted_version += 1
            self._cond.notify_all()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything submitted so far is on disk; False on timeout."""
        with self._cond:
            target = self.submitted_version
            return self._cond.wait_for(lambda: self.saved_version >= target, timeout)

    def close(self, timeout: float | None = 5.0) -> bool:
        """Flush for up to ``timeout`` seconds, then stop; True when all was saved."""
        self.flush(timeout)
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join()
        return self.saved_version == self.submitted_version

    def _run(self) -> None:
        failures = 0
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._stopping)
                if self._pending is None:
                    return
                data, version, self._pending = self._pending, self.submitted_version, None
            try:
                self.file.save(data)
            except OSError as exc:
                failures += 1
                with self._cond:
                    if self._pending is None:
                        self._pending = data
                self._report(
                    SaveStatus(
                        ok=False,
                        message=f"cannot save {self.file.path}: {exc.strerror or exc}; "
                        "retrying — nothing is lost while pmtui stays open",
                        pending=True,
                    )
                )
                delay = self.retry_delays[min(failures, len(self.retry_delays)) - 1]
                with self._cond:
                    if self._cond.wait_for(lambda: self._stopping, delay):
                        return
                continue
            failures = 0
            with self._cond:
                self.saved_version = version
                pending = version < self.submitted_version
                self._cond.notify_all()
            self._report(SaveStatus(ok=True, message="saved", pending=pending, saved_at=time.time()))

    def _report(self, status: SaveStatus) -> None:
        if self.on_status is None:
            return
        try:
            self.on_status(status)
        except Exception:
            _log.exception("save status callback failed")


def write_rescue_copy(data: dict) -> Path:
    """Write meeting ``data`` as a meeting file in the temp dir (else home); returns its path.

    For when the meeting's own file cannot be written: the copy can be moved
    over it once the disk works again. Raises StoreError when no place takes it.
    """
    payload = _encode(meeting_to_tables(data, updated=utcnow().isoformat()))
    problems = []
    for folder in (Path(tempfile.gettempdir()), Path.home()):
        try:
            fd, name = tempfile.mkstemp(dir=folder, prefix=f"{RESCUE_PREFIX}{data['id']}-", suffix=".json")
        except OSError as exc:
            problems.append(f"{folder}: {exc.strerror or exc}")
            continue
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            Path(name).unlink(missing_ok=True)
            problems.append(f"{folder}: {exc.strerror or exc}")
            continue
        return Path(name)
    raise StoreError(f"cannot write a rescue copy of meeting {data['id']} either ({'; '.join(problems)}); "
                     "changes since its last save are lost: free some disk space before going on")


# --- listing and lookup -------------------------------------------------------


@dataclass(frozen=True)
class MeetingSummary:
    """What ``_meta`` says about one meeting file, for lists and lookups.

    ``created`` and ``updated`` are ISO 8601 strings, as stored.
    """

    id: str
    title: str
    slug: str
    severity: str
    created: str
    status: str
    path: Path
    updated: str


_SUMMARY_FIELDS = ("id", "title", "slug", "severity", "created", "status", "updated")


def _summary(path: Path) -> MeetingSummary:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}; check its permissions") from None
    _, meta = _parse(path, raw)
    missing = [k for k in _SUMMARY_FIELDS if not isinstance(meta.get(k), str)]
    if missing:
        raise _damaged(path, f"_meta lacks {', '.join(missing)}")
    return MeetingSummary(path=path, **{k: meta[k] for k in _SUMMARY_FIELDS})


def list_meetings(data_dir: Path) -> tuple[list[MeetingSummary], list[StoreError]]:
    """Every meeting in ``data_dir``, newest first, and an error per unreadable file."""
    meetings: list[MeetingSummary] = []
    errors: list[StoreError] = []
    try:
        names = sorted(e.name for e in os.scandir(data_dir) if e.name.endswith(".json") and not e.name.startswith("."))
    except FileNotFoundError:
        return [], []
    for name in names:
        try:
            meetings.append(_summary(Path(data_dir) / name))
        except StoreError as exc:
            errors.append(exc)
    meetings.sort(key=lambda m: (m.created, m.id), reverse=True)
    return meetings, errors


def _describe(meetings: list[MeetingSummary]) -> str:
    shown = ", ".join(f"{m.id} ({m.slug})" for m in meetings[:5])
    return shown + (", …" if len(meetings) > 5 else "")


def resolve_meeting(data_dir: Path, ref: str) -> Path:
    """The file of the meeting ``ref`` names: an id, unique id prefix or title slug."""
    data_dir = Path(data_dir)
    direct = data_dir / f"{ref}.json"
    if _SAFE_ID.fullmatch(ref) and direct.is_file():
        return direct
    meetings, _ = list_meetings(data_dir)
    for matches in (
        [m for m in meetings if m.id == ref],
        [m for m in meetings if m.slug == ref],
        [m for m in meetings if m.id.startswith(ref) or m.slug.startswith(ref)],
    ):
        if len(matches) == 1:
            return matches[0].path
        if matches:
            raise StoreError(f"'{ref}' matches several meetings: {_describe(matches)}; give more of the id or slug")
    if not meetings:
        raise MeetingNotFoundError(f"no meeting '{ref}' in {data_dir}; it holds no meetings yet")
    raise MeetingNotFoundError(f"no meeting '{ref}' in {data_dir}; known: {_describe(meetings)}; run 'pmtui list'")
