"""The note-taker's questions: the name shown next to what they add, and "remove this entry of yours?"."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from ...room import protocol
from ...room.client import ConnectionState
from ..screens.dialogs import ConfirmDialog


class NameScreen(ModalScreen[str]):
    """Ask the note-taker for the name shown next to what they add (again, with ``problem``, when refused)."""

    BINDINGS = [Binding("escape", "app.quit", "Quit")]
    AUTO_FOCUS = "#nt-name-input"

    def __init__(self, check: Callable[[str], str | None], problem: str = "", *, known: Sequence[str] = ()) -> None:
        """``known``: the names this machine joined this meeting under before (their entries wait under them)."""
        super().__init__()
        self._check = check
        self._problem = problem
        self._known = tuple(known)
        self._done = False

    def compose(self) -> ComposeResult:
        with Vertical(id="nt-name-box"):
            yield Label("Join the post-mortem as a note-taker", id="nt-name-title")
            yield Label("Your name is shown next to everything you add.", classes="nt-muted")
            if self._known:
                yield Label(f"You joined this meeting before as: {', '.join(self._known)}", classes="nt-muted",
                            markup=False)
            yield Input(placeholder="Your name", max_length=protocol.MAX_NAME, id="nt-name-input")
            yield Label(f"✗ {self._problem}" if self._problem else "", id="nt-name-error", markup=False)
            yield Label("", id="nt-name-connection", markup=False)

    def show_connection(self, state: ConnectionState, url: str) -> None:
        """Say plainly when the meeting cannot be reached yet: joining goes on, what is typed waits on disk."""
        text = ""
        if state.status == "reconnecting":
            reason = f" ({state.message})" if state.message else ""
            text = (f"◌ The meeting at {url} is not reachable yet{reason}. Join anyway: what you add waits "
                    "on this machine and is sent when the facilitator's pmtui answers.")
        elif state.status == "refused":
            text = f"✗ {state.describe()}"
        self.query_one("#nt-name-connection", Label).update(text)

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
