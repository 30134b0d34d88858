"""The browser page's accessibility, as far as CI can check it without axe-core (which npm would bring).

Structure a screen reader depends on (a label for every field, one h1, a live region for arriving
entries, tables with header cells), and the page used with the keyboard alone, at a laptop's and a
phone's size.
"""

from __future__ import annotations

import pytest

from browser_support import browser, chromium, join_link, room  # noqa: F401 (fixtures)

pytestmark = pytest.mark.asyncio(loop_scope="module")
"""One Chromium and one event loop for the module (browser_support)."""

WAIT = 15_000
SIZES = {"laptop": {"width": 1400, "height": 900}, "phone": {"width": 390, "height": 844}}

UNLABELLED = """() => [...document.querySelectorAll("input, textarea, select")]
    .filter((field) => field.type !== "hidden")
    .filter((field) => !(field.labels && field.labels.length) && !field.getAttribute("aria-label")
        && !(field.getAttribute("aria-labelledby") || "").split(/\\s+/).some((id) => id && document.getElementById(id)))
    .map((field) => field.outerHTML.slice(0, 120))"""

HEADERLESS_TABLES = """() => [...document.querySelectorAll("table")]
    .filter((table) => {
        const heads = table.querySelectorAll("thead th");
        const columns = Math.max(0, ...[...table.rows].map((row) => row.cells.length));
        return heads.length === 0 || heads.length < columns;
    })
    .map((table) => table.id || table.outerHTML.slice(0, 80))"""


async def joined(browser, room, size: dict):
    page = await browser.new_page(viewport=size)
    await page.goto(join_link(room))
    await page.locator("#name-input").fill("ada")
    await page.locator("#name-input").press("Enter")
    await page.wait_for_selector("#status[data-state=connected]", timeout=WAIT)
    return page


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
async def test_every_field_is_labelled_with_one_h1_a_live_region_and_table_headers(room, browser, size):
    room.session.add_event("14:00", "checkout errors start", "web", author="facilitator")
    page = await joined(browser, room, size)
    await page.wait_for_selector("#timeline-body tr", timeout=WAIT)
    assert await page.evaluate(UNLABELLED) == []
    assert await page.locator("h1").count() == 1
    assert await page.get_attribute("html", "lang")
    live = page.locator("[aria-live]")
    assert await live.count() >= 1
    assert {await live.nth(i).get_attribute("aria-live") for i in range(await live.count())} <= {"polite", "assertive"}
    # a region out of the layout (display: none) is not read out: visually hidden is the way
    assert await page.evaluate("() => [...document.querySelectorAll('[aria-live]')]"
                               ".some((region) => getComputedStyle(region).display !== 'none')")
    assert await page.locator("table").count() >= 1
    assert await page.evaluate(HEADERLESS_TABLES) == []
    # the entry line is on screen without scrolling, at both sizes
    box = await page.locator("#entry").bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"], box


async def tab_stops(page, count: int) -> list[str]:
    """What the keyboard focus lands on for ``count`` presses of Tab: ids, else the element's text."""
    stops = []
    for _ in range(count):
        await page.keyboard.press("Tab")
        stops.append(await page.evaluate("""() => {
            const focused = document.activeElement;
            if (!focused || focused === document.body) return "BODY";  // out of the page, to the browser's own
            return focused.id || focused.textContent.trim() || focused.tagName;
        }"""))
    return stops


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
async def test_the_page_works_with_the_keyboard_alone(room, browser, size):
    page = await joined(browser, room, size)
    assert await page.evaluate("document.activeElement.id") == "entry"  # focused on load: type at once
    await page.keyboard.type("14:07 typed without a mouse")
    await page.keyboard.press("Enter")
    await page.wait_for_function("() => document.querySelectorAll('#timeline-body tr').length === 1", timeout=WAIT)
    assert [e.description for e in room.session.meeting.events] == ["typed without a mouse"]
    await page.wait_for_function("() => document.querySelector('#timeline-body button') !== null", timeout=WAIT)

    stops = await tab_stops(page, 12)
    assert "entry-submit" in stops and "contrast-toggle" in stops, stops
    assert "Edit" in stops and "Remove" in stops, stops  # one's own entry's buttons
    # the keyboard gets back to the entry field from anywhere: Tab onwards goes round
    more = await tab_stops(page, 12)
    assert "entry" in stops + more, stops + more

    # the high-contrast switch works from the keyboard
    await page.focus("#contrast-toggle")
    await page.keyboard.press("Enter")
    assert await page.get_attribute("#contrast-toggle", "aria-pressed") == "true"
