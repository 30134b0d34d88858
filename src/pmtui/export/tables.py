"""Markdown building blocks that user text cannot break: GFM tables, list items, headings.

Each takes a person's text as a plain ``str`` (escaped here, see :mod:`.escape`) or the exporter's
own :class:`~.escape.Markdown`.
"""

from __future__ import annotations

from .escape import Markdown, escape, escape_line


def cell(text: object) -> Markdown:
    """``text`` made safe for one GFM table cell: one line, pipes and every other special escaped."""
    return escape_line(text)


def table(headers: list[object], rows: list[list[object]]) -> Markdown:
    """A GFM table; every header and cell goes through :func:`cell`."""
    lines = [_row(headers), _row([Markdown("---")] * len(headers))]
    lines += [_row(r) for r in rows]
    return Markdown("\n".join(lines))


def _row(cells: list[object]) -> str:
    return "| " + " | ".join(cell(c) for c in cells) + " |"


def one_line(text: str) -> str:
    """``text`` on a single line, runs of whitespace collapsed to one space."""
    return " ".join(text.split())


def heading(level: int, text: object) -> Markdown:
    """An ATX heading; a trailing ``#`` in ``text`` is kept, not read as closing."""
    line = escape_line(text)
    if line.endswith("#"):
        line = line[:-1] + "\\#"
    return Markdown(f"{'#' * level} {line}")


def list_item(marker: str, text: object) -> Markdown:
    """A list item (``-`` or ``1.``) whose extra lines and paragraphs stay inside the item."""
    lines = escape(text).split("\n")
    pad = " " * (len(marker) + 1)
    rest = [pad + line if line else "" for line in lines[1:]]
    return Markdown("\n".join([f"{marker} {lines[0]}", *rest]))
