"""A meeting read from an archive, read-only: its post-mortem document, and a copy exported to the export dir.

An archived meeting belongs to whoever published it; no session is ever opened on it here, so nothing can
write to the archive's working tree (changes go where it was published from, then through pmtui publish).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from ...archive.reader import read_archived
from ...export.files import write_markdown_exports
from ...export.markdown import render_postmortem
from ...model import Meeting
from ...store import StoreError
from ..widgets.document_preview import DocumentPreview
from ..widgets.footer import FittingFooter


class ArchivedMeetingScreen(Screen):
    """The post-mortem of the archived meeting in ``record`` (a meeting.json), read-only; Escape goes back."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="archived_back"),
        Binding("x", "export", "Export Markdown", id="archived_export"),
    ]

    def __init__(self, record: Path, source: str) -> None:
        super().__init__()
        self.record = record
        self.source = source
        self.meeting: Meeting | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Read-only, from archive {self.source}: {self.record}", id="archived-source", markup=False)
        with VerticalScroll(id="archived-scroll"):
            yield DocumentPreview(id="archived-document")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.title = "pmtui — archived post-mortem"
        self._load()

    @work(exclusive=True, group="archived")
    async def _load(self) -> None:
        try:
            self.meeting, _ = await asyncio.to_thread(read_archived, self.record.parent, self.record.name)
        except StoreError as exc:
            self.query_one("#archived-source", Static).update(f"⚠ {exc}")
            return
        self.sub_title = self.meeting.incident.title
        text = await asyncio.to_thread(render_postmortem, self.meeting)
        await self.query_one(DocumentPreview).show(text)
        self.query_one("#archived-scroll").focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_export(self) -> None:
        """Write the post-mortem and the minutes into the export dir, as the meeting screen's export does."""
        if self.meeting is not None:
            self._export(self.meeting)

    @work(thread=True, exit_on_error=False, group="archived-export")
    def _export(self, meeting: Meeting) -> None:
        folder = self.app.export_dir
        try:
            paths = write_markdown_exports(meeting, folder)
        except OSError as exc:
            self.app.call_from_thread(self.notify, f"cannot write the export to {folder}: {exc.strerror or exc}",
                                      severity="error", timeout=10)
            return
        self.app.call_from_thread(self.notify, "\n".join(map(str, paths)), title="Exported", timeout=10)
