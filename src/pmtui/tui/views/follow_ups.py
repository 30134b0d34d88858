"""The follow-ups phase: open action items of earlier post-mortems, reviewed and closed."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from ...agenda import Phase
from ...library import load_library
from ...model import utcnow
from ...session import MeetingSession
from ...store import StoreError
from ...tracking import TRACKING_PARTS, TrackedAction, follow_up_items, shares_service, write_status
from ..screens.actions_board import ACTION_COLUMNS, WRITE_ERRORS, action_cells, action_detail, action_key
from .base import PhaseView


class FollowUpsView(PhaseView):
    """Open items of earlier meetings, those about the same services first; d closes or reopens one.

    The list is read when the phase is shown (and with r); items closed here
    stay listed, ticked, until the next reading. Changes go to the other
    meetings' files through their own MeetingSession, off the event loop.
    """

    BINDINGS = [
        Binding("d", "toggle_done", "Done/open", id="follow_ups.toggle_done"),
        Binding("r", "reload", "Reload", id="follow_ups.reload"),
    ]

    def __init__(self, session: MeetingSession, phase: Phase, *, id: str | None = None) -> None:
        super().__init__(session, phase, id=id)
        self.items: dict[str, TrackedAction] = {}
        """The items listed, by row key."""
        self.skipped = 0
        """How many files in the data dir are not readable meetings."""

    def compose_body(self) -> ComposeResult:
        yield Static("Reading earlier meetings…", id="follow-up-summary", markup=False)
        yield DataTable(id="follow-up-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="follow-up-detail")

    def on_mount(self) -> None:
        table = self._table
        table.add_column("Same service", width=12, key="service")
        for key, label, width in ACTION_COLUMNS:
            table.add_column(label, width=width, key=key)

    def on_phase_shown(self) -> None:
        self._table.focus()
        self._load()

    @property
    def _table(self) -> DataTable:
        return self.query_one("#follow-up-table", DataTable)

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
        table = self._table
        table.clear()
        for key, action in self.items.items():
            table.add_row(*self._cells(action), key=key)
        self._summarize()
        self._show_detail()

    @property
    def _services(self) -> set[str]:
        """The services of this meeting's incident, casefolded."""
        return {s.casefold() for s in self.session.meeting.incident.services}

    def _cells(self, action: TrackedAction) -> tuple:
        shared = [s for s in action.meeting.incident.services if s.casefold() in self._services]
        return (Text(", ".join(shared), style="bold") if shared else "", *action_cells(action, self.session.today()))

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

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    # --- closing ---------------------------------------------------------------

    def action_toggle_done(self) -> None:
        """Close the highlighted item in its meeting (or reopen one closed here)."""
        action = self._selected()
        if action is not None:
            self._write(action, "open" if action.item.status == "done" else "done")

    @work(group="follow-ups-write")
    async def _write(self, action: TrackedAction, status: str) -> None:
        meeting = self.session.meeting
        note = f"closed in the follow-up review of {meeting.id} ({meeting.incident.title})" if status == "done" else ""
        try:
            await asyncio.to_thread(write_status, self.app.data_dir, action, status, note)
        except WRITE_ERRORS as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        key = action_key(action)
        item = replace(action.item, status=status, status_changed=utcnow(), status_note=note)
        changed = TrackedAction(item, action.meeting)
        self.items[key] = changed
        for (column, *_), cell in zip((("service",), *ACTION_COLUMNS), self._cells(changed), strict=True):
            self._table.update_cell(key, column, cell)
        self._summarize()
        self._show_detail()
        self.notify(f"{'Closed' if status == 'done' else 'Open again'}: {action.item.description}", timeout=4)
