"""A note-taker's outbox on disk: every change they typed, until the facilitator has it.

One JSON file per meeting URL + name, under ``$PMTUI_OUTBOX_DIR`` or the user
data dir's ``outbox`` folder. It is rewritten atomically (temp file, fsync,
rename, fsync of the folder) on every change, so a killed process or a power
cut leaves either the old or the new list, never half of one. A lock file
stops two ``pmtui join`` processes with the same name and meeting from
sharing one outbox.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import platformdirs

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

OUTBOX_ENV = "PMTUI_OUTBOX_DIR"
FORMAT_VERSION = 1


class OutboxError(Exception):
    """The outbox cannot be used; the message is one line for the user."""


def outbox_dir(explicit: str | Path | None = None) -> Path:
    """Where outboxes live: ``explicit``, else ``$PMTUI_OUTBOX_DIR``, else the user data dir."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(OUTBOX_ENV):
        return Path(os.environ[OUTBOX_ENV]).expanduser()
    return platformdirs.user_data_path("pmtui") / "outbox"


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


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Outbox:
    """The ordered list of a note-taker's unacknowledged changes (each a protocol message with an 'id')."""

    def __init__(self, path: Path, *, url: str = "", name: str = "") -> None:
        self.path = path
        self.url = url
        self.name = name
        self.recovered: Path | None = None
        self._lock_fd: int | None = None
        self._entries: dict[str, dict] = {}
        self._dirty = False
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutboxError(f"cannot create the outbox folder {path.parent}: {exc.strerror or exc}; "
                              f"set {OUTBOX_ENV} to a writable folder") from None
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
        if fcntl is None:
            return
        lock_path = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            who = f" as {self.name!r}" if self.name else ""
            raise OutboxError(f"another 'pmtui join'{who} is already running for this meeting on this machine; "
                              "use it, or pick another --name") from None
        self._lock_fd = fd

    def close(self) -> None:
        """Write deferred removals and release the lock (the file stays for the next start)."""
        try:
            self.flush()
        except OSError:
            pass
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

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

    def _save(self) -> None:
        data = {"version": FORMAT_VERSION, "url": self.url, "name": self.name,
                "entries": list(self._entries.values())}
        payload = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, self.path)
        _fsync_dir(self.path.parent)
        self._dirty = False
