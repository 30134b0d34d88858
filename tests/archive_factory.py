"""Archives for tests and benchmarks: ``meeting.json`` records in a folder tree, as pmtui publish lays them out.

Reading an archive needs no git, so these are plain folders.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pmtui.archive.record import RECORD_FILE, record_text
from pmtui.model import Meeting
from pmtui.store import slugify

PUBLISHED = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def publish_record(root: Path, meeting: Meeting, updated: datetime = PUBLISHED, folder: str = "") -> Path:
    """Write ``meeting``'s record under ``root`` (in ``postmortems/YYYY/DATE-slug/`` unless ``folder``)."""
    day = meeting.created.date()
    where = root / (folder or f"postmortems/{day.year}/{day.isoformat()}-{slugify(meeting.incident.title)[:60]}")
    where.mkdir(parents=True, exist_ok=True)
    path = where / RECORD_FILE
    path.write_text(record_text(meeting, updated), encoding="utf-8")
    return path
