"""Small dialogs of the observations and Five Whys views: reword, pick one, confirm."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ...session import ValidationError
from ..widgets.quick_entry import QuickEntry


class TextDialog(ModalScreen[str | None]):
    """Edit one line of text; ``submit`` applies it and may refuse it.

    A :class:`ValidationError` from ``submit`` is shown under the line and the
    dialog stays open; on success it dismisses with the new text.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="text_dialog_cancel")]

    def __init__(self, title: str, text: str, submit: Callable[[str], object], *, hint: str = "") -> None:
        super().__init__()
        self._title = title
        self._text = text
        self._submit = submit
        self._hint = hint or "Enter saves · Esc cancels"

    def compose(self) -> ComposeResult:
        with Vertical(id="text-dialog", classes="dialog") as box:
            box.border_title = self._title
            yield QuickEntry("", self._hint, id="dialog-entry")

    def on_mount(self) -> None:
        entry = self.query_one(QuickEntry)
        entry.input.value = self._text
        entry.focus_input()

    @on(QuickEntry.Submitted)
    def _submitted(self, message: QuickEntry.Submitted) -> None:
        try:
            self._submit(message.value)
        except ValidationError as exc:
            message.entry.reject(str(exc))
            return
        self.dismiss(message.value)

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)


class PickDialog(ModalScreen[str | None]):
    """Choose one of ``choices`` (id, label); dismisses with the id, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="pick_dialog_cancel")]

    def __init__(
        self,
        title: str,
        choices: Sequence[tuple[str, str]],
        *,
        subtitle: str = "",
        current: str | None = None,
    ) -> None:
        super().__init__()
        self._title = title
        self._choices = list(choices)
        self._subtitle = subtitle
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-dialog", classes="dialog") as box:
            box.border_title = self._title
            box.border_subtitle = "Enter chooses · Esc cancels"
            if self._subtitle:
                yield Label(self._subtitle, classes="dialog-hint", markup=False)
            yield OptionList(*(Option(Content(label), id=key) for key, label in self._choices), id="pick-list")

    def on_mount(self) -> None:
        options = self.query_one("#pick-list", OptionList)
        ids = [key for key, _ in self._choices]
        if self._current in ids:
            options.highlighted = ids.index(self._current)
        options.focus()

    @on(OptionList.OptionSelected, "#pick-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
