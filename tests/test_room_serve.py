"""`pmtui serve`: the note-taker app in a web browser (textual-serve), on loopback."""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from pmtui.room.registry import SharedRoom, announce
from test_room_support import TOKEN, free_port, room, until  # noqa: F401 (fixture)

CHROMIUM = next(
    (p for p in ("/usr/bin/chromium", shutil.which("chromium") or "", shutil.which("chromium-browser") or "")
     if p and os.path.exists(p)),
    None,
)


async def _wait_for_http(http: aiohttp.ClientSession, url: str, timeout: float = 20) -> tuple[int, str]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            async with http.get(url) as response:
                return response.status, await response.text()
        except aiohttp.ClientConnectionError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)


class DevTools:
    """The few Chrome DevTools Protocol calls the browser test needs."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.next_id = 0

    async def call(self, method: str, **params) -> dict:
        self.next_id += 1
        await self.ws.send_json({"id": self.next_id, "method": method, "params": params})
        while True:
            message = await asyncio.wait_for(self.ws.receive_json(), 10)
            if message.get("id") == self.next_id:
                return message.get("result", {})

    async def evaluate(self, expression: str) -> object:
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    async def click(self, x: int, y: int) -> None:
        for kind in ("mousePressed", "mouseReleased"):
            await self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    async def clear_line(self) -> None:
        await self.call("Input.dispatchKeyEvent", type="keyDown", key="u", code="KeyU", modifiers=2,
                        windowsVirtualKeyCode=85)
        await self.call("Input.dispatchKeyEvent", type="keyUp", key="u", code="KeyU", modifiers=2,
                        windowsVirtualKeyCode=85)

    async def type(self, text: str) -> None:
        for ch in text:
            await self.call("Input.dispatchKeyEvent", type="keyDown", key=ch, text=ch)
            await self.call("Input.dispatchKeyEvent", type="keyUp", key=ch)
        await self.call("Input.dispatchKeyEvent", type="keyDown", key="Enter", code="Enter",
                        windowsVirtualKeyCode=13, text="\r")
        await self.call("Input.dispatchKeyEvent", type="keyUp", key="Enter", code="Enter", windowsVirtualKeyCode=13)


async def test_serve_answers_http_and_a_browser_joins_asks_the_name_and_adds_an_event(room, tmp_path):
    """Plain `pmtui serve` on the facilitator's machine finds the shared meeting and its token."""
    announce(SharedRoom(room.url, TOKEN, "Checkout errors", os.getpid()))
    port = free_port()
    with open(tmp_path / "serve.log", "wb") as log:
        env = {key: value for key, value in os.environ.items() if key != "PMTUI_TOKEN"}
        serve = await asyncio.create_subprocess_exec(
            shutil.which("pmtui", path=os.path.dirname(sys.executable)), "serve", "--port", str(port),
            stdout=log, stderr=log, env={**env, "PMTUI_OUTBOX_DIR": str(room.outbox_dir)})
        browser = None
        try:
            async with aiohttp.ClientSession() as http:
                status, page = await _wait_for_http(http, f"http://127.0.0.1:{port}/")
                assert status == 200
                assert f"ws://127.0.0.1:{port}/ws" in page and "textual" in page.lower()
                assert TOKEN not in page  # the token stays on the server side
                if CHROMIUM is None:
                    pytest.skip("chromium is not installed: the served page answers; the browser part is skipped")
                profile = tmp_path / "chromium"
                browser = await asyncio.create_subprocess_exec(
                    CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                    "--window-size=1200,800", "--remote-debugging-port=0",
                    # loopback only: the page's web font (fonts.googleapis.com) must fail fast, not hang the load
                    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", f"http://127.0.0.1:{port}/",
                    stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
                active = profile / "DevToolsActivePort"
                await until(lambda: active.exists() and len(active.read_text().split()) >= 2, 20, "chromium devtools")
                # 'pmtui join' checks the room (one short connection), then the app asks the name
                # (keyboard on the name box) and connects: the second connection means it is ready.
                seen_peers: set[float] = set()
                room.server.watch(lambda server: seen_peers.update(p.connected_at for p in server.peers))
                try:
                    await until(lambda: len(seen_peers) >= 2 and room.server.peers, 30, "the browser's app to connect")
                except AssertionError:
                    log.flush()
                    raise AssertionError(f"the browser's app never connected; serve said:\n"
                                         f"{(tmp_path / 'serve.log').read_text(errors='replace')[-3000:]}") from None
                async with http.get(f"http://127.0.0.1:{active.read_text().split()[0]}/json/list") as response:
                    page_target = next(t for t in await response.json() if t["type"] == "page")
                async with http.ws_connect(page_target["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                    devtools = DevTools(ws)
                    deadline = time.monotonic() + 30
                    while not await devtools.evaluate("document.body.classList.contains('-first-byte')"):
                        assert time.monotonic() < deadline, "the app never drew in the browser"
                        await asyncio.sleep(0.05)
                    focus = ("(() => { const t = document.querySelector('.xterm-helper-textarea');"
                             " if (t) { t.focus(); } return !!t && document.activeElement === t; })()")
                    while not await devtools.evaluate(focus):  # the keyboard goes to the terminal
                        assert time.monotonic() < deadline, "the terminal never took the keyboard"
                        await asyncio.sleep(0.05)
                    await devtools.type("Zoe")
                    await until(lambda: any(p.name for p in room.server.peers), 20, "the name from the browser")
                    assert [p.name for p in room.server.peers if p.name] == ["Zoe"]
                    await devtools.type("14:37 typed in a browser | zoe")
                    await until(lambda: room.session.meeting.events, 20, "the browser's event")
                    shot = await devtools.call("Page.captureScreenshot", format="png")
                    Path(tmp_path / "browser.png").write_bytes(base64.b64decode(shot["data"]))
                events = room.session.meeting.events
                assert [(e.description, e.actor, e.author) for e in events] == [("typed in a browser", "zoe", "Zoe")]
        finally:
            if browser is not None and browser.returncode is None:
                browser.kill()
                await browser.wait()
            serve.terminate()
            try:
                await asyncio.wait_for(serve.wait(), 10)
            except TimeoutError:
                serve.kill()
                await serve.wait()
