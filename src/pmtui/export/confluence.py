"""The post-mortem as a Confluence page body, in Confluence's storage format (XHTML-based XML).

Upload it as a page's ``body.storage`` through Confluence's REST API, or paste it into a storage-format source
editor. It is the Markdown document (:func:`.markdown.render_postmortem`) rendered by :mod:`.hypertext` as XML:
empty elements closed, only the entities XML itself defines, tables stored as Confluence stores its own (header
cells in the first row of the ``tbody``), every code block a ``code`` macro whose text sits in CDATA, and the
incident's phase chart a table of its phases (Confluence draws no Mermaid without an app).
"""

from __future__ import annotations

from html import escape

from ..model import Meeting
from .chart import ChartPlan, chart_duration, chart_plan
from .hypertext import markdown_markup, plain
from .markdown import render_postmortem
from .phases import is_the_chart, moment_text

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
    plan = chart_plan(meeting)

    def code(language: str, text: str) -> str:
        return _phase_table(plan) if is_the_chart(plan, language, text) else code_macro(language, text)

    document = render_postmortem(meeting, **options)
    return plain(markdown_markup(document, xhtml=True, fence=code, markup=_TABLE_MARKUP))


def _phase_table(plan: ChartPlan) -> str:
    rows = "".join(
        f"<tr><td>{escape(bar.label)}</td><td>{moment_text(plan, bar.start)}</td><td>{moment_text(plan, bar.end)}"
        f"</td><td>{chart_duration(bar.seconds)}</td></tr>\n"
        for bar in plan.bars
    )
    return ("<table>\n<tbody>\n<tr><th>Phase</th><th>From</th><th>To</th><th>Length</th></tr>\n"
            f"{rows}</tbody>\n</table>\n")


def code_macro(language: str, text: str) -> str:
    """A ``code`` macro holding ``text`` as typed; a ``]]>`` in it is split across two CDATA sections."""
    body = plain(text).replace("]]>", "]]]]><![CDATA[>")
    return (
        '<ac:structured-macro ac:name="code">'
        f'<ac:parameter ac:name="language">{LANGUAGES.get(language.lower(), "none")}</ac:parameter>'
        f"<ac:plain-text-body><![CDATA[{body}]]></ac:plain-text-body>"
        "</ac:structured-macro>\n"
    )
