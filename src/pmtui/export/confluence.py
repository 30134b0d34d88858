"""The post-mortem as a Confluence page body, in Confluence's storage format (XHTML-based XML).

Upload it as a page's ``body.storage`` through Confluence's REST API, or paste it into a storage-format source
editor. It is the Markdown document (:func:`.markdown.render_postmortem`) rendered by :mod:`.hypertext` as XML:
empty elements closed, only the entities XML itself defines, tables stored as Confluence stores its own (header
cells in the first row of the ``tbody``), and every code block a ``code`` macro whose text sits in CDATA.
"""

from __future__ import annotations

from ..model import Meeting
from .hypertext import markdown_markup, plain
from .markdown import render_postmortem

LANGUAGES = {
    **{name: name for name in ("actionscript3", "bash", "coldfusion", "cpp", "csharp", "css", "delphi", "diff",
                               "erlang", "groovy", "java", "javafx", "javascript", "perl", "php", "powershell",
                               "python", "ruby", "scala", "sql", "vb")},
    "sh": "bash", "shell": "bash", "console": "bash", "c++": "cpp", "c#": "csharp", "js": "javascript",
    "py": "python", "ps1": "powershell", "html": "html/xml", "xml": "html/xml", "rb": "ruby", "patch": "diff",
}
"""A fence's language as Confluence's code macro names it; any other is shown unhighlighted ("none"), since
the macro refuses to render a language it does not know."""

_TABLE_MARKUP = {
    "thead_open": "<tbody>\n",
    "thead_close": "",
    "tbody_open": "",
    "tbody_close": "",
    "table_close": "</tbody>\n</table>\n",
}


def render_confluence(meeting: Meeting, **options) -> str:
    """The post-mortem of ``meeting`` in Confluence storage format.

    ``options`` are :func:`.markdown.render_postmortem`'s (``minutes``, ``related_titles``, ``today``, ...).
    """
    document = render_postmortem(meeting, **options)
    return plain(markdown_markup(document, xhtml=True, fence=code_macro, markup=_TABLE_MARKUP))


def code_macro(language: str, text: str) -> str:
    """A ``code`` macro holding ``text`` as typed; a ``]]>`` in it is split across two CDATA sections."""
    body = plain(text).replace("]]>", "]]]]><![CDATA[>")
    return (
        '<ac:structured-macro ac:name="code">'
        f'<ac:parameter ac:name="language">{LANGUAGES.get(language.lower(), "none")}</ac:parameter>'
        f"<ac:plain-text-body><![CDATA[{body}]]></ac:plain-text-body>"
        "</ac:structured-macro>\n"
    )
