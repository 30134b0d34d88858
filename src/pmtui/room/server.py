"""RoomServer: the facilitator's WebSocket room, on the facilitator's own event loop.

The :class:`~pmtui.session.MeetingSession` stays the single writer. A
note-taker's message is validated (:mod:`pmtui.room.protocol`) and handed to a
session method on the event loop; the session saves in the background and
announces the change; the server broadcasts a small delta for it to every
note-taker, and acknowledges the change to its sender once the saver has
written it to disk. A browser page's ``entry`` (the line as typed) is read
here as ``pmtui join`` reads a typed line (:mod:`pmtui.room.lines`), then
applied the same way.

Who a note-taker is: their hello names them and carries the key the room
issued them (:mod:`pmtui.room.identity`); entries are stored with the key's
author id and only that identity may change them. A display name belongs to
one identity in the room (see :meth:`RoomServer._name_refusal`); the same
identity connecting again replaces its old connection. Each identity may send
at most ``entry_rate`` changes a second (:mod:`pmtui.room.rate`); beyond that
it is told to slow down and sends them again, so nothing is lost.

Usage (inside a running event loop, e.g. a Textual app's ``on_mount``)::

    server = RoomServer(session, host="127.0.0.1", port=8765, token=None)
    await server.start()        # raises RoomError if the port is taken
    print(server.join_command(reveal=True))  # PMTUI_TOKEN=... pmtui join http://127.0.0.1:8765
    ...
    await server.stop()

Before anything of the meeting is sent, the door (:mod:`pmtui.room.guard`)
holds: at most so many connections in total and per address; a connection
that has not shown the token within ``auth_timeout`` is closed; a browser
page's Origin must be the room's own; wrong tokens lock their address out
for a while. Joined connections are pinged (``heartbeat``) and closed when
the pings go unanswered (a half-open or silent peer).

HTTP, on the same host and port (GET and HEAD only; anything else 405)::

    GET /  /app.js  /app.css  /favicon.svg   the browser page (:mod:`pmtui.room.pages`); any other path 404
    GET /check                 204 when the token shown is right, else exactly the refusal /ws gives
    GET /ws                    the WebSocket, after the same checks

Refusals, before anything of the meeting is sent: 403 a foreign Origin, 429
(``Retry-After``) an address locked out, 401 a wrong or missing token (each
counts towards the lockout, whichever way it was shown), 503 the room is
closing. The token is shown as ``Authorization: Bearer TOKEN`` (``pmtui
join``), or by a browser page as the WebSocket subprotocol ``pmtui.token.B64``
(base64url of its UTF-8 bytes, no padding) offered with ``pmtui``, which the
room answers with; it is never written to a log. Every answer carries
:data:`~pmtui.room.pages.SECURITY_HEADERS` (Content-Security-Policy and the
rest).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import ipaddress
import logging
import math
import re
import secrets
import shlex
import socket
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, assert_never
from urllib.parse import quote, urlsplit

from aiohttp import WSCloseCode, WSMsgType, web
from aiohttp.http_exceptions import HttpProcessingError

from ..changes import Change, Entity, Op
from ..entry_grammar import EventEntry, QuickEntryError, parse_event_line, read_observation_edit
from ..session import MeetingSession, ValidationError
from ..timeparse import TimeFormatError
from . import identity, protocol
from .guard import Doorman, TokenFailures
from .limits import RoomLimits
from .lines import note_change, read_note
from .names import name_key, reserved_refusal
from .pages import SECURITY_HEADERS, add_security_headers, page_answer
from .presence import EntryCounts, Presence
from .protocol import (
    AddEvent,
    AddObservation,
    AddWhy,
    EditEntry,
    Hello,
    ProtocolError,
    RawEntry,
    RemoveEntry,
    Typing,
    dumps,
)
from .rate import RateLimit
from .tokens import new_token, store_token

if TYPE_CHECKING:
    import ssl

    from aiohttp.web_protocol import RequestHandler

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

DEFAULT_PORT = 8765
TOKEN_ENV = "PMTUI_TOKEN"
MAX_QUEUED = 5000
"""A note-taker that falls this many messages behind is disconnected (it reconnects with a fresh snapshot)."""


class RoomError(Exception):
    """The room cannot be shared (e.g. the port is taken); the message is one line."""


TYPING_EVERY = 1.0
"""A connection's ``typing`` messages are taken at most once per this many seconds (the rest are ignored)."""
TYPING_SHOWN = 3.0
"""Seconds "typing…" stays next to a name after the last ``typing`` message."""
ENDED_MESSAGE = "the facilitator ended the meeting; thank you for taking notes"


@dataclass
class Peer:
    """A connected note-taker, as the facilitator's screen lists them."""

    name: str | None
    address: str
    connected_at: float = field(default_factory=time.time)
    author: str | None = None  # the room identity (author id), once the hello is accepted
    last_seen: float = 0.0  # the room clock's time of their last message
    typing_at: float | None = None  # the room clock's time of their last ``typing`` taken


@dataclass
class _PendingAck:
    client: _Client
    ref: str
    duplicate: bool
    version: int


class _Client:
    """One WebSocket connection: an outgoing queue drained by a writer task."""

    def __init__(self, ws: web.WebSocketResponse, peer: Peer) -> None:
        self.ws = ws
        self.peer = peer
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.closing = False
        self.writer: asyncio.Task | None = None
        self.held: str | None = None  # told to slow down: changes are ignored until this one comes again

    def send(self, data: str) -> None:
        if self.closing:
            return
        if self.queue.qsize() >= MAX_QUEUED:
            self.closing = True
            self.queue.put_nowait(None)
            return
        self.queue.put_nowait(data)

    def finish(self) -> None:
        """Send what is queued, then close."""
        if not self.closing:
            self.closing = True
            self.queue.put_nowait(None)

    async def run_writer(self) -> None:
        try:
            while True:
                data = await self.queue.get()
                if data is None:
                    break
                await self.ws.send_str(data)
        except (ConnectionError, RuntimeError):
            pass
        finally:
            self.closing = True
            if not self.ws.closed:
                try:
                    await self.ws.close(code=WSCloseCode.GOING_AWAY, message=b"bye")
                except (TimeoutError, ConnectionError, RuntimeError):
                    pass


def display_host(host: str) -> str:
    """The host to put in the join command: a reachable address for wildcard binds."""
    if host in ("", "0.0.0.0", "::"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
                host = probe.getsockname()[0]
        except OSError:
            host = socket.gethostname()
    try:
        if ipaddress.ip_address(host).version == 6:
            return f"[{host}]"
    except ValueError:
        pass
    return host


def _plain_answer(status: int, reason: str, text: str) -> bytes:
    """A whole HTTP response, for a connection refused before aiohttp reads its request."""
    body = text.encode()
    headers = "".join(f"{name}: {value}\r\n" for name, value in SECURITY_HEADERS.items())
    return (f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\n{headers}"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body


def _peer_address(transport: asyncio.BaseTransport) -> str:
    peer = transport.get_extra_info("peername")
    return str(peer[0]) if isinstance(peer, tuple) and peer else "?"


class _HttpLog(logging.LoggerAdapter):
    """aiohttp's server log, without the bytes of a request it could not read.

    aiohttp logs its parser's errors with the offending line (e.g. a header too long), and a token may be in
    it; the room's own faults keep their tracebacks.
    """

    def log(self, level: int, msg: object, *args: object, exc_info: object = None, **kwargs) -> None:
        error = sys.exc_info()[1] if exc_info is True else exc_info
        if isinstance(error, HttpProcessingError):
            msg, args, exc_info = f"{msg}: %s (HTTP %s)", (*args, type(error).__name__, error.code), None
        super().log(level, msg, *args, exc_info=exc_info, **kwargs)


class _RoomRequest(web.BaseRequest):
    """A request whose every answer carries the room's security headers (pages, refusals, aiohttp's own errors,
    the WebSocket upgrade): aiohttp calls this hook just before it sends any response's headers."""

    async def _prepare_hook(self, response: web.StreamResponse) -> None:
        add_security_headers(response)


class _Door(web.Server):
    """aiohttp's connection manager, admitting connections against the caps and timing their authentication.

    When the room is full, a new connection pushes out the oldest one that has
    not shown the token yet: silent connections then cannot keep a real
    note-taker out, whose join takes milliseconds from connect to token.
    """

    def __init__(self, handler, *, doorman: Doorman, auth_timeout: float, **kwargs) -> None:
        super().__init__(handler, request_factory=self._room_request, **kwargs)
        self.doorman = doorman
        self.auth_timeout = auth_timeout
        self._addresses: dict[RequestHandler, str] = {}
        self._waiting: dict[RequestHandler, tuple[asyncio.Transport, asyncio.TimerHandle]] = {}
        """Connections not authenticated yet, oldest first, with their deadlines."""

    def _room_request(self, message, payload, protocol, writer, task) -> _RoomRequest:
        return _RoomRequest(message, payload, protocol, writer, task, self._loop)

    def connection_made(self, handler: RequestHandler, transport: asyncio.Transport) -> None:
        address = _peer_address(transport)
        if self.doorman.full and self._waiting and self.doorman.has_room_for(address):
            self._drop(next(iter(self._waiting)))
        refusal = self.doorman.admit(address)
        if refusal is not None:  # closed at once (its file descriptor is free again), its request never read
            transport.pause_reading()
            transport.write(_plain_answer(503, "Service Unavailable", f"{refusal}; try again later\n"))
            # after aiohttp's handler task has started (it needs the manager it is given now)
            asyncio.get_running_loop().call_soon(transport.close)
            return
        super().connection_made(handler, transport)
        self._addresses[handler] = address
        deadline = asyncio.get_running_loop().call_later(self.auth_timeout, self._drop, handler)
        self._waiting[handler] = (transport, deadline)

    def authenticated(self, handler: RequestHandler) -> None:
        """The connection showed the right token: it may stay past the deadline."""
        waiting = self._waiting.pop(handler, None)
        if waiting is not None:
            waiting[1].cancel()

    def _drop(self, handler: RequestHandler) -> None:
        """Close a connection that has not authenticated (its deadline passed, or the room is full)."""
        transport, deadline = self._waiting.pop(handler)
        deadline.cancel()
        address = self._addresses.pop(handler, None)
        if address is not None:
            self.doorman.leave(address)  # now: its place is free before the socket's close is processed
        transport.abort()  # not close(): a peer that reads nothing would keep a closing socket open

    def connection_lost(self, handler: RequestHandler, exc: BaseException | None = None) -> None:
        address = self._addresses.pop(handler, None)
        if address is not None:
            self.doorman.leave(address)
        self.authenticated(handler)
        super().connection_lost(handler, exc)


class _Site(web.TCPSite):
    """A TCP site whose TLS handshakes must finish within the authentication deadline too."""

    def __init__(self, runner: web.BaseRunner, host: str, port: int, *, tls: ssl.SSLContext | None,
                 handshake_timeout: float) -> None:
        super().__init__(runner, host, port, ssl_context=tls)
        self.handshake_timeout = handshake_timeout

    async def start(self) -> None:
        await web.BaseSite.start(self)
        extra = {"ssl_handshake_timeout": self.handshake_timeout} if self._ssl_context is not None else {}
        self._server = await asyncio.get_running_loop().create_server(
            self._runner.server, self._host, self._port, ssl=self._ssl_context, backlog=self._backlog, **extra)


def _origin(url: str) -> str | None:
    """``scheme://host:port`` of ``url``, lower-cased with the default port spelled out; None if it has none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port or (443 if scheme == 'https' else 80)}"


SUBPROTOCOL = "pmtui"
"""The WebSocket subprotocol the room answers a browser page with."""
TOKEN_SUBPROTOCOL = "pmtui.token."
"""A browser page offers the token as this subprotocol's suffix, base64url (no padding) of its UTF-8 bytes: a
browser's WebSocket can set no header but ``Sec-WebSocket-Protocol``, and a subprotocol is never in a URL."""
MAX_TOKEN_SUBPROTOCOL = 1024
"""Encoded tokens longer than this are wrong without being decoded."""
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def _offered_protocols(request: web.BaseRequest) -> list[str] | None:
    """The WebSocket subprotocols the request offers (None without the header)."""
    header = request.headers.get("Sec-WebSocket-Protocol")
    return None if header is None else [p.strip() for p in header.split(",")]


def _supplied_token(request: web.BaseRequest) -> bytes:
    """The token the request shows: ``Authorization: Bearer`` (``pmtui join``), else the token subprotocol (a
    browser page), else the ``token`` query parameter; b"" when none, or when the subprotocol's is not base64url."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip().encode("utf-8", "replace")
    for offered in _offered_protocols(request) or ():
        if offered.startswith(TOKEN_SUBPROTOCOL):
            encoded = offered[len(TOKEN_SUBPROTOCOL):]
            if len(encoded) > MAX_TOKEN_SUBPROTOCOL or not _BASE64URL.fullmatch(encoded):
                return b""
            try:
                return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            except (binascii.Error, ValueError):
                return b""
    return request.query.get("token", "").strip().encode("utf-8", "replace")


class RoomServer:
    """Share a running meeting with note-takers over a token-protected WebSocket."""

    def __init__(
        self,
        session: MeetingSession,
        *,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        token: str | None = None,
        heartbeat: float | None = None,
        entry_rate: int | None = None,
        limits: RoomLimits | None = None,
        public_url: str | None = None,
        tls: ssl.SSLContext | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``heartbeat``, ``entry_rate``: instead of ``limits``' own; ``clock`` times the limits (tests inject one)."""
        self.session = session
        self.host = host
        self.port = port
        self.token = (token or "").strip() or new_token()
        limits = limits or RoomLimits()
        self.limits = limits = limits if heartbeat is None else replace(limits, heartbeat=heartbeat)
        self.limits = limits = limits if entry_rate is None else replace(limits, entry_rate=entry_rate)
        self.heartbeat = limits.heartbeat
        self.public_url = public_url.rstrip("/") if public_url else None
        self.tls = tls
        self.error: str | None = None
        self.running = False
        self.alerts: deque[str] = deque(maxlen=5)
        """The latest warnings for the facilitator (locked-out addresses, a token that cannot be kept)."""
        self.on_alert: Callable[[str], None] | None = None
        self.failures = TokenFailures(clock, limit=limits.token_failures, window=limits.failure_window,
                                      lockout=limits.lockout)
        self._door: _Door | None = None
        self._clients: set[_Client] = set()
        self._watchers: list[Callable[[RoomServer], None]] = []
        self._runner: web.BaseRunner | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._acks: deque[_PendingAck] = deque()
        self._ack_wakeup: asyncio.Event | None = None
        self._ack_task: asyncio.Task | None = None
        self._events_json: str | None = None
        self._event_ids: set[str] = set()
        self._incident_date: str | None = None
        self._outgoing: dict[str, dict] = {}
        self.entry_rate = limits.entry_rate
        self._rate_clock = clock
        self._rates: dict[str, RateLimit] = {}
        self._name_authors: dict[str, set[str]] = {}  # name key -> identities that signed entries with that name
        self._gone: dict[str, Peer] = {}  # identity -> the last connection of note-takers who left
        self._counts: EntryCounts | None = None  # each identity's entries of the meeting, kept while sharing
        self._ended = False  # the note-takers were told the meeting ended

    # --- what the facilitator sees -----------------------------------------------

    @property
    def url(self) -> str:
        """The address note-takers join, e.g. ``http://127.0.0.1:8765`` (``--public-url`` when given)."""
        if self.public_url:
            return self.public_url
        return f"{'https' if self.tls else 'http'}://{display_host(self.host)}:{self.port}"

    def join_command(self, *, reveal: bool = False) -> str:
        """The shell command a note-taker types to join, the token hidden unless ``reveal``.

        The token goes in the environment, not on the command line, where
        every user of the note-taker's machine could read it (``ps``).
        """
        token = shlex.quote(self.token) if reveal else "•" * 8
        return f"PMTUI_TOKEN={token} pmtui join {shlex.quote(self.url)}"

    def join_url(self, *, reveal: bool = False) -> str:
        """The link a browser note-taker opens, the token hidden unless ``reveal``.

        The token is in the fragment (``#t=``), which a browser never sends: it stays out of every server's and
        proxy's logs; the page reads it and hands it to the room when it connects.
        """
        token = quote(self.token, safe="") if reveal else "•" * 8
        return f"{self.url.rstrip('/')}/#t={token}"

    def rotate_token(self) -> str | None:
        """Replace the join token with a new random one and keep it; a one-line problem keeping it, or None.

        People already in the room stay; anyone joining needs the new command.
        """
        self.token = new_token()
        problem = None
        try:
            store_token(self.session.meeting.id, self.token)
        except OSError as exc:
            problem = f"the new join token cannot be kept ({exc.strerror or exc}); a restart will need another"
        self._notify()
        return problem

    def alert(self, text: str) -> None:
        """Tell the facilitator about something that needs their eye (shown in the room's box and notified)."""
        log.info("%s", text)
        self.alerts.append(text)
        if self.on_alert is not None:
            try:
                self.on_alert(text)
            except Exception:
                log.exception("room alert listener failed")
        self._notify()

    @property
    def peers(self) -> list[Peer]:
        """The connected note-takers, in the order they connected."""
        return sorted((c.peer for c in self._clients), key=lambda p: p.connected_at)

    def presence(self) -> list[Presence]:
        """Every note-taker who joined since sharing started: the connected ones in the order they came, then
        those who left, the latest first; with their entries in the meeting, when they were last heard from and
        whether they are typing."""
        now = self._rate_clock()
        connected = [p for p in self.peers if p.author is not None and p.name]
        here = {p.author for p in connected}
        gone = sorted((p for a, p in self._gone.items() if a not in here), key=lambda p: -p.last_seen)
        return [Presence(p.name or "", p.author or "", p.address, is_here, self.entries(p.author or ""),
                         max(0.0, now - p.last_seen),
                         is_here and p.typing_at is not None and now - p.typing_at < TYPING_SHOWN)
                for is_here, group in ((True, connected), (False, gone)) for p in group]

    def entries(self, author: str) -> int:
        """How many entries note-taker ``author`` has in the meeting: events, observations, whys, proposals."""
        return sum(self._entry_counts().of(author).values())

    def _entry_counts(self) -> EntryCounts:
        if self._counts is None:
            self._counts = EntryCounts(self.session.meeting)
        return self._counts

    def watch(self, callback: Callable[[RoomServer], None]) -> Callable[[], None]:
        """Call ``callback(server)`` when note-takers come, go or add something; returns an unwatch function."""
        self._watchers.append(callback)
        return lambda: self._watchers.remove(callback) if callback in self._watchers else None

    def _notify(self) -> None:
        for callback in list(self._watchers):
            try:
                callback(self)
            except Exception:
                log.exception("room watcher failed")

    # --- starting and stopping ------------------------------------------------------

    async def start(self) -> None:
        """Listen on host:port (port 0 picks a free one); raises RoomError when it cannot."""
        if self.running:
            return
        limits = self.limits
        self._door = _Door(self._route, doorman=Doorman(total=limits.max_connections,
                                                       per_address=limits.max_per_address),
                           auth_timeout=limits.auth_timeout, access_log=None,
                           logger=_HttpLog(logging.getLogger("aiohttp.server")))
        runner = web.ServerRunner(self._door, handle_signals=False, shutdown_timeout=2.0)
        await runner.setup()
        site = _Site(runner, self.host, self.port, tls=self.tls, handshake_timeout=limits.auth_timeout)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            self.error = f"cannot share on {self.host}:{self.port}: {exc.strerror or exc}; try another --port"
            self._notify()
            raise RoomError(self.error) from None
        self._runner = runner
        self.port = runner.addresses[0][1]
        self.error = None
        self.running = True
        self._event_ids = {e.id for e in self.session.meeting.events}
        self._name_authors = _entry_names(self.session.meeting)
        self._counts = EntryCounts(self.session.meeting)
        self._ended = self.session.meeting.status != "active"
        self._events_json = None
        self._incident_date = self.session.incident_date().isoformat()
        self._ack_wakeup = asyncio.Event()
        self._ack_task = asyncio.create_task(self._ack_loop(), name="pmtui-room-acks")
        self._unsubscribe = self.session.subscribe(self._on_change)
        self._notify()

    async def stop(self) -> None:
        """Say goodbye to every note-taker, close their sockets and stop listening."""
        if not self.running:
            return
        if self._ended:  # ended and quit at once: they hear it ended (after their acks), not that it paused
            await self._all_saved()
            self._say_ended()
        self.running = False
        if self._unsubscribe:
            self._unsubscribe()
            self._unsubscribe = None
        self._send_ready_acks()  # what is on disk already need not be sent again (and queued events go out)
        clients = list(self._clients)
        bye = dumps({"type": "bye",
                     "message": "the facilitator paused the meeting; what you type waits and is sent when it is back"})
        for client in clients:
            client.send(bye)
            client.finish()
        writers = [c.writer for c in clients if c.writer is not None]
        if writers:
            await asyncio.wait(writers, timeout=2.0)
        if self._ack_task is not None:
            self._ack_task.cancel()
            try:
                await self._ack_task
            except asyncio.CancelledError:
                pass
            self._ack_task = None
        self._acks.clear()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._door = None
        self._clients.clear()
        self._notify()

    # --- HTTP -----------------------------------------------------------------------

    async def _route(self, request: web.BaseRequest) -> web.StreamResponse:
        """The room's only paths: the page's files, ``/check`` and ``/ws`` (matched as sent, not decoded)."""
        if request.method not in ("GET", "HEAD"):
            return web.Response(status=405, text="the room answers GET and HEAD only\n", headers={"Allow": "GET, HEAD"})
        path = request.rel_url.raw_path
        if path == "/ws":
            return await self._websocket(request)
        if path == "/check":
            return self._refusal(request) or web.Response(status=204)
        page = page_answer(path)
        if page is not None:
            return page
        return web.Response(status=404, text="not found\n")

    def _authorized(self, request: web.BaseRequest) -> bool:
        supplied = _supplied_token(request)
        if not supplied:
            return False
        return secrets.compare_digest(supplied, self.token.encode("utf-8"))

    def _origin_allowed(self, request: web.BaseRequest) -> bool:
        """No Origin (not a browser: ``pmtui join``), or the room's own (its scheme and Host, or --public-url)."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        own = {_origin(f"{request.scheme}://{request.host}")}
        if self.public_url:
            own.add(_origin(self.public_url))
        return _origin(origin) in own - {None}

    def _refusal(self, request: web.BaseRequest) -> web.Response | None:
        """Why ``request`` may not join, as the answer to give, or None when it may (the token was right)."""
        if not self._origin_allowed(request):
            return web.Response(status=403, text="this page's origin may not join the room\n")
        address = request.remote or "?"
        locked = self.failures.locked_for(address)
        if locked:
            return web.Response(status=429, text="too many wrong tokens: wait and try again\n",
                                headers={"Retry-After": str(math.ceil(locked))})
        if not self._authorized(request):
            if self.failures.failed(address):
                self.alert(f"{address}: {self.limits.token_failures} wrong join tokens; "
                           f"refused for {self.limits.lockout:g} s")
            return web.Response(status=401, text="wrong or missing room token\n",
                                headers={"WWW-Authenticate": 'Bearer realm="pmtui"'})
        if not self.running:
            return web.Response(status=503, text="the room is closing\n")
        return None

    async def _websocket(self, request: web.BaseRequest) -> web.StreamResponse:
        # Checked before the upgrade: nothing about the meeting is sent before.
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        offered = _offered_protocols(request)
        if offered is not None and SUBPROTOCOL not in offered:
            # aiohttp would log the offered list (the token with it) and answer with no subprotocol
            return web.Response(status=400, text=f"offer the WebSocket subprotocol {SUBPROTOCOL!r} with the token\n")
        if self._door is not None:
            self._door.authenticated(request.protocol)
        ws = web.WebSocketResponse(max_msg_size=protocol.TRANSPORT_MAX_BYTES, heartbeat=self.heartbeat,
                                   compress=False, timeout=2.0, protocols=(SUBPROTOCOL,) if offered else ())
        await ws.prepare(request)
        client = _Client(ws, Peer(None, request.remote or "?"))
        self._clients.add(client)
        client.send(self._welcome())
        client.writer = asyncio.create_task(client.run_writer(), name="pmtui-room-writer")
        self._notify()
        try:
            async for message in ws:
                if client.closing:
                    break
                if message.type == WSMsgType.TEXT:
                    self._receive(client, message.data)
                elif message.type == WSMsgType.BINARY:
                    client.send(dumps(protocol.error("send JSON as a text frame, not binary")))
                elif message.type == WSMsgType.ERROR:
                    break
        finally:
            self._clients.discard(client)
            client.finish()
            if client.peer.author is not None and client.peer.author not in self.session.meeting.removed_note_takers:
                self._gone[client.peer.author] = client.peer
            if self.running:
                self._notify()
        if client.writer is not None:
            await asyncio.wait([client.writer], timeout=2.0)
        return ws

    # --- note-takers' changes -----------------------------------------------------------

    def _receive(self, client: _Client, data: str) -> None:
        try:
            message = protocol.parse_client_message(data)
        except ProtocolError as exc:
            client.send(dumps(protocol.error(str(exc), exc.ref)))
            return
        if isinstance(message, Hello):
            self._hello(client, message)
            return
        author = client.peer.author
        if author is not None:
            client.peer.last_seen = self._rate_clock()
        if isinstance(message, Typing):
            self._typing(client)
            return
        if author is None or client.peer.name is None:
            client.send(dumps(protocol.error("say hello with your name before adding anything", message.id)))
            return
        if client.held is not None and message.id != client.held:
            return  # sent before it heard "slow down": it comes again after the held change
        wait = self._rate(author).take()
        if wait > 0:
            client.held = message.id
            client.send(dumps(protocol.slow_down(message.id, wait)))
            return
        client.held = None
        try:
            result = self._apply(client.peer.name, author, message)
        except (ValidationError, QuickEntryError, TimeFormatError, ProtocolError) as exc:
            client.send(dumps(protocol.error(str(exc), message.id)))
            return
        except Exception:
            # Not the note-taker's fault: keep the change in their outbox (ref null) for a later retry.
            log.exception("applying a note-taker's change failed")
            client.send(dumps(protocol.error("the facilitator could not store a change right now; it stays pending "
                                             "and is sent again after reconnecting")))
            return
        if result is not None and not isinstance(message, (EditEntry, RemoveEntry)):
            self._name_authors.setdefault(name_key(client.peer.name), set()).add(author)
        client.peer.typing_at = None  # what they typed has arrived
        self._notify()
        self._acks.append(_PendingAck(client, message.id, result is None, self._save_target()))
        if self._ack_wakeup is not None:
            self._ack_wakeup.set()

    def _typing(self, client: _Client) -> None:
        """Show "typing…" next to a joined note-taker; at most one a second per connection is taken."""
        peer, now = client.peer, self._rate_clock()
        if peer.author is None or (peer.typing_at is not None and now - peer.typing_at < TYPING_EVERY):
            return
        peer.typing_at = now
        self._notify()

    # --- who note-takers are ----------------------------------------------------------------

    def _hello(self, client: _Client, hello: Hello) -> None:
        """Accept a note-taker as the identity of their key (issuing one to a newcomer), or refuse the name."""
        if client.peer.author is not None:
            if name_key(hello.name) != name_key(client.peer.name or ""):
                client.send(dumps(protocol.error(f"you joined as {client.peer.name!r}; reconnect to change your name")))
            return
        key = hello.key or identity.new_key()
        author = identity.author_id(key)
        if author in self.session.meeting.removed_note_takers:
            client.send(dumps(protocol.refused("removed", "the facilitator removed you from this room; "
                                                          "ask them if you should be in it")))
            client.finish()
            return
        if self._ended:
            client.send(dumps(protocol.ended(ENDED_MESSAGE, self._entry_counts().of(author))))
            client.finish()
            return
        problem = self._name_refusal(hello.name, author)
        if problem is not None:
            client.send(dumps(protocol.refused("name", problem)))  # the connection stays: they may pick another
            return
        for other in [c for c in self._clients if c is not client and c.peer.author == author]:
            other.send(dumps(protocol.refused("replaced", "you joined this room again from another window; "
                                                           "this one is closed")))
            other.finish()
            self._clients.discard(other)
        client.peer.name, client.peer.author = hello.name, author
        client.peer.last_seen = self._rate_clock()
        self._forget_idle_rates()
        client.send(dumps(protocol.joined(hello.name, author, None if hello.key else key)))
        self._notify()

    def _name_refusal(self, name: str, author: str) -> str | None:
        """Why identity ``author`` may not use ``name`` here (one line), or None.

        A name is another's while another identity is connected with it, and for
        good once another identity signed an entry of this meeting with it: the
        screens and the export show the name next to the entry, so two people
        behind one name could no longer be told apart. A name only held by a
        connection is free again when that note-taker leaves without adding
        anything. Entries stored before identities existed hold no name.
        """
        reserved = reserved_refusal(name, self.session.meeting.facilitator)
        if reserved is not None:
            return reserved
        key = name_key(name)
        connected = any(c.peer.author not in (None, author) and name_key(c.peer.name or "") == key
                        for c in self._clients)
        if connected or self._name_authors.get(key, set()) - {author}:
            return f"the name {name!r} is taken in this room by another note-taker; join with another name"
        return None

    def _rate(self, author: str) -> RateLimit:
        limit = self._rates.get(author)
        if limit is None:
            limit = self._rates[author] = RateLimit(self.entry_rate, clock=self._rate_clock)
        return limit

    def _forget_idle_rates(self) -> None:
        """Drop the limits of identities that are gone and quiet (a newcomer per hello must not grow the dict)."""
        present = {c.peer.author for c in self._clients}
        for author in [a for a, limit in self._rates.items() if a not in present and limit.idle()]:
            del self._rates[author]

    def remove_note_taker(self, author: str) -> None:
        """Send the note-taker with identity ``author`` away and refuse that identity from now on.

        The refusal is kept in the meeting, so it holds after a restart; their
        entries stay. Anyone with the join token can still come in as someone
        new: rotate the token to keep a person out.
        """
        self.session.remove_note_taker(author)
        for client in [c for c in self._clients if c.peer.author == author]:
            client.send(dumps(protocol.refused("removed", "the facilitator removed you from this room")))
            client.finish()
            self._clients.discard(client)
        self._gone.pop(author, None)
        self._notify()

    # --- applying changes --------------------------------------------------------------------

    def _apply(self, name: str, author: str,
               message: AddEvent | AddObservation | AddWhy | RawEntry | EditEntry | RemoveEntry) -> object:
        """Apply a change of note-taker ``name`` (identity ``author``); None when its id was applied before."""
        session = self.session
        if isinstance(message, RawEntry):
            if session.applied(message.id):
                return None  # sent again (its ack was lost): it may read otherwise now (another phase)
            message = self._read_entry(name, author, message)
        if isinstance(message, (EditEntry, RemoveEntry)):
            return self._change_own(author, message)
        if isinstance(message, AddEvent):
            if message.line is not None:
                entry = self._event_entry(message.line, session.reference_time(name, author))
                return session.add_event(entry.time, entry.description, entry.actor, entry.evidence,
                                         author=name, author_id=author, speaker=message.speaker, id=message.id)
            return session.add_event(message.time, message.description, message.actor, message.evidence,
                                     author=name, author_id=author, speaker=message.speaker, id=message.id)
        if isinstance(message, AddObservation):
            return session.add_observation(message.kind, message.text, author=name, author_id=author,
                                           speaker=message.speaker, id=message.id)
        chains = session.meeting.chains
        if message.chain_id is not None:
            chain = next((c for c in chains if c.id == message.chain_id), None)
            if chain is None:
                raise ValidationError("that Five Whys chain is gone (the facilitator deleted it)")
        elif chains:
            chain = chains[-1]
        else:
            raise ValidationError("no Five Whys chain has been started yet: the facilitator starts one first")
        return session.propose_why(chain.id, message.text, author=name, author_id=author, speaker=message.speaker,
                                   id=message.id)

    def _read_entry(self, name: str, author: str, message: RawEntry) -> AddEvent | AddObservation | AddWhy:
        """What a browser page's typed line adds, read as ``pmtui join`` reads it (:mod:`pmtui.room.lines`) in
        the current phase; a clock-only time within 12 hours of this note-taker's previous event, else of the
        impact start."""
        session = self.session
        phase, chains = session.phase, session.meeting.chains
        entry = read_note(message.line, phase.kind, tz=session.meeting.incident.tz, on=session.incident_date(),
                          near=session.reference_time(name, author))
        return note_change(entry, message.line, message.id, phase_kind=phase.kind, phase_title=phase.title,
                           chain_id=chains[-1].id if chains else None)

    def _change_own(self, author: str, message: EditEntry | RemoveEntry) -> object:
        session, meeting = self.session, self.session.meeting
        event = next((e for e in meeting.events if e.id == message.item), None)
        observation = None if event is not None else next(
            (o for o in meeting.observations if o.id == message.item), None)
        entry = event or observation
        if entry is None:
            if isinstance(message, RemoveEntry):
                return None  # gone already: removed before (the ack was lost) or by the facilitator
            raise ValidationError("that entry is gone: the facilitator removed it")
        if not protocol.owns(author, entry.id, entry.author_id):
            if entry.author and not entry.author_id and protocol.ID_PATTERN.fullmatch(entry.id):
                raise ValidationError(f"that entry of {entry.author}'s was stored before note-takers had room "
                                      "identities: the facilitator can change it")
            whose = f"{entry.author}'s" if entry.author else "the facilitator's"
            raise ValidationError(f"that is {whose} entry: note-takers change only what they added themselves")
        if isinstance(message, RemoveEntry):
            if event is not None:
                return session.delete_event(entry.id, id=message.id) or None
            return session.delete_observation(entry.id, id=message.id) or None
        if event is not None:
            line = self._event_entry(message.line, event.time)
            return session.update_event(event.id, time=line.time, description=line.description, actor=line.actor,
                                        evidence=line.evidence, id=message.id)
        edit = read_observation_edit(observation.kind, message.line)
        return session.update_observation(entry.id, edit.text, kind=edit.kind, id=message.id)

    def _event_entry(self, line: str, near: datetime | None) -> EventEntry:
        """Read a note-taker's event line in the incident's zone, a clock-only time within 12 hours of ``near``."""
        session = self.session
        return parse_event_line(line, tz=session.meeting.incident.tz, on=session.incident_date(), near=near)

    def _save_target(self) -> int:
        """The saver version that holds everything applied so far (acks wait until it is on disk)."""
        saver = self.session.saver
        return saver.save_target() if saver is not None else 0

    async def _ack_loop(self) -> None:
        """Acknowledge changes once the saver has written them (the saver wakes this; nothing polls)."""
        assert self._ack_wakeup is not None
        while True:
            await self._ack_wakeup.wait()
            self._ack_wakeup.clear()
            while self._acks:
                saver = self.session.saver
                if saver is not None:
                    await saver.wait_saved(self._acks[0].version)
                self._send_ready_acks()

    def _send_ready_acks(self) -> None:
        """Acknowledge every change the saver has written (acks are kept in version order)."""
        self._flush_events()  # a note-taker sees its event before the ack for it
        saver = self.session.saver
        saved = saver.saved_version if saver is not None else math.inf
        while self._acks and self._acks[0].version <= saved:
            pending = self._acks.popleft()
            if pending.client in self._clients:
                self._send_ack(pending.client, pending.ref, pending.duplicate)

    def _send_ack(self, client: _Client, ref: str, duplicate: bool) -> None:
        client.send(dumps(protocol.ack(ref, duplicate=duplicate)))

    # --- broadcasting the session's changes -------------------------------------------------

    def _broadcast(self, message: dict) -> None:
        self._flush_events()  # everyone sees the changes in the order they happened
        self._send_all(message)

    def _send_all(self, message: dict) -> None:
        if not self._clients:
            return
        data = dumps(message)
        for client in list(self._clients):
            client.send(data)

    def _queue_event(self, event) -> None:
        """Broadcast an added or changed event with the others of this loop pass, in one message.

        Twenty note-takers typing at once then cost each connection one message
        per pass instead of one per event.
        """
        first = not self._outgoing
        self._outgoing[event.id] = protocol.event_data(event)
        if first:
            try:
                asyncio.get_running_loop().call_soon(self._flush_events)
            except RuntimeError:  # no loop (a test driving the session directly): send now
                self._flush_events()

    def _flush_events(self) -> None:
        if not self._outgoing:
            return
        events = list(self._outgoing.values())
        self._outgoing.clear()
        one = len(events) == 1
        self._send_all({"type": "event", "event": events[0]} if one else {"type": "events", "events": events})

    def _on_change(self, change: Change) -> None:
        try:
            self._broadcast_change(change)
        except Exception:  # never break the session's caller (a key press, another note-taker)
            log.exception("broadcasting %s failed", change)

    def _broadcast_change(self, change: Change) -> None:
        """Tell note-takers what they show of ``change``: the timeline, the observations, the chain, the clock."""
        meeting = self.session.meeting
        match change.entity:
            case Entity.EVENT:
                self._events_json = None
                self._broadcast_events(change)
                self._check_incident_date()
            case Entity.OBSERVATION:
                self._broadcast_observation(change)
            case Entity.CHAIN:
                self._entry_counts().chains_changed()
                latest = meeting.chains[-1] if meeting.chains else None
                if change.op is not Op.CHANGED or (latest is not None and latest.id == change.id):
                    self._broadcast({"type": "chain", "chain": protocol.chain_data(latest)})
            case Entity.CLOCK | Entity.PHASE:
                self._broadcast({"type": "clock", "clock": self._clock()})
            case Entity.INCIDENT:
                self._incident_date = self.session.incident_date().isoformat()
                self._events_json = None
                self._broadcast({"type": "incident", "incident": self._incident()})
            case Entity.MEETING:
                self._check_ended()
            case (Entity.ATTENDEE | Entity.FACTOR | Entity.ACTION | Entity.NOTE | Entity.SECTION | Entity.REVIEW
                  | Entity.RELATED | Entity.FINDING):
                pass  # not shown to note-takers
            case _:
                assert_never(change.entity)

    def _broadcast_events(self, change: Change) -> None:
        meeting = self.session.meeting
        match change.op:
            case Op.ADDED | Op.CHANGED:
                event = next((e for e in reversed(meeting.events) if e.id == change.id), None)
                if event is not None:
                    self._event_ids.add(event.id)
                    self._entry_counts().added(event.id, event.author_id, "events")
                    self._queue_event(event)
            case Op.DELETED:
                self._event_ids.discard(change.id)
                self._entry_counts().removed(change.id)
                self._broadcast({"type": "event_removed", "id": change.id})
            case Op.IMPORTED:
                self._counts = None  # counted again when next asked: an import is one walk of the timeline
                new = [e for e in meeting.events if e.id not in self._event_ids]
                self._event_ids.update(e.id for e in new)
                self._broadcast({"type": "events", "events": [protocol.event_data(e) for e in new]})
            case _:
                assert_never(change.op)

    def _broadcast_observation(self, change: Change) -> None:
        match change.op:
            case Op.ADDED | Op.CHANGED:
                observation = next((o for o in reversed(self.session.meeting.observations) if o.id == change.id), None)
                if observation is not None:
                    self._entry_counts().added(observation.id, observation.author_id, "observations")
                    self._broadcast({"type": "observation", "observation": protocol.observation_data(observation)})
            case Op.DELETED:
                self._entry_counts().removed(change.id)
                self._broadcast({"type": "observation_removed", "id": change.id})
            case Op.IMPORTED:
                pass  # observations are not imported in bulk
            case _:
                assert_never(change.op)

    def _check_ended(self) -> None:
        """When the meeting has just ended: tell every note-taker, with their own counts, and let them go.

        A note-taker who joins later hears the same (see :meth:`_hello`); reopening the meeting opens the room.
        """
        ended = self.session.meeting.status != "active"
        if ended == self._ended:
            return
        self._ended = ended
        if not ended:
            return
        try:
            asyncio.get_running_loop().create_task(self._tell_ended(), name="pmtui-room-ended")
        except RuntimeError:  # no loop (a test driving the session directly): nobody to wait for
            self._say_ended()

    async def _tell_ended(self) -> None:
        """Once every change is on disk (so every ack can go first), tell the note-takers the meeting ended."""
        await self._all_saved()
        if self.running and self._ended:  # not reopened meanwhile
            self._say_ended()

    async def _all_saved(self, timeout: float = 2.0) -> None:
        """Wait (at most ``timeout`` seconds: a failing disk) until everything applied so far is on disk."""
        saver = self.session.saver
        if saver is not None:
            try:
                await asyncio.wait_for(saver.wait_saved(self._save_target()), timeout)
            except TimeoutError:
                pass

    def _say_ended(self) -> None:
        """Acknowledge what is on disk, then give each joined note-taker their counts and let them go."""
        self._send_ready_acks()
        counts = self._entry_counts()
        for client in [c for c in self._clients if c.peer.author is not None]:
            client.send(dumps(protocol.ended(ENDED_MESSAGE, counts.of(client.peer.author))))
            client.finish()
        self._notify()

    def _check_incident_date(self) -> None:
        incident = self.session.meeting.incident
        if incident.impact_start is not None or incident.detected is not None:
            return
        current = self.session.incident_date().isoformat()
        if current != self._incident_date:
            self._incident_date = current
            self._broadcast({"type": "incident", "incident": self._incident()})

    # --- state for note-takers ------------------------------------------------------------------

    def _clock(self) -> dict:
        snap = self.session.clock.snapshot()
        phase = self.session.agenda.phases[snap.phase_index]
        return {
            "index": snap.phase_index,
            "count": snap.phase_count,
            "id": phase.id,
            "title": phase.title,
            "kind": phase.kind,
            "remaining": snap.remaining,
            "planned": snap.phase_planned,
            "running": snap.running,
            "started": snap.started,
            "server_time": snap.now,
        }

    def _incident(self) -> dict:
        incident = self.session.meeting.incident
        return {
            "title": incident.title,
            "severity": incident.severity,
            "tz": incident.tz,
            "date": self._incident_date or self.session.incident_date().isoformat(),
            "impact_start": incident.impact_start.isoformat() if incident.impact_start else None,
        }

    def _welcome(self) -> str:
        meeting = self.session.meeting
        if self._events_json is None:
            self._events_json = dumps([protocol.event_data(e) for e in meeting.events])
        head = dumps({
            "type": "welcome",
            "version": protocol.PROTOCOL_VERSION,
            "incident": self._incident(),
            "clock": self._clock(),
            "observations": [protocol.observation_data(o) for o in meeting.observations],
            "chain": protocol.chain_data(meeting.chains[-1] if meeting.chains else None),
        })
        return f'{head[:-1]},"events":{self._events_json}}}'


def _entry_names(meeting) -> dict[str, set[str]]:
    """Name key -> the identities that signed entries of ``meeting`` with that name (entries from note-takers)."""
    names: dict[str, set[str]] = {}
    whys = (why for chain in meeting.chains for why in (*chain.whys, *chain.proposals, *chain.set_aside))
    for entry in (*meeting.events, *meeting.observations, *whys):
        if entry.author_id:
            names.setdefault(name_key(entry.author), set()).add(entry.author_id)
    return names
