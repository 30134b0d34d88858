"""Fuzzing the room over a real socket: whatever arrives, the server answers and the store stays intact."""

from __future__ import annotations

import asyncio
import json
import threading

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmtui.room import protocol
from pmtui.room.protocol import ProtocolError
from pmtui.room.server import RoomServer
from pmtui.session import MeetingSession
from test_room_support import TOKEN, new_meeting, reload

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
ids = st.one_of(st.uuids().map(lambda u: u.hex), st.text(max_size=40), st.integers(), st.none())
fields = st.dictionaries(
    st.sampled_from(["line", "time", "description", "actor", "evidence", "kind", "text", "chain_id", "name",
                     "version", "author", "extra", "item"]),
    st.one_of(json_values, st.sampled_from(["14:37 checkout errors | bob", "went_well", "lucky", "", " ", "25:99"]),
              st.text(alphabet=st.characters(codec="utf-8"), max_size=50)),
    max_size=4,
)
near_valid = st.builds(
    lambda kind, ident, extra: {"type": kind, "id": ident, **extra},
    st.sampled_from([*protocol.CLIENT_TYPES, "delete_event", "next_phase", "update_event", "", "ADD_EVENT"]),
    ids,
    fields,
)
texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
KNOWN = [f"{n:032x}" for n in range(0xA0, 0xA6)]
times = st.one_of(st.sampled_from(["14:37", "14:37:05", "2026-03-14 09:00", "2026-03-14T09:00:00+02:00", "25:00"]),
                  texts)
well_formed = st.one_of(
    st.builds(lambda i, t, x: {"type": "add_event", "id": i, "line": f"{t} {x}"}, st.uuids().map(lambda u: u.hex),
              times, texts),
    st.builds(lambda i, t, x, a: {"type": "add_event", "id": i, "time": t, "description": x, "actor": a},
              st.uuids().map(lambda u: u.hex), times, texts, texts),
    st.builds(lambda i, k, x: {"type": "add_observation", "id": i, "kind": k, "text": x},
              st.uuids().map(lambda u: u.hex), st.sampled_from(["went_well", "went_poorly", "lucky"]), texts),
    st.builds(lambda i, x: {"type": "add_why", "id": i, "text": x}, st.uuids().map(lambda u: u.hex), texts),
    # entries with a few known ids, so that edits and removals find them (or find them gone)
    st.builds(lambda i, t, x: {"type": "add_event", "id": i, "line": f"{t} {x}"}, st.sampled_from(KNOWN), times, texts),
    st.builds(lambda i, x: {"type": "add_observation", "id": i, "kind": "lucky", "text": x}, st.sampled_from(KNOWN),
              texts),
    st.builds(lambda i, item, t, x: {"type": "edit", "id": i, "item": item, "line": f"{t} {x}"},
              st.uuids().map(lambda u: u.hex), st.sampled_from(KNOWN), times, texts),
    st.builds(lambda i, item: {"type": "remove", "id": i, "item": item}, st.uuids().map(lambda u: u.hex),
              st.sampled_from(KNOWN)),
)
oversized = st.integers(protocol.MAX_MESSAGE_BYTES, 3 * protocol.MAX_MESSAGE_BYTES).map(
    lambda n: json.dumps({"type": "add_event", "id": "a" * 32, "line": "14:00 " + "x" * n}))
payloads = st.one_of(
    well_formed.map(json.dumps),
    near_valid.map(json.dumps),
    oversized,
    json_values.map(json.dumps),
    st.text(max_size=200),
    st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
)


class LoopThread:
    """A facilitator (session + server) on an event loop in a thread, and one note-taker socket."""

    def __init__(self, data_dir) -> None:
        self.data_dir = data_dir
        self.meeting_id = new_meeting(data_dir)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.session = MeetingSession.open(data_dir, self.meeting_id)
        self.server = self.run(self._start())

    def run(self, coro, timeout: float = 10.0):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _start(self) -> RoomServer:
        server = RoomServer(self.session, port=0, token=TOKEN, entry_rate=1_000_000)  # the fuzzer sends fast
        await server.start()
        self.http = aiohttp.ClientSession()
        self.ws = await self.http.ws_connect(f"http://127.0.0.1:{server.port}/ws",
                                             headers={"Authorization": f"Bearer {TOKEN}"})
        assert (await self.ws.receive_json())["type"] == "welcome"
        await self.ws.send_str(json.dumps({"type": "hello", "name": "fuzzer"}))
        return server

    async def exchange(self, payload: str, expect_ref: str | None) -> list[dict]:
        """Send ``payload`` then a probe; return the replies up to the probe's error (and the ack of ``expect_ref``)."""
        await self.ws.send_str(payload)
        await self.ws.send_str(json.dumps({"type": "probe"}))
        replies, probe_seen, ref_seen = [], False, expect_ref is None
        while not (probe_seen and ref_seen):
            message = await asyncio.wait_for(self.ws.receive_json(), 5)
            if message["type"] == "error" and message["message"].startswith("unknown message type 'probe'"):
                probe_seen = True
                continue
            if message["type"] in ("error", "ack"):
                replies.append(message)
                if expect_ref is not None and message.get("ref") == expect_ref:
                    ref_seen = True
        return replies

    async def _stop(self) -> None:
        await self.ws.close()
        await self.http.close()
        await self.server.stop()

    def shutdown(self) -> None:
        """Stop the server and the loop, and close the session (saving it)."""
        if self.thread.is_alive():
            self.run(self._stop())
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)
            self.loop.close()
        self.session.close()


@pytest.fixture
def facilitator(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    room = LoopThread(data_dir)
    yield room
    room.shutdown()


def test_fuzzed_messages_get_replies_the_server_survives_and_the_file_holds_exactly_the_valid_changes(facilitator):
    session = facilitator.session
    stored: list[str] = []

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(payload=payloads)
    def one_message(payload: str) -> None:
        try:
            message = protocol.parse_client_message(payload)
        except ProtocolError as exc:
            replies = facilitator.run(facilitator.exchange(payload, None))
            assert len(replies) == 1 and replies[0]["type"] == "error"
            assert replies[0]["ref"] == exc.ref and replies[0]["message"]
            return
        if isinstance(message, protocol.Hello):
            replies = facilitator.run(facilitator.exchange(payload, None))
            assert all(r["type"] == "error" for r in replies)  # another name: refused; the same: nothing to say
            return
        before = len(session.meeting.events) + len(session.meeting.observations)
        replies = facilitator.run(facilitator.exchange(payload, message.id))
        assert [r["ref"] for r in replies] == [message.id]
        after = len(session.meeting.events) + len(session.meeting.observations)
        applied = replies[0]["type"] == "ack" and not replies[0]["duplicate"]
        if applied and isinstance(message, protocol.RemoveEntry):
            stored.remove(message.item)
            assert after == before - 1
        elif applied and not isinstance(message, protocol.EditEntry):
            stored.append(message.id)
            assert after == before + 1
        else:
            assert after == before

    one_message()
    # a few that must be stored, and some that must not, after all that
    sent = [
        "garbage", json.dumps({"type": "add_event", "id": "1" * 32, "line": "14:01 good one"}),
        json.dumps({"type": "add_event", "id": "2" * 32, "line": "no time"}),
        json.dumps({"type": "add_observation", "id": "3" * 32, "kind": "lucky", "text": "good two"}),
        json.dumps({"type": "add_event", "id": "4" * 32, "time": "14:02", "description": "good three", "x": 1}),
        json.dumps({"type": "add_event", "id": "5" * 32, "time": "14:03", "description": "good three"}),
    ]
    for payload in sent:
        try:
            ref = protocol.parse_client_message(payload).id
        except ProtocolError:
            ref = None
        replies = facilitator.run(facilitator.exchange(payload, ref))
        if replies and replies[-1]["type"] == "ack":
            stored.append(ref)
    assert stored[-3:] == ["1" * 32, "3" * 32, "5" * 32]
    events = [(e.id, e.description) for e in session.meeting.events]
    assert events[-2:] == [("1" * 32, "good one"), ("5" * 32, "good three")]
    assert all(e.author == "fuzzer" for e in session.meeting.events)
    facilitator.shutdown()
    on_disk = reload(facilitator.data_dir, facilitator.meeting_id)
    assert sorted([e.id for e in on_disk.events] + [o.id for o in on_disk.observations]) == sorted(stored)
