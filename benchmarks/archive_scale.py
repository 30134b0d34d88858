"""How fast search, stats, actions and list answer with 2,000 post-mortems in an archive (``--archive``).

Usage: python benchmarks/archive_scale.py [--count 2000] [--archive DIR] [--runs 5]

Writes ``--count`` realistic meetings (tests/library_factory.py) as ``meeting.json`` records under
DIR/postmortems/YYYY/DATE-slug/ (a temporary folder by default; an existing DIR with records is reused), with an
empty data dir and a private cache dir. Each command is timed as the wall time of a real subprocess: the first
run (nothing cached: every record read and parsed) and the median of ``--runs`` later ones (warm: the cache in
the cache dir). The baseline is json-loading every meeting.json in one process (no pmtui at all); each
command's time is also printed as a ratio to it, and so is ``load_library`` itself, in process. Target: every
command under 1 s warm.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from archive_factory import publish_record  # noqa: E402
from library_factory import random_meeting  # noqa: E402
from library_scale import pmtui_program, timed  # noqa: E402
from pmtui.analysis.search import SEARCH_DIGEST, pack_passages  # noqa: E402
from pmtui.analysis.stats import STATS_PARTS  # noqa: E402
from pmtui.archive.record import RECORD_FILE  # noqa: E402
from pmtui.library import load_library  # noqa: E402
from pmtui.store import slugify  # noqa: E402
from pmtui.tracking import TRACKING_PARTS  # noqa: E402

COMMANDS_TIMED = (
    ("pmtui search replica timeout (all match)", ["search", "replica", "timeout"]),
    ("pmtui search kubernetes (none match)", ["search", "kubernetes"]),
    ("pmtui stats", ["stats"]),
    ("pmtui actions", ["actions"]),
    ("pmtui actions --overdue --json", ["actions", "--overdue", "--json"]),
    ("pmtui list", ["list"]),
)
LIBRARY_TIMED = (
    ("load_library: search", (), {SEARCH_DIGEST: pack_passages}),
    ("load_library: stats", STATS_PARTS, None),
    ("load_library: actions", TRACKING_PARTS, None),
)


def write_archive(root: Path, count: int, seed: int) -> None:
    """``count`` random meetings as records, one folder each, as pmtui publish lays them out."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    for _ in range(count):
        meeting = random_meeting(rng, now)
        meeting.id = f"{rng.getrandbits(32):08x}"
        day = meeting.created.date()
        folder = f"postmortems/{day.year}/{day.isoformat()}-{slugify(meeting.incident.title)[:50]}-{meeting.id}"
        publish_record(root, meeting, now, folder=folder)


def json_loading(root: Path) -> float:
    """Seconds to find and json-load every record under ``root``: the least any reader can do."""
    start = time.perf_counter()
    for path in root.rglob(RECORD_FILE):
        json.loads(path.read_bytes())
    return time.perf_counter() - start


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--archive", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pmtui-archive-scale-"))
    archive = args.archive or work / "archive"
    archive.mkdir(parents=True, exist_ok=True)
    existing = sum(1 for _ in archive.rglob(RECORD_FILE))
    if existing < args.count:
        started = time.perf_counter()
        write_archive(archive, args.count - existing, seed=existing + 1)
        print(f"wrote {args.count - existing} records into {archive} in {time.perf_counter() - started:.1f} s")
        time.sleep(2.5)  # past the library's settling time, so the first run fills the cache
    records = list(archive.rglob(RECORD_FILE))
    print(f"{len(records)} records, {sum(p.stat().st_size for p in records) / 1e6:.1f} MB")
    data, cache = work / "data", work / "cache"
    data.mkdir(exist_ok=True)
    env = {**os.environ, "PMTUI_DATA_DIR": str(data), "PMTUI_CACHE_DIR": str(cache)}
    env.pop("PMTUI_ARCHIVES", None)
    os.environ.update(PMTUI_DATA_DIR=str(data), PMTUI_CACHE_DIR=str(cache))
    baseline = statistics.median(json_loading(archive) for _ in range(3))
    print(f"baseline: json-loading every meeting.json in process: {baseline:.3f} s\n")

    program, how = pmtui_program()
    print(f"running {how}")
    startup = statistics.median(timed([*program, "--version"], env)[0] for _ in range(args.runs))
    print(f"starting pmtui at all (pmtui --version): {startup:.2f} s\n")
    print(f"{'command (a subprocess; --archive)':<44}{'cold':>8}{'warm (CPU)':>17}{'warm/baseline':>15}")
    for label, argv in COMMANDS_TIMED:
        shutil.rmtree(cache, ignore_errors=True)
        full = [*program, *argv, "--archive", str(archive)]
        cold = timed(full, env)[0]
        runs = [timed(full, env) for _ in range(args.runs)]
        wall, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        print(f"{label:<44}{cold:>7.2f}s{wall:>7.2f}s ({cpu:.2f}s){wall / baseline:>14.2f}x")

    print(f"\n{'in process':<44}{'cold':>8}{'warm':>17}{'warm/baseline':>15}")
    for label, parts, digests in LIBRARY_TIMED:
        shutil.rmtree(cache, ignore_errors=True)
        start = time.perf_counter()
        load_library(data, parts, digests, archives=[archive])
        cold = time.perf_counter() - start
        runs = []
        for _ in range(args.runs):
            start = time.perf_counter()
            library = load_library(data, parts, digests, archives=[archive])
            runs.append(time.perf_counter() - start)
        assert len(library.meetings) == len(records) and not library.errors
        warm = statistics.median(runs)
        print(f"{label:<44}{cold:>7.2f}s{warm:>16.2f}s{warm / baseline:>14.2f}x")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nPython {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load:.1f} at the end")
    if not args.archive:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main_()
