"""The review phase: the post-mortem as it will be exported, and who publishes it when."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import assert_never

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.events import DescendantBlur, DescendantFocus
from textual.timer import Timer
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from ...agenda import Phase
from ...analysis import guidance
from ...changes import Change, Entity
from ...document import missing_sections, section_text
from ...entry_grammar import NoteEntry
from ...export.markdown import render_postmortem
from ...model import Meeting
from ...session import MeetingSession, ValidationError
from ...speakers import speakers_not_attending
from ..messages import ExportFinished
from ..widgets.document_preview import DocumentPreview
from ..widgets.guidance import GuidancePanel, QualityReport
from ..widgets.quick_entry import QuickEntry
from .base import PhaseView

RENDER_DELAY = 0.5
"""Seconds a change waits before the document is rendered again (changes in between join it)."""

_FIELDS = {
    "review-owner": ("document_owner", "Owner"),
    "review-published": ("publication_date", "Published"),
    "review-follow-up": ("follow_up_date", "Follow-up"),
}
_DATE_HINT = "YYYY-MM-DD, +2w"


class ReviewView(PhaseView):
    """The whole post-mortem rendered, the report's owner and dates, the export, and the guidance.

    The guidance (quality checklist, severity policy, blameless-language hints)
    sits under the document; when the screen is small it is a two-line summary
    until f8 brings it up in place of the document.
    """

    SHOWS = (NoteEntry,)

    BINDINGS = [
        Binding("pageup", "scroll_document(-1)", "Doc up", id="review.page_up", priority=True),
        Binding("pagedown", "scroll_document(1)", "Doc down", id="review.page_down", priority=True),
        Binding("f8", "guidance", "Guidance", id="review.guidance"),
        Binding("f4", "edit_section", "Write", id="review.edit_section"),
    ]

    def __init__(self, session: MeetingSession, phase: Phase, *, id: str | None = None) -> None:
        super().__init__(session, phase, id=id)
        self._dirty = True
        self._rendering = False
        self._timer: Timer | None = None
        self._stale = False  # a document was built while the preview was hidden, and not shown
        self.guidance = GuidancePanel(session, noun="blameless-language hint", always=True, id="review-findings")

    def compose_body(self) -> ComposeResult:
        with Grid(id="review-form"):
            for field_id, (name, label) in _FIELDS.items():
                yield Label(label, classes="review-label")
                placeholder = "who publishes it" if name == "document_owner" else _DATE_HINT
                yield Input(self._stored(name), placeholder=placeholder, compact=True, id=field_id)
        yield Label("", id="review-error", markup=False)
        with Horizontal(id="review-export-line"):
            yield Button("Export Markdown", id="review-export", compact=True)
            yield Label("ctrl+s also exports", id="review-export-hint")
        yield Label("", id="review-exported", markup=False)
        yield Label("", id="review-speakers", markup=False)
        yield Label("", id="review-sections-title", markup=False)
        with Vertical(id="review-main"):
            with VerticalScroll(id="review-scroll"):
                yield OptionList(id="review-sections", compact=True)  # scrolls away with the document
                yield DocumentPreview(id="review-document")
            with Vertical(id="review-guidance"):
                with VerticalScroll(id="review-quality"):
                    yield QualityReport(id="review-checklist")
                yield self.guidance
        yield QuickEntry("A note for this meeting (Enter keeps it)", "Lines are notes", id="review-entry",
                         prefixes=True)

    @on(QuickEntry.Submitted, "#review-entry")
    def _note_typed(self, message: QuickEntry.Submitted) -> None:
        self.attempt(message.entry, self.add_line, message.value)

    def on_mount(self) -> None:
        self._show_sections()

    def on_phase_shown(self) -> None:
        self.query_one("#review-owner", Input).focus()
        if self._dirty:
            self.refresh_document()

    # --- the document --------------------------------------------------------

    def on_session_change(self, change: Change) -> None:
        self.guidance.on_session_change(change)
        match change.entity:
            case Entity.CLOCK | Entity.PHASE:
                return  # the document shows neither
            case Entity.SECTION | Entity.INCIDENT | Entity.MEETING:
                self._show_sections()
            case Entity.REVIEW:
                for field_id, (name, _) in _FIELDS.items():
                    field = self.query_one(f"#{field_id}", Input)
                    if not (field.has_focus or field.has_class("-error")):
                        field.value = self._stored(name)
            case (Entity.ATTENDEE | Entity.EVENT | Entity.OBSERVATION | Entity.CHAIN | Entity.FACTOR | Entity.ACTION
                  | Entity.NOTE | Entity.RELATED | Entity.FINDING):
                pass
            case _:
                assert_never(change.entity)
        self._dirty = True
        if self.display and self._timer is None:
            self._timer = self.set_timer(RENDER_DELAY, self._render_due)

    def _render_due(self) -> None:
        self._timer = None
        if self.display and self._dirty:
            self.refresh_document()

    def refresh_document(self) -> None:
        """Render the document from the meeting now, off the event loop."""
        if self._rendering:
            self._dirty = True
            return
        self._dirty = False
        self._rendering = True
        self._build_document(self.session.snapshot(), self.session.today())

    @work(group="review-render", exit_on_error=False)
    async def _build_document(self, meeting: Meeting, today: date) -> None:
        try:
            text = await asyncio.to_thread(render_postmortem, meeting, today=today,
                                             agenda=self.session.agenda)
            report = await asyncio.to_thread(guidance.review, meeting, today)
            self._show_strangers(speakers_not_attending(meeting))
            self.query_one(QualityReport).show(report)
            self.guidance.show(report.findings, report.dismissed)
            if self._preview_shown():
                self._stale = False
                await self.query_one(DocumentPreview).show(text)
            else:
                self._stale = True
        finally:
            self._rendering = False
        if self._dirty and self.display:
            self.refresh_document()

    def _show_strangers(self, names: list[str]) -> None:
        """Name the speakers no attendee is called (an @name that matched nobody, or matched several)."""
        label = self.query_one("#review-speakers", Label)
        label.update(f"⚠ Not an attendee: {', '.join(names)} (an @name that matched nobody); add them on f7 and "
                     "their entries follow" if names else "")
        label.set_class(bool(names), "-shown")

    def _preview_shown(self) -> bool:
        """The document is on screen: the review is the phase shown and the guidance is not up in its place."""
        return self.display and self.query_one("#review-scroll", VerticalScroll).display

    def _show_if_stale(self) -> None:
        """The preview is back on screen: show what changed while it was hidden."""
        if self._stale and self._preview_shown():
            self._stale = False
            self.refresh_document()

    @property
    def document_text(self) -> str:
        """The Markdown the document area shows."""
        return self.query_one(DocumentPreview).text

    def action_scroll_document(self, pages: int) -> None:
        """Scroll the document (the guidance, while it is up) a page up (-1) or down (1)."""
        shown = "#review-quality" if self.has_class("-guidance") else "#review-scroll"
        scroll = self.query_one(shown, VerticalScroll)
        if pages < 0:
            scroll.scroll_page_up()
        else:
            scroll.scroll_page_down()

    # --- the narrative sections ------------------------------------------------

    def _show_sections(self) -> None:
        """List the document's sections, the required ones still empty marked "to write" and named above."""
        meeting = self.session.meeting
        missing = missing_sections(meeting, self.session.agenda)
        todo = {s.id for s in missing}
        title = f"Sections · {len(missing)} to write: {', '.join(s.title for s in missing)}" if missing \
            else "Sections · every required one is written"
        title += " · f4 writes one"
        self.query_one("#review-sections-title", Label).update(title)
        options = self.query_one("#review-sections", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for section in self.session.sections:
            mark = "✎ to write" if section.id in todo else "✓ written " if section_text(meeting, section.id).strip() \
                else "  optional"
            options.add_option(Option(f"{mark}  {section.title}", id=section.id))
        options.highlighted = highlighted

    @on(OptionList.OptionSelected, "#review-sections")
    def _section_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.edit_section(event.option.id)

    def action_edit_section(self) -> None:
        """Pick a section of the document to write (the first still to write is highlighted)."""
        from ..screens.section_editor import pick_section

        pick_section(self.screen, self.session)

    def edit_section(self, section_id: str) -> None:
        """Open the Markdown editor on a section of the document."""
        from ..screens.section_editor import SectionEditor

        self.app.push_screen(SectionEditor(self.session, section_id))

    # --- guidance ------------------------------------------------------------

    def action_guidance(self) -> None:
        """Bring up the checklist and the hints, the keyboard on the hints (Escape goes back)."""
        self.guidance.open()

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        self._follow_focus()

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        self.call_after_refresh(self._follow_focus)

    def _follow_focus(self) -> None:
        """While the guidance has the keyboard it is up (in place of the document when small)."""
        self.set_class(self.query_one("#review-guidance", Vertical).has_focus_within, "-guidance")
        if self._stale:
            self.call_after_refresh(self._show_if_stale)  # once the class has shown or hidden the document

    # --- owner and dates -----------------------------------------------------

    def _stored(self, name: str) -> str:
        value = getattr(self.session.meeting, name)
        return value.isoformat() if isinstance(value, date) else (value or "")

    def _save(self, field: Input) -> None:
        """Send a field to the session if it changed; a refusal is shown under the form."""
        name, label = _FIELDS[field.id]
        if field.value.strip() == self._stored(name):
            return
        try:
            self.session.set_review(**{name: field.value})
        except ValidationError as exc:
            field.add_class("-error")
            self.query_one("#review-error", Label).update(f"✗ {label}: {exc}")
            self._update_error_line()
            return
        field.value = self._stored(name)

    def _update_error_line(self) -> None:
        self.query_one("#review-error", Label).set_class(bool(self.query("#review-form Input.-error")), "-shown")

    @on(Input.Submitted, "#review-form Input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._save(event.input)

    @on(Input.Blurred, "#review-form Input")
    def _blurred(self, event: Input.Blurred) -> None:
        self._save(event.input)

    @on(Input.Changed, "#review-form Input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        event.input.remove_class("-error")
        self._update_error_line()

    # --- export --------------------------------------------------------------

    @on(Button.Pressed, "#review-export")
    def _export(self, event: Button.Pressed) -> None:
        event.stop()
        self.query_one("#review-export-hint", Label).update("Exporting…")
        self.app.export_markdown()

    def on_export_finished(self, message: ExportFinished) -> None:
        """Show where the export went (or why it failed), until the next one."""
        self.query_one("#review-export-hint", Label).update("ctrl+s also exports")
        label = self.query_one("#review-exported", Label)
        label.set_class(bool(message.error), "-error")
        label.add_class("-shown")
        if message.error:
            label.update(f"✗ {message.error}")
            return
        folders = {str(Path(p).parent) for p in message.paths}
        if len(folders) == 1:
            names = "".join(f"\n  {Path(p).name}" for p in message.paths)
            label.update(f"✓ Exported to {folders.pop()}{names}")
        else:
            label.update("✓ Exported " + "".join(f"\n  {p}" for p in message.paths))
