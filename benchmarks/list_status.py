"""How fast ``pmtui list`` answers with 200 meetings, now that it shows each ended meeting's draft marker.

Usage: python benchmarks/list_status.py [--count 200] [--runs 7]

Writes ``--count`` realistic meetings (see tests/library_factory.py) into a
temporary folder: a third active, a third ended (half of them with every
required section written, half with none), a third published. Prints the
median in-process time of :func:`pmtui.store.list_meetings` and the median
wall time of a real ``pmtui list`` and ``pmtui list --status ended``
subprocess (the command as a user runs it, start-up included). To compare with
another checkout, run it with ``PYTHONPATH=<that checkout>/src``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from library_factory import random_meeting, write_meeting  # noqa: E402
from pmtui.store import list_meetings  # noqa: E402

REQUIRED = ("summary", "narrative", "response", "lessons")


def write_meetings(folder: Path, count: int) -> None:
    rng = random.Random(15)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    for k in range(count):
        meeting = random_meeting(rng, now)
        meeting.status = ("active", "ended", "published")[k % 3]
        if meeting.status != "active" and k % 2:
            meeting.sections = {key: f"The {key}, written. " * 40 for key in REQUIRED}
        else:
            meeting.incident.summary = ""
        write_meeting(folder, meeting)


def median_seconds(run, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    program = [sys.executable, "-m", "pmtui.cli"]  # $PYTHONPATH may point at another checkout to compare
    with tempfile.TemporaryDirectory(prefix="pmtui-list-") as tmp:
        folder = Path(tmp)
        write_meetings(folder, args.count)
        in_process = median_seconds(lambda: list_meetings(folder), args.runs)
        print(f"list_meetings, {args.count} meetings: {in_process * 1000:.1f} ms (median of {args.runs})")
        for label, extra in (("pmtui list", []), ("pmtui list --status ended", ["--status", "ended"])):
            command = [*program, "--data-dir", str(folder), "list", *extra]

            def run(command=command):
                subprocess.run(command, check=False, capture_output=True)

            wall = median_seconds(run, args.runs)
            print(f"{label}, {args.count} meetings: {wall * 1000:.0f} ms wall (median of {args.runs})")


if __name__ == "__main__":
    main()
