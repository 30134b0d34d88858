"""The browser page when the room goes away, comes back or refuses it: every entry stored once, in order.

A real Chromium (tests/browser_support.py) opens the room's own page. The network is cut with a loopback
proxy between page and room (Playwright's offline mode leaves open WebSockets alone, so it would prove
nothing); the facilitator's restart is the room's server and session stopped and opened again on the same
port. Each wait is bounded; what the page shows is read through its element ids (src/pmtui/room/web).
"""

from __future__ import annotations

import asyncio
import base64

import pytest
from aiohttp import web

from browser_support import browser, chromium, join_link, room  # noqa: F401 (fixtures)
from test_room_support import TOKEN, TcpProxy, events_by, reload, until

pytestmark = pytest.mark.asyncio(loop_scope="module")
"""One Chromium and one event loop for the module (browser_support)."""

WAIT = 15_000
"""Milliseconds any one thing the page should do may take (a loaded CI machine included)."""


async def joined_page(browser, link: str, name: str = "ada"):
    """A page that opened ``link`` and joined the room as ``name`` (connected, the entry field ready)."""
    page = await browser.new_page()
    await page.goto(link)
    await page.locator("#name-input").fill(name)
    await page.locator("#name-input").press("Enter")
    await connected(page)
    return page


async def connected(page) -> None:
    await page.wait_for_selector("#status[data-state=connected]", timeout=WAIT)


async def enter(page, line: str) -> None:
    """Type ``line`` in the entry field and press Enter, as a note-taker does."""
    field = page.locator("#entry")
    await field.fill(line)
    await field.press("Enter")
    await page.wait_for_function("() => document.getElementById('entry').value === ''", timeout=WAIT)


async def pending(page) -> list[str]:
    return [text.strip() for text in await page.locator("#pending li").all_inner_texts()]


LINES = ["14:01 first while cut off", "14:02 second while cut off", "14:03 third while cut off"]
STORED = [line[6:] for line in LINES]


async def test_entries_typed_while_cut_off_are_stored_once_in_order_when_the_room_is_back(room, browser):
    proxy = TcpProxy(room.port)
    await proxy.start()
    try:
        page = await joined_page(browser, f"http://127.0.0.1:{proxy.port}/#t={TOKEN}")
        await proxy.cut()
        await page.wait_for_selector("#status:not([data-state=connected])", timeout=WAIT)
        for line in LINES:
            await enter(page, line)
        shown = await pending(page)
        assert len(shown) == 3 and all(line in text for line, text in zip(LINES, shown, strict=True)), shown
        assert events_by(room.session.meeting, "ada") == []

        await proxy.start()  # the same port: the page's next retry gets through
        await until(lambda: len(events_by(room.session.meeting, "ada")) == 3, timeout=30,
                    what="the three entries in the facilitator's session")
        await page.wait_for_function("() => document.querySelectorAll('#pending li').length === 0", timeout=WAIT)
        await connected(page)
        assert events_by(room.session.meeting, "ada") == STORED
        assert room.session.flush(5)
    finally:
        await proxy.cut()
    room.close_session()
    assert events_by(reload(room.data_dir, room.meeting_id), "ada") == STORED


async def test_a_facilitator_restart_with_the_same_meeting_delivers_pending_entries_without_asking(room, browser):
    page = await joined_page(browser, f"{room.url}/#t={TOKEN}")
    # The first facilitator stores this one but stops before acknowledging it: the page must send it again
    # and the room must apply it once.
    room.server._send_ack = lambda *args: None
    await enter(page, "14:10 stored before the restart")
    await until(lambda: events_by(room.session.meeting, "ada") == ["stored before the restart"])
    assert room.session.flush(5)
    await room.stop_server()
    room.close_session()
    await page.wait_for_selector("#status:not([data-state=connected])", timeout=WAIT)
    await enter(page, "14:11 typed while the facilitator was away")
    await enter(page, "+ kept typing through the restart")
    assert len(await pending(page)) == 3

    room.reopen_session()
    await room.start_server()  # the same port and token
    await until(lambda: len(room.session.meeting.observations) == 1, timeout=30, what="the pending entries")
    await page.wait_for_function("() => document.querySelectorAll('#pending li').length === 0", timeout=WAIT)
    await connected(page)
    assert await page.locator("#token-panel").is_hidden() and await page.locator("#name-panel").is_hidden()
    assert events_by(room.session.meeting, "ada") == ["stored before the restart",
                                                      "typed while the facilitator was away"]
    assert [o.text for o in room.session.meeting.observations] == ["kept typing through the restart"]


async def test_a_wrong_token_in_the_link_is_told_and_nothing_is_sent(room, browser):
    page = await browser.new_page()
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    await page.goto(f"{room.url}/#t=not-the-token")
    await page.wait_for_selector("#token-panel:not([hidden])", timeout=WAIT)
    assert "wrong" in (await page.locator("#token-panel").inner_text()).lower()
    assert await page.locator("#token-input").is_visible()
    assert sockets == []  # the page asked /check first: no socket, no hello, no entry
    assert room.server.peers == [] and room.server.presence() == []


FOREIGN_PAGE = """<!doctype html><title>elsewhere</title><script>
window.received = []; window.closed = null;
const ws = new WebSocket("ws://127.0.0.1:{port}/ws", ["pmtui", "pmtui.token.{b64}"]);
ws.onopen = () => ws.send(JSON.stringify({{type: "hello", name: "mallory"}}));
ws.onmessage = (event) => window.received.push(event.data);
ws.onclose = (event) => {{ window.closed = event.code; }};
</script>"""


async def test_a_page_from_another_origin_is_refused_and_receives_nothing_of_the_meeting(room, browser):
    token = base64.urlsafe_b64encode(TOKEN.encode()).decode().rstrip("=")

    async def foreign(request: web.Request) -> web.Response:
        return web.Response(text=FOREIGN_PAGE.format(port=room.port, b64=token), content_type="text/html")

    app = web.Application()
    app.router.add_get("/", foreign)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        page = await browser.new_page()
        console = []
        page.on("console", lambda message: console.append(message.text))
        await page.goto(f"http://127.0.0.1:{port}/")
        await page.wait_for_function("() => window.closed !== null", timeout=WAIT)
        assert await page.evaluate("window.received") == []
        # Chromium hides the status from the page's script; it says it in the console
        assert any("Unexpected response code: 403" in text for text in console), console
    finally:
        await runner.cleanup()
    assert room.server.peers == [] and room.server.presence() == []


async def test_entries_pending_at_a_reload_are_sent_once_after_it(room, browser):
    proxy = SocketBlockingProxy(room.port)
    await proxy.start()
    try:
        page = await joined_page(browser, f"http://127.0.0.1:{proxy.port}/#t={TOKEN}")
        proxy.refuse_sockets = True
        await proxy.drop_open()
        await page.wait_for_selector("#status:not([data-state=connected])", timeout=WAIT)
        await enter(page, LINES[0])
        await enter(page, LINES[1])
        assert len(await pending(page)) == 2
        await page.reload()  # the page itself still loads: only its WebSocket is kept out
        await page.wait_for_selector("#pending li", timeout=WAIT)
        assert len(await pending(page)) == 2 and events_by(room.session.meeting, "ada") == []
        assert await page.locator("#name-panel").is_hidden()

        proxy.refuse_sockets = False
        await until(lambda: len(events_by(room.session.meeting, "ada")) == 2, timeout=30, what="the two entries")
        await page.wait_for_function("() => document.querySelectorAll('#pending li').length === 0", timeout=WAIT)
        await page.reload()
        await connected(page)
        assert events_by(room.session.meeting, "ada") == STORED[:2]
    finally:
        await proxy.cut()


class SocketBlockingProxy(TcpProxy):
    """A loopback proxy that, while ``refuse_sockets``, passes the page's HTTP requests but cuts its WebSocket."""

    def __init__(self, target_port: int) -> None:
        super().__init__(target_port)
        self.refuse_sockets = False

    async def admitted(self, reader: asyncio.StreamReader) -> bytes | None:
        first = await reader.read(65536)
        if not first or (self.refuse_sockets and first.startswith(b"GET /ws")):
            return None
        return first

