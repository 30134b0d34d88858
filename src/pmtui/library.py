"""Every meeting in a data dir, read-only and fast, for tracking, search and stats.

Reading and converting 2,000 whole meetings takes seconds, so the library
loads only the parts of each meeting a command needs (its incident and, say,
its action items) and keeps them in a cache, ``.pmtui-cache/`` in the data dir:
one JSON file per part, with an entry per meeting file keyed by the file's
inode, size and modification time. An entry is used only while the file
still has that identity, and files changed in the last few seconds are not
cached at all, so the cache is never trusted over the files; deleting it is
always safe. A command may also ask for *digests*: strings computed from the
whole meeting (such as the text that search reads), cached the same way.

Archives (git working trees of published post-mortems, see :mod:`pmtui.archive.reader`) can be read
with the data dir: their meetings are merged in, each once (the same meeting id in two places: the copy
changed last wins), and the library says where each one came from. Their cache lives in the user cache dir.

Files that are not readable meetings are reported and skipped. Nothing here
locks or modifies a meeting file.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import __version__
from .archive.reader import archive_label, archive_root, cache_folder, read_archived, record_files
from .fsio import atomic_write, read_no_follow
from .heap import bulk_load
from .model import SCHEMA_VERSION, Meeting, from_data, to_data
from .store import LIST_TABLES, MeetingFile, StoreError, meeting_from
from .store.storage import read_meeting_bytes, validated_tables

PARTS = LIST_TABLES
"""The list fields of a meeting that can be loaded or left out."""

CACHE_DIR = ".pmtui-cache"
SETTLE_SECONDS = 2.0
"""Files modified more recently than this are not cached (file times can be coarse)."""

Digest = Callable[[Meeting], str]

LOCAL = "local"
"""The source of a meeting read from the data dir (others are named by their archive)."""

_CORE = "core"
_UPDATED = "record-updated"  # cached with an archive's records: when the meeting last changed
_CACHE_FORMAT = 3  # 2: meetings read through model.upgrade (old decisions in the review notes); 3: text cleaned
_SHAPE_ERRORS = (LookupError, TypeError, ValueError, AttributeError)
_log = logging.getLogger(__name__)

Identity = tuple[int, int, int]


@dataclass
class Library:
    """The meetings of a data dir, newest first, and one error per skipped file.

    ``digests`` maps each digest name asked for to ``{meeting id: digest}``; ``sources`` each meeting id
    to where it was read (:data:`LOCAL` or an archive's label) and ``files`` to the file it was read from;
    ``updated`` says when each meeting read from an archive last changed (its record's ``updated``).
    """

    meetings: list[Meeting] = field(default_factory=list)
    errors: list[StoreError] = field(default_factory=list)
    digests: dict[str, dict[str, str]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    updated: dict[str, str] = field(default_factory=dict)

    def archived(self, meeting_id: str) -> bool:
        """True when the meeting shown was read from an archive (its local copy, if any, is older)."""
        return self.sources.get(meeting_id, LOCAL) != LOCAL


def load_library(
    data_dir: Path,
    parts: Iterable[str] | None = None,
    digests: Mapping[str, Digest] | None = None,
    archives: Sequence[Path] = (),
) -> Library:
    """Every meeting in ``data_dir`` and the ``archives``, newest first; unreadable files go to ``errors``.

    Each meeting has its incident and scalar fields, and of its list fields
    only those named in ``parts`` (all when None); the others are empty.
    ``digests`` names functions whose results are cached per meeting file;
    a digest's name must change whenever its function does. An archive that
    is not a folder raises StoreError (one line) before anything is read.
    """
    wanted = tuple(PARTS if parts is None else parts)
    unknown = set(wanted) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown meeting parts {sorted(unknown)}; use some of {', '.join(PARTS)}")
    digests = dict(digests or {})
    roots = list(dict.fromkeys(archive_root(path) for path in archives))  # each once, as given first
    folder = Path(data_dir)
    errors: list[StoreError] = []
    with bulk_load():
        cache = _Cache(folder / CACHE_DIR, (_CORE, *wanted), tuple(digests))
        loaded = _load_files(_meeting_files(folder), cache, lambda name: _read_whole(folder / name), wanted, digests,
                             errors)
        kept = {m.id: _Kept(m, r, LOCAL, folder / n) for n, m, r in _without_copies(folder, loaded, errors)}
        for root in roots:
            label = archive_label(root, roots)
            for name, meeting, record in _load_archive(root, wanted, digests, errors):
                _keep_newer(kept, _Kept(meeting, record, label, root / name, _moment(record[_UPDATED])))
    library = Library(errors=errors, digests={digest: {} for digest in digests})
    for item in kept.values():
        library.meetings.append(item.meeting)
        library.sources[item.meeting.id] = item.source
        library.files[item.meeting.id] = item.file
        if item.source != LOCAL:
            library.updated[item.meeting.id] = item.record[_UPDATED]
        for digest in digests:
            library.digests[digest][item.meeting.id] = item.record[digest]
    library.meetings.sort(key=lambda m: (m.created, m.id), reverse=True)
    return library


def _load_files(
    files: list[tuple[str, Identity]],
    cache: _Cache,
    read: Callable[[str], tuple[dict, Meeting, dict[str, str]]],
    wanted: tuple[str, ...],
    digests: Mapping[str, Digest],
    errors: list[StoreError],
) -> list[tuple[str, Meeting, dict[str, Any]]]:
    """(name, meeting, cached record) of each file, from the cache while it is fresh, else ``read`` and cached."""
    loaded: list[tuple[str, Meeting, dict[str, Any]]] = []
    for name, identity in files:
        record = cache.get(name, identity)
        meeting = _assemble(record, wanted) if record is not None else None
        if meeting is None:
            try:
                data, whole, extra = read(name)
            except StoreError as exc:
                errors.append(exc)
                continue
            record = {_CORE: {k: v for k, v in data.items() if k not in PARTS}, **extra}
            record.update({part: data[part] for part in wanted})
            record.update({digest: build(whole) for digest, build in digests.items()})
            cache.put(name, identity, record)
            meeting = dataclasses.replace(whole, **{p: [] for p in PARTS if p not in wanted})
        loaded.append((name, meeting, record))
    cache.save()
    return loaded


def _load_archive(root: Path, wanted: tuple[str, ...], digests: Mapping[str, Digest], errors: list[StoreError]):
    """The records of the archive ``root``, cached in the user cache dir (never inside the archive)."""
    files, refused = record_files(root)
    errors.extend(refused)

    def read(name: str) -> tuple[dict, Meeting, dict[str, str]]:
        meeting, updated = read_archived(root, name)
        cached = dataclasses.replace(meeting, **{p: [] for p in PARTS if p not in wanted})  # to_data is the cost
        return to_data(cached), meeting, {_UPDATED: updated.isoformat()}

    cache = _Cache(cache_folder(root), (_CORE, *wanted), (*digests, _UPDATED))
    return _load_files(files, cache, read, wanted, digests, errors)


@dataclass
class _Kept:
    """A meeting kept for the library, with where it came from and (for an archive's record) when it changed."""

    meeting: Meeting
    record: dict[str, Any]
    source: str
    file: Path
    updated: datetime | None = None


def _keep_newer(kept: dict[str, _Kept], candidate: _Kept) -> None:
    """Keep ``candidate`` unless the same meeting is kept already from a copy changed as late or later."""
    current = kept.get(candidate.meeting.id)
    if current is None or candidate.updated > (current.updated or _local_updated(current)):
        kept[candidate.meeting.id] = candidate


def _local_updated(item: _Kept) -> datetime:
    """When the local meeting file last changed (its ``_meta.updated``); read only when an archive has it too."""
    try:
        _, meta = validated_tables(item.file, read_meeting_bytes(item.file))
        item.updated = _moment(meta["updated"], unknown=datetime.max)
    except (StoreError, OSError, LookupError):
        item.updated = datetime.max.replace(tzinfo=UTC)  # unreadable now: the local copy stays, as it is writable
    return item.updated


def _moment(text: object, unknown: datetime = datetime.min) -> datetime:
    """An ISO 8601 time as stored (naive ones in UTC); ``unknown`` when it is not one."""
    try:
        moment = datetime.fromisoformat(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        moment = unknown
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _meeting_files(folder: Path) -> list[tuple[str, Identity]]:
    """The names of the meeting files (``*.json``, not hidden), sorted, each with its identity."""
    found = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".json") and not entry.name.startswith("."):
                    try:
                        st = entry.stat(follow_symlinks=False)  # a link is read (and refused) by the store
                    except FileNotFoundError:
                        continue  # deleted meanwhile
                    found.append((entry.name, (st.st_ino, st.st_size, st.st_mtime_ns)))
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StoreError(f"cannot read {folder}: {exc.strerror or exc}; check its permissions") from None
    return sorted(found)


def _read_whole(path: Path) -> tuple[dict, Meeting, dict[str, str]]:
    """The data in the meeting file ``path`` and the meeting it holds, read without a lock."""
    data = MeetingFile(path, None).load()
    return data, meeting_from(path, data), {}


def _assemble(record: dict[str, Any], parts: tuple[str, ...]) -> Meeting | None:
    """The meeting in a cached record, or None when the cache holds nonsense."""
    try:
        return from_data(Meeting, {**record[_CORE], **{p: record[p] for p in parts}})
    except _SHAPE_ERRORS:
        return None


def _without_copies(folder: Path, loaded: list[tuple[str, Meeting, dict]], errors: list[StoreError]):
    """One (name, meeting, record) per meeting id, preferring the file ``<id>.json``; copies are reported."""
    kept: dict[str, tuple[str, Meeting, dict]] = {}
    for item in sorted(loaded, key=lambda item: item[0] != f"{item[1].id}.json"):
        name, meeting, _ = item
        first = kept.setdefault(meeting.id, item)
        if first is not item:
            errors.append(StoreError(
                f"{folder / name} holds meeting {meeting.id} again (also {first[0]}); "
                f"skipped: move the copy out of {folder}"
            ))
    return list(kept.values())


# --- the cache ------------------------------------------------------------------------


class _Cache:
    """Cache files, one per part or digest: read once, updated in memory, saved if changed."""

    def __init__(self, folder: Path | None, parts: tuple[str, ...], digests: tuple[str, ...]) -> None:
        self.folder = folder or Path()
        self.digests = digests
        self.names = (*parts, *digests)
        # in a shared data dir a link could lead writes anywhere; None: no place to cache (see cache_folder)
        self.usable = folder is not None and not folder.is_symlink()
        self.entries = {name: _read_cache(folder / f"{name}.json") if self.usable else {} for name in self.names}
        self.seen: set[str] = set()
        self.changed = False

    def get(self, file_name: str, identity: Identity) -> dict[str, Any] | None:
        """Every cached result for the file, if all are there and fresh."""
        self.seen.add(file_name)
        record = {}
        for name in self.names:
            entry = self.entries[name].get(file_name)
            if not (isinstance(entry, list) and len(entry) == 4 and tuple(entry[:3]) == identity):
                return None
            record[name] = entry[3]
        if not all(isinstance(record[name], str) for name in self.digests):
            return None
        return record

    def put(self, file_name: str, identity: Identity, record: dict[str, Any]) -> None:
        """Remember the results for the file."""
        for name in self.names:
            self.entries[name][file_name] = [*identity, record[name]]
        self.changed = True

    def save(self) -> None:
        """Write the cache files if anything changed; a failure only costs speed."""
        gone = any(set(entries) - self.seen for entries in self.entries.values())
        if not (self.usable and (self.changed or gone)):
            return
        settled = (time.time() - SETTLE_SECONDS) * 1e9
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for name in self.names:
                kept = {k: e for k, e in self.entries[name].items() if k in self.seen and e[2] < settled}
                _write_cache(self.folder / f"{name}.json", kept)
        except OSError as exc:
            _log.debug("cannot write the library cache in %s: %s", self.folder, exc)


def _cache_header() -> dict[str, Any]:
    return {"format": _CACHE_FORMAT, "pmtui": __version__, "schema": SCHEMA_VERSION}


def _read_cache(path: Path) -> dict[str, list]:
    """The entries of a cache file; empty when it is missing, damaged or from another version."""
    try:
        data = json.loads(read_no_follow(path))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("header") != _cache_header() or not isinstance(data.get("entries"), dict):
        return {}
    return data["entries"]


def _write_cache(path: Path, entries: dict[str, list]) -> None:
    atomic_write(path, json.dumps({"header": _cache_header(), "entries": entries}, separators=(",", ":")))


def has_open_actions(data_dir: Path) -> bool:
    """True when some meeting in ``data_dir`` still has an open action item (reads the library: not on a UI loop)."""
    return any(a.status == "open" for m in load_library(data_dir, parts=("actions",)).meetings for a in m.actions)
