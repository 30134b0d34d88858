"""Read timeline events from a CSV or JSON file, all rows or none.

Control, bidi and invisible characters in a cell are removed, never a reason
to refuse the file (:mod:`pmtui.text`): an export from a log tool may hold
colour codes, and a crafted one may hold a terminal's escape codes.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path

from .model import TimelineEvent
from .text import LIMITS, clean
from .timeparse import TimeFormatError, is_clock_time, parse_time

COLUMNS = ("time", "description", "actor", "evidence")
MAX_BYTES = 20 * 1024 * 1024


class ImportError_(ValueError):
    """A file that cannot be imported; ``problems`` lists every bad row."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        first = problems[0] if problems else "unknown problem"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{path}: {first}{more}; nothing was imported")


def read_events(
    path: Path, *, tz: str = "UTC", on: date | None = None, near: datetime | None = None, author: str = "import"
) -> list[TimelineEvent]:
    """Read every event in ``path`` (.csv or .json); raise ImportError_ if any row is bad.

    A clock-only time falls within 12 hours of the row before it, so a log that crosses midnight lands on
    two days. The rows before the first dated one are then moved by whole days so that the one nearest
    ``near`` is within 12 hours of it (else they stay on ``on``): the first row of a log sorted newest first
    is far from the impact start, its last is near it.
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise ImportError_(path, ["unknown file type: use a .csv (time,description,actor,evidence) or a .json list"])
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ImportError_(path, [f"file is larger than {MAX_BYTES // 2**20} MiB"])
        text = path.read_bytes().decode("utf-8-sig")  # no newline translation: a quoted CSV cell keeps its \r
    except UnicodeDecodeError:
        raise ImportError_(path, ["file is not UTF-8 text"]) from None
    except OSError as exc:
        raise ImportError_(path, [f"cannot read the file ({exc.strerror or exc})"]) from None
    if not text.strip():
        raise ImportError_(path, ["the file is empty"])
    rows = _json_rows(path, text) if suffix == ".json" else _csv_rows(path, text)
    events, problems = [], []
    previous, undated = near, None  # undated: how many rows come before the first dated one
    for where, row in rows:
        try:
            event = _event(row, tz, on, previous, author)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if undated is None and not is_clock_time(clean(row["time"])):
            undated = len(events)
        events.append(event)
        previous = event.time
    if problems:
        raise ImportError_(path, problems)
    if not events:
        raise ImportError_(path, ["no events found"])
    if near is not None:
        _move_near(events[:undated], near)
    return events


def _move_near(events: list[TimelineEvent], near: datetime) -> None:
    """Move ``events`` (times read one from the other) by the whole days that bring the nearest to ``near``."""
    if not events:
        return

    def distance(days: int) -> float:
        return min(abs((e.time + timedelta(days=days) - near).total_seconds()) for e in events)

    shift = timedelta(days=min((-1, 0, 1), key=lambda days: (distance(days), abs(days))))
    if shift:
        for event in events:
            event.time += shift


def _csv_rows(path: Path, text: str) -> list[tuple[str, dict]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "time" not in header or "description" not in header:
        raise ImportError_(path, ["line 1: the header must name the columns time,description[,actor,evidence]"])
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise ImportError_(path, [f"line 1: unknown column {unknown[0]!r}; use {','.join(COLUMNS)}"])
    reader.fieldnames = header
    rows = []
    try:
        for row in reader:
            if None in row:
                rows.append((f"line {reader.line_num}", {"_extra": True}))
                continue
            rows.append((f"line {reader.line_num}", row))
    except csv.Error as exc:
        raise ImportError_(path, [f"line {reader.reader.line_num}: {exc}"]) from None
    return rows


def _json_rows(path: Path, text: str) -> list[tuple[str, dict]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportError_(path, [f"line {exc.lineno}: not valid JSON ({exc.msg})"]) from None
    if not isinstance(data, list):
        raise ImportError_(path, ["expected a JSON list of objects with time and description"])
    return [(f"item {i + 1}", row) for i, row in enumerate(data)]


def _event(row: object, tz: str, on: date | None, near: datetime | None, author: str) -> TimelineEvent:
    if not isinstance(row, dict):
        raise ValueError("expected an object with time and description")
    if row.get("_extra"):
        raise ValueError("more cells than header columns")
    unknown = [k for k in row if k not in COLUMNS]
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r}")
    values = {k: row.get(k) if row.get(k) is not None else "" for k in COLUMNS}
    if not all(isinstance(v, str) for v in values.values()):
        raise ValueError("every field must be text")
    values = {k: clean(v).strip() for k, v in values.items()}
    for name, value in values.items():
        if len(value) > LIMITS[name]:
            raise ValueError(f"{name} is too long ({len(value)} characters; at most {LIMITS[name]}): shorten it")
    if not values["description"]:
        raise ValueError("description is empty")
    try:
        moment = parse_time(values["time"], tz, on, near=near)
    except TimeFormatError as exc:
        raise ValueError(str(exc)) from None
    return TimelineEvent(
        time=moment,
        description=values["description"],
        actor=values["actor"],
        evidence=values["evidence"],
        author=author,
    )


def without_duplicates(
    existing: list[TimelineEvent], events: list[TimelineEvent]
) -> tuple[list[TimelineEvent], int]:
    """``events`` less those already in ``existing`` (same moment, same description up to whitespace).

    Importing the same file twice then adds nothing; returns the new events and how many were skipped.
    """
    present = {_same_event(e) for e in existing}
    new = [e for e in events if _same_event(e) not in present]
    return new, len(events) - len(new)


def _same_event(event: TimelineEvent) -> tuple[datetime, str]:
    return event.time, " ".join(event.description.split())
