"""Writing exports to disk: atomically, never half a file."""

from __future__ import annotations

from pathlib import Path

from ..fsio import atomic_write
from ..model import Meeting
from ..store import slugify
from .markdown import render_postmortem
from .minutes import render_minutes


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (creating its folder) with :func:`pmtui.fsio.atomic_write`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text)


def write_markdown_exports(
    meeting: Meeting, directory: Path, related_titles: dict[str, str] | None = None
) -> tuple[Path, Path]:
    """Write ``<slug>-postmortem.md`` and ``<slug>-minutes.md`` into ``directory``."""
    stem = slugify(meeting.incident.title) or meeting.id
    postmortem = directory / f"{stem}-postmortem.md"
    minutes = directory / f"{stem}-minutes.md"
    write_text_atomic(postmortem, render_postmortem(meeting, related_titles=related_titles))
    write_text_atomic(minutes, render_minutes(meeting))
    return postmortem, minutes
