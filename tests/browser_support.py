"""Chromium for the browser note-taker's tests: the system's Chromium, driven by Playwright.

Playwright's own browser download is not possible here (no network but the package registries), so the
fixture launches Debian's Chromium (``/usr/bin/chromium``, or ``PMTUI_CHROMIUM``). The browser tests skip
only when no Chromium exists. Pages talk to a :class:`test_room_support.Room` on 127.0.0.1 in the test's own
event loop, so a test sees the facilitator's session and the page side by side.

A browser test module runs in one event loop (``pytestmark = pytest.mark.asyncio(loop_scope="module")``) and
takes ``room`` from here, not from test_room_support. Usage::

    from browser_support import browser, chromium, join_link, room  # noqa: F401 (fixtures)
    pytestmark = pytest.mark.asyncio(loop_scope="module")

    async def test_x(room, browser):
        page = await browser.new_page()
        await page.goto(join_link(room))
"""

from __future__ import annotations

import os
import shutil

import pytest
import pytest_asyncio

from test_room_support import TOKEN, running_room

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


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def chromium():
    """One headless Chromium per test module (and worker): starting one costs 1.5-4 s, a new context ~50 ms."""
    if not CHROMIUM:
        pytest.skip("no Chromium on this machine (install Debian's chromium, or set PMTUI_CHROMIUM)")
    playwright_api = pytest.importorskip("playwright.async_api")
    async with playwright_api.async_playwright() as playwright:
        shared = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000)
        try:
            yield shared
        finally:
            await shared.close()


@pytest_asyncio.fixture(loop_scope="module")
async def browser(chromium):
    """The module's Chromium for one test; every context (profile: storage, cookies) the test opened is closed
    after it, so no test sees another's storage."""
    before = set(chromium.contexts)
    yield chromium
    for context in chromium.contexts:
        if context not in before:
            await context.close()


@pytest_asyncio.fixture(loop_scope="module")
async def room(tmp_path, user_folders):
    """The room of tests/test_room_support.py, in the browser module's event loop (where Playwright runs)."""
    async with running_room(tmp_path, user_folders.outbox) as shared:
        yield shared
