"""``pmtui edit``: the facilitator app with one screen, the section editor, on a meeting opened as its one writer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from textual import events

from ..document import first_to_write
from .app import PmtuiApp
from .screens.section_editor import SectionEditor


class SectionEditorApp(PmtuiApp):
    """Edits the document's sections after the meeting; closing the editor quits.

    It keeps what the facilitator app does for a meeting it holds: saves as
    typed, says when the disk fails, and leaves a rescue copy when quitting
    while it does.
    """

    editor: SectionEditor

    async def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # not the facilitator app's home or meeting screen
        self._loop = asyncio.get_running_loop()
        self.session.defer_saves(self._save_later)
        self.push_screen(self.editor, lambda _: self.exit())


def make_editor_app(data_dir: Path, meeting_ref: str, section_id: str | None = None, *,
                    now: Callable[[], float] = time.time) -> SectionEditorApp:
    """Open meeting ``meeting_ref`` as its writer and build the editor app on ``section_id``.

    Without ``section_id`` it starts at the first required section still empty, else the first. A section the
    document does not have is refused (ValidationError) and the meeting let go.
    """
    app = SectionEditorApp(data_dir, now=now)
    session = app.open_session(meeting_ref)
    try:
        app.editor = SectionEditor(session, section_id or first_to_write(session.meeting, session.agenda))
    except BaseException:
        session.close()
        raise
    return app
