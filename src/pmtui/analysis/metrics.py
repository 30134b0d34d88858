"""Facts computed from a meeting: incident metrics and timeline gaps."""

from __future__ import annotations

from dataclasses import dataclass

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
