"""Typing: from a quick-entry Enter to the new row on screen, with 20 and 2,000 events.

Usage: python benchmarks/typing_latency.py [--reps 40]

(Not ``typing.py``: a script of that name would shadow the standard library's
``typing`` for every script run from this folder.)

The figures the targets are for come from real programs in pseudo-terminals
(160x45, as a facilitator's terminal): ``pmtui run`` on the timeline phase of
a 20- and a 2,000-event meeting, and a bare Textual app with one ``Input``
above a growing list of ``Label`` widgets (the baseline: what any Textual app
pays to show a new line). All three run side by side and take turns, so a
noisy moment hits each of them. Each repetition types a line, waits until its
text shows in the entry, sends Enter and times until the text shows again in
the output (the new row, or the new label). The lines land at random places
inside the timeline, which reveals each one (the table jumps to rows never
painted); a fourth program, like the baseline, gets each line after the last
one ("at the end", the facilitator typing as the story goes).

For where the time goes, the real PmtuiApp also runs headless (``run_test``)
and reports when the table holds the new event's row ("row") and when the
first screen update paints it ("frame").
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
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from textual import events
from textual.app import App
from textual.widgets import Input

from meetings import START, TITLE, write_meeting
from pmtui.tui.app import make_app
from pmtui.tui.views.timeline import TimelineView
from startup import Terminal, environment, pmtui_command

SIZES = (20, 2000)
SCREEN = (160, 45)
RATIO_TARGET = 1.5
BASELINE_TARGET = 1.2
BASELINE_TEXT = "typing baseline ready"
BASELINE_APP = f"""
from textual.app import App
from textual.containers import VerticalScroll
from textual.widgets import Input, Label

class Baseline(App):
    AUTO_FOCUS = "Input"

    def compose(self):
        yield VerticalScroll(Label({BASELINE_TEXT!r}), id="rows")
        yield Input()

    def on_input_submitted(self, event):
        rows = self.query_one("#rows")
        rows.mount(Label(event.value))
        event.input.value = ""
        rows.scroll_end(animate=False)

Baseline().run()
"""


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# --- in a pseudo-terminal: the figures ------------------------------------------------


class Typist:
    """One program in a pseudo-terminal, ready for lines once ``ready_text`` shows."""

    def __init__(self, args: list[str], env: dict[str, str], ready_text: str) -> None:
        self.terminal = Terminal(args, env, size=SCREEN)
        self.terminal.wait_for(ready_text)
        self.terminal.drain(2.0)  # the one-off work after the first frame (see PmtuiApp._meeting_shown)

    def enter(self, line: str, needle: str) -> float:
        """Type ``line``, wait until ``needle`` shows in the entry, then ms from Enter to ``needle`` shown again."""
        terminal = self.terminal
        mark = len(terminal.output)
        os.write(terminal.master, line.encode())
        _wait_after(terminal, mark, needle)
        terminal.drain(0.05)
        mark = len(terminal.output)
        sent = time.perf_counter()
        os.write(terminal.master, b"\r")
        _wait_after(terminal, mark, needle)
        return (time.perf_counter() - sent) * 1000

    def close(self) -> None:
        self.terminal.close()


def _wait_after(terminal: Terminal, mark: int, text: str, timeout: float = 30) -> None:
    needle, deadline = text.encode(), time.perf_counter() + timeout
    while needle not in terminal.output[mark:]:
        left = deadline - time.perf_counter()
        if left <= 0 or terminal.process.poll() is not None:
            tail = terminal.output[-300:].decode(errors="replace")
            raise RuntimeError(f"{text!r} never appeared (exit code {terminal.process.poll()}): …{tail}")
        terminal._read(min(left, 0.5))


def in_terminals(reps: int, seed: int = 1) -> dict[str, list[float]]:
    """Ms from Enter to the line on screen, per repetition: pmtui at each size and the baseline."""
    rng = random.Random(seed)
    large = SIZES[-1]
    times: dict[str, list[float]] = {"baseline": [], **{f"pmtui {count}": [] for count in SIZES},
                                     f"pmtui {large} at the end": []}
    with tempfile.TemporaryDirectory(prefix="pmtui-bench-") as folder:
        env = environment(Path(folder))
        env["COLUMNS"], env["LINES"] = str(SCREEN[0]), str(SCREEN[1])
        typists: dict[str, Typist] = {}
        try:
            typists["baseline"] = Typist([sys.executable, "-c", BASELINE_APP], env, BASELINE_TEXT)
            for name in times:
                if name != "baseline":  # each in a data folder of its own: same-sized meetings share an id
                    data = Path(folder, name.replace(" ", "-"))
                    data.mkdir()
                    typists[name] = Typist(pmtui_command(data, write_meeting(data, int(name.split()[1]))), env, TITLE)
            for rep in range(reps):
                for name, typist in typists.items():
                    count = int(name.split()[1]) if name != "baseline" else 1
                    if name.endswith("at the end"):  # after the last event, as the baseline's labels are added
                        moment = START + timedelta(seconds=20 * count + 5 * rep)
                    else:
                        moment = START + timedelta(seconds=rng.uniform(0, 20 * (count - 1)))
                    needle = f"typed row {rep:03d} end"
                    line = needle if name == "baseline" else f"{moment:%H:%M:%S} {needle} | bench"
                    times[name].append(typist.enter(line, needle))
        finally:
            for typist in typists.values():
                typist.close()
    return times


# --- headless: where the time goes ----------------------------------------------------


class Probe:
    """Times one Enter in the headless app: until the table holds the new row, then until a frame shows it."""

    def __init__(self, app: App) -> None:
        self.table = None  # pmtui's EventTable
        self.key: str | None = None
        self.row_at = 0.0
        self.done = asyncio.Event()
        display = app._display

        def timed_display(screen, renderable) -> None:
            display(screen, renderable)
            if self.key is not None and not self.done.is_set() and self._visible():
                self.done.set()

        app._display = timed_display

    def row_added(self, table, key: str) -> None:
        """Called as soon as ``table`` holds the row ``key``."""
        if self.key is None:
            self.table, self.key, self.row_at = table, key, time.perf_counter()

    def _visible(self) -> bool:
        table = self.table
        index = table.get_row_index(self.key)
        top = round(table.scroll_y)
        return top <= index < top + table.scrollable_content_region.height - 1  # one header line

    async def enter(self, line: Input) -> tuple[float, float]:
        """Post Enter to ``line``; milliseconds to the row and to the frame showing it."""
        self.key = None
        self.done.clear()
        started = time.perf_counter()
        line.post_message(events.Key("enter", "\r"))
        await self.done.wait()
        painted = time.perf_counter()
        return (self.row_at - started) * 1000, (painted - started) * 1000


async def headless(count: int, reps: int, seed: int = 1) -> dict[str, list[float]]:
    """Milliseconds from Enter to the row and to the frame, per repetition, in the headless app."""
    rng = random.Random(seed)
    times: dict[str, list[float]] = {"row": [], "frame": []}
    with tempfile.TemporaryDirectory(prefix="pmtui-bench-") as folder:
        app = make_app(Path(folder), write_meeting(Path(folder), count))
        probe = Probe(app)
        try:
            async with app.run_test(size=SCREEN) as pilot:
                await pilot.pause()
                line = _watch(app, probe)
                for rep in range(reps):
                    moment = START + timedelta(seconds=rng.uniform(0, 20 * (count - 1)))
                    line.value = f"{moment:%H:%M:%S} typed line {rep} | bench"
                    await pilot.pause(0.05)  # the typed text is painted
                    for name, value in zip(("row", "frame"), await probe.enter(line)):
                        times[name].append(value)
        finally:
            app.close_session()
    return times


def _watch(app, probe: Probe) -> Input:
    """Report the newest event's row to ``probe`` as soon as the table holds it; returns the timeline's entry line.

    The table is watched, not the view: the view may queue rows and add them a slice later.
    """
    view = app.screen.query_one(TimelineView)
    table, events_ = view.table, app.session.meeting.events
    set_row = table.set_row

    def timed(key, *args, **kwargs) -> None:
        set_row(key, *args, **kwargs)
        if events_ and key == events_[-1].id:
            probe.row_added(table, key)

    table.set_row = timed
    return view.entry.input


def _line(label: str, values: list[float]) -> str:
    return (f"  {label:<34} median {statistics.median(values):6.2f}  p95 {percentile(values, 0.95):6.2f}"
            f"  max {max(values):6.2f}")


def report(reps: int = 40) -> list[tuple[str, float, str, bool | None]]:
    """Print the figures; returns (name, value, target, passed or None) for run_all."""
    small, large = SIZES
    shown = in_terminals(reps)
    inside = {count: asyncio.run(headless(count, reps)) for count in SIZES}
    print(f"Typing: Enter to the new row on screen, {reps} lines each, {SCREEN[0]}x{SCREEN[1]} (ms)")
    for name, values in shown.items():
        print(_line(f"{name} (pty)", values))
    for count, times in inside.items():
        for name, values in times.items():
            print(_line(f"pmtui {count} headless, to {name}", values))
    median = {name: statistics.median(values) for name, values in shown.items()}
    baseline, frame = median["baseline"], {count: median[f"pmtui {count}"] for count in SIZES}
    at_end = median[f"pmtui {large} at the end"]
    figures = [
        (f"typing {large} events, row at the end / Input+Labels baseline (ratio)", at_end / baseline,
         f"<= {BASELINE_TARGET}x", at_end / baseline <= BASELINE_TARGET),
        (f"typing {large} events, row at a random place / Input+Labels baseline (ratio)", frame[large] / baseline,
         f"<= {BASELINE_TARGET}x", frame[large] / baseline <= BASELINE_TARGET),
        (f"typing {large}/{small} events (ratio)", frame[large] / frame[small], f"<= {RATIO_TARGET}x",
         frame[large] / frame[small] <= RATIO_TARGET),
        (f"typing {large} events, median ms", frame[large], "info", None),
        ("typing baseline, median ms", baseline, "info", None),
        (f"typing {large} events headless, to the row in the table, median ms", statistics.median(inside[large]["row"]),
         "info", None),
        (f"typing {large} events headless, to the frame, median ms", statistics.median(inside[large]["frame"]),
         "info", None),
    ]
    for name, value, target, passed in figures:
        verdict = "" if passed is None else (" PASS" if passed else " MISS")
        print(f"  {name}: {value:.2f} (target {target}){verdict}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=40, help="lines typed into each program")
    report(parser.parse_args().reps)


if __name__ == "__main__":
    main()
