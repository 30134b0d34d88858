"""How fast the after-the-meeting commands answer with 2,000 meetings in the data dir.

Usage: python benchmarks/library_scale.py [--count 2000] [--data-dir DIR] [--runs 5]

Writes ``--count`` realistic meetings (10-60 events, a few action items each;
see tests/library_factory.py) into DIR (a temporary folder by default; an
existing DIR with meetings is reused), then times each command as the wall
time of a real subprocess: the first run (which builds the library cache) and
the median of ``--runs`` later ones. The home screen is timed from process
start until its table lists the meetings.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from library_factory import write_random_library  # noqa: E402
from pmtui.library import CACHE_DIR  # noqa: E402

OPEN_HOME = (
    "import asyncio, sys\n"
    "from pathlib import Path\n"
    "from textual.widgets import DataTable\n"
    "from pmtui.tui.app import make_app\n"
    "async def run():\n"
    "    app = make_app(Path(sys.argv[1]))\n"
    "    async with app.run_test(size=(120, 40)) as pilot:\n"
    "        while not app.screen.query(DataTable) or app.screen.query_one(DataTable).row_count == 0:\n"
    "            await pilot.pause(0.005)\n"
    "asyncio.run(run())\n"
)
COMMANDS_TIMED = (
    ("pmtui actions", ["actions"]),
    ("pmtui actions --overdue --json", ["actions", "--overdue", "--json"]),
    ("pmtui search replica timeout (all match)", ["search", "replica", "timeout"]),
    ("pmtui search kubernetes (none match)", ["search", "kubernetes"]),
    ("pmtui stats", ["stats"]),
    ("pmtui stats --since 2026-01-01 --json", ["stats", "--since", "2026-01-01", "--json"]),
    ("pmtui list", ["list"]),
)


def pmtui_program() -> tuple[list[str], str]:
    """The pmtui console script next to this Python, else the same command as ``python -m pmtui.cli``."""
    script = shutil.which("pmtui", path=os.path.dirname(sys.executable))
    if script:
        return [script], "the pmtui console script"
    return [sys.executable, "-m", "pmtui.cli"], "python -m pmtui.cli (no console script next to this Python)"


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """The wall time and the CPU time (user + system; less at the mercy of a busy machine) of running ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = args.data_dir or Path(tempfile.mkdtemp(prefix="pmtui-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    existing = len(list(folder.glob("*.json")))
    if existing < args.count:
        started = time.perf_counter()
        write_random_library(folder, args.count - existing, seed=existing + 1)
        print(f"wrote {args.count - existing} meetings into {folder} in {time.perf_counter() - started:.1f} s")
    size = sum(p.stat().st_size for p in folder.glob("*.json"))
    print(f"{len(list(folder.glob('*.json')))} meeting files, {size / 1e6:.1f} MB")
    shutil.rmtree(folder / CACHE_DIR, ignore_errors=True)
    time.sleep(2.5)  # past the library's settling time, so the first run fills the cache
    program, how = pmtui_program()
    print(f"timing {how}: wall time (and CPU time) of a subprocess, first run and median of {args.runs} more\n")
    print(f"{'command':<44}{'first':>15}{'median':>17}")
    rows = [(label, [*program, *argv, "--data-dir", str(folder)]) for label, argv in COMMANDS_TIMED]
    rows.append(("home screen (list_meetings), until listed", [sys.executable, "-c", OPEN_HOME, str(folder)]))
    for label, argv in rows:
        first = timed(argv)
        runs = [timed(argv) for _ in range(args.runs)]
        wall, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        print(f"{label:<44}{first[0]:>6.2f}s ({first[1]:.2f}s){wall:>8.2f}s ({cpu:.2f}s)")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nPython {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load:.1f} at the end")


if __name__ == "__main__":
    main_()
