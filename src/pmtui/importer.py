"""Read timeline events from a CSV or JSON file, all rows or none.

Control, bidi and invisible characters in a cell are removed, never a reason
to refuse the file (:mod:`pmtui.text`): an export from a log tool may hold
colour codes, and a crafted one may hold a terminal's escape codes.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from .model import TimelineEvent
from .sources import csv as csv_source
from .sources.base import ImportRequest, SourceError
from .sources.generic import Reader
from .sources.jsonl import list_records


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
    """Read every event in pmtui's own ``path`` (.csv or a .json list); raise ImportError_ if any row is bad.

    The rows are read by :mod:`pmtui.sources.csv` / :mod:`pmtui.sources.jsonl` without a mapping: a clock-only
    time falls within 12 hours of the row before it, so a log that crosses midnight lands on two days, and the
    rows before the first dated one are moved by whole days so that the one nearest ``near`` is within 12 hours.
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise ImportError_(path, ["unknown file type: use a .csv (time,description,actor,evidence) or a .json list"])
    request = ImportRequest(tz=tz, on=on, near=near)
    try:
        if suffix == ".csv":
            found = csv_source.read(path, request, _quiet)
        else:
            found = Reader("jsonl", str(path), request, source="").read(list_records(path), _quiet)
    except SourceError as exc:
        raise ImportError_(path, [": ".join(part for part in (exc.record, exc.what) if part)]) from None
    if found.bad:
        raise ImportError_(path, [f"{bad.record}: {bad.what}" for bad in found.bad])
    return [TimelineEvent(time=e.time, description=e.description, actor=e.actor, evidence=e.evidence, author=author)
            for e in found.events]


def _quiet(done: int, total: int) -> None:
    """No progress to show: the app and the tests read pmtui's own small files."""


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
