"""The facilitator for the browser benchmarks: a meeting session and its RoomServer in a process of their own.

Run by room_many_browsers.py and web_page_load.py (``python facilitator.py --seed-events N``), it serves the
meeting on 127.0.0.1 from a bare asyncio loop, as `pmtui run` does minus the screen, so the note-takers' load
and their measurements never share its loop. A 10 ms ticker on that loop records how late it wakes up: the
facilitator's stalls.

Protocol on stdin/stdout, one JSON object a line: it first prints ``{"port": P, "token": T}``; then
``{"cmd": "lag"}`` answers ``{"lag": [seconds late, ...], "cpu": [its CPU seconds meanwhile, ...]}`` since
the last ``lag`` (and starts a new series),
``{"cmd": "events"}`` answers ``{"events": n, "distinct": n}`` (the note-takers' events in the meeting),
``{"cmd": "rss"}`` answers ``{"rss_kib": n}`` (its resident size, Linux only), and ``{"cmd": "quit"}`` stops
the room and closes the session.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from pmtui.model import Incident, TimelineEvent  # noqa: E402
from pmtui.room.server import RoomServer  # noqa: E402
from pmtui.session import MeetingSession  # noqa: E402

TOKEN = "benchmark-token-0123456789"
TICK = 0.01


def seed_meeting(data_dir: Path, count: int) -> str:
    """A meeting with ``count`` timeline events already in it (what a room mid-meeting sends each joiner)."""
    session = MeetingSession.create(data_dir, Incident("Benchmark: checkout errors", tz="UTC"), "standard-90")
    session.update_incident(impact_start="2026-03-14 09:00")
    start = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
    session.import_events([TimelineEvent(time=start + timedelta(seconds=7 * n), description=f"seeded event {n}",
                                         actor="seed", author="facilitator") for n in range(count)])
    session.close()
    return session.meeting.id


def rss_kib(pid: int) -> int | None:
    """The resident set size of process ``pid`` in KiB; None where /proc is not there."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    return next((int(line.split()[1]) for line in lines if line.startswith("VmRSS:")), None)


class Ticker:
    """A 10 ms sleep in a loop, recording how late each wake-up is (the loop's stalls).

    With each lateness it records the CPU time the process used meanwhile: a long stall with little CPU
    is the process waiting for a core that other programs hold (a busy machine), not its own work.
    """

    def __init__(self) -> None:
        self.lag: list[float] = []
        self.cpu: list[float] = []

    async def run(self) -> None:
        while True:
            started, cpu = time.perf_counter(), time.process_time()
            await asyncio.sleep(TICK)
            self.lag.append(max(0.0, time.perf_counter() - started - TICK))
            self.cpu.append(time.process_time() - cpu)


async def serve(seed_events: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="pmtui-bench-"))
    os.environ["PMTUI_ROOMS_DIR"] = str(work / "rooms")  # the meeting's join token is kept here, not in yours
    (work / "meetings").mkdir()
    meeting_id = seed_meeting(work / "meetings", seed_events)
    session = MeetingSession.open(work / "meetings", meeting_id)
    session.defer_saves(asyncio.get_running_loop().call_soon)  # as the app does: one snapshot per loop pass
    session.jump_to_phase(next(i for i, p in enumerate(session.agenda.phases) if p.kind == "timeline"))
    session.start_clock()
    server = RoomServer(session, host="127.0.0.1", port=0, token=TOKEN)  # the default limits, as in a meeting
    await server.start()
    ticker = Ticker()
    ticking = asyncio.create_task(ticker.run())
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    print(json.dumps({"port": server.port, "token": TOKEN}), flush=True)
    while line := await reader.readline():
        command = json.loads(line)["cmd"]
        if command == "quit":
            break
        if command == "lag":
            print(json.dumps({"lag": ticker.lag, "cpu": ticker.cpu}), flush=True)
            ticker.lag, ticker.cpu = [], []
        elif command == "rss":
            print(json.dumps({"rss_kib": rss_kib(os.getpid())}), flush=True)
        elif command == "events":
            ids = [e.id for e in session.meeting.events if e.author != "facilitator"]
            print(json.dumps({"events": len(ids), "distinct": len(set(ids))}), flush=True)
    ticking.cancel()
    await server.stop()
    session.close()


class Facilitator:
    """The facilitator process, seen from a benchmark: start it, ask it, stop it."""

    def __init__(self, seed_events: int) -> None:
        self.seed_events = seed_events
        self.port = 0
        self.token = TOKEN
        self._process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--seed-events", str(self.seed_events),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=64 * 1024 * 1024)
        started = json.loads(await asyncio.wait_for(self._process.stdout.readline(), 60))
        self.port, self.token = started["port"], started["token"]

    async def ask(self, command: str) -> dict:
        self._process.stdin.write((json.dumps({"cmd": command}) + "\n").encode())
        await self._process.stdin.drain()
        return json.loads(await asyncio.wait_for(self._process.stdout.readline(), 60))

    async def stop(self) -> None:
        if self._process is None:
            return
        self._process.stdin.write(b'{"cmd": "quit"}\n')
        await self._process.stdin.drain()
        try:
            await asyncio.wait_for(self._process.wait(), 20)
        except TimeoutError:
            self._process.kill()
            await self._process.wait()
        self._process = None


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed-events", type=int, default=500)
    asyncio.run(serve(parser.parse_args().seed_events))
