"""Live note-takers under load: latency to stored + broadcast, and the facilitator's frame time.

Run:  python benchmarks/room_latency.py            # the facilitator's app, 20 note-takers, 2,000 events
      python benchmarks/room_latency.py --no-ui    # RoomServer + MeetingSession alone (no Textual app)

The facilitator is the real PmtuiApp, headless (``run_test``, 160x48), sharing
its meeting (2,000 timeline events already in it) on 127.0.0.1, showing the
timeline phase with the RoomStatus in its sidebar. Twenty note-takers
(RoomClients with their on-disk outboxes) run in 4 separate processes and type:

* steady: each note-taker sends ``--events`` events, one every ``--interval``
  seconds on average (exponential gaps), all note-takers at the same time;
* burst: every note-taker sends ``--burst`` events back to back, at once.

For every event it reports the time from the note-taker's Enter (before the
outbox write) to (a) the facilitator's ack, which is sent only once the saver
has the event on disk, and (b) the event being on disk and received by every
one of the note-takers: median, p95, p99, max. The processes share
``time.perf_counter`` (CLOCK_MONOTONIC on Linux), so times compare across them.

On the facilitator it measures, in each phase, how late a 10 ms asyncio sleep
wakes up (event-loop stalls), how late a 10 ms Textual interval fires
(message-queue stalls) and how long each screen update takes
(``Screen._on_timer_update``: layout + compositor; the headless driver skips
the terminal write).

This is a script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from pmtui.model import Incident, TimelineEvent  # noqa: E402
from pmtui.room.client import Acked, RoomClient, RoomUpdate  # noqa: E402
from pmtui.room.outbox import Outbox  # noqa: E402
from pmtui.room.protocol import EventsChanged  # noqa: E402

TOKEN = "benchmark-token"


# --- note-taker processes ----------------------------------------------------------------------


async def load_main(url: str, names: list[str], outbox_dir: str) -> None:
    """A process with a few note-takers, driven by commands on stdin, answering JSON on stdout."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    received: dict[str, dict[str, float]] = {name: {} for name in names}
    sends: dict[str, dict] = {}
    clients: list[RoomClient] = []
    for name in names:
        def on_update(update: RoomUpdate, name: str = name) -> None:
            now = time.perf_counter()
            if isinstance(update, EventsChanged):  # one event, or several broadcast together
                for event in update.events:
                    received[name][event.id] = now
            elif isinstance(update, Acked) and update.ref in sends:
                sends[update.ref]["ack"] = now

        client = RoomClient(url, TOKEN, name=name, outbox=Outbox.for_room(url, name, outbox_dir), on_update=on_update)
        clients.append(client)
        await client.start()
    while not all(c.connected and c._greeted for c in clients):
        await asyncio.sleep(0.01)
    print(json.dumps({"ready": True}), flush=True)

    async def send(client: RoomClient, n: int, tag: str) -> None:
        t0 = time.perf_counter()
        clock = f"15:{n % 60:02d}:{random.randrange(60):02d}"
        entry = client.add_event_line(f"{clock} {tag} {client.name} #{n} | {client.name}")
        sent = sends[entry.id] = {"sender": client.name, "t0": t0}
        on_disk = asyncio.ensure_future(client.saved())  # the outbox is written off the event loop
        on_disk.add_done_callback(lambda _: sent.__setitem__("written", time.perf_counter()))

    async def steady(client: RoomClient, count: int, interval: float) -> None:
        await asyncio.sleep(random.uniform(0, interval))
        for n in range(count):
            await send(client, n, "steady")
            await asyncio.sleep(random.expovariate(1 / interval))

    async def burst(client: RoomClient, count: int) -> None:
        for n in range(count):
            await send(client, n, "burst")

    while line := await reader.readline():
        command = json.loads(line)
        if command["cmd"] == "quit":
            break
        sends.clear()
        for seen in received.values():
            seen.clear()
        if command["cmd"] == "steady":
            await asyncio.gather(*(steady(c, command["count"], command["interval"]) for c in clients))
        else:
            await asyncio.gather(*(burst(c, command["count"]) for c in clients))
        expected = command["expected"]
        deadline = time.perf_counter() + 60
        while time.perf_counter() < deadline and not (
            all("ack" in s for s in sends.values()) and all(len(r) >= expected for r in received.values())
        ):
            await asyncio.sleep(0.01)
        print(json.dumps({"sends": sends, "received": received,
                          "outbox_left": sum(len(c.pending) for c in clients)}), flush=True)
    for client in clients:
        await client.stop()
        client.outbox.close()


# --- the facilitator ---------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    if not ms:
        return "n=0"
    return (f"median {statistics.median(ms):7.1f} ms   p95 {percentile(ms, 95):7.1f} ms   "
            f"p99 {percentile(ms, 99):7.1f} ms   max {max(ms):7.1f} ms   (n={len(ms)})")


class Probe:
    """Event-loop lateness, Textual timer lateness and screen update times, per phase."""

    def __init__(self, app) -> None:
        self.app = app
        self.loop_lag: list[float] = []
        self.timer_lag: list[float] = []
        self.frames: list[float] = []
        self._last_timer: float | None = None
        self._task: asyncio.Task | None = None

    def reset(self) -> None:
        self.loop_lag, self.timer_lag, self.frames = [], [], []
        self._last_timer = None

    async def _sleeper(self) -> None:
        while True:
            t = time.perf_counter()
            await asyncio.sleep(0.01)
            self.loop_lag.append(time.perf_counter() - t - 0.01)

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last_timer is not None:
            self.timer_lag.append(max(0.0, now - self._last_timer - 0.01))
        self._last_timer = now

    def install(self) -> None:
        """Time every screen update (patched before the app starts, so its timers pick it up)."""
        from textual.screen import Screen

        probe = self
        original = Screen._on_timer_update

        def timed(screen) -> None:
            t = time.perf_counter()
            original(screen)
            probe.frames.append(time.perf_counter() - t)

        Screen._on_timer_update = timed

    def start(self) -> None:
        self._task = asyncio.create_task(self._sleeper())
        if self.app is not None:
            self.app.set_interval(0.01, self._tick)

    def report(self, label: str) -> None:
        print(f"  facilitator during {label}:")
        print(f"    event loop, 10 ms sleep lateness : {summary(self.loop_lag)}")
        print(f"    Textual 10 ms interval lateness  : {summary(self.timer_lag)}")
        print(f"    screen update (layout+compositor): {summary(self.frames)}")


def seed_meeting(data_dir: Path, count: int) -> str:
    from pmtui.session import MeetingSession

    session = MeetingSession.create(data_dir, Incident("Benchmark: checkout errors"), "standard-90")
    session.update_incident(impact_start="2026-03-14 09:00")
    start = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
    session.import_events([
        TimelineEvent(time=start + timedelta(seconds=7 * n), description=f"seeded event {n}", actor="seed",
                      author="facilitator")
        for n in range(count)
    ])
    session.close()
    return session.meeting.id


async def facilitator_main(args: argparse.Namespace) -> None:
    from pmtui.room.config import RoomConfig
    from pmtui.room.limits import RoomLimits

    work = Path(tempfile.mkdtemp(prefix="pmtui-bench-"))
    data_dir = work / "meetings"
    data_dir.mkdir()
    outbox_dir = work / "outbox"
    os.environ["PMTUI_ROOMS_DIR"] = str(work / "rooms")  # the meeting's join token is kept here, not in yours
    meeting_id = seed_meeting(data_dir, args.seed_events)
    # every note-taker connects from 127.0.0.1: the per-address cap is raised for them; the burst measures
    # latency, not the per-note-taker limit: the entry rate is raised past it
    config = RoomConfig(host="127.0.0.1", port=0, token=TOKEN,
                        limits=RoomLimits(max_per_address=args.clients + 10, entry_rate=max(20, args.burst)))
    probe = Probe(None)
    print(f"pmtui room benchmark: {args.clients} note-takers in {args.procs} processes, "
          f"{args.seed_events} events already in the meeting, {os.cpu_count()} CPUs")
    if args.no_ui:
        await _without_ui(args, data_dir, meeting_id, config, outbox_dir, probe)
    else:
        await _with_app(args, data_dir, meeting_id, config, outbox_dir, probe)


async def _with_app(args, data_dir, meeting_id, config, outbox_dir, probe) -> None:
    """The facilitator's real app, headless, on the timeline phase with the RoomStatus in its sidebar."""
    from pmtui.tui.app import make_app
    from pmtui.tui.widgets.room_status import RoomStatus

    probe.install()
    wired = "room" in inspect.signature(make_app).parameters
    app = make_app(data_dir, meeting_id, room=config) if wired else make_app(data_dir, meeting_id)
    print(f"  facilitator: PmtuiApp headless 160x48 on the timeline phase; sharing "
          f"{'via make_app(room=...)' if wired else 'wired by this script'}")
    async with app.run_test(size=(160, 48)) as pilot:
        if wired:
            server = app.room_server
        else:  # what the app does once the lead wires it: start on mount, RoomStatus in the sidebar
            server = config.server(app.session)
            await server.start()
            await app.screen.query_one("#sidebar").mount(RoomStatus(server, id="room-status"))
        app.session.jump_to_phase(1)  # the timeline, with its table of 2,000 rows on screen
        app.session.start_clock()
        await pilot.pause()
        probe.app = app
        probe.start()
        await _drive(args, server, app.session, outbox_dir, probe)
        if not wired:
            await server.stop()
    app.close_session()


async def _without_ui(args, data_dir, meeting_id, config, outbox_dir, probe) -> None:
    """The same load on the RoomServer and session alone (no Textual app), to tell their cost from the UI's."""
    from pmtui.session import MeetingSession

    session = MeetingSession.open(data_dir, meeting_id)
    session.defer_saves(asyncio.get_running_loop().call_soon)  # as the app does: one snapshot per loop pass
    server = config.server(session)
    await server.start()
    print("  facilitator: NO UI (RoomServer + MeetingSession on a bare asyncio loop)")
    probe.start()
    await _drive(args, server, session, outbox_dir, probe)
    await server.stop()
    session.close()


async def _drive(args, server, session, outbox_dir, probe) -> None:
    """Idle baseline, then the note-taker processes: join, steady load, burst."""
    url = f"http://127.0.0.1:{server.port}"
    await asyncio.sleep(2.0)
    probe.report("2 s idle (baseline)")

    names = [f"nt{i:02d}" for i in range(args.clients)]
    groups = [names[i::args.procs] for i in range(args.procs)]
    procs = []
    for group in groups:
        procs.append(await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--load", url, "--names", ",".join(group), "--outbox-dir", str(outbox_dir),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=64 * 1024 * 1024))
    t_join = time.perf_counter()
    for proc in procs:
        assert json.loads(await proc.stdout.readline())["ready"]
    print(f"  {args.clients} note-takers joined (each got a {args.seed_events}-event snapshot) in "
          f"{(time.perf_counter() - t_join) * 1000:.0f} ms (process start included)")

    async def round_(command: dict, label: str) -> None:
        probe.reset()
        for proc in procs:
            proc.stdin.write((json.dumps(command) + "\n").encode())
            await proc.stdin.drain()
        results = [json.loads(await proc.stdout.readline()) for proc in procs]
        measured = (list(probe.loop_lag), list(probe.timer_lag), list(probe.frames))
        sends = {k: v for r in results for k, v in r["sends"].items()}
        received: dict[str, list[float]] = {}
        for r in results:
            for per_client in r["received"].values():
                for event_id, t in per_client.items():
                    received.setdefault(event_id, []).append(t)
        written, acked, everyone, lost = [], [], [], 0
        for event_id, sent in sends.items():
            seen = received.get(event_id, [])
            if "ack" not in sent or len(seen) < args.clients:
                lost += 1
                continue
            written.append(sent["written"] - sent["t0"])
            acked.append(sent["ack"] - sent["t0"])
            everyone.append(max(sent["ack"], max(seen)) - sent["t0"])
        stored = len(session.meeting.events) - args.seed_events
        print(f"\n  {label}: {len(sends)} events sent")
        print(f"    Enter -> in the note-taker's outbox (fsync)       : {summary(written)}")
        print(f"    Enter -> facilitator ack (event on disk)           : {summary(acked)}")
        print(f"    Enter -> on disk AND received by all {args.clients} note-takers: {summary(everyone)}")
        print(f"    incomplete: {lost}; events from note-takers in the session so far: {stored}; "
              f"outbox entries left: {sum(r['outbox_left'] for r in results)}")
        probe.loop_lag, probe.timer_lag, probe.frames = measured
        probe.report(label)

    per_client = args.events
    rate = args.clients / args.interval
    steady = {"cmd": "steady", "count": per_client, "interval": args.interval, "expected": per_client * args.clients}
    await round_(steady, f"steady load ({args.clients} x {per_client} events, "
                         f"one per ~{args.interval:g} s each = ~{rate:.0f}/s)")
    await round_({"cmd": "burst", "count": args.burst, "expected": args.burst * args.clients},
                 f"burst ({args.clients} x {args.burst} events at once)")
    for proc in procs:
        proc.stdin.write(b'{"cmd": "quit"}\n')
        await proc.stdin.drain()
    for proc in procs:
        await proc.wait()
    ids = [e.id for e in session.meeting.events]
    print(f"\n  session: {len(ids)} events, {len(set(ids))} distinct ids "
          f"(expected {args.seed_events + args.clients * (per_client + args.burst)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--procs", type=int, default=4, help="note-taker processes (the clients are spread over them)")
    parser.add_argument("--seed-events", type=int, default=2000)
    parser.add_argument("--events", type=int, default=10, help="events per note-taker in the steady phase")
    parser.add_argument("--interval", type=float, default=2.0, help="mean seconds between one note-taker's events")
    parser.add_argument("--burst", type=int, default=3, help="events per note-taker in the burst")
    parser.add_argument("--no-ui", action="store_true", help="run the RoomServer + session without the app")
    parser.add_argument("--load", help=argparse.SUPPRESS)
    parser.add_argument("--names", help=argparse.SUPPRESS)
    parser.add_argument("--outbox-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        asyncio.run(load_main(args.load, args.names.split(","), args.outbox_dir))
    else:
        asyncio.run(facilitator_main(args))


if __name__ == "__main__":
    main()
