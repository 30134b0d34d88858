"""A Markdown document shown one section per Markdown widget, so that a change re-renders only its sections.

Textual's ``Markdown.update`` removes and mounts every block of the document again: for the demo meeting's
post-mortem (13 sections, 6 tables, ~800 widgets) that is ~0.75 s of CPU whatever changed, and the review
phase did it after every change. A typed observation changes two sections (its list and the quality
checklist); re-rendering only those costs a fraction of it (``benchmarks/review_preview.py``).

Showing the whole document the first time cost as much again (~1.5 s of CPU for the demo, more than half of it
the layout of ~300 widgets, its six tables' grids above all), although a screen shows a few sections of it. So
only the sections from the top down to one screen below the scroll position are rendered; each section below
them is a blank of the height its source suggests, rendered once scrolling brings it that close. The rendered
sections are always the first ones, so what is above the view never changes height under the reader; a blank
only makes the scrollbar a guess about the part of the document nobody has scrolled to yet.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from difflib import SequenceMatcher

from markdown_it import MarkdownIt
from textual import work
from textual.containers import ScrollableContainer, Vertical
from textual.widget import Widget
from textual.widgets import Markdown

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


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


class UnrenderedSection(Widget):
    """A section below the rendered ones: blank, about as tall as it will render (:func:`estimated_height`)."""

    DEFAULT_CSS = """
    UnrenderedSection { width: 1fr; }
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    @property
    def text(self) -> str:
        """The Markdown this blank stands for."""
        return self._text

    @text.setter
    def text(self, text: str) -> None:
        self._text = text
        self.styles.height = estimated_height(text)


def estimated_height(text: str) -> int:
    """The lines ``text`` takes rendered, about: one per line of source, two per line of a table (its rows are
    ruled apart), more where a line wraps."""
    lines = text.split("\n")
    return len(lines) + sum(line.startswith("|") for line in lines)


class DocumentPreview(Vertical):
    """A Markdown document, one Markdown widget per top-level section; :meth:`show` re-renders what changed.

    Within a scrolling container, only the sections down to a screen below the view are rendered (the module's
    docstring says why); the others render as scrolling nears them.
    """

    DEFAULT_CSS = """
    DocumentPreview { height: auto; }
    """

    def __init__(self, *, id: str | None = None, split: Callable[[str], list[str]] = split_sections,
                 parser_factory: Callable[[], MarkdownIt] | None = None, open_links: bool = True) -> None:
        """``split`` cuts a text into the pieces that render alone as inside the whole (one widget each);
        ``parser_factory`` and ``open_links`` are each piece's Markdown widget's."""
        super().__init__(id=id)
        self._sections: list[str] = []
        self._split = split
        self._parser_factory = parser_factory
        self._open_links = open_links
        self._lock = asyncio.Lock()  # one change of the children at a time: a show, or rendering what came near

    @property
    def text(self) -> str:
        """The Markdown shown."""
        return "".join(self._sections)

    def on_mount(self) -> None:
        scroll = self._scroll()
        if scroll is not None:
            self.watch(scroll, "scroll_y", self._scrolled, init=False)

    def on_resize(self) -> None:
        self._scrolled()

    def _scrolled(self) -> None:
        if self.query_children(UnrenderedSection):
            self._render_near()

    @work(group="document-preview", exit_on_error=False)
    async def _render_near(self) -> None:
        async with self._lock:
            await self._render_reached()

    async def show(self, text: str) -> None:
        """Show ``text``: the sections that differ from those shown are rendered again, the others kept.

        Sections are matched as a diff matches lines: a changed run is updated in place, and sections are
        mounted or removed only where their number changed. New sections mount blank; those near the view are
        then rendered.
        """
        async with self._lock:
            await self._show(text)
            await self._render_reached()

    async def _show(self, text: str) -> None:
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
                    if isinstance(widget, Markdown):
                        pending.append(widget.update(section))
                    else:
                        widget.text = section
                if len(fresh) > len(stale):  # a changed run is followed by an equal one, or by the end
                    before = widgets[i2] if i2 < len(widgets) else None
                    pending.append(self.mount_all([UnrenderedSection(s) for s in fresh[len(stale):]], before=before))
                elif len(stale) > len(fresh):
                    pending.append(self.remove_children(stale[len(fresh):]))
            await asyncio.gather(*pending)

    async def _render_reached(self) -> None:
        """Render the blank sections above the last rendered one, and those down to a screen below the view."""
        children = list(self.children)
        reach = self._reach()
        last = max((i for i, w in enumerate(children) if isinstance(w, Markdown)), default=-1)
        top, due = 0, []
        for i, widget in enumerate(children):
            if isinstance(widget, UnrenderedSection) and (i < last or top < reach):
                due.append(i)
            rendered = isinstance(widget, Markdown) and widget.outer_size.height
            top += rendered or estimated_height(self._sections[i])
        if not due:
            return
        with self.app.batch_update():
            mounted = [self.mount(self._markdown(self._sections[i]), before=children[i]) for i in due]
            await asyncio.gather(*mounted, self.remove_children([children[i] for i in due]))

    def _reach(self) -> int:
        """How far down this preview sections are rendered: a screen below the bottom of the view."""
        scroll = self._scroll()
        if scroll is None:
            return 1 << 30  # nothing scrolls: everything is in view
        view = scroll.scrollable_content_region.height
        if not view:  # not laid out yet: a terminal's height, and the rest once it is (on_resize)
            return self.app.size.height
        return int(scroll.scroll_y) + 2 * view - self.virtual_region.y

    def _scroll(self) -> ScrollableContainer | None:
        return next((node for node in self.ancestors if isinstance(node, ScrollableContainer)), None)

    def _markdown(self, text: str) -> Markdown:
        return Markdown(text, parser_factory=self._parser_factory, open_links=self._open_links)
