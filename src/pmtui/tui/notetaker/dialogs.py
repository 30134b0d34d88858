"""The note-taker's question before joining: the name shown next to what they add."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from ...room import protocol


class NameScreen(ModalScreen[str]):
    """Ask the note-taker for the name shown next to what they add."""

    BINDINGS = [Binding("escape", "app.quit", "Quit")]
    AUTO_FOCUS = "#nt-name-input"

    def __init__(self, check: Callable[[str], str | None]) -> None:
        super().__init__()
        self._check = check

    def compose(self) -> ComposeResult:
        with Vertical(id="nt-name-box"):
            yield Label("Join the post-mortem as a note-taker", id="nt-name-title")
            yield Label("Your name is shown next to everything you add.", classes="nt-muted")
            yield Input(placeholder="Your name", max_length=protocol.MAX_NAME, id="nt-name-input")
            yield Label("", id="nt-name-error", markup=False)

    @on(Input.Submitted, "#nt-name-input")
    def _submitted(self, event: Input.Submitted) -> None:
        problem = self._check(event.value)
        if problem:
            self.query_one("#nt-name-error", Label).update(f"✗ {problem}")
            return
        self.dismiss(event.value.strip())
