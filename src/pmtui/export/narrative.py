"""A narrative section's Markdown, made safe to publish inside the post-mortem document.

The narrative sections are the one place where a person's Markdown is honoured
(only the facilitator and the document owner write them): paragraphs, emphasis,
lists, quotes, tables, code and links come out as written. Raw HTML does not:
the section is parsed with markdown-it-py with HTML disabled and written back
as Markdown from the parse, so an HTML block or an inline tag is text in the
parse and is escaped on the way out — it reads as the tag it is in any
renderer, even one that honours HTML. Headings are demoted below the section's
own heading so the document's outline stays intact, and indented code becomes
fenced code. Bidi controls and invisible characters are dropped (see
:mod:`pmtui.text`).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from ..text import clean
from .escape import Markdown, escape_inline, guard_block_start, link_target


def document_parser(*, xhtml: bool = False) -> MarkdownIt:
    """The Markdown grammar of the document: CommonMark with tables and strikethrough, raw HTML off.

    The narrative sections are normalised with it and the HTML and Confluence pages render with it, so a
    section means the same thing in every format.
    """
    return MarkdownIt("commonmark", {"html": False, "xhtmlOut": xhtml}).enable(["table", "strikethrough"])


_PARSER = document_parser()
_INFO = re.compile(r"[^\w+#.-]")
_BACKTICKS = re.compile(r"`+")
_EMPHASIS = {"em": "*", "strong": "**", "s": "~~"}
_TIGHT = ("paragraph", "bullet_list", "ordered_list")


def render_narrative(text: str, *, level: int = 2) -> Markdown:
    """``text`` (a section as typed) as Markdown to place under a heading of ``level``.

    Its headings start at ``level + 1`` (``#`` becomes ``###`` under a ``##``),
    capped at six; raw HTML comes out as literal text. Empty text gives "".
    """
    source = clean("\n".join(text.splitlines()), multiline=True)
    tree = SyntaxTreeNode(_PARSER.parse(source))
    return Markdown("\n".join(_blocks(tree.children, level, tight=False)))


def _blocks(nodes: list[SyntaxTreeNode], level: int, *, tight: bool) -> list[str]:
    """The lines of a run of blocks: a blank line between them, none in a tight list item."""
    lines: list[str] = []
    previous = ""
    for node in nodes:
        block = _block(node, level)
        if not block:
            continue
        if lines and not (tight and previous in _TIGHT and node.type in _TIGHT):
            lines.append("")
        lines += block
        previous = node.type
    return lines


def _block(node: SyntaxTreeNode, level: int) -> list[str]:
    kind = node.type
    if kind == "paragraph":
        return _paragraph(node)
    if kind == "heading":
        depth = min(6, int(node.tag[1]) + level)
        title = " ".join(_inline(node.children[0]).split("\n")).strip()
        if title.endswith("#"):
            title = title[:-1] + "\\#"
        return [f"{'#' * depth} {title}".rstrip()]
    if kind in ("fence", "code_block"):
        return _code(node.content, node.info if kind == "fence" else "")
    if kind == "hr":
        return ["***"]
    if kind == "blockquote":
        return [f"> {line}" if line else ">" for line in _blocks(node.children, level, tight=False)]
    if kind in ("bullet_list", "ordered_list"):
        return _list(node, level)
    if kind == "table":
        return _table(node)
    return []


def _paragraph(node: SyntaxTreeNode) -> list[str]:
    """A paragraph's lines, each made unable to start a block of its own."""
    lines = []
    for line in _inline(node.children[0]).split("\n"):
        lines.append(guard_block_start(line.strip(" \t")))
    return lines


def _code(content: str, info: str) -> list[str]:
    """Code as a fence longer than any run of backticks in it, so nothing in it can close the fence."""
    longest = max((len(run) for run in _BACKTICKS.findall(content)), default=0)
    fence = "`" * max(3, longest + 1)
    language = _INFO.sub("", info.split()[0]) if info.split() else ""
    body = content[:-1] if content.endswith("\n") else content
    return [f"{fence}{language}", *(body.split("\n") if body else []), fence]


def _list(node: SyntaxTreeNode, level: int) -> list[str]:
    """A list with its own markers (two lists in a row stay two), tight or loose as written."""
    paragraphs = [c for item in node.children for c in item.children if c.type == "paragraph"]
    tight = all(p.hidden for p in paragraphs)
    start = int(node.attrs.get("start", 1)) if node.type == "ordered_list" else 0
    lines: list[str] = []
    for number, item in enumerate(node.children, start):
        marker = f"{number}{item.markup}" if node.type == "ordered_list" else item.markup
        body = _blocks(item.children, level, tight=tight) or [""]
        pad = " " * (len(marker) + 1)
        if lines and not tight:
            lines.append("")
        lines.append(f"{marker} {body[0]}".rstrip())
        lines += [pad + line if line else "" for line in body[1:]]
    return lines


def _table(node: SyntaxTreeNode) -> list[str]:
    rows = [row for part in node.children for row in part.children]
    header = rows[0].children
    aligns = [_alignment(cell.attrs.get("style", "")) for cell in header]
    lines = [_row(header), "| " + " | ".join(aligns) + " |"]
    lines += [_row(row.children) for row in rows[1:]]
    return lines


def _alignment(style: object) -> str:
    return {"text-align:left": ":---", "text-align:right": "---:", "text-align:center": ":---:"}.get(str(style), "---")


def _row(cells: list[SyntaxTreeNode]) -> str:
    texts = [_inline(cell.children[0], in_table=True) if cell.children else "" for cell in cells]
    return "| " + " | ".join(text.strip() for text in texts) + " |"


def _inline(node: SyntaxTreeNode, *, in_table: bool = False) -> str:
    return "".join(_span(child, in_table) for child in node.children)


def _span(node: SyntaxTreeNode, in_table: bool) -> str:
    kind = node.type
    if kind == "text":
        return escape_inline(node.content)
    if kind == "softbreak":
        return "\n"
    if kind == "hardbreak":
        return "\\\n"
    if kind == "code_inline":
        return _code_span(node.content.replace("|", "\\|") if in_table else node.content)
    inner = "".join(_span(child, in_table) for child in node.children)
    if kind in _EMPHASIS:
        return f"{_EMPHASIS[kind]}{inner}{_EMPHASIS[kind]}"
    if kind == "link":
        return f"[{inner}]({_destination(node.attrs.get('href'), node.attrs.get('title'))})"
    if kind == "image":
        return f"![{inner}]({_destination(node.attrs.get('src'), node.attrs.get('title'))})"
    return inner


def _code_span(content: str) -> str:
    """A code span delimited by a run of backticks its content does not hold."""
    runs = {len(run) for run in _BACKTICKS.findall(content)}
    ticks = "`" * next(n for n in range(1, len(runs) + 2) if n not in runs)
    pad = " " if content.startswith(("`", " ")) or content.endswith(("`", " ")) else ""
    return f"{ticks}{pad}{content}{pad}{ticks}"


def _destination(url: object, title: object) -> str:
    """A link's destination (already vetted and percent-encoded by the parser) and title, quoted for Markdown."""
    target = link_target(str(url or ""))
    if not title:
        return target
    quoted = re.sub(r'[\\"<]', r"\\\g<0>", " ".join(str(title).split()))
    return f'{target} "{quoted}"'
