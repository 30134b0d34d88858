"""Chromium for the browser note-taker's tests: the system's Chromium, driven by Playwright.

Playwright's own browser download is not possible here (no network but the package registries), so the
fixture launches Debian's Chromium (``/usr/bin/chromium``, or ``PMTUI_CHROMIUM``). The browser tests skip
only when no Chromium exists. Pages talk to a :class:`test_room_support.Room` on 127.0.0.1 in the test's own
event loop, so a test sees the facilitator's session and the page side by side.

Usage::

    async def test_x(room, browser):
        page = await browser.new_page()
        await page.goto(join_link(room))
"""

from __future__ import annotations

import os
import shutil

import pytest

from test_room_support import TOKEN

CHROMIUM = os.environ.get("PMTUI_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    # Without the background-networking flags Chromium tries Google's hosts at every start, and this
    # machine's closed network refuses them many at a time.
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def join_link(room, token: str = TOKEN) -> str:
    """The link the facilitator gives: the room's address, the token in the fragment."""
    return f"{room.url}/#t={token}"


@pytest.fixture
async def browser():
    """A headless Chromium for one test (closed after it, also when it fails)."""
    if not CHROMIUM:
        pytest.skip("no Chromium on this machine (install Debian's chromium, or set PMTUI_CHROMIUM)")
    playwright_api = pytest.importorskip("playwright.async_api")
    async with playwright_api.async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000)
        try:
            yield chromium
        finally:
            await chromium.close()
