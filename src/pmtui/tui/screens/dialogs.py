"""Dialogs of the meeting screen: go to a phase, incident details, attendees."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Label, OptionList, Select, TextArea
from textual.widgets.option_list import Option

from ...agenda import Agenda
from ...changes import Entity
from ...clock import format_planned
from ...model import MILESTONE_LABELS, MILESTONES, ROLES, SEVERITIES
from ...session import MeetingSession, ValidationError
from ...timeparse import local
from ..messages import SessionChanged
from ..widgets.list_table import ListTable

CANCEL = Binding("escape", "cancel", "Cancel", id="cancel_dialog")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class JumpToPhaseDialog(ModalScreen[int | None]):
    """Pick any agenda phase; dismisses with its index, or None on Escape.

    The phases are numbered, and typing a number highlights that phase
    (``2`` then Enter goes to the second; ``1`` ``2`` to the twelfth when there are that many).
    """

    BINDINGS = [CANCEL]

    def __init__(self, agenda: Agenda, current_index: int, extended: Sequence[float] = ()) -> None:
        super().__init__()
        self.agenda = agenda
        self.current_index = current_index
        self.extended = tuple(extended)
        """Seconds each phase was extended by (shown as '25+5 min')."""

    def compose(self) -> ComposeResult:
        options = []
        for index, phase in enumerate(self.agenda.phases):
            extra = self.extended[index] if index < len(self.extended) else 0.0
            prompt = Text(f"{index + 1}. {phase.title} ({format_planned(phase.minutes, extra)} min)")
            if index == self.current_index:
                prompt.append("  ◀ now", style="bold")
            options.append(Option(prompt))
        with Vertical(id="jump-dialog", classes="dialog") as box:
            box.border_title = "Go to phase"
            yield OptionList(*options, id="jump-phases")
        yield Footer()

    def on_mount(self) -> None:
        phases = self.query_one(OptionList)
        phases.highlighted = self.current_index
        phases.focus()

    _typed = ""

    def on_key(self, event: events.Key) -> None:
        if event.character is None or not event.character.isdigit():
            self._typed = ""
            return
        event.stop()
        count = len(self.agenda.phases)
        typed = self._typed + event.character
        if not 1 <= int(typed) <= count:
            typed = event.character
        if 1 <= int(typed) <= count:
            self._typed = typed
            self.query_one(OptionList).highlighted = int(typed) - 1
        else:
            self._typed = ""

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        self.dismiss(None)


def form_row(label: str, widget: Widget) -> Horizontal:
    """A form line: the field's label, then its control."""
    return Horizontal(Label(label, classes="field-label"), widget, classes="field-row")


class IncidentDialog(ModalScreen[bool]):
    """Edit the incident's details; dismisses True when something was saved."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save_incident"),
        CANCEL,
    ]

    TEXT_FIELDS = (
        ("title", "Title"),
        ("services", "Services"),
        ("tz", "Time zone"),
        *((name, MILESTONE_LABELS[name]) for name in MILESTONES),
        ("users_affected", "Users affected"),
        ("slo_impact", "SLO impact"),
        ("detection_method", "Detection"),
    )
    # The time zone before the times: the session reads typed times in a zone set in the same call.
    SAVE_ORDER = ("title", "severity", "services", "summary", "tz", *MILESTONES,
                  "users_affected", "slo_impact", "detection_method")
    PLACEHOLDERS = {
        "services": "comma separated, e.g. checkout-api, payments",
        "tz": "an IANA name such as UTC or Europe/Berlin",
        **{name: "YYYY-MM-DD HH:MM[:SS], HH:MM or ISO 8601" for name in MILESTONES},
    }

    def __init__(self, session: MeetingSession) -> None:
        super().__init__()
        self.session = session
        self.initial = self._current_values()

    def _current_values(self) -> dict[str, str]:
        """The incident's fields as the form shows them."""
        incident = self.session.meeting.incident
        values = {
            "title": incident.title,
            "severity": incident.severity,
            "services": ", ".join(incident.services),
            "summary": incident.summary,
            "tz": incident.tz,
            "users_affected": incident.users_affected,
            "slo_impact": incident.slo_impact,
            "detection_method": incident.detection_method,
        }
        for name in MILESTONES:
            moment = getattr(incident, name)
            values[name] = local(moment, incident.tz).strftime(TIME_FORMAT) if moment else ""
        return values

    def compose(self) -> ComposeResult:
        def text_input(name: str) -> Input:
            return Input(self.initial[name], placeholder=self.PLACEHOLDERS.get(name, ""), id=f"field-{name}",
                         compact=True)

        with VerticalScroll(id="incident-dialog", classes="dialog") as box:
            box.border_title = "Incident details"
            yield form_row("Title", text_input("title"))
            yield form_row("Severity", Select([(s, s) for s in SEVERITIES], value=self.initial["severity"],
                                              allow_blank=False, id="field-severity", compact=True))
            yield form_row("Services", text_input("services"))
            yield form_row("Summary", TextArea(self.initial["summary"], id="field-summary", soft_wrap=True,
                                               compact=True))
            yield form_row("Time zone", text_input("tz"))
            for name in MILESTONES:
                yield form_row(MILESTONE_LABELS[name], text_input(name))
            yield form_row("Users affected", text_input("users_affected"))
            yield form_row("SLO impact", text_input("slo_impact"))
            yield form_row("Detection", text_input("detection_method"))
            yield Label("", id="incident-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="incident-save", variant="primary", compact=True)
                yield Button("Cancel", id="incident-cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#field-title", Input).focus()

    def _form_values(self) -> dict[str, str]:
        values = {name: self.query_one(f"#field-{name}", Input).value for name, _ in self.TEXT_FIELDS}
        values["severity"] = str(self.query_one("#field-severity", Select).value)
        values["summary"] = self.query_one("#field-summary", TextArea).text
        return values

    def action_save(self) -> None:
        """Send the changed fields to the session in one call; stay open on a refusal."""
        values = self._form_values()
        # Only edited fields: untouched times keep their moment when the time zone changes.
        changed = {name: values[name] for name in self.SAVE_ORDER if values[name] != self.initial[name]}
        if not changed:
            self.dismiss(False)
            return
        try:
            self.session.update_incident(**changed)
        except ValidationError as exc:
            self._show_error(str(exc), changed)
            return
        self.dismiss(True)

    def _show_error(self, message: str, sent: dict[str, str]) -> None:
        """Show the refusal under the form, naming and focusing the field it is about."""
        labels = dict(self.TEXT_FIELDS)
        culprit = next((name for name in ("tz", *MILESTONES)
                        if name in sent and repr(sent[name].strip()) in message), None)
        error = self.query_one("#incident-error", Label)
        error.update(f"✗ {labels[culprit]}: {message}" if culprit else f"✗ {message}")
        error.add_class("-shown")
        if culprit:
            field = self.query_one(f"#field-{culprit}", Input)
            field.add_class("-invalid")
            field.focus()

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        event.input.remove_class("-invalid")

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#incident-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#incident-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(False)


ADD_HINT = "Enter adds · Tab to the list: Del or x removes, l sets a login"


class AttendeeTable(ListTable):
    """The attendees, one row each (keyed by attendee id)."""

    BINDINGS = [Binding("delete,x", "screen.remove_attendee", "Remove", id="remove_attendee"),
                Binding("l", "screen.edit_login", "Login", id="edit_attendee_login")]


class AttendeesDialog(ModalScreen[None]):
    """Who is in the meeting, in which role and with which forge login; add, remove and set logins, live."""

    BINDINGS = [Binding("escape", "cancel", "Close", id="close_attendees")]

    def __init__(self, session: MeetingSession) -> None:
        super().__init__()
        self.session = session
        self._unsubscribe = None
        self._login_for: str | None = None
        """The attendee whose login the login field is setting (after ``l`` on the list), else None: it adds."""

    def compose(self) -> ComposeResult:
        with Vertical(id="attendees-dialog", classes="dialog") as box:
            box.border_title = "Attendees"
            yield AttendeeTable(id="attendees-table", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="attendee-add"):
                yield Input(placeholder="Name, then Enter to add", id="attendee-name", compact=True)
                yield Input(placeholder="forge login (optional)", id="attendee-login", compact=True)
                yield Select([(role, role) for role in ROLES], value="responder", allow_blank=False,
                             id="attendee-role", compact=True)
            yield Label("", id="attendee-error", classes="dialog-error", markup=False)
            yield Label(ADD_HINT, id="attendee-hint", classes="dialog-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(AttendeeTable)
        table.add_column("Name", key="name")
        table.add_column("Role", key="role")
        table.add_column("Login", key="login")
        self._sync()
        self._unsubscribe = self.session.subscribe(lambda change: self.post_message(SessionChanged(change)))
        self.query_one("#attendee-name", Input).focus()

    def on_unmount(self) -> None:
        if self._unsubscribe:
            self._unsubscribe()

    def _sync(self) -> None:
        """Add and remove rows so the table shows the session's attendees."""
        table = self.query_one(AttendeeTable)
        attendees = {a.id: a for a in self.session.meeting.attendees}
        for key in [k.value for k in table.rows if k.value not in attendees]:
            table.remove_row(key)
        for attendee_id, attendee in attendees.items():
            login = Text(f"@{attendee.login}" if attendee.login else "")
            if attendee_id not in table.rows:
                table.add_row(Text(attendee.name), Text(attendee.role), login, key=attendee_id)
            elif str(table.get_cell(attendee_id, "login")) != str(login):
                table.update_cell(attendee_id, "login", login)

    @on(SessionChanged)
    def _session_changed(self, message: SessionChanged) -> None:
        if message.change.entity is Entity.ATTENDEE:
            self._sync()

    @on(Input.Changed, "#attendee-name")
    def _typing(self) -> None:
        self._error("")
        self._adding()

    @on(Input.Changed, "#attendee-login")
    def _typing_login(self) -> None:
        self._error("")

    @on(Input.Submitted, "#attendee-name")
    @on(Input.Submitted, "#attendee-login")
    def _submit(self) -> None:
        name = self.query_one("#attendee-name", Input)
        login = self.query_one("#attendee-login", Input)
        try:
            if self._login_for is not None:
                self.session.set_attendee_login(self._login_for, login.value)
            else:
                self.session.add_attendee(name.value, str(self.query_one("#attendee-role", Select).value),
                                          login.value)
        except ValidationError as exc:
            self._error(str(exc))
            return
        if self._login_for is not None:
            self._adding()
            self.query_one(AttendeeTable).focus()
        name.value = login.value = ""

    def action_edit_login(self) -> None:
        """Set the login of the attendee on the table's cursor row in the login field (Enter keeps it)."""
        table = self.query_one(AttendeeTable)
        if not table.row_count:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        attendee = next(a for a in self.session.meeting.attendees if a.id == row_key.value)
        self._login_for = attendee.id
        self.query_one("#attendee-hint", Label).update(
            f"Enter sets {attendee.name}'s login (empty clears it) · typing a name adds someone instead")
        login = self.query_one("#attendee-login", Input)
        login.value = attendee.login
        login.focus()

    def _adding(self) -> None:
        """Back to adding people (the login field no longer edits an attendee's login)."""
        if self._login_for is not None:
            self._login_for = None
            self.query_one("#attendee-hint", Label).update(ADD_HINT)

    def action_remove_attendee(self) -> None:
        """Remove the attendee on the table's cursor row."""
        table = self.query_one(AttendeeTable)
        if not table.row_count:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        try:
            self.session.remove_attendee(row_key.value)
        except ValidationError as exc:
            self._error(str(exc))

    def _error(self, message: str) -> None:
        error = self.query_one("#attendee-error", Label)
        error.update(f"✗ {message}" if message else "")
        error.set_class(bool(message), "-shown")

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question before something is deleted; True for yes (No has the focus)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm_yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm_no"),
    ]

    def __init__(self, question: str, *, title: str = "Delete?", detail: str = "") -> None:
        super().__init__()
        self._title = title
        self._question = question
        self._detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog") as box:
            box.border_title = self._title
            yield Label(self._question, id="confirm-question", markup=False)
            if self._detail:
                yield Label(self._detail, markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes (y)", variant="error", id="confirm-yes")
                yield Button("No (n)", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)
