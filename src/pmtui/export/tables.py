"""Markdown building blocks that user text cannot break: GFM tables, list items, headings."""

from __future__ import annotations

import re

_PIPE = re.compile(r"(\\*)\|")


def cell(text: object) -> str:
    """``text`` made safe for one GFM table cell.

    Surrounding whitespace is dropped, line breaks become ``<br>`` and pipes
    are escaped; backslashes right before a pipe are doubled first, so the
    text reads the same once rendered.
    """
    joined = "<br>".join(str(text).strip().splitlines())
    return _PIPE.sub(lambda m: m[1] * 2 + "\\|", joined)


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A GFM table; every header and cell goes through :func:`cell`."""
    lines = [_row(headers), _row(["---"] * len(headers))]
    lines += [_row(r) for r in rows]
    return "\n".join(lines)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cell(c) for c in cells) + " |"


def one_line(text: str) -> str:
    """``text`` on a single line, runs of whitespace collapsed to one space."""
    return " ".join(text.split())


def heading(level: int, text: str) -> str:
    """An ATX heading; a trailing ``#`` in ``text`` is kept, not read as closing."""
    line = one_line(text)
    if line.endswith("#"):
        line = line[:-1] + "\\#"
    return f"{'#' * level} {line}"


def list_item(marker: str, text: str) -> str:
    """A list item (``-`` or ``1.``) whose extra lines stay inside the item."""
    lines = text.strip().splitlines() or [""]
    pad = " " * (len(marker) + 1)
    rest = [pad + line if line.strip() else "" for line in lines[1:]]
    return "\n".join([f"{marker} {lines[0]}", *rest])
