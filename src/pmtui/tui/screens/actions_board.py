"""The action items board: items of every meeting, filtered, closed and reopened."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from ...agenda import AgendaError
from ...library import Library, load_library
from ...session import ValidationError
from ...store import StoreError
from ...tracking import (
    FILTERS,
    TRACKING_PARTS,
    Completion,
    CompletionFigures,
    TrackedAction,
    completion_figures,
    every_action,
    select,
    write_status,
)
from ..widgets.footer import FittingFooter
from ..widgets.list_table import ListTable

WRITE_ERRORS = (StoreError, ValidationError, AgendaError)
"""What writing an item's status can refuse with, in one line."""

ACTION_COLUMNS = (
    ("priority", "Priority", 8),
    ("due", "Due", 10),
    ("overdue", "Late", 5),
    ("owner", "Owner", 14),
    ("action", "Action", 36),
    ("meeting", "Meeting", 30),
)
_PRIORITY_STYLES = {"critical": "bold red", "high": "bold yellow", "medium": "", "low": "dim"}
_FILTER_LABELS = {"open": "Open", "overdue": "Overdue", "all": "All"}


def action_key(action: TrackedAction) -> str:
    """The table row key of an item: its meeting id and its own id."""
    return f"{action.meeting.id}/{action.item.id}"


def action_cells(action: TrackedAction, today: date) -> tuple:
    """The cells of an item's row, in :data:`ACTION_COLUMNS` order."""
    item = action.item
    done = item.status == "done"
    late = action.overdue_days(today)
    return (
        Text(item.priority, style=_PRIORITY_STYLES.get(item.priority, "")),
        item.due.isoformat() if item.due else "—",
        Text(f"{late}d", style="bold red") if late else "",
        Text(item.owner) if item.owner else Text("unassigned", style="italic yellow"),
        Text(("✓ " if done else "") + item.description, style="strike dim" if done else ""),
        Text(f"{action.meeting.id} {action.meeting.incident.title}"),
    )


def action_detail(action: TrackedAction, today: date) -> Text:
    """The highlighted item spelled out in full, for below a table."""
    item, meeting = action.item, action.meeting
    text = Text()
    text.append(item.description, style="bold")
    due = item.due.isoformat() if item.due else "no due date"
    late = action.overdue_days(today)
    text.append(f"\n{item.owner or 'unassigned'} · {item.priority} · due {due}")
    if late:
        text.append(f" · {late} days overdue", style="bold red")
    status = item.status
    if item.status_changed:
        status += f" since {item.status_changed.date().isoformat()}"
    text.append(f" · {status}" + (f" — {item.status_note}" if item.status_note else ""))
    if item.success_criteria:
        text.append(f"\nDone when: {item.success_criteria}")
    text.append(f"\nFrom {meeting.id}: {meeting.incident.title} ({meeting.incident.severity})", style="dim")
    return text


def figures_text(figures: CompletionFigures) -> Text:
    """Completion figures on two lines: the totals, then per priority."""
    total = figures.total
    text = Text()
    text.append(f"Last {(figures.today - figures.start).days + 1} days: ", style="bold")
    text.append(_share(total))
    if total.mean_days_to_close is not None:
        text.append(f" · {total.mean_days_to_close:.1f} days to close on average")
    text.append(f" · {total.overdue} overdue now", style="bold red" if total.overdue else "")
    text.append("\n" + "  ".join(f"{p}: {_share(c)}" for p, c in figures.by_priority.items()), style="dim")
    return text


def _share(c: Completion) -> str:
    return f"{c.done}/{c.counted} done" + (f" ({c.rate:.0%})" if c.rate is not None else "")


class ActionsBoardScreen(Screen):
    """Every meeting's action items: 1/2/3 show open/overdue/all, d closes, o reopens."""

    TITLE = "pmtui — action items"
    BINDINGS = [
        Binding("1", "show('open')", "Open", id="board.open"),
        Binding("2", "show('overdue')", "Overdue", id="board.overdue"),
        Binding("3", "show('all')", "All", id="board.all"),
        Binding("d", "set_status('done')", "Done", id="board.done"),
        Binding("o", "set_status('open')", "Reopen", id="board.reopen"),
        Binding("r", "reload", "Reload", id="board.reload"),
        Binding("escape", "back", "Back", id="board.back"),
    ]

    def __init__(self, data_dir: Path, *, today: Callable[[], date] = date.today) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.today = today
        self.which = "open"
        self.library = Library()
        self.shown: dict[str, TrackedAction] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="board-filter")
        yield ListTable(id="board-table", cursor_type="row", zebra_stripes=True)
        yield Static("Reading meetings…", id="board-detail", markup=False)
        yield Static("", id="board-figures", markup=False)
        yield Static("", id="board-errors", markup=False)
        yield FittingFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label, width in ACTION_COLUMNS:
            table.add_column(label, width=width, key=key)
        self.action_reload()

    # --- loading and showing ------------------------------------------------

    def action_reload(self) -> None:
        """Read every meeting again."""
        self._load()

    @work(exclusive=True, group="board-load")
    async def _load(self) -> None:
        try:
            self.library = await asyncio.to_thread(load_library, self.data_dir, TRACKING_PARTS)
        except StoreError as exc:
            self.library = Library(errors=[exc])
        self._show()

    def action_show(self, which: str) -> None:
        """Show the open, overdue or all items."""
        self.which = which
        self._show()

    def _show(self) -> None:
        today = self.today()
        everything = every_action(self.library)
        table = self.query_one(DataTable)
        current = self._selected()
        table.clear()
        self.shown = {action_key(a): a for a in select(everything, self.which, today)}
        for key, action in self.shown.items():
            table.add_row(*action_cells(action, today), key=key)
        if current is not None and action_key(current) in self.shown:
            table.move_cursor(row=table.get_row_index(action_key(current)))
        counts = {which: len(select(everything, which, today)) for which in FILTERS}
        self.sub_title = " · ".join(f"{counts[w]} {w}" for w in FILTERS)
        self.query_one("#board-filter", Static).update(self._filter_line(counts))
        self.query_one("#board-figures", Static).update(figures_text(completion_figures(everything, today)))
        errors = self.query_one("#board-errors", Static)
        errors.update("\n".join(f"⚠ skipped: {error}" for error in self.library.errors))
        errors.display = bool(self.library.errors)
        self._show_detail()
        table.focus()

    def _filter_line(self, counts: dict[str, int]) -> Text:
        line = Text()
        for number, which in enumerate(FILTERS, 1):
            label = f" {number} {_FILTER_LABELS[which]} ({counts[which]}) "
            line.append(label, style="bold reverse" if which == self.which else "")
            line.append(" ")
        return line

    def _show_detail(self) -> None:
        detail = self.query_one("#board-detail", Static)
        action = self._selected()
        if action is not None:
            detail.update(action_detail(action, self.today()))
        elif not self.library.meetings:
            detail.update(f"No meetings in {self.data_dir} yet.")
        else:
            detail.update({"open": "No open action items: well done.", "overdue": "Nothing is overdue.",
                           "all": "No action items yet."}[self.which])

    def _selected(self) -> TrackedAction | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return self.shown.get(key)

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    # --- changing an item ---------------------------------------------------

    def action_set_status(self, status: str) -> None:
        """Mark the highlighted item done or open again, in its meeting's file."""
        action = self._selected()
        if action is None:
            return
        if action.item.status == status:
            self.notify(f"It is {status} already.", timeout=3)
            return
        self._write(action, status)

    @work(group="board-write")
    async def _write(self, action: TrackedAction, status: str) -> None:
        try:
            await asyncio.to_thread(write_status, self.data_dir, action, status)
        except WRITE_ERRORS as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        verb = "Done" if status == "done" else "Open again"
        self.notify(f"{verb}: {action.item.description}", timeout=4)
        self._load()

    def action_back(self) -> None:
        """Back to where the board was opened from."""
        self.app.pop_screen()
