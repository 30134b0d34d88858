"""Every kind of change the session announces reaches the consumers that must handle them all.

The room's broadcaster and the timeline view end their ``match`` in
``assert_never``; driving one call of every session command through them shows
at run time what a type checker shows statically: no change is dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime

from pmtui.agenda import resolve_agenda
from pmtui.changes import Change, Entity, Op
from pmtui.model import Incident, Meeting, TimelineEvent, to_data
from pmtui.room.server import RoomServer
from pmtui.session import MeetingSession
from pmtui.store import MeetingFile
from pmtui.tui.app import make_app
from pmtui.tui.views.timeline import TimelineView

FIXED = 1_795_000_000.0
DAY = datetime(2026, 11, 17, tzinfo=UTC)
SHOWN_TO_NOTE_TAKERS = {Entity.EVENT, Entity.OBSERVATION, Entity.CHAIN, Entity.CLOCK, Entity.PHASE, Entity.INCIDENT}


def at(hour: int, minute: int) -> datetime:
    return DAY.replace(hour=hour, minute=minute)


def every_command(s: MeetingSession, related: str) -> Iterator[str]:
    """Call each session command once (in an order where each finds what it needs), naming it after the call."""
    s.start_clock()
    yield "start_clock"
    s.toggle_pause()
    yield "toggle_pause"
    s.extend_phase(5)
    yield "extend_phase"
    s.next_phase()
    yield "next_phase"
    s.previous_phase()
    yield "previous_phase"
    s.jump_to_phase(1)
    yield "jump_to_phase"
    s.update_incident(title="Disk full on db-2 and db-3")
    yield "update_incident"
    attendee = s.add_attendee("Kim Lee", "responder")
    yield "add_attendee"
    s.remove_attendee(attendee.id)
    yield "remove_attendee"
    event = s.add_event(at(14, 40), "failover starts", "jo", author="facilitator")
    yield "add_event"
    s.update_event(event.id, description="failover started")
    yield "update_event"
    s.toggle_decision_point(event.id)
    yield "toggle_decision_point"
    s.mark_milestone(event.id, "mitigated")
    yield "mark_milestone"
    s.import_events([TimelineEvent(at(14, 50), "replica promoted"), TimelineEvent(at(14, 55), "traffic back")])
    yield "import_events"
    s.delete_event(event.id)
    yield "delete_event"
    observation = s.add_observation("went_well", "paging was fast")
    yield "add_observation"
    s.update_observation(observation.id, "paging was very fast", kind="lucky")
    yield "update_observation"
    s.delete_observation(observation.id)
    yield "delete_observation"
    chain = s.start_chain("Why did the disk fill?")
    yield "start_chain"
    s.add_why(chain.id, "logs were not rotated")
    yield "add_why"
    s.set_root_cause(chain.id, "configuration error")
    yield "set_root_cause"
    s.undo()  # the why just added
    yield "undo"
    factor = s.add_factor("no disk alert", "technology")
    yield "add_factor"
    s.delete_factor(factor.id)
    yield "delete_factor"
    action = s.add_action("Alert at 80% disk", "jo", "high")
    yield "add_action"
    s.update_action(action.id, owner="kim")
    yield "update_action"
    s.toggle_action_kind(action.id, "improves detection")
    yield "toggle_action_kind"
    s.set_action_status(action.id, "done")
    yield "set_action_status"
    s.delete_action(action.id)
    yield "delete_action"
    s.delete_chain(chain.id)
    yield "delete_chain"
    s.set_note("timeline", "ask about the rotation job")
    yield "set_note"
    s.set_section("background", "db-2 is the primary; db-3 a hot standby.")
    yield "set_section"
    s.set_review(document_owner="kim")
    yield "set_review"
    s.add_related(related)
    yield "add_related"
    s.remove_related(related)
    yield "remove_related"
    s.dismiss_finding("timeline:gap")
    yield "dismiss_finding"
    s.restore_findings()
    yield "restore_findings"
    s.end()
    yield "end"


def meeting() -> Meeting:
    meeting = Meeting(Incident("Disk full on db-2", tz="UTC", impact_start=at(14, 30)), id="bare0001", created=DAY)
    meeting.events = [TimelineEvent(at(14, 35), "disk at 95%", id="e0", created=DAY)]
    return meeting


def test_the_commands_produce_every_entity_and_every_op_of_events():
    session = MeetingSession(meeting(), resolve_agenda("standard-90"), now=lambda: FIXED)
    changes: list[Change] = []
    session.subscribe(changes.append)
    for _ in every_command(session, "other001"):
        pass
    assert {c.entity for c in changes} == set(Entity)  # a new entity needs a command here, and a case in each match
    assert {c.op for c in changes if c.entity is Entity.EVENT} == set(Op)


async def test_the_room_broadcasts_every_change_note_takers_see_and_only_those(caplog, monkeypatch):
    session = MeetingSession(meeting(), resolve_agenda("standard-90"), now=lambda: FIXED)
    server = RoomServer(session, port=0, token="t" * 32)
    await server.start()
    sent: list[dict] = []
    monkeypatch.setattr(server, "_send_all", sent.append)
    changes: list[Change] = []
    session.subscribe(changes.append)
    try:
        with caplog.at_level(logging.ERROR, logger="pmtui.room.server"):
            for command in every_command(session, "other001"):
                await asyncio.sleep(0)  # events go out at the end of the loop pass
                shown = any(c.entity in SHOWN_TO_NOTE_TAKERS for c in changes)
                assert bool(sent) == shown, f"{command}: {changes} sent {sent}"
                sent.clear()
                changes.clear()
    finally:
        await server.stop()
    assert not caplog.records  # no change fell through to assert_never


async def test_the_timeline_view_takes_every_change_and_keeps_its_rows_in_step(tmp_path):
    MeetingFile.create(tmp_path, to_data(Meeting(Incident("Earlier outage"), id="other001"))).close()
    MeetingFile.create(tmp_path, to_data(meeting())).close()
    app = make_app(tmp_path, "bare0001", now=lambda: FIXED)
    try:
        async with app.run_test(size=(110, 34)) as pilot:
            await pilot.pause()
            session = app.session
            session.jump_to_phase(next(i for i, p in enumerate(session.agenda.phases) if p.kind == "timeline"))
            await pilot.pause()
            view = app.screen.query_one(TimelineView)
            for command in every_command(session, "other001"):
                await pilot.pause()
                rows = {key for key in view.table.keys if not key.startswith("gap:")}
                assert rows == {e.id for e in session.meeting.events}, command
            assert app.return_code is None  # nothing raised in a handler
    finally:
        app.close_session()
