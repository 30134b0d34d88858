"""Phase switch: ctrl+n / ctrl+b between phases whose views are already built, CPU and wall per switch.

Usage: python benchmarks/phase_switch.py [--switches 40] [--size 160x45] [--profile]

The real PmtuiApp runs headless (``run_test``) on the ``pmtui demo`` meeting: every phase is visited once
(so every view is built), then the facilitator walks back to the first phase and forward to the last,
again and again, ``--switches`` times in all. Each switch is timed from the key until the screen has
settled (the pilot's pauses, the same for both programs), in CPU seconds of this process and in wall
seconds, and the Footer's recomposes are counted (each one builds a widget for every key it shows).

The baseline, measured in the same run the same way: a bare Textual app with a Footer and a
ContentSwitcher of as many panes as the demo has phases (each a label and an Input that takes the
focus), switched with the same keys. ``--profile`` prints cProfile's top items for one pmtui switch.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import ContentSwitcher, Footer, Input, Label

SETTLE = 0.05
"""Seconds of idle after each switch's first pause: the Footer recomposes after a refresh, not at once."""


class FooterCount:
    """Counts the Footer's compose calls (each recompose of it builds all its keys)."""

    def __init__(self) -> None:
        self.count = 0
        self._compose = Footer.compose

    def __enter__(self) -> FooterCount:
        original = self._compose

        def counted(footer: Footer) -> ComposeResult:
            self.count += 1
            return original(footer)

        Footer.compose = counted
        return self

    def __exit__(self, *exc: object) -> None:
        Footer.compose = self._compose


class Baseline(App):
    """A Footer and a ContentSwitcher of simple panes; ctrl+n / ctrl+b switch and focus the pane's Input."""

    BINDINGS = [Binding("ctrl+n", "move(1)", "Next phase"), Binding("ctrl+b", "move(-1)", "Back"),
                Binding("ctrl+t", "noop", "Pause/resume"), Binding("ctrl+o", "noop", "+5 min"),
                Binding("ctrl+g", "noop", "Go to phase"), Binding("ctrl+s", "noop", "Export")]

    def __init__(self, panes: int) -> None:
        super().__init__()
        self.panes = panes
        self.index = 0

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="pane-0"):
            for n in range(self.panes):
                with Vertical(id=f"pane-{n}"):
                    yield Label(f"Pane {n}")
                    yield Input(placeholder=f"type in pane {n}")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#pane-0 Input").focus()

    def action_move(self, step: int) -> None:
        self.index = max(0, min(self.panes - 1, self.index + step))
        self.query_one(ContentSwitcher).current = f"pane-{self.index}"
        self.query_one(f"#pane-{self.index} Input").focus()

    def action_noop(self) -> None:
        pass


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.pause(SETTLE)
    await pilot.pause()


async def idle(pilot, times: int = 10) -> float:
    """Median CPU seconds of a settle with no key pressed: the pilot's own share of each switch's figure
    (it visits every widget of the screen on each pause), and the clock's tick."""
    cpu = []
    for _ in range(times):
        start = time.process_time()
        await settle(pilot)
        cpu.append(time.process_time() - start)
    return statistics.median(cpu)


async def walk(pilot, phases: int, switches: int, footer: FooterCount, at: Callable[[], int],
               profile: cProfile.Profile | None = None) -> tuple[list[float], list[float], list[int]]:
    """Switch ``switches`` times, back to the first phase and forward to the last; CPU, wall, recomposes each."""
    cpu, wall, recomposes = [], [], []
    step = -1 if at() == phases - 1 else 1
    for n in range(switches):
        if not 0 <= at() + step < phases:
            step = -step
        footer.count = 0
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        if profile is not None and n == switches // 2:
            profile.enable()
        await pilot.press("ctrl+n" if step > 0 else "ctrl+b")
        await settle(pilot)
        if profile is not None:
            profile.disable()
        cpu.append(time.process_time() - cpu_start)
        wall.append(time.perf_counter() - wall_start - SETTLE)
        recomposes.append(footer.count)
    return cpu, wall, recomposes


async def measure_pmtui(switches: int, size: tuple[int, int], profile: cProfile.Profile | None):
    from pmtui.demo import create_demo
    from pmtui.tui.app import make_app

    folder = Path(tempfile.mkdtemp(prefix="pmtui-bench-"))
    for name in ("CONFIG", "DATA", "ROOMS", "OUTBOX"):
        os.environ[f"PMTUI_{name}_DIR"] = str(folder / name.lower())
    data = folder / "data"
    data.mkdir()
    app = make_app(data, create_demo(data))
    phases = len(app.session.agenda.phases)
    with FooterCount() as footer:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            for key in ("ctrl+b", "ctrl+n"):  # to the first phase, then the last: every view built once
                for _ in range(phases - 1):
                    await pilot.press(key)
                    await settle(pilot)
            assert len(app.screen.views) == phases
            result = await walk(pilot, phases, switches, footer, lambda: app.session.clock.phase_index, profile)
            still = await idle(pilot)
        app.close_session()
    return phases, result, still


async def measure_baseline(panes: int, switches: int, size: tuple[int, int]):
    app = Baseline(panes)
    with FooterCount() as footer:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            result = await walk(pilot, panes, switches, footer, lambda: app.index)
            return result, await idle(pilot)


def summary(name: str, cpu: list[float], wall: list[float], recomposes: list[int]) -> str:
    return (f"{name:<9} CPU median {statistics.median(cpu) * 1000:6.1f} ms (max {max(cpu) * 1000:6.1f}), "
            f"wall median {statistics.median(wall) * 1000:6.1f} ms (max {max(wall) * 1000:6.1f}), "
            f"Footer recomposes per switch: median {statistics.median(recomposes):g}, max {max(recomposes)}")


def report(switches: int = 40, size: tuple[int, int] = (160, 45), profile: bool = False) -> list[tuple]:
    """Print the figures; return (name, value, target, passed) rows like the other benchmarks."""
    profiler = cProfile.Profile() if profile else None
    phases, (cpu, wall, recomposes), still = asyncio.run(measure_pmtui(switches, size, profiler))
    (base_cpu, base_wall, base_recomposes), base_still = asyncio.run(measure_baseline(phases, switches, size))
    print(f"Phase switch, {switches} switches between {phases} built views at {size[0]}x{size[1]} "
          f"(wall without the {SETTLE * 1000:.0f} ms settle pause)")
    print(summary("pmtui", cpu, wall, recomposes))
    print(summary("baseline", base_cpu, base_wall, base_recomposes))
    ratio = statistics.median(cpu) / statistics.median(base_cpu)
    print(f"CPU ratio pmtui/baseline: {ratio:.1f}x")
    print(f"of which the settle alone (no key; the pilot and the clock): pmtui {still * 1000:.1f} ms, "
          f"baseline {base_still * 1000:.1f} ms; less that: pmtui {(statistics.median(cpu) - still) * 1000:.1f} ms, "
          f"baseline {(statistics.median(base_cpu) - base_still) * 1000:.1f} ms")
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        if os.environ.get("PHASE_SWITCH_PROFILE"):
            profiler.dump_stats(os.environ["PHASE_SWITCH_PROFILE"])
        print(out.getvalue())
    return [("Phase switch CPU (median ms)", round(statistics.median(cpu) * 1000, 1), None, None),
            ("Phase switch CPU vs baseline", f"{ratio:.1f}x", None, None),
            ("Footer recomposes per switch (max)", max(recomposes), 1, max(recomposes) <= 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switches", type=int, default=40)
    parser.add_argument("--size", default="160x45", help="terminal size, WIDTHxHEIGHT")
    parser.add_argument("--profile", action="store_true", help="cProfile one pmtui switch")
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    report(args.switches, (width, height), args.profile)


if __name__ == "__main__":
    sys.exit(main())
