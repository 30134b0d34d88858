"""Tests for root-cause depth: shallow chains, person or symptom root causes, causes without actions."""

from __future__ import annotations

import pytest

from pmtui.analysis.blameless import shipped_lexicon
from pmtui.analysis.depth import depth_flags, names_person, reads_like_symptom
from pmtui.model import ActionItem, Attendee, Incident, Meeting, RootCause, Why, WhyChain
from systemic_answers import SYSTEMIC_ANSWERS

SYSTEMIC = "Config changes skip CI validation"


def chain(whys: int = 3, cause: str | None = SYSTEMIC) -> WhyChain:
    return WhyChain(
        "Checkout failed",
        whys=[Why(f"Because {n}") for n in range(whys)],
        root_cause=RootCause(cause, "process gap") if cause is not None else None,
    )


def meeting_with(*chains: WhyChain, linked: bool = True) -> Meeting:
    actions = [ActionItem("Validate config in CI", root_cause_id=c.id) for c in chains] if linked else []
    return Meeting(Incident("Outage"), chains=list(chains), actions=actions, attendees=[Attendee("Priya")])


def rules(meeting: Meeting) -> list[str]:
    return [f.rule for f in depth_flags(meeting, shipped_lexicon())]


def test_a_deep_systemic_linked_chain_has_no_flags():
    assert rules(meeting_with(chain())) == []


@pytest.mark.parametrize(
    ("whys", "text"), [(0, "has no whys yet"), (1, "stops after 1 why;"), (2, "stops after 2 whys;")]
)
def test_chain_that_stops_before_the_third_why(whys, text):
    [flag] = depth_flags(meeting_with(chain(whys)), shipped_lexicon())
    assert (flag.rule, flag.where) == ("too-shallow", "chain 1")
    assert text in flag.message and "keep asking why" in flag.message


def test_chain_without_root_cause_is_only_checked_for_depth():
    assert rules(meeting_with(chain(2, cause=None), linked=False)) == ["too-shallow"]
    assert rules(meeting_with(chain(3, cause=None), linked=False)) == []


@pytest.mark.parametrize(
    "cause",
    [
        "The on-call engineer did not check the dashboard",
        "Priya pushed a bad config",
        "Human error",
        "Dave forgot to renew the certificate",
        "@dave ran the script",
    ],
)
def test_root_cause_that_names_a_person(cause):
    flags = depth_flags(meeting_with(chain(cause=cause)), shipped_lexicon())
    assert [f.rule for f in flags] == ["person-cause"]
    assert "keep asking why" in flags[0].message


@pytest.mark.parametrize(
    "cause", ["The service crashed", "Errors", "Timeouts", "Checkout was down", "Database overloaded"]
)
def test_root_cause_that_reads_like_a_symptom(cause):
    assert rules(meeting_with(chain(cause=cause))) == ["symptom-cause"]


@pytest.mark.parametrize(
    "cause",
    [
        SYSTEMIC,
        "The retry logic had no backoff, so load spiked",
        "The service crashed because the pool size default changed",
        "Capacity planning assumes 10% growth",
        "Alert thresholds were never tuned for the new traffic",
    ],
)
def test_systemic_root_cause_is_not_a_symptom(cause):
    assert not reads_like_symptom(cause)
    assert rules(meeting_with(chain(cause=cause))) == []


@pytest.mark.parametrize("cause", SYSTEMIC_ANSWERS)
def test_systemic_answer_with_a_role_we_or_nobody_is_not_a_person_cause(cause):
    assert names_person(cause, ["Priya"], shipped_lexicon()) is None
    assert rules(meeting_with(chain(cause=cause))) == []


@pytest.mark.parametrize(
    "cause",
    [
        "The on-call engineer had no runbook for a regional failover",
        "The database team owns forty services with four engineers",
        "We had no alert on replication lag",
        "No one was responsible for restore drills",
        "Engineers could not tell from the alert which service was affected",
    ],
)
def test_a_role_or_nobody_alone_is_not_blame(cause):
    assert names_person(cause, [], shipped_lexicon()) is None


@pytest.mark.parametrize(
    ("cause", "why"),
    [
        ("Dave forgot to renew the certificate", "names a person's error ('Dave forgot')"),
        ("The engineer should have checked it", "judges a person with hindsight ('engineer should have checked')"),
        ("Bob was careless with the command", "judges a person's care ('careless')"),
        ("We never tested the regex for CPU use", "names a person's error ('We never tested')"),
        ("@dave ran the script", "names a person ('@dave')"),
        ("A change by priya", "names a person ('priya')"),
    ],
)
def test_the_person_cause_flag_says_why(cause, why):
    assert names_person(cause, ["Priya"], shipped_lexicon()) == why
    [flag] = depth_flags(meeting_with(chain(cause=cause)), shipped_lexicon())
    assert flag.message == f"The root cause {why}; keep asking why: what let this happen?"


def test_names_person_checks_attendee_names():
    assert names_person("A change by priya", ["Priya"], shipped_lexicon())
    assert not names_person("A change by the deploy bot", ["Priya", " "], shipped_lexicon())


def test_root_cause_without_a_linked_action():
    first, second = chain(), chain()
    meeting = meeting_with(first, second)
    meeting.actions[1].root_cause_id = "someone-else"
    flags = depth_flags(meeting, shipped_lexicon())
    assert [(f.rule, f.where, f.chain_id) for f in flags] == [("no-action", "chain 2", second.id)]
