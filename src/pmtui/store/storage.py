"""TinyDB storage for meeting files: validated reads, durable and cheap writes.

:class:`MeetingStorage` is the TinyDB ``Storage`` of a meeting file: it reads
only files that are pmtui meetings (anything else raises a one-line
StoreError and is never modified) and writes through
:func:`pmtui.fsio.atomic_write`. :class:`Transaction` is the middleware that
turns the table operations of one load or save into one read and one write
of the file (TinyDB rewrites the whole database for every table operation,
and a meeting has fourteen tables).
"""

from __future__ import annotations

import errno
import json
import operator
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb.middlewares import Middleware
from tinydb.storages import Storage

from ..fsio import atomic_write, read_no_follow
from ..model import SCHEMA_VERSION
from .errors import LinkedMeetingError, MeetingNotFoundError, NewerSchemaError, NotAMeetingError, StoreError
from .tables import APP

Tables = dict[str, dict[str, Any]]


class MeetingStorage(Storage):
    """The TinyDB storage of one meeting file.

    Writes reuse the JSON of documents that did not change: a document whose
    first value is the very object of the first value of a document in the
    previous write (in any table, under any id), and which is that document or
    equals it, is not encoded again. TinyDB copies each document it is given,
    but only shallowly, so the values keep their identity: the
    :class:`~pmtui.store.saver.SessionSaver` hands over the same event dict
    until the event changes (a changed event is a new dict with a new first
    value, its time), and nobody mutates a snapshot or a stored document
    (:meth:`MeetingFile.save <pmtui.store.meeting_file.MeetingFile.save>`
    only inserts and truncates). A document kept from the previous write is
    recognised by identity alone, which is what makes the check cheap; equal
    documents encode identically except for numbers equal across types
    (``1 == 1.0 == True``), which no field of a meeting changes between. With
    2,000 events this saves most of the encode, which holds the GIL away from
    the UI thread.
    """

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)
        self._encoded: dict[str, _EncodedTable] = {}

    def read(self) -> Tables:
        """The tables of the file, validated; raises StoreError for anything but a readable meeting."""
        return validated_tables(self.path, read_meeting_bytes(self.path))[0]

    def write(self, data: Tables) -> None:
        """Replace the file with ``data`` (compact JSON) durably; OSErrors pass through."""
        atomic_write(self.path, self.encode(data))

    def encode(self, tables: Tables) -> bytes:
        """The tables as compact JSON bytes, identical to ``json.dumps(tables, separators=(",", ":"))``.

        Compact JSON: only then does CPython use its C encoder. A table that
        holds the previous write's documents, same ids, same objects, plus new
        ones at its end (an event added) reuses their JSON after a check done
        in C; otherwise each document is looked up in the previous write's.
        """
        dumps = _COMPACT.encode
        last, seen = self._encoded, {}
        parts = []
        for name, docs in tables.items():
            ids, values = list(docs), list(docs.values())
            before = last.get(name)
            if before is not None and before.extended_by(ids, values):
                kept, old = len(before.ids), {}
                table = _EncodedTable(ids, values, before.body, before.slots)  # ``before`` is dropped below
            else:
                kept, table = 0, _EncodedTable(ids, values, "", {})
                old = before.slots if before is not None else {}
            entries = [table.body] if table.body else []
            for doc_id, doc in zip(ids[kept:], values[kept:], strict=True):
                slot = id(next(iter(doc.values()), None))
                hit = old.get(slot)
                text = hit[1] if hit is not None and (hit[0] is doc or hit[0] == doc) else dumps(doc)
                table.slots[slot] = (doc, text)  # keeps the first value alive, so its id stays unambiguous
                entries.append(f'"{doc_id}":{text}')  # TinyDB's document ids are digits
            table.body = ",".join(entries)
            seen[name] = table
            parts.append(f"{dumps(name)}:{{{table.body}}}")
        self._encoded = seen
        return f"{{{','.join(parts)}}}".encode()


@dataclass
class _EncodedTable:
    """One table as last encoded: its ids and documents, its JSON inside the braces, each document's by first value."""

    ids: list[str]
    docs: list[dict]
    body: str
    slots: dict[int, tuple[dict, str]]

    def extended_by(self, ids: list[str], docs: list[dict]) -> bool:
        """Whether ``ids``/``docs`` start with exactly this table's ids and (the same objects) documents."""
        count = len(self.ids)
        return ids[:count] == self.ids and len(docs) >= count and all(map(operator.is_, self.docs, docs))


_COMPACT = json.JSONEncoder(separators=(",", ":"))


class Transaction(Middleware):
    """Makes the table operations inside :meth:`transaction` one read and at most one write.

    Outside a transaction reads and writes go straight to the storage. A
    transaction that raises writes nothing. ``transaction(written=True)``
    starts from the tables this middleware last wrote, not from the file: for
    the single writer of a meeting they are what the file holds, and a save
    that inserts one event then costs neither a read nor a parse of the file.
    TinyDB replaces a table's dict on every operation and never mutates a
    document in place, so a shallow copy of the tables is enough.
    """

    def __init__(self, storage_cls: type[Storage]) -> None:
        super().__init__(storage_cls)
        self._active = False
        self._state: Tables | None = None
        self._dirty = False
        self._written: Tables | None = None

    def read(self) -> Tables | None:
        if not self._active:
            return self.storage.read()
        if self._state is None:
            self._state = self.storage.read()
        return self._state

    def write(self, data: Tables) -> None:
        if not self._active:
            self._written = None
            self.storage.write(data)
            return
        self._state, self._dirty = data, True

    @contextmanager
    def transaction(self, *, written: bool = False) -> Iterator[None]:
        """Collect reads and writes; write the final state once at the end.

        ``written``: start from the tables last written here, when there are any.
        """
        self._active = True
        if written and self._written is not None:
            self._state = dict(self._written)
        try:
            yield
            if self._dirty:
                self._written = None
                self.storage.write(self._state)
                self._written = self._state
        finally:
            self._active, self._state, self._dirty = False, None, False


def untouched(path: Path) -> str:
    """The end of every message about a file pmtui refuses to use."""
    return f"it was left untouched; restore it from a backup or move it out of {path.parent}"


def damaged(path: Path, detail: str) -> NotAMeetingError:
    """The error for a meeting file whose JSON has the wrong shape."""
    return NotAMeetingError(f"{path} is a damaged pmtui meeting ({detail}); {untouched(path)}")


def read_meeting_bytes(path: Path) -> bytes:
    """The bytes of the meeting file ``path``, which must be a regular file and not a symbolic link.

    A link is refused, not followed: the file it names may be anyone's, and a
    save would replace the link by a regular file. Every refusal is one line.
    """
    try:
        return read_no_follow(path)
    except FileNotFoundError:
        raise MeetingNotFoundError(f"no meeting file {path}; run 'pmtui list' to see meetings") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LinkedMeetingError(f"{path} is a symbolic link, which pmtui neither follows nor replaces; it was "
                                     f"left untouched: put the meeting file itself in {path.parent}") from None
        if exc.errno == errno.EINVAL:
            raise NotAMeetingError(f"{path} is not a regular file; {untouched(path)}") from None
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}; check its permissions") from None


def validated_tables(path: Path, raw: bytes) -> tuple[Tables, dict]:
    """The tables and ``_meta`` document of a meeting file's bytes, validated."""
    if not raw.strip():
        raise NotAMeetingError(f"{path} is empty, not a pmtui meeting; {untouched(path)}")
    try:
        tables = json.loads(raw)
    except ValueError as exc:
        raise NotAMeetingError(f"{path} is not valid JSON, perhaps truncated ({exc}); {untouched(path)}") from None
    meta_table = tables.get("_meta") if isinstance(tables, dict) else None
    meta = meta_table.get("1") if isinstance(meta_table, dict) else None
    if not isinstance(meta, dict) or meta.get("app") != APP or not isinstance(meta.get("schema"), int):
        raise NotAMeetingError(f"{path} is JSON but not a pmtui meeting; {untouched(path)}")
    if meta["schema"] > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"{path} was written by a newer pmtui (schema {meta['schema']}); upgrade pmtui to open it"
        )
    return tables, meta
