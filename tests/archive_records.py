"""Archives for tests: post-mortems written as ``pmtui publish`` leaves them, without git (reading needs none)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pmtui.archive.record import RECORD_FILE, record_text
from pmtui.demo import demo_meeting
from pmtui.model import Meeting

UPDATED = datetime(2026, 3, 15, 9, 30, tzinfo=UTC)


def write_post_mortem(root: Path, meeting: Meeting, folder: str | None = None) -> Path:
    """``meeting``'s ``meeting.json`` in ``root/postmortems/YYYY/YYYY-MM-DD-<folder>/`` (default: its id); the path."""
    day = meeting.created.date()
    path = Path(root) / "postmortems" / f"{day.year}" / f"{day.isoformat()}-{folder or meeting.id}" / RECORD_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(record_text(meeting, UPDATED), encoding="utf-8")
    return path


def clean_post_mortem(title: str = "Checkout errors after pool change") -> Meeting:
    """A post-mortem every default rule passes: the demo meeting (SEV2, every required section written)."""
    meeting = demo_meeting()
    meeting.incident.title = title
    return meeting


def blameful_post_mortem(title: str = "Search outage") -> Meeting:
    """A post-mortem whose lessons blame a person, with a required section left empty."""
    meeting = clean_post_mortem(title)
    meeting.sections["lessons"] = "Dave forgot to check the pool size."
    meeting.sections["response"] = ""
    return meeting
