"""Typed times: what reading a bare HH:MM near the person's previous entry costs per add, by meeting size.

Usage: python benchmarks/typed_times.py [--reps 2000]

A bare time is dated from the author's previous entry, kept per author in the
session (not found by scanning the timeline), so an add with a typed time must
cost the same with 20 events as with 20,000. Prints the median microseconds of
``session.add_event("HH:MM", …, author=…)`` in an in-memory session (no saver:
only the reading and the append), for each size, and the large/small ratio
(target: at most 1.5).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from meetings import make_meeting
from pmtui.agenda import resolve_agenda
from pmtui.session import MeetingSession

SIZES = (20, 20_000)
RATIO_TARGET = 1.5
AUTHORS = ("Ana", "Bo", "Priya")


def per_add_us(events: int, reps: int) -> float:
    """Median µs of one add with a bare typed time, three authors taking turns."""
    session = MeetingSession(make_meeting(events), resolve_agenda("standard-90"))
    times = []
    for i in range(reps):
        clock = f"{9 + (i // 60) % 12:02d}:{i % 60:02d}"
        author = AUTHORS[i % len(AUTHORS)]
        started = time.perf_counter()
        session.add_event(clock, f"typed {i}", author=author)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2000)
    reps = parser.parse_args().reps
    figures = {size: per_add_us(size, reps) for size in SIZES}
    for size, us in figures.items():
        print(f"add with a typed time, {size:>6} events: {us:7.1f} µs (median of {reps})")
    ratio = figures[SIZES[-1]] / figures[SIZES[0]]
    verdict = "PASS" if ratio <= RATIO_TARGET else "MISS"
    print(f"ratio {SIZES[-1]}/{SIZES[0]} events: {ratio:.2f}x (target ≤ {RATIO_TARGET}x) {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
