"""PlainApp: the base of pmtui's apps; what they show holds no markup and no terminal control codes.

It also leaves (saving, as on ctrl+q) when its terminal hangs up without a signal (:mod:`.hangup`).

Text from meetings, agendas and the room is clean before it gets here
(:mod:`pmtui.text`). Two ways in remain that no command sees first, and this
class covers them: a paste, which an entry line or the notes editor would draw
as it is (the terminal obeying any escape code in it at once), and messages
naming a file or a value, shown as notifications.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.notifications import SeverityLevel

from ..text import TextError, check, for_terminal
from .hangup import CHECK_EVERY, terminal_gone


class PlainApp(App):
    """An App that refuses pastes holding control codes, and whose ``notify`` reads no markup unless asked to."""

    def on_mount(self) -> None:
        if not self.is_headless:
            self.set_interval(CHECK_EVERY, self._leave_if_terminal_gone, name="hang-up check")

    def _leave_if_terminal_gone(self) -> None:
        if terminal_gone():
            self.exit()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Paste) and not event.is_forwarded and not self._paste_allowed(event.text):
            return
        await super().on_event(event)

    def _paste_allowed(self, text: str) -> bool:
        """Whether ``text`` may be pasted: the rule for typed text, with the line breaks terminals send in pastes.

        Its length is that of the screen's longest field (``PASTE_FIELD``, a kind in :data:`~pmtui.text.LIMITS`;
        a phase's notes unless the screen says otherwise, as the narrative section editor does).
        """
        field = getattr(self.screen, "PASTE_FIELD", "note")
        try:
            check(text.replace("\r\n", "\n").replace("\r", "\n"), "the pasted text", field)
        except TextError as exc:
            self.notify(f"{exc.problem}; nothing was pasted", severity="error", timeout=8)
            return False
        return True

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """A notification; its message is text unless ``markup`` (a description with ``[/]`` must not raise)."""
        super().notify(for_terminal(message), title=for_terminal(title), severity=severity, timeout=timeout,
                       markup=markup)
