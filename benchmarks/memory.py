"""Memory: resident size of `pmtui run` on a 2,000-event meeting, against a minimal Textual app.

Usage: python benchmarks/memory.py [--events 2000] [--settle 1.0]

Both run in a pseudo-terminal (see startup.py). VmRSS is read from
/proc/PID/status once the first frame is on screen and again ``--settle``
seconds later (when the views mounted after the first frame are in); the
figure is the settled one. There is no target: the figure is for the README.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from meetings import TITLE, write_meeting
from startup import (
    BASELINE_TEXT,
    Terminal,
    baseline_command,
    environment,
    pmtui_command,
)


def rss_kib(pid: int) -> int:
    """The resident set size of process ``pid`` in KiB (Linux only)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS line in /proc/{pid}/status")


def resident(args: list[str], text: str, env: dict[str, str], settle: float) -> tuple[int, int]:
    """KiB resident at the first frame showing ``text`` and ``settle`` seconds later."""
    terminal = Terminal(args, env)
    try:
        terminal.wait_for(text)
        first = rss_kib(terminal.process.pid)
        terminal.drain(settle)
        return first, rss_kib(terminal.process.pid)
    finally:
        terminal.close()


def report(events: int = 2000, settle: float = 1.0) -> list[tuple[str, float, str, bool | None]]:
    """Print the figures; returns (name, value, target, passed or None) for run_all."""
    if not Path("/proc/self/status").exists():
        print("Memory: skipped, /proc is not available here")
        return []
    with tempfile.TemporaryDirectory(prefix="pmtui-bench-") as folder:
        env = environment(Path(folder))
        meeting_id = write_meeting(Path(folder), events)
        base = resident(baseline_command(), BASELINE_TEXT, env, settle)
        pmtui = resident(pmtui_command(Path(folder), meeting_id), TITLE, env, settle)
    print(f"Memory: resident size (MiB) at the first frame / {settle:g} s later")
    print(f"  pmtui run ({events} events): {pmtui[0] / 1024:6.1f} / {pmtui[1] / 1024:6.1f}")
    print(f"  minimal Textual app:         {base[0] / 1024:6.1f} / {base[1] / 1024:6.1f}")
    ratio = pmtui[1] / base[1]
    print(f"  memory pmtui / baseline: {ratio:.2f}x (no target)")
    return [(f"memory pmtui {events} events, MiB", pmtui[1] / 1024, "info", None),
            ("memory pmtui/baseline (ratio)", ratio, "info", None)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--settle", type=float, default=1.0)
    args = parser.parse_args()
    report(args.events, args.settle)


if __name__ == "__main__":
    main()
