"""The meeting list with archives: the data dir's summaries and the archived meetings', once per meeting.

``pmtui list`` and the home screen read the data dir's ``_meta`` summaries (fast, and what they always showed);
with archives, the library decides which copy of a meeting in both places wins, and a meeting whose newer copy
is archived is listed from its record.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..library import LOCAL, load_library
from ..model import Meeting
from ..store import MeetingSummary, StoreError, list_meetings, slugify


def list_with_archives(
    data_dir: Path, archives: Sequence[Path]
) -> tuple[list[MeetingSummary], dict[str, str], list[StoreError]]:
    """The summaries of every meeting in ``data_dir`` and ``archives``, newest first, where each comes from
    (meeting id -> :data:`~pmtui.library.LOCAL` or an archive's label), and an error per unreadable file."""
    local, errors = list_meetings(data_dir)
    if not archives:
        return local, {s.id: LOCAL for s in local}, errors
    library = load_library(data_dir, (), archives=archives)
    reported = {str(e) for e in errors}
    errors += [e for e in library.errors if str(e) not in reported]  # the data dir's were reported by list_meetings
    summaries = [s for s in local if not library.archived(s.id)]
    agendas: dict = {}
    summaries += [_summary(m, library.files[m.id], library.updated[m.id], agendas)
                  for m in library.meetings if library.archived(m.id)]
    summaries.sort(key=lambda s: (s.created, s.id), reverse=True)
    return summaries, {s.id: library.sources.get(s.id, LOCAL) for s in summaries}, errors


def _summary(meeting: Meeting, path: Path, updated: str, agendas: dict) -> MeetingSummary:
    """A listing row for an archived meeting, as ``_meta`` would have it."""
    from ..document import document_agenda, missing_sections  # pmtui.paths imports the store: not at import time

    to_write = 0
    if meeting.status == "ended":
        to_write = len(missing_sections(meeting, document_agenda(meeting, agendas)))
    incident = meeting.incident
    return MeetingSummary(id=meeting.id, title=incident.title, slug=slugify(incident.title),
                          severity=incident.severity, created=meeting.created.isoformat(), status=meeting.status,
                          path=path, updated=updated, to_write=to_write)
