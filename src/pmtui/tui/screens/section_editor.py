"""The Markdown editor of one narrative section of the post-mortem document.

The text is saved as it is typed, like a phase's notes (views/notes.py): every
change goes to ``session.set_section`` at once, so a ``kill -9`` loses at most
the keystroke in flight. The preview renders the section as Markdown with raw
HTML shown as text, as the export does (``widgets/document_preview.py``), one
widget per top-level block.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Label, Static, TextArea
from textual.widgets.text_area import LanguageDoesNotExist

from ...agenda import DocumentSection
from ...changes import Change, Entity
from ...document import missing_sections, section_text
from ...export.narrative import document_parser
from ...session import MeetingSession, ValidationError
from ..messages import SaveStatusChanged
from ..widgets.document_preview import DocumentPreview
from ..widgets.footer import FittingFooter

SIDE_BY_SIDE_WIDTH = 120
"""From this width the preview sits beside the text (and is shown from the start); narrower, it takes its place."""
PREVIEW_DELAY = 0.5
"""Seconds of no typing before the preview renders again (each key typed meanwhile starts the wait again)."""
_PARSER = document_parser()


def _text_area(text: str) -> TextArea:
    """A soft-wrapping TextArea highlighting Markdown, or plain text where tree-sitter's Markdown is not installed."""
    try:
        return TextArea(text, language="markdown", soft_wrap=True, id="section-text")
    except LanguageDoesNotExist:
        return TextArea(text, soft_wrap=True, id="section-text")


def pick_section(screen: Screen, session: MeetingSession) -> None:
    """Pick a section of the document (the first still to write highlighted), then open the editor on it."""
    from .why_dialogs import PickDialog

    meeting = session.meeting
    missing = missing_sections(meeting, session.agenda)
    todo = {s.id for s in missing}
    choices = [(s.id, f"{s.title} · to write" if s.id in todo else
                s.title if section_text(meeting, s.id).strip() else f"{s.title} · empty") for s in session.sections]

    def chosen(section_id: str | None) -> None:
        if section_id is not None:
            screen.app.push_screen(SectionEditor(session, section_id))

    screen.app.push_screen(PickDialog("Edit section", choices, current=missing[0].id if missing else None,
                                      subtitle="The document's narrative, in Markdown; saved as you type."), chosen)


def split_blocks(text: str) -> list[str]:
    """``text`` cut before each of its top-level Markdown blocks (whole when it defines link references).

    Each piece renders alone as it does inside the whole, so the preview draws again only the blocks a key
    changed (Rich draws an 8,800-character section in ~50 ms, a stall each time typing pauses). A reference
    definition (``[x]: url``) serves links in other blocks, so such a text is not cut.
    """
    env: dict = {}
    tokens = _PARSER.parse(text, env)
    if env.get("references"):
        return [text]
    starts = sorted({t.map[0] for t in tokens if t.level == 0 and t.map and t.map[0] > 0})
    lines = text.splitlines(keepends=True)
    return ["".join(lines[a:b]) for a, b in zip([0, *starts], [*starts, len(lines)], strict=True)]


def _apply(area: TextArea, attempt: events.Key | events.Paste) -> None:
    """Do to ``area`` what the key or paste ``attempt`` would have done (its own handlers, or its key's action)."""
    if isinstance(attempt, events.Paste):
        area.post_message(events.Paste(attempt.text))
    elif attempt.key == "backspace":
        area.action_delete_left()
    elif attempt.key == "delete":
        area.action_delete_right()
    elif attempt.key == "ctrl+v":
        area.action_paste()
    else:  # a printable key or enter, which the TextArea's key handler inserts
        area.post_message(events.Key(attempt.key, attempt.character))


class SectionEditor(Screen[None]):
    """Edit the narrative section ``section_id`` of the session's document; Escape closes."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="section.close"),
        Binding("f2", "toggle_preview", "Preview", id="section.preview"),
        Binding("ctrl+n", "switch(1)", "Next section", id="section.next"),
        Binding("ctrl+b", "switch(-1)", "Previous", id="section.previous"),
    ]

    AUTO_FOCUS = "#section-text"
    PASTE_FIELD = "section"
    """A paste may be as long as a section holds (the app's check of pastes reads this)."""

    def __init__(self, session: MeetingSession, section_id: str) -> None:
        super().__init__()
        self.session = session
        self.sections: tuple[DocumentSection, ...] = session.sections
        self.index = self.sections.index(session.section(section_id))
        self.preview_shown: bool | None = None  # None until the first size is known
        self._allowed = session.meeting.status != "published" or session.published_change_agreed
        self._asked = False
        self._timer: Timer | None = None
        self._rendering = False
        self._stale = False  # the text changed while the preview was being rendered
        self._error = ""
        self._save_text = ""
        self._shown: tuple | None = None
        self._unsubscribe = None

    @property
    def section(self) -> DocumentSection:
        """The section being edited."""
        return self.sections[self.index]

    @property
    def text(self) -> str:
        """What the section holds, as the document shows it (the summary falls back to the incident's)."""
        return section_text(self.session.meeting, self.section.id)

    def compose(self) -> ComposeResult:
        with Horizontal(id="section-topbar"):
            yield Label("", id="section-title")
            yield Label("", id="section-save-status", markup=False)
        yield Static("", id="section-prompt", markup=False)
        yield Label("", id="section-error", markup=False)
        with Horizontal(id="section-body"):
            area = _text_area(self.text)
            area.read_only = not self._allowed
            yield area
            with VerticalScroll(id="section-preview-scroll"):
                yield DocumentPreview(id="section-preview", split=split_blocks)
        yield FittingFooter()

    def on_mount(self) -> None:
        self._unsubscribe = self.session.subscribe(self._session_changed)
        area = self.query_one("#section-text", TextArea)
        area.move_cursor(area.document.end)  # writing goes on where the text ends
        self._show_section()

    def on_unmount(self) -> None:
        if self._unsubscribe:
            self._unsubscribe()

    def on_resize(self) -> None:
        wide = self.app.size.width >= SIDE_BY_SIDE_WIDTH
        self.set_class(wide, "-wide")
        if self.preview_shown is None:
            self._set_preview(wide)

    # --- showing -------------------------------------------------------------

    def _show_section(self) -> None:
        """The section's title, place and state above the text (drawn again only when one of them changed)."""
        section, status = self.section, self.session.meeting.status
        shown = (self.index, bool(self.text.strip()), status)
        if shown == self._shown:
            return
        self._shown = shown
        title = Text()
        title.append(f" {section.title} ", style="bold reverse")
        title.append(f"  section {self.index + 1} of {len(self.sections)}")
        if section.required:
            title.append("  · required" if self.text.strip() else "  · required, to write", style="bold")
        if status == "published":
            title.append("  · published: a change is dated", style="italic")
        self.query_one("#section-title", Label).update(title)
        self.query_one("#section-prompt", Static).update(section.prompt)
        self.query_one("#section-prompt", Static).set_class(bool(section.prompt), "-shown")

    def _set_preview(self, shown: bool) -> None:
        self.preview_shown = shown
        self.set_class(shown, "-preview")
        if shown:
            self._render_preview()
        if not shown or self.has_class("-wide"):
            self.query_one("#section-text", TextArea).focus()
        else:
            self.query_one("#section-preview-scroll", VerticalScroll).focus()

    def _render_preview(self) -> None:
        """Show the text in the preview (while one render runs, the next waits for it)."""
        self._timer = None
        if not self.preview_shown:
            return
        if self._rendering:
            self._stale = True
            return
        self._rendering = True
        self._stale = False
        self._show_preview(self.query_one("#section-text", TextArea).text)

    @work(group="section-preview")
    async def _show_preview(self, text: str) -> None:
        try:
            await self.query_one("#section-preview", DocumentPreview).show(text)
        finally:
            self._rendering = False
        if self._stale:
            self._render_preview()

    def _show_error(self, message: str) -> None:
        if message == self._error:  # called on every key: an unchanged label is not drawn again
            return
        self._error = message
        label = self.query_one("#section-error", Label)
        label.update(f"✗ {message}" if message else "")
        label.set_class(bool(message), "-shown")

    # --- saving as typed -----------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        text = event.text_area.text
        if self.preview_shown:
            if self._timer is None:
                self._timer = self.set_timer(PREVIEW_DELAY, self._render_preview)
            else:
                self._timer.reset()  # a long preview's layout costs more than a key: rendered once typing pauses
        try:
            if text != self.text:
                self.session.set_section(self.section.id, text)
        except ValidationError as exc:
            self._show_error(f"not saved: {exc}")
            return
        self._show_error("")

    def on_key(self, event: events.Key) -> None:
        """The first key typed into a published document asks before anything changes (until a yes)."""
        if event.is_printable or event.key in ("enter", "backspace", "delete", "ctrl+v"):
            self._edit_attempted(event)

    def on_paste(self, event: events.Paste) -> None:
        """A paste into a published document asks too (the read-only text lets it through to here)."""
        self._edit_attempted(event)

    def _edit_attempted(self, event: events.Event) -> None:
        if self._allowed or self._asked or not self.query_one("#section-text", TextArea).has_focus:
            return
        event.stop()
        event.prevent_default()
        self.ask_to_edit(event)

    def ask_to_edit(self, attempt: events.Key | events.Paste | None = None) -> None:
        """Ask whether to change a published document; yes makes the text editable for the rest of the session.

        ``attempt``, the key or paste that asked, is applied on yes: what the user typed is not lost to the question.
        """
        from .dialogs import ConfirmDialog

        self._asked = True
        day = self.session.today().isoformat()

        def answered(yes: bool | None) -> None:
            self._asked = bool(yes)
            if yes:
                self._allowed = self.session.published_change_agreed = True
                area = self.query_one("#section-text", TextArea)
                area.read_only = False
                area.focus()
                if attempt is not None:
                    _apply(area, attempt)

        question = f"This document is published. Change it? The change is dated \u201cUpdated after publication: " \
                   f"{day}\u201d."
        self.app.push_screen(ConfirmDialog(question, title="Edit published document"), answered)

    def _session_changed(self, change: Change) -> None:
        """The header follows the text (written or still to write) and the meeting's status.

        The text itself is not set from the session: this screen is the only writer of a section while it
        is open, and a summary emptied here reads as the incident's summary again, which must not come back
        into the text being typed.
        """
        if change.entity in (Entity.SECTION, Entity.MEETING, Entity.INCIDENT):
            self._show_section()

    def on_save_status_changed(self, message: SaveStatusChanged) -> None:
        """The editor alone on screen (``pmtui edit``) says whether what was typed is on disk."""
        text = "✓ saved" if message.status.ok else f"⚠ {message.status.message}"
        if text == self._save_text:  # this comes after every key's save: an unchanged label costs a layout
            return
        self._save_text = text
        label = self.query_one("#section-save-status", Label)
        label.update(text)
        label.set_class(not message.status.ok, "-error")

    # --- actions -------------------------------------------------------------

    def action_toggle_preview(self) -> None:
        """Show or hide the rendered preview (beside the text when wide, in its place when not)."""
        self._set_preview(not self.preview_shown)

    def action_switch(self, step: int) -> None:
        """Edit the next (1) or previous (-1) section of the document."""
        index = self.index + step
        if not 0 <= index < len(self.sections):
            self.notify("This is the last section." if step > 0 else "This is the first section.", timeout=3)
            return
        self.index = index
        area = self.query_one("#section-text", TextArea)
        area.load_text(self.text)
        area.move_cursor(area.document.end)
        self._show_error("")
        self._show_section()
        self._render_preview()

    def action_close(self) -> None:
        """Back to where the editor was opened from (or out of ``pmtui edit``)."""
        self.dismiss(None)
