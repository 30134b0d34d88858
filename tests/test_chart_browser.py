"""The charts read by the real Mermaid: ``mermaid.min.js`` from the npm ``mermaid`` package in the system Chromium.

``mermaid.parse`` runs Mermaid's own grammar on every chart the chart tests build; rendering draws each named
case to SVG and measures the bars, because Mermaid turns a date it cannot read into a bar of no length (or
today) without an error, which only the drawing shows. The package is ``$PMTUI_MERMAID_JS`` or
``.ci/node_modules/mermaid/dist/mermaid.min.js`` (``.ci/run`` installs it: ``npm install --prefix .ci mermaid@11``);
the module skips only when that file or Chromium is missing.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
import pytest_asyncio

from browser_support import chromium  # noqa: F401 (fixture)
from chart_cases import CASES, random_meetings
from mermaid_gantt import gantt_violations
from pmtui.demo import demo_meeting
from pmtui.export.chart import ChartPlan, chart_plan, mermaid_gantt
from pmtui.timeparse import local

pytestmark = pytest.mark.asyncio(loop_scope="module")
"""One Chromium and one event loop for the module (browser_support)."""

# Read at import: the conftest clears every PMTUI_* variable before each test.
MERMAID_JS = Path(
    os.environ.get("PMTUI_MERMAID_JS")
    or Path(__file__).resolve().parents[1] / ".ci" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
)

PARSE = """async (charts) => {
    const errors = [];
    for (const chart of charts) {
        try { await mermaid.parse(chart); } catch (error) { errors.push(String(error.message || error)); }
    }
    return errors;
}"""

# Draw into a 1200px-wide box, then read each bar's position and the labels as the browser laid them out.
RENDER = """async (chart) => {
    const box = document.createElement('div');
    box.style.width = '1200px';
    document.body.replaceChildren(box);
    const { svg } = await mermaid.render('chart' + Math.random().toString(36).slice(2), chart, box);
    box.innerHTML = svg;
    const bars = [...box.querySelectorAll('rect.task')].map(rect => ({
        x: rect.x.baseVal.value, width: rect.width.baseVal.value,
    }));
    const labels = [...box.querySelectorAll('text.taskText, text.taskTextOutsideRight, text.taskTextOutsideLeft')]
        .map(text => text.textContent);
    return { bars, labels };
}"""


@pytest.fixture(scope="module")
def mermaid_js() -> Path:
    """The package's script; asked for before ``chromium``, so a missing package skips before a browser starts."""
    if not MERMAID_JS.is_file():
        pytest.skip(f"no {MERMAID_JS} (install it: npm install --prefix .ci mermaid@11, or set PMTUI_MERMAID_JS)")
    return MERMAID_JS


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def mermaid_page(mermaid_js, chromium):
    """A page with Mermaid loaded and started without scanning the page; its clock zone is UTC."""
    context = await chromium.new_context(timezone_id="UTC")
    page = await context.new_page()
    await page.add_script_tag(path=str(mermaid_js))
    await page.evaluate("mermaid.initialize({ startOnLoad: false })")
    yield page
    await context.close()


def every_chart() -> list[str]:
    meetings = [case() for case in CASES.values()] + random_meetings() + [demo_meeting()]
    return [mermaid_gantt(plan) for plan in map(chart_plan, meetings) if plan is not None]


async def test_mermaid_parses_every_chart(mermaid_page):
    charts = every_chart()
    assert len(charts) > 30 and all(gantt_violations(chart) == [] for chart in charts)
    assert await mermaid_page.evaluate(PARSE, charts) == []


async def test_mermaid_rejects_what_the_grammar_check_rejects(mermaid_page):
    """The parse check can fail: a task name with a colon in it is a syntax error to Mermaid too."""
    broken = "gantt\n    dateFormat YYYY-MM-DD\n    Phase : 2026-03-14, 2026-03-15\n    click : x\n"
    assert gantt_violations(broken) and await mermaid_page.evaluate(PARSE, [broken])


def _wall_clock(plan: ChartPlan, moment: datetime) -> float:
    """Seconds from the chart's start as its dates are written (wall-clock times in the incident's zone)."""
    naive = local(moment, plan.tz).replace(tzinfo=None)
    return (naive - local(plan.start, plan.tz).replace(tzinfo=None)).total_seconds()


@pytest.mark.parametrize("case", CASES)
async def test_mermaid_draws_each_bar_where_and_as_long_as_its_phase(mermaid_page, case):
    plan = chart_plan(CASES[case]())
    drawn = await mermaid_page.evaluate(RENDER, mermaid_gantt(plan))
    assert len(drawn["bars"]) == len(plan.bars)
    assert drawn["labels"] == [bar.title for bar in plan.bars]
    left = min(bar["x"] for bar in drawn["bars"])
    span = max(bar["x"] + bar["width"] for bar in drawn["bars"]) - left
    wall_span = max(_wall_clock(plan, bar.end) for bar in plan.bars)
    for bar, shape in zip(plan.bars, drawn["bars"], strict=True):
        assert shape["width"] > 0
        assert shape["width"] / span == pytest.approx(_wall_clock(plan, bar.end) / wall_span
                                                      - _wall_clock(plan, bar.start) / wall_span, abs=0.002)
        assert (shape["x"] - left) / span == pytest.approx(_wall_clock(plan, bar.start) / wall_span, abs=0.002)
