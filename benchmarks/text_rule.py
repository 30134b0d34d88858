"""The text rule's cost when a meeting is read: the time ``read_meeting`` spends cleaning an N-event meeting.

Usage: python benchmarks/text_rule.py [--runs 21] [--events 2000]

Every meeting file read passes ``model.upgrade``, which removes control, bidi
and invisible characters (``pmtui.text.clean_data``). This times that step
inside real reads of a meeting file (fresh data, as the app sees it) and the
reads themselves, and prints the medians and the step's share of a read.
Target: at most 10 ms for 2,000 events (a meeting is read once when opened;
the library caches what it read).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from meetings import write_meeting
from pmtui import model
from pmtui.store import read_meeting

TARGET_MS = 10.0


def measure(runs: int = 21, events: int = 2000) -> tuple[float, float]:
    """Median seconds of the cleaning step and of the whole read."""
    ruled = model.clean_data
    steps: list[float] = []
    reads: list[float] = []

    def timed(data):
        start = time.perf_counter()
        try:
            return ruled(data)
        finally:
            steps.append(time.perf_counter() - start)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{write_meeting(Path(folder), events)}.json"
        read_meeting(path)  # warm the converters
        model.clean_data = timed
        try:
            for _ in range(runs):
                start = time.perf_counter()
                read_meeting(path)
                reads.append(time.perf_counter() - start)
        finally:
            model.clean_data = ruled
    return statistics.median(steps), statistics.median(reads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--events", type=int, default=2000)
    args = parser.parse_args()
    step, read = measure(args.runs, args.events)
    print(f"read_meeting, {args.events} events: {read * 1000:.1f} ms, of which the text rule {step * 1000:.1f} ms "
          f"({step / read:.0%}); target <= {TARGET_MS:g} ms {'PASS' if step * 1000 <= TARGET_MS else 'MISS'}")


if __name__ == "__main__":
    main()
