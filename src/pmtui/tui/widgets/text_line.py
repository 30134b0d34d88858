"""TextLine: a label that repaints only when its text changes and lays out only when its size does."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Label


class TextLine(Label):
    """A Label for text that changes often (counters, clocks, status lines).

    ``Label.update`` lays out the whole screen every time, since the label's
    size may have changed; with a 2,000-row timeline on screen that reflow is
    most of the cost of a counter going from 2001 to 2002. :meth:`show_text` skips
    unchanged text and asks for a layout only when the text's shape (the width
    of each line) changed.
    """

    _shown: str | Text | None = None
    _shape: tuple[int, ...] | None = None

    def show_text(self, content: str | Text) -> None:
        """Display ``content`` (a string is read as markup, as Label does)."""
        shown = self._shown
        same_style = getattr(content, "style", None) == getattr(shown, "style", None)
        if type(content) is type(shown) and content == shown and same_style:
            return  # (Text's == leaves its base style out)
        plain = (Text.from_markup(content) if isinstance(content, str) else content).plain
        shape = tuple(cell_len(line) for line in plain.split("\n"))
        self.update(content, layout=shape != self._shape)
        self._shown, self._shape = content, shape
