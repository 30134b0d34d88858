"""Patterns across past incidents: counts by severity, root cause and factor, time to detect and resolve,
recurring root causes."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date

from ..library import Library
from ..model import FISHBONE_CATEGORIES, MILESTONES, ROOT_CAUSE_CATEGORIES, SEVERITIES, Meeting
from ..timeparse import TimeFormatError, local
from .metrics import incident_metrics

STATS_PARTS = ("chains", "factors")
"""The meeting parts :func:`incident_stats` needs from :func:`pmtui.library.load_library`."""
RECURRING_MIN = 3


@dataclass(frozen=True)
class Durations:
    """Mean and median of some durations in seconds, over ``count`` incidents that have them."""

    count: int
    mean: float | None
    median: float | None


@dataclass(frozen=True)
class Recurrence:
    """A root-cause category behind several incidents, and those meetings (newest first)."""

    category: str
    meetings: list[Meeting]


@dataclass(frozen=True)
class IncidentStats:
    """Figures across the incidents since a date (or all of them).

    ``by_root_cause`` counts incidents (one per category however many chains
    name it), ``factors`` counts contributing factors.
    """

    since: date | None
    incidents: int
    by_severity: dict[str, int]
    by_root_cause: dict[str, int]
    factors: dict[str, int]
    time_to_detect: Durations
    time_to_resolve: Durations
    recurring: list[Recurrence]


def incident_day(meeting: Meeting) -> date:
    """The day of the incident in its time zone: impact start's, else the earliest milestone's or event's, else the
    meeting's creation (a document or an issue dated the day it was written misleads)."""
    incident = meeting.incident
    known = [getattr(incident, name) for name in MILESTONES if getattr(incident, name) is not None]
    moment = incident.impact_start or min([*known, *(e.time for e in meeting.events)], default=meeting.created)
    try:
        return local(moment, incident.tz).date()
    except TimeFormatError:
        return moment.astimezone(UTC).date()


def incident_stats(library: Library, since: date | None = None) -> IncidentStats:
    """Incidents by severity and root cause, factors by fishbone category, time to
    detect and resolve (:func:`~pmtui.analysis.metrics.incident_metrics`), and recurring root causes:
    categories behind :data:`RECURRING_MIN` or more incidents on or after ``since``.
    """
    meetings = [m for m in library.meetings if since is None or incident_day(m) >= since]
    causes = {m.id: {c.root_cause.category for c in m.chains if c.root_cause} for m in meetings}
    by_cause = Counter(category for found in causes.values() for category in found)
    metrics = [incident_metrics(m.incident) for m in meetings]
    recurring = [
        Recurrence(category, [m for m in meetings if category in causes[m.id]])
        for category, count in sorted(by_cause.items(), key=lambda kv: (-kv[1], _rank(ROOT_CAUSE_CATEGORIES, kv[0])))
        if count >= RECURRING_MIN
    ]
    return IncidentStats(
        since=since,
        incidents=len(meetings),
        by_severity=_counts(SEVERITIES, (m.incident.severity for m in meetings)),
        by_root_cause=_counts(ROOT_CAUSE_CATEGORIES, by_cause.elements()),
        factors=_counts(FISHBONE_CATEGORIES, (f.category for m in meetings for f in m.factors)),
        time_to_detect=_durations(m.time_to_detect for m in metrics),
        time_to_resolve=_durations(m.time_to_resolve for m in metrics),
        recurring=recurring,
    )


def _counts(known: tuple[str, ...], values: Iterable[str]) -> dict[str, int]:
    """Counts for every known value in order (zeros included), then any others."""
    counted = Counter(values)
    return {key: counted.get(key, 0) for key in (*known, *sorted(set(counted) - set(known)))}


def _rank(known: tuple[str, ...], value: str) -> int:
    return known.index(value) if value in known else len(known)


def _durations(values: Iterable[float | None]) -> Durations:
    known = [v for v in values if v is not None]
    if not known:
        return Durations(0, None, None)
    return Durations(len(known), statistics.fmean(known), statistics.median(known))
