"""The opening view: the blameless principle, the facilitator's checklist, who is here."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Label, OptionList, Static

from ...changes import Change, Entity
from ...entry_grammar import AttendeeEntry
from ...model import Attendee
from ..widgets.list_table import ListTable
from ..widgets.quick_entry import QuickEntry
from .base import PhaseView

PRINCIPLE = "We are here to learn, not to blame."
EXPECTATIONS = (
    "Everyone acted on what they knew at the time.",
    "We ask what happened and how, never who to blame.",
    "We look for how the system let this happen.",
    "Anyone can pause us if it turns to blame.",
    "We leave with a few specific, owned actions.",
)
class Checklist(OptionList):
    """Prompts the facilitator ticks off with space or Enter; ticks are not saved."""

    BINDINGS = [Binding("space", "toggle", "Tick", id="safety.tick")]

    def __init__(self, items: tuple[str, ...], *, id: str | None = None) -> None:
        self.items = items
        self.ticked: set[int] = set()
        super().__init__(*(self._prompt(index) for index in range(len(items))), id=id)

    def _prompt(self, index: int) -> Table:
        done = index in self.ticked
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(Text("☑" if done else "☐", style="bold"), Text(self.items[index], style="dim" if done else ""))
        return grid

    def action_toggle(self) -> None:
        """Tick or untick the highlighted prompt."""
        index = self.highlighted
        if index is not None:
            self.ticked ^= {index}
            self.replace_option_prompt_at_index(index, self._prompt(index))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_toggle()


class AttendeeTable(ListTable):
    """Who is in the meeting, one row per attendee keyed by its id."""

    BINDINGS = [Binding("delete,x", "remove", "Remove attendee", id="safety.remove_attendee")]

    @dataclass
    class RemoveRequested(Message):
        """The facilitator asked to remove the attendee under the cursor."""

        attendee_id: str

    def action_remove(self) -> None:
        """Ask the view to remove the highlighted attendee."""
        if self.row_count:
            row_key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
            self.post_message(self.RemoveRequested(str(row_key.value)))


class SafetyView(PhaseView):
    """Set the tone: the principle in large words, the checklist, and the attendees."""

    SHOWS = (AttendeeEntry,)

    BINDINGS = [Binding("escape", "focus_entry", "Back to typing", id="safety.to_entry")]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="safety-scroll", can_focus=False):
            with Vertical(id="safety-principle"):
                yield Static(PRINCIPLE, id="safety-principle-title")
                yield Static("\n".join(f"• {line}" for line in EXPECTATIONS), id="safety-expectations")
            with Horizontal(id="safety-columns"):
                with Vertical(id="safety-checklist-box"):
                    yield Label("Facilitator checklist · space ticks", classes="safety-title")
                    yield Checklist(self.phase.prompts, id="safety-checklist")
                with Vertical(id="safety-attendees-box"):
                    yield Label("", id="safety-attendees-title", classes="safety-title")
                    yield AttendeeTable(id="safety-attendees", cursor_type="row")
        yield QuickEntry(
            "e.g. Kim Lee | ic",
            "name | role (facilitator, note-taker, ic, responder, stakeholder) · Tab: checklist, attendees",
            id="attendee-entry",
            prefixes=True,
        )

    def on_mount(self) -> None:
        table = self.query_one(AttendeeTable)
        table.add_column("Name", key="name")
        table.add_column("Role", key="role")
        self._sync_attendees()

    # --- attendees -------------------------------------------------------------

    def on_session_change(self, change: Change) -> None:
        if change.entity is Entity.ATTENDEE:
            self._sync_attendees()

    def _sync_attendees(self) -> None:
        """Bring the table in line with the meeting: add, update and remove rows by id."""
        table = self.query_one(AttendeeTable)
        attendees = {a.id: a for a in self.session.meeting.attendees}
        for row_key in list(table.rows):
            if row_key.value not in attendees:
                table.remove_row(row_key)
        for attendee in attendees.values():
            name, role = self._cells(attendee)
            if attendee.id not in table.rows:
                table.add_row(name, role, key=attendee.id)
                continue
            for column, value in (("name", name), ("role", role)):
                if table.get_cell(attendee.id, column) != value:
                    table.update_cell(attendee.id, column, value, update_width=True)
        count = len(attendees)
        self.query_one("#safety-attendees-title", Label).update(
            f"Attendees ({count}) · x removes" if count else "Attendees: add each person below"
        )

    @staticmethod
    def _cells(attendee: Attendee) -> tuple[Text, Text]:
        lead = attendee.role in ("facilitator", "incident commander")
        return Text(attendee.name, style="bold" if lead else ""), Text(attendee.role)

    @on(QuickEntry.Submitted, "#attendee-entry")
    def _add_attendee(self, message: QuickEntry.Submitted) -> None:
        self.attempt(message.entry, self.add_line, message.value)

    @on(AttendeeTable.RemoveRequested)
    def _remove_attendee(self, message: AttendeeTable.RemoveRequested) -> None:
        self.attempt(None, self.session.remove_attendee, message.attendee_id)

    # --- focus -----------------------------------------------------------------

    def on_phase_shown(self) -> None:
        """Focus the attendee line and show the principle from its top."""
        super().on_phase_shown()
        scroll = self.query_one("#safety-scroll", VerticalScroll)
        self.call_after_refresh(scroll.scroll_home, animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_entry":
            return not self.query_one(QuickEntry).input.has_focus
        return True

    def action_focus_entry(self) -> None:
        """Back to the line that adds attendees."""
        self.query_one(QuickEntry).focus_input()
