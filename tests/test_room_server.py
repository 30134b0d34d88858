"""The room end to end on loopback: real RoomServer, real RoomClients, real sockets."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from pmtui.room import protocol
from pmtui.room.client import Rejected, RoomClient
from pmtui.room.outbox import Outbox
from pmtui.room.server import RoomServer
from test_room_support import (  # noqa: F401 (fixture)
    TOKEN,
    TcpProxy,
    events_by,
    open_five_whys,
    reload,
    room,
    until,
)


async def connected(*clients: RoomClient) -> None:
    await until(lambda: all(c.connected and c._greeted for c in clients), what="clients connected")


async def test_ten_note_takers_concurrently_store_everything_once_in_order_with_authors(room):
    clients = [await room.client(f"taker{i}") for i in range(10)]
    await connected(*clients)

    async def type_events(index: int, client: RoomClient) -> None:
        for n in range(10):
            client.add_event_line(f"14:{n:02d} taker{index} event {n:02d} | actor{index}")
            await asyncio.sleep(0)

    await asyncio.gather(*(type_events(i, c) for i, c in enumerate(clients)))
    await until(lambda: all(not c.pending for c in clients), what="every change acknowledged")
    meeting = room.session.meeting
    assert len(meeting.events) == 100
    assert len({e.id for e in meeting.events}) == 100
    for i in range(10):
        assert events_by(meeting, f"taker{i}") == [f"taker{i} event {n:02d}" for n in range(10)]
        assert all(e.actor == f"actor{i}" for e in meeting.events if e.author == f"taker{i}")
    # everyone saw everyone's events, through small deltas
    await until(lambda: all(len(c.room.events) == 100 for c in clients), what="broadcasts")
    room.close_session()
    on_disk = reload(room.data_dir, room.meeting_id)
    assert sorted(e.id for e in on_disk.events) == sorted(e.id for e in meeting.events)


async def test_join_gets_a_snapshot_then_deltas_for_events_observations_chain_and_phase(room):
    session = room.session
    session.add_event("14:01", "deploy starts", "ci", author="facilitator")
    session.add_observation("went_well", "paging worked", author="facilitator")
    client = await room.client("alice")
    await connected(client)
    snap = client.room
    assert [e.description for e in snap.events.values()] == ["deploy starts"]
    assert [o.text for o in snap.observations.values()] == ["paging worked"]
    assert snap.chain is None
    assert snap.clock.title == session.phase.title and snap.clock.index == 0
    assert snap.incident.title == "Checkout errors"

    event = session.add_event("14:05", "rollback", "bob", author="facilitator")
    await until(lambda: event.id in client.room.events)
    session.update_event(event.id, description="rollback started")
    await until(lambda: client.room.events[event.id].description == "rollback started")
    session.delete_event(event.id)
    await until(lambda: event.id not in client.room.events)
    chain = session.start_chain("Why did checkout fail?")
    await until(lambda: client.room.chain is not None and client.room.chain.id == chain.id)
    session.add_why(chain.id, "a bad config was deployed")
    await until(lambda: len(client.room.chain.whys) == 1)
    session.next_phase()
    await until(lambda: client.room.clock.index == 1)
    assert client.room.clock.title == session.phase.title
    session.toggle_pause()
    await until(lambda: client.room.clock.running)
    assert client.room.remaining() == pytest.approx(session.clock.remaining(), abs=1.0)


async def test_observations_and_whys_from_note_takers_carry_their_author(room):
    client = await room.client("carol")
    await connected(client)
    client.add_observation("went_poorly", "alerts were noisy")
    client.add_why("nobody owned the alert")  # no chain yet: refused, never stored
    rejected = []
    client.on_update = lambda update: rejected.append(update) if isinstance(update, Rejected) else None
    await until(lambda: not client.pending)
    assert [o.author for o in room.session.meeting.observations] == ["carol"]
    assert "no Five Whys chain" in rejected[0].message
    chain = room.session.start_chain("Why was the page late?")
    open_five_whys(room.session)
    await until(lambda: client.room.chain is not None)
    client.add_why("the alert threshold was too high", client.room.chain.id)
    await until(lambda: not client.pending)
    assert [(w.text, w.author) for w in chain.proposals] == [("the alert threshold was too high", "carol")]
    room.session.accept_proposal(chain.id, chain.proposals[0].id)
    assert [(w.text, w.author, w.author_id) for w in chain.whys] == [
        ("the alert threshold was too high", "carol", client.identity)]


async def test_a_cut_network_loses_nothing_and_doubles_nothing(room):
    proxy = TcpProxy(room.port)
    await proxy.start()
    outbox = Outbox.for_room(f"http://127.0.0.1:{proxy.port}", "dave", room.outbox_dir)
    client = RoomClient(f"http://127.0.0.1:{proxy.port}", TOKEN, name="dave", outbox=outbox,
                        backoff_base=0.02, backoff_cap=0.1)
    room.clients.append(client)
    await client.start()
    await connected(client)
    client.add_event_line("14:10 first | dave")
    await until(lambda: not client.pending)

    await proxy.cut()
    await until(lambda: client.state.status == "reconnecting", what="client notices the cut")
    for n in range(5):
        client.add_event_line(f"14:2{n} typed offline {n}")
    client.add_observation("lucky", "the cut was short")
    assert len(client.pending) == 6
    await client.saved()
    on_disk = json.loads(outbox.path.read_text())
    assert len(on_disk["entries"]) == 6  # written before sending, survives a crash
    assert len(room.session.meeting.events) == 1

    await proxy.start()  # same port: the network is back
    await until(lambda: not client.pending, what="pending delivered after reconnect")
    assert events_by(room.session.meeting, "dave") == ["first"] + [f"typed offline {n}" for n in range(5)]
    assert [o.text for o in room.session.meeting.observations] == ["the cut was short"]
    await proxy.cut()


async def test_a_silent_network_is_detected_by_heartbeat_and_resent_once(room):
    proxy = TcpProxy(room.port)
    await proxy.start()
    outbox = Outbox.for_room(f"http://127.0.0.1:{proxy.port}", "erin", room.outbox_dir)
    client = RoomClient(f"http://127.0.0.1:{proxy.port}", TOKEN, name="erin", outbox=outbox,
                        heartbeat=0.3, backoff_base=0.02, backoff_cap=0.1)
    room.clients.append(client)
    await client.start()
    await connected(client)
    proxy.blackhole = True  # packets vanish, sockets stay open
    client.add_event_line("14:30 into the void | erin")
    await until(lambda: client.state.status == "reconnecting", timeout=5, what="heartbeat timeout")
    proxy.blackhole = False
    await until(lambda: not client.pending, what="resent after reconnecting")
    assert events_by(room.session.meeting, "erin") == ["into the void"]
    await proxy.cut()


async def test_server_restart_with_pending_entries_delivers_exactly_once(room):
    clients = [await room.client(name) for name in ("fay", "gus", "hal")]
    await connected(*clients)
    # The first facilitator stores these but never gets to acknowledge them (it stops first).
    room.server._send_ack = lambda *args: None
    for client in clients:
        client.add_event_line(f"14:40 stored before the restart | {client.name}")
    await until(lambda: len(room.session.meeting.events) == 3)
    assert room.session.flush(5)
    assert all(len(c.pending) == 1 for c in clients)

    await room.stop_server()
    room.close_session()
    await until(lambda: all(c.state.status == "reconnecting" for c in clients))
    for client in clients:
        client.add_event_line(f"14:41 typed while the facilitator was away | {client.name}")
        client.add_observation("went_well", f"{client.name} kept typing")
    assert all(len(c.pending) == 3 for c in clients)

    room.reopen_session()
    await room.start_server()  # same port and token
    await until(lambda: all(not c.pending for c in clients), what="all delivered after restart")
    meeting = room.session.meeting
    for client in clients:
        assert events_by(meeting, client.name) == ["stored before the restart", "typed while the facilitator was away"]
    assert len(meeting.observations) == 3
    room.close_session()
    on_disk = reload(room.data_dir, room.meeting_id)
    assert len(on_disk.events) == 6 and len(on_disk.observations) == 3


async def test_wrong_or_missing_token_is_refused_before_any_meeting_data(room):
    async with aiohttp.ClientSession() as http:
        for headers, query in (({"Authorization": "Bearer nope"}, ""), ({}, ""), ({}, "?token=nope"),
                               ({"Authorization": "Basic " + TOKEN}, "")):
            async with http.get(f"{room.url}/ws{query}", headers={**headers, "Connection": "Upgrade",
                                "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}) as response:
                body = await response.text()
                assert response.status == 401
                assert "Checkout" not in body and "events" not in body
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(f"{room.url}/ws", headers={"Authorization": "Bearer wrong"})
        assert refused.value.status == 401
        async with http.ws_connect(f"{room.url}/ws?token={TOKEN}") as ws:  # the query works too
            assert (await ws.receive_json())["type"] == "welcome"
    client = await room.client("mallory", token="wrong")
    await until(lambda: client.state.status == "refused")
    assert "token" in client.state.describe()
    assert not room.server.peers or all(p.name != "mallory" for p in room.server.peers)


NEAR_MISSES = {"a prefix": TOKEN[:-1], "a suffix": TOKEN[1:], "another case": TOKEN.upper(),
               "one character more": TOKEN + "0", "a space inside": TOKEN[:4] + " " + TOKEN[4:]}


async def test_a_token_that_is_nearly_right_is_refused_in_the_header_and_in_the_query(room):
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}

    async def status(http: aiohttp.ClientSession, token: str, where: str) -> int:
        if where == "header":
            request = http.get(f"{room.url}/ws", headers={**upgrade, "Authorization": f"Bearer {token}"})
        else:
            request = http.get(f"{room.url}/ws", params={"token": token}, headers=upgrade)
        async with request as response:
            return response.status

    async with aiohttp.ClientSession() as http:
        for where in ("header", "query"):
            assert await status(http, TOKEN, where) == 101, f"the right token in the {where}"
            for what, token in NEAR_MISSES.items():
                assert await status(http, token, where) == 401, f"{what} of the token in the {where}"


async def _reply(ws) -> dict:
    while True:
        message = await asyncio.wait_for(ws.receive_json(), 5)
        if message["type"] in ("error", "ack"):
            return message


async def test_malformed_oversized_and_unknown_messages_get_errors_and_never_reach_the_store(room):
    valid_id = "0123456789abcdef0123456789abcdef"
    bad = [
        ("not json", None),
        ("[1, 2, 3]", None),
        (f'{{"type": "add_event", "id": "{valid_id}", "line": "14:00 x", "line": "14:01 y"}}', None),
        (json.dumps({"type": "delete_event", "id": valid_id}), valid_id),
        (json.dumps({"type": "next_phase"}), None),
        (json.dumps({"type": "add_event", "id": "short", "line": "14:00 x"}), None),
        (json.dumps({"type": "add_event", "id": valid_id, "line": "14:00 x", "author": "someone else"}), valid_id),
        (json.dumps({"type": "add_event", "id": valid_id, "line": 42}), valid_id),
        (json.dumps({"type": "add_event", "id": valid_id, "line": "x" * 3000}), valid_id),
        (json.dumps({"type": "add_event", "id": valid_id, "line": "14:00 bad\u0000byte"}), valid_id),
        (json.dumps({"type": "add_event", "id": valid_id, "line": "not a time at all"}), valid_id),
        (json.dumps({"type": "add_observation", "id": valid_id, "kind": "meh", "text": "x"}), valid_id),
        (f'{{"type": "add_event", "id": "{valid_id}", "time": NaN, "description": "x"}}', None),
        ("[" * 5000 + "]" * 5000, None),
        (json.dumps({"type": "add_event", "id": valid_id, "line": "14:00 " + "y" * 1990, "pad": "z" * 15000}), None),
    ]
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(f"{room.url}/ws", headers={"Authorization": f"Bearer {TOKEN}"}) as ws:
            assert (await ws.receive_json())["type"] == "welcome"
            await ws.send_str(json.dumps({"type": "add_event", "id": valid_id, "line": "14:00 before hello"}))
            assert "hello" in (await _reply(ws))["message"]
            await ws.send_str(json.dumps({"type": "hello", "name": "fuzzy"}))
            for payload, ref in bad:
                await ws.send_str(payload)
                reply = await _reply(ws)
                assert reply["type"] == "error" and reply["ref"] == ref, payload[:80]
                assert reply["message"]
            await ws.send_bytes(b'{"type": "hello"}')
            assert "text frame" in (await _reply(ws))["message"]
            await ws.send_str(json.dumps({"type": "add_event", "id": valid_id, "line": "14:00 the one good event"}))
            reply = await _reply(ws)
            assert reply == {"type": "ack", "ref": valid_id, "duplicate": False}
            await ws.send_str(json.dumps({"type": "add_event", "id": valid_id, "line": "14:00 the one good event"}))
            assert (await _reply(ws)) == {"type": "ack", "ref": valid_id, "duplicate": True}
        # beyond the transport limit the socket is closed (1009), and the server carries on
        async with http.ws_connect(f"{room.url}/ws", headers={"Authorization": f"Bearer {TOKEN}"}) as ws:
            await ws.receive_json()
            await ws.send_str("x" * (protocol.TRANSPORT_MAX_BYTES + 10))
            closing = await asyncio.wait_for(ws.receive(), 5)
            assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
            assert ws.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
    client = await room.client("after")
    client.add_event_line("14:05 still alive")
    await until(lambda: not client.pending)
    assert [e.description for e in room.session.meeting.events] == ["the one good event", "still alive"]
    room.close_session()
    assert [e.description for e in reload(room.data_dir, room.meeting_id).events] == ["the one good event",
                                                                                      "still alive"]


async def test_a_port_in_use_is_one_line_error(room):
    other = RoomServer(room.session, port=room.port, token=TOKEN)
    with pytest.raises(Exception) as failed:
        await other.start()
    assert "cannot share" in str(failed.value) and "\n" not in str(failed.value)
    assert other.error and not other.running


async def test_watchers_see_note_takers_come_and_go(room):
    seen = []
    unwatch = room.server.watch(lambda server: seen.append([p.name for p in server.peers]))
    client = await room.client("ivy")
    await until(lambda: ["ivy"] in seen)
    await client.stop()
    await until(lambda: seen[-1] == [])
    unwatch()
    shown = room.server.join_command(reveal=True)
    assert "pmtui join http://127.0.0.1:" in shown and f"PMTUI_TOKEN={TOKEN} " in shown


async def test_acks_wait_until_the_change_is_on_disk(room):
    client = await room.client("jo")
    await connected(client)
    file = room.session.file
    real_save, attempts = file.save, []

    def failing_save(data):
        attempts.append(data)
        raise OSError(28, "No space left on device")

    file.save = failing_save
    client.add_event_line("14:45 typed while the disk is full | jo")
    await until(lambda: len(attempts) >= 2, what="the saver retrying")
    assert [e.description for e in room.session.meeting.events] == ["typed while the disk is full"]
    assert len(client.pending) == 1  # applied and broadcast, but not acknowledged: not on disk yet
    file.save = real_save
    await until(lambda: not client.pending, what="ack once saved")
    room.close_session()
    assert [e.author for e in reload(room.data_dir, room.meeting_id).events] == ["jo"]


async def test_events_of_one_loop_pass_go_out_together_and_in_the_order_they_happened(room):
    session = room.session
    async with aiohttp.ClientSession() as http, http.ws_connect(f"{room.url}/ws?token={TOKEN}") as ws:
        assert (await ws.receive_json())["type"] == "welcome"
        first = session.add_event("14:01", "one", "a", author="facilitator")
        message = await ws.receive_json(timeout=5)
        assert message["type"] == "event" and message["event"]["id"] == first.id  # alone: one event

        burst = [session.add_event(f"14:1{n}", f"burst {n}", "b", author="facilitator") for n in range(3)]
        session.update_event(burst[0].id, description="burst 0, reworded")
        session.delete_event(burst[1].id)  # in the same pass: the removal must not overtake the add
        message = await ws.receive_json(timeout=5)
        assert message["type"] == "events"
        assert [e["id"] for e in message["events"]] == [b.id for b in burst]  # one message, each once
        assert message["events"][0]["description"] == "burst 0, reworded"  # its latest form
        assert await ws.receive_json(timeout=5) == {"type": "event_removed", "id": burst[1].id}
