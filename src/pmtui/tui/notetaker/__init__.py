"""The note-taker's app (``pmtui join``): :class:`~pmtui.tui.notetaker.app.NoteTakerApp`.

``app`` starts the client and asks for the name (``dialogs``); ``screen`` draws
what :class:`~pmtui.room.view.NotesView` merges from the room and the outbox.
"""

from .app import NoteTakerApp

__all__ = ["NoteTakerApp"]
