"""A Markdown document shown one widget per section, each drawn by Rich, so that a change redraws only its sections.

Textual's ``Markdown`` widget mounts a widget per block (paragraph, list item, table cell): the demo meeting's
post-mortem was ~800 widgets, 0.7-1.2 s of CPU to draw whole, so only the sections near the view were rendered.
Rich's ``Markdown`` draws a section as lines of text in one widget: the whole demo document in ~0.2 s, a changed
section in ~40 ms with the screen's layout (``benchmarks/review_preview.py``), so every section is drawn at once
and a change updates the widgets of the sections it changed.

The Markdown is read with the document's own grammar (``export.narrative.document_parser``: raw HTML off, so a
``<script>`` shows as the characters typed, as the export writes it; Rich's own parser has HTML on and drops
it), without terminal hyperlinks (a link shows its URL as text and is never clickable), and with the characters
``text.py`` keeps off every terminal removed first. Text is never read as Rich or Textual markup.
"""

from __future__ import annotations

import asyncio
import operator
import re
from collections.abc import Callable, Mapping
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import dropwhile

from rich.console import Console, ConsoleOptions, RenderResult
from rich.errors import StyleSyntaxError
from rich.markdown import Markdown, TableElement
from rich.style import Style
from rich.theme import Theme
from textual.color import Color, ColorParseError
from textual.containers import Vertical
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from ...export.narrative import document_parser
from ...text import for_terminal

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_PARSER = document_parser()


def split_sections(text: str) -> list[str]:
    """``text`` cut before each top-level section's ``## `` heading (never inside a fenced code block).

    The pieces joined are ``text`` again. Each piece renders on its own as it does inside the whole: an ATX
    heading ends any paragraph, list or table before it, and the post-mortem has no link reference
    definitions that a piece could lose.
    """
    sections: list[str] = []
    current: list[str] = []
    fence = ""
    for line in text.splitlines(keepends=True):
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) \
                    and not line[opening.end():].strip():
                fence = ""
        elif opening:
            fence = opening.group(1)
        elif line.startswith("## ") and current:
            sections.append("".join(current))
            current = []
        current.append(line)
    if current or not sections:
        sections.append("".join(current))
    return sections


class _Table(TableElement):
    """Rich's table of a Markdown table; one of more than two columns (the timeline, the actions) has its rows a
    line apart, as their cells wrap to several lines each in a terminal's width."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for table in super().__rich_console__(console, options):
            table.show_lines = len(table.columns) > 2
            yield table


_RICH_DEFAULTS = vars(Markdown("", hyperlinks=False))
"""What Rich's Markdown.__init__ sets, from one instance (with hyperlinks off)."""


class DocumentMarkdown(Markdown):
    """Rich's Markdown of ``markup`` as the document reads it: pmtui's grammar, no hyperlinks, no control codes."""

    elements = {**Markdown.elements, "table_open": _Table}

    def __init__(self, markup: str) -> None:
        # what Rich's __init__ sets, but its parser: building one per section cost ~1 ms each (a MarkdownIt)
        self.__dict__.update(_RICH_DEFAULTS)
        self.markup = markup
        self.parsed = _PARSER.parse(for_terminal(markup))


_HEADINGS = range(1, 7)
_THEME_VARIABLES = ("primary", *(f"markdown-h{n}-{part}" for n in _HEADINGS for part in ("color", "text-style")))


def markdown_theme(variables: Mapping[str, str]) -> Theme:
    """Rich's Markdown styles in a Textual theme's colours, so the preview looks like the rest of pmtui in every
    theme: headings as the theme has Textual's Markdown draw them; bullets, numbers, links and table rules in its
    primary colour; quotes in italics (Rich's are magenta); the rest as Rich draws it."""
    return _markdown_theme(tuple(variables.get(name, "") for name in _THEME_VARIABLES))


@lru_cache(maxsize=8)
def _markdown_theme(values: tuple[str, ...]) -> Theme:
    variables = dict(zip(_THEME_VARIABLES, values, strict=True))
    primary = _style(color=variables["primary"])
    styles = {f"markdown.{name}": primary for name in ("item.bullet", "item.number", "link", "table.border")}
    styles["markdown.table.header"] = _style("bold", variables["primary"])
    styles["markdown.block_quote"] = Style(italic=True)
    for n in _HEADINGS:
        styles[f"markdown.h{n}"] = _style(variables[f"markdown-h{n}-text-style"], variables[f"markdown-h{n}-color"])
    return Theme(styles)


def _style(text_style: str = "", color: str = "") -> Style:
    """A Rich style of a Textual text style and colour; a value neither reads is left out."""
    try:
        style = Style.parse(text_style or "none")
    except StyleSyntaxError:
        style = Style()
    try:
        return style + Style(color=Color.parse(color).rich_color) if color else style
    except ColorParseError:
        return style


class SectionView(Widget):
    """One section of the document, drawn by Rich once per width; :attr:`text` is its Markdown.

    Sections are a line apart, as Rich sets the blocks of one document apart.

    A ``Static`` would draw the renderable twice, once to measure its height and once to show it, and again for
    every layout: here the lines of the last width, style and theme are kept, and both come from them.
    """

    DEFAULT_CSS = """
    SectionView { height: auto; margin-top: 1; }
    SectionView:first-child { margin-top: 0; }
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._take(text)

    def show(self, text: str) -> None:
        """Draw ``text`` in place of what was shown."""
        self._take(text)
        self.refresh(layout=True)

    def _take(self, text: str) -> None:
        self.text = text
        self._markdown = DocumentMarkdown(text)
        self._lines: tuple[tuple[int, Style, str] | None, list[Strip]] = (None, [])  # drawn for (width, style, theme)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._drawn(width))

    def render_line(self, y: int) -> Strip:
        lines = self._drawn(self.content_size.width)
        return lines[y] if y < len(lines) else Strip.blank(self.content_size.width)

    def _drawn(self, width: int) -> list[Strip]:
        style = self.visual_style.rich_style
        if self._lines[0] != (width, style, self.app.theme):
            options = self.app.console_options.update(width=width, height=None, highlight=False)
            with self.app.console.use_theme(markdown_theme(self.app.theme_variables)):
                lines = self.app.console.render_lines(self._markdown, options, style=style, pad=False)
            # Rich starts a list, a quote or a table with the empty line that sets it apart from a block above:
            # here the margin does, above every section but the first
            self._lines = ((width, style, self.app.theme), [Strip(line) for line in dropwhile(operator.not_, lines)])
        return self._lines[1]


class DocumentPreview(Vertical):
    """A Markdown document, one :class:`SectionView` per top-level section; :meth:`show` redraws what changed."""

    DEFAULT_CSS = """
    DocumentPreview { height: auto; }
    """

    def __init__(self, *, id: str | None = None, split: Callable[[str], list[str]] = split_sections) -> None:
        """``split`` cuts a text into the pieces that render alone as inside the whole (one widget each)."""
        super().__init__(id=id)
        self._sections: list[str] = []
        self._split = split
        self._lock = asyncio.Lock()  # one change of the children at a time

    @property
    def text(self) -> str:
        """The Markdown shown."""
        return "".join(self._sections)

    async def show(self, text: str) -> None:
        """Show ``text``: the sections that differ from those shown are drawn again, the others kept.

        Sections are matched as a diff matches lines: a changed run is updated in place, and sections are
        mounted or removed only where their number changed.
        """
        async with self._lock:
            new, old = self._split(text), self._sections
            if new == old:
                return
            widgets = list(self.children)
            self._sections = new
            pending = []
            with self.app.batch_update():  # one layout of the screen for all of them
                for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
                    if op == "equal":
                        continue
                    stale, fresh = widgets[i1:i2], new[j1:j2]
                    for widget, section in zip(stale, fresh, strict=False):
                        widget.show(section)
                    if len(fresh) > len(stale):  # a changed run is followed by an equal one, or by the end
                        before = widgets[i2] if i2 < len(widgets) else None
                        pending.append(self.mount_all([SectionView(s) for s in fresh[len(stale):]], before=before))
                    elif len(stale) > len(fresh):
                        pending.append(self.remove_children(stale[len(fresh):]))
                await asyncio.gather(*pending)
