"""Tests for action item scoring: vague wording, owner, due date, success criteria, focus."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pmtui.analysis.action_scores import MAX_URGENT, action_scores, focus_note, latest_due, score_action, vague_reason
from pmtui.model import ActionItem, Incident, Meeting

CREATED = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)


def good(**changes) -> ActionItem:
    fields = {
        "description": "Add a schema check for routing config to the deploy pipeline",
        "owner": "Bo",
        "priority": "high",
        "due": date(2026, 3, 30),
        "success_criteria": "A malformed routing rule fails the pipeline",
        "created": CREATED,
    }
    return ActionItem(**{**fields, **changes})


def meeting_with(*actions: ActionItem, tz: str = "UTC") -> Meeting:
    return Meeting(Incident("Outage", tz=tz), created=CREATED, actions=list(actions))


def issues(action: ActionItem, meeting: Meeting | None = None) -> list[str]:
    return [i.rule for i in score_action(action, 1, meeting or meeting_with(action)).issues]


def test_a_specific_action_scores_100():
    score = score_action(good(), 1, meeting_with(good()))
    assert (score.score, score.grade, score.issues, score.where) == (100, "A", (), "action item 1")


@pytest.mark.parametrize(
    "description",
    [
        "Improve monitoring",
        "Add more tests for checkout",
        "Better documentation",
        "Everyone should be more careful with deploys",
        "Look into the connection pool",
        "Investigate the outage",
        "Improve alerting coverage",
        "Fix it",
        "Update runbooks, dashboards etc.",
        "Review the process",
    ],
)
def test_vague_descriptions(description):
    assert "vague" in issues(good(description=description))
    assert vague_reason(description)


@pytest.mark.parametrize(
    "description",
    [
        "Add an alert on connection pool saturation above 80% for 5 minutes",
        "Investigate why the canary passed and add an error-rate check to it",
        "Write a runbook section for failing over the read replicas",
        "Block deploys that lower pool size below 20 without a second approver",
    ],
)
def test_specific_descriptions(description):
    assert vague_reason(description) is None


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"owner": " "}, "no-owner"),
        ({"due": None}, "no-due"),
        ({"success_criteria": ""}, "no-criteria"),
    ],
)
def test_missing_owner_due_date_or_criteria(changes, rule):
    assert issues(good(**changes)) == [rule]


def test_due_date_later_than_the_priority_allows():
    # high: 21 days from the day the item was agreed, 2026-03-16 -> 2026-04-06
    assert issues(good(due=date(2026, 4, 6))) == []
    [issue] = score_action(good(due=date(2026, 4, 7)), 1, meeting_with()).issues
    assert issue.rule == "due-too-late"
    assert "2026-04-06" in issue.message and "high" in issue.message


def test_latest_due_counts_from_the_item_created_date_in_the_incident_time_zone():
    meeting = Meeting(Incident("x", tz="America/Los_Angeles"))
    late_evening = good(priority="critical", created=CREATED.replace(hour=3))
    assert latest_due(late_evening, meeting) == date(2026, 3, 22)
    assert latest_due(good(priority="unknown"), meeting) is None


def test_scores_and_grades_fall_with_each_issue():
    worst = score_action(ActionItem("Improve monitoring"), 1, meeting_with())
    assert (worst.score, worst.grade) == (10, "D")
    assert {i.rule for i in worst.issues} == {"vague", "no-owner", "no-due", "no-criteria"}
    assert score_action(good(due=date(2026, 5, 1)), 1, meeting_with()).grade == "A"
    assert score_action(good(due=None), 1, meeting_with()).grade == "B"
    assert score_action(good(owner="", success_criteria=""), 1, meeting_with()).grade == "C"


def test_action_scores_follow_the_meeting_order():
    meeting = meeting_with(good(), good(owner=""))
    assert [(s.where, s.score) for s in action_scores(meeting)] == [("action item 1", 100), ("action item 2", 75)]


def test_too_many_urgent_items_are_flagged():
    urgent = [good(priority=p) for p in ["critical", "high"] * 3]
    assert focus_note(meeting_with(*urgent[:MAX_URGENT], good(priority="medium"))) is None
    note = focus_note(meeting_with(*urgent))
    assert note is not None and note.startswith("6 action items are critical or high priority")
