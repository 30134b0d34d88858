"""Plain dataclasses for a post-mortem meeting, and their JSON-ready form.

Nothing here does I/O. Times are timezone-aware ``datetime`` objects in
memory and ISO 8601 strings on disk; due dates are ``date`` objects.
"""

from __future__ import annotations

import dataclasses
import secrets
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .text import clean_data

SCHEMA_VERSION = 1

SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")
MILESTONES = ("impact_start", "detected", "acknowledged", "mitigated", "resolved")
MILESTONE_LABELS = {
    "impact_start": "Impact start",
    "detected": "Detected",
    "acknowledged": "Acknowledged",
    "mitigated": "Mitigated",
    "resolved": "Resolved",
}
ROLES = ("facilitator", "note-taker", "incident commander", "responder", "stakeholder")
OBSERVATION_KINDS = ("went_well", "went_poorly", "lucky")
OBSERVATION_LABELS = {
    "went_well": "What went well",
    "went_poorly": "What went poorly",
    "lucky": "Where we got lucky",
}
ROOT_CAUSE_CATEGORIES = (
    "code defect",
    "configuration error",
    "capacity",
    "dependency failure",
    "process gap",
    "operational error",
    "design flaw",
    "monitoring gap",
)
FISHBONE_CATEGORIES = ("people", "process", "technology", "environment")
PRIORITIES = ("critical", "high", "medium", "low")
PRIORITY_DUE_DAYS = {"critical": 7, "high": 21, "medium": 42, "low": 84}
ACTION_KINDS = ("prevents recurrence", "improves detection", "improves response")
ACTION_STATUSES = ("open", "done")
MEETING_STATUSES = ("active", "ended", "published")
"""A meeting runs (active), is over with its document still being written (ended), then is published."""


def new_id() -> str:
    """A short random id (8 hex digits), unique enough within one data dir."""
    return secrets.token_hex(4)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def default_due(priority: str, start: date) -> date:
    """The due date an action item of ``priority`` gets when none is given."""
    return start + timedelta(days=PRIORITY_DUE_DAYS[priority])


@dataclass
class Incident:
    """What happened: the incident's metadata and its milestone times."""

    title: str
    severity: str = "SEV2"
    services: list[str] = field(default_factory=list)
    summary: str = ""
    tz: str = "UTC"
    impact_start: datetime | None = None
    detected: datetime | None = None
    acknowledged: datetime | None = None
    mitigated: datetime | None = None
    resolved: datetime | None = None
    users_affected: str = ""
    slo_impact: str = ""
    detection_method: str = ""


@dataclass
class Attendee:
    """A person in the meeting and their role."""

    name: str
    role: str = "responder"
    id: str = field(default_factory=new_id)
    login: str = ""
    """Their login on the organisation's forge (GitHub/GitLab), for assigning follow-up issues; "" when unknown."""


@dataclass
class TimelineEvent:
    """One thing that happened during the incident, at a point in time."""

    time: datetime
    description: str
    actor: str = ""
    evidence: str = ""
    author: str = ""
    decision_point: bool = False
    id: str = field(default_factory=new_id)
    created: datetime = field(default_factory=utcnow)
    author_id: str = ""  # the room identity of the note-taker who added it ("" when typed on the facilitator's screen)
    speaker: str = ""  # who said it (an attendee's name, or an ``@name`` as typed); "" when not said
    source: str = ""
    """Where an imported event came from (``slack:#inc-db``, ``pagerduty``, ``alertmanager``…); "" when typed."""


@dataclass
class Observation:
    """What went well, what went poorly, or where we got lucky."""

    kind: str
    text: str
    author: str = ""
    id: str = field(default_factory=new_id)
    author_id: str = ""  # the room identity of the note-taker who added it
    speaker: str = ""  # who said it; "" when not said


@dataclass
class Why:
    """One answer in a Five Whys chain."""

    text: str
    author: str = ""
    id: str = field(default_factory=new_id)
    author_id: str = ""  # the room identity of the note-taker who added it
    speaker: str = ""  # who said it; "" when not said


@dataclass
class RootCause:
    """The systemic cause a Five Whys chain ends in."""

    text: str
    category: str


@dataclass
class WhyChain:
    """A Five Whys chain from a problem statement to a root cause."""

    problem: str
    whys: list[Why] = field(default_factory=list)
    root_cause: RootCause | None = None
    author: str = ""
    id: str = field(default_factory=new_id)
    proposals: list[Why] = field(default_factory=list)
    """Note-takers' answers waiting for the facilitator to place them (arrival order is not the causal order)."""
    set_aside: list[Why] = field(default_factory=list)
    """Proposals the facilitator put aside: kept, never part of the chain."""


@dataclass
class ContributingFactor:
    """Something that made the incident likelier or worse, by fishbone category."""

    text: str
    category: str
    author: str = ""
    id: str = field(default_factory=new_id)
    speaker: str = ""  # who said it; "" when not said


@dataclass
class ActionItem:
    """A change the team commits to, tracked until it is done."""

    description: str
    owner: str = ""
    priority: str = "medium"
    due: date | None = None
    success_criteria: str = ""
    kinds: list[str] = field(default_factory=list)
    root_cause_id: str | None = None
    status: str = "open"
    status_changed: datetime | None = None
    status_note: str = ""
    created: datetime = field(default_factory=utcnow)
    id: str = field(default_factory=new_id)
    link: str = ""
    """Where the work is tracked (an issue's URL), shown in the document's action table."""


@dataclass
class PhaseRecord:
    """Planned against actual time for one agenda phase, for the minutes."""

    phase_id: str
    title: str
    planned_minutes: float
    actual_seconds: float = 0.0
    extended_minutes: float = 0.0
    """Minutes the phase was extended by during the meeting (ctrl+o), on top of ``planned_minutes``."""


@dataclass
class Publication:
    """Where the meeting was last published into an organisation's archive (a git repository)."""

    commit: str
    """The id of the commit that holds this version."""
    branch: str
    folder: str
    """The post-mortem's folder inside the archive (``postmortems/2026/2026-03-14-login-storms``), POSIX-style."""
    published_at: datetime
    pull_request: str = ""
    """The pull (or merge) request's URL, when one was opened."""
    remote: str = ""
    """The web address of the archive's forge repository (``https://github.com/org/postmortems``), when known."""


@dataclass
class ClockState:
    """The persisted state of the meeting clock (see ``pmtui.clock``).

    ``elapsed`` and ``extended`` hold seconds per phase index; the phase that
    is running accumulates from ``running_since`` (epoch seconds).
    """

    phase_index: int = 0
    running_since: float | None = None
    elapsed: list[float] = field(default_factory=list)
    extended: list[float] = field(default_factory=list)
    started_at: float | None = None


@dataclass
class Meeting:
    """A whole post-mortem meeting: the incident and everything learned about it."""

    incident: Incident
    agenda: str = "standard-90"
    """The agenda's name, or the path of the file it came from (``pmtui new --agenda PATH``)."""
    agenda_source: str = ""
    """The agenda's TOML text when the meeting was created, which it keeps running by ('' in older files)."""
    id: str = field(default_factory=new_id)
    created: datetime = field(default_factory=utcnow)
    status: str = "active"
    attendees: list[Attendee] = field(default_factory=list)
    events: list[TimelineEvent] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    chains: list[WhyChain] = field(default_factory=list)
    factors: list[ContributingFactor] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    phases: list[PhaseRecord] = field(default_factory=list)
    clock: ClockState = field(default_factory=ClockState)
    notes: dict[str, str] = field(default_factory=dict)
    document_owner: str = ""
    publication_date: date | None = None
    follow_up_date: date | None = None
    related: list[str] = field(default_factory=list)
    dismissed_findings: list[str] = field(default_factory=list)
    included_optional: list[str] = field(default_factory=list)
    removed_note_takers: list[str] = field(default_factory=list)
    """Room identities (author ids) the facilitator removed from the room: refused when they come back."""
    sections: dict[str, str] = field(default_factory=dict)
    """The document's narrative sections (id from the agenda's ``[[document.sections]]``) as typed Markdown."""
    ended_at: datetime | None = None
    """When the facilitator ended the meeting (None while it runs)."""
    updated_after_publication: date | None = None
    """The last day the document changed after it was published."""
    publication: Publication | None = None
    """The archive commit (and pull request) of the last ``pmtui publish``; None when never published there."""
    current_speaker: str = ""
    """Who is speaking now (set by the facilitator, f9): the speaker of the facilitator's entries that name none."""

    @property
    def facilitator(self) -> str:
        """The name of the first attendee with the facilitator role, or ''."""
        return next((a.name for a in self.attendees if a.role == "facilitator"), "")

    def sorted_events(self) -> list[TimelineEvent]:
        """Timeline events in time order (stable for equal times)."""
        return sorted(self.events, key=lambda e: e.time)


# --- data from older files ------------------------------------------------

OLD_DECISIONS_PHASE = "review"
"""The phase (the review phase of every shipped agenda) whose notes take the decisions of older files."""
OLD_DECISIONS_HEADING = "Decisions recorded in this meeting (a list that earlier pmtui versions kept apart):"


def upgrade(data: dict) -> dict:
    """Meeting data read from a file, in today's shape.

    Files written before decisions had one home (the timeline's decision
    points) may hold a separate list of decisions taken in the meeting; each
    becomes a line of a paragraph in the review phase's notes, which the
    minutes show, so none is lost and none needs a field of its own.

    Files written before :mod:`pmtui.text`'s rule may hold control, bidi or
    invisible characters (an old import): they are removed here, where every
    reader of a meeting file passes (the facilitator's session, export,
    search, the library and its cache), so nothing downstream, on screen, in
    the room or on a terminal, ever sees them. The file keeps them until the
    meeting next changes.
    """
    decisions = [text for text in data.pop("decisions", ()) if text.strip()]
    if decisions:
        notes = dict(data.get("notes") or {})
        paragraph = "\n".join([OLD_DECISIONS_HEADING, *(f"- {' '.join(text.split())}" for text in decisions)])
        earlier = notes.get(OLD_DECISIONS_PHASE, "").rstrip()
        notes[OLD_DECISIONS_PHASE] = f"{earlier}\n\n{paragraph}" if earlier else paragraph
        data["notes"] = notes
    return clean_data(data)


# --- JSON-ready conversion -------------------------------------------------


def to_data(obj: Any) -> Any:
    """Turn a model object (or a value inside one) into JSON-ready data."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_data(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (datetime, date)):
        return obj.isoformat()
    if isinstance(obj, (list, tuple)):
        return [to_data(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_data(v) for k, v in obj.items()}
    return obj


def from_data(cls: type, data: Any) -> Any:
    """Build a ``cls`` from data made by :func:`to_data`; unknown keys are ignored."""
    return _converter_for(cls)(data)


_CONVERTERS: dict[Any, Callable[[Any], Any]] = {}


def _converter_for(tp: Any) -> Callable[[Any], Any]:
    """The conversion function for ``tp``, worked out once per type, not per value."""
    if tp not in _CONVERTERS:
        _CONVERTERS[tp] = _converter(tp) or (lambda v: v)
    return _CONVERTERS[tp]


def _converter(tp: Any) -> Callable[[Any], Any] | None:
    """A function turning ``to_data`` output back into ``tp``; None means "use the value as it is"."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = _converter(next(a for a in typing.get_args(tp) if a is not type(None)))
        return None if inner is None else (lambda v: None if v is None else inner(v))
    if origin is list:
        item = _converter(typing.get_args(tp)[0])
        return list if item is None else (lambda v: [item(x) for x in v])
    if origin is dict:
        item = _converter(typing.get_args(tp)[1])
        return dict if item is None else (lambda v: {k: item(x) for k, x in v.items()})
    if dataclasses.is_dataclass(tp):
        return _dataclass_converter(tp)
    if tp is datetime:
        return datetime.fromisoformat
    if tp is date:
        return date.fromisoformat
    if tp is float:
        return lambda v: float(v) if isinstance(v, int) else v
    return None


def _dataclass_converter(tp: type) -> Callable[[dict], Any]:
    hints = typing.get_type_hints(tp)
    names = frozenset(f.name for f in dataclasses.fields(tp))
    converted = [(name, conv) for name in names if (conv := _converter(hints[name])) is not None]

    def convert(value: dict) -> Any:
        kwargs = dict(value) if value.keys() <= names else {k: v for k, v in value.items() if k in names}
        for name, conv in converted:
            if name in kwargs:
                kwargs[name] = conv(kwargs[name])
        return tp(**kwargs)

    return convert
