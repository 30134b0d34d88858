"""Who is in the room as the facilitator sees it (entries of the meeting, last seen, typing…) and the end of
the meeting as every note-taker hears it: protocol, server, client and both screens."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import UTC, datetime

import aiohttp
import pytest

from helpers import FixedClock
from pmtui.model import Incident, Meeting, TimelineEvent, Why, WhyChain
from pmtui.room import protocol
from pmtui.room.client import TYPING_EVERY
from pmtui.room.presence import EntryCounts
from pmtui.room.protocol import Ended, ProtocolError, Typing
from pmtui.room.server import TYPING_SHOWN, RoomServer
from pmtui.tui.app import make_app
from pmtui.tui.notetaker.app import NoteTakerApp
from pmtui.tui.widgets.room_status import RoomStatus
from test_room_support import TOKEN, new_meeting, open_five_whys, room, until  # noqa: F401 (fixture)

# --- protocol -----------------------------------------------------------------------------------------


def test_typing_carries_nothing_and_nothing_may_ride_on_it():
    assert protocol.parse_client_message('{"type": "typing"}') == Typing()
    assert protocol.client_message_data(Typing()) == {"type": "typing"}
    with pytest.raises(ProtocolError, match="unknown field 'text' in 'typing'"):
        protocol.parse_client_message('{"type": "typing", "text": "the secret I am typing"}')


def test_ended_and_a_chain_with_proposals_are_read_and_older_chains_still_are():
    ended = protocol.parse_server_message(json.dumps(protocol.ended("over", {"events": 3, "whys": 1})))
    assert ended == Ended("over", 3, 0, 1)
    assert protocol.parse_server_message('{"type": "ended", "events": -4}') == Ended("", 0, 0, 0)
    older = {"id": "c1", "problem": "Why?", "author": "", "whys": [], "root_cause": None}
    chain = protocol.parse_server_message(json.dumps({"type": "chain", "chain": older})).chain
    assert chain.proposals == () and chain.set_aside == ()
    why = {"id": "w1", "text": "nobody owned it", "author": "ana", "author_id": "x"}
    chain = protocol.parse_server_message(json.dumps({"type": "chain", "chain": {**older, "proposals": [why]}})).chain
    assert [(w.text, w.author) for w in chain.proposals] == [("nobody owned it", "ana")]


# --- the counts ------------------------------------------------------------------------------------------


def test_entry_counts_follow_adds_removals_and_chains_and_count_each_entry_once():
    ana, lee = "a" * 32, "b" * 32
    at = datetime(2026, 3, 14, 14, 37, tzinfo=UTC)
    meeting = Meeting(Incident("Checkout errors"), events=[TimelineEvent(at, "errors", author_id=ana, id="e1"),
                                                           TimelineEvent(at, "typed by the facilitator", id="e2")])
    counts = EntryCounts(meeting)
    assert counts.of(ana) == Counter(events=1) and counts.of("") == Counter()
    counts.added("e1", ana, "events")  # the same event again (a change, an undo): still one
    counts.added("o1", lee, "observations")
    counts.removed("e1")
    counts.removed("e2")  # not a note-taker's: nothing to take away
    assert counts.of(ana) == Counter() and counts.of(lee) == Counter(observations=1)
    meeting.chains.append(WhyChain("Why?", whys=[Why("pool too small", author_id=ana)],
                                   proposals=[Why("nobody owned it", author_id=lee)]))
    assert counts.of(lee) == Counter(observations=1)  # asked before it was told: the chains were counted then
    counts.chains_changed()
    assert counts.of(ana) == Counter(whys=1) and counts.of(lee) == Counter(observations=1, proposals=1)


# --- the server: entries, last seen, typing ---------------------------------------------------------------


async def _clocked(room, clock: FixedClock) -> RoomServer:
    await room.stop_server()
    return await room.start_server(clock=clock)


async def test_entries_are_the_meetings_not_the_connections_and_who_left_stays_listed(room):
    clock = FixedClock()
    server = await _clocked(room, clock)
    ana = await room.client("ana")
    await until(lambda: ana.connected)
    ana.add_event_line("14:37 checkout errors start")
    ana.add_observation("went_poorly", "alerts were noisy")
    await until(lambda: not ana.pending)
    [me] = server.presence()
    assert (me.name, me.connected, me.entries, me.seen_ago, me.typing) == ("ana", True, 2, 0.0, False)
    await ana.stop()
    clock.advance(90)
    await until(lambda: server.presence() and not server.presence()[0].connected, what="ana gone")
    [gone] = server.presence()
    assert (gone.entries, gone.seen_ago) == (2, 90.0)
    # back with the same identity (a restart): the count does not start again at 0
    await ana.start()
    await until(lambda: ana.connected)
    assert [(p.name, p.connected, p.entries) for p in server.presence()] == [("ana", True, 2)]
    # the facilitator removes one of her entries: the count follows the meeting
    room.session.delete_event(room.session.meeting.events[0].id)
    assert server.presence()[0].entries == 1


async def _joined_socket(http, room, name: str):
    ws = await http.ws_connect(f"{room.url}/ws?token={TOKEN}")
    assert (await asyncio.wait_for(ws.receive_json(), 5))["type"] == "welcome"
    await ws.send_json({"type": "hello", "name": name})
    assert (await asyncio.wait_for(ws.receive_json(), 5))["type"] == "joined"
    return ws


async def test_typing_shows_for_a_moment_and_the_server_takes_at_most_one_a_second(room):
    clock = FixedClock()
    server = await _clocked(room, clock)
    notified = []
    server.watch(lambda _server: notified.append(_server.presence()[0].typing if _server.presence() else None))
    async with aiohttp.ClientSession() as http:
        ws = await _joined_socket(http, room, "ana")
        notified.clear()
        for _ in range(50):  # a client that ignores the one-a-second rule
            await ws.send_json({"type": "typing"})
        await ws.send_json({"type": "remove", "id": "f" * 32, "item": "g" * 32})  # any change: answered in order
        assert (await asyncio.wait_for(ws.receive_json(), 5))["type"] == "ack"
        assert notified.count(True) == 1  # one redraw for fifty
        clock.advance(TYPING_EVERY)
        await ws.send_json({"type": "typing"})
        await until(lambda: notified.count(True) == 2, what="the next second's typing taken")
        assert server.presence()[0].typing
        clock.advance(TYPING_SHOWN)
        [ana] = server.presence()
        assert not ana.typing and ana.seen_ago == TYPING_SHOWN
        await ws.close()


async def test_a_note_taker_sends_typing_at_most_once_a_second_and_never_before_joining(room):
    taken: list[str] = []
    room.server._typing = lambda client: taken.append(client.peer.name)
    clock = FixedClock()
    ana = await room.client("ana", start=False, clock=clock)
    ana.typing()  # not connected: nothing to send, nothing fails
    await ana.start()
    await until(lambda: ana.connected)
    for _ in range(20):
        ana.typing()
    clock.advance(TYPING_EVERY)
    ana.typing()
    ana.add_observation("went_well", "paging was fast")  # a change after them: the typings came first
    await until(lambda: not ana.pending)
    assert taken == ["ana", "ana"]


# --- the end of the meeting -----------------------------------------------------------------------------


async def test_ending_the_meeting_tells_each_note_taker_their_counts_and_they_stop_waiting(room):
    heard: dict[str, list] = {"ana": [], "lee": []}
    ana = await room.client("ana", on_update=heard["ana"].append)
    lee = await room.client("lee", on_update=heard["lee"].append)
    await until(lambda: ana.connected and lee.connected)
    chain = room.session.start_chain("Checkout failed")
    open_five_whys(room.session)
    await until(lambda: ana.room.chain is not None)
    ana.add_event_line("14:37 checkout errors start")
    ana.add_event_line("14:40 rollback")
    ana.add_why("the pool was too small", chain.id)
    lee.add_observation("lucky", "the cache was warm")
    await until(lambda: not ana.pending and not lee.pending)
    room.session.accept_proposal(chain.id, chain.proposals[0].id)
    room.session.end()
    await until(lambda: ana.state.status == "ended" and lee.state.status == "ended")
    [ana_end] = [u for u in heard["ana"] if isinstance(u, Ended)]
    [lee_end] = [u for u in heard["lee"] if isinstance(u, Ended)]
    assert (ana_end.events, ana_end.observations, ana_end.whys) == (2, 0, 1)
    assert (lee_end.events, lee_end.observations, lee_end.whys) == (0, 1, 0)
    assert "ended the meeting" in ana_end.message
    await until(lambda: not room.server.peers, what="the room let them go")
    await asyncio.sleep(0.3)  # longer than the clients' reconnect backoff (0.2 s): nobody comes back
    assert not room.server.peers and ana.state.status == "ended"
    # started again after the end (it was away): it hears the same when it comes
    await ana.stop()
    heard["ana"].clear()
    await ana.start()
    await until(lambda: ana.state.status == "ended")
    assert [(u.events, u.whys) for u in heard["ana"] if isinstance(u, Ended)] == [(2, 1)]


async def test_what_was_stored_is_acknowledged_before_the_end_and_ending_then_quitting_says_ended(room):
    heard: list = []
    ana = await room.client("ana", on_update=heard.append)
    await until(lambda: ana.connected)
    ana.add_event_line("14:37 checkout errors start")
    await until(lambda: room.session.meeting.events, what="applied (its ack waits for the disk)")
    room.session.end()
    await room.stop_server()  # the facilitator quits at once
    await until(lambda: ana.state.status == "ended")
    assert not ana.pending  # acknowledged before the end: nothing waits in the outbox for a meeting that is over
    assert [type(u).__name__ for u in heard if type(u).__name__ in ("Acked", "Ended", "Bye")] == ["Acked", "Ended"]


async def test_reopening_an_ended_meeting_opens_the_room_again(room):
    room.session.end()
    room.session.reopen()
    ana = await room.client("ana")
    await until(lambda: ana.connected)


# --- the screens ------------------------------------------------------------------------------------------


async def test_the_facilitators_panel_shows_entries_typing_and_last_seen_and_end_meeting_reaches_the_note_taker(
        tmp_path):
    meeting_id = new_meeting(tmp_path)
    facilitator = make_app(tmp_path, meeting_id)
    clock = FixedClock()
    async with facilitator.run_test(size=(160, 48)):
        server = RoomServer(facilitator.session, port=0, token=TOKEN, clock=clock)
        facilitator.room_server = server
        await server.start()
        status = RoomStatus(server, id="room-status")
        await facilitator.screen.query_one("#sidebar").mount(status)
        notetaker = NoteTakerApp(server.url, TOKEN, name="frank", outbox_dir=tmp_path / "outbox")
        async with notetaker.run_test(size=(120, 36)) as note_pilot:
            await until(lambda: notetaker.client.connected)
            await note_pilot.press(*"15:00 frank")
            await until(lambda: "● frank\n  0 entries · typing…" in status.render_text().plain)  # fits 27 columns
            await note_pilot.press("enter")
            await until(lambda: "frank · 1 entry · active" in status.render_text().plain)
            clock.advance(42)
            await until(lambda: "frank · 1 entry · 42s ago" in status.render_text().plain, what="aged by tick")
            commands = {c.title: c for c in facilitator.screen.commands()}
            commands["End meeting"].callback()
            assert facilitator.session.meeting.status == "ended"
            await until(lambda: notetaker.client.state.status == "ended")
            await note_pilot.pause()
            shown = str(notetaker.notes.query_one("#nt-status").render())
            assert "ended the meeting" in shown and "You added 1 event, 0 observations, 0 whys." in shown
            assert "come back" not in shown and "■" in str(notetaker.notes.query_one("#nt-connection").render())
            await note_pilot.press(*"15:05 late", "enter")  # nothing waits in the outbox for a meeting that is over
            await note_pilot.pause()
            assert not notetaker.client.pending and notetaker.notes.entry.input.value == "15:05 late"
            assert "meeting has ended" in str(notetaker.notes.entry.query_one(".error").render())
            assert "Reopen meeting" in {c.title for c in facilitator.screen.commands()}
        await server.stop()
    facilitator.close_session()
