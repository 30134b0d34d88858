"""Facts computed from a meeting: incident metrics and timeline gaps."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from ..model import Incident, TimelineEvent


@dataclass(frozen=True)
class IncidentMetrics:
    """Seconds from impact start to each milestone; ``None`` when unknown."""

    time_to_detect: float | None
    time_to_acknowledge: float | None
    time_to_mitigate: float | None
    time_to_resolve: float | None
    duration: float | None


def incident_metrics(incident: Incident) -> IncidentMetrics:
    """Time to detect / acknowledge / mitigate / resolve and total duration.

    All are measured from impact start; the duration runs to resolution (or
    to mitigation when the incident has no resolved time yet).
    """
    start = incident.impact_start

    def since(moment):
        if start is None or moment is None:
            return None
        return (moment - start).total_seconds()

    end = incident.resolved or incident.mitigated
    return IncidentMetrics(
        time_to_detect=since(incident.detected),
        time_to_acknowledge=since(incident.acknowledged),
        time_to_mitigate=since(incident.mitigated),
        time_to_resolve=since(incident.resolved),
        duration=since(end),
    )


@dataclass(frozen=True)
class TimelineGap:
    """A silence in the timeline long enough that the group should fill it."""

    after_id: str
    before_id: str
    seconds: float


GAP_THRESHOLD_SECONDS = 10 * 60


def timeline_gaps(events: list[TimelineEvent], threshold: float = GAP_THRESHOLD_SECONDS) -> list[TimelineGap]:
    """Gaps longer than ``threshold`` seconds between consecutive events in time order."""
    ordered = sorted(events, key=lambda e: e.time)
    return [
        TimelineGap(a.id, b.id, (b.time - a.time).total_seconds())
        for a, b in zip(ordered, ordered[1:])
        if (b.time - a.time).total_seconds() > threshold
    ]


class TimelineOrder:
    """Event ids in time order (equal times in timeline order), kept as events come, move and go.

    It answers what :func:`timeline_gaps` would say about the gap before one event in O(log n), so a
    view can follow a burst of entries without sorting the whole timeline after each one.
    """

    def __init__(self, events: Iterable[TimelineEvent] = ()) -> None:
        self._key_of = {e.id: (e.time, n, e.id) for n, e in enumerate(events)}
        self._keys = sorted(self._key_of.values())
        self._next = len(self._keys)

    def place(self, event_id: str, moment: datetime) -> set[str]:
        """Add event ``event_id`` at ``moment``, or move it there; the ids whose gap before them may have moved."""
        old = self._key_of.get(event_id)
        touched = self.remove(event_id)
        if old is None:
            order, self._next = self._next, self._next + 1  # added last to the timeline
        else:
            order = old[1]  # an edited event keeps its place in the timeline
        key = self._key_of[event_id] = (moment, order, event_id)
        insort(self._keys, key)
        index = bisect_left(self._keys, key)
        touched.add(event_id)
        if index + 1 < len(self._keys):
            touched.add(self._keys[index + 1][2])
        return touched

    def remove(self, event_id: str) -> set[str]:
        """Take event ``event_id`` out; the id whose gap before it may have moved (none if it was not here)."""
        key = self._key_of.pop(event_id, None)
        if key is None:
            return set()
        index = bisect_left(self._keys, key)
        del self._keys[index]
        return {self._keys[index][2]} if index < len(self._keys) else set()

    def gap_before(self, event_id: str, threshold: float = GAP_THRESHOLD_SECONDS) -> TimelineGap | None:
        """The gap longer than ``threshold`` seconds that ends at event ``event_id``, if there is one."""
        key = self._key_of.get(event_id)
        if key is None:
            return None
        index = bisect_left(self._keys, key)
        if index == 0:
            return None
        earlier = self._keys[index - 1]
        seconds = (key[0] - earlier[0]).total_seconds()
        return TimelineGap(earlier[2], event_id, seconds) if seconds > threshold else None
