"""What a file would add to a meeting, read before anything is added: the app's import preview.

The app shows these candidates with checkboxes and hands the checked ones to ``session.import_events``; reading,
the window, the zone, refusing a file with bad records and leaving out events already in the timeline happen here,
so the screen only shows and filters.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .. import sources
from ..importer import without_duplicates
from ..model import Meeting, TimelineEvent
from .base import PINNED, ImportRequest, Progress, SourceError, default_window, timeline_events

IMPORTED_BY = "import"
"""The author of imported events (as ``pmtui import``): the person who wrote one at its source is its actor."""


@dataclass(frozen=True)
class Candidate:
    """An event the file would add, who wrote it at its source and how people marked it there (pinned, reactions),
    for picking by author and by mark."""

    event: TimelineEvent
    author: str
    marks: tuple[str, ...] = ()


@dataclass
class ImportPreview:
    """The events ``path`` would add to the meeting, in the file's order, and what was left out."""

    path: Path
    kind: str
    candidates: list[Candidate]
    duplicates: int
    """Events already in the timeline (same moment, same description), left out."""
    skipped: int
    """Records the source left out on purpose (outside the window, noise)."""


def meeting_request(meeting: Meeting, on: date, near: datetime | None) -> ImportRequest:
    """Read for this meeting: its zone, the default window around the incident, clock-only times near ``near``."""
    start, end = default_window(meeting.incident)
    return ImportRequest(tz=meeting.incident.tz or "UTC", start=start, end=end, on=on, near=near)


def preview_import(path: Path, meeting: Meeting, request: ImportRequest,
                   progress: Progress | None = None) -> ImportPreview:
    """The candidates in ``path`` (any source, detected); SourceError (one line) when the file cannot be imported.

    A file with bad records is refused whole, as ``pmtui import`` does without ``--skip-bad``: the first bad record
    is named and how many there are.
    """
    read = sources.read_timeline(Path(path), "auto", request, progress)
    if read.bad:
        first = read.bad[0]
        more = f" (and {len(read.bad) - 1} more bad records)" if len(read.bad) > 1 else ""
        raise SourceError(first.file, first.record, f"{first.what}{more}; nothing imported: fix the file, or "
                          "leave the bad records out with pmtui import --skip-bad")
    pairs = [(made[0], found) for found in read.events if (made := timeline_events([found], request.tz, IMPORTED_BY))]
    new, duplicates = without_duplicates(meeting.events, [event for event, _ in pairs])
    kept = {event.id for event in new}
    candidates = [Candidate(event, found.author, found.marks) for event, found in pairs if event.id in kept]
    return ImportPreview(Path(path), read.kind, candidates, duplicates, read.skipped)


def mark_choices(candidates: list[Candidate]) -> list[tuple[str, str]]:
    """(label, mark) for each mark the candidates carry: pinned first, then the reactions most used first, each
    with how many candidates have it (``:pushpin: (3)``); none when nothing is marked."""
    counts = Counter(mark for candidate in candidates for mark in candidate.marks)
    order = sorted(counts, key=lambda mark: (mark != PINNED, -counts[mark], mark))
    return [(f"{mark} ({counts[mark]})", mark) for mark in order]
