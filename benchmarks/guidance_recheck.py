"""Guidance: re-checking the timeline's wording after one change, with 2,000 events.

Usage: python benchmarks/guidance_recheck.py [--reps 30]

The real PmtuiApp runs headless (160x45) on the timeline phase of a 2,000-event
meeting in which every 25th event blames someone. Each repetition adds one
more blaming event and times the hints panel's ``check_now`` (texts seen
before come from its cache; only the new one is scanned).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from meetings import START, make_meeting
from pmtui.model import to_data
from pmtui.store import MeetingFile
from pmtui.tui.app import make_app
from pmtui.tui.views.timeline import TimelineView
from pmtui.tui.widgets.guidance import GuidancePanel

EVENTS = 2000
TARGET_MS = 100.0
BLAME = "Bob forgot to update the config"


async def measure(reps: int) -> list[float]:
    """Milliseconds per re-check, one per added event."""
    meeting = make_meeting(EVENTS)
    for n, event in enumerate(meeting.events):
        if n % 25 == 0:
            event.description = BLAME
    times = []
    with tempfile.TemporaryDirectory(prefix="pmtui-bench-") as folder:
        MeetingFile.create(Path(folder), to_data(meeting)).close()
        app = make_app(Path(folder), meeting.id)
        try:
            async with app.run_test(size=(160, 45)) as pilot:
                await pilot.pause()
                panel = app.screen.query_one(TimelineView).query_one(GuidancePanel)
                panel.check_now()
                expected = len(panel.findings)
                for rep in range(reps):
                    app.session.add_event(START + timedelta(seconds=7 * rep), f"{BLAME} again ({rep})")
                    started = time.perf_counter()
                    panel.check_now()
                    times.append((time.perf_counter() - started) * 1000)
                    expected += 1
                    assert len(panel.findings) == expected, "each added event is one more finding"
                    await pilot.pause()
        finally:
            app.close_session()
    return times


def report(reps: int = 30) -> list[tuple[str, float, str, bool | None]]:
    """Print the figures; returns (name, value, target, passed or None) for run_all."""
    times = asyncio.run(measure(reps))
    median = statistics.median(times)
    print(f"Guidance: re-check after one change, {EVENTS} events, {reps} changes (ms)")
    print(f"  median {median:6.2f}  max {max(times):6.2f}")
    passed = median < TARGET_MS
    print(f"  guidance re-check, median ms: {median:.2f} (target < {TARGET_MS:g} ms) {'PASS' if passed else 'MISS'}")
    return [(f"guidance re-check {EVENTS} events, median ms", median, f"< {TARGET_MS:g} ms", passed)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30, help="changes to time")
    report(parser.parse_args().reps)


if __name__ == "__main__":
    main()
