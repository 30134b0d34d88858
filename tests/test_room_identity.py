"""Who a note-taker is: identities the room issues, one name per identity, removal (real server on loopback)."""

from __future__ import annotations

import asyncio
import json
import os
import stat
from contextlib import asynccontextmanager

import aiohttp
import pytest
from textual.widgets import Input, Label, OptionList

from pmtui.room import identity
from pmtui.room.client import Rejected, RoomClient, new_change_id
from pmtui.room.config import RoomConfig
from pmtui.room.names import name_key
from pmtui.room.outbox import Outbox
from pmtui.room.protocol import Refused, dumps
from pmtui.tui.app import make_app
from pmtui.tui.notetaker.app import NoteTakerApp
from pmtui.tui.notetaker.dialogs import NameScreen
from pmtui.tui.screens.note_takers import RemoveNoteTakerDialog
from test_room_notetaker import _type
from test_room_support import TOKEN, new_meeting, reload, room, until  # noqa: F401 (fixture)


@asynccontextmanager
async def raw(room):
    """A hand-made note-taker connection, past the welcome."""
    async with aiohttp.ClientSession() as http, http.ws_connect(f"{room.url}/ws?token={TOKEN}") as ws:
        assert (await ws.receive_json(timeout=5))["type"] == "welcome"
        yield ws


async def reply(ws, *kinds: str) -> dict:
    """The next message of one of ``kinds`` (broadcasts in between are skipped)."""
    while True:
        message = await asyncio.wait_for(ws.receive_json(), 5)
        if message["type"] in kinds:
            return message


async def hello(ws, name: str, key: str | None = None) -> dict:
    await ws.send_str(dumps({"type": "hello", "name": name, **({"key": key} if key else {})}))
    return await reply(ws, "joined", "refused", "error")


async def joined(*clients: RoomClient) -> None:
    await until(lambda: all(c.connected for c in clients), what="the note-takers to join")


def refusals(client: RoomClient) -> list[Refused]:
    seen: list[Refused] = []
    client.on_update = lambda update: seen.append(update) if isinstance(update, Refused) else None
    return seen


# --- names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("same", ["Lee", "LEE", "lee", "Le\u200be", "L\u00adee", "\uff2c\uff45\uff45", " Lee ",
                                  "Lee\ufe0f", "Le\u2060e"])
def test_names_that_read_the_same_are_one_name(same):
    assert name_key(same) == name_key("Lee")


@pytest.mark.parametrize("other", ["Leo", "Lee B", "L ee", "Lée"])
def test_names_that_read_differently_stay_apart(other):
    assert name_key(other) != name_key("Lee")


async def test_a_second_identity_asking_for_a_name_in_use_is_refused_and_stores_nothing(room):
    lee = await room.client("Lee")
    await joined(lee)
    other_dir = room.outbox_dir / "elsewhere"
    outbox = Outbox.for_room(room.url, "Lee", other_dir)  # another machine: another outbox, no key
    second = RoomClient(room.url, TOKEN, name="Lee", outbox=outbox, backoff_base=0.02, backoff_cap=0.2)
    room.clients.append(second)
    refused = refusals(second)
    await second.start()
    second.add_event_line("14:37 Lee was careless")
    await until(lambda: refused, what="the refusal")
    assert refused[0].reason == "name" and "taken" in refused[0].message and "\n" not in refused[0].message
    assert second.state.status == "refused" and not second.connected
    assert [p.name for p in room.server.peers if p.name] == ["Lee"]
    await asyncio.sleep(0)
    assert room.session.meeting.events == [] and len(second.pending) == 1  # kept, not sent: nothing is lost


@pytest.mark.parametrize("name", ["LEE", "Le\u200be", "lee"])
async def test_a_name_that_only_looks_different_is_the_same_name(room, name):
    lee = await room.client("Lee")
    await joined(lee)
    async with raw(room) as ws:
        answer = await hello(ws, name)
        assert answer["type"] in ("refused", "error") and answer["type"] != "joined"
        await ws.send_str(dumps({"type": "add_event", "id": new_change_id(), "line": "14:00 posing as Lee"}))
        assert "hello" in (await reply(ws, "error", "ack"))["message"]
    assert room.session.meeting.events == []


@pytest.mark.parametrize("name", ["facilitator", "Facilitator", "FACILITATOR", "Sam Rivera", "sam rivera"])
async def test_facilitator_and_the_facilitators_own_name_are_refused(room, name):
    room.session.add_attendee("Sam Rivera", "facilitator")
    async with raw(room) as ws:
        answer = await hello(ws, name)
        assert answer["type"] == "refused" and answer["reason"] == "name" and "facilitator" in answer["message"]


async def test_a_name_that_signed_entries_stays_its_identitys_after_it_leaves(room):
    lee = await room.client("Lee")
    await joined(lee)
    lee.add_event_line("14:37 checkout errors")
    await until(lambda: not lee.pending)
    await lee.stop()
    await until(lambda: not [p for p in room.server.peers if p.name])
    async with raw(room) as ws:
        assert (await hello(ws, "Lee"))["type"] == "refused"  # another identity, Lee's entries are there
    quiet = await room.client("Quinn")
    await joined(quiet)
    await quiet.stop()
    await until(lambda: not [p for p in room.server.peers if p.name])
    async with raw(room) as ws:
        assert (await hello(ws, "Quinn"))["type"] == "joined"  # left without adding anything: the name is free


async def test_the_app_asks_for_another_name_when_the_room_refuses_it_and_keeps_what_was_typed(room):
    lee = await room.client("Lee")
    await joined(lee)
    app = NoteTakerApp(room.url, TOKEN, name="lee", outbox_dir=room.outbox_dir / "laptop")
    async with app.run_test(size=(120, 32)) as pilot:
        await until(lambda: isinstance(app.screen, NameScreen) and app.screen.query("#nt-name-error"),
                    what="the question again, on screen")  # pushed first, its widgets mounted a moment later
        assert "taken" in str(app.screen.query_one("#nt-name-error", Label).render())
        app.screen.query_one("#nt-name-input", Input).value = "Lee B"
        await pilot.press("enter")
        await until(lambda: app.client.connected, what="the join under the new name")
        await pilot.pause()
        await _type(pilot, app, "14:37 checkout errors", "enter")
        await until(lambda: room.session.meeting.events and not app.client.pending)
        assert [(e.author, e.author_id) for e in room.session.meeting.events] == [("Lee B", app.client.identity)]
        assert sorted(p.name for p in room.server.peers if p.name) == ["Lee", "Lee B"]


async def test_changes_typed_before_the_refusal_move_to_the_new_names_outbox(room):
    lee = await room.client("Lee")
    await joined(lee)
    outbox = Outbox.for_room(room.url, "Lee", room.outbox_dir / "laptop")
    second = RoomClient(room.url, TOKEN, name="Lee", outbox=outbox, backoff_base=0.02, backoff_cap=0.2)
    room.clients.append(second)
    refused = refusals(second)
    await second.start()
    typed = second.add_event_line("14:40 typed at once")
    await until(lambda: refused)
    second.rename("Lee B", Outbox.for_room(room.url, "Lee B", room.outbox_dir / "laptop"))
    await until(lambda: not second.pending, what="the change, sent under the new name")
    assert [(e.id, e.author) for e in room.session.meeting.events] == [(typed.id, "Lee B")]
    assert not outbox.path.exists() or json.loads(outbox.path.read_text())["entries"] == []


# --- identities -----------------------------------------------------------------------------------


async def test_a_restarted_note_taker_is_the_same_person_and_still_owns_their_entries(room):
    lee = await room.client("Lee")
    await joined(lee)
    sent = lee.add_event_line("14:37 checkout errors")
    await until(lambda: not lee.pending)
    first = lee.identity
    await lee.stop()
    lee.outbox.close()
    again = RoomClient(room.url, TOKEN, name="Lee", outbox=Outbox.for_room(room.url, "Lee", room.outbox_dir),
                       backoff_base=0.02, backoff_cap=0.2)
    room.clients.append(again)
    await again.start()
    await joined(again)
    assert again.identity == first
    again.edit(sent.id, "14:38 checkout errors start")
    await until(lambda: not again.pending)
    assert room.session.meeting.events[0].description == "checkout errors start"


async def test_the_same_identity_joining_again_replaces_its_old_connection(room):
    lee = await room.client("Lee")
    await joined(lee)
    refused = refusals(lee)
    key = lee.outbox.key
    async with raw(room) as ws:  # a second window, or the same person after a half-open socket
        answer = await hello(ws, "Lee", key)
        assert answer == {"type": "joined", "name": "Lee", "author": lee.identity}  # no new key
        await until(lambda: refused, what="the old window to hear it")
        assert refused[0].reason == "replaced"
        await until(lambda: lee.state.status == "refused")
        assert [p.name for p in room.server.peers if p.name] == ["Lee"]
        await ws.send_str(dumps({"type": "add_event", "id": new_change_id(), "line": "14:00 from the new window"}))
        assert (await reply(ws, "ack", "error"))["type"] == "ack"
    assert lee.state.status == "refused"  # the old window does not come back and push the new one out


async def test_an_impersonator_cannot_change_another_note_takers_entries(room):
    lee = await room.client("Lee")
    await joined(lee)
    event = lee.add_event_line("14:37 checkout errors")
    observation = lee.add_observation("went_poorly", "alerts were noisy")
    await until(lambda: not lee.pending)
    async with raw(room) as ws:
        assert (await hello(ws, "Lee"))["type"] == "refused"
        assert (await hello(ws, "Mallory"))["type"] == "joined"  # the same connection may try another name
        for change in ({"type": "edit", "item": event.id, "line": "14:37 Lee was careless"},
                       {"type": "remove", "item": observation.id}):
            await ws.send_str(dumps(dict(change, id=new_change_id())))
            answer = await reply(ws, "ack", "error")
            assert answer["type"] == "error" and "Lee's entry" in answer["message"]
    assert [e.description for e in room.session.meeting.events] == ["checkout errors"]
    assert [o.text for o in room.session.meeting.observations] == ["alerts were noisy"]


async def test_older_meetings_load_and_their_entries_belong_to_nobody_in_the_room(room):
    """A file from before identities: entries with an author name only. Another 'Lee' cannot take them over."""
    legacy = new_change_id()
    room.session.add_event("14:37", "checkout errors", author="Lee", id=legacy)
    await room.stop_server()
    room.close_session()
    path = room.data_dir / f"{room.meeting_id}.json"
    tables = json.loads(path.read_text())
    tables.pop("removed_note_takers", None)
    for document in tables["events"].values():
        del document["author_id"]
    path.write_text(json.dumps(tables))
    room.reopen_session()
    assert [(e.author, e.author_id) for e in room.session.meeting.events] == [("Lee", "")]
    await room.start_server()
    async with raw(room) as ws:
        assert (await hello(ws, "Lee"))["type"] == "joined"  # an old name holds nobody out
        await ws.send_str(dumps({"type": "edit", "id": new_change_id(), "item": legacy, "line": "14:00 rewritten"}))
        answer = await reply(ws, "ack", "error")
        assert answer["type"] == "error" and "facilitator can change it" in answer["message"]
    assert room.session.meeting.events[0].description == "checkout errors"


async def test_the_key_stays_on_this_machine_and_only_its_author_id_is_stored_or_shown(room):
    lee, bo = await room.client("Lee"), await room.client("Bo")
    await joined(lee, bo)
    heard: list[str] = []
    bo.on_update = lambda update: heard.append(repr(update))
    lee.add_event_line("14:37 checkout errors")
    lee.add_observation("lucky", "the cache was warm")
    await until(lambda: not lee.pending and len(heard) >= 2)
    key = lee.outbox.key
    assert identity.KEY_PATTERN.fullmatch(key) and len(key) >= 22
    assert lee.identity == identity.author_id(key) != key
    assert all(e.author_id == lee.identity for e in room.session.meeting.events)
    assert key not in "".join(heard)
    assert room.session.flush(5)
    assert key not in (room.data_dir / f"{room.meeting_id}.json").read_text()
    assert json.loads(lee.outbox.path.read_text())["key"] == key
    if os.name == "posix":
        assert stat.S_IMODE(lee.outbox.path.stat().st_mode) == 0o600


# --- removing a note-taker --------------------------------------------------------------------------


async def test_a_removed_note_taker_is_sent_away_and_cannot_come_back_even_after_a_restart(room):
    lee = await room.client("Lee")
    await joined(lee)
    lee.add_event_line("14:37 checkout errors")
    await until(lambda: not lee.pending)
    refused = refusals(lee)
    key, author = lee.outbox.key, lee.identity
    room.server.remove_note_taker(author)
    await until(lambda: refused and lee.state.status == "refused", what="Lee to be sent away")
    assert refused[0].reason == "removed" and "removed you" in lee.state.describe()
    assert not [p for p in room.server.peers if p.name]
    async with raw(room) as ws:
        answer = await hello(ws, "Lee", key)
        assert answer["type"] == "refused" and answer["reason"] == "removed" and "\n" not in answer["message"]
    await room.stop_server()
    await room.start_server()  # the facilitator restarts sharing: still refused
    async with raw(room) as ws:
        assert (await hello(ws, "Lee B", key))["reason"] == "removed"
    assert [e.description for e in room.session.meeting.events] == ["checkout errors"]  # their entries stay
    room.close_session()
    assert reload(room.data_dir, room.meeting_id).removed_note_takers == [author]


async def test_what_a_removed_note_taker_types_stays_in_their_outbox_and_is_not_sent(room):
    lee = await room.client("Lee")
    await joined(lee)
    room.server.remove_note_taker(lee.identity)
    await until(lambda: lee.state.status == "refused")
    rejected: list[Rejected] = []
    lee.on_update = lambda update: rejected.append(update) if isinstance(update, Rejected) else None
    lee.add_event_line("14:50 after being removed")
    await lee.saved()
    await asyncio.sleep(0)
    assert room.session.meeting.events == [] and len(lee.pending) == 1 and not rejected


async def test_a_made_up_or_malformed_key_is_only_a_new_person(room):
    lee = await room.client("Lee")
    await joined(lee)
    async with raw(room) as ws:
        assert (await hello(ws, "Lee", "x" * 22))["type"] == "refused"  # not Lee's key: not Lee
        answer = await hello(ws, "Zed", "short")
        assert answer["type"] == "error" and "key" in answer["message"]
        assert (await hello(ws, "Zed", "y" * 40))["author"] == identity.author_id("y" * 40)



async def test_the_facilitator_removes_a_note_taker_from_the_palette(tmp_path):
    meeting_id = new_meeting(tmp_path)
    app = make_app(tmp_path, meeting_id, room=RoomConfig(port=0, token=TOKEN))
    async with app.run_test(size=(160, 45)) as pilot:
        await until(lambda: app.room_server is not None and app.room_server.running, what="the room")
        url = app.room_server.url
        clients = [RoomClient(url, TOKEN, name=name, outbox=Outbox.for_room(url, name, tmp_path / "outbox"))
                   for name in ("Lee", "Bo")]
        for client in clients:
            await client.start()
        try:
            await joined(*clients)
            command = next(c for c in app.get_system_commands(app.screen) if c.title == "Remove note-taker")
            command.callback()
            await pilot.pause()
            assert isinstance(app.screen, RemoveNoteTakerDialog)
            options = app.screen.query_one(OptionList)
            assert [str(options.get_option_at_index(i).prompt).split()[0] for i in range(options.option_count)] \
                == ["Lee", "Bo"]
            await pilot.press("down", "enter")  # Bo
            await until(lambda: clients[1].state.status == "refused", what="Bo to be sent away")
            await pilot.pause()
            assert not isinstance(app.screen, RemoveNoteTakerDialog)
            assert [p.name for p in app.room_server.peers if p.name] == ["Lee"]
            assert app.session.meeting.removed_note_takers == [clients[1].identity]
            assert "removed" in list(app._notifications)[-1].message
        finally:
            for client in clients:
                await client.stop()
                client.outbox.close()
    app.close_session()
