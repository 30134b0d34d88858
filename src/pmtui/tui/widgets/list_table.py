"""A DataTable whose keys move through rows the way every other list of pmtui does."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable


class ListTable(DataTable):
    """A row table where Home and End go to the first and last row (DataTable scrolls sideways with them).

    PageUp and PageDown are DataTable's own; ctrl+home and ctrl+end keep working too.
    """

    BINDINGS = [
        Binding("home", "first_row", "First", show=False),
        Binding("end", "last_row", "Last", show=False),
    ]

    def action_first_row(self) -> None:
        """The cursor to the first row (to the first column when the cursor is not on rows)."""
        if self.cursor_type == "row":
            self.action_scroll_top()
        else:
            self.action_scroll_home()

    def action_last_row(self) -> None:
        """The cursor to the last row (to the last column when the cursor is not on rows)."""
        if self.cursor_type == "row":
            self.action_scroll_bottom()
        else:
            self.action_scroll_end()
