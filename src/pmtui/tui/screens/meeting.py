"""The meeting screen: the always-visible clock and agenda around the phase views."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import DescendantFocus, ScreenResume
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Input, Label

from ...changes import Change, Entity
from ...clock import PhaseStatus
from ...session import MeetingSession, ValidationError
from ...timeparse import local
from ..messages import ExportFinished, SaveStatusChanged
from ..views import view_class
from ..views.base import PhaseView
from ..widgets.clock import AgendaList, ClockLine, ClockPanel
from ..widgets.footer import FittingFooter
from ..widgets.quick_entry import EntryLine, SpeakerSuggester

COMPACT_WIDTH = 110
COMPACT_HEIGHT = 32
SIDEBAR_WIDTH = 110
"""Narrower than this, the sidebar folds into the clock in the title bar and the phase gets the whole width."""
NOBODY = "-nobody-"
"""The current-speaker picker's choice of no one (attendee ids are hex digits)."""


class MeetingScreen(Screen):
    """Runs the agenda: one view per phase, switched by the facilitator."""

    BINDINGS = [
        Binding("ctrl+n", "next_phase", "Next phase", id="next_phase"),
        Binding("ctrl+b", "previous_phase", "Back", id="previous_phase"),
        Binding("ctrl+t", "toggle_timer", "Pause/resume", id="toggle_timer"),
        Binding("ctrl+o", "extend(5)", "+5 min", id="extend_5"),
        Binding("ctrl+g", "jump_to_phase", "Go to phase", id="jump_to_phase"),
        Binding("ctrl+s", "export", "Export", id="export"),
        Binding("ctrl+z", "undo", "Undo", id="undo", show=False),
        Binding("f6", "edit_incident", "Incident", id="edit_incident", show=False),
        Binding("f7", "attendees", "Attendees", id="attendees", show=False),
        Binding("f9", "current_speaker", "Speaker", id="current_speaker", show=False),
    ]

    AUTO_FOCUS = ""
    """Each view puts the focus where typing goes when it is shown (Textual's pick would be its first list)."""

    def __init__(self, session: MeetingSession, *, bell: bool = False) -> None:
        super().__init__()
        self.session = session
        self.bell = bell
        self._last_status: PhaseStatus | None = None
        self._save_text = ""
        self._save_failed = False
        self._unsubscribe = None
        self._views: dict[int, PhaseView] = {}
        self._speakers = SpeakerSuggester(lambda: session.meeting.attendees)
        self.painted = False
        self._resumed = False
        """Whether the first frame is out: work a view starts when shown waits for it (see GuidancePanel)."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Label("", id="incident-title")
            yield Label("", id="current-speaker", markup=False)
            yield ClockLine("", id="clock-line")
            yield Label("", id="save-status", markup=False)
        with Horizontal(id="body"):
            with Vertical(id="sidebar"):
                yield ClockPanel(id="clock")
                yield AgendaList(id="agenda")
                if getattr(self.app, "room_server", None) is not None:
                    from ..widgets.room_status import RoomStatus

                    yield RoomStatus(self.app.room_server, id="room-status")
            with ContentSwitcher(id="phases"):
                yield self._new_view(self.session.clock.phase_index)
        yield FittingFooter()

    def on_mount(self) -> None:
        self._unsubscribe = self.session.subscribe(self._session_changed)
        self._show_incident()
        self._show_phase()
        self.tick()
        self.set_interval(0.25, self.tick)
        self.call_after_refresh(self.call_after_refresh, setattr, self, "painted", True)
        if self.session.meeting.status == "published":
            self._ask_before_changing_published()

    def on_screen_resume(self, event: ScreenResume) -> None:
        """The first time the screen is shown its widgets were styled a moment ago, as they mounted: Textual styles
        them all again (9 ms of start-up with a timeline on screen); later resumes (after a dialog) restyle."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def on_unmount(self) -> None:
        if self._unsubscribe:
            self._unsubscribe()

    def on_resize(self) -> None:
        size = self.app.size
        self.set_class(size.width < COMPACT_WIDTH or size.height < COMPACT_HEIGHT, "-compact")
        self.set_class(size.width < SIDEBAR_WIDTH, "-narrow")
        self._show_speaker()
        self.tick()  # the title bar's clock fits the room the layout leaves it (on_mount's tick had no layout yet)

    # --- rendering -----------------------------------------------------------

    def tick(self) -> None:
        """Redraw the clock from the session's clock (never counts ticks)."""
        snap = self.session.clock.snapshot()
        self.query_one(ClockPanel).show(snap, self._ended_text())
        self.query_one(AgendaList).show(self.session.agenda, snap)
        self.query_one(ClockLine).show(self.session.agenda, snap, self.session.meeting.status != "active")
        if snap.status == PhaseStatus.OVERRUN and self._last_status not in (None, PhaseStatus.OVERRUN) and snap.running:
            self.notify(f"Time's up for '{self.session.phase.title}'. Extend (ctrl+o) or move on (ctrl+n).",
                        title="Time's up", severity="warning", timeout=8)
            if self.bell:
                self.app.bell()
        self._last_status = snap.status

    def _ended_text(self) -> str:
        """What the clock says once the meeting is over ('' while it runs): ended when, or published on which day."""
        meeting = self.session.meeting
        if meeting.status == "active":
            return ""
        if meeting.status == "published":
            return f"Published {meeting.publication_date or ''}".rstrip()
        if meeting.ended_at is None:
            return "Meeting ended"
        return f"Meeting ended {local(meeting.ended_at, meeting.incident.tz or 'UTC'):%H:%M}"

    def _show_incident(self) -> None:
        incident = self.session.meeting.incident
        title = Text()
        title.append(f" {incident.severity} ", style="bold reverse")
        title.append(f" {incident.title}", style="bold")
        title.append(f"  ·  Phase {self.session.clock.phase_index + 1}/{len(self.session.agenda.phases)}: "
                     f"{self.session.phase.title}")
        if self.session.meeting.status != "active":
            title.append(f"  ·  ■ {self.session.meeting.status}", style="bold")
        self.query_one("#incident-title", Label).update(title)
        self._show_speaker()

    def _show_speaker(self) -> None:
        """Who is speaking (f9), beside the title: never cut, however narrow, so the room sees it."""
        speaker = self.session.meeting.current_speaker
        label = self.query_one("#current-speaker", Label)
        narrow = self.has_class("-narrow")  # the clock shares the line: the name alone
        label.update("" if not speaker else f"▸ {speaker}" if narrow else f"▸ {speaker} speaking")
        label.set_class(bool(speaker), "-shown")

    def _new_view(self, index: int) -> PhaseView:
        phase = self.session.agenda.phases[index]
        view = self._views[index] = view_class(phase.kind)(self.session, phase, id=f"phase-{index}")
        return view

    def _show_phase(self) -> None:
        """Show the current phase's view, mounting it on its first visit.

        Views are mounted only when first shown (the first frame waits for
        every widget mounted before it) and then kept, with whatever was
        half-typed in them; a new one reads the meeting from the session.
        """
        index = self.session.clock.phase_index
        view = self._views.get(index)
        switcher = self.query_one(ContentSwitcher)
        if self.focused is not None and any(isinstance(node, PhaseView) for node in self.focused.ancestors):
            # Keys already typed go to the focus: never to the list of a phase that is no longer shown.
            self.set_focus(None)
        first_visit = view is None
        if first_visit:
            view = self._new_view(index)
            switcher.mount(view)
        switcher.current = view.id
        self._show_incident()
        if first_visit:
            view.call_later(self._first_shown, view)  # runs once the view and its children are mounted
        else:
            view.on_phase_shown()

    def _first_shown(self, view: PhaseView) -> None:
        if self._views.get(self.session.clock.phase_index) is view:
            view.on_phase_shown()

    @property
    def views(self) -> list[PhaseView]:
        """The phase views mounted so far, in agenda order (each mounted once, never replaced)."""
        return [view for _, view in sorted(self._views.items()) if view.is_mounted]

    @property
    def current_view(self) -> PhaseView:
        """The view of the phase the meeting is in."""
        return self._views[self.session.clock.phase_index]

    def _session_changed(self, change: Change) -> None:
        """Show a change in the views already mounted, in the same call as the command that made it.

        Through a message, a typed line's row reached the table a frame after
        the cleared entry line was painted (see EntryLine); a view mounted later
        reads the session when it mounts.
        """
        for view in self.views:  # none of them shows the phase or the clock
            view.on_session_change(change)
        match change.entity:
            case Entity.PHASE:
                self._show_phase()
                self.tick()
            case Entity.CLOCK:
                self.tick()
            case Entity.INCIDENT:
                self._show_incident()
            case Entity.MEETING:
                self._show_incident()  # the status beside the title (it shows the speaker too)
                self.tick()
            case _:
                pass

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """Every entry line of the meeting completes a leading ``@name`` with an attendee's, whenever it was mounted."""
        if isinstance(event.widget, EntryLine) and event.widget.suggester is None:
            event.widget.suggester = self._speakers

    @on(ExportFinished)
    def _export_finished(self, message: ExportFinished) -> None:
        for view in self.views:
            view.post_message(ExportFinished(message.paths, message.error))

    @on(SaveStatusChanged)
    def _save_status(self, message: SaveStatusChanged) -> None:
        status = message.status
        text = "✓ saved" if status.ok else f"⚠ {status.message}"
        if text != self._save_text:  # this comes after every save: an unchanged label costs a whole repaint
            self._save_text = text
            label = self.query_one("#save-status", Label)
            label.update(text)
            label.set_class(not status.ok, "-error")
        if status.ok == self._save_failed:  # tell once when saving starts failing, and once when it recovers
            self._save_failed = not status.ok
            if status.ok:
                self.notify("Saved again: every change is on disk.", timeout=4)
            else:
                self.notify(status.message, severity="error", timeout=8)

    # --- actions (also in the command palette) -------------------------------

    def action_next_phase(self) -> None:
        """The next phase; on the last one, ask whether the meeting is over."""
        if self.session.next_phase():
            return
        if self.session.meeting.status != "active":
            self.notify(f"The meeting is {self.session.meeting.status}: export with ctrl+s; "
                        "the palette (ctrl+p) reopens it.", timeout=5)
            return
        from .dialogs import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes and self.session.meeting.status == "active":
                self.action_end_meeting()

        self.app.push_screen(ConfirmDialog("This is the last phase: the clock stops, the minutes record the end "
                                           "time and note-takers are told. The palette (ctrl+p) can reopen it.",
                                           title="End the meeting?"), answered)

    def action_previous_phase(self) -> None:
        if not self.session.previous_phase():
            self.notify("This is the first phase.")

    def action_toggle_timer(self) -> None:
        try:
            running = self.session.toggle_pause()
        except ValidationError as exc:  # an ended meeting's clock stays stopped
            self.notify(f"{str(exc)[0].upper()}{str(exc)[1:]}: Reopen meeting in the palette (ctrl+p).", timeout=5)
            return
        self.notify("Timer running" if running else "Timer paused", timeout=2)

    def action_undo(self) -> None:
        """Take back the facilitator's last add or delete, and say which.

        Not from a line holding text: there ctrl+z is about the typing (Textual's Input keeps no history of
        it), and taking back a change the typist is not looking at would surprise them.
        """
        focused = self.focused
        if isinstance(focused, Input) and focused.value:
            self.notify("ctrl+z undoes the meeting's last change from an empty line: ctrl+u clears this one",
                        timeout=5)
            return
        try:
            notice = self.session.undo()
        except ValidationError as exc:
            self.notify(str(exc), severity="warning", timeout=4)
            return
        self.notify(notice, severity="information" if notice.startswith("Undid") else "warning", timeout=6)

    def action_extend(self, minutes: int) -> None:
        self.session.extend_phase(minutes)
        unit = "minute" if minutes == 1 else "minutes"
        self.notify(f"'{self.session.phase.title}' extended by {minutes} {unit}", timeout=3)

    # The dialogs are imported on first use: their module is not needed for the first frame.

    def action_jump_to_phase(self) -> None:
        from .dialogs import JumpToPhaseDialog

        def chosen(index: int | None) -> None:
            if index is not None:
                self.session.jump_to_phase(index)

        self.app.push_screen(JumpToPhaseDialog(self.session.agenda, self.session.clock.phase_index,
                                               self.session.clock.state.extended), chosen)

    def action_export(self) -> None:
        self.app.export_markdown()

    def action_edit_incident(self) -> None:
        from .dialogs import IncidentDialog

        self.app.push_screen(IncidentDialog(self.session))

    def action_attendees(self) -> None:
        from .dialogs import AttendeesDialog

        self.app.push_screen(AttendeesDialog(self.session))

    def action_current_speaker(self) -> None:
        """Pick who is speaking now: the facilitator's entries that name nobody are said by them until changed."""
        from .why_dialogs import PickDialog

        meeting = self.session.meeting
        if not meeting.attendees and not meeting.current_speaker:
            self.notify("No attendees yet: add them with f7 (or pmtui new --attendee), then f9 picks who speaks.",
                        timeout=6)
            return
        choices = [(a.id, f"{a.name} · {a.role}") for a in meeting.attendees]
        current = next((a.id for a in meeting.attendees if a.name == meeting.current_speaker), NOBODY)

        def chosen(key: str | None) -> None:
            if key is not None:
                name = next((a.name for a in meeting.attendees if a.id == key), None)
                self.session.set_current_speaker(name)
                self.notify(f"Speaking: {name}. Your entries are said by them until f9 again." if name
                            else "Nobody is speaking: your entries say who said them with @name.", timeout=4)

        self.app.push_screen(PickDialog("Who is speaking?", [*choices, (NOBODY, "nobody")], current=current,
                                        subtitle="Your entries without an @name are theirs until changed."),
                             chosen)

    def action_edit_section(self) -> None:
        """Pick a section of the document, then write it in the Markdown editor."""
        from .section_editor import pick_section

        pick_section(self, self.session)

    def action_import_timeline(self) -> None:
        """Pick a file (or a Slack export folder), check the events it holds, and add those to the timeline."""
        from .import_timeline import ImportFileDialog, ImportPreviewDialog

        def imported(count: int | None) -> None:
            if count is not None:
                self.notify(f"Imported {count} event{'s' if count != 1 else ''} into the timeline"
                            + (" (the rest were already in it)." if not count else "."), timeout=5)

        def picked(path: Path | None) -> None:
            if path is not None:
                self.app.push_screen(ImportPreviewDialog(self.session, path), imported)

        self.app.push_screen(ImportFileDialog(), picked)

    def action_remove_note_taker(self) -> None:
        """Pick a connected note-taker and remove them from the room (their entries stay)."""
        from .note_takers import RemoveNoteTakerDialog

        server = self.app.room_server
        peers = [p for p in server.presence() if p.connected]
        if not peers:
            self.notify("No note-taker is connected.", timeout=4)
            return

        def chosen(author: str | None) -> None:
            if not author:
                return
            name = next(p.name for p in peers if p.author == author)
            server.remove_note_taker(author)  # also when they left meanwhile: they stay out
            self.notify(f"{name} is removed from the room and cannot join again as themselves; anyone with "
                        "the join token can still join as someone new: give the room a new token to keep them out.",
                        timeout=10)

        self.app.push_screen(RemoveNoteTakerDialog(peers), chosen)

    def action_end_meeting(self) -> None:
        """Mark the meeting ended; a shared room tells each note-taker, with what they added, and lets them go."""
        told = self._note_takers_connected()
        self.session.end()
        self.notify(f"{self._ended_text()}.{self._told(told)} "
                    "Export with ctrl+s; quit with ctrl+q.", title="Meeting ended", timeout=10)

    def action_mark_published(self) -> None:
        """Ask for the publication date (today by default) and mark the document published; a running meeting ends."""
        from .why_dialogs import TextDialog

        told = self._note_takers_connected() if self.session.meeting.status == "active" else 0

        def published(day: str | None) -> None:
            if day is not None:
                self.notify(f"Published on {self.session.meeting.publication_date}.{self._told(told)} "
                            "Later changes to the document are dated.", title="Marked published", timeout=8)

        self.app.push_screen(TextDialog("Publication date", self.session.today().isoformat(), self.session.publish,
                                        hint="YYYY-MM-DD · Enter marks the document published · Esc cancels"),
                             published)

    def _ask_before_changing_published(self) -> None:
        """A published post-mortem opened here asks before it changes, as pmtui edit does; no quits, changing nothing.

        Asked once, when it is opened: marking it published here tells the facilitator instead (the notification).
        """
        from .dialogs import ConfirmDialog

        meeting = self.session.meeting

        def answered(yes: bool | None) -> None:
            self.session.published_change_agreed = bool(yes)
            if not yes:
                self.app.call_later(self.app.action_quit)

        question = (f"'{meeting.incident.title}' was published on {meeting.publication_date}. Change it? Every change "
                    f"is dated \u201cUpdated after publication: {self.session.today().isoformat()}\u201d; "
                    "no quits and leaves it as published.")
        self.app.push_screen(ConfirmDialog(question, title="Published post-mortem"), answered)

    def _note_takers_connected(self) -> int:
        server = getattr(self.app, "room_server", None)
        return len([p for p in server.presence() if p.connected]) if server is not None and server.running else 0

    @staticmethod
    def _told(count: int) -> str:
        return f" {count} note-taker{'s were' if count != 1 else ' was'} told." if count else ""

    def action_reopen_meeting(self) -> None:
        """Mark an ended or published meeting active again (note-takers can join again; ctrl+t resumes the clock)."""
        self.session.reopen()
        self.notify("The meeting is open again: ctrl+t resumes the clock.", timeout=4)

    def commands(self) -> Iterator[SystemCommand]:
        """The facilitator's commands for the palette (ctrl+p)."""
        running = self.session.clock.running
        yield SystemCommand("Next phase", "Move the meeting to the next agenda phase (ctrl+n)", self.action_next_phase)
        yield SystemCommand("Previous phase", "Go back one phase; nothing is lost (ctrl+b)", self.action_previous_phase)
        yield SystemCommand(
            "Pause timer" if running else "Resume timer",
            "Stop the phase clock (ctrl+t)" if running else "Start the phase clock again (ctrl+t)",
            self.action_toggle_timer,
        )
        yield SystemCommand("Extend phase by 5 minutes", "Give the current phase 5 more minutes (ctrl+o)",
                            lambda: self.action_extend(5))
        yield SystemCommand("Extend phase by 1 minute", "Give the current phase 1 more minute",
                            lambda: self.action_extend(1))
        yield SystemCommand("Jump to phase…", "Pick any phase of the agenda (ctrl+g)", self.action_jump_to_phase)
        yield SystemCommand("Undo last change", "Take back your last add or delete in this meeting (ctrl+z)",
                            self.action_undo)
        yield SystemCommand("Export Markdown", "Write the post-mortem and the minutes now (ctrl+s)", self.action_export)
        yield SystemCommand("Import timeline…", "Events from a Slack export, PagerDuty, Opsgenie, Alertmanager, "
                            "JSON lines or CSV: pick a file, check the events to add", self.action_import_timeline)
        yield SystemCommand("Edit incident details", "Title, severity, services, times, impact (f6)",
                            self.action_edit_incident)
        yield SystemCommand("Attendees", "Who is here and in which role (f7)", self.action_attendees)
        yield SystemCommand("Edit section…", "Write a narrative section of the document (summary, what happened…)",
                            self.action_edit_section)
        yield SystemCommand("Set current speaker", "Who your entries without an @name are said by, until changed (f9)",
                            self.action_current_speaker)
        if self.session.meeting.status != "active":
            yield SystemCommand("Reopen meeting", "Mark the meeting active again; note-takers can join again",
                                self.action_reopen_meeting)
        else:
            yield SystemCommand("End meeting", "Stop the clock, record the end time and tell every note-taker, "
                                "with what they added", self.action_end_meeting)
        yield SystemCommand("Mark published", "The document is published: asks for the date (today by default)"
                            + ("; ends the meeting" if self.session.meeting.status == "active" else ""),
                            self.action_mark_published)
        for status in self.query("#room-status"):
            yield from status.commands()
        server = getattr(self.app, "room_server", None)
        if server is not None and server.running:
            yield SystemCommand("Remove note-taker", "Send a note-taker away; they cannot join again as themselves",
                                self.action_remove_note_taker)
