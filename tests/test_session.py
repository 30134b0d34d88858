"""MeetingSession, the single writer: validation, changes, clock, persistence."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpers import FixedClock
from pmtui.agenda import AgendaError, resolve_agenda
from pmtui.analysis.metrics import incident_metrics
from pmtui.changes import Change, Entity, Op
from pmtui.demo import create_demo
from pmtui.entry_grammar import parse_action_line, parse_event_line
from pmtui.model import PRIORITY_DUE_DAYS, Incident, Meeting, TimelineEvent, to_data
from pmtui.session import MeetingSession, ValidationError
from pmtui.store import MeetingLockedError, StoreError
from pmtui.timeparse import format_duration

UTC = UTC
T0 = 1_700_000_000.0


def at(hh: int, mm: int, ss: int = 0) -> datetime:
    return datetime(2026, 3, 14, hh, mm, ss, tzinfo=UTC)


@pytest.fixture
def fake() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def agenda():
    return resolve_agenda("standard-90").for_meeting([])


def incident(**kwargs) -> Incident:
    kwargs.setdefault("impact_start", at(14, 37))
    return Incident("DB outage", severity="SEV1", **kwargs)


class Recorder:
    """A subscriber that keeps every Change."""

    def __init__(self) -> None:
        self.changes: list[Change] = []

    def __call__(self, change: Change) -> None:
        self.changes.append(change)

    @property
    def kinds(self) -> list[tuple[Entity, Op]]:
        return [(c.entity, c.op) for c in self.changes]

    def take(self) -> list[Change]:
        taken, self.changes = self.changes, []
        return taken


@pytest.fixture
def session(agenda, fake):
    return MeetingSession(Meeting(incident()), agenda, now=fake)


@pytest.fixture
def rec(session) -> Recorder:
    recorder = Recorder()
    session.subscribe(recorder)
    return recorder


@pytest.fixture
def files(tmp_path):
    """Sessions opened on disk in the test; all closed at the end."""
    opened: list[MeetingSession] = []
    yield opened
    for s in opened:
        s.close()


def one(rec: Recorder, entity: Entity, op: Op, item_id: str | None = None, author: str = "") -> None:
    assert rec.take() == [Change(entity, op, item_id, author)]


# --- construction and subscribers --------------------------------------------------


def test_new_session_records_the_agenda_phases(session, agenda):
    assert [(p.phase_id, p.title, p.planned_minutes, p.actual_seconds) for p in session.meeting.phases] == [
        (p.id, p.title, p.minutes, 0.0) for p in agenda.phases
    ]
    assert session.phase == agenda.phases[0]
    assert session.flush() is True


def test_unsubscribe_stops_notifications(session):
    rec = Recorder()
    unsubscribe = session.subscribe(rec)
    session.set_note("timeline", "roll back first")
    unsubscribe()
    unsubscribe()
    session.set_note("timeline", "page the DBA")
    assert rec.kinds == [(Entity.NOTE, Op.CHANGED)]


def test_every_subscriber_is_notified(session):
    a, b = Recorder(), Recorder()
    session.subscribe(a)
    session.subscribe(b)
    session.end()
    assert a.kinds == b.kinds == [(Entity.MEETING, Op.CHANGED)]


# --- incident -----------------------------------------------------------------------


def test_update_incident(session, rec):
    session.update_incident(
        title=" New title ",
        severity="sev3",
        services="api, db ,",
        summary="s",
        detected="14:38:45",
        resolved="2026-03-14 15:00",
        tz="Europe/Berlin",
    )
    one(rec, Entity.INCIDENT, Op.CHANGED)
    inc = session.meeting.incident
    assert (inc.title, inc.severity, inc.services, inc.summary, inc.tz) == (
        "New title", "SEV3", ["api", "db"], "s", "Europe/Berlin")
    assert inc.detected == at(14, 38, 45) and inc.resolved == at(15, 0)
    metrics = incident_metrics(inc)
    assert format_duration(metrics.time_to_detect) == "1m45s" and format_duration(metrics.duration) == "23m"
    session.update_incident(resolved="", services=["x", " "])
    assert inc.resolved is None and inc.services == ["x"]


def test_a_new_time_zone_applies_to_times_in_the_same_update(session):
    session.update_incident(tz="Europe/Berlin", detected="15:38:45")
    assert session.meeting.incident.detected == at(14, 38, 45)


def test_times_are_read_on_the_incident_date_and_zone(agenda, fake):
    s = MeetingSession(Meeting(incident(tz="Europe/Berlin")), agenda, now=fake)
    assert s.incident_date() == date(2026, 3, 14)
    event = s.add_event("15:40", "failover")
    assert event.time == at(14, 40)


def test_incident_date_without_milestones(agenda, fake):
    s = MeetingSession(Meeting(Incident("x")), agenda, now=fake)
    assert s.incident_date() == datetime.now(UTC).date()
    s.add_event(datetime(2025, 1, 2, 23, 0, tzinfo=UTC), "late")
    s.add_event(datetime(2025, 1, 3, 1, 0, tzinfo=UTC), "later")
    assert s.incident_date() == date(2025, 1, 2)
    assert s.parse_time("10:00") == datetime(2025, 1, 2, 10, 0, tzinfo=UTC)


# --- attendees ------------------------------------------------------------------------


def test_attendees(session, rec):
    alice = session.add_attendee(" Alice ", "facilitator")
    one(rec, Entity.ATTENDEE, Op.ADDED, alice.id)
    bob = session.add_attendee("Bob")
    rec.take()
    assert (alice.name, bob.role) == ("Alice", "responder")
    assert session.meeting.facilitator == "Alice"
    session.remove_attendee(alice.id)
    one(rec, Entity.ATTENDEE, Op.DELETED, alice.id)
    assert session.meeting.attendees == [bob]


# --- timeline -------------------------------------------------------------------------


def test_add_event(session, rec):
    event = session.add_event(
        "14:38:45", " pager fires ", " alertmanager ", " link ", author="lee", decision_point=True
    )
    one(rec, Entity.EVENT, Op.ADDED, event.id, "lee")
    assert session.meeting.events == [event]
    assert (event.time, event.description, event.actor, event.evidence, event.author, event.decision_point) == (
        at(14, 38, 45), "pager fires", "alertmanager", "link", "lee", True,
    )


def test_add_event_is_idempotent_with_the_same_id(session, rec):
    first = session.add_event("14:40", "failover", author="lee", id="client-1")
    assert first is not None and first.id == "client-1"
    assert session.add_event("14:40", "failover", author="lee", id="client-1") is None
    assert len(session.meeting.events) == 1
    assert rec.kinds == [(Entity.EVENT, Op.ADDED)]


def test_a_rejected_event_does_not_use_up_its_id(session):
    with pytest.raises(ValidationError):
        session.add_event("14:40", " ", id="client-2")
    assert session.add_event("14:40", "fixed", id="client-2") is not None


def test_update_event_rewrites_the_event_once_per_change_id(session, rec):
    event = session.add_event("14:37", "errors", "api", author="lee", id="c-1")
    rec.take()
    rewrite = {"time": "14:38:30", "description": "errors start", "actor": "checkout-api", "evidence": "grafana"}
    assert session.update_event(event.id, **rewrite, id="c-2") is event
    one(rec, Entity.EVENT, Op.CHANGED, event.id)
    assert (event.time, event.description, event.actor, event.evidence, event.author) == (
        at(14, 38, 30), "errors start", "checkout-api", "grafana", "lee")
    assert session.update_event(event.id, time="14:00", description="again", id="c-2") is None
    assert event.time == at(14, 38, 30)
    with pytest.raises(ValidationError):
        session.update_event(event.id, time="no time", id="c-3")
    # a refused try does not use up its id
    assert session.update_event(event.id, time="14:39", description="third", id="c-3") is event
    assert rec.kinds == [(Entity.EVENT, Op.CHANGED)]


def test_update_observation_may_change_its_kind_and_deletes_apply_once(session, rec):
    observation = session.add_observation("went_well", "alert paged", author="lee")
    session.update_observation(observation.id, "alert paged at all", kind="lucky", id="c-1")
    assert (observation.kind, observation.text) == ("lucky", "alert paged at all")
    with pytest.raises(ValidationError):
        session.update_observation(observation.id, "x", kind="meh")
    assert session.delete_observation(observation.id, id="c-2") is True
    event = session.add_event("14:40", "x")
    assert session.delete_event(event.id, id="c-3") is True and session.meeting.events == []
    session.meeting.events.append(event)  # the same change id again: not applied twice
    assert session.delete_event(event.id, id="c-3") is False and session.meeting.events == [event]


def add_event_line(session: MeetingSession, line: str, **kwargs) -> TimelineEvent | None:
    """What the timeline view and the room do with a typed line: read it on the incident's day, then add it."""
    entry = parse_event_line(line, tz=session.meeting.incident.tz, on=session.incident_date())
    return session.add_event(entry.time, entry.description, entry.actor, entry.evidence, **kwargs)


def test_add_event_line(session, rec):
    event = add_event_line(session, "14:37 checkout errors start | alice | https://grafana", author="lee", id="c-3")
    one(rec, Entity.EVENT, Op.ADDED, event.id, "lee")
    assert (event.time, event.description, event.actor, event.evidence) == (
        at(14, 37), "checkout errors start", "alice", "https://grafana")
    assert add_event_line(session, "14:37 checkout errors start", id="c-3") is None
    assert len(session.meeting.events) == 1


def test_an_event_line_is_read_in_the_incident_zone_on_its_day(agenda, fake):
    session = MeetingSession(Meeting(incident(tz="Europe/Berlin", impact_start=at(23, 30))), agenda, now=fake)
    event = add_event_line(session, "01:15 paged")  # the incident began on 15 March in Berlin
    assert event.time == datetime(2026, 3, 15, 0, 15, tzinfo=UTC)


def test_import_events(session, rec):
    events = [TimelineEvent(at(14, 37), "a"), TimelineEvent(at(14, 38), "b")]
    assert session.import_events(events) == 2
    one(rec, Entity.EVENT, Op.IMPORTED)
    assert session.meeting.events == events


def test_update_toggle_and_delete_event(session, rec):
    event = session.add_event("14:40", "failover")
    rec.take()
    session.update_event(event.id, time="14:41", description=" fail over ", actor="bob", evidence="e")
    one(rec, Entity.EVENT, Op.CHANGED, event.id)
    assert (event.time, event.description, event.actor, event.evidence) == (at(14, 41), "fail over", "bob", "e")
    assert session.toggle_decision_point(event.id) is True
    one(rec, Entity.EVENT, Op.CHANGED, event.id)
    assert session.toggle_decision_point(event.id) is False
    rec.take()
    session.delete_event(event.id)
    one(rec, Entity.EVENT, Op.DELETED, event.id)
    assert session.meeting.events == []


def test_mark_milestone_sets_the_incident_time(session, rec):
    event = session.add_event("14:38:45", "pager fires")
    rec.take()
    session.mark_milestone(event.id, "detected")
    one(rec, Entity.INCIDENT, Op.CHANGED, event.id)
    assert session.meeting.incident.detected == at(14, 38, 45)
    assert incident_metrics(session.meeting.incident).time_to_detect == 105


# --- observations, five whys, factors -------------------------------------------------


def test_observations(session, rec):
    obs = session.add_observation("went_well", " alert fired fast ", author="priya", id="o-1")
    one(rec, Entity.OBSERVATION, Op.ADDED, "o-1", "priya")
    assert (obs.id, obs.kind, obs.text) == ("o-1", "went_well", "alert fired fast")
    assert session.add_observation("went_well", "alert fired fast", id="o-1") is None
    session.update_observation(obs.id, "alert paged within 2 minutes")
    one(rec, Entity.OBSERVATION, Op.CHANGED, obs.id)
    assert obs.text == "alert paged within 2 minutes"
    session.delete_observation(obs.id)
    one(rec, Entity.OBSERVATION, Op.DELETED, obs.id)
    assert session.meeting.observations == []


def test_five_whys_chain(session, rec):
    chain = session.start_chain("Checkout failed", author="sam")
    one(rec, Entity.CHAIN, Op.ADDED, chain.id, "sam")
    session.add_why(chain.id, "Requests timed out", author="priya", id="w-1")
    one(rec, Entity.CHAIN, Op.CHANGED, chain.id, "priya")
    assert session.add_why(chain.id, "Requests timed out", id="w-1") is None
    session.add_why(chain.id, "Pool too small")
    session.add_why(chain.id, "oops")
    rec.take()
    assert session.undo() == "Undid: added why “oops”"
    one(rec, Entity.CHAIN, Op.CHANGED, chain.id)
    assert [w.text for w in chain.whys] == ["Requests timed out", "Pool too small"]
    cause = session.set_root_cause(chain.id, "configuration error")
    one(rec, Entity.CHAIN, Op.CHANGED, chain.id)
    assert (cause.text, cause.category) == ("Pool too small", "configuration error")
    session.set_root_cause(chain.id, "process gap", "No config review")
    assert chain.root_cause.text == "No config review"


def test_undo_with_nothing_to_undo_changes_nothing(session, rec):
    with pytest.raises(ValidationError, match="nothing to undo"):
        session.undo()
    assert rec.changes == []


def test_delete_chain_unlinks_actions(session, rec):
    chain = session.start_chain("p")
    other = session.start_chain("q")
    linked = session.add_action("fix config", root_cause_id=chain.id)
    kept = session.add_action("add alert", root_cause_id=other.id)
    rec.take()
    session.delete_chain(chain.id)
    one(rec, Entity.CHAIN, Op.DELETED, chain.id)
    assert session.meeting.chains == [other]
    assert linked.root_cause_id is None and kept.root_cause_id == other.id


def test_factors(session, rec):
    factor = session.add_factor(" Friday deploy ", "process", author="jo")
    one(rec, Entity.FACTOR, Op.ADDED, factor.id, "jo")
    assert (factor.text, factor.category) == ("Friday deploy", "process")
    session.delete_factor(factor.id)
    one(rec, Entity.FACTOR, Op.DELETED, factor.id)
    assert session.meeting.factors == []


# --- action items ------------------------------------------------------------------------


@pytest.mark.parametrize(("priority", "days"), [("critical", 7), ("high", 21), ("medium", 42), ("low", 84), (None, 42)])
def test_due_date_defaults_from_priority(session, priority, days):
    item = session.add_action("fix", priority=priority)
    assert item.due == session.today() + timedelta(days=days)
    assert item.priority == (priority or "medium")
    assert PRIORITY_DUE_DAYS[item.priority] == days


def test_add_action(session, rec):
    chain = session.start_chain("p")
    rec.take()
    item = session.add_action(
        " Validate pool size ", " priya ", "high", "2026-12-01", " CI fails below 20 ",
        kinds=["prevents recurrence"], root_cause_id=chain.id,
    )
    one(rec, Entity.ACTION, Op.ADDED, item.id)
    fields = (
        item.description, item.owner, item.priority, item.due, item.success_criteria, item.kinds, item.root_cause_id
    )
    assert fields == (
        "Validate pool size", "priya", "high", date(2026, 12, 1), "CI fails below 20", ["prevents recurrence"],
        chain.id,
    )
    assert session.add_action("x", due=date(2027, 1, 1)).due == date(2027, 1, 1)
    assert session.add_action("x", due="+1w").due == session.today() + timedelta(days=7)


def add_action_line(session: MeetingSession, line: str):
    """What the actions view does with a typed line."""
    entry = parse_action_line(line, session.today())
    return session.add_action(entry.description, entry.owner, entry.priority, entry.due, entry.success_criteria)


def test_add_action_line(session, rec):
    item = add_action_line(session, "Add alert | lee | P1 | | alert fires in staging")
    one(rec, Entity.ACTION, Op.ADDED, item.id)
    assert (item.description, item.owner, item.priority, item.success_criteria) == (
        "Add alert", "lee", "high", "alert fires in staging")
    assert item.due == session.today() + timedelta(days=21)
    assert add_action_line(session, "x | | | 2026-12-01").due == date(2026, 12, 1)


def test_update_and_toggle_action(session, rec):
    chain = session.start_chain("p")
    item = session.add_action("x")
    rec.take()
    session.update_action(
        item.id, description="y", owner=" o ", priority="low", due="2027-01-01", success_criteria=" c ",
        kinds=["improves detection"], root_cause_id=chain.id,
    )
    one(rec, Entity.ACTION, Op.CHANGED, item.id)
    fields = (
        item.description, item.owner, item.priority, item.due, item.success_criteria, item.kinds, item.root_cause_id
    )
    assert fields == (
        "y", "o", "low", date(2027, 1, 1), "c", ["improves detection"], chain.id,
    )
    session.update_action(item.id, due=None, root_cause_id=None)
    assert item.due is None and item.root_cause_id is None
    rec.take()
    session.toggle_action_kind(item.id, "prevents recurrence")
    one(rec, Entity.ACTION, Op.CHANGED, item.id)
    assert item.kinds == ["prevents recurrence", "improves detection"]
    session.toggle_action_kind(item.id, "improves detection")
    assert item.kinds == ["prevents recurrence"]


def test_action_status_and_delete(session, rec):
    item = session.add_action("x")
    rec.take()
    session.set_action_status(item.id, "done", "shipped in v2.32")
    one(rec, Entity.ACTION, Op.CHANGED, item.id)
    assert (item.status, item.status_note) == ("done", "shipped in v2.32")
    assert item.status_changed is not None and item.status_changed.tzinfo is not None
    session.delete_action(item.id)
    one(rec, Entity.ACTION, Op.DELETED, item.id)
    assert session.meeting.actions == []


# --- notes and review ------------------------------------------------------------------------


def test_notes_review_status(session, rec):
    session.set_note("timeline", "gap at 14:41")
    one(rec, Entity.NOTE, Op.CHANGED, "timeline")
    session.set_review(document_owner=" Sam ", publication_date="2026-03-20", follow_up_date=date(2026, 4, 20))
    one(rec, Entity.REVIEW, Op.CHANGED)
    session.end()
    one(rec, Entity.MEETING, Op.CHANGED)
    m = session.meeting
    assert (m.notes, m.document_owner, m.publication_date, m.follow_up_date, m.status) == (
        {"timeline": "gap at 14:41"}, "Sam", date(2026, 3, 20), date(2026, 4, 20), "ended",
    )


def test_snapshot_is_a_deep_copy(session):
    session.add_event("14:40", "a")
    copy = session.snapshot()
    assert to_data(copy) == to_data(session.meeting)
    copy.events.clear()
    assert len(session.meeting.events) == 1


# --- validation ------------------------------------------------------------------------------


@pytest.fixture
def filled(session):
    """A session with one of everything, and the ids."""
    event = session.add_event("14:40", "failover")
    chain = session.start_chain("p")
    empty_chain = session.start_chain("q")
    session.add_why(chain.id, "because")
    obs = session.add_observation("lucky", "quiet hour")
    action = session.add_action("x")
    return session, {"event": event.id, "chain": chain.id, "empty": empty_chain.id, "obs": obs.id, "action": action.id}


BAD_CALLS = {
    "empty event": lambda s, i: s.add_event("14:40", "  "),
    "bad event time": lambda s, i: s.add_event("25:00", "x"),
    "garbage event time": lambda s, i: s.add_event("soon", "x"),
    "empty event update": lambda s, i: s.update_event(i["event"], description=" "),
    "bad event update time": lambda s, i: s.update_event(i["event"], time="99:99"),
    "unknown event field": lambda s, i: s.update_event(i["event"], colour="red"),
    "unknown event": lambda s, i: s.delete_event("nope"),
    "unknown event toggle": lambda s, i: s.toggle_decision_point("nope"),
    "bad milestone": lambda s, i: s.mark_milestone(i["event"], "lunch"),
    "milestone of unknown event": lambda s, i: s.mark_milestone("nope", "detected"),
    "bad severity": lambda s, i: s.update_incident(severity="SEV9"),
    "empty title": lambda s, i: s.update_incident(title=" "),
    "unknown incident field": lambda s, i: s.update_incident(colour="red"),
    "bad incident time": lambda s, i: s.update_incident(detected="14:99"),
    "empty attendee": lambda s, i: s.add_attendee(" ", "responder"),
    "bad role": lambda s, i: s.add_attendee("Bob", "boss"),
    "unknown attendee": lambda s, i: s.remove_attendee("nope"),
    "bad observation kind": lambda s, i: s.add_observation("meh", "x"),
    "empty observation": lambda s, i: s.add_observation("lucky", ""),
    "empty observation update": lambda s, i: s.update_observation(i["obs"], " "),
    "unknown observation": lambda s, i: s.delete_observation("nope"),
    "empty problem": lambda s, i: s.start_chain(""),
    "empty why": lambda s, i: s.add_why(i["chain"], " "),
    "why for unknown chain": lambda s, i: s.add_why("nope", "x"),
    "unknown category": lambda s, i: s.set_root_cause(i["chain"], "astrology"),
    "root cause without whys": lambda s, i: s.set_root_cause(i["empty"], "process gap"),
    "unknown chain": lambda s, i: s.delete_chain("nope"),
    "bad fishbone category": lambda s, i: s.add_factor("x", "weather"),
    "empty factor": lambda s, i: s.add_factor(" ", "people"),
    "unknown factor": lambda s, i: s.delete_factor("nope"),
    "empty action": lambda s, i: s.add_action(" "),
    "unknown priority": lambda s, i: s.add_action("x", priority="urgent"),
    "bad due date": lambda s, i: s.add_action("x", due="2026-02-30"),
    "huge relative due": lambda s, i: s.add_action("x", due="+99999999999d"),
    "bad action kind": lambda s, i: s.add_action("x", kinds=["blame"]),
    "unknown root cause": lambda s, i: s.add_action("x", root_cause_id="nope"),
    "bad priority update": lambda s, i: s.update_action(i["action"], priority="P9"),
    "unknown action field": lambda s, i: s.update_action(i["action"], colour="red"),
    "bad kind toggle": lambda s, i: s.toggle_action_kind(i["action"], "blame"),
    "bad action status": lambda s, i: s.set_action_status(i["action"], "closed"),
    "unknown action": lambda s, i: s.delete_action("nope"),
    "bad review date": lambda s, i: s.set_review(publication_date="soon"),
    "unknown review field": lambda s, i: s.set_review(colour="red"),
    "unknown document section": lambda s, i: s.set_section("appendix-z", "text"),
    "bad publication date": lambda s, i: s.publish("soon"),
    "zero extension": lambda s, i: s.extend_phase(0),
    "negative extension": lambda s, i: s.extend_phase(-5),
    "phase past the end": lambda s, i: s.jump_to_phase(6),
    "negative phase": lambda s, i: s.jump_to_phase(-1),
}


@pytest.mark.parametrize("call", BAD_CALLS.values(), ids=BAD_CALLS.keys())
def test_invalid_changes_raise_validation_error_and_change_nothing(filled, call):
    session, ids = filled
    before = to_data(session.meeting)
    rec = Recorder()
    session.subscribe(rec)
    with pytest.raises(ValidationError) as info:
        call(session, ids)
    message = str(info.value)
    assert message and "\n" not in message
    assert rec.changes == []
    assert to_data(session.meeting) == before


PARTIAL_UPDATES = {
    "incident": lambda s, i: s.update_incident(title="Renamed", severity="SEV9"),
    "event": lambda s, i: s.update_event(i["event"], description="renamed", colour="red"),
    "action": lambda s, i: s.update_action(i["action"], owner="someone", priority="urgent"),
    "review": lambda s, i: s.set_review(document_owner="someone", colour="red"),
}


@pytest.mark.parametrize("call", PARTIAL_UPDATES.values(), ids=PARTIAL_UPDATES.keys())
def test_a_rejected_update_changes_no_field(filled, call):
    session, ids = filled
    before = to_data(session.meeting)
    with pytest.raises(ValidationError):
        call(session, ids)
    assert to_data(session.meeting) == before


def test_unknown_time_zone_is_a_validation_error(session):
    with pytest.raises(ValidationError):
        session.update_incident(tz="Mars/Olympus")


@pytest.mark.parametrize("minutes", [float("nan"), float("inf")])
def test_non_finite_extension_is_a_validation_error(session, minutes):
    with pytest.raises(ValidationError):
        session.extend_phase(minutes)


def test_a_naive_event_time_is_read_in_the_incidents_time_zone(session):
    """As a typed time is: a caller's naive datetime is wall-clock time where the incident happened."""
    session.update_incident(tz="Europe/Berlin")
    session.add_event(at(14, 0), "aware")
    naive = session.add_event(datetime(2026, 3, 14, 14, 40), "naive")
    assert naive.time == datetime(2026, 3, 14, 14, 40, tzinfo=ZoneInfo("Europe/Berlin"))
    assert naive.time == at(13, 40)
    assert [e.description for e in session.meeting.sorted_events()] == ["naive", "aware"]


# --- clock and phases ----------------------------------------------------------------------


def test_clock_phases_planned_vs_actual(session, rec, fake, agenda):
    session.start_clock()
    one(rec, Entity.CLOCK, Op.CHANGED)
    fake.advance(120)
    assert session.next_phase() is True
    one(rec, Entity.PHASE, Op.CHANGED)
    assert session.clock.phase_index == 1 and session.phase == agenda.phases[1]
    assert session.meeting.phases[0].actual_seconds == 120
    fake.advance(60)
    assert session.previous_phase() is True
    one(rec, Entity.PHASE, Op.CHANGED)
    assert [p.actual_seconds for p in session.meeting.phases[:2]] == [120, 60]
    fake.advance(30)
    session.jump_to_phase(4)
    one(rec, Entity.PHASE, Op.CHANGED)
    assert [p.actual_seconds for p in session.meeting.phases] == [150, 60, 0, 0, 0, 0]
    assert [p.planned_minutes for p in session.meeting.phases] == [p.minutes for p in agenda.phases]
    assert session.meeting.clock.phase_index == 4


def test_next_and_previous_stop_at_the_ends(session, rec):
    assert session.previous_phase() is False
    session.jump_to_phase(5)
    rec.take()
    assert session.next_phase() is False
    assert rec.changes == [] and session.clock.phase_index == 5


def test_toggle_pause(session, rec, fake):
    assert session.toggle_pause() is True
    one(rec, Entity.CLOCK, Op.CHANGED)
    fake.advance(100)
    assert session.toggle_pause() is False
    one(rec, Entity.CLOCK, Op.CHANGED)
    assert session.meeting.phases[0].actual_seconds == 100
    fake.advance(1000)
    assert session.clock.phase_elapsed() == 100
    session.toggle_pause()
    fake.advance(5)
    assert session.clock.phase_elapsed() == 105
    assert session.meeting.clock.running_since == fake.t - 5


def test_extend_phase(session, rec, agenda):
    session.next_phase()
    rec.take()
    session.extend_phase(5)
    one(rec, Entity.CLOCK, Op.CHANGED)
    assert session.clock.phase_planned() == (agenda.phases[1].minutes + 5) * 60
    assert session.meeting.clock.extended[1] == 300
    assert session.meeting.phases[1].planned_minutes == agenda.phases[1].minutes


# --- persistence -------------------------------------------------------------------------


def test_create_rejects_bad_incidents_without_writing(tmp_path):
    with pytest.raises(ValidationError, match="severity"):
        MeetingSession.create(tmp_path, Incident("x", severity="SEV7"))
    with pytest.raises(ValidationError, match="title"):
        MeetingSession.create(tmp_path, Incident("  "))
    with pytest.raises(AgendaError):
        MeetingSession.create(tmp_path, Incident("x"), "no-such-agenda")
    assert [p.name for p in tmp_path.iterdir() if p.name != "config"] == []


def test_create_rejects_an_unknown_time_zone(tmp_path):
    with pytest.raises(ValidationError):
        MeetingSession.create(tmp_path, Incident("x", tz="Mars/Olympus"))


def fill(s: MeetingSession, fake: FixedClock) -> None:
    s.add_attendee("Sam", "facilitator")
    s.add_event("14:37", "errors start", "checkout", "https://grafana", author="lee", id="e-1")
    s.add_event("14:38:45", "pager fires", "alertmanager")
    s.mark_milestone("e-1", "impact_start")
    s.add_observation("went_poorly", "diff hid config", id="o-1")
    chain = s.start_chain("checkout failed")
    s.add_why(chain.id, "pool too small")
    s.set_root_cause(chain.id, "configuration error")
    s.add_factor("Friday deploy", "process")
    s.add_action(
        "validate pool", "priya", "high", "2026-12-01", "CI fails",
        kinds=["prevents recurrence"], root_cause_id=chain.id,
    )
    s.set_note("timeline", "n")
    s.set_review(document_owner="Sam", publication_date="2026-03-20")
    s.start_clock()
    fake.advance(90)
    s.next_phase()
    fake.advance(45)
    s.extend_phase(2)
    s.toggle_pause()


def test_create_fill_close_reopen(tmp_path, fake, files):
    statuses = []
    s = MeetingSession.create(tmp_path, incident(tz="Europe/Berlin"), now=fake, on_save_status=statuses.append)
    files.append(s)
    assert (tmp_path / f"{s.meeting.id}.json").is_file()
    fill(s, fake)
    expected = to_data(s.meeting)
    s.close()
    assert statuses and statuses[-1].ok and not statuses[-1].pending
    fake.advance(3600)
    again = MeetingSession.open(tmp_path, s.meeting.id, now=fake)
    files.append(again)
    assert to_data(again.meeting) == expected
    m = again.meeting
    assert len(m.events) == 2 and len(m.actions) == 1 and m.actions[0].root_cause_id == m.chains[0].id
    assert again.clock.phase_index == 1 and not again.clock.running
    assert again.clock.phase_elapsed(0) == 90 and again.clock.phase_elapsed() == 45
    assert again.meeting.phases[0].actual_seconds == 90
    assert again.add_event("14:37", "errors start", id="e-1") is None
    assert again.add_observation("went_poorly", "diff hid config", id="o-1") is None


def test_running_clock_resumes_after_reopen(tmp_path, fake, files):
    s = MeetingSession.create(tmp_path, incident(), now=fake)
    files.append(s)
    s.start_clock()
    fake.advance(100)
    s.close()
    fake.advance(50)
    again = MeetingSession.open(tmp_path, s.meeting.id, now=fake)
    files.append(again)
    assert again.clock.running and again.clock.phase_elapsed() == 150


def test_flush_puts_changes_on_disk(tmp_path, fake, files):
    s = MeetingSession.create(tmp_path, incident(), now=fake)
    files.append(s)
    s.add_event("14:40", "failover")
    assert s.flush(timeout=10)
    assert [e["description"] for e in s.file.load()["events"]] == ["failover"]


def test_open_by_slug_and_prefix(tmp_path, fake, files):
    s = MeetingSession.create(tmp_path, incident(), now=fake)
    s.close()
    for ref in ("db-outage", s.meeting.id[:5]):
        again = MeetingSession.open(tmp_path, ref, now=fake)
        assert again.meeting.id == s.meeting.id
        again.close()


def with_event_kind(item: dict) -> dict:
    """A stored timeline event as files written before ``TimelineEvent.kind`` was dropped hold it."""
    return {**item, "kind": "event"} if {"time", "description", "evidence"} <= item.keys() else item


def test_a_meeting_saved_with_event_kinds_still_opens_and_is_saved_without_them(tmp_path, fake, files):
    s = MeetingSession.create(tmp_path, incident(), now=fake)
    s.add_event("14:40", "failover", "jo", id="e-1")
    s.close()
    path = tmp_path / f"{s.meeting.id}.json"
    path.write_text(json.dumps(json.loads(path.read_text(), object_hook=with_event_kind)))
    assert path.read_text().count('"kind": "event"') == 1

    again = MeetingSession.open(tmp_path, s.meeting.id, now=fake)
    files.append(again)
    assert [(e.id, e.description, e.actor) for e in again.meeting.events] == [("e-1", "failover", "jo")]
    again.add_event("14:41", "traffic back")
    assert again.flush(timeout=10)
    assert [sorted(e) for e in again.file.load()["events"]] == [sorted(to_data(e)) for e in again.meeting.events]
    assert all("kind" not in e for e in again.file.load()["events"])


def test_second_writer_is_refused_in_the_same_process(tmp_path, fake, files):
    s = MeetingSession.create(tmp_path, incident(), now=fake)
    files.append(s)
    with pytest.raises(MeetingLockedError, match="open in another pmtui"):
        MeetingSession.open(tmp_path, s.meeting.id)
    s.close()
    again = MeetingSession.open(tmp_path, s.meeting.id)
    files.append(again)
    with pytest.raises(MeetingLockedError):
        MeetingSession.open(tmp_path, s.meeting.id)


def test_second_writer_is_refused_in_another_process(tmp_path, fake, files):
    s = MeetingSession.create(tmp_path, incident(), now=fake)
    files.append(s)
    code = (
        "import sys; from pathlib import Path; from pmtui.session import MeetingSession; "
        "from pmtui.store import MeetingLockedError\n"
        "try:\n    MeetingSession.open(Path(sys.argv[1]), sys.argv[2])\n"
        "except MeetingLockedError as e:\n    print(e); sys.exit(3)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path), s.meeting.id], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 3, done.stderr
    assert "open in another pmtui" in done.stdout


def test_close_is_idempotent(tmp_path, fake):
    s = MeetingSession.create(tmp_path, incident(), now=fake)
    s.close()
    s.close()


def test_open_of_a_damaged_meeting_is_a_store_error(tmp_path, fake):
    s = MeetingSession.create(tmp_path, incident(), now=fake)
    s.close()
    path = tmp_path / f"{s.meeting.id}.json"
    tables = json.loads(path.read_text())
    del tables["meeting"]["1"]["incident"]
    path.write_text(json.dumps(tables))
    before = path.read_bytes()
    with pytest.raises(StoreError):
        MeetingSession.open(tmp_path, s.meeting.id)
    assert path.read_bytes() == before


def test_agenda_file_given_as_a_relative_path_still_opens_elsewhere(tmp_path, fake, monkeypatch, agenda):
    work = tmp_path / "work"
    work.mkdir()
    (work / "short.toml").write_text(
        'name = "short"\ndescription = ""\n[[phases]]\nid = "all"\ntitle = "All"\nminutes = 30\nkind = "notes"\n'
    )
    monkeypatch.chdir(work)
    s = MeetingSession.create(tmp_path, incident(), "short.toml", now=fake)
    s.close()
    monkeypatch.chdir(tmp_path)
    again = MeetingSession.open(tmp_path, s.meeting.id, now=fake)
    again.close()
    assert again.agenda.name == "short"


def test_custom_agenda_file(tmp_path, fake, files):
    path = tmp_path / "short.toml"
    path.write_text(
        'name = "short"\ndescription = ""\n'
        '[[phases]]\nid = "all"\ntitle = "All"\nminutes = 30\nkind = "notes"\n'
    )
    s = MeetingSession.create(tmp_path, incident(), str(path), now=fake)
    s.close()
    again = MeetingSession.open(tmp_path, s.meeting.id, now=fake)
    files.append(again)
    assert again.agenda.name == "short" and [p.phase_id for p in again.meeting.phases] == ["all"]


def test_demo_meeting_opens(tmp_path, files):
    meeting_id = create_demo(tmp_path)
    s = MeetingSession.open(tmp_path, meeting_id)
    files.append(s)
    m = s.meeting
    assert len(m.events) == 8 and s.clock.phase_index == 1 and s.clock.running
    metrics = incident_metrics(m.incident)
    assert (format_duration(metrics.time_to_detect), format_duration(metrics.duration)) == ("1m45s", "23m")
    assert m.actions[0].root_cause_id == m.chains[0].id
    assert len(m.phases) == len(s.agenda.phases)


def test_prepared_events_are_saved_as_they_are_and_a_later_change_still_reaches_the_disk(tmp_path, fake):
    s = MeetingSession.create(tmp_path, incident(), now=fake)
    first = s.add_event(at(14, 37), "errors start", "grafana")
    second = s.add_event(at(14, 40), "alert fires")
    s.close()
    s = MeetingSession.open(tmp_path, s.meeting.id, now=fake)
    s.prepare()
    assert s.saver.data()["events"] == [to_data(e) for e in s.meeting.events]
    s.update_event(second.id, description="the alert fires")
    s.close()
    reopened = MeetingSession.open(tmp_path, s.meeting.id, now=fake)
    assert [e.description for e in reopened.meeting.events] == ["errors start", "the alert fires"]
    assert reopened.meeting.events[0].actor == "grafana" and reopened.meeting.events[0].id == first.id
    reopened.close()


def test_closing_after_the_event_loop_is_gone_still_saves_the_running_clock(tmp_path, fake):
    s = MeetingSession.create(tmp_path, incident(), now=fake)
    loop = asyncio.new_event_loop()
    s.defer_saves(loop.call_soon)
    s.start_clock()  # its snapshot waits for a loop iteration that never comes
    loop.close()
    fake.advance(90)
    assert s.close() is True
    reopened = MeetingSession.open(tmp_path, s.meeting.id, now=fake)
    assert reopened.meeting.phases[0].actual_seconds == 90
    reopened.close()
