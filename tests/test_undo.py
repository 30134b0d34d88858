"""The facilitator's undo stack: adds and deletes of every kind taken back, newest first, in place."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from helpers import FixedClock
from pmtui.agenda import resolve_agenda
from pmtui.changes import Change, Entity, Op
from pmtui.model import Incident, Meeting, to_data
from pmtui.room.server import RoomServer
from pmtui.session import MeetingSession, ValidationError
from pmtui.store import MeetingFile
from pmtui.store.meeting_file import read_meeting
from pmtui.undo import DEPTH, UndoStack

T0 = 1_700_000_000.0


def at(day: int, hh: int, mm: int) -> datetime:
    return datetime(2017, 1, day, hh, mm, tzinfo=UTC)


@pytest.fixture
def session() -> MeetingSession:
    meeting = Meeting(Incident("Database outage", impact_start=at(31, 23, 27)))
    return MeetingSession(meeting, resolve_agenda("standard-90"), now=FixedClock(T0))


@pytest.fixture
def changes(session) -> list[Change]:
    seen: list[Change] = []
    session.subscribe(seen.append)
    return seen


def test_undoing_an_event_delete_puts_it_back_where_it_was_as_it_was(session, changes):
    first = session.add_event(at(31, 23, 30), "alerts fire", "pager")
    middle = session.add_event(at(31, 23, 41), "replica lag grows", "ops", "graph", decision_point=True)
    last = session.add_event(at(31, 23, 50), "failover starts")
    session.delete_event(middle.id)
    changes.clear()
    assert session.undo() == "Undid: removed event 23:41 replica lag grows"
    assert session.meeting.events == [first, middle, last]
    assert session.meeting.events[1] is middle and middle.decision_point and middle.evidence == "graph"
    assert session.find_event(middle.id) is middle
    assert changes == [Change(Entity.EVENT, Op.ADDED, middle.id)]


def test_undoing_an_add_removes_it_and_names_an_event_off_the_first_day_with_its_date(session, changes):
    event = session.add_event("00:36", "primary deleted by mistake")  # after midnight: the 1st of February
    changes.clear()
    assert session.undo() == "Undid: added event 2017-02-01 00:36 primary deleted by mistake"
    assert session.meeting.events == [] and session.find_event(event.id) is None
    assert changes == [Change(Entity.EVENT, Op.DELETED, event.id)]


def test_the_stack_takes_back_the_newest_change_first(session):
    event = session.add_event(at(31, 23, 30), "alerts fire")
    observation = session.add_observation("went_poorly", "backups were never tested")
    session.delete_event(event.id)
    assert session.undo().startswith("Undid: removed event")
    assert session.undo() == "Undid: added observation “backups were never tested” (What went poorly)"
    assert session.undo().startswith("Undid: added event")
    assert session.meeting.events == [] and observation not in session.meeting.observations
    with pytest.raises(ValidationError, match="nothing to undo"):
        session.undo()


def test_observations_come_back_in_their_place(session, changes):
    kept = [session.add_observation("went_well", text) for text in ("paging was fast", "runbook helped", "calm")]
    session.delete_observation(kept[1].id)
    changes.clear()
    session.undo()
    assert session.meeting.observations == kept
    assert changes == [Change(Entity.OBSERVATION, Op.ADDED, kept[1].id)]


def test_whys_chains_factors_and_actions_are_undone_too(session, changes):
    chain = session.start_chain("Users could not log in")
    session.add_why(chain.id, "the database was gone")
    factor = session.add_factor("no restore drill", "process")
    action = session.add_action("Test restores monthly", "ana", "high", root_cause_id=chain.id)
    session.delete_factor(factor.id)
    session.delete_action(action.id)
    changes.clear()
    assert session.undo() == "Undid: removed action item “Test restores monthly”"
    assert session.meeting.actions == [action] and action.root_cause_id == chain.id
    assert session.undo() == "Undid: removed factor “no restore drill”"
    assert session.meeting.factors == [factor]
    assert session.undo() == "Undid: added action item “Test restores monthly”"
    assert session.undo() == "Undid: added factor “no restore drill”"
    assert session.undo() == "Undid: added why “the database was gone”"
    assert chain.whys == []
    assert session.undo() == "Undid: started chain “Users could not log in”"
    assert session.meeting.chains == []
    assert [(c.entity, c.op) for c in changes] == [
        (Entity.ACTION, Op.ADDED), (Entity.FACTOR, Op.ADDED), (Entity.ACTION, Op.DELETED),
        (Entity.FACTOR, Op.DELETED), (Entity.CHAIN, Op.CHANGED), (Entity.CHAIN, Op.DELETED)]


def test_undoing_a_chain_delete_restores_its_place_answers_and_links(session):
    chains = [session.start_chain(problem) for problem in ("Login failed", "Backups empty", "Replication lag")]
    session.add_why(chains[1].id, "pg_dump wrote nothing")
    session.set_root_cause(chains[1].id, "process gap")
    linked = session.add_action("Alert on empty backups", root_cause_id=chains[1].id)
    relinked = session.add_action("Monitor backup size", root_cause_id=chains[1].id)
    session.delete_chain(chains[1].id)
    assert linked.root_cause_id is None
    session.update_action(relinked.id, root_cause_id=chains[2].id)  # linked elsewhere meanwhile: stays there
    assert session.undo() == "Undid: removed chain “Backups empty”"
    assert session.meeting.chains == chains
    assert [w.text for w in chains[1].whys] == ["pg_dump wrote nothing"] and chains[1].root_cause is not None
    assert (linked.root_cause_id, relinked.root_cause_id) == (chains[1].id, chains[2].id)


def test_an_action_whose_root_cause_was_deleted_since_comes_back_unlinked(session):
    chain = session.start_chain("Login failed")
    action = session.add_action("Alert on login errors", root_cause_id=chain.id)
    session.delete_action(action.id)
    session.delete_chain(chain.id)
    session.undo_stack.pop()  # the chain's deletion is forgotten: only the action's can be undone
    session.undo()
    assert session.meeting.actions == [action] and action.root_cause_id is None


def test_note_takers_changes_never_go_on_the_stack(session):
    chain = session.start_chain("Login failed")
    session.undo_stack.pop()
    event = session.add_event(at(31, 23, 30), "alerts fire", author="priya", author_id="k" * 22, id="c" * 32)
    session.add_observation("lucky", "a replica was 4h behind", author="priya", author_id="k" * 22, id="d" * 32)
    session.add_why(chain.id, "the rule was too broad", author="priya", author_id="k" * 22, id="e" * 32)
    session.delete_event(event.id, id="f" * 32)
    assert len(session.undo_stack) == 0


def test_a_note_takers_entry_the_facilitator_removed_comes_back_as_it_was_and_is_theirs_again(session):
    """Undo restores an entry as it was deleted; a note-taker's edit sent meanwhile was refused (it was gone)."""
    event = session.add_event(at(31, 23, 30), "alerts fire", author="priya", author_id="k" * 22, id="c" * 32)
    session.delete_event(event.id)
    with pytest.raises(ValidationError, match="may have been deleted"):
        session.update_event(event.id, description="alerts fired late", id="g" * 32)
    session.undo()
    assert (event.description, event.author_id) == ("alerts fire", "k" * 22)
    session.update_event(event.id, description="alerts fired late", id="g" * 32)  # the same change, sent again
    assert session.meeting.events == [event] and event.description == "alerts fired late"
    assert len(session.undo_stack) == 0


def test_undoing_a_chain_start_never_takes_away_answers_note_takers_added_since(session, changes):
    chain = session.start_chain("Login failed")
    session.add_why(chain.id, "the rule was too broad", author="priya", author_id="k" * 22, id="e" * 32)
    changes.clear()
    assert session.undo() == ("Not undone: started chain “Login failed”: it has 1 answer now; "
                              "delete it with x on the chain list")
    assert session.meeting.chains == [chain] and changes == []
    assert len(session.undo_stack) == 0  # the step is used up: the next ctrl+z goes on to older changes


def test_an_add_edited_since_is_undone_as_it_is_now(session):
    event = session.add_event(at(31, 23, 30), "alerts fire")
    session.update_event(event.id, description="alerts fire for db1")
    assert session.undo() == "Undid: added event 23:30 alerts fire for db1"
    assert session.meeting.events == []


def test_an_item_gone_already_is_reported_and_changes_nothing(session, changes):
    chain = session.start_chain("Login failed")
    session.add_why(chain.id, "the rule was too broad")
    session.delete_chain(chain.id)
    session.undo_stack.pop()  # as if the chain's deletion had fallen off the stack
    changes.clear()
    assert session.undo() == "Not undone: added why “the rule was too broad”: it is gone already"
    assert changes == []


def test_the_stack_keeps_the_last_hundred_changes(session):
    assert DEPTH == 100
    for minute in range(DEPTH + 5):
        session.add_observation("went_well", f"note {minute}")
    for _ in range(DEPTH):
        session.undo()
    assert [o.text for o in session.meeting.observations] == [f"note {n}" for n in range(5)]
    with pytest.raises(ValidationError, match="nothing to undo"):
        session.undo()


def test_a_small_stack_drops_its_oldest_step():
    stack = UndoStack(depth=2)
    for name in "abc":
        stack.push(lambda name=name: name, lambda: None)
    assert [stack.pop().describe(), stack.pop().describe(), stack.pop()] == ["c", "b", None]


def test_an_event_restored_mid_timeline_is_saved_in_its_place(tmp_path):
    file = MeetingFile.create(tmp_path, to_data(Meeting(Incident("Database outage", impact_start=at(31, 23, 27)))))
    file.close()
    session = MeetingSession.open(tmp_path, file.path.stem, now=FixedClock(T0))
    try:
        events = [session.add_event(at(31, 23, minute), f"step {minute}") for minute in (30, 40, 50)]
        session.delete_event(events[1].id)
        session.flush()
        session.undo()
        session.flush()
        saved = read_meeting(file.path)
    finally:
        session.close()
    assert [e.description for e in saved.events] == ["step 30", "step 40", "step 50"]


async def test_note_takers_see_an_undone_delete_come_back_and_an_undone_add_go(session):
    server = RoomServer(session, port=0, token="t" * 32)
    await server.start()
    sent: list[dict] = []
    server._send_all = sent.append
    try:
        event = session.add_event(at(31, 23, 30), "alerts fire", author="priya", author_id="k" * 22, id="c" * 32)
        observation = session.add_observation("lucky", "a replica was 4h behind")
        session.delete_event(event.id)
        await asyncio.sleep(0)  # events go out at the end of the loop pass
        sent.clear()
        session.undo()
        await asyncio.sleep(0)
        assert [(m["type"], m["event"]["id"], m["event"]["description"]) for m in sent] == [
            ("event", event.id, "alerts fire")]
        sent.clear()
        session.undo()
        assert sent == [{"type": "observation_removed", "id": observation.id}]
    finally:
        await server.stop()
