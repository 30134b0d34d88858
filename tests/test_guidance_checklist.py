"""Tests for the quality checklist, the severity policy notes and guidance.review."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pmtui.analysis import guidance
from pmtui.analysis.checklist import quality_checklist, severity_policy
from pmtui.export.markdown import render_postmortem
from pmtui.model import (
    ActionItem,
    ContributingFactor,
    Incident,
    Meeting,
    Observation,
    RootCause,
    TimelineEvent,
    Why,
    WhyChain,
)
from systemic_answers import SYSTEMIC_ANSWERS


def at(hour: int, minute: int = 0, day: int = 14) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def meeting() -> Meeting:
    """A post-mortem that passes every check."""
    chain = WhyChain(
        "Checkout failed",
        whys=[Why("A routing rule was malformed"), Why("The deploy accepted it"), Why("No schema check on config")],
        root_cause=RootCause("Config changes skip schema validation in CI", "process gap"),
    )
    return Meeting(
        Incident("Checkout outage", severity="SEV2", detected=at(14, 38), resolved=at(15)),
        created=at(9, day=16),
        events=[
            TimelineEvent(at(14, 30), "Config deploy starts", evidence="https://ci.example.com/1"),
            TimelineEvent(at(14, 45), "Rollback starts", evidence="https://ci.example.com/2"),
            TimelineEvent(at(14, 55), "Error rate falls"),
        ],
        observations=[Observation("went_well", "Rollback was quick"), Observation("went_poorly", "Alert was noisy")],
        chains=[chain],
        factors=[ContributingFactor("No config linting", "technology")],
        actions=[
            ActionItem(
                "Add a schema check for routing config to CI",
                owner="Bo",
                priority="high",
                due=date(2026, 3, 30),
                success_criteria="A malformed rule fails the build",
                root_cause_id=chain.id,
            )
        ],
    )


def checks(meeting: Meeting) -> dict[str, tuple[bool, str]]:
    return {item.name: (item.passed, item.reason) for item in quality_checklist(meeting)}


def test_a_good_post_mortem_passes_every_check(meeting):
    result = checks(meeting)
    assert list(result) == [
        "Blameless",
        "Timeline complete",
        "Root causes are systemic",
        "Contributing factors listed",
        "Action items specific",
        "Evidence linked",
        "Learning captured",
    ]
    assert all(passed for passed, _ in result.values()), result
    assert result["Evidence linked"][1].startswith("2 of 3 timeline events (67%)")
    assert result["Timeline complete"][1] == "Detection, 2 response events and resolution are recorded."


def test_blameless_fails_on_undismissed_findings(meeting):
    meeting.observations.append(Observation("went_poorly", "Dave forgot the runbook"))
    passed, reason = checks(meeting)["Blameless"]
    assert not passed and "what went poorly 2" in reason and "Dave forgot" in reason


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda m: setattr(m.incident, "detected", None), "Record the detection time."),
        (lambda m: setattr(m.incident, "resolved", None), "Record the resolution or mitigation time."),
        (lambda m: setattr(m, "events", m.events[:1]), "No response events between detection and resolution."),
    ],
)
def test_timeline_incomplete(meeting, change, reason):
    change(meeting)
    assert checks(meeting)["Timeline complete"] == (False, reason)


def test_timeline_accepts_mitigation_when_not_resolved(meeting):
    meeting.incident.resolved, meeting.incident.mitigated = None, at(15)
    meeting.events.pop(1)
    assert checks(meeting)["Timeline complete"] == (True, "Detection, 1 response event and mitigation are recorded.")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda m: m.chains.clear(), "No Five Whys chain yet."),
        (lambda m: setattr(m.chains[0], "root_cause", None), "No root cause yet in chain 1."),
        (lambda m: m.chains[0].whys.pop(), "1 depth flag, first in chain 1: The chain stops after 2 whys"),
        (lambda m: setattr(m.actions[0], "root_cause_id", None), "1 depth flag, first in chain 1: No action item"),
    ],
)
def test_root_causes_not_systemic(meeting, change, reason):
    change(meeting)
    passed, text = checks(meeting)["Root causes are systemic"]
    assert not passed and text.startswith(reason)


@pytest.mark.parametrize("cause", SYSTEMIC_ANSWERS)
def test_systemic_answers_with_a_role_we_or_nobody_pass_and_export_ticked(meeting, cause):
    meeting.chains[0].whys = [Why(answer) for answer in SYSTEMIC_ANSWERS]
    meeting.chains[0].root_cause = RootCause(cause, "process gap")
    result = checks(meeting)
    assert result["Root causes are systemic"] == (True, "The chain reaches a systemic root cause with an action.")
    assert result["Blameless"] == (True, "No blame or hindsight phrasing found.")
    [row] = [line for line in render_postmortem(meeting, with_checklist=True).splitlines()
             if "Root causes are systemic" in line]
    assert "✅" in row and "❌" not in row


def test_contributing_factors(meeting):
    meeting.factors.clear()
    assert checks(meeting)["Contributing factors listed"] == (False, "No contributing factors recorded.")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda m: m.actions.clear(), "No action items agreed yet."),
        (lambda m: setattr(m.actions[0], "owner", ""), "1 of 1 need work; action item 1: No owner"),
        (
            lambda m: setattr(m.actions[0], "description", "Improve monitoring of checkout"),
            "1 of 1 need work; action item 1: 'Improve monitoring' is vague",
        ),
    ],
)
def test_action_items_not_specific(meeting, change, reason):
    change(meeting)
    passed, text = checks(meeting)["Action items specific"]
    assert not passed and text.startswith(reason)


def test_evidence_below_half(meeting):
    meeting.events[1].evidence = ""
    assert checks(meeting)["Evidence linked"][0] is False
    meeting.events.clear()
    assert checks(meeting)["Evidence linked"] == (False, "No timeline events yet.")


@pytest.mark.parametrize("kind", ["went_well", "went_poorly"])
def test_learning_needs_one_went_well_and_one_went_poorly(meeting, kind):
    meeting.observations = [o for o in meeting.observations if o.kind != kind]
    passed, reason = checks(meeting)["Learning captured"]
    assert not passed and reason.endswith("Record at least one of each.")


# --- severity policy ----------------------------------------------------------------------


def test_sev1_and_sev2_require_a_post_mortem(meeting):
    assert severity_policy(meeting, date(2026, 3, 16))[0].startswith("SEV2 requires a post-mortem")
    meeting.incident.severity = "SEV3"
    assert severity_policy(meeting, date(2026, 3, 16)) == []


def test_held_more_than_seven_days_after_resolution(meeting):
    meeting.created = at(9, day=21)
    assert not any(n.startswith("Held") for n in severity_policy(meeting, date(2026, 3, 21)))
    meeting.created = at(9, day=23)
    assert "Held 9 days after resolution; aim for within 7, while memories and logs are fresh." in severity_policy(
        meeting, date(2026, 3, 23)
    )


def test_unpublished_long_after_resolution(meeting):
    assert not any("not published" in n for n in severity_policy(meeting, date(2026, 3, 21)))
    assert "Resolved 8 days ago and not published yet; publish it soon." in severity_policy(meeting, date(2026, 3, 22))
    meeting.publication_date = date(2026, 3, 20)
    assert not any("not published" in n for n in severity_policy(meeting, date(2026, 4, 22)))


def test_timeliness_needs_a_resolution_time(meeting):
    meeting.incident.resolved = None
    assert len(severity_policy(meeting, date(2026, 5, 1))) == 1


# --- review -------------------------------------------------------------------------------


def test_review_gathers_everything(meeting):
    meeting.chains[0].whys.append(Why("The on-call should have noticed"))
    meeting.actions += [ActionItem("Look into it", priority="critical") for _ in range(6)]
    result = guidance.review(meeting, today=date(2026, 3, 16))
    assert [f.rule for f in result.findings] == ["hindsight"]
    assert result.dismissed == 0
    assert [f.rule for f in result.depth] == []
    assert len(result.actions) == 7 and result.actions[1].grade == "D"
    assert result.focus is not None
    assert result.passed == 5 and len(result.checklist) == 7
    assert result.policy == (severity_policy(meeting, date(2026, 3, 16))[0],)
    assert result.problems == ()


def test_review_leaves_out_dismissed_findings_and_counts_them(meeting):
    meeting.observations.append(Observation("went_poorly", "Dave forgot the runbook"))
    key = guidance.review(meeting).findings[0].key
    meeting.dismissed_findings += [key, "stale:key:gone:x"]
    result = guidance.review(meeting)
    assert (result.findings, result.dismissed) == ((), 1)
    assert result.checklist[0].passed


def test_review_reports_a_broken_user_word_list_and_keeps_going(meeting, user_folders):
    user_folders.config.mkdir()
    (user_folders.config / "blameless.toml").write_text("[people]\nroles = 3\n", encoding="utf-8")
    meeting.observations.append(Observation("went_poorly", "Dave forgot the runbook"))
    result = guidance.review(meeting)
    [problem] = result.problems
    assert str(user_folders.config / "blameless.toml") in problem and "\n" not in problem
    assert [f.rule for f in result.findings] == ["blame-person"]
