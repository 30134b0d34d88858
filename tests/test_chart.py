"""The chart of the incident's phases: honest bars, durations in the labels, Mermaid's gantt grammar kept."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from chart_cases import CASES, at, gitlab_2017, random_meetings
from mermaid_gantt import gantt_violations
from pmtui.demo import demo_meeting
from pmtui.export.chart import chart_duration, chart_plan, impact_chart, mermaid_gantt
from pmtui.export.markdown import render_postmortem
from pmtui.model import Incident, Meeting, TimelineEvent


def tasks(gantt: str) -> list[tuple[str, str, str]]:
    return re.findall(r"^    (.+?): (\S+), (\S+)$", gantt, re.MULTILINE)


def axis(gantt: str) -> str:
    [line] = [line for line in gantt.splitlines() if line.strip().startswith("axisFormat ")]
    return line.strip().removeprefix("axisFormat ")


def every_meeting() -> list[Meeting]:
    return [case() for case in CASES.values()] + random_meetings() + [demo_meeting()]


def test_every_chart_keeps_mermaids_gantt_grammar():
    charts = [plan for plan in map(chart_plan, every_meeting()) if plan is not None]
    assert len(charts) > 30
    for plan in charts:
        gantt = mermaid_gantt(plan)
        assert gantt_violations(gantt) == [], gantt
        assert len(tasks(gantt)) == len(plan.bars)


@pytest.mark.parametrize(
    ("gantt", "rule"),
    [
        ("gantt\n    dateFormat YYYY-MM-DD\n    Phase : 2026-03-14, 2026-03-15\n", None),
        ("    dateFormat YYYY-MM-DD\n    Phase : 2026-03-14, 2026-03-15\n", "first line"),
        ("gantt\n    dateFormat YYYY-MM-DD\n    Detected: fast : 2026-03-14, 2026-03-15\n", "does not match"),
        ("gantt\n    dateFormat YYYY-MM-DD\n    Fix #1 : 2026-03-14, 2026-03-15\n", "'#'"),
        ("gantt\n    dateFormat YYYY-MM-DD\n    Fix; then : 2026-03-14, 2026-03-15\n", "'#'"),
        ("gantt\n    dateFormat YYYY-MM-DD\n    Title fix : 2026-03-14, 2026-03-15\n", "keyword"),
        ("gantt\n    dateFormat YYYY-MM-DD\n    Call the team : 2026-03-14, 2026-03-15\n", "keyword"),
        ("gantt\n    dateFormat YYYY-MM-DD\n    Phase : 2026-03-15, 2026-03-14\n", "ends at or before"),
        ("gantt\n    dateFormat YYYY-MM-DD\n    Phase : 2026-03-14, 2026-03-14\n", "ends at or before"),
        ("gantt\n    dateFormat YYYY-MM-DD\n    Phase : 2026-03-14, 3d\n", "does not match"),
        ("gantt\n    dateFormat YYYY-MM-DDTHH:mm\n    Phase : 2026-03-14T9:00, 2026-03-14T10:00\n", "exactly"),
        ("gantt\n    dateFormat YYYY-MM-DD hh:mm A\n    Phase : 2026-03-14, 2026-03-15\n", "date format"),
        ("gantt\n    Phase : 2026-03-14, 2026-03-15\n    dateFormat YYYY-MM-DD\n", "before the dateFormat"),
        ("gantt\n    dateFormat YYYY-MM-DD\n    axisFormat %H:%k\n    Phase : 2026-03-14, 2026-03-15\n", "%k"),
        ("gantt\n    dateFormat YYYY-MM-DD\n    tickInterval 0hour\n    Phase : 2026-03-14, 2026-03-15\n", "tick"),
        ("gantt\n    dateFormat YYYY-MM-DD\n    Phase 2026-03-14\n", "not a gantt statement"),
        ("gantt\n    dateFormat YYYY-MM-DD\n", "no task"),
    ],
)
def test_the_grammar_check_finds_each_broken_rule(gantt, rule):
    problems = gantt_violations(gantt)
    if rule is None:
        assert problems == []
    else:
        assert any(rule in problem for problem in problems), problems


def test_same_day_incident_has_a_phase_between_each_pair_of_milestones():
    plan = chart_plan(CASES["same_day"]())
    assert plan is not None and not plan.multi_day and plan.notes == ()
    assert [(bar.label, bar.seconds) for bar in plan.bars] == [
        ("Detection", 105), ("Acknowledgement", 135), ("Mitigation", 660), ("Recovery", 4380),
    ]
    gantt = mermaid_gantt(plan)
    assert axis(gantt) == "%H:%M"
    assert "todayMarker off" in gantt
    assert tasks(gantt) == [
        ("Detection (1m 45s)", "2026-03-14T14:37:00", "2026-03-14T14:38:45"),
        ("Acknowledgement (2m 15s)", "2026-03-14T14:38:45", "2026-03-14T14:41:00"),
        ("Mitigation (11m)", "2026-03-14T14:41:00", "2026-03-14T14:52:00"),
        ("Recovery (1h 13m)", "2026-03-14T14:52:00", "2026-03-14T16:05:00"),
    ]


def test_gitlab_outage_starts_with_the_lead_up_and_shows_the_days():
    plan = chart_plan(gitlab_2017())
    assert plan is not None and plan.multi_day
    gantt = mermaid_gantt(plan)
    assert axis(gantt) == "%b %d %H:%M"
    assert tasks(gantt) == [
        ("Lead-up (6h 07m)", "2017-01-31T17:20:00", "2017-01-31T23:27:00"),
        ("Detection (1m)", "2017-01-31T23:27:00", "2017-01-31T23:28:00"),
        ("Mitigation (18h 46m)", "2017-01-31T23:28:00", "2017-02-01T18:14:00"),
    ]
    assert "section Before\n    Lead-up" in gantt and "section Incident\n    Detection" in gantt
    assert plan.notes == ("Recovery is not shown: mitigated and resolved are the same moment (2017-02-01 18:14).",)


def test_multi_day_is_decided_in_the_incidents_zone():
    plan = chart_plan(CASES["across_midnight_in_zone"]())
    assert plan is not None and plan.multi_day  # 06:30-08:15 UTC is 23:30-01:15 in Los Angeles
    assert tasks(mermaid_gantt(plan))[0] == ("Detection (15m)", "2026-03-14T23:30:00", "2026-03-14T23:45:00")
    utc = Incident("Same in UTC", impact_start=at(15, 6, 30), detected=at(15, 6, 45), resolved=at(15, 8, 15))
    assert not chart_plan(Meeting(utc)).multi_day


def test_two_milestones_make_one_bar_named_for_every_phase_it_covers():
    plan = chart_plan(CASES["two_milestones"]())
    assert [(bar.title) for bar in plan.bars] == ["Detection, mitigation and recovery (1h 30m)"]


@pytest.mark.parametrize(
    ("recorded", "labels"),
    [
        (("impact_start", "detected", "mitigated"), ["Detection", "Mitigation"]),  # no acknowledgement: folded in
        (("impact_start", "acknowledged", "resolved"), ["Detection and acknowledgement", "Mitigation and recovery"]),
        (("detected", "acknowledged", "mitigated", "resolved"), ["Acknowledgement", "Mitigation", "Recovery"]),
        (("impact_start", "mitigated"), ["Detection and mitigation"]),
    ],
)
def test_labels_are_fixed_phase_names(recorded, labels):
    times = {name: at(14, 9, 0) + timedelta(minutes=10 * n) for n, name in enumerate(recorded)}
    plan = chart_plan(Meeting(Incident("x", **times)))
    assert [bar.label for bar in plan.bars] == labels


def test_zero_length_phase_is_left_out_with_a_note():
    meeting = CASES["zero_length"]()
    plan = chart_plan(meeting)
    assert [bar.label for bar in plan.bars] == ["Detection", "Mitigation"]
    assert plan.notes == ("Recovery is not shown: mitigated and resolved are the same moment (2026-03-14 09:50).",)
    chart = impact_chart(meeting)
    assert chart.endswith(
        "```\n\n_Times are in UTC. Recovery is not shown: mitigated and resolved are the same moment "
        "(2026-03-14 09:50)._"
    )


def test_lead_up_runs_from_the_first_event_to_impact_start():
    plan = chart_plan(CASES["lead_up"]())
    lead_up = plan.bars[0]
    assert (lead_up.title, lead_up.start, lead_up.end) == ("Lead-up (2h 00m)", at(14, 9, 0), at(14, 11, 0))
    assert [bar.label for bar in plan.bars] == ["Lead-up", "Detection", "Mitigation and recovery"]


@pytest.mark.parametrize("first_event", [at(14, 11, 0), at(14, 11, 5)])
def test_no_lead_up_when_the_timeline_starts_at_or_after_impact_start(first_event):
    meeting = CASES["lead_up"]()
    meeting.events = [TimelineEvent(first_event, "first")]
    assert [bar.label for bar in chart_plan(meeting).bars] == ["Detection", "Mitigation and recovery"]


def test_no_lead_up_without_an_impact_start():
    incident = Incident("x", detected=at(14, 11, 20), resolved=at(14, 12, 0))
    meeting = Meeting(incident, events=[TimelineEvent(at(14, 9, 0), "deploy")])
    assert [bar.label for bar in chart_plan(meeting).bars] == ["Mitigation and recovery"]


def test_a_phase_recorded_backwards_is_left_out_with_a_note():
    plan = chart_plan(CASES["out_of_order"]())
    assert [bar.label for bar in plan.bars] == ["Mitigation", "Recovery"]
    assert plan.notes == (
        "Detection is not shown: detected (2026-03-14 09:55) is recorded before impact start (2026-03-14 10:00).",
    )


def test_a_short_incident_has_seconds_on_its_axis():
    gantt = mermaid_gantt(chart_plan(CASES["short"]()))
    assert axis(gantt) == "%H:%M:%S"
    assert [name for name, _, _ in tasks(gantt)] == ["Detection (40s)", "Mitigation and recovery (2m 20s)"]


def test_a_change_of_the_clocks_is_noted():
    plan = chart_plan(CASES["clocks_change"]())
    assert plan.tz == "Europe/Berlin"
    assert [bar.title for bar in plan.bars] == ["Detection (10m)", "Mitigation and recovery (50m)"]
    assert plan.notes == (
        "The clocks in Europe/Berlin changed during the incident: the bars follow the wall clock, "
        "the durations in the labels are the time that passed.",
    )


@pytest.mark.parametrize(
    "times",
    [
        {},
        {"detected": at(14, 9, 0)},
        {"impact_start": at(14, 9, 0), "resolved": at(14, 9, 0)},  # two milestones, no length between them
    ],
)
def test_no_chart_at_all_without_two_milestones_apart(times):
    meeting = Meeting(Incident("x", **times), events=[TimelineEvent(at(14, 8, 0), "before")])
    assert chart_plan(meeting) is None and impact_chart(meeting) is None
    document = render_postmortem(meeting)
    assert "mermaid" not in document and "_Times are in" not in document and "incomplete" not in document


def test_the_document_carries_the_chart_and_its_notes():
    document = render_postmortem(gitlab_2017())
    impact = document[document.index("## Impact assessment") : document.index("## Timeline")]
    assert "```mermaid\ngantt\n" in impact
    assert "_Times are in UTC. Recovery is not shown: mitigated and resolved are the same moment" in impact


def test_no_typed_text_reaches_the_chart():
    meeting = gitlab_2017()
    meeting.incident.title = "Outage : 2026-01-01, 2027-01-01\n    section #x;"
    for event in meeting.events:
        event.description = "Evil : task\n    click x call alert()"
    gantt = mermaid_gantt(chart_plan(meeting))
    assert "Evil" not in gantt and "Outage" not in gantt and "#" not in gantt


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0.4, "0s"), (45, "45s"), (60, "1m"), (845, "14m 05s"), (3599.6, "1h 00m"), (7500, "2h 05m"), (3570, "59m 30s"),
     (67560, "18h 46m"), (89_640, "1d 0h 54m"), (86_399, "1d 0h 00m")],
)
def test_chart_duration(seconds, shown):
    assert chart_duration(seconds) == shown
