"""Who said it and who typed it: ``@name`` resolution, the current speaker, and the one shown-author rule."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from pmtui.agenda import resolve_agenda
from pmtui.export import render
from pmtui.model import Attendee, ContributingFactor, Incident, Meeting, Observation, TimelineEvent, Why
from pmtui.room import protocol
from pmtui.session import MeetingSession
from pmtui.speakers import mention, resolve_speaker, shown_author, speakers_not_attending

ROOM = [Attendee("Alex Facilitator", "facilitator"), Attendee("Ana Lima", "incident commander"),
        Attendee("Anabel Cruz"), Attendee("Priya Nair"), Attendee("Bo Chen"), Attendee("Bo Svensson")]


def at(hh: int, mm: int) -> datetime:
    return datetime(2017, 1, 31, hh, mm, tzinfo=UTC)


@pytest.fixture
def session(tmp_path) -> MeetingSession:
    """A meeting of the room above, with its facilitator, in a file (so a restart can be tried)."""
    opened = MeetingSession.create(tmp_path, Incident("DB outage", impact_start=at(23, 27)))
    for person in ROOM:
        opened.add_attendee(person.name, person.role)
    yield opened
    opened.close()


@pytest.mark.parametrize(("typed", "resolved"), [
    ("@priya", "Priya Nair"),  # a first name, any case
    ("PRI", "Priya Nair"),  # a prefix of it
    ("priya n", "Priya Nair"),  # a prefix of the full name
    ("@priya_nair", "Priya Nair"),  # an @name is one word: _ stands for the space
    ("ana", "Ana Lima"),  # an exact first name wins over Anabel, whose name it also starts
    ("anab", "Anabel Cruz"),
    ("an", "an"),  # Ana or Anabel: ambiguous, kept as typed
    ("bo", "bo"),  # two Bos: ambiguous
    ("bo_s", "Bo Svensson"),
    ("@zoe", "zoe"),  # nobody of that name: kept as typed, without the @
    ("", ""),
])
def test_a_typed_name_resolves_to_one_attendee_or_stays_as_typed(typed, resolved):
    assert resolve_speaker(typed, ROOM) == resolved


def test_mention_is_the_shortest_word_that_names_the_attendee_again():
    assert mention("Priya Nair", ROOM) == "@Priya"
    assert mention("Bo Chen", ROOM) == "@Bo_Chen"
    for person in ROOM:
        assert resolve_speaker(mention(person.name, ROOM), ROOM) == person.name


def test_the_session_resolves_the_speaker_of_every_kind_of_entry(session):
    event = session.add_event(at(23, 41), "paged", author="Alex Facilitator", speaker="priya")
    observation = session.add_observation("went_well", "alert fired", author="Alex Facilitator", speaker="@ana")
    chain = session.start_chain("why down?")
    why = session.add_why(chain.id, "disk full", speaker="bo_c")
    factor = session.add_factor("no disk alert", "technology", speaker="anab")
    note_taker = session.add_observation("lucky", "quiet night", author="Zoe", author_id="zoe-id", speaker="ZOE")
    assert [event.speaker, observation.speaker, why.speaker, factor.speaker, note_taker.speaker] == [
        "Priya Nair", "Ana Lima", "Bo Chen", "Anabel Cruz", "ZOE"]
    assert event.author == observation.author == "Alex Facilitator"  # who typed it is kept apart


def test_the_current_speaker_applies_to_the_facilitators_entries_that_name_nobody(session):
    assert session.set_current_speaker("pri") == "Priya Nair"
    first = session.add_event(at(23, 41), "paged", author="Alex Facilitator")
    named = session.add_observation("went_poorly", "slow page", speaker="ana")
    from_room = session.add_observation("went_well", "alert", author="Zoe", author_id="zoe-id")
    assert (first.speaker, named.speaker, from_room.speaker) == ("Priya Nair", "Ana Lima", "")
    session.set_current_speaker(None)
    assert session.add_event(at(23, 50), "mitigated").speaker == ""


def test_the_current_speaker_survives_a_restart(session, tmp_path):
    session.set_current_speaker("ana")
    meeting_id = session.meeting.id
    session.close()
    reopened = MeetingSession.open(tmp_path, meeting_id)
    try:
        assert reopened.meeting.current_speaker == "Ana Lima"
        assert reopened.add_event(at(23, 55), "rolled back").speaker == "Ana Lima"
    finally:
        reopened.close()


def test_the_shown_author_is_the_speaker_else_the_note_taker_else_nobody():
    assert shown_author(Observation("lucky", "x", "Alex Facilitator", speaker="Ana Lima")) == "Ana Lima"
    assert shown_author(Observation("lucky", "x", "Zoe", author_id="zoe-id")) == "Zoe"
    assert shown_author(Observation("lucky", "x", "Alex Facilitator")) == ""  # typed by the facilitator
    assert shown_author(ContributingFactor("x", "process", "Alex Facilitator")) == ""
    assert shown_author(Why("x", "Zoe", author_id="zoe-id", speaker="Bo Chen")) == "Bo Chen"


def typed_by_the_facilitator() -> Meeting:
    """A meeting whose every entry the facilitator typed: one said by Ana, the rest by nobody named."""
    meeting = Meeting(Incident("DB outage"), attendees=list(ROOM))
    meeting.events = [TimelineEvent(at(23, 27), "site down", author="Alex Facilitator"),
                      TimelineEvent(at(23, 41), "paged", author="Alex Facilitator", speaker="Ana Lima")]
    meeting.observations = [Observation("went_well", "alert fired", "Alex Facilitator"),
                            Observation("lucky", "quiet night", "Alex Facilitator", speaker="Ana Lima"),
                            Observation("went_poorly", "slow page", "Zoe", author_id="zoe-id")]
    meeting.factors = [ContributingFactor("no disk alert", "technology", "Alex Facilitator")]
    return meeting


def test_the_markdown_export_credits_speakers_and_note_takers_never_the_typing_facilitator():
    text = render(typed_by_the_facilitator(), "markdown")
    assert "Alex Facilitator" not in text.split("## Meeting minutes")[0].split("# Meeting minutes")[0]
    assert "- alert fired\n" in text
    assert "- quiet night (Ana Lima)" in text
    assert "- slow page (Zoe)" in text
    assert "- no disk alert\n" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and ("site down" in line or "paged" in line)]
    assert rows[0].rstrip().endswith("|  |") and rows[1].rstrip().endswith("| Ana Lima |")


def test_the_markdown_export_says_who_gave_each_why():
    meeting = typed_by_the_facilitator()
    session = MeetingSession(meeting, resolve_agenda("standard-90"))
    chain = session.start_chain("why down?", author="Alex Facilitator")
    session.add_why(chain.id, "disk full", author="Alex Facilitator", speaker="bo_s")
    session.add_why(chain.id, "no alert", author="Alex Facilitator")
    text = render(meeting, "markdown")
    assert "1. Why? disk full (Bo Svensson)" in text
    assert "2. Why? no alert\n" in text
    chain_data = json.loads(render(meeting, "json"))["chains"][0]
    assert chain_data["author"] == "" and chain_data["entered_by"] == "Alex Facilitator"
    assert [w["author"] for w in chain_data["whys"]] == ["Bo Svensson", ""]


def test_the_json_export_credits_the_speaker_and_keeps_who_typed_it():
    data = json.loads(render(typed_by_the_facilitator(), "json"))
    assert [e["author"] for e in data["events"]] == ["", "Ana Lima"]
    assert [o["author"] for o in data["observations"]] == ["", "Ana Lima", "Zoe"]
    assert {o["entered_by"] for o in data["observations"]} == {"Alex Facilitator", "Zoe"}
    assert data["factors"][0]["author"] == ""


def test_the_room_tells_note_takers_the_shown_author():
    meeting = typed_by_the_facilitator()
    assert [protocol.event_data(e)["author"] for e in meeting.events] == ["", "Ana Lima"]
    assert [protocol.observation_data(o)["author"] for o in meeting.observations] == ["", "Ana Lima", "Zoe"]


def test_speakers_that_are_not_attendees_are_listed_once_each():
    meeting = typed_by_the_facilitator()
    meeting.observations.append(Observation("lucky", "backup existed", "Alex Facilitator", speaker="zoe"))
    meeting.factors.append(ContributingFactor("no owner", "process", speaker="zoe"))
    meeting.events.append(TimelineEvent(at(23, 50), "restore", speaker="Mallory"))
    assert speakers_not_attending(meeting) == ["Mallory", "zoe"]


def test_adding_the_attendee_a_speaker_meant_puts_their_entries_right(session):
    changes = []
    session.subscribe(changes.append)
    said = session.add_observation("lucky", "backup existed", author="Alex Facilitator", speaker="@zoe")
    chain = session.start_chain("why down?")
    why = session.add_why(chain.id, "disk full", speaker="zoe")
    other = session.add_factor("no owner", "process", speaker="mallory")
    assert speakers_not_attending(session.meeting) == ["zoe", "mallory"]
    changes.clear()
    session.add_attendee("Zoe Park")
    assert (said.speaker, why.speaker, other.speaker) == ("Zoe Park", "Zoe Park", "mallory")
    assert [(c.entity, c.id) for c in changes][1:] == [("observation", said.id), ("chain", chain.id)]
    assert speakers_not_attending(session.meeting) == ["mallory"]
