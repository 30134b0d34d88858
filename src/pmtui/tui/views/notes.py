"""The generic notes screen for agenda phases of any other kind."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import TextArea

from ...changes import Change, Entity
from .base import PhaseView


class NotesView(PhaseView):
    """Free text kept per phase; saved as it is typed."""

    def compose_body(self) -> ComposeResult:
        yield TextArea(self.session.meeting.notes.get(self.phase.id, ""), id="notes-text", soft_wrap=True)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if event.text_area.text != self.session.meeting.notes.get(self.phase.id, ""):
            self.session.set_note(self.phase.id, event.text_area.text)

    def on_session_change(self, change: Change) -> None:
        area = self.query_one("#notes-text", TextArea)
        if change.entity is Entity.NOTE and change.id == self.phase.id:
            text = self.session.meeting.notes.get(self.phase.id, "")
            if area.text != text:
                area.text = text

    def on_phase_shown(self) -> None:
        self.query_one("#notes-text", TextArea).focus()
