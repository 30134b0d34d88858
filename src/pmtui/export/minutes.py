"""The meeting minutes: who came, how the time went, what was decided, noted and agreed."""

from __future__ import annotations

from ..clock import format_planned
from ..model import Meeting
from ..timeparse import format_duration, local
from .escape import Markdown
from .tables import heading, list_item, one_line, table


def render_minutes(meeting: Meeting, *, level: int = 1) -> str:
    """The minutes as Markdown; ``level`` is the title's heading level (2 to nest them).

    Every field a person typed renders as its text (see :mod:`.escape`).
    """
    created = local(meeting.created, meeting.incident.tz).date()
    facts = [
        list_item("-", Markdown("**Date:** {}").format(created.isoformat())),
        list_item("-", Markdown("**Facilitator:** {}").format(
            one_line(meeting.facilitator) or Markdown("_not recorded_"))),
        list_item("-", _end(meeting)),
        list_item("-", Markdown("**Length:** {} on the meeting clock (pauses left out)").format(
            format_duration(sum(p.actual_seconds for p in meeting.phases)))),
    ]
    parts = [
        heading(level, Markdown("Meeting minutes: {}").format(meeting.incident.title)),
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


def ended_at(meeting: Meeting) -> str:
    """When the meeting ended, 'YYYY-MM-DD HH:MM zone' in the incident's zone; '' while it runs or when unknown."""
    if meeting.ended_at is None:
        return ""
    tz = meeting.incident.tz or "UTC"
    return f"{local(meeting.ended_at, tz):%Y-%m-%d %H:%M} {tz}"


def _end(meeting: Meeting) -> Markdown:
    """The end time; a running meeting's minutes say it is still running (they are a snapshot, not the record)."""
    if meeting.status == "active":
        return Markdown("**Ended:** _not yet: the meeting is still running_")
    return Markdown("**Ended:** {}").format(ended_at(meeting) or Markdown("_not recorded_"))


def _attendees(meeting: Meeting) -> Markdown:
    if not meeting.attendees:
        return Markdown("_No attendees were recorded._")
    return table(["Name", "Role"], [[a.name, a.role] for a in meeting.attendees])


def _phases(meeting: Meeting) -> Markdown:
    """Planned minutes (with extensions: '25+5'), actual minutes, and the difference from the plan as extended."""
    if not meeting.phases:
        return Markdown("_No agenda phases were timed._")
    rows = [_phase_row(p.title, p.planned_minutes, p.extended_minutes, p.actual_seconds) for p in meeting.phases]
    planned = sum(p.planned_minutes for p in meeting.phases)
    extended = sum(p.extended_minutes for p in meeting.phases)
    actual = sum(p.actual_seconds for p in meeting.phases)
    rows.append(_phase_row(Markdown("**Total**"), planned, extended, actual))
    return table(["Phase", "Planned (min)", "Actual (min)", "Difference"], rows)


def _phase_row(title: str, planned: float, extended: float, actual_seconds: float) -> list[object]:
    actual = round(actual_seconds / 60, 1)
    return [title, format_planned(planned, extended * 60), f"{actual:.1f}", f"{actual - planned - extended:+.1f}"]


def _decisions(meeting: Meeting) -> Markdown:
    tz = meeting.incident.tz
    items = [
        list_item("-", Markdown("{} (during the incident) — {}").format(f"{local(e.time, tz):%Y-%m-%d %H:%M}",
                                                                         e.description))
        for e in meeting.sorted_events()
        if e.decision_point
    ]
    return Markdown("\n").join(items) if items else Markdown("_No decisions were recorded._")


def _notes(meeting: Meeting) -> Markdown:
    """Each phase's notes (the decisions of older files among them, see ``model.upgrade``), in agenda order."""
    titles = {p.phase_id: p.title for p in meeting.phases}
    order = [*titles, *sorted(set(meeting.notes) - set(titles))]
    items = [
        list_item("-", Markdown("**{}:** {}").format(one_line(titles.get(phase, phase)), meeting.notes[phase]))
        for phase in order
        if meeting.notes.get(phase, "").strip()
    ]
    return Markdown("\n").join(items) if items else Markdown("_No notes were taken._")


def _actions(meeting: Meeting) -> Markdown:
    if not meeting.actions:
        return Markdown("_No action items were agreed._")
    return Markdown("\n").join(
        list_item("-", Markdown("{} — {} — {}").format(
            one_line(a.description),
            one_line(a.owner) or Markdown("unassigned"),
            a.due.isoformat() if a.due else Markdown("no due date"),
        ))
        for a in meeting.actions
    )
