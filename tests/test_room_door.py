"""The room's door, attacked on loopback: a real RoomServer, raw sockets and WebSockets from several addresses.

Each test is one attack class from issue #12: a browser page's Origin, guessing tokens, connections that
never authenticate, too many connections from one address or in total, silent joined peers, and TLS.
Per-address tests bind their clients to distinct loopback source addresses (127.0.0.2, 127.0.0.3, ...).
"""

from __future__ import annotations

import asyncio
import ssl

import aiohttp
import pytest

from helpers import FixedClock
from pmtui.room.client import RoomClient, probe
from pmtui.room.limits import RoomLimits
from pmtui.room.outbox import Outbox
from pmtui.room.server import RoomServer
from pmtui.session import MeetingSession
from test_room_support import TOKEN, new_meeting, until

BOUND = 10.0
"""Seconds any one wait in these tests may take before it fails."""


@pytest.fixture
async def facilitator(tmp_path):
    """``await facilitator(**kwargs)``: a started RoomServer on a free loopback port (stopped afterwards)."""
    (tmp_path / "data").mkdir()
    session = MeetingSession.open(tmp_path / "data", new_meeting(tmp_path / "data"))
    servers: list[RoomServer] = []

    async def start(**kwargs) -> RoomServer:
        server = RoomServer(session, port=0, token=kwargs.pop("token", TOKEN), **kwargs)
        await server.start()
        servers.append(server)
        return server

    try:
        yield start
    finally:
        for server in servers:
            await server.stop()
        session.close()


def ws_address(server: RoomServer) -> str:
    return f"{'wss' if server.tls else 'ws'}://127.0.0.1:{server.port}/ws"


async def handshake(server: RoomServer, *, token: str | None = TOKEN, origin: str | None = None,
                    source: str = "127.0.0.1") -> int | str:
    """Try one WebSocket join from ``source``: 101 when welcomed, the HTTP status of a refusal, or "closed"."""
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    if origin is not None:
        headers["Origin"] = origin
    connector = aiohttp.TCPConnector(local_addr=(source, 0))
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=BOUND)) as http:
        try:
            async with http.ws_connect(ws_address(server), headers=headers) as ws:
                message = await ws.receive(timeout=BOUND)
                assert message.type == aiohttp.WSMsgType.TEXT and '"welcome"' in message.data[:40]
                return 101
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status
        except aiohttp.ClientConnectionError:
            return "closed"  # refused before the request was read: the 503 may be lost to the reset


async def silent_connection(server: RoomServer, source: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A TCP connection from ``source`` that sends nothing (a half-open or idle peer)."""
    return await asyncio.wait_for(asyncio.open_connection("127.0.0.1", server.port, local_addr=(source, 0)), BOUND)


async def closed_by_server(reader: asyncio.StreamReader) -> bytes:
    """Everything the server sends until it closes the connection (fails if it stays open past BOUND)."""
    try:
        return await asyncio.wait_for(reader.read(), BOUND)
    except ConnectionResetError:
        return b""


# --- a browser page's Origin ---------------------------------------------------------------------


async def test_a_page_from_another_origin_is_refused_before_the_upgrade_even_with_the_token(facilitator):
    server = await facilitator(public_url="https://room.example.org")
    own = f"http://127.0.0.1:{server.port}"
    assert await handshake(server, origin="http://evil.example") == 403
    assert await handshake(server, origin="null") == 403
    assert await handshake(server, origin=f"http://127.0.0.1:{server.port + 1}") == 403  # another port
    assert await handshake(server, origin=f"https://127.0.0.1:{server.port}") == 403  # another scheme
    assert await handshake(server, origin=own) == 101
    assert await handshake(server, origin="https://ROOM.example.org:443") == 101  # --public-url
    assert await handshake(server) == 101  # no Origin: not a browser (pmtui join)
    assert await handshake(server, token=None) == 401  # ...and the token is still needed
    assert await handshake(server, origin=own, token="wrong-wrong-wrong-wrong") == 401
    assert server.session.meeting.events == [] and server.peers == []


# --- guessing the token --------------------------------------------------------------------------


async def test_eleven_wrong_tokens_lock_the_address_out_for_a_minute_and_the_facilitator_is_told(facilitator):
    clock = FixedClock(1000.0)
    server = await facilitator(clock=clock)
    told = []
    server.on_alert = told.append
    for attempt in range(10):
        assert await handshake(server, token=f"guess-{attempt:02d}-0123456789", source="127.0.0.2") == 401
    assert await handshake(server, token="guess-10-0123456789", source="127.0.0.2") == 429
    assert await handshake(server, source="127.0.0.2") == 429  # not even the right token is checked now
    assert await handshake(server, source="127.0.0.3") == 101  # other addresses are not punished
    assert len(told) == 1 and "127.0.0.2" in told[0] and "\n" not in told[0]
    assert "127.0.0.2" in server.failures.locked()
    clock.advance(61)
    assert await handshake(server, source="127.0.0.2") == 101


async def test_wrong_tokens_spread_over_more_than_the_window_are_not_punished(facilitator):
    clock = FixedClock(1000.0)
    server = await facilitator(clock=clock)
    for attempt in range(30):
        assert await handshake(server, token=f"slow-guess-{attempt:02d}-0123456789", source="127.0.0.4") == 401
        clock.advance(7)  # 9 in any minute
    assert await handshake(server, source="127.0.0.4") == 101


# --- connections that never authenticate -----------------------------------------------------------


async def test_a_connection_that_never_shows_the_token_is_closed_after_the_deadline(facilitator):
    server = await facilitator(limits=RoomLimits(auth_timeout=0.3))
    reader, writer = await silent_connection(server, "127.0.0.5")
    slow_reader, slow_writer = await silent_connection(server, "127.0.0.5")
    slow_writer.write(b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # a request that never ends (slowloris)
    try:
        assert await closed_by_server(reader) == b""
        assert await closed_by_server(slow_reader) == b""
        await until(lambda: server._door.doorman.count == 0, timeout=BOUND, what="the sockets counted as closed")
        assert await handshake(server, source="127.0.0.5") == 101  # a joined connection outlives the deadline
    finally:
        writer.close()
        slow_writer.close()


async def test_a_joined_note_taker_stays_past_the_deadline(facilitator, user_folders):
    server = await facilitator(limits=RoomLimits(auth_timeout=0.3))
    url = f"http://127.0.0.1:{server.port}"
    client = RoomClient(url, TOKEN, name="lee", outbox=Outbox.for_room(url, "lee", user_folders.outbox))
    await client.start()
    try:
        await until(lambda: [p.name for p in server.peers] == ["lee"], timeout=BOUND)
        reader, writer = await silent_connection(server, "127.0.0.5")  # opened after lee: closed after lee's
        assert await closed_by_server(reader) == b""  # deadline passed
        writer.close()
        assert [p.name for p in server.peers] == ["lee"] and client.connected
        client.add_event_line("14:40 still here")
        await until(lambda: not client.pending, timeout=BOUND)
        assert [e.description for e in server.session.meeting.events] == ["still here"]
    finally:
        await client.stop()
        client.outbox.close()


# --- too many connections ---------------------------------------------------------------------------


async def test_one_address_gets_at_most_its_share_of_connections(facilitator):
    server = await facilitator(limits=RoomLimits(max_per_address=3))
    held = [await silent_connection(server, "127.0.0.6") for _ in range(3)]
    try:
        reader, writer = await silent_connection(server, "127.0.0.6")
        answer = await closed_by_server(reader)
        writer.close()
        assert answer.startswith(b"HTTP/1.1 503") and b"too many connections from 127.0.0.6" in answer
        assert await handshake(server, source="127.0.0.6") in (503, "closed")
        assert await handshake(server, source="127.0.0.7") == 101  # the real note-taker elsewhere gets in
    finally:
        for _, held_writer in held:
            held_writer.close()
    await until(lambda: server._door.doorman.count == 0, timeout=BOUND, what="the held sockets counted as closed")
    assert await handshake(server, source="127.0.0.6") == 101


async def test_silent_connections_filling_the_room_give_way_to_a_real_note_taker(facilitator):
    server = await facilitator(limits=RoomLimits(max_connections=4))
    held = [await silent_connection(server, f"127.0.1.{n}") for n in range(1, 5)]
    try:
        assert server._door.doorman.count == 4
        assert await handshake(server, source="127.0.1.9") == 101  # the oldest silent one made room
        assert await closed_by_server(held[0][0]) == b""
        await until(lambda: server._door.doorman.count == 3, timeout=BOUND, what="the join's socket counted as closed")
    finally:
        for _, held_writer in held:
            held_writer.close()


async def test_the_room_holds_at_most_max_connections_in_total(facilitator):
    server = await facilitator(limits=RoomLimits(max_connections=3))
    sessions = [aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(f"127.0.2.{n}", 0)))
                for n in range(1, 4)]
    try:
        joined = [await http.ws_connect(ws_address(server), headers={"Authorization": f"Bearer {TOKEN}"})
                  for http in sessions]
        await until(lambda: len(server.peers) == 3, timeout=BOUND)
        reader, writer = await silent_connection(server, "127.0.2.9")
        answer = await closed_by_server(reader)
        writer.close()
        assert answer.startswith(b"HTTP/1.1 503") and b"the room is full (3 connections)" in answer
        assert await handshake(server, source="127.0.2.9") in (503, "closed")
        assert server._door.doorman.count == 3 and len(server.peers) == 3
        await joined[0].close()
        await until(lambda: server._door.doorman.count == 2, timeout=BOUND, what="a place free again")
        assert await handshake(server, source="127.0.2.9") == 101
    finally:
        for http in sessions:
            await http.close()


# --- silent joined peers ------------------------------------------------------------------------------


async def test_a_joined_peer_that_stops_answering_pings_is_closed(facilitator):
    server = await facilitator(limits=RoomLimits(heartbeat=0.2))
    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(ws_address(server), headers={"Authorization": f"Bearer {TOKEN}"}, autoping=False)
        try:
            await until(lambda: len(server.peers) == 1, timeout=BOUND)
            await until(lambda: server.peers == [], timeout=BOUND, what="the silent peer closed by the heartbeat")
        finally:
            await ws.close()


# --- TLS -------------------------------------------------------------------------------------------------


@pytest.fixture
def certificates(tmp_path):
    """A throw-away CA and a certificate for 127.0.0.1: (server context, client context, CA file)."""
    trustme = pytest.importorskip("trustme", reason="trustme makes the test certificates")
    authority = trustme.CA()
    served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(served)
    trusting = ssl.create_default_context()
    authority.configure_trust(trusting)
    cafile = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(cafile))
    return served, trusting, cafile


async def test_a_note_taker_joins_over_tls_with_the_facilitators_ca(facilitator, certificates, user_folders):
    served, trusting, _ = certificates
    server = await facilitator(tls=served)
    assert server.url.startswith("https://127.0.0.1:")
    assert await probe(server.url, TOKEN, tls=trusting) == ("ok", "")
    state, why = await probe(server.url, TOKEN)  # the system's CAs do not know the facilitator's
    assert state == "unreachable" and "certificate" in why.lower()
    async with aiohttp.ClientSession() as http:  # plain text to a TLS room gets nothing of the meeting
        with pytest.raises(aiohttp.ClientError):
            await http.ws_connect(f"ws://127.0.0.1:{server.port}/ws", headers={"Authorization": f"Bearer {TOKEN}"},
                                  timeout=aiohttp.ClientWSTimeout(ws_close=BOUND))
    client = RoomClient(server.url, TOKEN, name="tess", tls=trusting,
                        outbox=Outbox.for_room(server.url, "tess", user_folders.outbox))
    await client.start()
    try:
        client.add_event_line("14:41 over tls")
        await until(lambda: not client.pending and client.connected, timeout=BOUND)
        assert [(e.description, e.author) for e in server.session.meeting.events] == [("over tls", "tess")]
    finally:
        await client.stop()
        client.outbox.close()


async def test_pmtui_join_takes_an_https_room_and_the_facilitators_ca_file(facilitator, certificates):
    from test_room_cli import PMTUI, run_cli

    served, _, cafile = certificates
    server = await facilitator(tls=served)
    env = {"PMTUI_TOKEN": "a-wrong-token-but-it-got-there"}
    code, _, err = await run_cli(PMTUI, "join", server.url, "--name", "kim", env=env)
    assert code == 1 and "--cafile" in err and len(err.strip().splitlines()) == 1
    code, _, err = await run_cli(PMTUI, "join", server.url, "--name", "kim", "--cafile", str(cafile), env=env)
    assert code == 2 and "refused the token" in err  # the TLS handshake held: the token was checked
