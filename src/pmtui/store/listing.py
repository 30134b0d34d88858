"""Finding meetings in a folder: listing them from ``_meta`` and resolving a reference."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Incident, Meeting
from ..text import clean
from .errors import MeetingNotFoundError, StoreError
from .meeting_file import safe_id
from .storage import damaged, read_meeting_bytes, validated_tables

if TYPE_CHECKING:
    from ..agenda import Agenda


@dataclass(frozen=True)
class MeetingSummary:
    """What ``_meta`` says about one meeting file, for lists and lookups.

    ``created`` and ``updated`` are ISO 8601 strings, as stored.
    """

    id: str
    title: str
    slug: str
    severity: str
    created: str
    status: str
    path: Path
    updated: str
    to_write: int = 0
    """The required narrative sections still empty, counted for an ended meeting (its document is a draft)."""

    @property
    def draft(self) -> str:
        """'draft: N sections to write' for an ended meeting with required sections still empty, else ''."""
        if not self.to_write:
            return ""
        return f"draft: {self.to_write} section{'' if self.to_write == 1 else 's'} to write"


_SUMMARY_FIELDS = ("id", "title", "slug", "severity", "created", "status", "updated")


def _summary(path: Path, agendas: dict[tuple[str, str], Agenda]) -> MeetingSummary:
    tables, meta = validated_tables(path, read_meeting_bytes(path))
    missing = [k for k in _SUMMARY_FIELDS if not isinstance(meta.get(k), str)]
    if missing:
        raise damaged(path, f"_meta lacks {', '.join(missing)}")
    fields = {k: clean(meta[k]) for k in _SUMMARY_FIELDS}  # shown as read, see model.upgrade
    to_write = _to_write(tables, agendas) if fields["status"] == "ended" else 0
    return MeetingSummary(path=path, to_write=to_write, **fields)


def _to_write(tables: dict, agendas: dict[tuple[str, str], Agenda]) -> int:
    """How many required sections an ended meeting's document still lacks, read from its ``meeting`` table only.

    The file is parsed already; building the whole meeting (every event upgraded) for three fields would
    make ``pmtui list`` as slow as opening every meeting. ``agendas`` keeps each agenda read once per listing.
    """
    from ..document import document_agenda, missing_sections  # pmtui.paths imports the store: not at import time

    document = (tables.get("meeting") or {}).get("1")
    if not isinstance(document, dict):
        return 0
    sections = document.get("sections")
    incident = document.get("incident")
    summary = incident.get("summary") if isinstance(incident, dict) else ""
    name, source = (document.get(k) if isinstance(document.get(k), str) else "" for k in ("agenda", "agenda_source"))
    meeting = Meeting(
        Incident("", summary=clean(summary, multiline=True) if isinstance(summary, str) else ""),
        agenda=name,
        agenda_source=clean(source, multiline=True),
        sections={k: clean(v, multiline=True) for k, v in sections.items() if isinstance(v, str)}
        if isinstance(sections, dict) else {},
    )
    return len(missing_sections(meeting, document_agenda(meeting, agendas)))


def list_meetings(data_dir: Path) -> tuple[list[MeetingSummary], list[StoreError]]:
    """Every meeting in ``data_dir``, newest first, and an error per unreadable file."""
    meetings: list[MeetingSummary] = []
    errors: list[StoreError] = []
    agendas: dict[tuple[str, str], Agenda] = {}
    try:
        names = sorted(e.name for e in os.scandir(data_dir) if e.name.endswith(".json") and not e.name.startswith("."))
    except FileNotFoundError:
        return [], []
    for name in names:
        try:
            meetings.append(_summary(Path(data_dir) / name, agendas))
        except StoreError as exc:
            errors.append(exc)
    meetings.sort(key=lambda m: (m.created, m.id), reverse=True)
    return meetings, errors


def _describe(meetings: list[MeetingSummary]) -> str:
    shown = ", ".join(f"{m.id} ({m.slug})" for m in meetings[:5])
    return shown + (", …" if len(meetings) > 5 else "")


def resolve_meeting(data_dir: Path, ref: str) -> Path:
    """The file of the meeting ``ref`` names: an id, unique id prefix or title slug."""
    data_dir = Path(data_dir)
    direct = data_dir / f"{ref}.json"
    if safe_id(ref) and direct.is_file():
        return direct
    meetings, _ = list_meetings(data_dir)
    for matches in (
        [m for m in meetings if m.id == ref],
        [m for m in meetings if m.slug == ref],
        [m for m in meetings if m.id.startswith(ref) or m.slug.startswith(ref)],
    ):
        if len(matches) == 1:
            return matches[0].path
        if matches:
            raise StoreError(f"'{ref}' matches several meetings: {_describe(matches)}; give more of the id or slug")
    if not meetings:
        raise MeetingNotFoundError(f"no meeting '{ref}' in {data_dir}; it holds no meetings yet")
    raise MeetingNotFoundError(f"no meeting '{ref}' in {data_dir}; known: {_describe(meetings)}; run 'pmtui list'")
