"""Note-takers edit and remove what they added, and only that (server rules, and the app's keys)."""

from __future__ import annotations

from contextlib import asynccontextmanager

import pytest

from pmtui.room.client import Acked, Notice, Rejected, RoomClient, new_change_id
from pmtui.room.config import RoomConfig
from pmtui.room.outbox import Outbox
from pmtui.room.protocol import EditEntry, RemoveEntry, dumps
from pmtui.tui.app import make_app
from pmtui.tui.notetaker.app import NoteTakerApp
from pmtui.tui.notetaker.screen import PENDING
from pmtui.tui.views.observations import ObservationList
from test_room_notetaker import _cell, _joined, _type
from test_room_support import TOKEN, new_meeting, reload, room, until  # noqa: F401 (fixture)


async def _added(room, client, line: str) -> str:
    await until(lambda: client.connected and client._greeted, what="the note-taker to join")
    sent = client.add_event_line(line)
    await until(lambda: not client.pending, what="the add to be stored")
    return sent.id


def _event(room, event_id: str):
    return next((e for e in room.session.meeting.events if e.id == event_id), None)


# --- the facilitator's rules ------------------------------------------------------------


async def test_a_note_taker_edits_and_removes_their_own_event_and_everyone_sees_it(room):
    alice, bob = await room.client("alice"), await room.client("bob")
    event_id = await _added(room, alice, "14:37 checkout errors | api")
    alice.edit(event_id, "14:38 checkout errors start | checkout-api | grafana")
    await until(lambda: not alice.pending, what="the edit to be stored")
    event = _event(room, event_id)
    assert (event.time.strftime("%H:%M"), event.description, event.actor, event.evidence, event.author) == (
        "14:38", "checkout errors start", "checkout-api", "grafana", "alice")
    await until(lambda: event_id in bob.room.events and bob.room.events[event_id].actor == "checkout-api",
                what="bob to see it")
    alice.remove(event_id)
    await until(lambda: not alice.pending, what="the removal to be stored")
    assert _event(room, event_id) is None
    await until(lambda: event_id not in bob.room.events, what="bob to see it go")
    await room.stop_server()
    room.close_session()
    assert reload(room.data_dir, room.meeting_id).events == []  # on disk too


async def test_a_note_taker_edits_their_observation_and_may_move_it_to_another_kind(room):
    alice = await room.client("alice")
    sent = alice.add_observation("went_well", "alert paged fast")
    alice.edit(sent.id, "the alert paged within two minutes")
    alice.edit(sent.id, "! the alert paged at all (it was muted the week before)")
    await until(lambda: not alice.pending, what="the edits to be stored")
    [observation] = room.session.meeting.observations
    assert (observation.kind, observation.text) == ("lucky", "the alert paged at all (it was muted the week before)")
    alice.remove(sent.id)
    await until(lambda: not alice.pending)
    assert room.session.meeting.observations == []


async def test_others_entries_and_the_facilitators_are_refused_and_left_as_they_were(room):
    alice, mallory = await room.client("alice"), await room.client("mallory")
    theirs = await _added(room, alice, "14:37 checkout errors | api")
    own = room.session.add_event("14:40", "facilitator's own note", author="mallory")  # same name, typed on screen
    observation = room.session.add_observation("went_well", "rollback was quick", author="alice")
    before = [(e.id, e.description, e.actor) for e in room.session.meeting.events]
    refused = []
    mallory.on_update = lambda update: refused.append(update.message) if isinstance(update, Rejected) else None
    for item in (theirs, own.id, observation.id):
        mallory.edit(item, "14:00 nothing happened")
        mallory.remove(item)
    await until(lambda: len(refused) == 6, what="six refusals")
    assert all("note-takers change only what they added" in message for message in refused)
    assert "alice's entry" in refused[0] and "mallory's entry" in refused[2]
    assert [(e.id, e.description, e.actor) for e in room.session.meeting.events] == before
    assert [o.text for o in room.session.meeting.observations] == ["rollback was quick"]
    assert not mallory.pending  # refused changes leave the outbox (with a notice), they are not retried


async def test_an_edit_or_removal_sent_twice_is_applied_once(room):
    alice = await room.client("alice")
    event_id = await _added(room, alice, "14:37 checkout errors")
    acks = []
    alice.on_update = lambda update: acks.append(update.duplicate) if isinstance(update, Acked) else None
    edit = {"type": "edit", "id": new_change_id(), "item": event_id, "line": "14:38 errors start"}
    remove = {"type": "remove", "id": new_change_id(), "item": event_id}
    for message in (edit, edit, remove, remove):
        await alice._ws.send_str(dumps(message))
    await until(lambda: len(acks) == 4, what="four acks")
    assert acks == [False, True, False, True]
    assert _event(room, event_id) is None


async def test_an_edit_of_an_entry_the_facilitator_removed_is_refused_with_the_reason(room):
    alice = await room.client("alice")
    event_id = await _added(room, alice, "14:37 checkout errors")
    room.session.delete_event(event_id)
    refused = []
    alice.on_update = lambda update: refused.append(update.message) if isinstance(update, Rejected) else None
    alice.edit(event_id, "14:38 errors start")
    await until(lambda: refused, what="the refusal")
    assert "the facilitator removed it" in refused[0]
    alice.remove(event_id)  # gone either way: nothing to refuse
    await until(lambda: not alice.pending)
    assert room.session.meeting.events == []


@pytest.mark.parametrize("message", [
    {"type": "edit", "item": "ab", "line": ""},
    {"type": "edit", "item": "../../etc", "line": "14:00 x"},
    {"type": "edit", "item": "ab" * 40, "line": "14:00 x"},
    {"type": "remove", "item": 5},
    {"type": "remove"},
    {"type": "edit", "item": "ab", "line": "14:00 x", "author": "someone else"},
])
async def test_malformed_edits_and_removals_get_an_error_and_change_nothing(room, message):
    alice = await room.client("alice")
    event_id = await _added(room, alice, "14:37 checkout errors")
    errors = []
    alice.on_update = lambda update: errors.append(update.message) if isinstance(update, (Notice, Rejected)) else None
    await alice._ws.send_str(dumps(dict(message, id=new_change_id())))
    await until(lambda: errors, what="an error reply")
    assert [(e.id, e.description) for e in room.session.meeting.events] == [(event_id, "checkout errors")]


# --- the note-taker's keys ---------------------------------------------------------------------


async def test_the_app_edits_an_own_event_in_the_line_and_gives_back_what_was_being_typed(room):
    app = NoteTakerApp(room.url, TOKEN, name="alice", outbox_dir=room.outbox_dir)
    async with app.run_test(size=(120, 32)) as pilot:
        await _joined(app, pilot)
        await _type(pilot, app, "14:37 checkout errors | api", "enter")
        await until(lambda: room.session.meeting.events and not app.client.pending)
        event_id = room.session.meeting.events[0].id
        line = app.notes.entry.input
        await _type(pilot, app, "14:50 half typed")
        await pilot.press("tab")
        assert app.notes.focused is app.notes.timeline
        await pilot.press("enter")
        assert line.has_focus and line.value == "14:37:00 checkout errors | api"
        assert line.cursor_position == len(line.value) and not line.selected_text
        await pilot.press("backspace", "backspace", "backspace", *"checkout-api", "enter")
        await pilot.pause()
        assert line.value == "14:50 half typed"  # back, to go on typing
        await until(lambda: room.session.meeting.events[0].actor == "checkout-api" and not app.client.pending)
        await pilot.pause()
        table = app.notes.timeline
        assert _cell(table, event_id, "actor") == "checkout-api" and _cell(table, event_id, "st") == ""
        # Esc leaves an edit without sending it
        await pilot.press("tab", "enter")
        assert line.value.startswith("14:37:00")
        await pilot.press("escape")
        assert line.value == "14:50 half typed" and line.has_focus
        assert room.session.meeting.events[0].actor == "checkout-api"


async def test_the_app_removes_an_own_entry_after_asking_and_refuses_others_with_a_notice(room):
    room.session.add_event("14:30", "deploy starts", speaker="Lee")  # the facilitator's, said by Lee
    app = NoteTakerApp(room.url, TOKEN, name="alice", outbox_dir=room.outbox_dir)
    async with app.run_test(size=(120, 32)) as pilot:
        await _joined(app, pilot)
        await _type(pilot, app, "14:37 checkout errors", "enter")
        await until(lambda: len(room.session.meeting.events) == 2 and not app.client.pending)
        await pilot.pause()
        mine = next(e.id for e in room.session.meeting.events if e.author == "alice")
        table = app.notes.timeline
        await pilot.press("tab")
        table.move_cursor(row=table.get_row_index(mine) - 1)  # the facilitator's row
        await pilot.press("delete")
        assert not app.screen.is_modal and app._notifications
        assert "Lee's entry" in list(app._notifications)[-1].message
        table.move_cursor(row=table.get_row_index(mine))
        await pilot.press("delete")
        assert app.screen.is_modal  # "Remove this entry of yours?"
        await pilot.press("n")
        assert len(room.session.meeting.events) == 2 and app.focused is app.notes.entry.input
        await pilot.press("tab", "delete")
        await pilot.press("y")
        await pilot.pause()
        assert mine not in table or _cell(table, mine, "st") == PENDING
        await until(lambda: len(room.session.meeting.events) == 1 and not app.client.pending)
        await pilot.pause()
        assert mine not in table and table.row_count == 1


async def test_edits_and_removals_typed_while_cut_off_wait_on_disk_and_show_pending(room):
    app = NoteTakerApp(room.url, TOKEN, name="alice", outbox_dir=room.outbox_dir)
    app.client.backoff_base, app.client.backoff_cap = 0.05, 0.2  # back soon after the room is
    async with app.run_test(size=(120, 32)) as pilot:
        await _joined(app, pilot)
        await _type(pilot, app, "14:37 checkout errors", "enter")
        await _type(pilot, app, "+ alert paged fast", "enter")
        await until(lambda: room.session.meeting.events and room.session.meeting.observations
                    and not app.client.pending)
        event_id = room.session.meeting.events[0].id
        await room.stop_server()
        await pilot.pause()
        await pilot.press("tab", "enter", "ctrl+u", *"14:39 checkout errors start", "enter")
        await pilot.press("tab", "tab", "delete", "y")  # the observation
        await pilot.pause()
        table, observations = app.notes.timeline, app.notes.observations
        assert _cell(table, event_id, "event") == "checkout errors start" and _cell(table, event_id, "st") == PENDING
        assert [type(e) for e in app.client.pending] == [EditEntry, RemoveEntry]
        await room.start_server()
        await until(lambda: not app.client.pending, what="the outbox to drain after the reconnect")
        await pilot.pause()
        assert room.session.meeting.events[0].description == "checkout errors start"
        assert room.session.meeting.observations == [] and observations.row_count == 0
        assert _cell(table, event_id, "st") == ""


async def test_an_edit_refused_because_the_facilitator_removed_the_entry_comes_back_in_the_line(room):
    app = NoteTakerApp(room.url, TOKEN, name="alice", outbox_dir=room.outbox_dir)
    async with app.run_test(size=(120, 32)) as pilot:
        await _joined(app, pilot)
        await _type(pilot, app, "14:37 checkout errors", "enter")
        await until(lambda: room.session.meeting.events and not app.client.pending)
        await pilot.pause()
        await pilot.press("tab", "enter", "ctrl+u", *"14:38 checkout errors start")
        room.session.delete_event(room.session.meeting.events[0].id)  # while alice is editing it
        await until(lambda: not app.client.room.events, what="alice to hear of it")
        await pilot.press("enter")
        line = app.notes.entry.input
        await until(lambda: line.value == "14:38 checkout errors start", what="the refused edit back in the line")
        assert not app.client.pending and app.notes.timeline.row_count == 0
        assert "the facilitator removed it" in str(app.notes.query_one("#nt-status").render())


@asynccontextmanager
async def sharing_with_zoe(tmp_path):
    """The facilitator's app sharing a new meeting at 160x45, and note-taker zoe's client connected to it."""
    app = make_app(tmp_path, new_meeting(tmp_path), room=RoomConfig(port=0, token=TOKEN))
    async with app.run_test(size=(160, 45)) as pilot:
        await until(lambda: app.room_server is not None and app.room_server.running, what="the room")
        url = app.room_server.url
        client = RoomClient(url, TOKEN, name="zoe", outbox=Outbox.for_room(url, "zoe", tmp_path / "outbox"))
        await client.start()
        try:
            yield app, pilot, client
        finally:
            await client.stop()
            client.outbox.close()
    app.close_session()


async def test_the_facilitators_screen_follows_a_note_takers_edits_and_removals(tmp_path):
    """The facilitator's app, sharing; a note-taker moves an observation to another kind and removes an event."""
    async with sharing_with_zoe(tmp_path) as (app, pilot, client):
        app.session.jump_to_phase(2)  # what went well / poorly: the observations on screen
        await pilot.pause()
        sent = client.add_observation("went_well", "the alert paged")
        event = client.add_event_line("14:37 checkout errors")
        await until(lambda: not client.pending, what="the adds")
        client.edit(sent.id, "! the alert paged at all")
        client.remove(event.id)
        await until(lambda: not client.pending, what="the edit and the removal")
        await pilot.pause()
        assert app.is_running and app.session.meeting.events == []
        lucky = app.screen.query_one("#obs-lucky", ObservationList)
        assert lucky.get_option(sent.id) is not None
        assert app.screen.query_one("#obs-went_well", ObservationList).option_count == 0


async def test_quitting_with_note_takers_connected_asks_first(tmp_path):
    """A stray ctrl+q must not cut off the room: the facilitator is asked, names listed; No keeps the meeting."""
    from pmtui.tui.screens.dialogs import ConfirmDialog

    async with sharing_with_zoe(tmp_path) as (app, pilot, client):
        await until(lambda: any(p.name == "zoe" for p in app.room_server.peers), what="zoe in the room")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and app.is_running
        assert "zoe" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, ConfirmDialog)
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await until(lambda: not app.is_running, what="the app quits")
