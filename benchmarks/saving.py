"""Saving: what one change costs, on disk and on the event loop, with 20 and 2,000 events.

Usage: python benchmarks/saving.py [--reps 30]

For each meeting size it times (medians, ms):

* ``MeetingFile.save`` (tables, JSON, temp file, fsync, rename, folder fsync),
  against writing the same bytes durably by hand (the baseline: the disk's share);
* the Saver end to end: ``submit`` until ``flush`` sees the change on disk;
* the event-loop cost of a change: the ``session.add_event`` call, which also
  snapshots the meeting for the writer thread;
* how late a 1 ms asyncio timer fires while changes are typed every 20 ms and
  saved (the writer thread holds the GIL while it serialises), against the same
  with a writer that writes nothing (the difference is the writer thread's).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from meetings import START, write_meeting
from pmtui.model import to_data
from pmtui.session import MeetingSession
from pmtui.store import MeetingFile, SessionSaver

SIZES = (20, 2000)
LOOP_COST_TARGET_MS = 2.0
LAG_TARGET_MS = 16.0


def _ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


def raw_write(folder: Path, payload: bytes) -> float:
    """Seconds to write ``payload`` to a temp file, fsync it and rename it (no serialising)."""
    started = time.perf_counter()
    tmp, final = folder / ".raw.tmp", folder / "raw.json"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, payload)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, final)
    dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return time.perf_counter() - started


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def disk_costs(folder: Path, meeting_id: str, reps: int) -> dict[str, float]:
    """Median ms of MeetingFile.save, the raw write of its bytes, and Saver submit-to-disk."""
    session = MeetingSession.open(folder, meeting_id)
    try:
        data = to_data(session.meeting)
        payload = _payload(session.file, data)
        saves, raws, saver = [], [], []
        for _ in range(reps):
            saves.append(_timed(lambda: session.file.save(data)))
            raws.append(raw_write(folder, payload))
            snapshot = to_data(session.meeting)
            started = time.perf_counter()
            session.saver.submit(snapshot)
            session.saver.flush()
            saver.append(time.perf_counter() - started)
    finally:
        session.close()
    return {"save": _ms(saves), "raw": _ms(raws), "saver": _ms(saver), "bytes": len(payload)}


def _payload(file: MeetingFile, data: dict) -> bytes:
    """The bytes ``file.save(data)`` writes (read back after one save)."""
    file.save(data)
    return file.path.read_bytes()


def loop_cost(folder: Path, meeting_id: str, reps: int) -> float:
    """Median ms of one ``session.add_event`` call (what a change costs the event loop)."""
    session = MeetingSession.open(folder, meeting_id)
    try:
        times = [_timed(lambda i=i: session.add_event(START + timedelta(seconds=7 * i + 3), f"typed {i}"))
                 for i in range(reps)]
        session.flush()
    finally:
        session.close()
    return _ms(times)


async def _lag(session: MeetingSession, changes: int) -> list[float]:
    """Lateness (s) of a 1 ms timer while ``changes`` events are added 20 ms apart."""
    lags: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            await asyncio.sleep(0.001)
            lags.append(time.perf_counter() - started - 0.001)

    task = asyncio.create_task(ticker())
    for i in range(changes):
        session.add_event(START + timedelta(seconds=11 * i + 5), f"lag probe {i}")
        await asyncio.sleep(0.02)
    await asyncio.to_thread(session.flush)
    stop.set()
    await task
    return lags


class _NoWrite:
    """A meeting file that takes snapshots and writes nothing."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def save(self, data: dict) -> None:
        pass


def loop_lag(folder: Path, meeting_id: str, changes: int, *, saving: bool) -> float:
    """p95 ms of the timer's lateness, with the writer thread saving or writing nothing."""
    session = MeetingSession.open(folder, meeting_id)
    if not saving:
        session.saver.close()
        session.saver = SessionSaver(_NoWrite(session.file.path), session.meeting)
    try:
        lags = sorted(asyncio.run(_lag(session, changes)))
    finally:
        session.close()
    return lags[int(0.95 * (len(lags) - 1))] * 1000


def report(reps: int = 30) -> list[tuple[str, float, str, bool | None]]:
    """Print the figures; returns (name, value, target, passed or None) for run_all."""
    figures: list[tuple[str, float, str, bool | None]] = []
    print(f"Saving: one change, {reps} repetitions (ms, medians)")
    for count in SIZES:
        with tempfile.TemporaryDirectory(prefix="pmtui-bench-") as folder:
            meeting_id = write_meeting(Path(folder), count)
            disk = disk_costs(Path(folder), meeting_id, reps)
            cost = loop_cost(Path(folder), meeting_id, reps)
            lag_on = loop_lag(Path(folder), meeting_id, reps, saving=True)
            lag_off = loop_lag(Path(folder), meeting_id, reps, saving=False)
        print(f"  {count:>5} events ({disk['bytes'] / 1024:.0f} KiB): MeetingFile.save {disk['save']:6.2f}  "
              f"raw write of its bytes {disk['raw']:6.2f}  Saver submit-to-disk {disk['saver']:6.2f}")
        print(f"  {count:>5} events: event-loop cost of a change {cost:6.2f}  "
              f"loop lag p95 saving {lag_on:6.2f} / not writing {lag_off:6.2f}")
        figures += [
            (f"save {count} events / raw write (ratio)", disk["save"] / disk["raw"], "info", None),
            (f"Saver submit-to-disk {count} events, ms", disk["saver"], "info (off the event loop)", None),
            (f"event-loop cost of a change, {count} events, ms", cost, f"< {LOOP_COST_TARGET_MS:g} ms",
             cost < LOOP_COST_TARGET_MS),
            (f"loop lag p95 saving, {count} events, ms", lag_on, f"< {LAG_TARGET_MS:g} ms", lag_on < LAG_TARGET_MS),
            (f"loop lag p95 saving / not writing, {count} events", lag_on / lag_off, "info", None),
        ]
    for name, value, target, passed in figures:
        verdict = "" if passed is None else (" PASS" if passed else " MISS")
        print(f"  {name}: {value:.2f} (target {target}){verdict}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30)
    report(parser.parse_args().reps)


if __name__ == "__main__":
    main()
