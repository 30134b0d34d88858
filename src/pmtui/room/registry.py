"""The meetings shared from this machine, so ``pmtui serve`` finds one without ``--room``.

``pmtui run --share`` leaves a notice (address, token, title, process id) in
:func:`pmtui.paths.rooms_dir`, readable by its user only, and removes it
when it stops sharing. A notice whose process is gone (``kill -9``) is not
listed, and is cleared on the next look.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..fsio import atomic_write
from ..paths import rooms_dir


@dataclass(frozen=True)
class SharedRoom:
    """A meeting a facilitator's app shares from this machine."""

    url: str
    token: str
    title: str
    pid: int


def announce(room: SharedRoom) -> Path | None:
    """Leave the notice of ``room``; its path, or None when it cannot be written (sharing works regardless)."""
    folder = rooms_dir()
    path = folder / f"room-{room.pid}-{room.url.rsplit(':', 1)[-1]}.json"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps({"url": room.url, "token": room.token, "title": room.title, "pid": room.pid}))
    except OSError:
        return None
    return path


def withdraw(path: Path | None) -> None:
    """Remove a notice left by :func:`announce` (nothing when it is already gone)."""
    if path is not None:
        try:
            path.unlink()
        except OSError:
            pass


def shared_rooms() -> list[SharedRoom]:
    """The meetings shared from this machine now, oldest notice first."""
    found = []
    try:
        paths = sorted(rooms_dir().glob("room-*.json"), key=_age)
    except OSError:
        return []
    for path in paths:
        room = _read(path)
        if room is None:
            continue
        if _alive(room.pid):
            found.append(room)
        else:
            withdraw(path)
    return found


def _age(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _read(path: Path) -> SharedRoom | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        room = SharedRoom(url=data["url"], token=data["token"], title=data.get("title", ""), pid=data["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # someone else's file, or half of one: not ours to list or to remove
    if not (isinstance(room.url, str) and isinstance(room.token, str) and isinstance(room.pid, int)):
        return None
    return room


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # signal 0 would end the process there; let the address check tell
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True
