"""The post-mortem as one standalone HTML page: styled for the screen, printable (the PDF is the browser's print).

The page is the Markdown document (:func:`.markdown.render_postmortem`) rendered by :mod:`.hypertext`, so a
person's text is text there too. It carries everything it needs: one inline style, no script, nothing fetched
(a Content-Security-Policy says so to the browser as well), so it can be mailed, attached or archived as is.
"""

from __future__ import annotations

from html import escape

from ..model import Meeting
from .hypertext import markdown_markup, plain
from .markdown import render_postmortem

_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
"""Nothing is loaded and nothing runs, whatever a future change lets into the page."""

_STYLE = """
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --band: #f6f8fa; --accent: #0a58ca; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: var(--ink); font: 16px/1.55 system-ui, -apple-system, "Segoe UI",
       Roboto, "Helvetica Neue", Arial, sans-serif; overflow-wrap: anywhere; }
main { max-width: 62rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 .5rem; }
h2 { font-size: 1.4rem; margin: 2.2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.15rem; margin: 1.6rem 0 .4rem; }
h4, h5, h6 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
h1 + p { color: var(--muted); margin-top: 0; }
a { color: var(--accent); }
code, pre { font: .9em/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
code { background: var(--band); padding: .1em .3em; border-radius: 3px; }
pre { background: var(--band); border: 1px solid var(--line); border-radius: 4px; padding: .75rem 1rem;
      white-space: pre-wrap; }
pre code { background: none; padding: 0; }
blockquote { margin: 1rem 0; padding: 0 1rem; border-left: 4px solid var(--line); color: var(--muted); }
.table { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { border: 1px solid var(--line); padding: .35rem .55rem; text-align: left; vertical-align: top; }
th { background: var(--band); font-weight: 600; }
tbody tr:nth-child(even) td { background: #fbfcfd; }
ul, ol { padding-left: 1.6rem; }
li + li { margin-top: .2rem; }
hr { border: 0; border-top: 1px solid var(--line); margin: 2rem 0; }
@media print {
  @page { margin: 16mm 14mm; }
  body { font-size: 10.5pt; color: #000; background: #fff; }
  main { max-width: none; padding: 0; }
  a { color: #000; text-decoration: underline; }
  a[href^="http"]::after { content: " <" attr(href) ">"; font-size: .85em; overflow-wrap: anywhere; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  h2 { margin-top: 1.4rem; }
  .table { overflow: visible; }
  table { font-size: 9pt; }
  thead { display: table-header-group; }
  tr, li, pre, blockquote { break-inside: avoid; page-break-inside: avoid; }
  th, code, pre, tbody tr:nth-child(even) td { background: none; }
  th, td, pre { border-color: #888; }
}
"""


def render_html(meeting: Meeting, **options) -> str:
    """The post-mortem of ``meeting`` as a standalone HTML page.

    ``options`` are :func:`.markdown.render_postmortem`'s (``minutes``, ``related_titles``, ``today``, ...):
    the page shows the same document.
    """
    body = markdown_markup(render_postmortem(meeting, **options), xhtml=False, fence=_code,
                           markup={"table_open": '<div class="table"><table>\n', "table_close": "</table></div>\n"})
    title = escape(" ".join(meeting.incident.title.split()) or "Incident")
    return plain(
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="pmtui">\n'
        f"<title>Post-mortem: {title}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


def _code(language: str, text: str) -> str:
    return f"<pre><code>{escape(text, quote=False)}</code></pre>\n"
