"""The room's HTTP side for the browser page, attacked on loopback: a real RoomServer and aiohttp's client.

Each test is one attack class of issue #14 (SPEC14): the page's files and nothing else, the security headers on
every answer, the token as a WebSocket subprotocol, ``/check``, one lockout for every way of showing a token, a
foreign Origin, and a token that never reaches a log.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
from importlib.resources import files

import aiohttp
import pytest

from helpers import FixedClock
from pmtui.room.limits import RoomLimits
from pmtui.room.pages import PAGE_FILES, SECURITY_HEADERS
from pmtui.room.server import RoomServer
from pmtui.session import MeetingSession
from test_room_support import TOKEN, new_meeting, room, until  # noqa: F401 (fixture)

BOUND = 10.0
"""Seconds any one request in these tests may take before it fails."""
CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
UPGRADE = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
           "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}


def subprotocol(token: str) -> str:
    """What the page offers: ``pmtui.token.`` + base64url of the token's UTF-8 bytes, no padding."""
    return "pmtui.token." + base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")


def http_session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=BOUND))


async def raw_request(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``request`` as written (no client normalising its path); the status, headers and body."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), BOUND)
    try:
        writer.write(request)
        answer = await asyncio.wait_for(reader.read(), BOUND)
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def assert_security_headers(headers, what: str) -> None:
    assert headers.get("Content-Security-Policy") == CSP, what
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, f"{name} on {what}"
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-cache"


async def test_the_page_its_script_and_its_style_are_served_with_their_types_and_head_sends_no_body(room):
    async with http_session() as http:
        for path, content_type in (("/", "text/html; charset=utf-8"), ("/app.js", "text/javascript; charset=utf-8"),
                                   ("/app.css", "text/css; charset=utf-8"),
                                   ("/favicon.svg", "image/svg+xml")):
            async with http.get(room.url + path) as response:
                body = await response.read()
                assert response.status == 200 and response.headers["Content-Type"] == content_type, path
                assert body and int(response.headers["Content-Length"]) == len(body)
            status, headers, head_body = await raw_request(
                room.port, f"HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            assert status == 200 and headers["Content-Type"] == content_type and head_body == b"", path
            assert int(headers["Content-Length"]) == len(body)
        async with http.get(room.url + "/") as response:
            page = await response.text()
    assert "<title>pmtui note-taker</title>" in page and '<script type="module" src="/app.js">' in page
    assert set(PAGE_FILES) == {"/", "/app.js", "/app.css", "/favicon.svg"}


@pytest.mark.parametrize("target", [
    "/../pyproject.toml", "/%2e%2e/pyproject.toml", "/%2E%2E/%2E%2E/pyproject.toml", "//etc/passwd",
    "/app.js/..", "/app.js/../app.css", "/web/index.html", "/index.html", "/app.js%00", "/app.js%00.css",
    "/..%2fpyproject.toml", "/%61pp.js", "/app.js/", "/server.py", "/pages.py", "/__init__.py", "/static/app.js",
])
async def test_no_path_reaches_another_file(room, target):
    status, headers, body = await raw_request(
        room.port, f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    assert status in (400, 404), target
    assert b"[project]" not in body and b"root:" not in body and b"import" not in body
    assert_security_headers(headers, target)


async def test_only_get_and_head_are_answered(room):
    async with http_session() as http:
        for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
            for path in ("/", "/app.js", "/check", "/ws"):
                async with http.request(method, room.url + path, data=b"x") as response:
                    assert response.status == 405, f"{method} {path}"
                    assert response.headers["Allow"] == "GET, HEAD"
                    assert_security_headers(response.headers, f"{method} {path}")


async def test_the_security_headers_are_on_every_answer_pages_refusals_and_the_upgrade(room):
    async with http_session() as http:
        answers = {
            "page": http.get(room.url + "/"), "script": http.get(room.url + "/app.js"),
            "style": http.get(room.url + "/app.css"), "404": http.get(room.url + "/nothing"),
            "401 check": http.get(room.url + "/check", headers={"Authorization": "Bearer nope"}),
            "204 check": http.get(room.url + "/check", headers={"Authorization": f"Bearer {TOKEN}"}),
            "403 check": http.get(room.url + "/check", headers={"Authorization": f"Bearer {TOKEN}",
                                                               "Origin": "http://evil.example"}),
            "401 ws": http.get(room.url + "/ws", headers={**UPGRADE, "Authorization": "Bearer nope"}),
            "401 ws without an upgrade": http.get(room.url + "/ws"),
        }
        for what, request in answers.items():
            async with request as response:
                assert_security_headers(response.headers, what)
        async with http.ws_connect(room.url + "/ws", protocols=["pmtui", subprotocol(TOKEN)]) as ws:
            assert_security_headers(ws._response.headers, "the upgrade")
    status, headers, _ = await raw_request(room.port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n")
    assert status == 400
    assert_security_headers(headers, "aiohttp's own 400")


async def test_the_token_in_the_subprotocol_is_taken_only_when_exactly_right(room):
    near_misses = {"a prefix": TOKEN[:-1], "a suffix": TOKEN[1:], "another case": TOKEN.upper(),
                   "one character more": TOKEN + "0", "a space inside": TOKEN[:4] + " " + TOKEN[4:], "empty": ""}
    encoded = subprotocol(TOKEN)

    async def status(*protocols: str) -> int:
        async with http.get(room.url + "/ws", headers={**UPGRADE, "Sec-WebSocket-Protocol": ", ".join(protocols)}) \
                as response:
            return response.status

    await room.stop_server()
    await room.start_server(limits=RoomLimits(token_failures=100))  # the lockout has its own test
    async with http_session() as http:
        async with http.ws_connect(room.url + "/ws", protocols=["pmtui", encoded]) as ws:
            assert ws.protocol == "pmtui"  # the room answers with its own subprotocol, never the token
            assert (await ws.receive_json(timeout=BOUND))["type"] == "welcome"
        assert await status(encoded, "pmtui") == 101  # the order of the offer does not matter
        for what, token in near_misses.items():
            assert await status("pmtui", subprotocol(token)) == 401, what
        assert await status("pmtui", encoded + "=") == 401, "padding"
        assert await status("pmtui", encoded.replace("-", "+").replace("_", "/") + "+/") == 401, "plain base64"
        assert await status("pmtui", "pmtui.token." + TOKEN + "!") == 401, "not base64"
        assert await status("pmtui", "pmtui.token.A") == 401, "an impossible length"
        assert await status("pmtui", "pmtui.token." + "QUFB" * 500) == 401, "oversized"
        assert await status("pmtui", "pmtui.TOKEN." + encoded[len("pmtui.token."):]) == 401, "another prefix"
        assert await status("pmtui") == 401, "no token"
        assert await status(encoded) == 400, "the token without the room's subprotocol"


async def test_pmtui_join_still_uses_the_bearer_header_and_gets_no_subprotocol(room):
    async with http_session() as http:
        async with http.ws_connect(room.url + "/ws", headers={"Authorization": f"Bearer {TOKEN}"}) as ws:
            assert ws.protocol is None
            assert (await ws.receive_json(timeout=BOUND))["type"] == "welcome"
    client = await room.client("alice")
    await until(lambda: client.state.status == "connected", BOUND, "pmtui join's client to join")


async def test_check_answers_204_for_the_right_token_and_the_same_refusals_as_the_socket(room):
    async with http_session() as http:
        async def check(headers: dict) -> tuple[int, str]:
            async with http.get(room.url + "/check", headers=headers) as response:
                return response.status, await response.text()

        assert await check({"Authorization": f"Bearer {TOKEN}"}) == (204, "")
        status, text = await check({"Authorization": "Bearer nope"})
        assert status == 401 and "Checkout" not in text
        assert (await check({}))[0] == 401
        assert (await check({"Authorization": f"Bearer {TOKEN}", "Origin": room.url}))[0] == 204
        assert (await check({"Authorization": f"Bearer {TOKEN}", "Origin": "http://evil.example"}))[0] == 403
        room.server.running = False  # stopping: the moment between "closing" and the socket gone
        try:
            assert (await check({"Authorization": f"Bearer {TOKEN}"}))[0] == 503
        finally:
            room.server.running = True


async def test_wrong_tokens_on_check_and_in_the_subprotocol_count_towards_one_lockout(tmp_path):
    (tmp_path / "data").mkdir()
    session = MeetingSession.open(tmp_path / "data", new_meeting(tmp_path / "data"))
    clock = FixedClock(1000.0)
    server = RoomServer(session, port=0, token=TOKEN, clock=clock,
                        limits=RoomLimits(token_failures=4, failure_window=60, lockout=60))
    await server.start()
    url = f"http://127.0.0.1:{server.port}"
    try:
        async with http_session() as http:
            async def check(token: str) -> aiohttp.ClientResponse:
                async with http.get(url + "/check", headers={"Authorization": f"Bearer {token}"}) as response:
                    return response

            async def socket(token: str) -> aiohttp.ClientResponse:
                async with http.get(url + "/ws", headers={**UPGRADE, "Sec-WebSocket-Protocol":
                                                          f"pmtui, {subprotocol(token)}"}) as response:
                    return response

            assert (await check("wrong1")).status == 401
            assert (await socket("wrong2")).status == 401
            assert (await check("wrong3")).status == 401
            assert (await socket("wrong4")).status == 401  # the fourth, whichever way: locked out
            for answer in (await check(TOKEN), await socket(TOKEN)):
                assert answer.status == 429 and int(answer.headers["Retry-After"]) == 60
                assert_security_headers(answer.headers, "429")
            clock.advance(61)
            assert (await check(TOKEN)).status == 204
            assert (await socket(TOKEN)).status == 101
    finally:
        await server.stop()
        session.close()


async def test_a_foreign_origin_is_refused_on_check_and_on_the_socket_even_with_the_token(room):
    async with http_session() as http:
        for origin in ("http://evil.example", f"http://127.0.0.1:{room.port + 1}", "null",
                       f"https://127.0.0.1:{room.port}"):
            async with http.get(room.url + "/check", headers={"Authorization": f"Bearer {TOKEN}",
                                                               "Origin": origin}) as response:
                assert response.status == 403, origin
                assert_security_headers(response.headers, "403")
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(room.url + "/ws", protocols=["pmtui", subprotocol(TOKEN)],
                                      headers={"Origin": origin})
            assert refused.value.status == 403, origin
        async with http.ws_connect(room.url + "/ws", protocols=["pmtui", subprotocol(TOKEN)],
                                   headers={"Origin": room.url}) as ws:
            assert (await ws.receive_json(timeout=BOUND))["type"] == "welcome"


async def test_the_token_never_reaches_a_log_record_whichever_way_it_is_shown(room, caplog):
    wrong = "wrong-" + TOKEN[::-1]
    secrets = {TOKEN, wrong, subprotocol(TOKEN), subprotocol(wrong)}
    secrets |= {s.split("pmtui.token.", 1)[-1] for s in list(secrets)}
    caplog.set_level(logging.DEBUG)
    for name in ("aiohttp", "aiohttp.access", "aiohttp.server", "aiohttp.web", "aiohttp.websocket", "pmtui"):
        caplog.set_level(logging.DEBUG, logger=name)
    async with http_session() as http:
        for token in (TOKEN, wrong):
            async with http.get(room.url + "/check", headers={"Authorization": f"Bearer {token}"}):
                pass
            async with http.get(room.url + "/ws", headers={**UPGRADE, "Authorization": f"Bearer {token}"}):
                pass
            async with http.get(room.url + "/ws", params={"token": token}, headers=UPGRADE):
                pass
            for offer in (f"pmtui, {subprotocol(token)}", subprotocol(token), f"chat, {subprotocol(token)}"):
                async with http.get(room.url + "/ws", headers={**UPGRADE, "Sec-WebSocket-Protocol": offer}):
                    pass
        async with http.ws_connect(room.url + "/ws", protocols=["pmtui", subprotocol(TOKEN)]) as ws:
            await ws.receive_json(timeout=BOUND)
    for oversized in (f"GET /ws HTTP/1.1\r\nSec-WebSocket-Protocol: pmtui, {subprotocol(TOKEN)}{'A' * 9000}",
                      f"GET /check HTTP/1.1\r\nAuthorization: Bearer {TOKEN}{'A' * 9000}",
                      f"GET /ws?token={TOKEN}{'A' * 9000} HTTP/1.1",
                      f"GET /check HTTP/1.1\r\nAuthorization: Bearer {TOKEN}\x01"):
        status, _, _ = await raw_request(room.port, f"{oversized}\r\nHost: 127.0.0.1\r\n\r\n".encode())
        assert status in (400, 431), oversized[:40]
    formatter = logging.Formatter("%(name)s %(message)s")
    logged = "\n".join(formatter.format(record) for record in caplog.records)
    assert caplog.records, "the test saw no log at all: it would prove nothing"
    for secret in secrets:
        assert secret not in logged


def test_the_page_has_no_inline_script_or_style_and_never_parses_text_as_html():
    """What the CSP would block, and what would turn a note-taker's text into markup, is not in the files."""
    web = files("pmtui.room") / "web"
    page, script = (web / "index.html").read_text(), (web / "app.js").read_text()
    assert re.findall(r"<script(?![^>]*\bsrc=)", page) == []
    assert re.findall(r"<style|\sstyle=|\son[a-z]+=", page) == []
    parses_html = r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|setAttribute\(\"on"
    assert re.findall(parses_html, script) == []
