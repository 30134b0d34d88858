"""What every phase view shares: the session, its phase, and a heading."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ...agenda import Phase
from ...changes import Change
from ...entry_grammar import (
    ActionEntry,
    AttendeeEntry,
    Entry,
    EventEntry,
    FactorEntry,
    NoteEntry,
    ObservationEntry,
    ProblemEntry,
    QuickEntryError,
    WhyEntry,
    read_entry,
)
from ...model import OBSERVATION_LABELS
from ...session import MeetingSession, ValidationError
from ..widgets.quick_entry import QuickEntry


class PhaseView(Vertical):
    """The screen of one agenda phase, shown inside the meeting screen.

    Subclasses compose their body in :meth:`compose_body`, re-render in
    :meth:`on_session_change`, and call the session for every change.
    """

    SHOWS: tuple[type, ...] = ()
    """The kinds of entry this view lists; a line that adds another kind is confirmed in a toast."""

    def __init__(self, session: MeetingSession, phase: Phase, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="phase-view")
        self.session = session
        self.phase = phase

    def compose(self) -> ComposeResult:
        heading = Text(self.phase.title, style="bold")
        if self.phase.guidance:
            heading.append(f" — {self.phase.guidance}", style="italic")
        yield Static(heading, classes="phase-heading")
        if self.phase.prompts:
            yield Static("\n".join(f"• {p}" for p in self.phase.prompts), classes="phase-prompts", markup=False)
        yield from self.compose_body()

    def compose_body(self) -> ComposeResult:
        """The phase's own widgets."""
        yield from ()

    def on_session_change(self, change: Change) -> None:
        """Re-render what ``change`` affects (called for every change)."""

    def on_phase_shown(self) -> None:
        """The facilitator moved to this phase: put the focus where typing goes."""
        entries = self.query(QuickEntry)
        if entries:
            entries.first().focus_input()

    def delete(self, command, item_id: str) -> None:
        """Run a delete command; nothing is asked, the notice says what went and that ctrl+z brings it back."""
        try:
            command(item_id)
        except ValidationError as exc:
            self.notify(str(exc), severity="error")
            return
        what = self.session.undo_stack.newest()
        self.notify(f"{what[:1].upper()}{what[1:]} · ctrl+z undoes", timeout=5)

    def attempt(self, entry: QuickEntry | None, action, *args, **kwargs):
        """Call ``action`` (a session command, or a line read then a command); show a refusal next to ``entry``.

        Without an ``entry`` the refusal shows as a toast.
        """
        try:
            result = action(*args, **kwargs)
        except (ValidationError, QuickEntryError) as exc:
            if entry is not None:
                entry.reject(str(exc))
            else:
                self.notify(str(exc), severity="error")
            return None
        if entry is not None:
            entry.accept()
        return result

    # --- the quick-entry grammar -----------------------------------------------

    @property
    def event_author(self) -> str:
        """Who the facilitator's own timeline entries are by (and whose previous time a bare time is read near)."""
        return self.session.meeting.facilitator or "facilitator"

    def add_line(self, line: str, *, plain: str | None = None, chain_id: str | None = None) -> object:
        """Read a typed line with the one grammar (``plain``: what an unprefixed line is here) and add it.

        ``chain_id`` is the chain a why goes to (the latest one when None).
        """
        session = self.session
        entry = read_entry(line, self.phase.kind, plain=plain, tz=session.meeting.incident.tz,
                           on=session.incident_date(), near=session.reference_time(self.event_author),
                           today=session.today())
        added = self._add(entry, chain_id)
        if added is not None and not isinstance(entry, self.SHOWS):
            self.notify(self._elsewhere(entry), title="Added")
        return added

    def _add(self, entry: Entry, chain_id: str | None) -> object:
        """The session command that adds ``entry``."""
        session = self.session
        by, speaker = session.meeting.facilitator, entry.speaker
        match entry:
            case EventEntry():
                return session.add_event(entry.time, entry.description, entry.actor, entry.evidence,
                                         author=self.event_author, speaker=speaker)
            case ObservationEntry():
                return session.add_observation(entry.kind, entry.text, author=by, speaker=speaker or entry.by)
            case WhyEntry():
                chains = session.meeting.chains
                if chain_id is None and not chains:
                    raise QuickEntryError("no Five Whys chain yet: start one in the Five Whys phase")
                return session.add_why(chain_id or chains[-1].id, entry.text, author=by, speaker=speaker)
            case ProblemEntry():
                return session.start_chain(entry.text, author=by)
            case ActionEntry():
                return session.add_action(entry.description, entry.owner, entry.priority, entry.due,
                                          entry.success_criteria)
            case FactorEntry():
                return session.add_factor(entry.text, entry.category, author=by, speaker=speaker)
            case AttendeeEntry():
                return session.add_attendee(entry.name, entry.role)
            case NoteEntry():
                kept = session.meeting.notes.get(self.phase.id, "")
                note = f"@{speaker} {entry.text}" if speaker else entry.text
                session.set_note(self.phase.id, f"{kept}\n{note}" if kept else note)
                return note

    def _elsewhere(self, entry: Entry) -> str:
        """One line saying where an entry this view does not list went."""
        match entry:
            case ObservationEntry():
                return f"“{OBSERVATION_LABELS[entry.kind]}”: {entry.text}"
            case WhyEntry():
                return f"the next why of the latest Five Whys chain: {entry.text}"
            case NoteEntry():
                return f"a note of {self.phase.title}: {entry.text}"
            case _:
                return "added to the meeting"
