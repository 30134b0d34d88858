"""The note-taker's Enter: what waiting for the outbox write (fsync'd) costs, with 0, 50 and 500 lines pending.

Usage: python benchmarks/outbox_write.py [--reps 30]

``RoomClient.submit`` returns only once the change is on disk (a line shown as
pending must survive kill -9), so the event loop waits for the outbox's worker
to rewrite the file: temp file, fsync, rename, folder fsync. The outbox holds
every unacknowledged change, so the file grows while the facilitator is down.
Printed: median and 90th percentile ms per Enter, and the same bytes written
durably by hand (the disk's share). The target is one frame (16 ms) at the median.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from pmtui.fsio import atomic_write
from pmtui.room.client import RoomClient
from pmtui.room.outbox import Outbox

PENDING = (0, 50, 500)
TARGET_MS = 16.0
LINE = "14:05 proxy pool full on the primary database | db-oncall | grafana: pool panel"


async def enter_ms(folder: Path, pending: int, reps: int) -> tuple[list[float], list[float]]:
    """ms per ``submit`` with ``pending`` lines already waiting, and per durable write of the same file by hand."""
    outbox = Outbox.for_room(f"http://127.0.0.1:1/{pending}", "alice", folder)
    client = RoomClient("http://127.0.0.1:1", "x" * 32, name="alice", outbox=outbox)  # never started: all pending
    for _ in range(pending):
        client.add_event_line(LINE)
    submits, by_hand = [], []
    for _ in range(reps):
        start = time.perf_counter()
        client.add_event_line(LINE)
        submits.append((time.perf_counter() - start) * 1000)
        payload = json.dumps({"entries": [dict(m) for m in outbox]}, indent=1)
        start = time.perf_counter()
        atomic_write(folder / "by-hand.json", payload)
        by_hand.append((time.perf_counter() - start) * 1000)
    await client.stop()
    outbox.close()
    return submits, by_hand


def p90(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.9)]


def report(reps: int = 30) -> list[tuple[str, float, str, bool]]:
    """Print one line per outbox size; the figures (name, median ms, target, met) for run_all's summary."""
    figures = []
    with tempfile.TemporaryDirectory(dir=os.environ.get("PMTUI_BENCH_DIR")) as tmp:
        for pending in PENDING:
            submits, by_hand = asyncio.run(enter_ms(Path(tmp), pending, reps))
            median = statistics.median(submits)
            figures.append((f"outbox write on Enter, {pending} pending (ms)", median, f"<= {TARGET_MS:.0f} ms",
                            median <= TARGET_MS))
            print(f"outbox write on Enter, {pending:>3} pending: median {median:6.2f} ms, p90 {p90(submits):6.2f} ms "
                  f"(same bytes by hand: {statistics.median(by_hand):6.2f} ms; target {TARGET_MS:.0f} ms)")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30)
    raise SystemExit(0 if all(met for *_, met in report(parser.parse_args().reps)) else 1)


if __name__ == "__main__":
    main()
