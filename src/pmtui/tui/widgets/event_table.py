"""EventTable: a keyed table kept in sort order that repaints only the rows that change.

Textual's DataTable keys all of its render caches on one update counter, so any
added row re-renders every visible cell, and a sort rebuilds every index: with
2,000 timeline events that is 30-50 ms per note-taker's event on a 2-core
machine. This table keeps its rows in order as they arrive (bisect, no sort),
renders each row once into a :class:`~textual.strip.Strip` (only when it is
first on screen), keeps the viewport on the same rows when one lands above it,
and refreshes only the lines that actually changed.

A table with a ``fill`` column fits the pane instead of
scrolling sideways: the filling column takes the width the others leave, the
others shrink to their ``min_width`` and then hide (highest ``drop`` first),
and the header says how many are hidden. Widths are worked out again only when
the table is resized or a column's widest cell grows; each row's line stays
cached in between.

Usage::

    table = EventTable([Column("Time", "time"), Column("Event", "event")], id="timeline-table")
    table.set_row("ev1", [Text("14:37"), Text("errors start")], order=(moment, 1))
    table.remove_row("ev1")
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.renderables.tint import Tint
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget

from .steady_scrollbar import SteadyScrollBar

if TYPE_CHECKING:
    from textual.widgets import DataTable

CELL_PADDING = 1
WARM_BATCH = 20
"""Rows whose lines are rendered ahead per idle moment (about 4 ms), so that a jump to rows never
shown (a new event far down, PageDown) only copies lines: rendering 29 new rows took 15 ms."""
_KIND_CLASSES = {"header": "event-table--header", "cursor": "event-table--cursor", "even": "event-table--even-row"}
FINISHED_SPARE = 200
"""Finished lines an EventTable keeps beyond two per row (even and plain, warmed ahead; the cursor's and rows
since removed): beyond, it starts again from what is shown."""
SCROLLBAR_EVERY = 0.2
"""Seconds between scrollbar updates while rows keep coming (a scrollbar repaint is a
screen-tall strip: with 20 note-takers typing it was the costliest part of a frame)."""


@dataclass(frozen=True)
class Column:
    """A column: its header label, its key, and a fixed width (None: as wide as its widest cell).

    In a table that fits its pane: ``fill`` takes the width left over (at least ``min_width``);
    another column is at most ``max_width`` wide and, with a ``min_width``, shrinks to it and then
    hides when the pane is too narrow, the highest ``drop`` first.
    """

    label: str
    key: str
    width: int | None = None
    max_width: int | None = None
    min_width: int | None = None
    fill: bool = False
    drop: int = 0


def fit_widths(columns: Sequence[Column], natural: Sequence[int], room: int) -> list[int]:
    """Each column's width in ``room`` cells (0: hidden), given each one's widest cell in ``natural``.

    Shrinkable columns give up width first (highest ``drop`` first), then hide in the same order;
    the filling column gets the rest. When even that does not fit, the widths add up to more than
    ``room`` (the table then scrolls sideways, as a last resort).
    """
    pad = 2 * CELL_PADDING
    wanted = [n if c.max_width is None else min(n, c.max_width) for c, n in zip(columns, natural)]
    for index, column in enumerate(columns):
        if column.fill:
            wanted[index] = column.min_width or natural[index]
    droppable = sorted((i for i, c in enumerate(columns) if c.min_width is not None and not c.fill),
                       key=lambda i: -columns[i].drop)
    for hidden_count in range(len(droppable) + 1):
        hidden = set(droppable[:hidden_count])
        widths = [0 if i in hidden else w for i, w in enumerate(wanted)]
        excess = sum(w + pad for i, w in enumerate(widths) if i not in hidden) - room
        for index in droppable[hidden_count:]:
            if excess <= 0:
                break
            cut = min(excess, widths[index] - min(columns[index].min_width, widths[index]))
            widths[index] -= cut
            excess -= cut
        if excess <= 0:
            break
    for index, column in enumerate(columns):
        if column.fill:
            widths[index] += max(0, -excess)
            excess = 0
    return widths


def fill_label(label: str, hidden: Sequence[str], width: int) -> Text:
    """The filling column's header in ``width`` cells: its label, and how many columns (which, when there is
    room) are hidden to fit the pane."""
    text = Text(label)
    if hidden:
        note = f"+{len(hidden)} hidden: {', '.join(hidden)}"
        if text.cell_len + 2 + len(note) > width:
            note = f"+{len(hidden)} col{'s' if len(hidden) > 1 else ''}"
        text.append(" " * max(1, width - text.cell_len - len(note)))
        text.append(note, style="dim italic")
    return text


def column_room(table: Widget, width: int) -> int:
    """The cells a table ``width`` wide gives its columns: less its gutter and a vertical scrollbar, kept free
    whether it shows or not (fitting to whether it shows would go round in circles)."""
    return max(0, width - table.styles.scrollbar_size_vertical - table.styles.gutter.width)


def pane_room(table: Widget, pane: Widget) -> int:
    """The cells ``table``'s columns may take: its own width once laid out, before that ``pane``'s (else the
    screen's), less gutter and scrollbar (:func:`column_room`)."""
    return column_room(table, table.size.width or pane.size.width or pane.app.size.width)


def natural_widths(columns: Sequence[Column], rows: Iterable[Sequence[Text]]) -> list[int]:
    """Each column's width at its widest cell in ``rows`` (or its label; a fixed width as given)."""
    natural = [column.width if column.width is not None else len(column.label) for column in columns]
    for cells in rows:
        for index, cell in enumerate(cells):
            if columns[index].width is None:
                natural[index] = max(natural[index], cell.cell_len)
    return natural


def fill_a_third(columns: Sequence[Column], room: int) -> list[Column]:
    """``columns`` with the filling one at least a third of ``room`` wide: the text read there (an action item)
    keeps a readable width, and the other columns shrink and hide first."""
    return [replace(c, min_width=max(c.min_width or 0, room // 3)) if c.fill else c for c in columns]


def add_fitted_columns(table: DataTable, columns: Sequence[Column], widths: Sequence[int],
                       hidden: Sequence[str]) -> None:
    """Add the columns shown (width above 0) to a DataTable fitted to its pane (the views' action tables, which
    are DataTables), the filling one's header naming the ``hidden`` ones."""
    for column, width in zip(columns, widths):
        if width:
            label = fill_label(column.label, hidden, width) if column.fill else column.label
            table.add_column(label, width=width, key=column.key)


def shown_cells(cells: Sequence[Text], widths: Sequence[int]) -> list[Text]:
    """The cells of the columns shown (not hidden to fit the pane), for a DataTable's row."""
    return [cell for cell, width in zip(cells, widths) if width]


@dataclass(frozen=True)
class _Finishing:
    """What Textual's styles cache does to a content line of a table with no border, padding or opacity."""

    content_width: int
    scroll_x: int
    base: Style
    width: int
    tint: Any
    background: Any
    pad: Style
    filters: tuple
    ansi_theme: Any
    kinds: tuple[Style, ...]  # the header's, the cursor's and the stripes' styles (they follow focus and theme)

    def finish(self, strip: Strip) -> Strip:
        strip = strip.adjust_cell_length(self.width, self.pad)
        if self.tint.a:
            strip = Strip(Tint.process_segments(strip, self.tint, self.ansi_theme, self.background), self.width)
        for line_filter in self.filters:
            strip = strip.apply_filter(line_filter, self.background)
        return strip


def _plain_box(styles: Any) -> bool:
    """Whether a widget's lines are its content lines as they are: no border, outline, padding, hatch or
    text opacity (tint, opacity and line filters aside)."""
    return (not any(edge for edge, _ in styles.border) and not any(edge for edge, _ in styles.outline)
            and not any(styles.padding) and styles.text_opacity == 1
            and (not styles.has_rule("hatch") or styles.hatch == "none"))


def _same_cells(a: tuple[Text, ...], b: tuple[Text, ...]) -> bool:
    """Equal text, spans and base style (Text's own == leaves the base style out)."""
    return a == b and all(x.style == y.style for x, y in zip(a, b))


class EventTable(ScrollView, can_focus=True):
    """Rows keyed by id, always in ``order``; one cursor row; a fixed header line."""

    COMPONENT_CLASSES = {"event-table--header", "event-table--cursor", "event-table--even-row"}

    DEFAULT_CSS = """
    EventTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .event-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .event-table--even-row { background: $surface-lighten-1 50%; }
        & > .event-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:dark > .event-table--even-row { background: $surface-darken-1 40%; }
        &:focus {
            background-tint: $foreground 5%;
            & > .event-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first_row", "First row", show=False),
        Binding("end", "last_row", "Last row", show=False),
    ]

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        zebra_stripes: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = tuple(columns)
        self.zebra_stripes = zebra_stripes
        self._column_index = {column.key: index for index, column in enumerate(self.columns)}
        self._keys: list[str] = []
        self._orders: list[Any] = []
        self._order_of: dict[str, Any] = {}
        self._cells: dict[str, tuple[Text, ...]] = {}
        self._strips: dict[str, Strip] = {}
        self._header: Strip | None = None
        self._natural = [self._label_width(column) for column in self.columns]
        self._fits = any(column.fill for column in self.columns)
        self._room = 0
        self._widths = list(self._natural)
        self._cursor = 0
        self._scrollbar_timer: Timer | None = None
        self._paint: tuple[int, int, int, Style] | None = None
        self._finished: dict[tuple[str, str], tuple[object, Strip]] = {}
        self._finished_context: tuple | None = None
        self._warm_index: int | None = None

    # --- reading ---------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """How many rows there are."""
        return len(self._keys)

    @property
    def keys(self) -> list[str]:
        """The row keys, in display order (a copy)."""
        return list(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._order_of

    def get_cell(self, key: str, column: str) -> Text:
        """The text shown in row ``key``, column ``column``."""
        return self._cells[key][self._column_index[column]]

    def get_row_index(self, key: str) -> int:
        """Where row ``key`` is in display order (KeyError when there is no such row)."""
        order = self._order_of[key]
        index = bisect_left(self._orders, order)
        while self._keys[index] != key:  # equal orders keep their arrival order
            index += 1
        return index

    @property
    def cursor_row(self) -> int:
        """The index of the row under the cursor."""
        return self._cursor

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor (None when the table is empty)."""
        return self._keys[self._cursor] if self._keys else None

    @property
    def column_widths(self) -> list[int]:
        """Each column's content width, in cells (0: hidden to fit the pane)."""
        return list(self._widths)

    @property
    def hidden_columns(self) -> list[str]:
        """The labels of the columns hidden to fit the pane."""
        return [column.label for column, width in zip(self.columns, self._widths) if not width and self._fits]

    # --- changing ---------------------------------------------------------------------

    def set_row(self, key: str, cells: Sequence[Text], order: Any) -> None:
        """Add row ``key``, or change its cells; it goes where ``order`` sorts it."""
        cells = tuple(cells)
        if len(cells) != len(self.columns):
            raise ValueError(f"row {key!r} has {len(cells)} cells for {len(self.columns)} columns")
        previous = self._order_of.get(key)
        if previous is not None and previous == order:
            if not _same_cells(cells, self._cells[key]):
                self._cells[key] = cells
                self._strips.pop(key, None)
                if not self._measure(cells):
                    self._refresh_rows(self.get_row_index(key), 1)
            return
        cursor_key = self.cursor_key
        old_index = self._take(key) if previous is not None else None
        index = bisect_right(self._orders, order)
        self._keys.insert(index, key)
        self._orders.insert(index, order)
        self._order_of[key] = order
        self._cells[key] = cells
        self._measure(cells)
        if old_index is None:
            self._moved(index, cursor_key, shift=1)
        else:  # moved in time: every row between its old and new place shifts by one
            self._moved(min(index, old_index), cursor_key, shift=0)

    def update_cell(self, key: str, column: str, value: Text) -> None:
        """Change one cell of row ``key``."""
        cells = list(self._cells[key])
        cells[self._column_index[column]] = value
        self.set_row(key, cells, self._order_of[key])

    def remove_row(self, key: str) -> None:
        """Take row ``key`` out (nothing happens when there is no such row)."""
        if key not in self._order_of:
            return
        cursor_key = self.cursor_key
        index = self._take(key)
        self._moved(index, cursor_key if cursor_key != key else None, shift=-1)

    def clear(self) -> None:
        """Remove every row."""
        self._keys.clear()
        self._orders.clear()
        self._order_of.clear()
        self._cells.clear()
        self._strips.clear()
        self._header = None
        self._natural = [self._label_width(column) for column in self.columns]
        self._widths = self._fitted()
        self._cursor = 0
        self._update_virtual_size(now=True)
        self.refresh()

    def load(self, rows: Iterable[tuple[str, Sequence[Text], Any]]) -> None:
        """Replace every row with ``rows`` of (key, cells, order), in one pass."""
        self.clear()
        for key, cells, order in rows:
            self._order_of[key] = order
            self._cells[key] = tuple(cells)
            self._widen(self._cells[key])
        self._widths = self._fitted()
        self._keys = sorted(self._order_of, key=self._order_of.__getitem__)  # stable: arrival order on ties
        self._orders = [self._order_of[key] for key in self._keys]
        self._update_virtual_size(now=True)
        self.refresh()
        self._warm_rows()

    def _take(self, key: str) -> int:
        index = self.get_row_index(key)
        del self._keys[index], self._orders[index]
        del self._order_of[key], self._cells[key]
        self._strips.pop(key, None)
        return index

    def _moved(self, index: int, cursor_key: str | None, *, shift: int) -> None:
        """Rows from ``index`` on moved by ``shift`` (1 added, -1 removed, 0 reordered): cursor, scroll, repaint.

        The cursor stays on its row; a row added or removed above the viewport
        scrolls by one so that the rows in view stay where they are.
        """
        old_cursor = self._cursor
        if cursor_key is not None:
            self._cursor = self.get_row_index(cursor_key)
        self._cursor = max(0, min(self._cursor, len(self._keys) - 1))
        self._update_virtual_size()
        top = round(self.scroll_y)
        if shift and index < top:
            self.scroll_to(y=top + shift, animate=False, force=True)
            return
        if self._in_view(old_cursor, top) and not self._in_view(self._cursor, top):
            self.scroll_to_row(self._cursor)  # a row (a gap marker) landed above the cursor: keep it on screen
            return
        if self._cursor != old_cursor:
            index = min(index, old_cursor, self._cursor)
        self._refresh_rows(index, None)

    def move_cursor(self, *, row: int, scroll: bool = True) -> None:
        """Put the cursor on row index ``row`` (clamped), scrolling it into view."""
        if not self._keys:
            return
        row = max(0, min(row, len(self._keys) - 1))
        if row != self._cursor:
            self._refresh_rows(self._cursor, 1)
            self._cursor = row
            self._refresh_rows(row, 1)
        if scroll:
            self.scroll_to_row(row)

    def reveal(self, key: str) -> None:
        """Put the cursor on row ``key`` and scroll to it."""
        self.move_cursor(row=self.get_row_index(key))

    def _in_view(self, row: int, top: int) -> bool:
        return top <= row < top + max(1, self.scrollable_content_region.height - 1)

    def scroll_to_row(self, row: int) -> None:
        """Scroll just enough for row index ``row`` to be in view."""
        visible = max(1, self.scrollable_content_region.height - 1)
        top = round(self.scroll_y)
        if row < top:
            self.scroll_to(y=row, animate=False, force=True)
        elif row >= top + visible:
            self.scroll_to(y=row - visible + 1, animate=False, force=True)

    # --- measuring --------------------------------------------------------------------------

    @staticmethod
    def _label_width(column: Column) -> int:
        return column.width if column.width is not None else Text(column.label).cell_len

    def _widen(self, cells: tuple[Text, ...]) -> bool:
        """Note the widest cell of each column for ``cells``; True when one grew."""
        grew = False
        for index, (column, cell) in enumerate(zip(self.columns, cells)):
            if column.width is None and cell.cell_len > self._natural[index]:
                self._natural[index] = cell.cell_len
                grew = True
        return grew

    def _fitted(self) -> list[int]:
        """The widths shown: the widest cells, or in a table that fits its pane, what fits."""
        if not self._fits:
            return list(self._natural)
        return fit_widths(self.columns, self._natural, self._room)

    def on_resize(self) -> None:
        """Fit the columns to the new width (the only time they are worked out again without new cells)."""
        if not self._fits:
            return
        room = column_room(self, self.size.width)
        if room != self._room:
            self._room = room
            self._reflow(self._fitted())

    def _reflow(self, widths: list[int]) -> None:
        """Show ``widths``: every cached line is drawn again."""
        if widths == self._widths:
            return
        self._widths = widths
        self._strips.clear()
        self._header = None
        self._update_virtual_size(now=True)
        self.refresh()
        self._warm_rows()

    def _measure(self, cells: tuple[Text, ...]) -> bool:
        """Note the widest cells of ``cells``; True (and everything repainted) when a shown width changed."""
        if not self._widen(cells):
            return False
        widths = self._fitted()
        if widths == self._widths:
            return False
        self._reflow(widths)
        return True

    def _warm_rows(self) -> None:
        """Render every row's line ahead, WARM_BATCH rows after each paint, from the first row; and finish each
        as a zebra stripe and as a plain row (a row added above flips the stripes of every row below it)."""
        start = self._warm_index is None
        self._warm_index = 0
        if start:
            self.call_after_refresh(self._warm_batch)

    def _warm_batch(self) -> None:
        index, keys = self._warm_index, self._keys
        if index is None or not self.is_attached:
            return
        finishing = None
        if _plain_box(self.styles) and self.opacity == 1 and self.size:
            self._paint = self._paint_context()
            finishing = self._finishing()
        try:
            done = 0
            while index < len(keys) and done < WARM_BATCH:
                key = keys[index]
                fresh = key not in self._strips
                strip = self._row_strip(key)
                if finishing is not None:
                    for kind in ("even", "plain"):
                        kept = self._finished.get((key, kind))
                        if kept is None or kept[0] is not strip:
                            self._finish(finishing, key, kind, strip)
                            fresh = True
                done += fresh
                index += 1
        finally:
            self._paint = None
        if index < len(keys):
            self._warm_index = index
            self.call_after_refresh(self._warm_batch)
        else:
            self._warm_index = None

    def _update_virtual_size(self, *, now: bool = False) -> None:
        """Follow the row count and column widths; the scrollbars follow at once or within SCROLLBAR_EVERY."""
        width = sum(w + 2 * CELL_PADDING for w in self._widths if w or not self._fits)
        size = Size(width, len(self._keys) + 1)
        if size == self.virtual_size:
            return
        if not self.is_mounted or not self.container_size:
            self.virtual_size = size
            return
        # Assigning the reactive repaints the whole table and lays out the whole screen;
        # a new row needs neither: only the scrollbars change (and they lay out by
        # themselves when they appear or disappear).
        self.set_reactive(EventTable.virtual_size, size)
        if now:
            self._sync_scrollbars()
        elif self._scrollbar_timer is None:
            self._scrollbar_timer = self.set_timer(SCROLLBAR_EVERY, self._sync_scrollbars)

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's own, made as Textual makes it, but one that repaints only when its thumb moves."""
        if self._vertical_scrollbar is None:
            bar = self._vertical_scrollbar = SteadyScrollBar(vertical=True, name="vertical",
                                                             thickness=self.scrollbar_size_vertical)
            bar.display = False
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    def _sync_scrollbars(self) -> None:
        if self._scrollbar_timer is not None:
            self._scrollbar_timer.stop()
            self._scrollbar_timer = None
        self._scroll_update(self.virtual_size)

    # --- painting ----------------------------------------------------------------------------

    def _refresh_rows(self, start: int, count: int | None) -> None:
        """Repaint the lines of rows ``start`` .. ``start + count`` (None: to the bottom) that are in view."""
        height = self.scrollable_content_region.height
        first = start - round(self.scroll_y) + 1
        last = height if count is None else first + count
        first, last = max(first, 1), min(last, height)
        if first < last:
            self.refresh(Region(0, first, self.size.width, last - first))

    def _line(self, cells: Iterable[Text]) -> Strip:
        text = Text(no_wrap=True, end="")
        pad = " " * CELL_PADDING
        for cell, width in zip(cells, self._widths):
            if not width and self._fits:  # hidden to fit the pane
                continue
            piece = cell.copy()
            piece.truncate(width, overflow="ellipsis", pad=True)
            text.append(pad)
            text.append_text(piece)
            text.append(pad)
        return Strip(text.render(self.app.console), text.cell_len)

    def _header_cells(self) -> list[Text]:
        """The labels; the filling column's also says how many columns are hidden to fit the pane."""
        cells = [Text(column.label) for column in self.columns]
        hidden = self.hidden_columns
        if hidden:
            index = next(i for i, column in enumerate(self.columns) if column.fill)
            cells[index] = fill_label(self.columns[index].label, hidden, self._widths[index])
        return cells

    def _row_strip(self, key: str) -> Strip:
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = self._line(self._cells[key])
        return strip

    def render_lines(self, crop: Region) -> list[Strip]:
        # Textual's rich_style walks every ancestor's styles (~0.5 ms here); once per paint, not once per line.
        self._paint = self._paint_context()
        try:
            if not _plain_box(self.styles) or self.opacity != 1:
                return super().render_lines(crop)
            return self._finished_lines(crop)
        finally:
            self._paint = None

    def _paint_context(self) -> tuple[int, int, int, Style]:
        region = self.scrollable_content_region
        return region.width, round(self.scroll_x), round(self.scroll_y), self.rich_style

    def _finishing(self) -> _Finishing:
        """How lines are finished now; the kept ones are dropped when that changes (theme, focus, width…)."""
        content_width, scroll_x, _, base = self._paint
        base_background, background = self.background_colors
        finishing = _Finishing(content_width, scroll_x, base, self.size.width, self.styles.tint, background,
                               Style.from_color(bgcolor=(base_background + background).rich_color),
                               tuple(self.get_line_filters()), self.app.ansi_theme,
                               tuple(map(self.get_component_rich_style, _KIND_CLASSES.values())))
        if finishing != self._finished_context or len(self._finished) > 2 * len(self._keys) + FINISHED_SPARE:
            if self._finished_context is not None and self._warm_index is None:
                self.call_later(self._warm_rows)  # finish them again ahead, after this paint
            self._finished.clear()
            self._finished_context = finishing
        return finishing

    def _finished_lines(self, crop: Region) -> list[Strip]:
        """What Textual's styles cache makes of :meth:`render_line` for a table without border, padding or
        opacity (tested cell by cell against it), each row's line kept as finished: when rows shift by
        one (a row added above, the view following the newest) every line on screen is new to Textual's
        cache, and its line-by-line path cost 1-1.5 ms of the frame."""
        finishing = self._finishing()
        lines = []
        for y in crop.line_range:
            key, kind, strip = self._line_source(y)
            lines.append(self._finish(finishing, key, kind, strip) if key is not None
                         else finishing.finish(self.render_line(y)))
        hover = self.hover_style
        if self.auto_links and hover._link_id and hover._meta and "@click" in hover.meta and self.link_style_hover:
            lines = [line.style_links(hover.link_id, self.link_style_hover) for line in lines]
        if crop.column_span != (0, finishing.width):
            lines = [line.crop(*crop.column_span) for line in lines]
        return lines

    def _finish(self, finishing: _Finishing, key: str, kind: str, strip: Strip) -> Strip:
        """Row ``key``'s line drawn as ``kind``, kept until the row's ``strip`` is replaced."""
        kept = self._finished.get((key, kind))
        if kept is not None and kept[0] is strip:
            return kept[1]
        line = finishing.finish(self._styled(strip, self._kind_style(kind)))
        self._finished[key, kind] = (strip, line)
        return line

    def _line_source(self, y: int) -> tuple[str | None, str, Strip | None]:
        """Line ``y``'s row key ('' for the header, None when past the last row), how it is drawn (header,
        cursor, even, plain) and the row's own strip."""
        if y == 0:
            if self._header is None:
                self._header = self._line(self._header_cells())
            return "", "header", self._header
        index = self._paint[2] + y - 1
        if index >= len(self._keys):
            return None, "blank", None
        key = self._keys[index]
        return key, self._kind(index), self._row_strip(key)

    def _kind(self, index: int) -> str:
        if index == self._cursor:
            return "cursor"
        return "even" if self.zebra_stripes and index % 2 == 0 else "plain"

    def _kind_style(self, kind: str) -> Style:
        if kind == "plain":
            return Style.null()
        return self.get_component_rich_style(_KIND_CLASSES[kind])

    def _styled(self, strip: Strip, style: Style) -> Strip:
        """A row's (or the header's) strip scrolled sideways, cut or padded to the view, over the base style."""
        width, scroll_x, _, base = self._paint
        line = strip.crop(scroll_x, scroll_x + width).extend_cell_length(width)
        return Strip(Segment.apply_style(line, base + style), width)

    def render_line(self, y: int) -> Strip:
        painting = self._paint is None
        if painting:
            self._paint = self._paint_context()
        try:
            key, kind, strip = self._line_source(y)
            if key is None:
                return Strip.blank(self._paint[0], self._paint[3])
            return self._styled(strip, self._kind_style(kind))
        finally:
            if painting:
                self._paint = None

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # --- keys and mouse -------------------------------------------------------------------------

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)

    def action_cursor_up(self) -> None:
        """Cursor up one row."""
        self.move_cursor(row=self._cursor - 1)

    def action_cursor_down(self) -> None:
        """Cursor down one row."""
        self.move_cursor(row=self._cursor + 1)

    def action_page_up(self) -> None:
        """Cursor up one screenful."""
        self.move_cursor(row=self._cursor - self._page())

    def action_page_down(self) -> None:
        """Cursor down one screenful."""
        self.move_cursor(row=self._cursor + self._page())

    def action_first_row(self) -> None:
        """Cursor to the first row."""
        self.move_cursor(row=0)

    def action_last_row(self) -> None:
        """Cursor to the last row."""
        self.move_cursor(row=len(self._keys) - 1)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        row = round(self.scroll_y) + offset.y - 1
        if row < len(self._keys):
            self.move_cursor(row=row)
