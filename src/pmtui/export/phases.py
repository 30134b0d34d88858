"""The incident's phase chart for the formats that draw it themselves (HTML, Confluence) instead of as Mermaid."""

from __future__ import annotations

from datetime import datetime

from ..timeparse import local
from .chart import ChartPlan, mermaid_gantt


def is_the_chart(plan: ChartPlan | None, language: str, text: str) -> bool:
    """Whether a code block of the document is its phase chart, and not a Mermaid block someone wrote in a
    narrative section (that one stays code)."""
    return plan is not None and language == "mermaid" and text == mermaid_gantt(plan)


def moment_text(plan: ChartPlan, moment: datetime) -> str:
    """A bar's end as the chart shows it: wall-clock time in the plan's zone, with the day when the chart spans
    several, with seconds when any moment has them."""
    seconds = any(m.second for bar in plan.bars for m in (bar.start, bar.end))
    fmt = ("%b %d " if plan.multi_day else "") + ("%H:%M:%S" if seconds else "%H:%M")
    return local(moment, plan.tz).strftime(fmt)
