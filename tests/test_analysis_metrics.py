"""Incident metrics and timeline gaps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pmtui.analysis.metrics import GAP_THRESHOLD_SECONDS, incident_metrics, timeline_gaps
from pmtui.model import Incident, TimelineEvent
from pmtui.timeparse import format_duration, parse_time

UTC = UTC


def at(hh: int, mm: int, ss: int = 0) -> datetime:
    return datetime(2026, 3, 14, hh, mm, ss, tzinfo=UTC)


def test_time_to_detect_and_duration():
    incident = Incident("DB outage", impact_start=at(14, 37), detected=at(14, 38, 45), resolved=at(15, 0))
    metrics = incident_metrics(incident)
    assert metrics.time_to_detect == 105
    assert format_duration(metrics.time_to_detect) == "1m45s"
    assert metrics.duration == 1380
    assert format_duration(metrics.duration) == "23m"
    assert metrics.time_to_resolve == 1380
    assert metrics.time_to_acknowledge is None
    assert metrics.time_to_mitigate is None


def test_all_milestones():
    incident = Incident(
        "x",
        impact_start=at(14, 37),
        detected=at(14, 38, 45),
        acknowledged=at(14, 41, 10),
        mitigated=at(14, 52, 40),
        resolved=at(15, 0),
    )
    m = incident_metrics(incident)
    assert (m.time_to_detect, m.time_to_acknowledge, m.time_to_mitigate, m.time_to_resolve, m.duration) == (
        105,
        250,
        940,
        1380,
        1380,
    )


def test_unknown_values_are_none():
    m = incident_metrics(Incident("nothing known"))
    assert m.time_to_detect is m.time_to_acknowledge is m.time_to_mitigate is m.time_to_resolve is m.duration is None
    assert format_duration(m.duration) == "—"
    m = incident_metrics(Incident("no start", detected=at(14, 38), resolved=at(15, 0)))
    assert m.time_to_detect is None and m.duration is None


def test_duration_falls_back_to_mitigation():
    m = incident_metrics(Incident("open", impact_start=at(14, 37), mitigated=at(14, 52)))
    assert m.duration == 15 * 60
    assert m.time_to_resolve is None


def test_metrics_across_time_zones():
    start = parse_time("2026-03-14 15:37", "Europe/Berlin")
    detected = parse_time("2026-03-14T14:38:45Z")
    m = incident_metrics(Incident("tz", tz="Europe/Berlin", impact_start=start, detected=detected))
    assert m.time_to_detect == 105


def test_negative_time_to_detect_is_reported_as_is():
    m = incident_metrics(Incident("odd", impact_start=at(14, 40), detected=at(14, 38, 15)))
    assert m.time_to_detect == -105
    assert format_duration(m.time_to_detect) == "-1m45s"


def event(t: datetime, text: str = "e") -> TimelineEvent:
    return TimelineEvent(t, text)


def test_timeline_gaps():
    a, b, c, d = event(at(14, 0)), event(at(14, 5)), event(at(14, 30)), event(at(14, 40))
    gaps = timeline_gaps([c, a, d, b])
    assert [(g.after_id, g.before_id, g.seconds) for g in gaps] == [(b.id, c.id, 25 * 60)]


def test_no_gaps_for_short_timelines_or_exact_threshold():
    assert timeline_gaps([]) == []
    assert timeline_gaps([event(at(14, 0))]) == []
    start = at(14, 0)
    assert timeline_gaps([event(start), event(start + timedelta(seconds=GAP_THRESHOLD_SECONDS))]) == []
    assert len(timeline_gaps([event(start), event(start + timedelta(seconds=61))], threshold=60)) == 1
