"""The post-mortem's Markdown as HTML markup, for the HTML page and the Confluence page.

The document is rendered by markdown-it-py with raw HTML off, so whatever looks like a tag in anyone's text is
shown as text; links are kept only where markdown-it's own check lets them through (never ``javascript:``,
``vbscript:``, ``file:`` or ``data:``); an image becomes a link to it, so an exported page loads nothing. Each
format draws fenced code its own way (``fence``) and may replace the markup of a few tokens (``markup``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from markdown_it.common.utils import escapeHtml

from ..text import clean
from .narrative import document_parser

FenceMarkup = Callable[[str, str], str]
"""Draws a code block: (the first word of its info string, e.g. "mermaid" or "", its text) -> markup."""

_XML_FORBIDDEN = re.compile("[\ufffe\uffff]")


def plain(text: str) -> str:
    """``text`` without the characters pmtui never keeps (see :func:`pmtui.text.clean`) nor those XML forbids.

    Applied to the markup a format made: removing a character can never open a tag or an entity there, since
    every ``<`` and ``&`` of the text is already escaped.
    """
    return _XML_FORBIDDEN.sub("", clean(text, multiline=True))


def markdown_markup(
    document: str, *, xhtml: bool, fence: FenceMarkup, markup: Mapping[str, str] | None = None
) -> str:
    """``document`` (Markdown) as HTML; ``xhtml`` closes empty elements (``<br />``), as XML needs.

    ``markup`` gives fixed markup for some token types (e.g. ``"table_open"``), in place of markdown-it's.
    """
    md = document_parser(xhtml=xhtml)

    def code(self, tokens, idx, options, env) -> str:
        token = tokens[idx]
        words = token.info.split(maxsplit=1) if token.type == "fence" else []
        return fence(words[0] if words else "", token.content)

    md.add_render_rule("fence", code)
    md.add_render_rule("code_block", code)
    md.add_render_rule("image", _image_as_link)
    for token_type, fixed in (markup or {}).items():
        md.add_render_rule(token_type, lambda self, tokens, idx, options, env, fixed=fixed: fixed)
    return md.render(document)


def _image_as_link(self, tokens, idx, options, env) -> str:
    """An image as a link to it (its alt text, else "image"): the page never fetches it."""
    token = tokens[idx]
    text = escapeHtml(self.renderInlineAsText(token.children or [], options, env) or "image")
    source = str(token.attrGet("src") or "")
    if not source.lower().startswith(("http://", "https://")):
        return text
    return f'<a href="{escapeHtml(source)}">{text}</a>'
