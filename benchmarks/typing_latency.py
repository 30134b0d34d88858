"""Typing: from a quick-entry Enter to the new row on screen, with 20 and 2,000 events.

Usage: python benchmarks/typing_latency.py [--reps 60]

(Not ``typing.py``: a script of that name would shadow the standard library's
``typing`` for every script run from this folder.)

The real PmtuiApp runs headless (``run_test``, 160x45) on the timeline phase.
Each repetition puts a line in the entry, posts the Enter key to it and times
two moments: the table holding the new event's row ("row"), and the first
screen update that paints that row inside the table's viewport ("frame", the
figure the targets are for). Textual paints at most 60 frames a second, so a
frame also waits 0-17 ms for its turn. The lines land at random places inside
the timeline, so each one also moves rows and scrolls.

For scale, the same is timed on a bare Textual app: a DataTable of the same
size beside an entry line that adds, sorts and selects a row on Enter ("floor":
what any Textual app pays for the same screen change).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from meetings import START, write_meeting  # noqa: E402
from textual import events  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import DataTable, Input  # noqa: E402

from pmtui.changes import Entity, Op  # noqa: E402
from pmtui.tui.app import make_app  # noqa: E402
from pmtui.tui.views.timeline import TimelineView  # noqa: E402
from pmtui.tui.widgets.quick_entry import EntryLine  # noqa: E402

SIZES = (20, 2000)
SCREEN = (160, 45)
RATIO_TARGET = 1.5
MEDIAN_TARGET_MS = 16.0


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Probe:
    """Times one Enter: until the table holds the new row, then until a frame shows it."""

    def __init__(self, app: App) -> None:
        self.table = None  # the bare app's DataTable or pmtui's EventTable
        self.key: str | None = None
        self.row_at = 0.0
        self.done = asyncio.Event()
        display = app._display

        def timed_display(screen, renderable) -> None:
            display(screen, renderable)
            if self.key is not None and not self.done.is_set() and self._visible():
                self.done.set()

        app._display = timed_display

    def row_added(self, table: DataTable, key: str) -> None:
        """Called as soon as ``table`` holds the row ``key``."""
        if self.key is None:
            self.table, self.key, self.row_at = table, key, time.perf_counter()

    def _visible(self) -> bool:
        table = self.table
        index = table.get_row_index(self.key)
        top = round(table.scroll_y)
        header = table.header_height if isinstance(table, DataTable) else 1  # pmtui's EventTable: one header line
        return top <= index < top + table.scrollable_content_region.height - header

    async def enter(self, line: Input) -> tuple[float, float]:
        """Post Enter to ``line``; milliseconds to the row and to the frame showing it."""
        self.key = None
        self.done.clear()
        started = time.perf_counter()
        line.post_message(events.Key("enter", "\r"))
        await self.done.wait()
        painted = time.perf_counter()
        return (self.row_at - started) * 1000, (painted - started) * 1000


class BareTable(App):
    """The floor: a DataTable of ``count`` rows that adds, sorts and selects a row per Enter."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count
        self.probe = Probe(self)

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield EntryLine()  # an Input that submits on the Enter key event itself

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Time", "Event", "Actor", "Evidence", "Author")
        for i in range(self.count):
            table.add_row(f"{i * 20:08d}", f"step {i}: checkout errors pool rollback", "priya", "grafana", "Ana", key=str(i))
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        table = self.query_one(DataTable)
        order, _, text = event.value.partition(" ")
        key = f"typed-{table.row_count}"
        table.add_row(order, text, "bench", "", "Ana", key=key)
        table.sort(table.ordered_columns[0].key)
        table.move_cursor(row=table.get_row_index(key))
        self.probe.row_added(table, key)


async def measure(count: int, reps: int, *, bare: bool = False, seed: int = 1) -> dict[str, list[float]]:
    """Milliseconds from Enter to the row and to the frame, per repetition."""
    rng = random.Random(seed)
    times: dict[str, list[float]] = {"row": [], "frame": []}
    with tempfile.TemporaryDirectory(prefix="pmtui-bench-") as folder:
        app = BareTable(count) if bare else make_app(Path(folder), write_meeting(Path(folder), count))
        probe = app.probe if bare else Probe(app)
        try:
            async with app.run_test(size=SCREEN) as pilot:
                await pilot.pause()
                line = app.query_one(Input) if bare else _watch(app, probe)
                for rep in range(reps):
                    offset = rng.uniform(0, 20 * (count - 1))
                    moment = START + timedelta(seconds=offset)
                    line.value = f"{offset:08.0f} typed {rep}" if bare else f"{moment:%H:%M:%S} typed line {rep} | bench"
                    await pilot.pause(0.05)  # the typed text is painted
                    for name, value in zip(("row", "frame"), await probe.enter(line)):
                        times[name].append(value)
        finally:
            if not bare:
                app.close_session()
    return times


def _watch(app, probe: Probe) -> Input:
    """Report each added event's row to ``probe``; returns the timeline's entry line."""
    view = app.screen.query_one(TimelineView)
    handle, events_ = view.on_session_change, app.session.meeting.events

    def timed(change) -> None:
        handle(change)
        if (change.entity, change.op) == (Entity.EVENT, Op.ADDED) and events_[-1].id in view.table:
            probe.row_added(view.table, events_[-1].id)

    view.on_session_change = timed
    return view.entry.input


def _line(label: str, values: list[float]) -> str:
    return (f"  {label:<28} median {statistics.median(values):6.2f}  p95 {percentile(values, 0.95):6.2f}"
            f"  max {max(values):6.2f}")


def report(reps: int = 60) -> list[tuple[str, float, str, bool | None]]:
    """Print the figures; returns (name, value, target, passed or None) for run_all."""
    small, large = SIZES
    results = {(count, bare): asyncio.run(measure(count, reps, bare=bare)) for count in SIZES for bare in (False, True)}
    print(f"Typing: Enter to new row, {reps} lines each, {SCREEN[0]}x{SCREEN[1]} (ms)")
    for (count, bare), times in results.items():
        for name, values in times.items():
            print(_line(f"{'floor' if bare else 'pmtui'} {count:>5} rows, to {name}", values))
    frame = {count: statistics.median(results[count, False]["frame"]) for count in SIZES}
    row = {count: statistics.median(results[count, False]["row"]) for count in SIZES}
    floor = statistics.median(results[large, True]["frame"])
    figures = [
        (f"typing frame {large}/{small} events (ratio)", frame[large] / frame[small], f"<= {RATIO_TARGET}x",
         frame[large] / frame[small] <= RATIO_TARGET),
        (f"typing frame {large} events, median ms", frame[large], f"< {MEDIAN_TARGET_MS:g} ms",
         frame[large] < MEDIAN_TARGET_MS),
        (f"typing row {large}/{small} events (ratio)", row[large] / row[small], "info", None),
        (f"typing row {large} events, median ms", row[large], "info", None),
        (f"typing frame {large} events / bare DataTable floor", frame[large] / floor, "info", None),
    ]
    for name, value, target, passed in figures:
        verdict = "" if passed is None else (" PASS" if passed else " MISS")
        print(f"  {name}: {value:.2f} (target {target}){verdict}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=60, help="lines typed per meeting size")
    report(parser.parse_args().reps)


if __name__ == "__main__":
    main()
