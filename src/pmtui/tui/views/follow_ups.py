"""The follow-ups phase: open action items of earlier post-mortems, reviewed and closed."""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import Static

from ...agenda import Phase
from ...changes import Change, Entity
from ...entry_grammar import NoteEntry
from ...library import load_library
from ...session import MeetingSession
from ...store import StoreError
from ...tracking import TRACKING_PARTS, TrackedAction, follow_up_items, restore_status, shares_service, write_status
from ..screens.actions_board import WRITE_ERRORS, action_cells, action_detail, action_key
from ..screens.dialogs import ConfirmDialog
from ..widgets.event_table import (
    Column,
    add_fitted_columns,
    fill_a_third,
    fit_widths,
    natural_widths,
    pane_room,
    shown_cells,
)
from ..widgets.list_table import ListTable
from ..widgets.quick_entry import QuickEntry
from .base import PhaseView

_HINT = "Lines are notes · ↓ items · Enter: close/reopen, asks"
COLUMNS = (  # fitted to the pane like the timeline's (see event_table.fit_widths); what hides is in the detail
    Column("Same service", "service", max_width=14, min_width=12, drop=5),  # hidden when no item shares one
    Column("Priority", "priority", width=8),
    Column("Due", "due", width=10),
    Column("Late", "overdue", width=5),
    Column("Owner", "owner", max_width=16, min_width=10, drop=1),
    Column("Action", "action", fill=True, min_width=24),  # and at least a third of the pane, see _layout
    Column("Meeting", "meeting", max_width=30, min_width=14, drop=3),
)
"""The table's columns, in the order of :meth:`FollowUpsView._cells` (``action_cells`` after the service)."""


class FollowUpsView(PhaseView):
    """Open items of earlier meetings, those about the same services first, and this phase's notes.

    Typing goes to the entry line, as in every phase: a line is a note of this
    meeting, never a command. Changing an item of an *earlier* meeting takes
    Enter on its row in the table, then a yes; the change is named as one to
    that meeting and ctrl+z puts it back. The list is read when the phase is
    shown (and with r on the table); items closed here stay listed, ticked,
    until the next reading. Changes go to the other meetings' files through
    their own MeetingSession, one at a time, off the event loop.
    """

    SHOWS = (NoteEntry,)

    BINDINGS = [
        Binding("down", "focus_table", "Items", id="follow_ups.focus_table", show=False),
        Binding("escape", "focus_entry", "Note", id="follow_ups.focus_entry"),
        Binding("enter", "toggle_done", "Close/reopen…", id="follow_ups.toggle_done"),
        Binding("r", "reload", "Reload", id="follow_ups.reload"),
        Binding("ctrl+z", "undo", "Undo", id="follow_ups.undo"),
    ]

    def __init__(self, session: MeetingSession, phase: Phase, *, id: str | None = None) -> None:
        super().__init__(session, phase, id=id)
        self.items: dict[str, TrackedAction] = {}
        """The items listed, by row key."""
        self.skipped = 0
        """How many files in the data dir are not readable meetings."""
        self.undo_stack: list[TrackedAction] = []
        """Each item changed here as it was before, the latest last."""
        self._writes = asyncio.Lock()
        self._widths: list[int] = []
        """Each column's width as shown (0: hidden to fit the pane), in COLUMNS order."""

    def compose_body(self) -> ComposeResult:
        yield QuickEntry("A note for this meeting (Enter keeps it)", _HINT, id="follow-up-entry", prefixes=True)
        yield Static("", id="follow-up-notes", markup=False)
        yield Static("Reading earlier meetings…", id="follow-up-summary", markup=False)
        yield ListTable(id="follow-up-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="follow-up-detail")

    def on_mount(self) -> None:
        self._show_notes()
        self._fit_columns()

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_columns)  # once the table has its new size

    # --- fitting the pane ------------------------------------------------------

    def _layout(self) -> list[int]:
        """Each column's width in the pane (0: hidden); the action gets at least a third of it, and the
        service column shows only when an item shares a service with this meeting."""
        room = pane_room(self._table, self)
        rows = [self._cells(action) for action in self.items.values()]
        natural = natural_widths(COLUMNS, rows)
        columns = fill_a_third(COLUMNS, room)
        if any(row[0] for row in rows):
            return fit_widths(columns, natural, room)
        return [0, *fit_widths(columns[1:], natural[1:], room)]  # no item shares a service: no column for it

    def _fit_columns(self) -> None:
        """Redo the columns when their widths must change (the cursor stays)."""
        if not self.is_mounted:
            return
        widths = self._layout()
        if widths == self._widths:
            return
        self._widths = widths
        table = self._table
        row = table.cursor_row
        table.clear(columns=True)
        shared = any(cells[0] for cells in map(self._cells, self.items.values()))
        hidden = [column.label for column, width in zip(COLUMNS, widths) if not width and (shared or column.fill)]
        add_fitted_columns(table, COLUMNS, widths, hidden)
        for key, action in self.items.items():
            table.add_row(*shown_cells(self._cells(action), widths), key=key)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))

    def on_phase_shown(self) -> None:
        super().on_phase_shown()
        self._load()

    @property
    def _table(self) -> ListTable:
        return self.query_one("#follow-up-table", ListTable)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_table":
            return self._table.row_count > 0 and not self._table.has_focus
        if action in ("focus_entry", "toggle_done", "reload"):
            return self._table.has_focus
        if action == "undo":
            return bool(self.undo_stack)
        return True

    def action_focus_table(self) -> None:
        """From the entry line to the items."""
        self._table.focus()

    def action_focus_entry(self) -> None:
        """Back to typing notes."""
        self.query_one(QuickEntry).focus_input()

    # --- notes -----------------------------------------------------------------

    @on(QuickEntry.Submitted)
    def _submitted(self, event: QuickEntry.Submitted) -> None:
        event.stop()
        self.attempt(event.entry, self.add_line, event.value)

    def on_session_change(self, change: Change) -> None:
        if change.entity is Entity.NOTE and change.id == self.phase.id:
            self._show_notes()

    def _show_notes(self) -> None:
        notes = self.session.meeting.notes.get(self.phase.id, "").strip()
        widget = self.query_one("#follow-up-notes", Static)
        widget.update("Notes: " + notes.replace("\n", " · ") if notes else "")
        widget.display = bool(notes)

    # --- reading ---------------------------------------------------------------

    def action_reload(self) -> None:
        """Read the earlier meetings again."""
        self._load()

    @work(exclusive=True, group="follow-ups-load")
    async def _load(self) -> None:
        try:
            library = await asyncio.to_thread(load_library, self.app.data_dir, TRACKING_PARTS)
        except StoreError as exc:
            self.query_one("#follow-up-summary", Static).update(f"⚠ {exc}")
            return
        items = follow_up_items(library, self.session.meeting)
        self.skipped = len(library.errors)
        self.items = {action_key(a): a for a in items}
        self._widths = []  # the rows again, in columns fitted to them
        self._fit_columns()
        self._summarize()
        self._show_detail()

    @property
    def _services(self) -> set[str]:
        """The services of this meeting's incident, casefolded."""
        return {s.casefold() for s in self.session.meeting.incident.services}

    def _cells(self, action: TrackedAction) -> tuple[Text, ...]:
        """The item's cells in COLUMNS order; a cell cut to its column ends in an ellipsis."""
        shared = [s for s in action.meeting.incident.services if s.casefold() in self._services]
        cells = (Text(", ".join(shared), style="bold"), *action_cells(action, self.session.today()))
        cells = tuple(cell if isinstance(cell, Text) else Text(cell) for cell in cells)
        for cell in cells:
            cell.overflow = "ellipsis"
        return cells

    def _summarize(self) -> None:
        items = list(self.items.values())
        today = self.session.today()
        still_open = [a for a in items if a.item.status == "open"]
        late = sum(1 for a in still_open if a.overdue_days(today))
        same = sum(1 for a in still_open if shares_service(a.meeting, self._services))
        closed = len(items) - len(still_open)
        if not items:
            text = "No open action items in earlier meetings: nothing to follow up."
        else:
            text = (f"{len(still_open)} open item{'' if len(still_open) == 1 else 's'} from earlier meetings · "
                    f"{late} overdue · {same} about the same services" + (f" · {closed} closed now" if closed else ""))
        if self.skipped:
            text += f" · ⚠ {self.skipped} unreadable file(s) skipped: see pmtui list"
        self.query_one("#follow-up-summary", Static).update(text)

    def _selected(self) -> TrackedAction | None:
        table = self._table
        if not table.row_count:
            return None
        return self.items.get(table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value)

    def _show_detail(self) -> None:
        action = self._selected()
        detail = self.query_one("#follow-up-detail", Static)
        detail.update(action_detail(action, self.session.today()) if action else "")

    @on(ListTable.RowHighlighted)
    def _highlighted(self, event: ListTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(ListTable.RowSelected)
    def _row_selected(self, event: ListTable.RowSelected) -> None:
        event.stop()
        self.action_toggle_done()

    # --- changing an earlier meeting ------------------------------------------------

    def action_toggle_done(self) -> None:
        """Ask, then close the highlighted item in its own meeting (or reopen one closed)."""
        action = self._selected()
        if action is None:
            return
        status = "open" if action.item.status == "done" else "done"
        verb = "Close" if status == "done" else "Reopen"
        meeting = action.meeting
        question = f"{verb} “{action.item.description}” in meeting {meeting.id} ({meeting.incident.title})?"
        detail = f"Meeting {meeting.id}'s file changes; ctrl+z here undoes it."

        def answered(yes: bool | None) -> None:
            if yes:
                self._change(action, status)

        self.app.push_screen(ConfirmDialog(question, title=f"{verb} in meeting {meeting.id}?", detail=detail),
                             answered)

    def action_undo(self) -> None:
        """Put back the last item changed here, in its own meeting."""
        if self.undo_stack:
            self._undo(self.undo_stack.pop())

    @work(group="follow-ups-write")
    async def _change(self, action: TrackedAction, status: str) -> None:
        meeting = self.session.meeting
        note = f"closed in the follow-up review of {meeting.id} ({meeting.incident.title})" if status == "done" else ""
        written = await self._write(write_status, action, status, note)
        if written is not None:
            self.undo_stack.append(action)
            what = "Closed" if status == "done" else "Reopened"
            self.notify(f"{what} in meeting {action.meeting.id} ({action.meeting.incident.title}): "
                        f"{action.item.description} · ctrl+z undoes", timeout=6)

    @work(group="follow-ups-write")
    async def _undo(self, before: TrackedAction) -> None:
        if await self._write(restore_status, before) is None:
            self.undo_stack.append(before)
            return
        self.notify(f"Undone in meeting {before.meeting.id} ({before.meeting.incident.title}): "
                    f"{before.item.description} is {before.item.status} again", timeout=6)

    async def _write(self, write, action: TrackedAction, *args) -> TrackedAction | None:
        """Run ``write`` on a thread, one at a time; show the item as written, or the refusal in one line."""
        async with self._writes:
            try:
                written = await asyncio.to_thread(write, self.app.data_dir, action, *args)
            except WRITE_ERRORS as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return None
        key = action_key(written)
        self.items[key] = written
        if key in self._table.rows:
            for column, width, cell in zip(COLUMNS, self._widths, self._cells(written), strict=True):
                if width:
                    self._table.update_cell(key, column.key, cell)
        self._summarize()
        self._show_detail()
        return written
