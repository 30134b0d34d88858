"""Dialogs of the action items phase: edit an item (and its tracker link), link it to a root cause, confirm a delete."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, OptionList, Select
from textual.widgets.option_list import Option, OptionDoesNotExist

from ...model import PRIORITIES, WhyChain
from ...session import MeetingSession, ValidationError

NO_LINK = "-"
"""The option id of "no link" in :class:`LinkRootCauseDialog`."""

_FIELDS = (
    ("description", "Action"),
    ("owner", "Owner"),
    ("priority", "Priority"),
    ("due", "Due"),
    ("success_criteria", "Done when"),
    ("link", "Link"),
)
"""The form's fields: the ActionItem attribute and its label."""
_PLACEHOLDERS = {
    "description": "what will change",
    "owner": "one person's name",
    "due": "YYYY-MM-DD, +3d or +2w; empty for none",
    "success_criteria": "how we will know it is done and worked",
    "link": "https://… where the work is tracked; empty for none",
}


class EditActionDialog(ModalScreen[bool]):
    """Edit every field of one action item; a refusal stays in the form.

    Dismisses with True when something was saved, False when cancelled.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="edit_action.cancel")]

    def __init__(self, session: MeetingSession, action_id: str) -> None:
        super().__init__(classes="action-dialog")
        self.session = session
        self.action_id = action_id
        item = next(a for a in session.meeting.actions if a.id == action_id)
        self._initial = {
            "description": item.description,
            "owner": item.owner,
            "priority": item.priority,
            "due": item.due.isoformat() if item.due else "",
            "success_criteria": item.success_criteria,
            "link": item.link,
        }

    def compose(self) -> ComposeResult:
        with Vertical(id="edit-action", classes="dialog") as box:
            box.border_title = "Edit action item"
            for name, label in _FIELDS:
                if name == "priority":
                    control = Select([(p, p) for p in PRIORITIES], value=self._initial[name], allow_blank=False,
                                     compact=True, id="edit-priority")
                else:
                    control = Input(self._initial[name], placeholder=_PLACEHOLDERS.get(name, ""), compact=True,
                                    id=f"edit-{name.replace('_', '-')}")
                yield Horizontal(Label(label, classes="field-label"), control, classes="field-row")
            yield Label("", id="edit-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", compact=True, id="edit-save")
                yield Button("Cancel", compact=True, id="edit-cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#edit-description", Input).focus()

    def _values(self) -> dict[str, str]:
        values = {name: self.query_one(f"#edit-{name.replace('_', '-')}", Input).value
                  for name, _ in _FIELDS if name != "priority"}
        values["priority"] = str(self.query_one("#edit-priority", Select).value)
        return values

    def action_save(self) -> None:
        """Send the changed fields to the session in one change; a refusal keeps the dialog open."""
        changed = {name: value for name, value in self._values().items() if value != self._initial[name]}
        if changed:
            try:
                self.session.update_action(self.action_id, **changed)
            except ValidationError as exc:
                error = self.query_one("#edit-error", Label)
                error.update(f"✗ {exc}")
                error.add_class("-shown")
                return
        self.dismiss(bool(changed))

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(False)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Input.Changed)
    def _changed(self) -> None:
        self.query_one("#edit-error", Label).remove_class("-shown")

    @on(Button.Pressed, "#edit-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#edit-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


class LinkRootCauseDialog(ModalScreen[str | None]):
    """Pick the root cause an action item addresses.

    Dismisses with a chain id, "" for "no link", or None when cancelled.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="link_root_cause.cancel")]

    def __init__(self, chains: list[WhyChain], current: str | None) -> None:
        super().__init__(classes="action-dialog")
        self._chains = chains
        self._current = current

    def compose(self) -> ComposeResult:
        options = [Option(Text("No link", style="italic"), id=NO_LINK)]
        for number, chain in enumerate(self._chains, 1):
            if chain.root_cause is not None:
                prompt = Text(f"{number}. {chain.root_cause.text}")
                prompt.append(f"\n   {chain.root_cause.category} · {chain.problem}", style="dim")
                options.append(Option(prompt, id=chain.id))
        with Vertical(id="link-root-cause", classes="dialog") as box:
            box.border_title = "Which root cause does this action address?"
            yield OptionList(*options, id="root-cause-options")
            if len(options) == 1:
                yield Label("No chain has a root cause yet: name one in the Five Whys phase.", classes="dialog-hint")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        try:
            options.highlighted = options.get_option_index(self._current or NO_LINK)
        except OptionDoesNotExist:
            options.highlighted = 0

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss("" if event.option_id == NO_LINK else event.option_id)

    def action_cancel(self) -> None:
        """Close without changing the link."""
        self.dismiss(None)
