"""A burst of 10,000 timeline entries: the longest stall of the facilitator's event loop.

Usage: python benchmarks/burst.py [--entries 10000] [--chunks 1,100,10000] [--no-room]

The facilitator's real app runs headless (``App.run_test`` at 160x45) on the timeline phase of a
meeting whose incident has no start time yet (so the incident's date comes from the events, the
costliest case), sharing it in a room on 127.0.0.1 (its broadcaster sees every change). A task
then adds ``--entries`` entries the way the room does with a note-taker's line (the grammar reads
it on the incident's date, then ``session.add_event``), by 20 note-takers, at times spread around
the incident with some out of order and some blame phrasing for the hints panel. It yields to the
event loop once per chunk (``--chunks``): 1 is one entry per loop pass, 100 what a socket read of
many frames hands the room at once, 10000 the whole burst in one go (the stall is then the whole
burst's cost on the loop: per entry cost x 10,000).

A ticker task (``asyncio.sleep(0.005)`` in a loop) records the gaps between its wake-ups from the
start of the burst until the table shows every entry, the hints are checked and the saver has
everything on disk. It prints the longest stall (longest gap minus the 5 ms sleep), the most CPU the loop's thread
used within one gap (on a busy machine the wall-clock stall also holds time the process waited
for a CPU), the median gap, the total time, and the same ticker in a bare Textual app (the
baseline). Target: the longest stall stays under 100 ms for chunks of up to 100 entries.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from textual.app import App
from textual.widgets import Static

from meetings import START, TIMELINE_PHASE, make_meeting
from pmtui.entry_grammar import parse_event_line
from pmtui.model import to_data
from pmtui.store import MeetingFile

SCREEN = (160, 45)
TICK = 0.005
STALL_TARGET_MS = 100.0
TOKEN = "burst-benchmark-token-0123456789"
_WORDS = ("checkout", "errors", "pool", "rollback", "latency", "alert", "database", "timeout", "deploy", "queue")
_BLAME = ("Lee forgot to check the pool", "should have rolled back sooner", "careless config push")


@dataclass
class Stalls:
    """What a :class:`Ticker` saw, in ms."""

    longest: float
    """The longest gap between two wake-ups, less the sleep itself."""
    longest_cpu: float
    """The most CPU time the loop's thread used within one gap: the stall a machine to itself would see."""
    median: float
    """The median gap."""


class Ticker:
    """Wakes every :data:`TICK` seconds and keeps the gaps between wake-ups (wall clock and loop-thread CPU)."""

    def __init__(self) -> None:
        self.gaps: list[tuple[float, float]] = []
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        last, last_cpu = time.perf_counter(), time.thread_time()
        while True:
            await asyncio.sleep(TICK)
            now, cpu = time.perf_counter(), time.thread_time()
            self.gaps.append((now - last, cpu - last_cpu))
            last, last_cpu = now, cpu

    def start(self) -> None:
        self.gaps = []
        self._task = asyncio.create_task(self._run())

    def stop(self) -> Stalls:
        assert self._task is not None
        self._task.cancel()
        gaps = self.gaps or [(TICK, 0.0)]
        return Stalls(longest=(max(wall for wall, _ in gaps) - TICK) * 1000,
                      longest_cpu=max(cpu for _, cpu in gaps) * 1000,
                      median=statistics.median(wall for wall, _ in gaps) * 1000)


def lines(count: int, seed: int = 11) -> list[tuple[str, str]]:
    """(note-taker, typed line) pairs: times about 7 s apart from 09:00, one in ten out of order."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        seconds = 7 * i if rng.random() > 0.1 else rng.randrange(0, 7 * count)
        moment = START + timedelta(seconds=seconds)
        text = rng.choice(_BLAME) if rng.random() < 0.05 else " ".join(rng.choices(_WORDS, k=rng.randint(3, 9)))
        out.append((f"note-taker {i % 20 + 1}", f"{moment:%H:%M:%S} {text} | {rng.choice(_WORDS)}"))
    return out


def seed_meeting(data_dir: Path) -> str:
    """An empty timeline whose incident has no start or detection time yet."""
    meeting = make_meeting(0)
    meeting.incident.impact_start = meeting.incident.detected = None
    MeetingFile.create(data_dir, to_data(meeting)).close()
    return meeting.id


async def add_burst(session, entries: list[tuple[str, str]], chunk: int) -> None:
    """Add every entry as the room adds a note-taker's line, yielding to the loop after each ``chunk``."""
    for start in range(0, len(entries), chunk):
        for n, (author, line) in enumerate(entries[start : start + chunk], start):
            entry = parse_event_line(line, tz=session.meeting.incident.tz, on=session.incident_date())
            session.add_event(entry.time, entry.description, entry.actor, entry.evidence, author=author,
                              id=f"burst-{n}")
        await asyncio.sleep(0)


async def settled(app, count: int) -> None:
    """Wait until the table shows ``count`` events, the hints are checked and the saver has it all on disk."""
    from pmtui.tui.views.timeline import TimelineView

    view = app.screen.query_one(TimelineView)
    saver = app.session.saver
    while True:
        await asyncio.sleep(0.02)
        if view.table.row_count < count or view.guidance._stale or view.guidance._timer is not None:
            continue
        target = saver.save_target()
        if saver.saved_version >= target:
            return
        await saver.wait_saved(target)


async def burst_in_app(entries: list[tuple[str, str]], chunk: int, room: bool) -> tuple[Stalls, float]:
    from pmtui.tui.app import make_app

    data_dir = Path(tempfile.mkdtemp(prefix="pmtui-burst-"))
    meeting_id = seed_meeting(data_dir)
    if room:
        from pmtui.room.config import RoomConfig

        app = make_app(data_dir, meeting_id, room=RoomConfig(host="127.0.0.1", port=0, token=TOKEN))
    else:
        app = make_app(data_dir, meeting_id)
    ticker = Ticker()
    async with app.run_test(size=SCREEN) as pilot:
        app.session.jump_to_phase(TIMELINE_PHASE)
        await pilot.pause()
        await asyncio.sleep(0.5)
        ticker.start()
        started = time.perf_counter()
        await add_burst(app.session, entries, chunk)
        await settled(app, len(entries))
        total = time.perf_counter() - started
        stalls = ticker.stop()
    app.close_session()
    return stalls, total


class Bare(App):
    def compose(self):
        yield Static("baseline")


async def baseline(seconds: float) -> Stalls:
    """The same ticker in a bare Textual app, for ``seconds``."""
    ticker = Ticker()
    async with Bare().run_test(size=SCREEN):
        await asyncio.sleep(0.5)
        ticker.start()
        await asyncio.sleep(seconds)
        return ticker.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--chunks", default="1,100,10000", help="entries added per event-loop pass, comma-separated")
    parser.add_argument("--no-room", action="store_true", help="do not share the meeting (no room broadcaster)")
    args = parser.parse_args()
    os.environ.setdefault("PMTUI_ROOMS_DIR", tempfile.mkdtemp(prefix="pmtui-burst-rooms-"))
    entries = lines(args.entries)
    print(f"burst of {args.entries} entries into the facilitator's app ({SCREEN[0]}x{SCREEN[1]}, timeline phase"
          f"{', sharing a room' if not args.no_room else ''}); {os.cpu_count()} CPUs")
    print(f"  load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for chunk in (int(c) for c in args.chunks.split(",")):
        stalls, total = asyncio.run(burst_in_app(entries, chunk, not args.no_room))
        verdict = "" if chunk > 100 else ("PASS" if stalls.longest <= STALL_TARGET_MS else "MISS")
        print(f"  {chunk:>6} per loop pass: longest stall {stalls.longest:7.1f} ms (loop CPU in one gap at most "
              f"{stalls.longest_cpu:6.1f} ms)  median gap {stalls.median:5.1f} ms  total {total:6.2f} s  {verdict}")
    stalls = asyncio.run(baseline(2.0))
    print(f"  baseline (bare Textual app, same ticker, 2 s): longest stall {stalls.longest:.1f} ms "
          f"(loop CPU {stalls.longest_cpu:.1f} ms)  median gap {stalls.median:.1f} ms")
    print(f"  load average after: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
