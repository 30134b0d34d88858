"""The note-taker's questions: the name shown next to what they add, and "remove this entry of yours?"."""

from __future__ import annotations

from collections.abc import Callable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from ...room import protocol
from ..screens.dialogs import ConfirmDialog


class NameScreen(ModalScreen[str]):
    """Ask the note-taker for the name shown next to what they add (again, with ``problem``, when refused)."""

    BINDINGS = [Binding("escape", "app.quit", "Quit")]
    AUTO_FOCUS = "#nt-name-input"

    def __init__(self, check: Callable[[str], str | None], problem: str = "") -> None:
        super().__init__()
        self._check = check
        self._problem = problem
        self._done = False

    def compose(self) -> ComposeResult:
        with Vertical(id="nt-name-box"):
            yield Label("Join the post-mortem as a note-taker", id="nt-name-title")
            yield Label("Your name is shown next to everything you add.", classes="nt-muted")
            yield Input(placeholder="Your name", max_length=protocol.MAX_NAME, id="nt-name-input")
            yield Label(f"✗ {self._problem}" if self._problem else "", id="nt-name-error", markup=False)

    @on(Input.Submitted, "#nt-name-input")
    def _submitted(self, event: Input.Submitted) -> None:
        if self._done:
            return  # a second Enter while the screen closes
        problem = self._check(event.value)
        if problem:
            self.query_one("#nt-name-error", Label).update(f"✗ {problem}")
            return
        self._done = True
        self.dismiss(event.value.strip())


class RemoveOwnDialog(ConfirmDialog):
    """"Remove this entry of yours?": ``y`` or ``n``; any other key typed here is text meant for the line.

    Such a key answers No and goes to ``typed`` (the entry line), as do the keys
    after it until the dialog has closed, so nothing typed is lost.
    """

    def __init__(self, detail: str, typed: Callable[[str], None]) -> None:
        super().__init__("Remove this entry of yours?", title="Remove?", detail=detail)
        self._typed = typed
        self._typing = False

    def on_key(self, event: events.Key) -> None:
        if not event.is_printable or (event.key in ("y", "n") and not self._typing):
            return
        event.stop()
        event.prevent_default()
        self._typed(event.character or "")
        if not self._typing:
            self._typing = True
            self.dismiss(False)
