"""The generic notes screen for agenda phases of any other kind."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import TextArea
from textual.widgets.text_area import EditResult, Location

from ...changes import Change, Entity
from ...text import LIMITS
from .base import PhaseView

NOTES_LIMIT = LIMITS["note"]


class NotesArea(TextArea):
    """The notes' text: a key or paste that would take it past what the session keeps is refused, with a notice.

    Refused before it changes the text, so what is typed is what is saved: the text, its cursor and its undo
    stay as they were. One notice per run of refused keys, not one per key.
    """

    _refusing = False

    def _replace_via_keyboard(self, insert: str, start: Location, end: Location) -> EditResult | None:
        """Textual's one way in for typed keys, Enter and pastes (the one its read-only mode shuts)."""
        if len(self.text) - len(self.get_text_range(start, end)) + len(insert) > NOTES_LIMIT:
            if not self._refusing:
                self.notify(f"the notes would be too long (at most {NOTES_LIMIT} characters): nothing was added; "
                            "shorten them to write more", severity="warning", timeout=6)
            self._refusing = True
            return None
        self._refusing = False
        return super()._replace_via_keyboard(insert, start, end)


class NotesView(PhaseView):
    """Free text kept per phase; saved as it is typed."""

    def compose_body(self) -> ComposeResult:
        yield NotesArea(self.session.meeting.notes.get(self.phase.id, ""), id="notes-text", soft_wrap=True)

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
