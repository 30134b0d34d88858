"""The complete post-mortem document, as Markdown: the one a team publishes as it comes out.

The header dates the incident (not the export), the narrative sections tell
the story in the agenda's order, and the meeting's lists follow; nothing is
ever cut short. The facilitator's scaffolding (checklist, guidance, notes)
goes only with the minutes or when asked for.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import quote, unquote, urlsplit

from ..agenda import Agenda
from ..analysis.guidance import review
from ..analysis.metrics import incident_metrics
from ..analysis.stats import incident_day
from ..document import agenda_sections, section_text
from ..model import (
    FISHBONE_CATEGORIES,
    MILESTONE_LABELS,
    MILESTONES,
    OBSERVATION_KINDS,
    OBSERVATION_LABELS,
    PRIORITIES,
    ActionItem,
    Incident,
    Meeting,
    TimelineEvent,
)
from ..speakers import shown_author
from ..timeparse import format_duration, local
from .chart import impact_chart
from .escape import Markdown, escape, link_target
from .minutes import render_minutes
from .narrative import render_narrative
from .tables import heading, list_item, one_line, table

_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_OBSERVATIONS_EMPTY = {
    "went_well": Markdown("_Nothing was recorded as going well._"),
    "went_poorly": Markdown("_Nothing was recorded as going poorly._"),
    "lucky": Markdown("_No lucky breaks were recorded._"),
}
_NOT_WRITTEN = Markdown("_Not written yet._")
_STATUS = {"active": "draft (meeting in progress)", "ended": "draft", "published": "published"}
_DECISION = "◆ Decision"
_MILESTONE = "●"


def render_postmortem(
    meeting: Meeting,
    *,
    minutes: bool = False,
    with_checklist: bool = False,
    related_titles: dict[str, str] | None = None,
    today: date | None = None,
    agenda: Agenda | None = None,
) -> str:
    """The post-mortem document a team publishes as it comes out; every section is present, empty ones say so.

    Every field a person typed renders as its text (see :mod:`.escape`); the
    narrative sections render as the Markdown they are, raw HTML disabled
    (see :mod:`.narrative`). ``related_titles`` maps related meeting ids to
    their titles; ``today`` (default: the current date) decides which open
    action items are overdue; ``agenda`` gives the narrative sections (default:
    the meeting's agenda). The facilitator's scaffolding — the quality
    checklist, the guidance findings, the notes — is not part of the document:
    ``minutes`` appends the meeting minutes with it, ``with_checklist`` appends
    it on its own.
    """
    incident = meeting.incident
    lists = [
        ("Incident metadata", _metadata(meeting)),
        ("Impact assessment", _impact(meeting)),
        ("Timeline", _timeline(meeting)),
        ("Key decisions", _decisions(meeting)),
        ("Root cause analysis", _root_causes(meeting)),
        ("Contributing factors", _factors(meeting)),
        *((OBSERVATION_LABELS[kind], _observations(meeting, kind)) for kind in OBSERVATION_KINDS),
        ("Action items", _actions(meeting, today or date.today())),
        ("Related incidents", _related(meeting, related_titles or {})),
    ]
    parts = [heading(1, incident.title), _header(meeting), f"{heading(2, 'Milestones')}\n\n{_milestone_list(incident)}"]
    parts += [f"{heading(2, section.title)}\n\n{_narrative(meeting, section.id)}"
              for section in agenda_sections(meeting, agenda)]
    parts += [f"{heading(2, name)}\n\n{body}" for name, body in lists]
    if minutes:
        parts.append(render_minutes(meeting, level=2).strip())
        parts += _scaffolding(meeting, level=3, notes=False)
    elif with_checklist:
        parts += _scaffolding(meeting, level=2, notes=True)
    return "\n\n".join(parts) + "\n"


def render_minutes_file(meeting: Meeting) -> str:
    """The minutes as a file of their own (the app's export): with the quality checklist and the guidance findings.

    The default document leaves the facilitator's working material out; the minutes are where it goes, as with
    ``--minutes`` (their notes are the minutes' own).
    """
    return "\n\n".join([render_minutes(meeting).strip(), *_scaffolding(meeting, level=2, notes=False)]) + "\n"


def _header(meeting: Meeting) -> Markdown:
    """The line under the title: when the incident was, how long it lasted, and where the document stands."""
    incident = meeting.incident
    fields = [
        ("Incident date", incident_day(meeting).isoformat()),
        ("Duration", _duration(incident_metrics(incident).duration)),
        ("Severity", incident.severity),
        ("Status", _STATUS.get(meeting.status, meeting.status)),
        ("Document owner", one_line(meeting.document_owner) or Markdown("_not named_")),
        ("Published" if meeting.status == "published" else "Publication planned",  # the review's date, until then
         meeting.publication_date.isoformat() if meeting.publication_date else ""),
        ("Updated after publication", meeting.updated_after_publication.isoformat()
         if meeting.updated_after_publication else ""),
        ("Follow-up review", meeting.follow_up_date.isoformat() if meeting.follow_up_date else ""),
    ]
    return Markdown(" · ").join(Markdown("**{}:** {}").format(label, value) for label, value in fields if value)


def _narrative(meeting: Meeting, section_id: str) -> Markdown:
    """A narrative section as written; the summary falls back to the incident's summary line (typed text)."""
    written = meeting.sections.get(section_id, "")
    if written.strip():
        return render_narrative(written, level=2)
    fallback = section_text(meeting, section_id)
    return escape(fallback) if fallback.strip() else _NOT_WRITTEN


def _milestone_list(incident: Incident) -> Markdown:
    return Markdown("\n").join(
        list_item("-", Markdown("**{}:** {}").format(MILESTONE_LABELS[name], _when(getattr(incident, name),
                                                                                    incident.tz)))
        for name in MILESTONES
    )


def _when(moment: datetime | None, tz: str) -> object:
    return local(moment, tz).strftime("%Y-%m-%d %H:%M:%S %Z") if moment else Markdown("_not recorded_")


def _metadata(meeting: Meeting) -> Markdown:
    incident = meeting.incident
    commanders = [a.name for a in meeting.attendees if a.role == "incident commander"]
    rows = [
        ["Severity", incident.severity],
        ["Time zone", incident.tz or "UTC"],
        ["Affected services", ", ".join(incident.services) or "—"],
        ["Detection method", incident.detection_method or "—"],
        ["Incident commander", ", ".join(commanders) or "—"],
    ]
    return table(["Field", "Value"], rows)


def _duration(seconds: float | None) -> str:
    return "unknown" if seconds is None else format_duration(seconds)


def _impact(meeting: Meeting) -> Markdown:
    incident = meeting.incident
    metrics = incident_metrics(incident)
    rows = [
        ["Users affected", incident.users_affected or "—"],
        ["SLO impact", incident.slo_impact or "—"],
        ["Time to detect", _duration(metrics.time_to_detect)],
        ["Time to acknowledge", _duration(metrics.time_to_acknowledge)],
        ["Time to mitigate", _duration(metrics.time_to_mitigate)],
        ["Time to resolve", _duration(metrics.time_to_resolve)],
        ["Total duration", _duration(metrics.duration)],
    ]
    chart = impact_chart(meeting)
    return Markdown("\n\n").join([table(["Measure", "Value"], rows), *([chart] if chart else [])])


def _timeline(meeting: Meeting) -> Markdown:
    events = meeting.sorted_events()
    if not events:
        return Markdown("_No timeline events were recorded._")
    tz = meeting.incident.tz or "UTC"
    times = [local(e.time, tz) for e in events]
    one_day = times[0].date() == times[-1].date()
    note = (f"Times are in {tz}, on {times[0].date().isoformat()}." if one_day
            else f"Times are in {tz}, from {times[0].date().isoformat()} to {times[-1].date().isoformat()}.")
    fmt = "%H:%M:%S" if one_day else "%Y-%m-%d %H:%M:%S"
    milestones = _milestones(meeting.incident)
    authors = [shown_author(e) for e in events]
    credited = any(authors)  # a column of blanks is noise in a published document
    rows = [
        [t.strftime(fmt), e.description, _marks(e, milestones), e.actor, _sourced(e),
         *([author] if credited else [])]
        for e, t, author in zip(events, times, authors)
    ]
    headers = ["Time", "Event", "Decision or milestone", "Actor", "Evidence", *(["Author"] if credited else [])]
    return Markdown("{}\n\n{}").format(note, table(headers, rows))


def _milestones(incident: Incident) -> dict[datetime, list[str]]:
    labels: dict[datetime, list[str]] = {}
    for name in MILESTONES:
        moment = getattr(incident, name)
        if moment is not None:
            labels.setdefault(moment, []).append(MILESTONE_LABELS[name])
    return labels


def _marks(event: TimelineEvent, milestones: dict[datetime, list[str]]) -> str:
    """What an event is besides its text: a decision point, a milestone of the incident, or both."""
    marks = [_DECISION] if event.decision_point else []
    marks += [f"{_MILESTONE} {label}" for label in milestones.get(event.time, [])]
    return ", ".join(marks)


def _decisions(meeting: Meeting) -> Markdown:
    """The decision points of the timeline, when they were taken and by whom."""
    tz = meeting.incident.tz or "UTC"
    items = [
        list_item("-", _credited(Markdown("{} — {}").format(_when(e.time, tz), e.description), one_line(e.actor)))
        for e in meeting.sorted_events()
        if e.decision_point
    ]
    return Markdown("\n").join(items) if items else Markdown("_No decision points were marked in the timeline._")


def _sourced(event: TimelineEvent) -> str:
    """The evidence cell: where an imported event came from (``slack:#inc-db · <evidence>``), then its evidence."""
    if not event.source:
        return _evidence(event.evidence)
    if not event.evidence.strip():
        return event.source
    return Markdown("{} · {}").format(event.source, _evidence(event.evidence))


def _evidence(text: str) -> str:
    """An evidence URL as a link (its destination percent-encoded where Markdown would read it), else text."""
    url = text.strip()
    if _URL.fullmatch(url):
        return Markdown(f"[link]({link_target(url)})")
    return text


def _root_causes(meeting: Meeting) -> Markdown:
    if not meeting.chains:
        return Markdown("_No root cause analysis was recorded._")
    blocks = []
    for number, chain in enumerate(meeting.chains, 1):
        whys = Markdown("\n").join(
            list_item(f"{i}.", _credited(Markdown("Why? {}").format(why.text), shown_author(why)))
            for i, why in enumerate(chain.whys, 1)
        )
        cause = chain.root_cause
        blocks += [
            heading(3, Markdown("{}. {}").format(number, chain.problem)),
            whys or Markdown("_No whys were recorded._"),
            Markdown("**Root cause** ({}): {}").format(cause.category, cause.text)
            if cause
            else Markdown("_No root cause identified yet._"),
        ]
    return Markdown("\n\n").join(blocks)


def _bullets(items: list[tuple[str, str]]) -> Markdown:
    """Bullets of text, each followed by its author in parentheses when known."""
    return Markdown("\n").join(list_item("-", _credited(text, author)) for text, author in items)


def _credited(text: object, author: str) -> object:
    """``text`` followed by who said it in parentheses, when anyone is credited (see ``speakers.shown_author``)."""
    return Markdown("{} ({})").format(text, one_line(author)) if author.strip() else text


def _factors(meeting: Meeting) -> Markdown:
    if not meeting.factors:
        return Markdown("_No contributing factors were recorded._")
    categories = dict.fromkeys([*FISHBONE_CATEGORIES, *(f.category for f in meeting.factors)])
    blocks = []
    for category in categories:
        items = [(f.text, shown_author(f)) for f in meeting.factors if f.category == category]
        if items:
            blocks += [heading(3, category.capitalize()), _bullets(items)]
    return Markdown("\n\n").join(blocks)


def _observations(meeting: Meeting, kind: str) -> Markdown:
    items = [(o.text, shown_author(o)) for o in meeting.observations if o.kind == kind]
    return _bullets(items) if items else _OBSERVATIONS_EMPTY[kind]


def _action_order(action: ActionItem) -> tuple:
    rank = PRIORITIES.index(action.priority) if action.priority in PRIORITIES else len(PRIORITIES)
    return (rank, action.due is None, action.due or date.min)


def _actions(meeting: Meeting, today: date) -> Markdown:
    if not meeting.actions:
        return Markdown("_No action items were agreed._")
    causes = {c.id: c.root_cause.text for c in meeting.chains if c.root_cause}
    rows = []
    for a in sorted(meeting.actions, key=_action_order):
        overdue = a.status == "open" and a.due is not None and a.due < today
        rows.append([
            a.priority,
            a.description,
            a.owner or Markdown("_unassigned_"),
            a.due.isoformat() if a.due else "—",
            a.success_criteria,
            ", ".join(a.kinds),
            causes.get(a.root_cause_id, ""),
            f"{a.status} (overdue)" if overdue else a.status,
            _tracking(a.link),
        ])
    headers = ["Priority", "Action", "Owner", "Due", "Success criteria", "Type", "Root cause", "Status", "Tracking"]
    return table(headers, rows)


def _tracking(url: str) -> object:
    """Where an action is tracked: a link named by the URL's last part (an issue's number or key), else the text.

    The table has nine columns; the whole address as the link's text would take a third of its width.
    """
    url = url.strip()
    if not _URL.fullmatch(url):
        return url or "—"
    parts = urlsplit(url)
    last = next((p for p in reversed(parts.path.split("/")) if p), "") or parts.netloc
    label = f"#{last}" if last.isdigit() else unquote(last)
    return Markdown("[{}]({})").format(label, Markdown(link_target(url)))


def _scaffolding(meeting: Meeting, *, level: int, notes: bool) -> list[str]:
    """The facilitator's working material: the quality checklist, the guidance findings, and the notes."""
    guidance = review(meeting)
    checklist = table(["Item", "Passed", "Reason"],
                      [[item.name, "✅" if item.passed else "❌", item.reason] for item in guidance.checklist])
    findings = [Markdown("{}: “{}” — {} {}").format(f.where, f.excerpt, f.message, f.suggestion)
                for f in guidance.findings]
    findings += [Markdown("{}: {}").format(flag.where, flag.message) for flag in guidance.depth]
    parts = [
        f"{heading(level, 'Quality checklist')}\n\n{checklist}",
        f"{heading(level, 'Guidance findings')}\n\n"
        + (Markdown("\n").join(list_item("-", f) for f in findings) or Markdown("_The guidance found nothing._")),
    ]
    if notes:
        parts.append(f"{heading(level, 'Facilitator notes')}\n\n{_notes(meeting)}")
    return parts


def _notes(meeting: Meeting) -> Markdown:
    titles = {p.phase_id: p.title for p in meeting.phases}
    items = [list_item("-", Markdown("**{}:** {}").format(one_line(titles.get(phase, phase)), text))
             for phase, text in meeting.notes.items() if text.strip()]
    return Markdown("\n").join(items) if items else Markdown("_No notes were taken._")


def _related(meeting: Meeting, titles: dict[str, str]) -> Markdown:
    if not meeting.related:
        return Markdown("_No related incidents were linked._")
    return Markdown("\n").join(
        list_item("-", Markdown("[{}]({})").format(one_line(titles.get(i) or i), Markdown(quote(f"{i}.md"))))
        for i in meeting.related
    )
