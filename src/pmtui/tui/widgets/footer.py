"""FittingFooter: the key bindings that fit whole, never one cut in half."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Footer

COMPACT_BELOW = 110
"""Narrower than this, the footer drops the padding around keys and labels (so more bindings fit)."""


class FittingFooter(Footer):
    """Textual's Footer, compact when narrow, showing only the bindings that fit whole.

    Textual's footer lets the last binding run off the edge ("^g Go▏"); this one
    hides every binding from the first one that does not fit, so what shows can
    always be read (the command palette, ctrl+p, still lists them all).
    """

    def on_resize(self) -> None:
        self.compact = self.size.width < COMPACT_BELOW
        self.call_after_refresh(self._fit)

    def compose(self) -> ComposeResult:
        yield from super().compose()
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Show the bindings in order while they fit whole; hide the rest."""
        if not self.is_attached:
            return
        children = list(self.children)
        room = self.size.width - sum(self._width(c) for c in children if c.has_class("-command-palette"))
        fits = True
        for child in children:
            if child.has_class("-command-palette"):
                continue
            width = self._width(child)
            fits = fits and width <= room
            room -= width
            child.display = fits

    def _width(self, child: Widget) -> int:
        """How many cells ``child`` takes, margins included (measured whether it is shown or not)."""
        styles = child.styles
        size = Size(self.size.width, 1)
        return child.get_content_width(size, size) + styles.gutter.width + styles.margin.width
