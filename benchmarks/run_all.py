"""Run every pmtui benchmark and print the figures, each with its target and PASS/MISS.

Usage: python benchmarks/run_all.py [--quick]

``--quick`` uses fewer repetitions (for a smoke run; the figures are noisier).
The summary starts with the machine, for the README.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import textual

import export
import guidance_recheck
import memory
import outbox_write
import saving
import startup
import typing_latency


def machine() -> str:
    """CPU count and model, Python and Textual versions."""
    model = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                      if line.startswith("model name")), model)
    return (f"{os.cpu_count()} CPUs, {model}; Python {platform.python_version()}; "
            f"Textual {textual.__version__}; {platform.system()} {platform.release()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    quick = parser.parse_args().quick
    runs = [
        lambda: startup.report(runs=3 if quick else 9),
        lambda: typing_latency.report(reps=10 if quick else 40),
        lambda: saving.report(reps=10 if quick else 30),
        lambda: outbox_write.report(reps=10 if quick else 30),
        lambda: export.report(reps=3 if quick else 10),
        lambda: guidance_recheck.report(reps=10 if quick else 30),
        lambda: memory.report(),
    ]
    figures = []
    for run in runs:
        figures += run()
        print()
    print(f"Summary ({machine()})")
    for name, value, target, passed in figures:
        verdict = "" if passed is None else ("PASS" if passed else "MISS")
        print(f"  {verdict:<4}  {name}: {value:.2f}  (target {target})")
    missed = sum(passed is False for *_, passed in figures)
    print(f"{missed} figure(s) missed their target." if missed else "Every figure met its target.")


if __name__ == "__main__":
    main()
