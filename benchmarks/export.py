"""Export: the Markdown post-mortem of a 2,000-event meeting, against json.dumps of the same data.

Usage: python benchmarks/export.py [--reps 10] [--events 2000]

Both start from the in-memory Meeting: the Markdown is ``render(meeting,
"markdown")`` (the document as published, without the checklist); the baseline is
``json.dumps(to_data(meeting), indent=2)``. Medians of ``--reps`` runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from meetings import make_meeting
from pmtui.export import render
from pmtui.model import to_data

TARGET = 10.0


def median_seconds(call, reps: int) -> float:
    """The median wall time of ``call()`` over ``reps`` runs."""
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def report(reps: int = 10, events: int = 2000) -> list[tuple[str, float, str, bool | None]]:
    """Print the figures; returns (name, value, target, passed or None) for run_all."""
    meeting = make_meeting(events)
    markdown = median_seconds(lambda: render(meeting, "markdown"), reps)
    baseline = median_seconds(lambda: json.dumps(to_data(meeting), indent=2), reps)
    ratio = markdown / baseline
    passed = ratio <= TARGET
    print(f"Export of a {events}-event meeting, {reps} runs each (ms, medians)")
    print(f"  Markdown post-mortem {markdown * 1000:7.1f}   json.dumps of the same data {baseline * 1000:7.1f}")
    print(f"  export Markdown / json.dumps: {ratio:.2f}x (target <= {TARGET:g}x) {'PASS' if passed else 'MISS'}")
    return [(f"export Markdown/json.dumps, {events} events (ratio)", ratio, f"<= {TARGET:g}x", passed)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--events", type=int, default=2000)
    args = parser.parse_args()
    report(args.reps, args.events)


if __name__ == "__main__":
    main()
