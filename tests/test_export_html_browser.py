"""The HTML page in the system's Chromium: nothing runs, nothing is fetched, no error, and it prints to PDF.

Skipped only where no Chromium is installed (see browser_support.py). The screenshots and PDFs are kept under
the test's tmp dir (``pytest --basetemp=DIR`` to keep them somewhere known): look at them after a change to
the page's style.
"""

from __future__ import annotations

import pytest

from browser_support import browser, chromium  # noqa: F401 (fixtures)
from chart_cases import CASES
from export_attacks import attack_meeting, expected_text
from pmtui.demo import demo_meeting
from pmtui.export.html import render_html

pytestmark = pytest.mark.asyncio(loop_scope="module")
"""One Chromium and one event loop for the module (browser_support)."""


class Opened:
    """A page with the HTML export loaded, and everything it tried: requests, console errors, dialogs."""

    def __init__(self, page) -> None:
        self.page = page
        self.requests: list[str] = []
        self.problems: list[str] = []
        page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda exc: self.problems.append(f"uncaught: {exc}"))
        page.on("dialog", lambda dialog: self.problems.append(f"dialog: {dialog.message}"))

    async def load(self, html: str) -> None:
        async def refuse(route):
            self.requests.append(route.request.url)
            await route.abort()

        await self.page.route("**/*", refuse)
        await self.page.set_content(html, wait_until="load")


async def opened(browser, html: str, **context) -> Opened:
    page = await (await browser.new_context(**context)).new_page()
    shown = Opened(page)
    await shown.load(html)
    return shown


async def test_the_demo_page_on_screen_and_on_paper(browser, tmp_path):
    shown = await opened(browser, render_html(demo_meeting(), minutes=True), viewport={"width": 1280, "height": 900})
    page = shown.page
    assert await page.title() == "Post-mortem: Checkout errors after connection pool change"
    assert await page.evaluate("document.scripts.length") == 0
    assert await page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    bars = await page.locator(".chart-bar").evaluate_all("bars => bars.map(b => b.getBoundingClientRect().width)")
    assert len(bars) == 5 and all(width >= 3 for width in bars)
    await page.screenshot(path=tmp_path / "demo-1280.png", full_page=True)
    await page.emulate_media(media="print")
    assert await page.evaluate("getComputedStyle(document.querySelector('th')).backgroundColor") in (
        "rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    assert await page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    link = page.locator("a[href^='https://']").first
    assert await link.get_attribute("href") in await link.evaluate("a => getComputedStyle(a, '::after').content")
    await page.screenshot(path=tmp_path / "demo-print.png", full_page=True)
    pdf = await page.pdf(format="A4", print_background=False)
    (tmp_path / "demo.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
    assert shown.requests == [] and shown.problems == []


async def test_the_page_on_a_phone(browser, tmp_path):
    shown = await opened(browser, render_html(CASES["gitlab_2017"]()), viewport={"width": 390, "height": 844})
    page = shown.page
    assert await page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    await page.screenshot(path=tmp_path / "gitlab-390.png", full_page=True)
    assert shown.requests == [] and shown.problems == []


async def test_the_attacks_do_nothing_in_a_browser(browser, tmp_path):
    meeting, shown_texts = attack_meeting()
    shown = await opened(browser, render_html(meeting, minutes=True), viewport={"width": 1280, "height": 900})
    page = shown.page
    await page.mouse.move(200, 200)
    await page.mouse.move(600, 500)
    assert await page.evaluate("window.__pwned") is None
    elements = "script, img, svg, iframe, object, embed, style"
    assert await page.evaluate(f"document.querySelectorAll('{elements}').length") == 1  # the page's own style
    text = " ".join((await page.evaluate("document.body.innerText")).split())
    for typed in shown_texts[:20]:
        assert expected_text(typed) in text, typed
    hrefs = await page.locator("a").evaluate_all("links => links.map(a => a.protocol)")
    assert set(hrefs) <= {"http:", "https:"}
    pdf = await page.pdf(format="A4")
    assert pdf.startswith(b"%PDF-")
    assert shown.requests == [] and shown.problems == []
