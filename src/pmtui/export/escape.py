"""The one rule for a person's text in an exported document: it renders as the text it is.

Note-takers are not trusted with the document's markup: their words must not become HTML, a heading,
a list, a rule, a code fence, a link or a table row. :class:`Markdown` marks the Markdown the exporter
writes itself; every other string is a person's text and goes through :func:`escape` on its way in.
Escapes are added only where a character could change meaning, so "a-b", "v1.2" and "snake_case"
stay as typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_INLINE = re.compile(
    r"""
      \\(?=[!-/:-@\[-`{-~]|$)     # a backslash that would escape the next character or break the line
    | [`*~\[\]|<]                 # code spans and fences, emphasis, strikethrough, links, table cells, HTML
    | (?<![^\W_])_ | _(?![^\W_])  # an underscore, unless it sits between two letters or digits
    | &(?=\#?[A-Za-z0-9]+;)        # an entity such as &lt; or &#60;
    | !$                          # a "!" the exporter's next "[" would turn into an image
    """,
    re.VERBOSE,
)
_SPECIAL = re.compile(r"[\\`*~\[\]|<_&!]")
"""The characters :data:`_INLINE` may escape: text without any (most prose) skips the slower pattern."""
_ORDERED_ITEM = re.compile(r"\d{1,9}(?=[.)](?:[ \t]|$))")
_BLOCK_START = re.compile(
    r"""
      \#{1,6}(?:[ \t]|$)          # ATX heading
    | >                           # block quote
    | [-+](?:[ \t]|$)             # bullet list item
    | [-=][-=\ \t]*$              # setext underline or thematic break
    """,
    re.VERBOSE,
)


class Markdown(str):
    """Markdown the exporter wrote; text in any other ``str`` is escaped wherever it is combined with this.

    ``format`` and ``join`` escape their plain-string arguments and keep ``Markdown`` ones, so templates
    such as ``Markdown("**Root cause** ({}): {}").format(category, text)`` are safe by construction.
    """

    __slots__ = ()

    def format(self, *args: object, **kwargs: object) -> Markdown:
        return Markdown(str.format(self, *map(escape, args), **{k: escape(v) for k, v in kwargs.items()}))

    def join(self, parts: Iterable[object]) -> Markdown:
        return Markdown(str.join(self, map(escape, parts)))


def escape(value: object) -> Markdown:
    """``value`` as Markdown that renders as exactly its text (``Markdown`` values pass unchanged).

    Every line break Python knows (``\\r``, U+2028, U+2029 and the rest) becomes a soft line break,
    leading and trailing blanks of each line are dropped, runs of blank lines become one paragraph
    break, and each line is safe at the start of a block: no line can open a heading, quote, list,
    rule, fence, table or HTML block, wherever the exporter puts it.
    """
    if isinstance(value, Markdown):
        return value
    lines: list[str] = []
    for raw in str(value).splitlines():
        line = _line(raw)
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return Markdown("\n".join(lines))


def escape_line(value: object) -> Markdown:
    """:func:`escape` on one line: line and paragraph breaks become single spaces (headings, table cells)."""
    return Markdown(" ".join(line for line in escape(value).split("\n") if line))


def escape_inline(text: str) -> str:
    """``text`` with every character that could start markup inside a line escaped (not yet safe at a line start)."""
    return text if _SPECIAL.search(text) is None else _INLINE.sub(r"\\\g<0>", text)


def guard_block_start(line: str) -> str:
    """``line`` (already :func:`escape_inline`'d) unable to open a heading, quote, list or rule at a block's start."""
    ordered = _ORDERED_ITEM.match(line)
    if ordered:
        return f"{line[: ordered.end()]}\\{line[ordered.end() :]}"
    return "\\" + line if _BLOCK_START.match(line) else line


_LINK_UNSAFE = str.maketrans({"(": "%28", ")": "%29", "\\": "%5C", "<": "%3C", ">": "%3E", " ": "%20", "|": "%7C"})


def link_target(url: str) -> str:
    """A vetted URL as a Markdown link destination: percent-encoded where Markdown would read it otherwise."""
    return url.translate(_LINK_UNSAFE)


def _line(raw: str) -> str:
    return guard_block_start(escape_inline(raw.strip(" \t")))
