"""A note-taker's outbox on disk: every change they typed, until the facilitator has it.

One JSON file per meeting URL + name, in :func:`pmtui.paths.outbox_dir`. It
is rewritten with :func:`pmtui.fsio.atomic_write` on every change, so a
killed process or a power cut leaves either the old or the new list, never
half of one. A lock (:mod:`pmtui.lock`) stops two ``pmtui join`` processes
with the same name and meeting from sharing one outbox.

The file also keeps the note-taker's room identity key (:mod:`pmtui.room.identity`),
so a restart joins as the same person. Like every file :func:`~pmtui.fsio.atomic_write`
writes, it is readable by its user only, in a folder made for its user only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

from ..fsio import atomic_write
from ..lock import FileLock, LockFileError, LockHeldError
from ..paths import OUTBOX_DIR_ENV, outbox_dir
from .identity import KEY_PATTERN

FORMAT_VERSION = 1


class OutboxError(Exception):
    """The outbox cannot be used; the message is one line for the user."""


def room_key(url: str) -> str:
    """One spelling per room address: 'ws://h:1/ws', 'http://h:1/' and 'http://h:1' are the same room."""
    key = url.strip().rstrip("/")
    if "://" not in key:
        key = "http://" + key
    scheme, rest = key.split("://", 1)
    scheme = {"ws": "http", "wss": "https"}.get(scheme.lower(), scheme.lower())
    if rest.endswith("/ws"):
        rest = rest[:-3]
    return f"{scheme}://{rest.rstrip('/')}"


def outbox_path(url: str, name: str, directory: str | Path | None = None) -> Path:
    """The outbox file of note-taker ``name`` in the meeting at ``url``."""
    digest = hashlib.sha256(f"{room_key(url)}\n{name}".encode()).hexdigest()[:16]
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:24] or "note-taker"
    return outbox_dir(directory) / f"{slug}-{digest}.json"


def names_in_room(url: str, directory: str | Path | None = None) -> list[str]:
    """The names this machine joined the meeting at ``url`` under (each has an outbox file), latest used first.

    ``pmtui join`` without ``--name`` starts as that person again, even while the
    facilitator is unreachable: their pending entries and identity key are in that file.
    """
    found: list[tuple[float, str]] = []
    folder = outbox_dir(directory)
    try:
        paths = list(folder.glob("*.json"))
    except OSError:
        return []
    for path in paths:
        try:
            data = json.loads(path.read_bytes())
            used = path.stat().st_mtime
        except (OSError, ValueError):
            continue
        name = data.get("name") if isinstance(data, dict) else None
        if isinstance(name, str) and name and outbox_path(url, name, directory) == path:
            found.append((used, name))
    return [name for _, name in sorted(found, reverse=True)]


class Outbox:
    """The ordered list of a note-taker's unacknowledged changes (each a protocol message with an 'id')."""

    def __init__(self, path: Path, *, url: str = "", name: str = "") -> None:
        self.path = path
        self.url = url
        self.name = name
        self.recovered: Path | None = None
        self.key: str | None = None  # the room identity key, once the room issued one
        self._file_lock: FileLock | None = None
        self._entries: dict[str, dict] = {}
        self._dirty = False
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise OutboxError(f"cannot create the outbox folder {path.parent}: {exc.strerror or exc}; "
                              f"set {OUTBOX_DIR_ENV} to a writable folder") from None
        self._lock()
        try:
            self._load()
        except Exception:
            self.close()
            raise

    @classmethod
    def for_room(cls, url: str, name: str, directory: str | Path | None = None) -> Outbox:
        """Open (creating if needed) the outbox of ``name`` in the meeting at ``url``."""
        return cls(outbox_path(url, name, directory), url=url, name=name)

    # --- the list ---------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[dict]:
        return iter(list(self._entries.values()))

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._entries

    def get(self, entry_id: str) -> dict | None:
        """The entry with id ``entry_id``, if still pending."""
        return self._entries.get(entry_id)

    def add(self, message: dict) -> None:
        """Keep ``message`` (it must have an 'id') on disk before it is sent."""
        entry_id = message["id"]
        if entry_id in self._entries:
            return
        self._entries[entry_id] = dict(message)
        try:
            self._save()
        except OSError:
            del self._entries[entry_id]
            raise

    def remove(self, entry_id: str, *, defer: bool = False) -> dict | None:
        """Forget an entry (acknowledged or refused); returns it, or None if unknown.

        With ``defer`` the file is rewritten by the next :meth:`flush` or :meth:`add`
        (a crash before that only means the entry is sent again, and the facilitator
        ignores an id it has applied already).
        """
        entry = self._entries.pop(entry_id, None)
        if entry is not None:
            self._dirty = True
            if not defer:
                self._save()
        return entry

    def set_key(self, key: str) -> None:
        """Keep the identity key the room issued (written at once: a restart must join as the same person)."""
        previous, self.key = self.key, key
        try:
            self._save()
        except OSError:
            self.key = previous
            raise

    @property
    def dirty(self) -> bool:
        """Whether removals are waiting for :meth:`flush`."""
        return self._dirty

    def flush(self) -> None:
        """Write deferred removals."""
        if self._dirty:
            self._save()

    # --- disk ------------------------------------------------------------------------------

    def _lock(self) -> None:
        try:
            self._file_lock = FileLock.acquire(self.path.with_name(self.path.name + ".lock"))
        except LockHeldError as exc:
            who = f" as {self.name!r}" if self.name else ""
            raise OutboxError(f"another 'pmtui join'{who} is already running for this meeting on this machine "
                              f"({exc.holder}); use it, or pick another --name") from None
        except LockFileError as exc:
            raise OutboxError(str(exc)) from None

    def close(self) -> None:
        """Write deferred removals and release the lock (the file stays for the next start)."""
        try:
            self.flush()
        except OSError:
            pass
        if self._file_lock is not None:
            self._file_lock.release()
            self._file_lock = None

    def _load(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        try:
            data = json.loads(raw)
            entries = data["entries"]
            if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("id"), str)
                                                        for e in entries):
                raise ValueError("bad entries")
        except (ValueError, KeyError, TypeError):
            # Keep the damaged file for a human; start with an empty outbox.
            aside = self.path.with_name(f"{self.path.name}.damaged-{int(time.time())}")
            os.replace(self.path, aside)
            self.recovered = aside
            return
        self._entries = {e["id"]: e for e in entries}
        key = data.get("key")
        self.key = key if isinstance(key, str) and KEY_PATTERN.fullmatch(key) else None

    def _save(self) -> None:
        data = {"version": FORMAT_VERSION, "url": self.url, "name": self.name, "key": self.key,
                "entries": list(self._entries.values())}
        atomic_write(self.path, json.dumps(data, ensure_ascii=False, indent=1))
        self._dirty = False
