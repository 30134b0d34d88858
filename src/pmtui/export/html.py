"""The post-mortem as one standalone HTML page: styled for the screen, printable (the PDF is the browser's print).

The page is the Markdown document (:func:`.markdown.render_postmortem`) rendered by :mod:`.hypertext`, so a
person's text is text there too. It carries everything it needs: one inline style, no script, nothing fetched
(a Content-Security-Policy says so to the browser as well), so it can be mailed, attached or archived as is.
"""

from __future__ import annotations

from html import escape

from ..model import Meeting
from .chart import LEAD_UP, ChartPlan, chart_plan
from .hypertext import markdown_markup, plain
from .markdown import render_postmortem
from .phases import is_the_chart, moment_text

_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
"""Nothing is loaded and nothing runs, whatever a future change lets into the page."""

_STYLE = """
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --band: #f6f8fa; --accent: #0a58ca; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: var(--ink); font: 16px/1.55 system-ui, -apple-system, "Segoe UI",
       Roboto, "Helvetica Neue", Arial, sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji";
       overflow-wrap: break-word; }
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
.chart { margin: 1rem 0 .5rem; padding: .75rem 1rem; border: 1px solid var(--line); border-radius: 4px; }
.chart figcaption { font-weight: 600; margin-bottom: .5rem; }
.chart-grid { display: grid; grid-template-columns: max-content 1fr max-content; gap: .4rem .75rem;
              align-items: center; }
.chart-row, .chart-axis { display: contents; }
.chart-track { display: block; height: 1.15rem; background: var(--band); border-radius: 3px; }
.chart-bar { display: block; height: 100%; min-width: 3px; background: #6c9bd2; border: 1px solid #2f5f96;
             border-radius: 3px; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.chart-bar.lead-up { background: #d5dce5; border-color: #8a99ab; }
.chart-when, .chart-axis { color: var(--muted); font-size: .85rem; font-variant-numeric: tabular-nums; }
.chart-when { white-space: nowrap; }
.chart-scale { display: flex; justify-content: space-between; }
@media (max-width: 40rem) {
  .chart-grid { grid-template-columns: 1fr; gap: .15rem; }
  .chart-when { margin-bottom: .5rem; }
  .chart-axis > :first-child, .chart-axis > :last-child { display: none; }
}
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
  tr, li, pre, blockquote, .chart { break-inside: avoid; page-break-inside: avoid; }
  .chart-track { background: none; border-bottom: 1px solid #ccc; }
  th, code, pre, tbody tr:nth-child(even) td { background: none; }
  th, td, pre { border-color: #888; }
}
"""


def render_html(meeting: Meeting, **options) -> str:
    """The post-mortem of ``meeting`` as a standalone HTML page.

    ``options`` are :func:`.markdown.render_postmortem`'s (``minutes``, ``related_titles``, ``today``, ...):
    the page shows the same document.
    """
    plan = chart_plan(meeting)

    def code(language: str, text: str) -> str:
        if is_the_chart(plan, language, text):
            return _chart(plan)
        return f"<pre><code>{escape(text, quote=False)}</code></pre>\n"

    body = markdown_markup(render_postmortem(meeting, **options), xhtml=False, fence=code,
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


def _chart(plan: ChartPlan) -> str:
    """The phases as bars on one time scale, each with its label, length and times, in place of the Mermaid
    block: drawn by the page's own style, so it prints and needs nothing fetched."""
    total = (plan.end - plan.start).total_seconds()
    rows = []
    for bar in plan.bars:
        left = (bar.start - plan.start).total_seconds() / total * 100
        width = bar.seconds / total * 100
        kind = "lead-up" if bar.label == LEAD_UP else "phase"
        rows.append(
            f'<div class="chart-row"><span class="chart-label">{escape(bar.title)}</span>'
            f'<span class="chart-track"><span class="chart-bar {kind}" style="margin-left:{left:.3f}%;'
            f'width:{width:.3f}%"></span></span><span class="chart-when">{moment_text(plan, bar.start)} – '
            f"{moment_text(plan, bar.end)}</span></div>\n"
        )
    scale = f"<span>{moment_text(plan, plan.start)}</span><span>{moment_text(plan, plan.end)}</span>"
    return (
        '<figure class="chart">\n<figcaption>Incident phases</figcaption>\n<div class="chart-grid">\n'
        + "".join(rows)
        + f'<div class="chart-axis"><span></span><span class="chart-scale">{scale}</span><span></span></div>\n'
        "</div>\n</figure>\n"
    )
