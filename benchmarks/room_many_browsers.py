"""50 browser note-takers in one room: Enter -> stored and broadcast, and the facilitator's longest stall.

Run:  python benchmarks/room_many_browsers.py [--clients 50] [--entries 10] [--interval 2.0] [--seed-events 500]

The facilitator (a session and its RoomServer, default limits) runs in its own process on a bare asyncio
loop (benchmarks/facilitator.py), on the timeline phase of a meeting with ``--seed-events`` events. Each
note-taker is a WebSocket client speaking the page's protocol, not the terminal's: the token in the
``Sec-WebSocket-Protocol`` (``pmtui``, ``pmtui.token.B64``), the room's own ``Origin``, a hello, then raw
``entry`` lines. Each connects from its own loopback address (127.0.0.2, 127.0.0.3, ...), as people on a
LAN do, so the per-address cap does not apply and the room's limits stay the defaults.

Rounds, first with one note-taker alone (the baseline: five times the lines, five times as often, for
enough samples), then with ``--clients``:

* steady: each note-taker sends ``--entries`` lines, one every ``--interval`` seconds on average
  (exponential gaps), all at the same time;
* burst: every note-taker presses Enter at the same moment (one line each).

For every line it reports the time from the send to (a) the sender's ``ack`` (the room has it on disk),
(b) stored and its broadcast seen by another note-taker (the later of the ack and that arrival; alone, the
sender's own copy), (c) stored and seen by every note-taker: median, p95, max. Targets: (b) p95 under
100 ms, and the facilitator's loop (a 10 ms ticker) never late by more than 100 ms.

This is a script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import aiohttp

from facilitator import Facilitator

BASELINE_MORE = 5
"""The note-taker alone sends this many times the lines, as many times as often: more samples, still alone."""
P95_TARGET = 0.100
STALL_TARGET = 0.100


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary(values: list[float]) -> str:
    if not values:
        return "n=0"
    ms = [v * 1000 for v in values]
    return (f"median {statistics.median(ms):6.1f} ms   p95 {percentile(ms, 95):6.1f} ms   "
            f"max {max(ms):6.1f} ms   (n={len(ms)})")


def longest(ticks: dict) -> str:
    """The longest stall and the CPU the facilitator had in it (little: it waited for a core others held),
    and the most CPU it used between two ticks (all its threads: an upper bound on its own longest stall)."""
    if not ticks["lag"]:
        return "none"
    worst = max(range(len(ticks["lag"])), key=ticks["lag"].__getitem__)
    return (f"{ticks['lag'][worst] * 1000:.1f} ms (the facilitator ran {ticks['cpu'][worst] * 1000:.0f} ms of "
            f"CPU in those {(ticks['lag'][worst] + 0.01) * 1000:.0f} ms); most CPU between two ticks: "
            f"{max(ticks['cpu']) * 1000:.1f} ms")


def mib(kib: int | None) -> str:
    return "n/a" if kib is None else f"{kib / 1024:.1f} MiB"


def page_protocols(token: str) -> list[str]:
    """The subprotocols the page offers: the room's, and the token in base64url without padding."""
    return ["pmtui", "pmtui.token." + base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")]


def source(n: int) -> str:
    """The n-th note-taker's loopback address: 127.0.0.2, 127.0.0.3, ..."""
    return f"127.0.0.{2 + n}"


@dataclass
class Sent:
    t0: float
    sender: str
    ack: float | None = None
    seen: dict[str, float] = field(default_factory=dict)


class NoteTaker:
    """One browser's worth of protocol: connect with the page's subprotocols, hello, send raw entry lines."""

    def __init__(self, name: str, address: str, sent: dict[str, Sent]) -> None:
        self.name = name
        self.address = address
        self.sent = sent
        self.http: aiohttp.ClientSession | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.reader: asyncio.Task | None = None
        self.refused: str | None = None

    async def join(self, room: Facilitator) -> None:
        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(self.address, 0)))
        self.ws = await self.http.ws_connect(f"ws://127.0.0.1:{room.port}/ws", protocols=page_protocols(room.token),
                                             headers={"Origin": room.url}, heartbeat=None)
        if self.ws.protocol != "pmtui":
            raise RuntimeError(f"the room answered subprotocol {self.ws.protocol!r}, not 'pmtui'")
        await self.ws.send_str(json.dumps({"type": "hello", "name": self.name}))
        while True:
            message = json.loads((await asyncio.wait_for(self.ws.receive(), 30)).data)
            if message["type"] == "joined":
                break
            if message["type"] == "refused":
                raise RuntimeError(f"{self.name} refused: {message['message']}")
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for frame in self.ws:
            now = time.perf_counter()
            if frame.type != aiohttp.WSMsgType.TEXT:
                break
            message = json.loads(frame.data)
            kind = message["type"]
            if kind == "ack" and message["ref"] in self.sent:
                self.sent[message["ref"]].ack = now
            elif kind in ("event", "events"):
                for event in message.get("events") or [message["event"]]:
                    if event["id"] in self.sent:
                        self.sent[event["id"]].seen[self.name] = now
            elif kind == "error":
                print(f"    {self.name}: error {message['message']}")

    async def enter(self, line: str) -> None:
        """Press Enter on ``line``: an ``entry`` with a fresh id, as the page sends it."""
        entry_id = uuid.uuid4().hex
        self.sent[entry_id] = Sent(time.perf_counter(), self.name)
        await self.ws.send_str(json.dumps({"type": "entry", "id": entry_id, "line": line}))

    async def leave(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await self.reader
        if self.http is not None:
            await self.http.close()


def line(name: str, n: int) -> str:
    return f"15:{n % 60:02d}:{random.randrange(60):02d} {name} saw errors #{n} | {name}"


async def steady(taker: NoteTaker, count: int, interval: float) -> None:
    await asyncio.sleep(random.uniform(0, interval))
    for n in range(count):
        await taker.enter(line(taker.name, n))
        await asyncio.sleep(random.expovariate(1 / interval))


async def burst(taker: NoteTaker) -> None:
    await taker.enter(line(taker.name, 99))


async def settled(sent: dict[str, Sent], everyone: int, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if all(s.ack is not None and len(s.seen) >= everyone for s in sent.values()):
            return
        await asyncio.sleep(0.01)


def latencies(sent: dict[str, Sent], takers: list[NoteTaker]) -> tuple[list[float], list[float], list[float], int]:
    """(acked, stored and seen by another, stored and seen by all, incomplete) over the lines sent."""
    names = [t.name for t in takers]
    acked, other, everyone, incomplete = [], [], [], 0
    for s in sent.values():
        if s.ack is None or len(s.seen) < len(names):
            incomplete += 1
            continue
        neighbour = names[(names.index(s.sender) + 1) % len(names)]  # alone: the sender's own copy
        acked.append(s.ack - s.t0)
        other.append(max(s.ack, s.seen[neighbour]) - s.t0)
        everyone.append(max(s.ack, *s.seen.values()) - s.t0)
    return acked, other, everyone, incomplete


async def measure(room: Facilitator, takers: list[NoteTaker], sent: dict[str, Sent], label: str, work) -> dict:
    sent.clear()
    await room.ask("lag")
    await asyncio.gather(*(work(t) for t in takers))
    await settled(sent, len(takers))
    ticks = await room.ask("lag")
    lag = ticks["lag"]
    acked, other, everyone, incomplete = latencies(sent, takers)
    print(f"\n  {label}: {len(sent)} lines sent")
    print(f"    Enter -> ack (stored on disk)                  : {summary(acked)}")
    print(f"    Enter -> stored and seen by another note-taker : {summary(other)}")
    print(f"    Enter -> stored and seen by all {len(takers):3d}          : {summary(everyone)}")
    print(f"    facilitator loop, 10 ms ticker lateness       : {summary(lag)}")
    print(f"    longest stall: {longest(ticks)}")
    if incomplete:
        print(f"    INCOMPLETE: {incomplete} lines without an ack or a broadcast after 60 s")
    return {"p95": percentile(other, 95) if other else float("inf"), "stall": max(lag, default=0.0),
            "incomplete": incomplete}


async def round_of(room: Facilitator, count: int, entries: int, interval: float, offset: int) -> dict:
    sent: dict[str, Sent] = {}
    takers = [NoteTaker(f"nt{offset + n:02d}", source(offset + n), sent) for n in range(count)]
    started = time.perf_counter()
    await room.ask("lag")
    await asyncio.gather(*(t.join(room) for t in takers))
    join_ticks = await room.ask("lag")
    rss = (await room.ask("rss"))["rss_kib"]
    print(f"\n  {count} note-taker(s) joined from {takers[0].address}..{takers[-1].address} in "
          f"{(time.perf_counter() - started) * 1000:.0f} ms; facilitator resident {mib(rss)}; its longest stall "
          f"meanwhile {longest(join_ticks)}")
    try:
        rate = count / interval
        steady_round = await measure(room, takers, sent, f"steady ({count} x {entries} lines, one per "
                                     f"~{interval:g} s each = ~{rate:.1f}/s)",
                                     lambda t: steady(t, entries, interval))
        burst_round = await measure(room, takers, sent, f"burst ({count} x 1 line at the same moment)", burst)
    finally:
        await asyncio.gather(*(t.leave() for t in takers))
    return {"steady": steady_round, "burst": burst_round}


async def main(args: argparse.Namespace) -> None:
    print(f"pmtui browser-room benchmark: {args.clients} page-protocol note-takers, {args.seed_events} events in "
          f"the meeting, facilitator in its own process, {os.cpu_count()} CPUs")
    room = Facilitator(args.seed_events)
    await room.start()
    try:
        await asyncio.sleep(1.0)
        idle = (await room.ask("lag"))["lag"]
        print(f"  facilitator idle 1 s, 10 ms ticker lateness: {summary(idle)}; "
              f"resident {mib((await room.ask('rss'))['rss_kib'])} with nobody in the room")
        print("\n  BASELINE: one note-taker alone")
        alone = await round_of(room, 1, BASELINE_MORE * args.entries, args.interval / BASELINE_MORE, offset=0)
        print(f"\n  {args.clients} NOTE-TAKERS")
        many = await round_of(room, args.clients, args.entries, args.interval, offset=1)
        stored = await room.ask("events")
    finally:
        await room.stop()
    expected = BASELINE_MORE * args.entries + 1 + args.clients * (args.entries + 1)
    print(f"\n  meeting: {stored['events']} note-takers' events, {stored['distinct']} distinct ids "
          f"(expected {expected})")
    for kind in ("steady", "burst"):
        ratio = many[kind]["p95"] / alone[kind]["p95"] if alone[kind]["p95"] else float("nan")
        print(f"  {kind:6s}: stored+broadcast p95 {many[kind]['p95'] * 1000:6.1f} ms with {args.clients} "
              f"(x{ratio:.1f} the one alone) -> {'PASS' if many[kind]['p95'] < P95_TARGET else 'MISS'} "
              f"(< {P95_TARGET * 1000:.0f} ms); longest stall {many[kind]['stall'] * 1000:6.1f} ms -> "
              f"{'PASS' if many[kind]['stall'] <= STALL_TARGET else 'MISS'} (<= {STALL_TARGET * 1000:.0f} ms)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="note-takers, one loopback address each")
    parser.add_argument("--entries", type=int, default=10, help="lines per note-taker in the steady round")
    parser.add_argument("--interval", type=float, default=2.0, help="mean seconds between one note-taker's lines")
    parser.add_argument("--seed-events", type=int, default=500, help="events already in the meeting")
    asyncio.run(main(parser.parse_args()))
