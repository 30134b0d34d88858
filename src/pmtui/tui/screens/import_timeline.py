"""Import timeline…: pick a file (or a Slack export folder), see the events it holds, check the ones to add.

The reading, the window, the zone and the dedupe are :mod:`pmtui.sources.preview`'s; these screens show, filter
and hand the checked events to ``session.import_events`` (the room sends them to the note-takers).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import DirectoryTree, Input, Label, Select, SelectionList
from textual.widgets.selection_list import Selection
from textual.worker import get_current_worker

from ... import sources
from ...importer import without_duplicates
from ...session import MeetingSession
from ...sources.preview import Candidate, ImportPreview, mark_choices, meeting_request, preview_import
from ...timeparse import local

PROGRESS_EVERY = 0.1
"""Seconds between two repaints of the progress line while a file is read."""
FILTER_PAUSE = 0.15
"""Seconds of no typing before the filter shows its events: a list of thousands takes a few tenths to redo."""
EVERY_AUTHOR = Select.NULL
EVERY_MESSAGE = Select.NULL


class ImportFileDialog(ModalScreen[Path | None]):
    """Choose what to import: Enter on a file or on a Slack export folder (other folders open), or type a path."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="import_file_cancel")]

    def __init__(self, start: Path | None = None) -> None:
        super().__init__()
        self._start = Path(start or Path.cwd())

    def compose(self) -> ComposeResult:
        with Vertical(id="import-file-dialog", classes="dialog") as box:
            box.border_title = "Import timeline: choose a file"
            box.border_subtitle = "Enter picks · Tab: type a path · Esc cancels"
            yield Input(placeholder="a path: export.zip, pagerduty.json, logs.jsonl…", id="import-path")
            yield Label("", id="import-file-error", classes="dialog-error", markup=False)
            yield DirectoryTree(self._start, id="import-tree")

    def on_mount(self) -> None:
        self.query_one(DirectoryTree).focus()

    @on(DirectoryTree.FileSelected)
    def _file_chosen(self, message: DirectoryTree.FileSelected) -> None:
        self.dismiss(message.path)

    @on(DirectoryTree.DirectorySelected)
    def _folder_chosen(self, message: DirectoryTree.DirectorySelected) -> None:
        """A folder holding a Slack export is picked; any other one just opens (the tree does that)."""
        if _is_export(message.path):
            self.dismiss(message.path)

    @on(Input.Submitted, "#import-path")
    def _typed(self, message: Input.Submitted) -> None:
        typed = message.value.strip()
        if not typed:
            return
        path = (self._start / Path(typed).expanduser()).resolve()
        if path.is_file() or (path.is_dir() and _is_export(path)):
            self.dismiss(path)
            return
        what = "is a folder but not a Slack export" if path.is_dir() else "does not exist"
        error = self.query_one("#import-file-error", Label)
        error.update(f"{path}: {what}: choose a file, or a Slack export folder")
        error.add_class("-shown")

    def action_cancel(self) -> None:
        """Close without importing."""
        self.dismiss(None)


def _is_export(folder: Path) -> bool:
    """Whether a folder is something a source reads whole (a Slack export), by the sources' own detection."""
    try:
        return sources.detect(folder) != ""
    except (sources.SourceError, OSError):
        return False


class CandidateList(SelectionList[int]):
    """The events read, each with its checkbox: Space checks one, a all shown, n none shown, Enter imports."""

    BINDINGS = [
        Binding("enter", "screen.import_checked", "Import checked", id="import.import"),
        Binding("a", "screen.check(True)", "All", id="import.all"),
        Binding("n", "screen.check(False)", "None", id="import.none"),
    ]


class ImportPreviewDialog(ModalScreen[int | None]):
    """The events ``path`` holds for this meeting, read in a thread; dismisses with how many were imported."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="import_preview_cancel"),
        Binding("ctrl+f", "filter", "Filter", id="import.filter", show=False),
    ]

    def __init__(self, session: MeetingSession, path: Path) -> None:
        super().__init__()
        self.session = session
        self.path = Path(path)
        self.preview: ImportPreview | None = None
        self.checked: set[int] = set()
        self._read = (0, 0)  # (done, total) as the source reports it, from the reading thread
        self._window: tuple[datetime | None, datetime | None] = (None, None)
        self._prompts: list[Content] = []  # each candidate's line, made once (a filter shows them again and again)
        self._searchable: list[str] = []
        self._filter_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="import-preview-dialog", classes="dialog") as box:
            box.border_title = f"Import timeline: {self.path.name}"
            box.border_subtitle = "Space checks · a all · n none · Enter imports · Esc cancels"
            yield Label(f"Reading {self.path.name}…", id="import-status", markup=False)
            with Horizontal(id="import-filters"):
                yield Input(placeholder="filter: words in the events", id="import-filter")
                yield Select[str]([], prompt="every author", id="import-author", allow_blank=True)
                yield Select[str]([], prompt="every message", id="import-mark", allow_blank=True)
            yield CandidateList(id="import-events")

    def on_mount(self) -> None:
        self.query_one("#import-filters").display = False
        self.query_one(CandidateList).display = False
        self._progress_timer = self.set_interval(PROGRESS_EVERY, self._show_progress)
        session = self.session
        request = meeting_request(session.meeting, session.incident_date(), session.first_reference())
        self._window = (request.start, request.end)
        self._read_file(request)

    @work(thread=True, exclusive=True, group="import-read")
    def _read_file(self, request) -> None:
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            self._read = (done, total)

        try:
            result: ImportPreview | str = preview_import(self.path, self.session.meeting, request, progress)
        except sources.SourceError as exc:
            result = str(exc)
        except OSError as exc:
            result = f"{self.path}: cannot read it ({exc.strerror or exc}): check the file and its permissions"
        except Exception as exc:  # a reader's bug must not end the meeting: say it in the dialog instead
            result = (f"{self.path}: cannot be imported ({type(exc).__name__}: {exc}): a bug in pmtui's reader, "
                      "please report it with the kind of file")
        if not worker.is_cancelled:
            self.app.call_from_thread(self._read_done, result)

    def _show_progress(self) -> None:
        done, total = self._read
        if done:
            of = f" of {total:,}" if total else ""
            self._status(f"Reading {self.path.name}… {done:,}{of}")

    def _status(self, text: str, *, error: bool = False) -> None:
        label = self.query_one("#import-status", Label)
        label.update(text)
        label.set_class(error, "-error")

    def _read_done(self, result: ImportPreview | str) -> None:
        self._progress_timer.stop()
        if isinstance(result, str):
            self._status(result, error=True)
            self.query_one("#import-preview-dialog").border_subtitle = "Esc closes"
            return
        self.preview = result
        self.checked = set(range(len(result.candidates)))
        tz = self.session.meeting.incident.tz or "UTC"
        days = {local(c.event.time, tz).date() for c in result.candidates}
        time_format = "%b %d %H:%M:%S" if len(days) > 1 else "%H:%M:%S"  # the date only when they span days
        self._prompts = [_prompt(candidate, tz, time_format) for candidate in result.candidates]
        self._searchable = [_searchable(candidate) for candidate in result.candidates]
        authors = sorted({c.author for c in result.candidates if c.author}, key=str.casefold)
        self.query_one("#import-author", Select).set_options((name, name) for name in authors)
        marks = mark_choices(result.candidates)
        self.query_one("#import-mark", Select).set_options(marks)
        self.query_one("#import-mark").display = bool(marks)  # pinned messages and reactions: Slack has them
        self.query_one("#import-filters").display = True
        events = self.query_one(CandidateList)
        events.display = True
        self._show_candidates()
        events.focus()

    # --- the list ---------------------------------------------------------------------

    def shown(self) -> list[int]:
        """The candidates the filter, the author and the mark choices let through, by index."""
        if self.preview is None:
            return []
        words = self.query_one("#import-filter", Input).value.casefold().split()
        author = self.query_one("#import-author", Select).value
        mark = self.query_one("#import-mark", Select).value
        return [index for index, (candidate, text) in enumerate(zip(self.preview.candidates, self._searchable))
                if (author == EVERY_AUTHOR or candidate.author == author)
                and (mark == EVERY_MESSAGE or mark in candidate.marks) and all(word in text for word in words)]

    def _show_candidates(self) -> None:
        events = self.query_one(CandidateList)
        prompts, checked = self._prompts, self.checked
        with events.prevent(SelectionList.SelectedChanged):
            events.clear_options()
            events.add_options([Selection(prompts[i], i, i in checked) for i in self.shown()])
        events.highlighted = 0 if events.option_count else None
        self._summary()

    def _summary(self) -> None:
        preview = self.preview
        if preview is None:
            return
        found = len(preview.candidates)
        parts = [f"{found} new event{'s' if found != 1 else ''} from {preview.kind}"]
        if preview.duplicates:
            parts.append(f"{preview.duplicates} already in the timeline")
        if preview.skipped:
            parts.append(f"{preview.skipped} outside the window or noise")
        if not found and preview.skipped:
            parts.append(self._window_text())
        shown = self.query_one(CandidateList).option_count
        if shown != found:
            parts.append(f"{shown} shown")
        parts.append(f"{len(self.checked)} checked: Enter imports them" if self.checked else "none checked")
        self._status(" · ".join(parts))

    def _window_text(self) -> str:
        """Where the events were looked for: the incident's times set it (f6 edits them)."""
        tz = self.session.meeting.incident.tz or "UTC"
        start, end = (f"{local(moment, tz):%b %d %H:%M}" if moment else "…" for moment in self._window)
        return f"looked from {start} to {end}, around the incident's times (f6 edits them)"

    @on(SelectionList.SelectedChanged, "#import-events")
    def _toggled(self, message: SelectionList.SelectedChanged) -> None:
        events = self.query_one(CandidateList)
        shown = {events.get_option_at_index(i).value for i in range(events.option_count)}
        self.checked = (self.checked - shown) | set(events.selected)
        self._summary()

    @on(Input.Changed, "#import-filter")
    def _typed_filter(self) -> None:
        if self._filter_timer is None:
            self._filter_timer = self.set_timer(FILTER_PAUSE, self._filtered)
        else:
            self._filter_timer.reset()

    @on(Select.Changed, "#import-author")
    @on(Select.Changed, "#import-mark")
    def _filtered(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        self._show_candidates()

    @on(Input.Submitted, "#import-filter")
    def _filter_done(self) -> None:
        if self._filter_timer is not None:
            self._filtered()
        self.query_one(CandidateList).focus()

    def action_check(self, state: bool) -> None:
        """Check (or clear) every event shown.

        The checked set changes here, not when the list's message arrives: a filter that redraws the list in
        between (a pause in typing, an author chosen) would otherwise draw it from the set before the key.
        """
        events = self.query_one(CandidateList)
        shown = {events.get_option_at_index(i).value for i in range(events.option_count)}
        with events.prevent(SelectionList.SelectedChanged):
            events.select_all() if state else events.deselect_all()
        self.checked = self.checked | shown if state else self.checked - shown
        self._summary()

    def action_filter(self) -> None:
        """To the filter line."""
        self.query_one("#import-filter", Input).focus()

    def action_import_checked(self) -> None:
        """Add the checked events in one change (the timeline and the note-takers get them) and close."""
        if self.preview is None:
            return
        if not self.checked:
            self.notify("Nothing is checked: Space checks an event, a checks every one shown.", timeout=4)
            return
        chosen = [self.preview.candidates[i].event for i in sorted(self.checked)]
        new, _ = without_duplicates(self.session.meeting.events, chosen)  # a note-taker may have typed one meanwhile
        added = self.session.import_events(new) if new else 0
        self.dismiss(added)

    def action_cancel(self) -> None:
        """Close without importing (a file still being read is left)."""
        self.workers.cancel_group(self, "import-read")
        self.dismiss(None)


def _searchable(candidate: Candidate) -> str:
    event = candidate.event
    return " ".join((event.description, event.actor, event.evidence, event.source, candidate.author)).casefold()


def _prompt(candidate: Candidate, tz: str, time_format: str) -> Content:
    """One line: the time in the incident's zone, the source (dimmed), who, and what happened (never markup)."""
    event = candidate.event
    return Content.assemble((f"{local(event.time, tz):{time_format}} ", "bold"),
                            (f"{event.source} " if event.source else "", "dim"),
                            (f"{event.actor}: " if event.actor else "", "italic"),
                            event.description)
