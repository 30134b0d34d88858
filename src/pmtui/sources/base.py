"""What every timeline source shares: the events it finds, its bad records, the request it reads for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..model import Incident, TimelineEvent
from ..text import LIMITS, clean
from ..timeparse import zone

Progress = Callable[[int, int], None]
"""Told (done, total) as a source reads (units are the source's: files, records or bytes); total 0 when unknown."""

WINDOW_BEFORE = timedelta(hours=6)
"""A window's default start before impact start: what led up to an incident is often its story."""
WINDOW_AFTER = timedelta(hours=1)
PINNED = "pinned"
"""The mark of a message pinned in its channel; a reaction's mark is its emoji name in colons (``:pushpin:``)."""


class SourceError(Exception):
    """A file that cannot be imported at all; ``str()`` is one line: the file, the record, what is wrong."""

    def __init__(self, file: str, record: str, what: str) -> None:
        self.file, self.record, self.what = file, record, what
        super().__init__(clean(": ".join(part for part in (file, record, what) if part)))


@dataclass(frozen=True)
class BadRecord:
    """One record a source could not read: where (``line 12``, ``item 3``, ``2026-03-14.json item 7``) and why."""

    file: str
    record: str
    what: str

    def __str__(self) -> str:
        return clean(f"{self.file}: {self.record}: {self.what}")


@dataclass(frozen=True)
class SourceEvent:
    """An event as a source found it, before it is a meeting's event.

    ``time`` is timezone-aware. ``author`` is who wrote it at the source (a Slack user's real name); ``source``
    names where it came from (``slack:#inc-db``, ``pagerduty``); ``kind`` is the source's own word for it
    (``trigger``, ``acknowledge``, ``resolve``, ``pinned``…), for filters and milestones. ``marks`` are what people
    flagged it with at the source, for picking the events worth a timeline: ``PINNED`` when pinned in its channel,
    ``:pushpin:`` for each reaction (``:name:``); pinned first, then the reactions in the message's order.
    """

    time: datetime
    description: str
    actor: str = ""
    evidence: str = ""
    author: str = ""
    source: str = ""
    kind: str = ""
    marks: tuple[str, ...] = ()


@dataclass
class ImportRequest:
    """What to read: the incident's zone, a time window, and each source's own options."""

    tz: str = "UTC"
    start: datetime | None = None
    end: datetime | None = None
    """The window (aware times, either open); events outside it are left out, not bad."""
    channel: str = ""
    """Slack: only this channel (name without '#')."""
    flagged: str = ""
    """Slack: only messages with this reaction (emoji name without colons, e.g. ``pushpin``)."""
    pinned: bool = False
    """Slack: only messages pinned in their channel."""
    mapping: dict[str, str] = field(default_factory=dict)
    """jsonl/csv: event field (time, description, actor, evidence) → the record's field (``@timestamp``)."""
    on: date | None = None
    near: datetime | None = None
    """csv/jsonl: the day and moment a clock-only time is read near (as the timeline's typed times)."""


@dataclass
class SourceRead:
    """What a source found in a file: its events (in the file's order), bad records, and milestone times it knows."""

    kind: str
    events: list[SourceEvent] = field(default_factory=list)
    bad: list[BadRecord] = field(default_factory=list)
    milestones: dict[str, datetime] = field(default_factory=dict)
    """Incident milestones the source states (PagerDuty: detected, acknowledged, resolved), first of each."""
    skipped: int = 0
    """Records left out on purpose (outside the window, filtered, joins and other noise), for the summary."""


def default_window(incident: Incident) -> tuple[datetime | None, datetime | None]:
    """From 6 hours before impact start (else detection) to 1 hour after resolution (else open)."""
    begin = incident.impact_start or incident.detected
    end = incident.resolved or incident.mitigated
    return (begin - WINDOW_BEFORE if begin else None, end + WINDOW_AFTER if end else None)


def timeline_events(found: list[SourceEvent], tz: str, author: str = "import") -> list[TimelineEvent]:
    """The meeting's events for ``found``: text cleaned (control, bidi, invisible characters removed), fields cut to
    their limits with '…' (a chat message may be longer than a timeline entry), times in the incident's zone.

    ``author`` is who imported them; the person who wrote each at the source is its actor when it names none.
    """
    tzinfo = zone(tz)
    events = []
    for item in found:
        description = _fit(item.description, "description")
        if not description:
            continue
        events.append(TimelineEvent(
            time=item.time.astimezone(tzinfo),
            description=description,
            actor=_fit(item.actor or item.author, "actor"),
            evidence=_fit(item.evidence, "evidence"),
            author=author,
            source=_fit(item.source, "actor"),
        ))
    return events


def _fit(text: str, kind: str) -> str:
    line = " ".join(clean(text).split())
    limit = LIMITS[kind]
    return line if len(line) <= limit else line[: limit - 1] + "…"
