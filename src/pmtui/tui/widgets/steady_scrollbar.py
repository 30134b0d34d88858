"""SteadyScrollBar: a scrollbar that repaints only when its thumb moves on screen.

Textual's scrollbar repaints every line whenever its position or sizes change.
Beside a 2,000-row table one more row, or one row further down, moves the thumb
by 1/70 of a cell, so nothing on screen changes, yet that repaint was 1.2 ms of
the 7 ms frame that shows a typed line. This one works out the thumb's place in
eighths of a cell (the finest its renderer draws) and repaints when that
differs from what it last drew; hover, grab and resizes repaint as before.
When it does repaint, it renders its bar straight into strips: Textual's
generic path (a Rich renderable through the styles cache, line by line) took
1.9 ms for 29 lines of two cells, a quarter of the frame that jumps the table to
a typed line far from the last one; the result is the same (tested).

A widget uses it by creating its own vertical scrollbar (see
:meth:`~pmtui.tui.widgets.event_table.EventTable.vertical_scrollbar`).
"""

from __future__ import annotations

from math import ceil

from rich.console import RenderableType
from textual.geometry import Region
from textual.reactive import Reactive
from textual.scrollbar import ScrollBar
from textual.strip import Strip


class SteadyScrollBar(ScrollBar):
    """A :class:`~textual.scrollbar.ScrollBar` whose position and sizes repaint only a moved thumb."""

    window_virtual_size: Reactive[int] = Reactive(100, repaint=False)
    window_size: Reactive[int] = Reactive(0, repaint=False)
    position: Reactive[float] = Reactive(0, repaint=False)

    def __init__(self, vertical: bool = True, name: str | None = None, *, thickness: int = 1) -> None:
        super().__init__(vertical, name, thickness=thickness)
        self._drawn: tuple[int, int, int] | None = None
        self._lines: list[Strip] = []
        self._lines_key: tuple | None = None

    def thumb(self) -> tuple[int, int, int] | None:
        """The bar's length in cells and the thumb's start and end in eighths of a cell (None: no thumb),
        as :meth:`ScrollBarRender.render_bar <textual.scrollbar.ScrollBarRender.render_bar>` draws them."""
        size = self.size.height if self.vertical else self.size.width
        virtual = ceil(self.window_virtual_size)
        window = ceil(self.window_size) if self.window_size < self.window_virtual_size else 0
        if not (window and size and virtual and size != virtual):
            return None
        steps = len(self.renderer.VERTICAL_BARS if self.vertical else self.renderer.HORIZONTAL_BARS)
        thumb_size = max(1, window / (virtual / size))
        start = int((size - thumb_size) * (self.position / (virtual - window)) * steps)
        return size, start, start + ceil(thumb_size * steps)

    def render(self) -> RenderableType:
        self._drawn = self.thumb()
        return super().render()

    def render_lines(self, crop: Region) -> list[Strip]:
        width, height = self.size
        bar = self.render()
        base, filters = self.visual_style.rich_style, tuple(self.get_line_filters())
        # what the bar draws from (its thumb as drawn, not the exact position): the compositor asks again for
        # unchanged lines each time the table beside it repaints
        key = (width, height, self.thumb(), bar.style, bar.thickness, bar.vertical, base, filters)
        if key != self._lines_key:
            console = self.app.console
            background = self.background_colors[1]
            lines = console.render_lines(bar, console.options.update_dimensions(width, height), style=base)
            self._lines = [_filtered(Strip(line, width), filters, background) for line in lines]
            self._lines_key = key
        strips = self._lines[crop.y:crop.bottom]
        if crop.column_span != (0, width):
            strips = [strip.crop(*crop.column_span) for strip in strips]
        return strips

    def _thumb_moved(self) -> None:
        if self.thumb() != self._drawn:
            self.refresh()

    def watch_window_virtual_size(self) -> None:
        self._thumb_moved()

    def watch_window_size(self) -> None:
        self._thumb_moved()

    def watch_position(self) -> None:
        self._thumb_moved()


def _filtered(strip: Strip, filters: tuple, background: object) -> Strip:
    for line_filter in filters:
        strip = strip.apply_filter(line_filter, background)
    return strip
