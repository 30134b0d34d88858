"""The one-line quick-entry formats people type during a meeting, read into entries.

Timeline: ``TIME description | actor | evidence``
Action item: ``description | owner | priority | due | success criteria``
Attendee: ``name | role``; contributing factor: ``text | category``

Each ``parse_*_line`` returns an entry for the session's plain command (e.g.
``session.add_event(entry.time, entry.description, ...)``) or raises
:class:`QuickEntryError` with a one-line message; the session validates the
values as it does for any other caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from .model import FISHBONE_CATEGORIES, PRIORITIES, ROLES
from .timeparse import TimeFormatError, parse_date, parse_time

TIMELINE_HINT = "TIME description | actor | evidence — e.g. 14:37 checkout errors start | alice | grafana link"
ACTION_HINT = "description | owner | priority | due | success criteria"

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PRIORITY_ALIASES = {
    "c": "critical", "crit": "critical", "p0": "critical", "p1": "high",
    "h": "high", "hi": "high", "p2": "medium", "m": "medium", "med": "medium",
    "p3": "low", "l": "low", "lo": "low",
}


class QuickEntryError(ValueError):
    """A quick-entry line that cannot be read; the message says what to fix."""


@dataclass(frozen=True)
class EventEntry:
    """A timeline event read from a quick-entry line."""

    time: datetime
    description: str
    actor: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class ActionEntry:
    """An action item read from a quick-entry line (``None`` = not given)."""

    description: str
    owner: str = ""
    priority: str | None = None
    due: date | None = None
    success_criteria: str = ""


def _fields(line: str, count: int) -> list[str]:
    parts = [p.strip() for p in line.split("|", count - 1)]
    return parts + [""] * (count - len(parts))


def parse_event_line(
    line: str, *, tz: str = "UTC", on: date | None = None, near: datetime | None = None
) -> EventEntry:
    """Read ``TIME description | actor | evidence``.

    TIME is ``HH:MM[:SS]`` (within 12 hours of ``near``, else on ``on``), ``YYYY-MM-DD HH:MM[:SS]`` or ISO 8601.
    """
    head, actor, evidence = _fields(line, 3)
    tokens = head.split(None, 1)
    if not tokens:
        raise QuickEntryError(f"type a time and what happened: {TIMELINE_HINT}")
    time_text, rest = tokens[0], (tokens[1] if len(tokens) > 1 else "")
    if _DATE.match(time_text) and rest:
        more = rest.split(None, 1)
        time_text, rest = f"{time_text} {more[0]}", (more[1] if len(more) > 1 else "")
    try:
        moment = parse_time(time_text, tz, on, near=near)
    except TimeFormatError:
        raise QuickEntryError(
            f"start with a time such as 14:37 or 2026-03-14 14:37 (got {time_text!r}): {TIMELINE_HINT}"
        ) from None
    description = rest.strip()
    if not description:
        raise QuickEntryError("describe what happened after the time: " + TIMELINE_HINT)
    return EventEntry(moment, description, actor, evidence)


def parse_priority(text: str) -> str:
    """A priority name from what people type: 'high', 'h', 'P1', 'Crit'…"""
    word = text.strip().lower()
    if word in PRIORITIES:
        return word
    if word in _PRIORITY_ALIASES:
        return _PRIORITY_ALIASES[word]
    raise QuickEntryError(f"priority {text!r} is not one of {', '.join(PRIORITIES)}")


def parse_action_line(line: str, today: date | None = None) -> ActionEntry:
    """Read ``description | owner | priority | due | success criteria``."""
    description, owner, priority, due, criteria = _fields(line, 5)
    if not description:
        raise QuickEntryError("describe the action first: " + ACTION_HINT)
    try:
        due_date = parse_date(due, today) if due else None
    except TimeFormatError as exc:
        raise QuickEntryError(str(exc)) from None
    return ActionEntry(
        description=description,
        owner=owner,
        priority=parse_priority(priority) if priority else None,
        due=due_date,
        success_criteria=criteria,
    )


ROLE_ALIASES = {
    "ic": "incident commander",
    "commander": "incident commander",
    "nt": "note-taker",
    "notes": "note-taker",
    "notetaker": "note-taker",
    "scribe": "note-taker",
}
DEFAULT_ROLE = "responder"


def parse_role(text: str) -> str:
    """A role from what people type: a prefix ('note', 'fac'), an alias ('ic'), or the text as typed.

    Empty text is the default role; text that matches nothing comes back
    unchanged so the session can refuse it with the list of roles.
    """
    word = " ".join(text.lower().replace("-", " ").split())
    if not word:
        return DEFAULT_ROLE
    for role in ROLES:
        if role.replace("-", " ").startswith(word):
            return role
    return ROLE_ALIASES.get(word.replace(" ", ""), text.strip())


@dataclass(frozen=True)
class AttendeeEntry:
    """An attendee read from a quick-entry line."""

    name: str
    role: str = DEFAULT_ROLE


@dataclass(frozen=True)
class FactorEntry:
    """A contributing factor read from a quick-entry line."""

    text: str
    category: str


def parse_attendee_line(line: str) -> AttendeeEntry:
    """Read ``name | role`` into a name and a role (responder when left out)."""
    name, _, role = line.partition("|")
    return AttendeeEntry(name.strip(), parse_role(role))


def parse_factor_line(line: str) -> FactorEntry:
    """Read ``text | category``; a category may be shortened ('tech')."""
    text, bar, category = line.rpartition("|")
    if not bar:
        raise QuickEntryError("add a category after a bar, e.g. text | process")
    word = category.strip().lower()
    matches = [c for c in FISHBONE_CATEGORIES if c.startswith(word)] if word else []
    return FactorEntry(text.strip(), matches[0] if len(matches) == 1 else word)


_SPEAKER = re.compile(r"^@(\S+)\s+")


def split_speaker(line: str) -> tuple[str, str]:
    """Split a leading ``@name`` (who said it) off a typed line: ``('priya', '14:41 acked')``; ``''`` when none.

    The name is returned as typed; the session matches it against the meeting's attendees.
    """
    match = _SPEAKER.match(line.lstrip())
    if match is None:
        return "", line
    return match.group(1), line.lstrip()[match.end():]
