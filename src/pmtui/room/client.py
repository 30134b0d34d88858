"""RoomClient: a note-taker's connection to the facilitator's room.

Everything the note-taker adds goes into the on-disk :class:`Outbox` first and
is sent from there; it stays (shown as pending) until the facilitator
acknowledges it, and is sent again after every reconnect. The facilitator
applies each change id once, so re-sending never doubles anything.

The client reconnects by itself with exponential backoff (0.5 s doubling,
capped at 5 s, with jitter) and reports its :class:`ConnectionState`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from . import protocol
from .outbox import Outbox
from .protocol import ProtocolError, dumps

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

BACKOFF_BASE = 0.5
BACKOFF_CAP = 5.0
CLIENT_MAX_MSG = 64 * 1024 * 1024
OUTBOX_FLUSH_DELAY = 0.05


def ws_url(url: str) -> str:
    """The WebSocket address of a room given as ``http://host:port`` (or ws://, https://, with /ws or not)."""
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    scheme = {"http": "ws", "ws": "ws", "https": "wss", "wss": "wss"}.get(parts.scheme.lower())
    if scheme is None or not parts.hostname:
        raise ValueError(f"cannot join {url!r}: use the address the facilitator shows, e.g. http://10.0.0.5:8765")
    try:
        parts.port
    except ValueError:
        raise ValueError(f"cannot join {url!r}: the port is not a number") from None
    path = parts.path.rstrip("/")
    if not path.endswith("/ws"):
        path += "/ws"
    return urlunsplit((scheme, parts.netloc, path, "", ""))


def backoff_delay(attempt: int, *, base: float = BACKOFF_BASE, cap: float = BACKOFF_CAP,
                  rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait before reconnect ``attempt`` (0, 1, …): base doubling, capped, ±20 % jitter."""
    ceiling = min(cap, base * (2 ** min(attempt, 30)))
    return min(cap, ceiling * (0.8 + 0.4 * rand()))


def new_change_id() -> str:
    """A client-generated change id (uuid4 hex)."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class ConnectionState:
    """Where the connection stands, for the status line."""

    status: str  # "connecting", "connected", "reconnecting", "refused" or "stopped"
    message: str = ""
    retry_at: float | None = None  # time.monotonic() of the next attempt while reconnecting

    def describe(self, now: float | None = None) -> str:
        """'connected', 'reconnecting in 3s', 'refused: …' — one short line."""
        if self.status == "reconnecting" and self.retry_at is not None:
            left = max(0, round(self.retry_at - (time.monotonic() if now is None else now)))
            reason = f" ({self.message})" if self.message else ""
            return f"reconnecting in {left}s{reason}"
        if self.status in ("refused", "stopped") and self.message:
            return f"{self.status}: {self.message}"
        return self.status


@dataclass
class RoomState:
    """What the note-taker knows of the meeting, kept up to date from the facilitator's messages."""

    incident: dict = field(default_factory=dict)
    clock: dict = field(default_factory=dict)
    clock_received: float = 0.0  # time.monotonic() when ``clock`` arrived
    events: dict[str, dict] = field(default_factory=dict)
    observations: dict[str, dict] = field(default_factory=dict)
    chain: dict | None = None

    def remaining(self, now: float | None = None) -> float | None:
        """Seconds left in the current phase, counted locally since the last clock message."""
        if not self.clock:
            return None
        remaining = float(self.clock.get("remaining", 0.0))
        if self.clock.get("running"):
            remaining -= max(0.0, (time.monotonic() if now is None else now) - self.clock_received)
        return remaining

    def set_clock(self, clock: dict) -> None:
        self.clock = clock
        self.clock_received = time.monotonic()


Listener = Callable[[str, dict], None]


class RoomClient:
    """Connect, keep connected, send the outbox in order, follow the meeting."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        name: str | None = None,
        outbox: Outbox | None = None,
        on_update: Listener | None = None,
        on_state: Callable[[ConnectionState], None] | None = None,
        heartbeat: float = 10.0,
        backoff_base: float = BACKOFF_BASE,
        backoff_cap: float = BACKOFF_CAP,
        connect_timeout: float = 5.0,
    ) -> None:
        self.url = url
        self.ws_url = ws_url(url)
        self.token = token
        self.name = name
        self.outbox = outbox
        self.on_update = on_update
        self.on_state = on_state
        self.heartbeat = heartbeat
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.connect_timeout = connect_timeout
        self.room = RoomState()
        self.state = ConnectionState("connecting")
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._sent: set[str] = set()
        self._greeted = False
        self._pump_lock = asyncio.Lock()
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._wake = asyncio.Event()
        self._background: set[asyncio.Task] = set()
        self._flush_handle: asyncio.TimerHandle | None = None

    # --- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Start connecting (in the background, for as long as the client runs)."""
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="pmtui-room-client")

    async def stop(self) -> None:
        """Disconnect and stop reconnecting; the outbox stays on disk."""
        self._stopping = True
        self._wake.set()
        ws = self._ws
        if ws is not None and not ws.closed:
            try:
                await asyncio.wait_for(ws.close(), 2.0)
            except (asyncio.TimeoutError, ConnectionError, RuntimeError):
                pass
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None
        for task in list(self._background):
            task.cancel()
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_outbox()
        self._set_state(ConnectionState("stopped"))

    def reconnect_now(self) -> None:
        """Skip the rest of the backoff wait."""
        self._wake.set()

    @property
    def connected(self) -> bool:
        """Whether the facilitator's welcome arrived on the current connection."""
        return self.state.status == "connected"

    # --- adding things -------------------------------------------------------------------

    def introduce(self, name: str, outbox: Outbox) -> None:
        """Say who this note-taker is (if the name was not known at start) and use their outbox."""
        self.name = protocol.check_name(name)
        self.outbox = outbox
        self._schedule_pump()

    @property
    def pending(self) -> list[dict]:
        """Changes sent or to send, not yet acknowledged, oldest first."""
        return list(self.outbox) if self.outbox is not None else []

    def add_event_line(self, line: str) -> dict:
        """Queue a timeline event typed as ``TIME description | actor | evidence``."""
        return self.submit({"type": "add_event", "line": line})

    def add_event(self, time: str, description: str, actor: str = "", evidence: str = "") -> dict:
        """Queue a timeline event given field by field."""
        return self.submit({"type": "add_event", "time": time, "description": description,
                            "actor": actor, "evidence": evidence})

    def add_observation(self, kind: str, text: str) -> dict:
        """Queue an observation ('went_well', 'went_poorly' or 'lucky')."""
        return self.submit({"type": "add_observation", "kind": kind, "text": text})

    def add_why(self, text: str, chain_id: str | None = None) -> dict:
        """Queue a "why" answer for the chain ``chain_id`` (default: the most recent one)."""
        message = {"type": "add_why", "text": text}
        if chain_id is not None:
            message["chain_id"] = chain_id
        return self.submit(message)

    def edit(self, item: str, line: str) -> dict:
        """Queue a rewrite of an event or observation this note-taker added (the line as typed)."""
        return self.submit({"type": "edit", "item": item, "line": line})

    def remove(self, item: str) -> dict:
        """Queue the removal of an event or observation this note-taker added."""
        return self.submit({"type": "remove", "item": item})

    def owns(self, item: str, author: str) -> bool:
        """Whether this note-taker may edit or remove the entry ``item`` written by ``author``."""
        return self.name is not None and protocol.owns(self.name, item, author)

    def submit(self, message: dict) -> dict:
        """Validate ``message``, give it an id, write it to the outbox, then send it.

        Raises ProtocolError (with a one-line reason) for what the facilitator would refuse.
        """
        if self.outbox is None:
            raise RuntimeError("say who you are first: the outbox is opened with the name")
        entry = dict(message, id=new_change_id())
        protocol.parse_client_message(dumps(entry))  # the facilitator checks again; this is for a quick answer
        self.outbox.add(entry)
        self._schedule_pump()
        return entry

    # --- the connection loop --------------------------------------------------------------------

    def _set_state(self, state: ConnectionState) -> None:
        self.state = state
        if self.on_state is not None:
            try:
                self.on_state(state)
            except Exception:
                log.exception("connection state listener failed")

    def _emit(self, kind: str, data: dict) -> None:
        if self.on_update is not None:
            try:
                self.on_update(kind, data)
            except Exception:
                log.exception("room listener failed on %s", kind)

    async def _run(self) -> None:
        attempt = 0
        timeout = aiohttp.ClientTimeout(total=None, connect=self.connect_timeout, sock_connect=self.connect_timeout)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            while not self._stopping:
                if attempt == 0:
                    self._set_state(ConnectionState("connecting"))
                reason = ""
                try:
                    ws = await http.ws_connect(
                        self.ws_url,
                        headers={"Authorization": f"Bearer {self.token}"},
                        heartbeat=self.heartbeat,
                        max_msg_size=CLIENT_MAX_MSG,
                        timeout=aiohttp.ClientWSTimeout(ws_close=2.0),
                    )
                except aiohttp.WSServerHandshakeError as exc:
                    if exc.status == 401:
                        self._set_state(ConnectionState("refused", "wrong room token: ask the facilitator for --token"))
                        return
                    reason = f"HTTP {exc.status}"
                except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
                    reason = _describe(exc)
                else:
                    try:
                        if await self._converse(ws):
                            attempt = 0
                    except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
                        log.debug("connection lost: %s", exc)
                    finally:
                        self._ws = None
                        if not ws.closed:
                            try:
                                await asyncio.wait_for(ws.close(), 2.0)
                            except (asyncio.TimeoutError, ConnectionError, RuntimeError):
                                pass
                    reason = "connection lost"
                if self._stopping:
                    break
                delay = backoff_delay(attempt, base=self.backoff_base, cap=self.backoff_cap)
                attempt += 1
                self._set_state(ConnectionState("reconnecting", reason, time.monotonic() + delay))
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), delay)
                except asyncio.TimeoutError:
                    pass

    async def _converse(self, ws: aiohttp.ClientWebSocketResponse) -> bool:
        """Read one connection until it ends; True if the facilitator welcomed us."""
        self._ws = ws
        self._sent = set()
        self._greeted = False
        welcomed = False
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                try:
                    data = protocol.parse_server_message(message.data)
                except ProtocolError as exc:
                    self._emit("error", {"message": str(exc)})
                    continue
                try:
                    if data["type"] == "welcome":
                        self._welcome(data)
                        welcomed = True
                        self._set_state(ConnectionState("connected"))
                        self._schedule_pump()
                    else:
                        self._handle(data)
                except (KeyError, TypeError, AttributeError, ValueError) as exc:
                    self._emit("error", {"message": f"the facilitator sent a {data['type']!r} message this "
                                                    f"note-taker cannot read ({exc!r})"})
            elif message.type == aiohttp.WSMsgType.ERROR:
                break
        return welcomed

    def _welcome(self, data: dict) -> None:
        room = self.room
        room.incident = data.get("incident") or {}
        room.set_clock(data.get("clock") or {})
        room.events = {e["id"]: e for e in data.get("events", [])}
        room.observations = {o["id"]: o for o in data.get("observations", [])}
        room.chain = data.get("chain")
        self._emit("snapshot", data)

    def _handle(self, data: dict) -> None:
        kind = data["type"]
        room = self.room
        try:
            if kind == "event":
                event = data["event"]
                room.events[event["id"]] = event
                self._emit("event", event)
            elif kind == "events":
                for event in data["events"]:
                    room.events[event["id"]] = event
                self._emit("events", data)
            elif kind == "event_removed":
                room.events.pop(data["id"], None)
                self._emit("event_removed", data)
            elif kind == "observation":
                observation = data["observation"]
                room.observations[observation["id"]] = observation
                self._emit("observation", observation)
            elif kind == "observation_removed":
                room.observations.pop(data["id"], None)
                self._emit("observation_removed", data)
            elif kind == "chain":
                room.chain = data.get("chain")
                self._emit("chain", data)
            elif kind == "clock":
                room.set_clock(data["clock"])
                self._emit("clock", data["clock"])
            elif kind == "incident":
                room.incident = data["incident"]
                self._emit("incident", data["incident"])
            elif kind == "ack":
                entry = self._forget(data["ref"])
                self._emit("ack", {"ref": data["ref"], "entry": entry, "duplicate": bool(data.get("duplicate"))})
            elif kind == "error":
                ref = data.get("ref")
                entry = self._forget(ref) if isinstance(ref, str) else None
                if entry is not None:
                    self._emit("rejected", {"ref": ref, "entry": entry, "message": str(data.get("message", ""))})
                else:
                    self._emit("error", {"message": str(data.get("message", ""))})
            elif kind == "bye":
                self._emit("bye", data)
        except (KeyError, TypeError) as exc:
            self._emit("error", {"message": f"the facilitator sent a {kind!r} message this note-taker cannot read ({exc})"})

    def _forget(self, ref: str) -> dict | None:
        """Drop an acknowledged or refused entry; the file is rewritten once per burst of acks."""
        if self.outbox is None:
            return None
        entry = self.outbox.remove(ref, defer=True)
        if entry is not None and self._flush_handle is None:
            self._flush_handle = asyncio.get_running_loop().call_later(OUTBOX_FLUSH_DELAY, self._flush_outbox)
        return entry

    def _flush_outbox(self) -> None:
        self._flush_handle = None
        if self.outbox is None:
            return
        try:
            self.outbox.flush()
        except OSError as exc:
            self._emit("error", {"message": f"cannot update the outbox {self.outbox.path}: {exc.strerror or exc}"})

    # --- sending ----------------------------------------------------------------------------------

    def _schedule_pump(self) -> None:
        try:
            task = asyncio.get_running_loop().create_task(self._pump())
        except RuntimeError:
            return
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _pump(self) -> None:
        """Say hello (once per connection), then send every outbox entry not yet sent on this connection, in order."""
        async with self._pump_lock:
            ws = self._ws
            if ws is None or ws.closed or not self.connected or self.name is None or self.outbox is None:
                return
            try:
                if not self._greeted:
                    await ws.send_str(dumps({"type": "hello", "name": self.name}))
                    self._greeted = True
                for entry in self.outbox:
                    if self._ws is not ws:
                        return
                    if entry["id"] in self._sent or entry["id"] not in self.outbox:
                        continue
                    self._sent.add(entry["id"])
                    await ws.send_str(dumps(entry))
            except (ConnectionError, RuntimeError, aiohttp.ClientError) as exc:
                log.debug("send failed, will resend after reconnecting: %s", exc)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, asyncio.TimeoutError):
        return "timed out"
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc.os_error, ConnectionRefusedError):
            return "connection refused"
        return (exc.os_error.strerror or str(exc.os_error)) if exc.os_error else "cannot connect"
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:80]


async def probe(url: str, token: str, *, timeout: float = 5.0) -> tuple[str, str]:
    """Check a room once: ('ok', ''), ('refused', why) for a bad token, or ('unreachable', why)."""
    try:
        address = ws_url(url)
    except ValueError as exc:
        return "unreachable", str(exc)
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    try:
        async with aiohttp.ClientSession(timeout=client_timeout) as http:
            async with http.ws_connect(address, headers={"Authorization": f"Bearer {token}"},
                                       max_msg_size=CLIENT_MAX_MSG) as ws:
                message = await ws.receive(timeout=timeout)
                if message.type != aiohttp.WSMsgType.TEXT:
                    return "unreachable", "the room closed the connection"
                try:
                    kind = json.loads(message.data).get("type")
                except (ValueError, AttributeError):
                    kind = None
                if kind != "welcome":
                    return "unreachable", "that address does not look like a pmtui room"
                return "ok", ""
    except aiohttp.WSServerHandshakeError as exc:
        if exc.status == 401:
            return "refused", "wrong room token"
        return "unreachable", f"HTTP {exc.status} (is that the address pmtui shows?)"
    except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
        return "unreachable", _describe(exc)
