"""Small dialogs for acting on one timeline event: edit, confirm, pick a milestone."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from ...model import MILESTONE_LABELS, MILESTONES
from ...session import MeetingSession, ValidationError
from ...timeparse import format_on, local

_DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 70; max-width: 100%; height: auto; max-height: 100%;
    border: thick $accent; background: $surface; padding: 0 1;
}}
{name} Label {{ width: 100%; }}
{name} .dialog-title {{ text-style: bold; color: $accent; margin-bottom: 1; }}
{name} .dialog-help {{ color: $text-muted; margin-bottom: 1; }}
{name} .dialog-error {{ color: $error; text-style: bold; display: none; }}
{name}.-error .dialog-error {{ display: block; }}
{name} Horizontal.buttons {{ height: auto; align-horizontal: right; }}
{name} Button {{ margin-left: 2; }}
"""


class EditEventDialog(ModalScreen[bool]):
    """Edit an event's time, description, actor and evidence; True when saved."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="EditEventDialog") + """
    EditEventDialog > Vertical { width: 90; }
    EditEventDialog Horizontal.field { height: 1; margin-bottom: 1; align-horizontal: left; }
    EditEventDialog Horizontal.field > Label { width: 15; color: $text-muted; }
    EditEventDialog Horizontal.field > Input { width: 1fr; background: $boost; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="event_dialog.cancel"),
    ]
    FIELDS = (("time", "Time"), ("description", "What happened"), ("actor", "Actor"), ("evidence", "Evidence"))

    def __init__(self, session: MeetingSession, event_id: str) -> None:
        super().__init__()
        self.session = session
        self.event_id = event_id
        event = next(e for e in session.meeting.events if e.id == event_id)
        moment = local(event.time, session.meeting.incident.tz)
        self.initial = {
            "time": moment.strftime("%Y-%m-%d %H:%M:%S"),
            "description": event.description,
            "actor": event.actor,
            "evidence": event.evidence,
        }

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Edit event", classes="dialog-title")
            for name, title in self.FIELDS:
                with Horizontal(classes="field"):
                    yield Label(title)
                    yield Input(self.initial[name], id=f"event-{name}", compact=True)
            yield Label("", classes="dialog-error", markup=False)
            yield Label("Enter saves · Escape cancels · Tab next field", classes="dialog-help")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#event-time", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        """Send the changed fields to the session; stay open on a refusal."""
        changes = {}
        for name, _ in self.FIELDS:
            value = self.query_one(f"#event-{name}", Input).value
            if value != self.initial[name]:
                changes[name] = value
        if not changes:
            self.dismiss(False)
            return
        try:
            self.session.update_event(self.event_id, **changes)
        except ValidationError as exc:
            self.query_one(".dialog-error", Label).update(f"✗ {exc}")
            self.add_class("-error")
            return
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(False)

    @on(Input.Changed)
    def _clear_error(self) -> None:
        self.remove_class("-error")


class MilestoneDialog(ModalScreen[str | None]):
    """Pick which incident milestone an event marks; returns its name or None."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="MilestoneDialog") + """
    MilestoneDialog > Vertical { width: 60; }
    MilestoneDialog OptionList { height: auto; max-height: 9; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="milestone.cancel"),
        *(Binding(str(i), f"pick({i - 1})", label, show=False, id=f"milestone.{name}")
          for i, (name, label) in enumerate(MILESTONE_LABELS.items(), start=1)),
    ]

    def __init__(self, session: MeetingSession, event_id: str) -> None:
        super().__init__()
        self.session = session
        self.event = next(e for e in session.meeting.events if e.id == event_id)

    def compose(self) -> ComposeResult:
        incident = self.session.meeting.incident
        tz, home = incident.tz, self.session.incident_date()
        options = []
        for i, name in enumerate(MILESTONES, start=1):
            current = getattr(incident, name)
            now = f"now {format_on(current, tz, home)}" if current else "not set"
            options.append(Option(f"{i}  {MILESTONE_LABELS[name]:<13} ({now})", id=name))
        with Vertical():
            yield Label(f"This event at {format_on(self.event.time, tz, home)} marks…", classes="dialog-title")
            yield OptionList(*options)
            yield Label("Enter or 1–5 picks · Escape cancels", classes="dialog-help")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_pick(self, index: int) -> None:
        """Choose the milestone at ``index`` (0-based)."""
        self.dismiss(MILESTONES[index])

    def action_cancel(self) -> None:
        """Close without marking anything."""
        self.dismiss(None)
