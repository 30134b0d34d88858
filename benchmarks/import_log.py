"""A log export read for an hour of it: ``pmtui import --map ... --window`` on a week of JSON lines.

Usage: python benchmarks/import_log.py [--lines 40000]  (above 50,000 only the windowed read runs)

A log tool's export (Loki's ``logcli --output=jsonl``) holds far more than the incident; the jsonl source streams
it line by line and skips a line outside the window on its time alone. Printed: seconds and lines per second for
the windowed read and for reading every line, and the peak memory of each (tracemalloc): the windowed read's must
stay flat however long the file, as a ratio to the whole read's.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from pmtui.sources import ImportRequest, read_timeline
from pmtui.sources.generic import parse_mapping

START = 1763390000  # 2025-11-17 14:33:20 UTC
MAPPING = parse_mapping("time=timestamp,description=line,actor=labels.app")


def write_log(path: Path, lines: int) -> None:
    """``lines`` log lines, one a second from START, as logcli writes them."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(lines):
            out.write(json.dumps({"labels": {"app": f"api-{i % 7}", "namespace": "shop"},
                                  "line": f"HTTP 503 on POST /checkout (request {i})", "timestamp": START + i}) + "\n")


def measure(path: Path, request: ImportRequest) -> tuple[float, int, int]:
    """Seconds (untraced), events kept and peak bytes (a second, traced read: tracemalloc slows every allocation)."""
    began = time.perf_counter()
    found = read_timeline(path, "jsonl", request)
    seconds = time.perf_counter() - began
    tracemalloc.start()
    read_timeline(path, "jsonl", request)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, len(found.events), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=40_000)
    lines = parser.parse_args().lines
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "logcli.jsonl"
        write_log(path, lines)
        hour = ImportRequest(mapping=MAPPING, start=datetime.fromtimestamp(START + lines // 2, UTC),
                             end=datetime.fromtimestamp(START + lines // 2 + 3600, UTC))
        window = measure(path, hour)
        print(f"{lines:,} lines ({path.stat().st_size / 2**20:.0f} MiB), an hour of them: {window[0]:.2f} s "
              f"({lines / window[0]:,.0f} lines/s), {window[1]:,} events, peak {window[2] / 2**20:.1f} MiB")
        if lines <= 50_000:  # more is refused without a window (MAX_EVENTS)
            whole = measure(path, ImportRequest(mapping=MAPPING))
            print(f"every line: {whole[0]:.2f} s, peak {whole[2] / 2**20:.1f} MiB; windowed/whole time "
                  f"{window[0] / whole[0]:.2f}")


if __name__ == "__main__":
    main()
