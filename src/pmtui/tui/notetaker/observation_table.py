"""The note-taker's observations: each one whole, wrapped to the pane, ending with who wrote it.

In a pane a third of a 120-column terminal a one-line row cut every
observation at about 30 characters and left no room for its author. Here a
row is as tall as its text needs. A DataTable measures such a row once, when it
is added, so a changed row or a new pane width adds the rows again, in order:
a meeting has dozens of observations, and this happens once per change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual import events

from ..widgets.list_table import ListTable

MARK_WIDTH = 2
"""The column before the text: pending mark and kind mark ("⧗+"), in one column to leave the text the width."""


class ObservationTable(ListTable):
    """Rows of (marks, text with author) keyed by observation id, in arrival order."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", show_header=False)
        self._shown: dict[str, tuple[Text, ...]] = {}

    def on_mount(self) -> None:
        self.add_column("", key="mark", width=MARK_WIDTH)
        self.add_column("Observation", key="text", width=self._text_width())

    @property
    def keys(self) -> list[str]:
        """The row keys, in display order."""
        return list(self._shown)

    @property
    def selected(self) -> str | None:
        """The key of the row under the cursor (None when there are no rows)."""
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def cells(self, key: str) -> tuple[Text, ...]:
        """What row ``key`` shows: the marks (pending, kind) and the text with its author."""
        return self._shown[key]

    def show(self, rows: Iterable[tuple[str, Sequence[Text]]]) -> None:
        """Replace every row with ``rows`` of (key, cells)."""
        self._shown = {key: tuple(cells) for key, cells in rows}
        self._redraw()

    def put(self, key: str, cells: Sequence[Text]) -> None:
        """Add row ``key`` at the end, or show its new cells where it is."""
        cells = tuple(cells)
        known = self._shown.get(key)
        if known is not None and known == cells and all(a.style == b.style for a, b in zip(known, cells)):
            return
        self._shown[key] = cells
        if known is None:
            self.add_row(*cells, key=key, height=None)
        else:
            self._redraw()

    def drop(self, key: str) -> None:
        """Take row ``key`` out (nothing happens when there is none)."""
        if self._shown.pop(key, None) is not None:
            self.remove_row(key)

    def _text_width(self) -> int:
        """The text column's width: the pane less the marks, each cell's padding and a scrollbar."""
        padding = 2 * self.cell_padding
        return max(8, self.size.width - self.styles.scrollbar_size_vertical - MARK_WIDTH - 2 * padding)

    def on_resize(self, event: events.Resize) -> None:
        if "text" in self.columns and self.columns["text"].width != self._text_width():
            self._redraw()

    def _redraw(self) -> None:
        """Add every row again (at the pane's width now), the cursor staying on its row."""
        selected = self.selected
        self.clear()
        self.columns["text"].width = self._text_width()
        for key, cells in self._shown.items():
            self.add_row(*cells, key=key, height=None)
        if selected in self._shown:
            self.move_cursor(row=self.get_row_index(selected), animate=False)
