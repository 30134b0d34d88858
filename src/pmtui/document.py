"""The post-mortem document's narrative sections: which a meeting has, and which are still to write.

The set comes from the meeting's agenda (``[[document.sections]]``), the copy
the meeting keeps (:func:`pmtui.agenda.meeting_agenda`); a meeting from before
that copy whose agenda is gone (a file moved, a name no longer installed)
keeps the standard set, and any section written under another agenda is kept
after them, so no text a person wrote is ever dropped from the document.
"""

from __future__ import annotations

from .agenda import STANDARD_SECTIONS, Agenda, AgendaError, DocumentSection, meeting_agenda
from .model import Meeting


def document_agenda(meeting: Meeting, known: dict[tuple[str, str], Agenda] | None = None) -> Agenda:
    """The agenda whose sections ``meeting``'s document has: its own, or the standard sections' when it is gone.

    ``known`` keeps each agenda read once when many meetings are listed (key: the meeting's agenda and its copy).
    """
    key = (meeting.agenda, meeting.agenda_source)
    if known is not None and key in known:
        return known[key]
    try:
        agenda = meeting_agenda(meeting)
    except AgendaError:
        agenda = Agenda(meeting.agenda, "", (), sections=STANDARD_SECTIONS)
    if known is not None:
        known[key] = agenda
    return agenda


def agenda_sections(meeting: Meeting, agenda: Agenda | None = None) -> tuple[DocumentSection, ...]:
    """The sections the meeting's document has, in order: its agenda's, then any other that holds text."""
    declared = (agenda if agenda is not None else document_agenda(meeting)).sections
    known = {s.id for s in declared}
    extra = tuple(DocumentSection(key, key.replace("-", " ").replace("_", " ").capitalize())
                  for key, text in meeting.sections.items() if key not in known and text.strip())
    return (*declared, *extra)


def section_text(meeting: Meeting, section_id: str) -> str:
    """What a section holds; the summary falls back to the incident's one-line summary."""
    text = meeting.sections.get(section_id, "")
    if not text.strip() and section_id == "summary":
        return meeting.incident.summary
    return text


def missing_sections(meeting: Meeting, agenda: Agenda | None = None) -> list[DocumentSection]:
    """The required sections with nothing written in them yet."""
    return [s for s in agenda_sections(meeting, agenda) if s.required and not section_text(meeting, s.id).strip()]


def first_to_write(meeting: Meeting, agenda: Agenda | None = None) -> str:
    """Where editing the document starts: the first required section still empty, else the first section."""
    missing = missing_sections(meeting, agenda)
    return (missing[0] if missing else agenda_sections(meeting, agenda)[0]).id
