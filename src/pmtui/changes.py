"""What a session announces after each change: which entity, what happened to it, and who did it.

Consumers (the phase views, the room's broadcaster) dispatch with ``match`` on
:class:`Entity` and :class:`Op`; being enums, a misspelt kind is an error at
import time instead of an update silently dropped, and a consumer that must
handle every case ends in ``assert_never`` so a type checker names the one it
forgot when an entity is added.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Entity(StrEnum):
    """The part of the meeting a change touched."""

    CLOCK = "clock"
    PHASE = "phase"
    INCIDENT = "incident"
    ATTENDEE = "attendee"
    EVENT = "event"
    OBSERVATION = "observation"
    CHAIN = "chain"
    FACTOR = "factor"
    ACTION = "action"
    NOTE = "note"
    SECTION = "section"
    REVIEW = "review"
    RELATED = "related"
    FINDING = "finding"
    MEETING = "meeting"


class Op(StrEnum):
    """What happened to it; ``IMPORTED`` is many events added at once (no id)."""

    ADDED = "added"
    CHANGED = "changed"
    DELETED = "deleted"
    IMPORTED = "imported"


@dataclass(frozen=True)
class Change:
    """One change: ``id`` is the item's (None for the meeting-wide ones), ``author`` who typed it, if known."""

    entity: Entity
    op: Op
    id: str | None = None
    author: str = ""
