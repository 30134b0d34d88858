"""Slack import at scale: a 6-hour window out of a one-year export of a busy channel (100,000 messages).

Usage: python benchmarks/import_slack.py [--messages 100000] [--reps 5]

Generates the export (users.json, channels.json, one day file per day, as Slack writes them: mentions, links,
entities, thread replies, alert bots, joins) in a temporary folder and as its .zip, then times
``read_timeline`` for a 6-hour window (median of ``--reps``) against the floor: ``json.load`` of the day files
that window needs. Peak memory (tracemalloc) is printed for the window and for the whole year with a filter that
keeps almost nothing: per-day streaming means the year's peak stays near the window's (memory flat), not 365 times
it. Targets: the window in under 5 s; the year's peak at most 3x the window's.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import tracemalloc
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pmtui.sources import ImportRequest, read_timeline

YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
WINDOW_START = datetime(2026, 7, 14, 21, 0, tzinfo=UTC)  # crosses midnight: two day files, three with the margin
WINDOW = timedelta(hours=6)
SECONDS_TARGET = 5.0
MEMORY_RATIO_TARGET = 3.0
USERS = [(f"U{n:08X}", f"Person {n}") for n in range(60)]
WORDS = "db-1 lag failover replica primary paged rollback deploy canary error rate p99 latency cache".split()


def message(rng: random.Random, ts: float, previous: list[str]) -> dict:
    """One message of a busy incident channel, with the markup and subtypes a real export holds."""
    user = rng.choice(USERS)[0]
    stamp = f"{ts:.6f}"
    roll = rng.random()
    if roll < 0.03:
        return {"type": "message", "subtype": "channel_join", "ts": stamp, "user": user,
                "text": f"<@{user}> has joined the channel"}
    if roll < 0.10:
        return {"type": "message", "subtype": "bot_message", "ts": stamp, "bot_id": "B0AM2R7J1",
                "username": "Alertmanager", "text": "",
                "attachments": [{"fallback": f"[FIRING:1] {rng.choice(WORDS)} on db-{rng.randint(1, 9)}"}]}
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 18)))
    body = {"client_msg_id": f"{rng.getrandbits(64):016x}", "type": "message", "ts": stamp, "user": user,
            "team": "T024BE7LD",
            "text": f"<@{rng.choice(USERS)[0]}> {text} &amp; see <https://grafana.example.com/d/{rng.randint(1, 99)}"
                    f"|dashboard>"}
    if previous and roll < 0.30:
        body["thread_ts"] = rng.choice(previous[-20:])
    if roll > 0.98:
        body["reactions"] = [{"name": "pushpin", "users": [user], "count": 1}]
    previous.append(stamp)
    return body


def generate(root: Path, messages: int) -> Path:
    """A one-year export of ``messages`` in #inc-db under ``root``; returns its folder."""
    rng = random.Random(17)
    export = root / "export"
    (export / "inc-db").mkdir(parents=True)
    (export / "users.json").write_text(json.dumps([{"id": uid, "name": name.lower().replace(" ", "."),
                                                    "real_name": name, "profile": {"real_name": name}}
                                                   for uid, name in USERS]))
    (export / "channels.json").write_text(json.dumps([{"id": "C024BE91L", "name": "inc-db", "created": 0,
                                                       "members": [uid for uid, _ in USERS], "pins": []}]))
    step = 365 * 86400 / messages
    day: list[dict] = []
    current = YEAR_START.date()
    previous: list[str] = []
    for n in range(messages):
        moment = YEAR_START + timedelta(seconds=n * step + rng.random() * step * 0.5)
        if moment.date() != current:
            (export / "inc-db" / f"{current.isoformat()}.json").write_text(json.dumps(day, indent=4))
            day, current, previous = [], moment.date(), []
        day.append(message(rng, moment.timestamp(), previous))
    (export / "inc-db" / f"{current.isoformat()}.json").write_text(json.dumps(day, indent=4))
    return export


def zipped(export: Path) -> Path:
    target = export.with_suffix(".zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(export.rglob("*.json")):
            archive.write(file, file.relative_to(export).as_posix())
    return target


def median_seconds(work, reps: int) -> float:
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def peak_bytes(work) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=5)
    options = parser.parse_args()
    window = ImportRequest(start=WINDOW_START, end=WINDOW_START + WINDOW)
    year_filtered = ImportRequest(flagged="no-such-reaction")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        export = generate(Path(tmp), options.messages)
        archive = zipped(export)
        print(f"generated {options.messages:,} messages in {len(list((export / 'inc-db').iterdir()))} day files "
              f"({sum(f.stat().st_size for f in export.rglob('*.json')) >> 20} MiB, zip "
              f"{archive.stat().st_size >> 20} MiB) in {time.perf_counter() - started:.1f} s")
        days = [export / "inc-db" / f"{(WINDOW_START + timedelta(days=d)).date().isoformat()}.json"
                for d in (-1, 0, 1)]
        found = read_timeline(export, "slack", window)
        print(f"window {WINDOW_START:%Y-%m-%d %H:%M}..+6h: {len(found.events)} events, {found.skipped} skipped, "
              f"{len(found.bad)} bad")

        def floor() -> None:
            for day in days:
                json.loads(day.read_bytes())

        base = median_seconds(floor, options.reps)
        folder = median_seconds(lambda: read_timeline(export, "slack", window), options.reps)
        zip_time = median_seconds(lambda: read_timeline(archive, "slack", window), options.reps)
        print(f"json.load of the window's {len(days)} day files (floor): {base * 1000:8.1f} ms")
        for label, seconds in (("folder", folder), ("zip", zip_time)):
            verdict = "PASS" if seconds < SECONDS_TARGET else "MISS"
            print(f"import 6-hour window from the {label:6}: {seconds * 1000:8.1f} ms  ratio to floor "
                  f"{seconds / base:5.2f}x  (target < {SECONDS_TARGET:.0f} s) {verdict}")
        year = median_seconds(lambda: read_timeline(archive, "slack", year_filtered), 1)
        print(f"read the whole year from the zip (365 day files, a filter keeping none): {year:.2f} s")
        window_peak = peak_bytes(lambda: read_timeline(archive, "slack", window))
        year_peak = peak_bytes(lambda: read_timeline(archive, "slack", year_filtered))
        floor_peak = peak_bytes(floor)
        ratio = year_peak / window_peak
        verdict = "PASS" if ratio <= MEMORY_RATIO_TARGET else "MISS"
        print(f"peak memory: window {window_peak / 2**20:.1f} MiB, json.load floor {floor_peak / 2**20:.1f} MiB, "
              f"whole year read {year_peak / 2**20:.1f} MiB; year/window {ratio:.2f}x "
              f"(target ≤ {MEMORY_RATIO_TARGET:.0f}x, flat) {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
