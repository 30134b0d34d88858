"""The meeting minutes: who came, how the time went, what was decided, noted and agreed."""

from __future__ import annotations

from ..clock import format_planned
from ..model import Meeting
from ..timeparse import local
from .tables import heading, list_item, one_line, table


def render_minutes(meeting: Meeting, *, level: int = 1) -> str:
    """The minutes as Markdown; ``level`` is the title's heading level (2 to nest them)."""
    title = meeting.incident.title
    created = local(meeting.created, meeting.incident.tz).date()
    facts = [
        f"- **Date:** {created.isoformat()}",
        f"- **Facilitator:** {one_line(meeting.facilitator) or '_not recorded_'}",
    ]
    parts = [
        heading(level, f"Meeting minutes: {title}"),
        "\n".join(facts),
        heading(level + 1, "Attendees"),
        _attendees(meeting),
        heading(level + 1, "Agenda phases"),
        _phases(meeting),
        heading(level + 1, "Decisions"),
        _decisions(meeting),
        heading(level + 1, "Notes"),
        _notes(meeting),
        heading(level + 1, "Action items agreed"),
        _actions(meeting),
    ]
    return "\n\n".join(parts) + "\n"


def _attendees(meeting: Meeting) -> str:
    if not meeting.attendees:
        return "_No attendees were recorded._"
    return table(["Name", "Role"], [[a.name, a.role] for a in meeting.attendees])


def _phases(meeting: Meeting) -> str:
    """Planned minutes (with extensions: '25+5'), actual minutes, and the difference from the plan as extended."""
    if not meeting.phases:
        return "_No agenda phases were timed._"
    rows = [_phase_row(p.title, p.planned_minutes, p.extended_minutes, p.actual_seconds) for p in meeting.phases]
    planned = sum(p.planned_minutes for p in meeting.phases)
    extended = sum(p.extended_minutes for p in meeting.phases)
    actual = sum(p.actual_seconds for p in meeting.phases)
    rows.append(_phase_row("**Total**", planned, extended, actual))
    return table(["Phase", "Planned (min)", "Actual (min)", "Difference"], rows)


def _phase_row(title: str, planned: float, extended: float, actual_seconds: float) -> list[str]:
    actual = round(actual_seconds / 60, 1)
    return [title, format_planned(planned, extended * 60), f"{actual:.1f}", f"{actual - planned - extended:+.1f}"]


def _decisions(meeting: Meeting) -> str:
    tz = meeting.incident.tz
    items = [
        f"{local(e.time, tz):%Y-%m-%d %H:%M} (during the incident) — {e.description.strip()}"
        for e in meeting.sorted_events()
        if e.decision_point
    ]
    if not items:
        return "_No decisions were recorded._"
    return "\n".join(list_item("-", item) for item in items)


def _notes(meeting: Meeting) -> str:
    """Each phase's notes (the decisions of older files among them, see ``model.upgrade``), in agenda order."""
    titles = {p.phase_id: p.title for p in meeting.phases}
    order = [*titles, *sorted(set(meeting.notes) - set(titles))]
    items = [
        list_item("-", f"**{one_line(titles.get(phase, phase))}:** {meeting.notes[phase].strip()}")
        for phase in order
        if meeting.notes.get(phase, "").strip()
    ]
    return "\n".join(items) if items else "_No notes were taken._"


def _actions(meeting: Meeting) -> str:
    if not meeting.actions:
        return "_No action items were agreed._"
    lines = [
        f"- {one_line(a.description)} — {one_line(a.owner) or 'unassigned'} — "
        f"{a.due.isoformat() if a.due else 'no due date'}"
        for a in meeting.actions
    ]
    return "\n".join(lines)
