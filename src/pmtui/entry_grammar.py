"""The one quick-entry grammar: what a line typed during a meeting means, for the facilitator and note-takers alike.

:func:`read_entry` reads a whole line in a phase: an optional ``@name`` (who said it), an optional prefix
(``+`` went well, ``-`` went poorly, ``!`` lucky, ``?`` the next why) that means the same in every phase,
and otherwise what the phase is for (:data:`PLAIN`: an event in the timeline, went well in observations…).
The field readers it calls:

Timeline: ``TIME description | actor | evidence``
Action item: ``description | owner | priority | due | success criteria``
Attendee: ``name | role``; contributing factor: ``text | category``; observation: ``text | who said it``

Each returns an entry for the session's plain command (e.g.
``session.add_event(entry.time, entry.description, ..., speaker=entry.speaker)``) or raises
:class:`QuickEntryError` with a one-line message; the session validates the
values (and the text rule) as it does for any other caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
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
    speaker: str = ""  # a leading @name as typed; the session matches it against the attendees


@dataclass(frozen=True)
class ActionEntry:
    """An action item read from a quick-entry line (``None`` = not given)."""

    description: str
    owner: str = ""
    priority: str | None = None
    due: date | None = None
    success_criteria: str = ""
    speaker: str = ""


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
    speaker: str = ""


@dataclass(frozen=True)
class FactorEntry:
    """A contributing factor read from a quick-entry line."""

    text: str
    category: str
    speaker: str = ""


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


OBSERVATION_PREFIXES = {"+": "went_well", "-": "went_poorly", "!": "lucky"}
"""What goes before an observation, in every phase and on every screen: ``+ went well``, ``- …``, ``! …``."""
WHY_PREFIX = "?"
"""What goes before the next answer of a Five Whys chain, in every phase."""
OBSERVATION_WORDS = {"went_well": "went well", "went_poorly": "went poorly", "lucky": "was lucky"}

PLAIN = {
    "timeline": "event",
    "observations": "went_well",
    "five_whys": "why",
    "actions": "action",
    "follow_ups": "note",
    "review": "note",
    "notes": "note",
    "safety": "attendee",
}
"""What a line without a prefix is in each kind of phase."""

PREFIX_HINT = "+ went well · - went poorly · ! lucky · ? why · @name who said it"
PREFIX_HINT_SHORT = "+ - ! ? @name"


@dataclass(frozen=True)
class ObservationEntry:
    """What went well, went poorly, or where we got lucky; ``by`` is a name typed after a bar."""

    kind: str
    text: str
    by: str = ""
    speaker: str = ""


@dataclass(frozen=True)
class WhyEntry:
    """The next answer of a Five Whys chain."""

    text: str
    speaker: str = ""


@dataclass(frozen=True)
class ProblemEntry:
    """The problem statement a new Five Whys chain starts from."""

    text: str
    speaker: str = ""


@dataclass(frozen=True)
class NoteEntry:
    """A line of the phase's notes."""

    text: str
    speaker: str = ""


Entry = (EventEntry | ObservationEntry | WhyEntry | ProblemEntry | ActionEntry | NoteEntry | FactorEntry
         | AttendeeEntry)


def mark(kind: str) -> str:
    """The prefix typed for an observation of ``kind`` ('+', '-' or '!')."""
    return {v: k for k, v in OBSERVATION_PREFIXES.items()}.get(kind, "+")


def read_observation(kind: str, text: str) -> ObservationEntry:
    """Read ``text | who said it`` as an observation of ``kind``."""
    said, _, by = text.partition("|")
    return ObservationEntry(kind, said.strip(), by.strip())


def read_observation_edit(kind: str, line: str) -> ObservationEntry:
    """What an edit line makes of an observation of ``kind``: a ``+ - !`` prefix moves it to that kind."""
    text = line.strip()
    moved = OBSERVATION_PREFIXES.get(text[:1])
    return ObservationEntry(moved, text[1:].strip()) if moved else ObservationEntry(kind, text)


def read_entry(
    line: str,
    phase_kind: str,
    *,
    plain: str | None = None,
    tz: str = "UTC",
    on: date | None = None,
    near: datetime | None = None,
    today: date | None = None,
) -> Entry:
    """Read a typed line in a phase of ``phase_kind`` into one entry, whoever typed it.

    A leading ``@name`` becomes the entry's ``speaker``; a prefix (:data:`OBSERVATION_PREFIXES`,
    :data:`WHY_PREFIX`) says what the line is in any phase; an unprefixed line is ``plain`` when given
    (the view's own mode: the target column, a new chain, a factor), else :data:`PLAIN` of the phase.
    The time, zone and date arguments are those of :func:`parse_event_line`; ``today`` that of
    :func:`parse_action_line`.
    """
    speaker, rest = split_speaker(line)
    rest = rest.strip()
    head = rest[:1]
    if head in OBSERVATION_PREFIXES or head == WHY_PREFIX:
        meaning, rest = OBSERVATION_PREFIXES.get(head, "why"), rest[1:].strip()
        if not speaker:
            speaker, rest = split_speaker(rest)
        if not rest:
            what = f"what {OBSERVATION_WORDS[meaning]}" if meaning in OBSERVATION_WORDS else "your answer"
            raise QuickEntryError(f"type {what} after the {head!r}")
    else:
        meaning = plain or PLAIN.get(phase_kind, "note")
    return replace(_read(meaning, rest, tz=tz, on=on, near=near, today=today), speaker=speaker)


def _read(meaning: str, text: str, *, tz: str, on: date | None, near: datetime | None,
          today: date | None) -> Entry:
    if meaning in OBSERVATION_PREFIXES.values():
        return read_observation(meaning, text)
    if meaning == "event":
        return parse_event_line(text, tz=tz, on=on, near=near)
    if meaning == "why":
        return WhyEntry(text)
    if meaning == "problem":
        return ProblemEntry(text)
    if meaning == "action":
        return parse_action_line(text, today)
    if meaning == "factor":
        return parse_factor_line(text)
    if meaning == "attendee":
        return parse_attendee_line(text)
    if meaning == "note":
        return NoteEntry(text)
    raise ValueError(f"no entry is called {meaning!r}")
