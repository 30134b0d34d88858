"""TinyDB storage for meeting files: validated reads, durable and cheap writes.

:class:`MeetingStorage` is the TinyDB ``Storage`` of a meeting file: it reads
only files that are pmtui meetings (anything else raises a one-line
StoreError and is never modified) and writes through
:func:`pmtui.fsio.atomic_write`. :class:`Transaction` is the middleware that
turns the table operations of one load or save into one read and one write
of the file (TinyDB rewrites the whole database for every table operation,
and a meeting has thirteen tables).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb.middlewares import Middleware
from tinydb.storages import Storage

from ..fsio import atomic_write
from ..model import SCHEMA_VERSION
from .errors import MeetingNotFoundError, NewerSchemaError, NotAMeetingError, StoreError
from .tables import APP

Tables = dict[str, dict[str, Any]]


class MeetingStorage(Storage):
    """The TinyDB storage of one meeting file.

    Writes reuse the JSON of documents that did not change: a document whose
    first value is the very object of the first value of a document in the
    previous write (in any table, under any id), and which equals that
    document, is not encoded again. TinyDB copies each document it is given,
    but only shallowly, so the values keep their identity: the
    :class:`~pmtui.store.saver.SessionSaver` hands over the same event dict
    until the event changes (a changed event is a new dict with a new first
    value, its time), and nobody mutates a snapshot. Equal documents encode
    identically except for numbers equal across types (``1 == 1.0 == True``),
    which no field of a meeting changes between. With 2,000 events this saves
    most of the encode, which holds the GIL away from the UI thread.
    """

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)
        self._encoded: dict[int, tuple[dict, str]] = {}

    def read(self) -> Tables:
        """The tables of the file, validated; raises StoreError for anything but a readable meeting."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            raise MeetingNotFoundError(f"no meeting file {self.path}; run 'pmtui list' to see meetings") from None
        except OSError as exc:
            raise StoreError(f"cannot read {self.path}: {exc.strerror or exc}; check its permissions") from None
        return validated_tables(self.path, raw)[0]

    def write(self, data: Tables) -> None:
        """Replace the file with ``data`` (compact JSON) durably; OSErrors pass through."""
        atomic_write(self.path, self.encode(data))

    def encode(self, tables: Tables) -> bytes:
        """The tables as compact JSON bytes, identical to ``json.dumps(tables, separators=(",", ":"))``.

        Compact JSON: only then does CPython use its C encoder.
        """
        dumps = _COMPACT.encode
        last, seen = self._encoded, {}
        parts = []
        for name, docs in tables.items():
            encoded = []
            for doc_id, doc in docs.items():
                slot = id(next(iter(doc.values()), None))
                hit = last.get(slot)
                text = hit[1] if hit is not None and hit[0] == doc else dumps(doc)
                seen[slot] = (doc, text)  # keeps the first value alive, so its id stays unambiguous
                encoded.append(f"{dumps(doc_id)}:{text}")
            parts.append(f"{dumps(name)}:{{{','.join(encoded)}}}")
        self._encoded = seen
        return f"{{{','.join(parts)}}}".encode()


_COMPACT = json.JSONEncoder(separators=(",", ":"))


class Transaction(Middleware):
    """Makes the table operations inside :meth:`transaction` one read and at most one write.

    Outside a transaction reads and writes go straight to the storage. A
    transaction that raises writes nothing.
    """

    def __init__(self, storage_cls: type[Storage]) -> None:
        super().__init__(storage_cls)
        self._active = False
        self._state: Tables | None = None
        self._dirty = False

    def read(self) -> Tables | None:
        if not self._active:
            return self.storage.read()
        if self._state is None:
            self._state = self.storage.read()
        return self._state

    def write(self, data: Tables) -> None:
        if not self._active:
            self.storage.write(data)
            return
        self._state, self._dirty = data, True

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Collect reads and writes; write the final state once at the end."""
        self._active = True
        try:
            yield
            if self._dirty:
                self.storage.write(self._state)
        finally:
            self._active, self._state, self._dirty = False, None, False


def untouched(path: Path) -> str:
    """The end of every message about a file pmtui refuses to use."""
    return f"it was left untouched; restore it from a backup or move it out of {path.parent}"


def damaged(path: Path, detail: str) -> NotAMeetingError:
    """The error for a meeting file whose JSON has the wrong shape."""
    return NotAMeetingError(f"{path} is a damaged pmtui meeting ({detail}); {untouched(path)}")


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
