"""The complete post-mortem document, as Markdown."""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import quote

from ..analysis.checklist import quality_checklist
from ..analysis.metrics import incident_metrics
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
from .escape import Markdown, escape
from .minutes import render_minutes
from .tables import heading, list_item, one_line, table

_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_URL_UNSAFE = str.maketrans({"(": "%28", ")": "%29", "\\": "%5C", "<": "%3C", ">": "%3E"})
_OBSERVATIONS_EMPTY = {
    "went_well": Markdown("_Nothing was recorded as going well._"),
    "went_poorly": Markdown("_Nothing was recorded as going poorly._"),
    "lucky": Markdown("_No lucky breaks were recorded._"),
}
_ROOT_CAUSE_WIDTH = 60


def render_postmortem(
    meeting: Meeting,
    *,
    minutes: bool = False,
    related_titles: dict[str, str] | None = None,
    today: date | None = None,
) -> str:
    """The post-mortem document; every section is present, empty ones say so.

    Every field a person typed renders as its text (see :mod:`.escape`).

    ``related_titles`` maps related meeting ids to their titles; ``today``
    (default: the current date) decides which open action items are overdue.
    With ``minutes`` the meeting minutes are appended as a last section.
    """
    incident = meeting.incident
    sections = [
        ("Incident summary", escape(incident.summary) or Markdown("_No summary was written._")),
        ("Incident metadata", _metadata(meeting)),
        ("Impact assessment", _impact(meeting)),
        ("Timeline", _timeline(meeting)),
        ("Root cause analysis", _root_causes(meeting)),
        ("Contributing factors", _factors(meeting)),
        *((OBSERVATION_LABELS[kind], _observations(meeting, kind)) for kind in OBSERVATION_KINDS),
        ("Action items", _actions(meeting, today or date.today())),
        ("Quality checklist", _checklist(meeting)),
        ("Related incidents", _related(meeting, related_titles or {})),
    ]
    created = local(meeting.created, incident.tz).date()
    parts = [
        heading(1, Markdown("{} ({})").format(incident.title, incident.severity)),
        Markdown("Post-mortem · {} · {}").format(created.isoformat(), meeting.status),
    ]
    document = _document_line(meeting)
    if document:
        parts.append(document)
    parts += [f"{heading(2, name)}\n\n{body}" for name, body in sections]
    if minutes:
        parts.append(render_minutes(meeting, level=2).strip())
    return "\n\n".join(parts) + "\n"


def _document_line(meeting: Meeting) -> Markdown:
    fields = [
        ("Document owner", one_line(meeting.document_owner)),
        ("Published", meeting.publication_date),
        ("Follow-up review", meeting.follow_up_date),
    ]
    return Markdown(" · ").join(Markdown("{}: {}").format(label, value) for label, value in fields if value)


def _when(moment: datetime | None, tz: str) -> str:
    return local(moment, tz).strftime("%Y-%m-%d %H:%M:%S %Z") if moment else "unknown"


def _metadata(meeting: Meeting) -> Markdown:
    incident = meeting.incident
    commanders = [a.name for a in meeting.attendees if a.role == "incident commander"]
    rows = [
        ["Severity", incident.severity],
        ["Start", _when(incident.impact_start, incident.tz)],
        ["End", _when(incident.resolved, incident.tz)],
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
    rows = [
        [t.strftime(fmt), _event_text(e, milestones), e.actor, _evidence(e.evidence), shown_author(e)]
        for e, t in zip(events, times)
    ]
    return Markdown("{}\n\n{}").format(note, table(["Time", "Event", "Actor", "Evidence", "Author"], rows))


def _milestones(incident: Incident) -> dict[datetime, list[str]]:
    labels: dict[datetime, list[str]] = {}
    for name in MILESTONES:
        moment = getattr(incident, name)
        if moment is not None:
            labels.setdefault(moment, []).append(MILESTONE_LABELS[name])
    return labels


def _event_text(event: TimelineEvent, milestones: dict[datetime, list[str]]) -> Markdown:
    parts: list[object] = []
    if event.decision_point:
        parts.append(Markdown("**Decision:**"))
    parts.append(event.description)
    if event.time in milestones:
        parts.append(Markdown("_(milestone: {})_").format(", ".join(milestones[event.time])))
    return Markdown(" ").join(parts)


def _evidence(text: str) -> str:
    """An evidence URL as a link (its destination percent-encoded where Markdown would read it), else text."""
    url = text.strip()
    if _URL.fullmatch(url):
        return Markdown(f"[link]({url.translate(_URL_UNSAFE)})")
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
            _shorten(causes.get(a.root_cause_id, "")),
            f"{a.status} (overdue)" if overdue else a.status,
        ])
    headers = ["Priority", "Action", "Owner", "Due", "Success criteria", "Type", "Root cause", "Status"]
    return table(headers, rows)


def _shorten(text: str) -> str:
    line = one_line(text)
    return line if len(line) <= _ROOT_CAUSE_WIDTH else line[: _ROOT_CAUSE_WIDTH - 1].rstrip() + "…"


def _checklist(meeting: Meeting) -> Markdown:
    rows = [[item.name, "✅" if item.passed else "❌", item.reason] for item in quality_checklist(meeting)]
    return table(["Item", "Passed", "Reason"], rows)


def _related(meeting: Meeting, titles: dict[str, str]) -> Markdown:
    if not meeting.related:
        return Markdown("_No related incidents were linked._")
    return Markdown("\n").join(
        list_item("-", Markdown("[{}]({})").format(one_line(titles.get(i) or i), Markdown(quote(f"{i}.md"))))
        for i in meeting.related
    )
