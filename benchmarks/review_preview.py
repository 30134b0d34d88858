"""The review phase's live post-mortem preview: CPU per change and the longest stall of the event loop.

Usage: python benchmarks/review_preview.py [--changes 12] [--size 160x45]

The real PmtuiApp runs headless on the demo meeting (``pmtui demo``), at the review phase. A facilitator's
changes are typed into the review's entry line one at a time, as lines are: a note (which the post-mortem
does not show), then a ``+``/``-``/``!`` observation (which it does). Each change gets a window of
``WINDOW`` seconds, after which the preview must show exactly the export of the meeting (``pmtui export``'s
Markdown); the figure per change is the process's CPU in that window above the same window with no change
(the app's own idle work), and the time until the preview showed the change. A 10 ms ticker on the app's
loop records how late it wakes up: the facilitator's stalls (typing into a stalled screen waits that long).

The baselines, measured in the same run: a bare Textual app with one ``Markdown`` widget updating to the same
document once (what the document costs drawn by Textual's Markdown widget, as the preview once was), and the
same bare app with the preview's ``DocumentPreview`` instead (the whole document shown, then one section
changed); and the CPU of first showing the review phase, the whole document drawn.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from pmtui.demo import create_demo
from pmtui.export.markdown import render_postmortem
from pmtui.tui.app import make_app
from pmtui.tui.views.review import ReviewView
from pmtui.tui.widgets.document_preview import DocumentPreview

WINDOW = 1.0
"""Seconds each change is given; the preview must show it by then (the target: within a second)."""
TICK = 0.01
SETTLE = 0.2
"""Seconds a bare app is given to lay out and paint what it was shown (its idle CPU in them is ~1 ms)."""
LINES = ("the owner will circulate the draft by Friday {n}",
         "+ the rollback runbook was current {n}",
         "the review date suits everyone {n}",
         "- the pool size had no alert {n}",
         "@priya asked for the dashboard link {n}",
         "! a quiet afternoon kept the impact small {n}")


class Ticker:
    """A 10 ms sleep in a loop, recording how late each wake-up is (the loop's stalls)."""

    def __init__(self) -> None:
        self.lag: list[float] = []

    async def run(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(TICK)
            self.lag.append(max(0.0, time.perf_counter() - started - TICK))

    def take(self) -> float:
        """The longest stall since the last take, in seconds."""
        longest = max(self.lag, default=0.0)
        self.lag.clear()
        return longest


class BareMarkdown(App):
    """The baseline: one Markdown widget in a scroll, nothing else."""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown()


async def bare_update(text: str, size: tuple[int, int]) -> tuple[float, float]:
    """CPU seconds and the longest stall of one ``Markdown.update`` to ``text`` in a bare app."""
    app = BareMarkdown()
    async with app.run_test(size=size) as pilot:
        ticker = Ticker()
        task = asyncio.create_task(ticker.run())
        await pilot.pause()
        spent = []
        for variant in (text, text + "\n", text):  # the first one warms up; the best of the other two
            ticker.take()
            cpu = time.process_time()
            await app.query_one(Markdown).update(variant)
            await pilot.pause()
            await pilot.pause()
            spent.append((time.process_time() - cpu, ticker.take()))
        task.cancel()
        return min(spent[1:])


class BarePreview(App):
    """The preview alone in a scroll."""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield DocumentPreview()


async def bare_preview(text: str, size: tuple[int, int]) -> tuple[float, float]:
    """CPU seconds of showing ``text`` in a bare app's DocumentPreview, and of one section changed then."""
    app = BarePreview()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        preview = app.query_one(DocumentPreview)
        changed = text.replace("\n## ", "\nA line more.\n\n## ", 1)
        spent = []
        for shown in (text, changed):
            cpu = time.process_time()
            await preview.show(shown)
            await pilot.pause()
            await asyncio.sleep(SETTLE)  # the screen's layout and paint run on the next frame
            await pilot.pause()
            spent.append(time.process_time() - cpu)
        return spent[0], spent[1]


def current(app, view: ReviewView) -> bool:
    """The preview shows exactly the export of the meeting, and nothing is left to render."""
    expected = render_postmortem(app.session.snapshot(), today=app.session.today())
    return view.document_text == expected and not any(w.is_running for w in app.workers)


async def window(app, view: ReviewView, expected: str | None = None) -> float | None:
    """Let the app run for WINDOW seconds, and on until the preview is current (at most 10 s more).

    Returns the seconds until the preview showed ``expected`` (None when no text is expected).
    """
    started = time.perf_counter()
    shown_at = None
    while (elapsed := time.perf_counter() - started) < WINDOW or not current(app, view):
        if elapsed > WINDOW + 10:
            raise SystemExit(f"review_preview: the preview did not show the change within {WINDOW + 10:g} s")
        await asyncio.sleep(0.02)
        if (shown_at is None and expected is not None and view.document_text == expected
                and not any(w.is_running for w in app.workers)):
            shown_at = elapsed
    return shown_at


async def measure(changes: int, size: tuple[int, int]) -> dict[str, object]:
    """Run the facilitator's app and type ``changes`` lines at the review phase."""
    figures: dict[str, object] = {"cpu": [], "stall": [], "latency": [], "idle": []}
    with tempfile.TemporaryDirectory(prefix="pmtui-bench-") as folder:
        meeting_id = create_demo(Path(folder))
        app = make_app(Path(folder), meeting_id, export_dir=Path(folder) / "out")
        ticker = Ticker()
        try:
            async with app.run_test(size=size) as pilot:
                task = asyncio.create_task(ticker.run())
                await pilot.pause()
                review = next(i for i, p in enumerate(app.session.agenda.phases) if p.kind == "review")
                ticker.take()
                cpu = time.process_time()
                app.session.jump_to_phase(review)
                view = app.screen.query_one(f"#phase-{review}", ReviewView)
                for _ in range(int(10 / 0.02)):
                    await asyncio.sleep(0.02)
                    if view.document_text and current(app, view):
                        break
                figures["first"] = (time.process_time() - cpu, ticker.take())
                assert current(app, view), "the preview shows the export once the review phase is shown"
                for _ in range(2):
                    cpu = time.process_time()
                    await window(app, view)
                    figures["idle"].append(time.process_time() - cpu)
                idle = min(figures["idle"])
                view.query_one("#review-entry").focus_input()
                await pilot.pause()
                ticker.take()
                for n in range(changes):
                    line = LINES[n % len(LINES)].format(n=n)
                    before = view.document_text
                    cpu = time.process_time()
                    app.post_message(events.Paste(line))
                    await pilot.press("enter")
                    expected = render_postmortem(app.session.snapshot(), today=app.session.today())
                    shown = await window(app, view, None if expected == before else expected)
                    figures["cpu"].append(time.process_time() - cpu - idle)
                    figures["stall"].append(ticker.take())
                    figures["latency"].append(shown)
                task.cancel()
        finally:
            app.close_session()
        figures["text"] = render_postmortem(app.session.snapshot(), today=app.session.today())
    return figures


def report(changes: int = 12, size: tuple[int, int] = (160, 45)) -> list[tuple[str, float, str, bool | None]]:
    """Print the figures; returns (name, value, target, passed or None) in run_all's form."""
    figures = asyncio.run(measure(changes, size))
    bare_cpu, bare_stall = asyncio.run(bare_update(figures["text"], size))
    preview_cpu, preview_change_cpu = asyncio.run(bare_preview(figures["text"], size))
    cpu = [c * 1000 for c in figures["cpu"]]
    stall = [s * 1000 for s in figures["stall"]]
    seen = [s * 1000 for s in figures["latency"] if s is not None]
    first_cpu, first_stall = figures["first"]
    print(f"Review preview: the demo meeting at {size[0]}x{size[1]}, {changes} typed changes, "
          f"{WINDOW:g} s each (ms)")
    print(f"  baseline: bare Textual app, one Markdown.update of the document: CPU {bare_cpu * 1000:7.1f}, "
          f"longest stall {bare_stall * 1000:6.1f}")
    print(f"  bare Textual app, DocumentPreview.show of the document: CPU {preview_cpu * 1000:7.1f}, "
          f"then one section changed: CPU {preview_change_cpu * 1000:6.1f}")
    print(f"  showing the review phase: CPU {first_cpu * 1000:7.1f}, longest stall {first_stall * 1000:6.1f}")
    print(f"  idle app, {WINDOW:g} s: CPU {min(figures['idle']) * 1000:6.1f}")
    print("  per change, CPU above idle: " + " ".join(f"{c:.0f}" for c in cpu))
    print(f"    median {statistics.median(cpu):7.1f}  max {max(cpu):7.1f}  total {sum(cpu):7.1f}")
    shown = [c for c, s in zip(cpu, figures["latency"], strict=True) if s is not None]
    notes = [c for c, s in zip(cpu, figures["latency"], strict=True) if s is None]
    for name, part in (("changes the post-mortem shows", shown), ("notes (not in the post-mortem)", notes)):
        if part:
            print(f"    {name}: median {statistics.median(part):7.1f}  max {max(part):7.1f}")
    print(f"  per change, longest stall: median {statistics.median(stall):6.1f}  max {max(stall):6.1f}")
    late = sum(s > WINDOW * 1000 for s in seen)
    print(f"  change to preview showing it: median {statistics.median(seen):6.1f}  max {max(seen):6.1f}"
          f"  ({late} of {len(seen)} later than {WINDOW:g} s)")
    ratio = statistics.median(cpu) / (bare_cpu * 1000)
    print(f"  median CPU per change / one bare Markdown.update: {ratio:.2f}")
    whole = preview_cpu / bare_cpu
    print(f"  the whole document, DocumentPreview.show / one bare Markdown.update: {whole:.2f}")
    return [(f"review preview CPU per change, median ms ({size[0]}x{size[1]})", statistics.median(cpu), "", None),
            ("review preview longest stall per change, max ms", max(stall), "", None),
            ("review preview CPU per change / bare Markdown.update", ratio, "", None),
            ("review phase first shown, CPU ms", first_cpu * 1000, "< 300", first_cpu < 0.3),
            ("whole document: DocumentPreview.show / bare Markdown.update", whole, "", None)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=12, help="changes to type")
    parser.add_argument("--size", default="160x45", help="terminal size, WIDTHxHEIGHT")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    report(args.changes, (width, height))


if __name__ == "__main__":
    main()
