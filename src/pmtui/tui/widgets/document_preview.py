"""A Markdown document shown one section per Markdown widget, so that a change re-renders only its sections.

Textual's ``Markdown.update`` removes and mounts every block of the document again: for the demo meeting's
post-mortem (13 sections, 6 tables, ~800 widgets) that is ~0.75 s of CPU whatever changed, and the review
phase did it after every change. A typed observation changes two sections (its list and the quality
checklist); re-rendering only those costs a fraction of it (``benchmarks/review_preview.py``).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from difflib import SequenceMatcher

from markdown_it import MarkdownIt
from textual.containers import Vertical
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


class DocumentPreview(Vertical):
    """A Markdown document, one Markdown widget per top-level section; :meth:`show` re-renders what changed."""

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

    @property
    def text(self) -> str:
        """The Markdown shown."""
        return "".join(self._sections)

    async def show(self, text: str) -> None:
        """Show ``text``: the sections that differ from those shown are rendered again, the others kept.

        Sections are matched as a diff matches lines: a changed run is updated in place, and sections are
        mounted or removed only where their number changed.
        """
        new, old = self._split(text), self._sections
        if new == old:
            return
        widgets = list(self.query_children(Markdown))
        self._sections = new
        pending = []
        with self.app.batch_update():  # one layout of the screen for all of them
            for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
                if op == "equal":
                    continue
                stale, fresh = widgets[i1:i2], new[j1:j2]
                pending += [widget.update(section) for widget, section in zip(stale, fresh, strict=False)]
                if len(fresh) > len(stale):  # a changed run is followed by an equal one, or by the end
                    before = widgets[i2] if i2 < len(widgets) else None
                    pending.append(self.mount_all([self._markdown(s) for s in fresh[len(stale):]], before=before))
                elif len(stale) > len(fresh):
                    pending.append(self.remove_children(stale[len(fresh):]))
            await asyncio.gather(*pending)

    def _markdown(self, text: str) -> Markdown:
        return Markdown(text, parser_factory=self._parser_factory, open_links=self._open_links)
