"""Slack workspace exports (a folder or its .zip) as timeline events: what the incident channel said, and when.

The export's shape (https://slack.com/help/articles/220556107-How-to-read-Slack-data-exports): ``users.json``
(members), ``channels.json`` and ``groups.json`` (public and private channels, with their ``pins``), and one folder
per channel holding a JSON array of messages per day, ``<channel>/<YYYY-MM-DD>.json``. Only the day files that can
hold the window are read, one at a time (a year of a busy channel stays flat in memory); a day's file name is its
date, so the window is widened by a day either side for time zones. Joins, leaves, topic changes and other noise are
skipped; alert bots' messages are kept. Direct messages are never read: a post-mortem is built from its channels.
"""

from __future__ import annotations

import json
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ..text import clean
from .base import PINNED, BadRecord, ImportRequest, Progress, SourceError, SourceEvent, SourceRead
from .slack_archive import SlackArchive, TooLarge, export_root, open_archive
from .slack_markup import readable

KEPT_SUBTYPES = frozenset({"", "bot_message", "me_message", "thread_broadcast", "file_share"})
"""Message subtypes that are something said; the rest (channel_join, channel_leave, channel_topic, channel_purpose,
pinned_item, message_changed…) is the channel's housekeeping."""
_DAY_FILE = re.compile(r"(\d{4}-\d{2}-\d{2})\.json")
_TS = re.compile(r"(\d{1,11})(?:\.(\d{1,6}))?")
_UNSAFE_NAME = re.compile(r"[/\\\x00]|^\.{1,2}$")
_EMOJI_NAME = re.compile(r"[\w.+'-]{1,100}")
"""A reaction's name as Slack makes them (``pushpin``, ``+1``, ``white_check_mark``); another is not shown as a mark."""


def detect(path: Path) -> bool:
    """A folder or .zip with ``channels.json`` at its top (or one folder down, as zipped again)."""
    try:
        if path.is_dir():
            return (path / "channels.json").is_file()
        if path.suffix.lower() != ".zip" or not path.is_file():
            return False
        with zipfile.ZipFile(path) as export:
            names = export.namelist()
    except (OSError, zipfile.BadZipFile):
        return False
    return f"{export_root(names)}channels.json" in names


@dataclass
class _Workspace:
    """Who and where, from the export's top files: names for ids, channel folders, pinned messages."""

    users: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    """Channel id → name (also the folder of its messages)."""
    pins: dict[str, set[str]] = field(default_factory=dict)
    """Channel name → the ``ts`` of its pinned messages."""


def read(path: Path, request: ImportRequest, progress: Progress) -> SourceRead:
    """The messages of ``path``'s channels within ``request``'s window, channel and flagged/pinned filters."""
    found = SourceRead("slack")
    with open_archive(path) as archive:
        workspace = _workspace(archive, found)
        names = _chosen_channels(workspace, request, path)
        days = [(name, day) for name in names for day in _days(archive, name, request)]
        progress(0, len(days))
        bounds = (request.start.timestamp() if request.start else -math.inf,
                  request.end.timestamp() if request.end else math.inf)
        for done, (name, day) in enumerate(days, 1):
            _read_day(archive, name, day, workspace, request, bounds, found)
            progress(done, len(days))
    found.events.sort(key=lambda event: event.time)
    return found


def _workspace(archive: SlackArchive, found: SourceRead) -> _Workspace:
    if not archive.has("channels.json"):
        raise SourceError(str(archive.path), "channels.json", "missing: not a Slack workspace export (give the "
                          "export's .zip or its unpacked folder)")
    workspace = _Workspace()
    for file in ("users.json", "org_users.json"):
        for _, user in _items(archive, file):
            if isinstance(user, dict) and isinstance(user.get("id"), str):
                workspace.users[user["id"]] = _person(user)
    for file in ("channels.json", "groups.json"):
        for index, channel in _items(archive, file):
            name = channel.get("name") if isinstance(channel, dict) else None
            if not isinstance(name, str) or not name or _UNSAFE_NAME.search(name):
                found.bad.append(BadRecord(file, f"item {index}", "a channel without a usable name; left out"))
                continue
            workspace.channels[str(channel.get("id", name))] = name
            pins = channel.get("pins")
            workspace.pins[name] = {str(pin.get("id")) for pin in pins if isinstance(pin, dict)} \
                if isinstance(pins, list) else set()
    return workspace


def _items(archive: SlackArchive, file: str) -> Iterator[tuple[int, object]]:
    """The items of a top-level JSON array file (numbered from 1); none when the export has no such file."""
    if not archive.has(file):
        return
    try:
        items = json.loads(archive.read(file))
    except TooLarge as exc:
        raise SourceError(str(archive.path), file, f"{exc}: not a file Slack writes") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(str(archive.path), file, f"not JSON ({exc}): export the workspace again") from None
    except OSError as exc:
        raise SourceError(str(archive.path), file, str(exc)) from None
    if not isinstance(items, list):
        raise SourceError(str(archive.path), file, "not a JSON array: export the workspace again")
    yield from enumerate(items, 1)


def _person(user: dict) -> str:
    profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
    for name in (user.get("real_name"), profile.get("real_name"), profile.get("display_name"), user.get("name")):
        if isinstance(name, str) and name.strip():
            return name.strip()
    return str(user["id"])


def _chosen_channels(workspace: _Workspace, request: ImportRequest, path: Path) -> list[str]:
    names = list(dict.fromkeys(workspace.channels.values()))
    wanted = request.channel.lstrip("#")
    if not wanted:
        return names
    if wanted not in names:
        raise SourceError(str(path), f"--channel {wanted}", "no such channel in the export; it has "
                          + (", ".join(f"#{name}" for name in names[:20]) or "none"))
    return [wanted]


def _days(archive: SlackArchive, channel: str, request: ImportRequest) -> list[str]:
    """The channel's day files that can hold the window (its name is the day; a day more either side for zones)."""
    first = _edge(request.start, -1)
    last = _edge(request.end, +1)
    days = []
    for name in archive.listing(channel):
        match = _DAY_FILE.fullmatch(name)
        if match and (first is None or match.group(1) >= first) and (last is None or match.group(1) <= last):
            days.append(name)
    return days


def _edge(moment: datetime | None, days: int) -> str | None:
    if moment is None:
        return None
    try:
        return (moment.astimezone(UTC).date() + timedelta(days=days)).isoformat()
    except OverflowError:
        return (date.min if days < 0 else date.max).isoformat()


def _read_day(archive: SlackArchive, channel: str, day: str, workspace: _Workspace, request: ImportRequest,
              bounds: tuple[float, float], found: SourceRead) -> None:
    file = f"{channel}/{day}"
    try:
        messages = json.loads(archive.read(file))
    except TooLarge as exc:
        found.bad.append(BadRecord(file, "whole file", f"{exc}: not a day of Slack messages"))
        return
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        found.bad.append(BadRecord(file, "whole file", f"not JSON ({exc})"))
        return
    except OSError as exc:
        found.bad.append(BadRecord(file, "whole file", str(exc)))
        return
    if not isinstance(messages, list):
        found.bad.append(BadRecord(file, "whole file", "not a JSON array of messages"))
        return
    for index, message in enumerate(messages, 1):
        if not isinstance(message, dict):
            found.bad.append(BadRecord(file, f"item {index}", "not a message object"))
            continue
        try:
            event = _event(message, channel, workspace, request, bounds)
        except ValueError as exc:
            found.bad.append(BadRecord(file, f"item {index}", str(exc)))
            continue
        if event is None:
            found.skipped += 1
        else:
            found.events.append(event)


def _event(message: dict, channel: str, workspace: _Workspace, request: ImportRequest,
           bounds: tuple[float, float]) -> SourceEvent | None:
    """The event ``message`` is, or None when it is noise, outside the window (``bounds``, epoch seconds), or
    filtered out."""
    subtype = message.get("subtype") or ""
    if not isinstance(subtype, str) or subtype not in KEPT_SUBTYPES:
        return None
    ts = message.get("ts")
    if not bounds[0] <= _seconds(ts) <= bounds[1]:
        return None
    reactions = _reactions(message)
    if request.flagged and request.flagged.strip(":") not in reactions:
        return None
    pinned = ts in workspace.pins.get(channel, ()) or bool(message.get("pinned_to"))
    if request.pinned and not pinned:
        return None
    bot = subtype == "bot_message" or bool(message.get("bot_id"))
    text = " ".join(readable(_text(message), workspace.users, workspace.channels).split())
    if not text:
        return None
    thread = message.get("thread_ts")
    reply = isinstance(thread, str) and _TS.fullmatch(thread) is not None and thread != ts
    evidence = f"#{channel}/p{ts.replace('.', '')}" + (f"?thread_ts={thread}" if reply else "")
    return SourceEvent(
        time=_moment(ts),
        description=clean(("↳ " if reply else "") + text),
        evidence=evidence,
        author=clean(_author(message, workspace, bot)),
        source=f"slack:#{channel}",
        kind="bot" if bot else "reply" if reply else "message",
        marks=((PINNED,) if pinned else ()) + tuple(f":{name}:" for name in reactions if _EMOJI_NAME.fullmatch(name)),
    )


def _seconds(ts: object) -> float:
    """``ts`` as epoch seconds, for the window (cheaper than a datetime for the messages left out)."""
    if not isinstance(ts, str) or _TS.fullmatch(ts) is None:
        raise ValueError(f"no usable ts ({str(ts)[:40]!r}): Slack writes epoch seconds such as '1485905220.000200'")
    return float(ts)


def _moment(ts: str) -> datetime:
    """The second a checked ``ts`` names: its fraction tells messages apart within a second (the evidence keeps it),
    a timeline reads seconds."""
    return datetime.fromtimestamp(int(ts.partition(".")[0]), UTC)


def _reactions(message: dict) -> list[str]:
    """The emoji names people reacted with, each once in the message's order; a skin tone is the same reaction
    (``+1::skin-tone-3`` is ``+1``)."""
    reactions = message.get("reactions")
    if not isinstance(reactions, list):
        return []
    names = (reaction.get("name") for reaction in reactions if isinstance(reaction, dict))
    return list(dict.fromkeys(name.split("::", 1)[0] for name in names if isinstance(name, str) and name))


def _text(message: dict) -> str:
    """What the message says: its text, else its attachments' (alert bots), else the files it shared."""
    text = message.get("text")
    if isinstance(text, str) and text.strip():
        return text
    attachments = message.get("attachments")
    if isinstance(attachments, list):
        said = [_attachment(item) for item in attachments if isinstance(item, dict)]
        if any(said):
            return "; ".join(part for part in said if part)
    files = message.get("files")
    if isinstance(files, list):
        titles = [str(item.get("title") or item.get("name") or "") for item in files if isinstance(item, dict)]
        return "shared " + ", ".join(title for title in titles if title) if any(titles) else ""
    return ""


def _attachment(item: dict) -> str:
    for key in ("fallback", "title", "pretext", "text"):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _author(message: dict, workspace: _Workspace, bot: bool) -> str:
    user = message.get("user")
    if isinstance(user, str) and user in workspace.users and not bot:
        return workspace.users[user]
    profile = message.get("user_profile") if isinstance(message.get("user_profile"), dict) else {}
    bot_profile = message.get("bot_profile") if isinstance(message.get("bot_profile"), dict) else {}
    for name in (message.get("username"), bot_profile.get("name"), profile.get("real_name"),
                 workspace.users.get(user) if isinstance(user, str) else None, user):
        if isinstance(name, str) and name.strip():
            return name.strip()
    return "bot" if bot else ""
