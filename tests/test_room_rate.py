"""At most 20 changes a second from one note-taker, and nothing lost: the limit, and the room on a fake clock."""

from __future__ import annotations

import asyncio
import json

import aiohttp
from hypothesis import given
from hypothesis import strategies as st

from pmtui.room.client import RoomClient, new_change_id
from pmtui.room.outbox import Outbox
from pmtui.room.protocol import dumps
from pmtui.room.rate import RateLimit
from test_room_support import TOKEN, room, until  # noqa: F401 (fixture)


class FakeTime:
    """One clock for the room's limit and the note-taker's waiting: waiting moves it, nothing sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)  # only lets the loop run


def busiest_second(times: list[float], per: float = 1.0) -> int:
    """The most of ``times`` inside any window of ``per`` seconds."""
    times = sorted(times)
    return max((sum(1 for t in times if start <= t < start + per) for start in times), default=0)


# --- the limit ------------------------------------------------------------------------------------


def test_fifty_at_once_go_through_twenty_a_second_when_each_waits_as_told():
    clock = FakeTime()
    limit = RateLimit(20, clock=clock)
    accepted = []
    for _ in range(50):
        while (wait := limit.take()) > 0:
            clock.now += wait
        accepted.append(clock.now)
    assert accepted[:20] == [0.0] * 20 and len(accepted) == 50
    assert busiest_second(accepted) == 20
    assert accepted[-1] == 2.0


@given(st.lists(st.floats(0, 5, allow_nan=False), max_size=200))
def test_whatever_the_arrivals_no_window_of_a_second_accepts_more_than_the_rate(arrivals):
    clock = FakeTime()
    limit = RateLimit(20, clock=clock)
    accepted = []
    for moment in sorted(arrivals):
        clock.now = moment
        if limit.take() == 0:
            accepted.append(moment)
    assert busiest_second(accepted) <= 20


# --- the room ---------------------------------------------------------------------------------------


async def fake_time_room(room) -> FakeTime:
    clock = FakeTime()
    await room.stop_server()
    await room.start_server(clock=clock)
    return clock


async def test_fifty_entries_sent_as_fast_as_possible_all_arrive_in_order_at_twenty_a_second(room):
    clock = await fake_time_room(room)
    stored_at: list[float] = []
    add_event = room.session.add_event

    def timed_add(*args, **kwargs):
        stored_at.append(clock())
        return add_event(*args, **kwargs)

    room.session.add_event = timed_add
    client = RoomClient(room.url, TOKEN, name="Pat", outbox=Outbox.for_room(room.url, "Pat", room.outbox_dir),
                        sleep=clock.sleep)
    room.clients.append(client)
    await client.start()
    await until(lambda: client.connected)
    sent = [client.add_event_line(f"14:{n:02d} pasted line {n}") for n in range(50)]  # a pasted block
    await until(lambda: not client.pending, what="every line stored")
    assert [e.id for e in room.session.meeting.events] == [m.id for m in sent]
    assert len(stored_at) == 50 and busiest_second(stored_at) == 20
    assert clock() >= 2.0


async def test_the_room_never_accepts_more_than_twenty_a_second_and_holds_back_what_follows(room):
    clock = await fake_time_room(room)
    ids = [new_change_id() for _ in range(50)]

    async def blast(ws, batch: list[str], stored: int) -> tuple[list[str], dict | None]:
        """Send ``batch`` at once; the acks (``stored`` expected, sent once on disk) and the slow_down."""
        for change_id in batch:
            await ws.send_str(dumps({"type": "add_event", "id": change_id, "line": f"14:00 {change_id}"}))
        await ws.send_str(json.dumps({"type": "probe"}))  # answered after all of the above
        acked, slow, probed = [], None, False
        while not (probed and len(acked) >= stored):
            message = await asyncio.wait_for(ws.receive_json(), 5)
            if message["type"] == "ack":
                acked.append(message["ref"])
            elif message["type"] == "slow_down":
                assert slow is None, "one slow_down per hold"
                slow = message
            elif message["type"] == "error" and "probe" in message["message"]:
                probed = True
        return acked, slow

    async with aiohttp.ClientSession() as http, http.ws_connect(f"{room.url}/ws?token={TOKEN}") as ws:
        await ws.receive_json()
        await ws.send_str(dumps({"type": "hello", "name": "Flood"}))
        key = (await ws.receive_json())["key"]
        acked, slow = await blast(ws, ids, 20)
        assert acked == ids[:20] and slow["ref"] == ids[20] and slow["retry_after"] == 1.0
        assert len(room.session.meeting.events) == 20
        acked, slow = await blast(ws, ids[25:30], 0)  # not the held one: ignored, no answer
        assert acked == [] and slow is None
        clock.now = 1.0
        acked, slow = await blast(ws, ids[20:], 20)
        assert acked == ids[20:40] and slow["ref"] == ids[40]

    async with aiohttp.ClientSession() as http, http.ws_connect(f"{room.url}/ws?token={TOKEN}") as ws:
        await ws.receive_json()
        await ws.send_str(dumps({"type": "hello", "name": "Flood", "key": key}))
        await ws.receive_json()
        acked, slow = await blast(ws, ids[40:], 0)  # a new connection does not reset the identity's count
        assert acked == [] and slow["ref"] == ids[40]
    assert [e.id for e in room.session.meeting.events] == ids[:40]


async def test_the_default_is_twenty_a_second(room):
    assert room.server.entry_rate == 20


def test_the_facilitators_room_config_sets_the_limit(room):
    from pmtui.room.config import RoomConfig
    from pmtui.room.limits import RoomLimits

    assert RoomConfig(limits=RoomLimits(entry_rate=5)).server(room.session).entry_rate == 5
