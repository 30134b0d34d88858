"""MeetingSession: the one writer of a meeting.

Every change (a key press, a note-taker's message, an import) goes through a
session method: it is validated, applied to the in-memory meeting, handed to
the background saver, and announced to subscribers as a :class:`Change`.
"""

from __future__ import annotations

import math
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

from .agenda import Agenda, DocumentSection, Phase, meeting_agenda, resolve_agenda
from .changes import Change, Entity, Op
from .clock import MeetingClock
from .document import agenda_sections
from .model import (
    ACTION_KINDS,
    ACTION_STATUSES,
    FISHBONE_CATEGORIES,
    MILESTONES,
    OBSERVATION_KINDS,
    OBSERVATION_LABELS,
    PRIORITIES,
    ROLES,
    ROOT_CAUSE_CATEGORIES,
    SEVERITIES,
    ActionItem,
    Attendee,
    ContributingFactor,
    Incident,
    Meeting,
    Observation,
    PhaseRecord,
    Publication,
    RootCause,
    TimelineEvent,
    Why,
    WhyChain,
    default_due,
    from_data,
    to_data,
)
from .speakers import resolve_speaker
from .store import MeetingFile, SaveStatus, SessionSaver, meeting_from, resolve_meeting
from .text import TextError, check
from .timeparse import TimeFormatError, is_clock_time, parse_date, parse_time, zone
from .undo import UndoStack, short


class ValidationError(ValueError):
    """A change the session refuses; the message is one line for the user.

    ``field`` names the value refused when several came at once (see :func:`new_incident`),
    so that the command line can name its option.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


Subscriber = Callable[[Change], None]

NOW = object()
"""The time a change is made (the default of :meth:`MeetingSession.set_action_status`'s ``at``)."""
FIVE_WHYS = "five_whys"
"""The phase kind in which note-takers may propose answers to a Five Whys chain."""

DOCUMENT_PARTS = frozenset({Entity.INCIDENT, Entity.ATTENDEE, Entity.EVENT, Entity.OBSERVATION, Entity.CHAIN,
                            Entity.FACTOR, Entity.ACTION, Entity.SECTION, Entity.RELATED})
"""What the document shows as written: changed after publication, it says "Updated after publication" with the day.

Not the meeting's own record (clock, notes, checklist findings, status, review dates), and not an action item's
progress or tracker link, which the team keeps up to date after publishing (``tracking=True``).
"""

_INCIDENT_TEXT = {"summary": ("the summary", "summary"), "users_affected": ("users affected", "detail"),
                  "slo_impact": ("the SLO impact", "detail"), "detection_method": ("the detection method", "detail")}
"""The incident's free-text fields: how a refusal names each, and its kind in ``pmtui.text.LIMITS``."""


def _text(value: object, what: str, field: str) -> str:
    """Typed text under :mod:`pmtui.text`'s rule (stripped), or a one-line ValidationError."""
    try:
        return check("" if value is None else str(value), what, field)
    except TextError as exc:
        raise ValidationError(str(exc)) from None


def _require(value: object, what: str, field: str = "text") -> str:
    text = _text(value, what, field)
    if not text:
        raise ValidationError(f"{what} is empty: type some text first")
    return text


def _zone_name(value: object) -> str:
    try:
        zone(str(value))
    except TimeFormatError as exc:
        raise ValidationError(str(exc)) from None
    return str(value)


def _choice(value: str, options: Iterable[str], what: str) -> str:
    options = tuple(options)
    if value not in options:
        raise ValidationError(f"{what} {value!r} is not one of: {', '.join(options)}")
    return value


_URL_CHARACTER = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")
"""A character RFC 3986 lets a URL hold as it is (unreserved, reserved, and % of a percent-encoded octet)."""
_BARE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def tracker_link(value: object) -> str:
    """An action item's tracker link as typed: an http(s) URL of the characters RFC 3986 allows, or "" for none.

    It becomes a link in the exported document, so any other scheme (``javascript:``, ``data:``, ``file:``)
    is refused rather than kept as text someone might click; so is a character no URL holds (a space, ``"``,
    ``<``, ``|``…), which would show as an odd label where it is escaped.
    """
    url = _text(value, "the link", "link")
    if not url:
        return ""
    if stray := next((ch for ch in url if not _URL_CHARACTER.fullmatch(ch)), None):
        shown = "a space" if stray == " " else f"'{stray}'" if stray.isprintable() and not stray.isspace() \
            else f"U+{ord(stray):04X}"
        raise ValidationError(f"the link holds {shown}, which no URL holds: write it percent-encoded "
                              f"({quote(stray, safe='')}), or give the URL as copied")
    if _BARE_PERCENT.search(url):
        raise ValidationError("the link holds '%' without two hex digits after it: write it as %25, "
                              "or give the URL as copied")
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:  # a bracketed host that is no IPv6 address
        hostname = None
    if not hostname or parts.scheme.lower() not in ("http", "https"):
        raise ValidationError(f"the link {url[:60]!r} is not an http or https URL; "
                              "give the tracker's address, e.g. https://tracker.example.com/issues/42")
    return url


def severity_name(value: object) -> str:
    """A severity as people type it ('1', 'sev1', 'SEV1') in the one spelling meetings keep ('SEV1')."""
    text = str(value).strip().upper()
    name = text if text.startswith("SEV") else f"SEV{text}"
    if name not in SEVERITIES:
        raise ValidationError(f"severity {value!r} is not one of: {', '.join(SEVERITIES)} (or 1-4)")
    return name


def split_services(value: str | Iterable[str]) -> list[str]:
    """The affected services from a comma separated line (or a list), blanks dropped."""
    parts = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    return [text for part in parts if (text := _text(part, "a service name", "service"))]


def new_incident(
    title: str,
    *,
    severity: str = "SEV2",
    tz: str = "UTC",
    services: str | Iterable[str] = "",
    times: Mapping[str, str | None] | None = None,
) -> Incident:
    """The incident of a new meeting from what a person typed (the ``pmtui new`` options, the home screen's form).

    ``times`` maps milestones to typed times; a clock-only time ('14:38') is the first such time in the
    incident's zone at or after the milestone before it (resolved 18:14 after a start at 23:27 is the next day).
    A refusal is a :class:`ValidationError` whose ``field`` is 'severity', 'tz', 'title' or the milestone.
    """

    def checked(field: str, read: Callable[[], object]):
        try:
            return read()
        except (ValidationError, TimeFormatError) as exc:
            raise ValidationError(str(exc), field=field) from None

    sev = checked("severity", lambda: severity_name(severity))
    tz = checked("tz", lambda: _zone_name((tz or "").strip() or "UTC"))
    incident = Incident(title="", severity=sev, tz=tz, services=checked("services", lambda: split_services(services)))
    previous = None
    for name in MILESTONES:
        text = (times or {}).get(name)
        if text and text.strip():
            previous = checked(name, lambda text=text, previous=previous: _milestone_time(text, tz, previous))
            setattr(incident, name, previous)
    incident.title = checked("title", lambda: _require(title, "the incident title", "title"))
    return incident


FORGE_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,253}[A-Za-z0-9_])?")
"""A GitHub or GitLab username: letters, digits, '-' (and GitLab's '.', '_'), no leading or trailing dot or dash."""


def forge_login(value: object) -> str:
    """A forge login as typed (a leading '@' dropped), or "" for none; anything else is refused.

    It goes into ``gh issue create --assignee`` as one argument: nothing but a username may pass.
    """
    login = _text(value, "the login", "login").removeprefix("@")
    if login and not FORGE_LOGIN.fullmatch(login):
        raise ValidationError(f"the login {login[:40]!r} is not a GitHub or GitLab username; "
                              "use letters, digits and '-' (GitLab also '.' and '_'), e.g. analima")
    return login


def new_attendee(name: str, role: str = "responder", login: str = "") -> Attendee:
    """An attendee from a typed name, role (one of ``ROLES``) and forge login, checked before any meeting holds it."""
    return Attendee(_require(name, "the attendee's name", "person"), _choice(role, ROLES, "role"),
                    login=forge_login(login))


def _milestone_time(text: str, tz: str, previous: datetime | None) -> datetime:
    """Milestones come in order: a clock-only one is the first such time at or after the one before it."""
    if previous is None or not is_clock_time(text):
        return parse_time(text, tz)
    day = previous.astimezone(zone(tz)).date()
    moment = parse_time(text, tz, day)
    return moment if moment >= previous else parse_time(text, tz, day + timedelta(days=1))


class MeetingSession:
    """Owns a meeting while it runs: validates changes, tells its saver and broadcasts them."""

    def __init__(
        self,
        meeting: Meeting,
        agenda: Agenda,
        *,
        file: MeetingFile | None = None,
        saver: SessionSaver | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.meeting = meeting
        self.agenda = agenda.for_meeting(meeting.included_optional)
        self.file = file
        self.saver = saver
        self.now = now
        self.release_problem: str | None = None  # set by close(): the lock file could not be removed
        self.published_change_agreed = False
        """Whoever holds this session said yes to changing the published document: no screen asks them again."""
        self.clock = MeetingClock([p.minutes for p in self.agenda.phases], meeting.clock, now)
        self._subscribers: list[Subscriber] = []
        self._closed = False
        self._applied: set[str] = (
            {e.id for e in meeting.events}
            | {o.id for o in meeting.observations}
            | {w.id for c in meeting.chains for w in (*c.whys, *c.proposals, *c.set_aside)}
        )
        self._events_by_id = {e.id: e for e in meeting.events}
        self._first_event: datetime | None = None  # the earliest event's time, kept as events come and go
        self._first_event_known = False
        self._last_entry: dict[str, tuple[str, datetime]] = {}  # author key -> (event id, time) of their latest add
        self.undo_stack = UndoStack()
        """The facilitator's last adds and deletes (changes made with a note-taker's change ``id`` never go on it)."""
        for event in meeting.events:
            self._entered(event)
        self._sync_phases()

    # --- opening and closing ------------------------------------------------

    @classmethod
    def create(
        cls,
        data_dir: Path,
        incident: Incident,
        agenda_ref: str | None = None,
        *,
        follow_ups: bool = False,
        now: Callable[[], float] = time.time,
        on_save_status: Callable[[SaveStatus], None] | None = None,
    ) -> MeetingSession:
        """Create a new meeting file in ``data_dir`` and open it for writing.

        The agenda's optional follow-up phases are included when ``follow_ups``
        says so; callers decide, usually by :func:`pmtui.library.has_open_actions`
        run off the event loop (it reads every meeting). The meeting keeps the
        agenda's text and runs by it ever after (:func:`pmtui.agenda.meeting_agenda`).
        """
        agenda = resolve_agenda(agenda_ref)
        _choice(incident.severity, SEVERITIES, "severity")
        _require(incident.title, "the incident title", "title")
        _zone_name(incident.tz)
        agenda_name = str(agenda.source.resolve()) if _is_path(agenda_ref) else agenda.name
        meeting = Meeting(incident=incident, agenda=agenda_name, agenda_source=agenda.text)
        optional = [p.id for p in agenda.phases if p.optional]
        if optional and follow_ups:
            meeting.included_optional = optional
        session = cls(meeting, agenda, now=now)
        file = MeetingFile.create(data_dir, to_data(meeting))
        session.file = file
        session.saver = SessionSaver(file, meeting, on_save_status)
        return session

    @classmethod
    def open(
        cls,
        data_dir: Path,
        ref: str,
        *,
        now: Callable[[], float] = time.time,
        on_save_status: Callable[[SaveStatus], None] | None = None,
    ) -> MeetingSession:
        """Open the meeting ``ref`` (id, id prefix or slug) as its one writer."""
        path = resolve_meeting(data_dir, ref)
        file = MeetingFile.open(path, write=True)
        try:
            meeting = meeting_from(path, file.load())
            agenda = meeting_agenda(meeting)
        except Exception:
            file.close()
            raise
        return cls(meeting, agenda, file=file, saver=SessionSaver(file, meeting, on_save_status), now=now)

    def flush(self, timeout: float | None = None) -> bool:
        """Block until every change so far is on disk (False on timeout)."""
        return self.saver.flush(timeout) if self.saver else True

    def close(self, on_unsaved: Callable[[Meeting], object] | None = None) -> bool:
        """Save what is pending (and the phase times so far) and release the file.

        Returns False when some changes could not be written (the disk is
        failing); ``on_unsaved`` (writing a rescue copy) is then called with the
        meeting while this process still holds the lock, and the lock is
        released even if it raises. A lock file that cannot be removed (the
        folder became read-only) is kept in :attr:`release_problem`, one line
        to report, never raised: the last entry must reach the rescue copy.
        """
        saved = True
        if self._closed:
            return saved
        self._closed = True
        try:
            if self.saver:
                if self.clock.running:  # the phase times moved on since the last change
                    self._sync_phases()
                    self.saver.save_now()
                saved = self.saver.close()
            if not saved and on_unsaved is not None:
                on_unsaved(self.meeting)
        finally:
            if self.file:
                self.release_problem = self.file.close()
        return saved

    # --- subscribers ---------------------------------------------------------

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback`` after every change; returns an unsubscribe function."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def defer_saves(self, schedule: Callable[[Callable[[], None]], object]) -> None:
        """Save once per ``schedule`` call (e.g. ``loop.call_soon``): a burst of changes costs one snapshot."""
        if self.saver:
            self.saver.defer(schedule)

    def prepare(self) -> None:
        """Build the saved form of every event now, while nobody types (else the first save does, on the UI's loop)."""
        if self.saver:
            self.saver.prepare()

    def _commit(self, entity: Entity, op: Op, item_id: str | None = None, author: str = "", *,
                tracking: bool = False) -> None:
        self._sync_phases()
        if self.meeting.status == "published" and entity in DOCUMENT_PARTS and not tracking:
            self.meeting.updated_after_publication = self.today()
        if self.saver and not self._closed:
            event = entity is Entity.EVENT
            self.saver.changed(item_id if event and op in (Op.CHANGED, Op.DELETED) else None,
                               added=self._events_by_id.get(item_id) if event and op is Op.ADDED else None)
        change = Change(entity, op, item_id, author)
        for callback in list(self._subscribers):
            callback(change)

    def _sync_phases(self) -> None:
        self.meeting.phases = [
            PhaseRecord(p.id, p.title, p.minutes, round(self.clock.phase_elapsed(i), 1),
                        round(self.clock.extended(i) / 60, 2))
            for i, p in enumerate(self.agenda.phases)
        ]

    def applied(self, item_id: str) -> bool:
        """Whether a client-generated change id was applied already (a change sent again whose ack was lost)."""
        return item_id in self._applied

    def _seen(self, item_id: str | None) -> bool:
        """True when a client-generated id was applied already (idempotency)."""
        if item_id is None:
            return False
        if item_id in self._applied:
            return True
        self._applied.add(item_id)
        return False

    # --- agenda and clock ----------------------------------------------------

    @property
    def phase(self) -> Phase:
        """The agenda phase the meeting is in."""
        return self.agenda.phases[self.clock.phase_index]

    def start_clock(self) -> None:
        """Start (or resume) the meeting clock."""
        self._clock_may_run()
        self.clock.start()
        self._commit(Entity.CLOCK, Op.CHANGED)

    def toggle_pause(self) -> bool:
        """Pause a running clock or start/resume a stopped one; returns running."""
        if not self.clock.running:
            self._clock_may_run()
        running = self.clock.toggle()
        self._commit(Entity.CLOCK, Op.CHANGED)
        return running

    def _clock_may_run(self) -> None:
        """An ended meeting's clock stays stopped: its length is what the minutes record."""
        if self.meeting.status != "active":
            raise ValidationError(f"the meeting is {self.meeting.status}; reopen it to run its clock again")

    def extend_phase(self, minutes: float) -> None:
        """Give the current phase ``minutes`` more."""
        if not (minutes > 0 and math.isfinite(minutes)):
            raise ValidationError("extend by a positive number of minutes")
        self.clock.extend(minutes * 60)
        self._commit(Entity.CLOCK, Op.CHANGED)

    def next_phase(self) -> bool:
        """Move to the next phase; False on the last one."""
        moved = self.clock.next()
        if moved:
            self._commit(Entity.PHASE, Op.CHANGED)
        return moved

    def previous_phase(self) -> bool:
        """Go back one phase (undoes an accidental advance; nothing is lost)."""
        moved = self.clock.previous()
        if moved:
            self._commit(Entity.PHASE, Op.CHANGED)
        return moved

    def jump_to_phase(self, index: int) -> None:
        """Make phase ``index`` the current one."""
        if not 0 <= index < len(self.agenda.phases):
            raise ValidationError(f"there is no phase {index + 1}; the agenda has {len(self.agenda.phases)}")
        self.clock.go_to(index)
        self._commit(Entity.PHASE, Op.CHANGED)

    # --- incident ------------------------------------------------------------

    def parse_time(self, text: str, tz: str | None = None, *, near: datetime | None = None) -> datetime:
        """Read a time typed in the meeting in ``tz`` (default: its zone).

        A clock-only time falls within 12 hours of ``near`` when given, else on the incident's date.
        """
        try:
            return parse_time(text, tz or self.meeting.incident.tz, self.incident_date(), near=near)
        except TimeFormatError as exc:
            raise ValidationError(str(exc)) from None

    def _moment(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)

    def today(self) -> date:
        """Today's date by the session's clock, in the incident's time zone."""
        return datetime.fromtimestamp(self.now(), zone(self.meeting.incident.tz)).date()

    def reference_time(self, author: str = "", author_id: str = "") -> datetime | None:
        """What a clock-only time typed by this person is read near, so times after midnight land on the next day.

        Their previous entry in this meeting (by ``author_id``, else ``author``), else the impact start,
        else the latest event; None in a meeting with neither (then the incident's date applies).
        """
        last = self._last_entry.get(author_id or author)
        return last[1] if last is not None else self.first_reference()

    def first_reference(self) -> datetime | None:
        """What a person's first clock-only time is read near: the impact start, else the latest event."""
        if self.meeting.incident.impact_start is not None:
            return self.meeting.incident.impact_start
        return max((e.time for e in self.meeting.events), default=None)

    def _entered(self, event: TimelineEvent) -> None:
        self._last_entry[event.author_id or event.author] = (event.id, event.time)

    def incident_date(self) -> date:
        """The day the incident started, in its time zone (today if unknown).

        Every typed line asks for it, so the earliest event's time is kept, not searched for.
        """
        return self._started_on() or datetime.now(zone(self.meeting.incident.tz)).date()

    def _started_on(self) -> date | None:
        """The day the incident started, in its time zone: its impact start, else its detection or first event."""
        incident = self.meeting.incident
        first = incident.impact_start or incident.detected or self._earliest_event()
        return first.astimezone(zone(incident.tz)).date() if first else None

    def _publication_day(self, value: object) -> date | None:
        """A publication date as typed (None for none); a day before the incident started is refused."""
        day = self._due(value)
        started = self._started_on()
        if day is not None and started is not None and day < started:
            raise ValidationError(f"the publication date {day} is before the incident started ({started}): "
                                  f"give {started} or a later date")
        return day

    def _earliest_event(self) -> datetime | None:
        if not self._first_event_known:
            self._first_event = min((e.time for e in self.meeting.events), default=None)
            self._first_event_known = True
        return self._first_event

    def _event_times_changed(self, added: Iterable[datetime] = (), removed: Iterable[datetime] = ()) -> None:
        """Keep the earliest event time: an earlier one replaces it; losing it means finding it again, later."""
        if not self._first_event_known:
            return
        if any(moment == self._first_event for moment in removed):
            self._first_event_known = False
            return
        self._first_event = min((*added, *((self._first_event,) if self._first_event else ())), default=None)

    def find_event(self, event_id: str | None) -> TimelineEvent | None:
        """The timeline event with ``event_id``, or None; found without a scan of the timeline."""
        event = self._events_by_id.get(event_id) if event_id is not None else None
        if event is None and event_id is not None:  # an event put into meeting.events by hand
            event = next((e for e in self.meeting.events if e.id == event_id), None)
            if event is not None:
                self._events_by_id[event_id] = event
        return event

    def _event(self, event_id: str) -> TimelineEvent:
        event = self.find_event(event_id)
        if event is None:
            raise ValidationError(f"no event with id {event_id!r}; it may have been deleted")
        return event

    def update_incident(self, **fields: object) -> None:
        """Change incident fields; milestone times may be strings to parse."""
        updates = {}
        for name, value in fields.items():
            if name == "severity":
                value = severity_name(value)
            elif name == "title":
                value = _require(value, "the incident title", "title")
            elif name == "tz":
                value = _zone_name(value)
            elif name == "services":
                value = split_services(value)
            elif name in MILESTONES:
                typed = isinstance(value, str) and value.strip()
                value = self.parse_time(value, updates.get("tz")) if typed else (value or None)
            elif name in _INCIDENT_TEXT:
                value = _text(value, *_INCIDENT_TEXT[name])
            else:
                raise ValidationError(f"unknown incident field {name!r}")
            updates[name] = value
        for name, value in updates.items():
            setattr(self.meeting.incident, name, value)
        self._commit(Entity.INCIDENT, Op.CHANGED)

    # --- attendees -----------------------------------------------------------

    def add_attendee(self, name: str, role: str = "responder", login: str = "") -> Attendee:
        """Add a person to the meeting with their role (and forge login, for assigning their follow-ups)."""
        attendee = new_attendee(name, role, login)
        self.meeting.attendees.append(attendee)
        self._commit(Entity.ATTENDEE, Op.ADDED, attendee.id)
        self._claim_speakers()
        return attendee

    def _claim_speakers(self) -> None:
        """Entries said by someone who was no attendee now name the attendee that name is (@zoe: Zoe Park, added).

        So review's advice for a speaker it lists as not an attendee, "add them on f7", puts their entries right.
        """
        meeting = self.meeting
        attending = {a.name for a in meeting.attendees}

        def claimed(entry: TimelineEvent | Observation | Why | ContributingFactor) -> bool:
            if not entry.speaker or entry.speaker in attending:
                return False
            name = resolve_speaker(entry.speaker, meeting.attendees)
            if name not in attending:
                return False
            entry.speaker = name
            return True

        for entity, entries in ((Entity.EVENT, meeting.events), (Entity.OBSERVATION, meeting.observations),
                                (Entity.FACTOR, meeting.factors)):
            for entry in [e for e in entries if claimed(e)]:
                self._commit(entity, Op.CHANGED, entry.id)
        for chain in meeting.chains:
            if [why for why in chain.whys if claimed(why)]:
                self._commit(Entity.CHAIN, Op.CHANGED, chain.id)

    def set_current_speaker(self, name: str | None) -> str:
        """Make ``name`` (an attendee, or as typed) the speaker of the facilitator's entries from now on; None: nobody.

        Kept in the meeting, so it survives a restart; returns the name as resolved.
        """
        speaker = resolve_speaker(_text(name, "the speaker", "person"), self.meeting.attendees)
        self.meeting.current_speaker = speaker
        self._commit(Entity.MEETING, Op.CHANGED)
        return speaker

    def _speaker(self, typed: object, author_id: str) -> str:
        """Who said an entry: ``typed`` (an ``@name``) resolved against the attendees; when the facilitator
        typed it (``author_id`` "") and named nobody, the current speaker."""
        said = _text(typed, "the speaker", "person")
        if not said and not author_id:
            return self.meeting.current_speaker
        return resolve_speaker(said, self.meeting.attendees)

    def set_attendee_login(self, attendee_id: str, login: str) -> None:
        """Set (or clear, with "") an attendee's login on the organisation's forge."""
        attendee = self._find(self.meeting.attendees, attendee_id, "attendee")
        attendee.login = forge_login(login)
        self._commit(Entity.ATTENDEE, Op.CHANGED, attendee_id)

    def remove_attendee(self, attendee_id: str) -> None:
        """Remove an attendee."""
        self.meeting.attendees.remove(self._find(self.meeting.attendees, attendee_id, "attendee"))
        self._commit(Entity.ATTENDEE, Op.DELETED, attendee_id)

    # --- timeline ------------------------------------------------------------

    def add_event(
        self,
        time: datetime | str,
        description: str,
        actor: str = "",
        evidence: str = "",
        *,
        author: str = "",
        author_id: str = "",
        speaker: str = "",
        decision_point: bool = False,
        id: str | None = None,
    ) -> TimelineEvent | None:
        """Add a timeline event; returns None if ``id`` was applied before.

        ``author_id`` is the room identity of the note-taker who sent it (what ownership is checked against).
        """
        moment = self.parse_time(time, near=self.reference_time(author, author_id)) if isinstance(time, str) else time
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone(self.meeting.incident.tz))
        fields = {
            "time": moment,
            "description": _require(description, "the event description", "description"),
            "actor": _text(actor, "the actor", "actor"),
            "evidence": _text(evidence, "the evidence", "evidence"),
            "author": _text(author, "the author", "person"),
            "decision_point": decision_point,
            "author_id": author_id,
            "speaker": self._speaker(speaker, author_id),
        }
        if self._seen(id):
            return None
        # A note-taker's change id becomes the event's id: no random id is drawn for it (os.urandom
        # took ~0.8 ms a call on a loaded 2-core machine, most of an add's cost in a burst).
        event = TimelineEvent(**fields, id=id) if id else TimelineEvent(**fields)
        self.meeting.events.append(event)
        self._events_by_id[event.id] = event
        self._event_times_changed(added=(event.time,))
        self._entered(event)
        self._commit(Entity.EVENT, Op.ADDED, event.id, author)
        if id is None:
            self.undo_stack.push(lambda: f"added {self._event_label(event)}", lambda: self._unadd_event(event.id))
        return event

    def import_events(self, events: list[TimelineEvent]) -> int:
        """Add already validated events in one change; returns how many."""
        self.meeting.events.extend(events)
        self._applied.update(e.id for e in events)
        self._events_by_id.update((e.id, e) for e in events)
        self._event_times_changed(added=[e.time for e in events])
        for event in events:
            self._entered(event)
        self._commit(Entity.EVENT, Op.IMPORTED)
        return len(events)

    def update_event(self, event_id: str, *, id: str | None = None, **fields: object) -> TimelineEvent | None:
        """Edit an event's time, description, actor, evidence or decision point; None if ``id`` was applied before."""
        event = self._event(event_id)
        changes = dict(fields)
        if "time" in changes and isinstance(changes["time"], str):
            changes["time"] = self.parse_time(changes["time"], near=event.time)  # a clock-only edit stays near
        if "description" in changes:
            changes["description"] = _require(changes["description"], "the event description", "description")
        for name in ("actor", "evidence"):
            if name in changes:
                changes[name] = _text(changes[name], f"the {name}", name)
        allowed = {"time", "description", "actor", "evidence", "decision_point"}
        unknown = [name for name in changes if name not in allowed]
        if unknown:
            raise ValidationError(f"unknown event field {unknown[0]!r}")
        if self._seen(id):
            return None
        if "time" in changes:
            self._event_times_changed(added=(changes["time"],), removed=(event.time,))
        for name, value in changes.items():
            setattr(event, name, value)
        if self._last_entry.get(event.author_id or event.author, ("",))[0] == event.id:
            self._entered(event)
        self._commit(Entity.EVENT, Op.CHANGED, event_id)
        return event

    def delete_event(self, event_id: str, *, id: str | None = None) -> bool:
        """Remove an event from the timeline; False if ``id`` was applied before."""
        event = self._event(event_id)
        if self._seen(id):
            return False
        index = self._remove_event(event)
        if id is None:
            self.undo_stack.push(lambda: f"removed {self._event_label(event)}",
                                 lambda: self._restore_event(index, event))
        return True

    def _remove_event(self, event: TimelineEvent) -> int:
        index = _position(self.meeting.events, event)
        del self.meeting.events[index]
        self._events_by_id.pop(event.id, None)
        self._event_times_changed(removed=(event.time,))
        self._commit(Entity.EVENT, Op.DELETED, event.id)
        return index

    def _unadd_event(self, event_id: str) -> str | None:
        event = self.find_event(event_id)
        if event is None:
            return _GONE
        self._remove_event(event)
        return None

    def _restore_event(self, index: int, event: TimelineEvent) -> None:
        self.meeting.events.insert(index, event)
        self._events_by_id[event.id] = event
        self._event_times_changed(added=(event.time,))
        self._commit(Entity.EVENT, Op.ADDED, event.id)

    def _event_label(self, event: TimelineEvent) -> str:
        """An event as a notice names it: its time in the incident's zone (with the date off the first day)."""
        moment = event.time.astimezone(zone(self.meeting.incident.tz))
        shown = moment.strftime("%H:%M" if moment.date() == self.incident_date() else "%Y-%m-%d %H:%M")
        return f"event {shown} {short(event.description)}"

    def toggle_decision_point(self, event_id: str) -> bool:
        """Flip whether an event is a decision point; returns the new value."""
        event = self._event(event_id)
        event.decision_point = not event.decision_point
        self._commit(Entity.EVENT, Op.CHANGED, event_id)
        return event.decision_point

    def mark_milestone(self, event_id: str, milestone: str) -> None:
        """Set the incident's ``milestone`` time (e.g. 'detected') from an event."""
        _choice(milestone, MILESTONES, "milestone")
        event = self._event(event_id)
        setattr(self.meeting.incident, milestone, event.time)
        self._commit(Entity.INCIDENT, Op.CHANGED, event_id)

    # --- observations --------------------------------------------------------

    def add_observation(self, kind: str, text: str, *, author: str = "", author_id: str = "",
                        speaker: str = "", id: str | None = None) -> Observation | None:
        """Add what went well / poorly / where we got lucky."""
        observation = Observation(
            _choice(kind, OBSERVATION_KINDS, "observation kind"), _require(text, "the observation"),
            _text(author, "the author", "person"), author_id=author_id, speaker=self._speaker(speaker, author_id),
        )
        if self._seen(id):
            return None
        if id:
            observation.id = id
        self.meeting.observations.append(observation)
        self._commit(Entity.OBSERVATION, Op.ADDED, observation.id, author)
        if id is None:
            self._undoable_add(self.meeting.observations, observation, Entity.OBSERVATION, _observation_label)
        return observation

    def update_observation(self, observation_id: str, text: str, *, kind: str | None = None,
                           id: str | None = None) -> Observation | None:
        """Reword an observation (and move it to another ``kind``); None if ``id`` was applied before."""
        observation = self._find(self.meeting.observations, observation_id, "observation")
        text = _require(text, "the observation")
        kind = observation.kind if kind is None else _choice(kind, OBSERVATION_KINDS, "observation kind")
        if self._seen(id):
            return None
        observation.text, observation.kind = text, kind
        self._commit(Entity.OBSERVATION, Op.CHANGED, observation_id)
        return observation

    def delete_observation(self, observation_id: str, *, id: str | None = None) -> bool:
        """Remove an observation; False if ``id`` was applied before."""
        observation = self._find(self.meeting.observations, observation_id, "observation")
        if self._seen(id):
            return False
        self._delete_item(self.meeting.observations, observation, Entity.OBSERVATION, _observation_label,
                          undoable=id is None)
        return True

    # --- five whys -----------------------------------------------------------

    def start_chain(self, problem: str, *, author: str = "") -> WhyChain:
        """Start a Five Whys chain from a problem statement."""
        chain = WhyChain(_require(problem, "the problem statement"), author=_text(author, "the author", "person"))
        self.meeting.chains.append(chain)
        self._commit(Entity.CHAIN, Op.ADDED, chain.id, author)
        self.undo_stack.push(lambda: f"started {_chain_label(chain)}", lambda: self._unstart_chain(chain))
        return chain

    def _unstart_chain(self, chain: WhyChain) -> str | None:
        """Undo never takes away others' work: a chain answered since stays (x deletes it, whys and all)."""
        if not any(c is chain for c in self.meeting.chains):
            return _GONE
        if chain.whys:
            count = len(chain.whys)
            return f"it has {count} answer{'s' if count != 1 else ''} now; delete it with x on the chain list"
        self._remove_chain(chain)
        return None

    def add_why(self, chain_id: str, text: str, *, author: str = "", author_id: str = "",
                speaker: str = "", id: str | None = None) -> Why | None:
        """Add the next answer to a chain's "why?"."""
        why = self._append_why(chain_id, text, author, author_id, speaker, id, proposed=False)
        if why is not None and id is None:
            self.undo_stack.push(lambda: f"added why “{short(why.text)}”", lambda: self._unadd_why(why))
        return why

    def _append_why(self, chain_id: str, text: str, author: str, author_id: str, speaker: str, id: str | None, *,
                    proposed: bool) -> Why | None:
        """Check an answer, resolve its speaker and append it to the chain's whys (its proposals when ``proposed``);
        None if the change ``id`` was applied before.

        The facilitator's answers and note-takers' proposals take this one path, so both are checked, applied
        once and published alike.
        """
        chain = self._find(self.meeting.chains, chain_id, "chain")
        why = Why(_require(text, "the answer"), _text(author, "the author", "person"), author_id=author_id,
                  speaker=self._speaker(speaker, author_id))
        if self._seen(id):
            return None
        if id:
            why.id = id
        (chain.proposals if proposed else chain.whys).append(why)
        self._commit(Entity.CHAIN, Op.CHANGED, chain_id, author)
        return why

    def _unadd_why(self, why: Why) -> str | None:
        chain = next((c for c in self.meeting.chains if any(w is why for w in c.whys)), None)
        if chain is None:
            return _GONE
        del chain.whys[_position(chain.whys, why)]
        self._commit(Entity.CHAIN, Op.CHANGED, chain.id)
        return None

    def propose_why(self, chain_id: str, text: str, *, author: str = "", author_id: str = "",
                    speaker: str = "", id: str | None = None) -> Why | None:
        """Keep a note-taker's answer for the facilitator to place (None when ``id`` was applied before).

        Never appended to the chain: two people answering at once would order the
        chain by arrival, and an answer typed after the root-cause phase would land
        after the root cause. Refused outside the Five Whys phase.
        """
        if id is not None and id in self._applied:
            return None  # sent again (its ack was lost): stored already, whatever the phase is now
        if self.phase.kind != FIVE_WHYS:
            raise ValidationError(five_whys_closed(self.phase.title))
        return self._append_why(chain_id, text, author, author_id, speaker, id, proposed=True)

    def accept_proposal(self, chain_id: str, proposal_id: str) -> Why:
        """Place a proposed answer as the chain's next why; it keeps its author and speaker."""
        chain, why = self._take_proposal(chain_id, proposal_id)
        chain.whys.append(why)
        self._commit(Entity.CHAIN, Op.CHANGED, chain_id)
        self.undo_stack.push(lambda: f"placed why “{short(why.text)}”", lambda: self._unplace_why(chain, why))
        return why

    def _unplace_why(self, chain: WhyChain, why: Why) -> str | None:
        """Put a placed answer back among the chain's proposals (undo of accept_proposal)."""
        if not any(w is why for w in chain.whys):
            return _GONE
        del chain.whys[_position(chain.whys, why)]
        chain.proposals.append(why)
        self._commit(Entity.CHAIN, Op.CHANGED, chain.id)
        return None

    def set_aside_proposal(self, chain_id: str, proposal_id: str) -> Why:
        """Put a proposed answer aside: kept in the meeting, never part of the chain."""
        chain, why = self._take_proposal(chain_id, proposal_id)
        chain.set_aside.append(why)
        self._commit(Entity.CHAIN, Op.CHANGED, chain_id)
        return why

    def _take_proposal(self, chain_id: str, proposal_id: str) -> tuple[WhyChain, Why]:
        """A waiting proposal, taken off its chain's proposals (the caller places it or puts it aside)."""
        chain = self._find(self.meeting.chains, chain_id, "chain")
        why = self._find(chain.proposals, proposal_id, "proposed answer")
        chain.proposals.remove(why)
        return chain, why

    def set_root_cause(self, chain_id: str, category: str, text: str | None = None) -> RootCause:
        """Mark the chain's root cause (its last answer unless ``text`` is given)."""
        chain = self._find(self.meeting.chains, chain_id, "chain")
        if text is None:
            if not chain.whys:
                raise ValidationError("this chain has no answers yet: ask the first 'why?' before naming a root cause")
            text = chain.whys[-1].text
        chain.root_cause = RootCause(
            _require(text, "the root cause"), _choice(category, ROOT_CAUSE_CATEGORIES, "category")
        )
        self._commit(Entity.CHAIN, Op.CHANGED, chain_id)
        return chain.root_cause

    def delete_chain(self, chain_id: str) -> None:
        """Remove a chain; action items linked to it lose the link (undo links them again)."""
        chain = self._find(self.meeting.chains, chain_id, "chain")
        index, linked = self._remove_chain(chain)
        self.undo_stack.push(lambda: f"removed {_chain_label(chain)}",
                             lambda: self._restore_chain(index, chain, linked))

    def _remove_chain(self, chain: WhyChain) -> tuple[int, list[str]]:
        """Take ``chain`` out; returns where it was and the action items that lost their link to it."""
        index = _position(self.meeting.chains, chain)
        del self.meeting.chains[index]
        linked = [a for a in self.meeting.actions if a.root_cause_id == chain.id]
        for action in linked:
            action.root_cause_id = None
        self._commit(Entity.CHAIN, Op.DELETED, chain.id)
        return index, [a.id for a in linked]

    def _restore_chain(self, index: int, chain: WhyChain, linked: list[str]) -> None:
        """Put ``chain`` back; items that lost their link get it again, unless linked elsewhere since."""
        self.meeting.chains.insert(index, chain)
        for action in self.meeting.actions:
            if action.id in linked and action.root_cause_id is None:
                action.root_cause_id = chain.id
        self._commit(Entity.CHAIN, Op.ADDED, chain.id)

    def add_factor(self, text: str, category: str, *, author: str = "", speaker: str = "") -> ContributingFactor:
        """Add a contributing factor with its fishbone category."""
        factor = ContributingFactor(
            _require(text, "the contributing factor"), _choice(category, FISHBONE_CATEGORIES, "category"),
            _text(author, "the author", "person"), speaker=self._speaker(speaker, ""),
        )
        self.meeting.factors.append(factor)
        self._commit(Entity.FACTOR, Op.ADDED, factor.id, author)
        self._undoable_add(self.meeting.factors, factor, Entity.FACTOR, _factor_label)
        return factor

    def delete_factor(self, factor_id: str) -> None:
        """Remove a contributing factor."""
        factor = self._find(self.meeting.factors, factor_id, "factor")
        self._delete_item(self.meeting.factors, factor, Entity.FACTOR, _factor_label)

    # --- action items --------------------------------------------------------

    def add_action(
        self,
        description: str,
        owner: str = "",
        priority: str | None = None,
        due: date | str | None = None,
        success_criteria: str = "",
        kinds: Iterable[str] = (),
        root_cause_id: str | None = None,
    ) -> ActionItem:
        """Add an action item; the due date defaults from the priority."""
        priority = _choice(priority or "medium", PRIORITIES, "priority")
        item = ActionItem(
            description=_require(description, "the action", "description"),
            owner=_text(owner, "the owner", "person"),
            priority=priority,
            due=self._due(due) or default_due(priority, self.today()),
            success_criteria=_text(success_criteria, "the success criteria", "success_criteria"),
            kinds=[_choice(k, ACTION_KINDS, "type") for k in kinds],
            root_cause_id=self._chain_id(root_cause_id),
            created=self._moment(),
        )
        self.meeting.actions.append(item)
        self._commit(Entity.ACTION, Op.ADDED, item.id)
        self._undoable_add(self.meeting.actions, item, Entity.ACTION, _action_label)
        return item

    def update_action(self, action_id: str, **fields: object) -> None:
        """Edit an action item's fields (validated like a new one)."""
        item = self._find(self.meeting.actions, action_id, "action item")
        updates = {}
        for name, value in fields.items():
            if name == "description":
                value = _require(value, "the action", "description")
            elif name == "priority":
                value = _choice(str(value), PRIORITIES, "priority")
            elif name == "due":
                value = self._due(value)
            elif name == "kinds":
                value = [_choice(k, ACTION_KINDS, "type") for k in value]
            elif name == "root_cause_id":
                value = self._chain_id(value)
            elif name == "owner":
                value = _text(value, "the owner", "person")
            elif name == "success_criteria":
                value = _text(value, "the success criteria", name)
            elif name == "link":
                value = tracker_link(value)
            else:
                raise ValidationError(f"unknown action item field {name!r}")
            updates[name] = value
        for name, value in updates.items():
            setattr(item, name, value)
        self._commit(Entity.ACTION, Op.CHANGED, action_id, tracking=updates.keys() == {"link"})

    def toggle_action_kind(self, action_id: str, kind: str) -> None:
        """Flag or unflag an action as preventing recurrence, improving detection…"""
        item = self._find(self.meeting.actions, action_id, "action item")
        _choice(kind, ACTION_KINDS, "type")
        item.kinds = [k for k in ACTION_KINDS if (k in item.kinds) != (k == kind)]
        self._commit(Entity.ACTION, Op.CHANGED, action_id)

    def set_action_status(self, action_id: str, status: str, note: str = "", *, at: datetime | None | object = NOW
                          ) -> None:
        """Mark an action item open or done, with a timestamp (``at``: the one it had, when undoing)."""
        item = self._find(self.meeting.actions, action_id, "action item")
        note = _text(note, "the note", "status_note")
        item.status = _choice(status, ACTION_STATUSES, "status")
        item.status_changed = self._moment() if at is NOW else at
        item.status_note = note
        self._commit(Entity.ACTION, Op.CHANGED, action_id, tracking=True)

    def set_action_link(self, action_id: str, url: str) -> None:
        """Say where an action item's work is tracked (an http or https URL); "" clears it."""
        self.update_action(action_id, link=url)

    def delete_action(self, action_id: str) -> None:
        """Remove an action item."""
        item = self._find(self.meeting.actions, action_id, "action item")
        self._delete_item(self.meeting.actions, item, Entity.ACTION, _action_label)

    def _due(self, value: object) -> date | None:
        if value is None or isinstance(value, date):
            return value
        if not str(value).strip():
            return None
        try:
            return parse_date(str(value), self.today())
        except TimeFormatError as exc:
            raise ValidationError(str(exc)) from None

    def _chain_id(self, chain_id: str | None) -> str | None:
        if chain_id:
            self._find(self.meeting.chains, chain_id, "root cause")
        return chain_id or None

    # --- notes and review ----------------------------------------------------

    def set_note(self, phase_id: str, text: str) -> None:
        """Keep the free-text notes of a phase."""
        _text(text, "the notes", "note")  # refused or not; kept as typed, spaces and all (the editor holds them)
        self.meeting.notes[phase_id] = text
        self._commit(Entity.NOTE, Op.CHANGED, phase_id)

    def set_review(self, **fields: object) -> None:
        """Set the document owner, publication date or follow-up review date."""
        updates = {}
        for name, value in fields.items():
            if name == "document_owner":
                updates[name] = _text(value, "the document owner", "person")
            elif name == "publication_date":
                updates[name] = self._publication_day(value)
            elif name == "follow_up_date":
                updates[name] = self._due(value)
            else:
                raise ValidationError(f"unknown review field {name!r}")
        for name, value in updates.items():
            setattr(self.meeting, name, value)
        self._commit(Entity.REVIEW, Op.CHANGED)

    def add_related(self, meeting_id: str) -> None:
        """Name an earlier meeting in ``data_dir`` as a related incident."""
        if meeting_id == self.meeting.id:
            raise ValidationError("a meeting cannot be related to itself; name another meeting")
        if meeting_id in self.meeting.related:
            raise ValidationError(f"meeting {meeting_id} is already listed as related")
        if self.file is not None:
            resolve_meeting(self.file.path.parent, meeting_id)
        self.meeting.related.append(meeting_id)
        self._commit(Entity.RELATED, Op.ADDED, meeting_id)

    def remove_related(self, meeting_id: str) -> None:
        """Stop listing ``meeting_id`` as a related incident."""
        if meeting_id not in self.meeting.related:
            raise ValidationError(f"meeting {meeting_id} is not listed as related")
        self.meeting.related.remove(meeting_id)
        self._commit(Entity.RELATED, Op.DELETED, meeting_id)

    def dismiss_finding(self, key: str) -> None:
        """Hide a guidance finding (by its stable key) for this meeting."""
        if key not in self.meeting.dismissed_findings:
            self.meeting.dismissed_findings.append(key)
            self._commit(Entity.FINDING, Op.CHANGED, key)

    def restore_findings(self) -> None:
        """Show every dismissed guidance finding again."""
        self.meeting.dismissed_findings.clear()
        self._commit(Entity.FINDING, Op.CHANGED)

    def remove_note_taker(self, author_id: str) -> None:
        """Keep the room identity ``author_id`` out of this meeting's room from now on (their entries stay)."""
        if author_id and author_id not in self.meeting.removed_note_takers:
            self.meeting.removed_note_takers.append(author_id)
            self._commit(Entity.MEETING, Op.CHANGED)

    def set_section(self, section_id: str, text: str) -> None:
        """Keep a narrative section of the document as typed; a change after publication is dated."""
        _text(text, "the section", "section")
        if section_id not in self.meeting.sections:  # one emptied keeps its place, in or out of the agenda
            self.section(section_id)
        self.meeting.sections[section_id] = text
        self._commit(Entity.SECTION, Op.CHANGED, section_id)

    @property
    def sections(self) -> tuple[DocumentSection, ...]:
        """The document's narrative sections, in order (the agenda's, then any other holding text)."""
        return agenda_sections(self.meeting, self.agenda)

    def section(self, section_id: str) -> DocumentSection:
        """The document's section called ``section_id``; a one-line ValidationError naming the others if none."""
        sections = self.sections
        found = next((s for s in sections if s.id == section_id), None)
        if found is None:
            raise ValidationError(f"the document has no section {section_id!r}; "
                                  f"use one of {', '.join(s.id for s in sections)}")
        return found

    def end(self) -> None:
        """End the meeting: the clock stops, the end time is kept for the minutes, note-takers are let go."""
        if self.meeting.status != "active":
            raise ValidationError(f"the meeting is already {self.meeting.status}; reopen it first to end it again")
        self._stop()
        self.meeting.status = "ended"
        self._commit(Entity.MEETING, Op.CHANGED)

    def publish(self, on: object = None) -> None:
        """Mark the document published on ``on`` (a date or its text; default today); ends a running meeting.

        A day before the incident started is refused: the document cannot come out before what it tells.

        Publishing again only moves the date: the document was published, then corrected.
        """
        day = self._publication_day(on if on not in (None, "") else self.today())
        if self.meeting.status == "active":
            self._stop()
        self.meeting.status = "published"
        dated = self.meeting.publication_date != day
        self.meeting.publication_date = day
        updated = self.meeting.updated_after_publication
        if updated is not None and updated <= day:  # this publication takes in the changes made before it
            self.meeting.updated_after_publication = None
        self._commit(Entity.MEETING, Op.CHANGED)
        if dated:  # the review phase's date field shows it, as when typed there
            self._commit(Entity.REVIEW, Op.CHANGED)

    def record_publication(self, commit: str, branch: str, folder: str, *, pull_request: str = "",
                           remote: str = "", on: object = None) -> Publication:
        """Mark the meeting published (as :meth:`publish`) into an archive at ``commit``; returns the record.

        ``pull_request`` is kept from an earlier publication when this one opened none (the same PR gets the
        new commit).
        """
        earlier = self.meeting.publication
        record = Publication(
            commit=commit, branch=branch, folder=folder, published_at=self._moment(),
            pull_request=pull_request or (earlier.pull_request if earlier and earlier.branch == branch else ""),
            remote=remote or (earlier.remote if earlier else ""),
        )
        self.meeting.publication = record
        self.publish(on)
        self._commit(Entity.MEETING, Op.CHANGED)
        return record

    def reopen(self) -> None:
        """Make the meeting active again (note-takers can join again); its end time is forgotten.

        The clock stays paused: the facilitator resumes it (ctrl+t) when the meeting goes on.
        """
        if self.meeting.status == "active":
            raise ValidationError("the meeting is already active; nothing to reopen")
        self.meeting.status = "active"
        self.meeting.ended_at = None
        self._commit(Entity.MEETING, Op.CHANGED)

    def _stop(self) -> None:
        """Pause the clock and keep the moment: the end of the meeting."""
        if self.clock.running:
            self.clock.pause()
        self.meeting.ended_at = self._moment()

    # --- undo --------------------------------------------------------------

    def undo(self) -> str:
        """Take back the facilitator's last add or delete; returns the one line that says what was undone.

        Undoing a delete puts the item back where it was, as it was; undoing an add removes the item as
        it is now. A step that cannot be taken back (its item is gone already, or note-takers answered a
        chain since) changes nothing, leaves the stack and says why.
        """
        step = self.undo_stack.pop()
        if step is None:
            raise ValidationError("nothing to undo: ctrl+z takes back your adds and deletes in this meeting")
        what = step.describe()
        refusal = step.revert()
        return f"Undid: {what}" if refusal is None else f"Not undone: {what}: {refusal}"

    def _undoable_add(self, items: list, item: object, entity: Entity, label: Callable[[object], str]) -> None:
        self.undo_stack.push(lambda: f"added {label(item)}", lambda: self._unadd(items, item, entity))

    def _unadd(self, items: list, item: object, entity: Entity) -> str | None:
        if not any(other is item for other in items):
            return _GONE
        self._remove_item(items, item, entity)
        return None

    def _delete_item(self, items: list, item: object, entity: Entity, label: Callable[[object], str], *,
                     undoable: bool = True) -> None:
        index = self._remove_item(items, item, entity)
        if undoable:
            self.undo_stack.push(lambda: f"removed {label(item)}",
                                 lambda: self._restore_item(items, index, item, entity))

    def _remove_item(self, items: list, item: object, entity: Entity) -> int:
        index = _position(items, item)
        del items[index]
        self._commit(entity, Op.DELETED, item.id)
        return index

    def _restore_item(self, items: list, index: int, item: object, entity: Entity) -> None:
        linked = isinstance(item, ActionItem) and item.root_cause_id is not None
        if linked and not any(c.id == item.root_cause_id for c in self.meeting.chains):
            item.root_cause_id = None  # its root cause was deleted meanwhile
        items.insert(index, item)
        self._commit(entity, Op.ADDED, item.id)

    # --- helpers -------------------------------------------------------------

    @staticmethod
    def _find(items: list, item_id: str, what: str):
        for item in items:
            if item.id == item_id:
                return item
        raise ValidationError(f"no {what} with id {item_id!r}; it may have been deleted")

    def snapshot(self) -> Meeting:
        """A deep copy of the meeting, safe to hand to a worker thread."""
        return from_data(Meeting, self.saver.data() if self.saver else to_data(self.meeting))


_GONE = "it is gone already"


def _position(items: list, item: object) -> int:
    """Where ``item`` itself is in ``items`` (not an equal copy of it)."""
    return next(index for index, other in enumerate(items) if other is item)


def _observation_label(observation: Observation) -> str:
    return f"observation “{short(observation.text)}” ({OBSERVATION_LABELS[observation.kind]})"


def _chain_label(chain: WhyChain) -> str:
    return f"chain “{short(chain.problem)}”"


def _factor_label(factor: ContributingFactor) -> str:
    return f"factor “{short(factor.text)}”"


def _action_label(item: ActionItem) -> str:
    return f"action item “{short(item.description)}”"


def five_whys_closed(phase_title: str) -> str:
    """Why a note-taker's answer is refused outside the Five Whys phase (one line: what, where, what to do)."""
    return (f"the Five Whys are not open: the meeting is in {phase_title}; "
            "send your answer when the facilitator opens them")


def _is_path(ref: str | None) -> bool:
    return bool(ref) and (ref.endswith(".toml") or os.sep in ref)

