"""What every phase view shares: the session, its phase, and a heading."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ...agenda import Phase
from ...changes import Change
from ...entry_grammar import QuickEntryError
from ...session import MeetingSession, ValidationError
from ..widgets.quick_entry import QuickEntry


class PhaseView(Vertical):
    """The screen of one agenda phase, shown inside the meeting screen.

    Subclasses compose their body in :meth:`compose_body`, re-render in
    :meth:`on_session_change`, and call the session for every change.
    """

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
