"""RoomClient: a note-taker's connection to the facilitator's room.

Everything the note-taker adds goes into the on-disk :class:`Outbox` first and
is sent from there; it stays (shown as pending) until the facilitator
acknowledges it, and is sent again after every reconnect. The facilitator
applies each change id once, so re-sending never doubles anything.

The client reconnects by itself with exponential backoff (0.5 s doubling,
capped at 5 s, with jitter) and reports its :class:`ConnectionState`.

Who the note-taker is: the hello carries the identity key the room issued on
the first join (kept in the outbox file), and changes are sent only once the
room has said ``joined``. A name the room refuses comes back as a
:class:`~pmtui.room.protocol.Refused` update; :meth:`RoomClient.rename` tries
another on the same connection, taking the pending changes along. When the
room says "slow down" the client waits as long as it is told and sends the
held change and those after it again, in order.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, assert_never
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from . import identity, protocol
from .outbox import Outbox, OutboxError
from .protocol import (
    Ack,
    Bye,
    ChainChanged,
    ClientMessage,
    ClockChanged,
    Ended,
    Error,
    EventRemoved,
    EventsChanged,
    IncidentChanged,
    Joined,
    ObservationChanged,
    ObservationRemoved,
    ProtocolError,
    Refused,
    RoomChain,
    RoomClock,
    RoomEvent,
    RoomIncident,
    RoomObservation,
    ServerMessage,
    SlowDown,
    Typing,
    Welcome,
    client_message_data,
    dumps,
)

if TYPE_CHECKING:
    import ssl

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

BACKOFF_BASE = 0.5
BACKOFF_CAP = 5.0
CLIENT_MAX_MSG = 64 * 1024 * 1024
OUTBOX_FLUSH_DELAY = 0.05
MAX_RETRY_AFTER = 60.0
"""The longest "slow down" this client waits, whatever the room says."""
TYPING_EVERY = 1.0
"""At most one ``typing`` message per this many seconds, however fast the note-taker types."""


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
        _ = parts.port  # urlsplit checks the port only when it is read
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

    status: str  # "connecting", "connected", "reconnecting", "refused", "ended" or "stopped"
    message: str = ""
    retry_at: float | None = None  # time.monotonic() of the next attempt while reconnecting

    def describe(self, now: float | None = None) -> str:
        """'connected', 'reconnecting in 3s', 'refused: …' — one short line."""
        if self.status == "reconnecting" and self.retry_at is not None:
            left = max(0, round(self.retry_at - (time.monotonic() if now is None else now)))
            reason = f" ({self.message})" if self.message else ""
            return f"reconnecting in {left}s{reason}"
        if self.status in ("refused", "ended", "stopped") and self.message:
            return f"{self.status}: {self.message}"
        return self.status


@dataclass
class RoomState:
    """What the note-taker knows of the meeting, kept up to date from the facilitator's messages."""

    incident: RoomIncident | None = None
    clock: RoomClock | None = None
    clock_received: float = 0.0  # time.monotonic() when ``clock`` arrived
    events: dict[str, RoomEvent] = field(default_factory=dict)
    observations: dict[str, RoomObservation] = field(default_factory=dict)
    chain: RoomChain | None = None

    def remaining(self, now: float | None = None) -> float | None:
        """Seconds left in the current phase, counted locally since the last clock message."""
        if self.clock is None:
            return None
        remaining = self.clock.remaining
        if self.clock.running:
            remaining -= max(0.0, (time.monotonic() if now is None else now) - self.clock_received)
        return remaining

    def set_clock(self, clock: RoomClock) -> None:
        self.clock = clock
        self.clock_received = time.monotonic()

    def apply(self, message: ServerMessage) -> None:
        """Take in what the facilitator says about the meeting (acks, errors and byes change nothing here)."""
        match message:
            case Welcome():
                self.incident = message.incident
                self.set_clock(message.clock)
                self.events = {e.id: e for e in message.events}
                self.observations = {o.id: o for o in message.observations}
                self.chain = message.chain
            case EventsChanged():
                self.events.update((e.id, e) for e in message.events)
            case EventRemoved():
                self.events.pop(message.id, None)
            case ObservationChanged():
                self.observations[message.observation.id] = message.observation
            case ObservationRemoved():
                self.observations.pop(message.id, None)
            case ChainChanged():
                self.chain = message.chain
            case ClockChanged():
                self.set_clock(message.clock)
            case IncidentChanged():
                self.incident = message.incident
            case Joined() | Refused() | SlowDown() | Ack() | Error() | Bye() | Ended():
                pass
            case _:
                assert_never(message)


@dataclass(frozen=True)
class Acked:
    """The facilitator has the change ``ref`` on disk; ``entry`` is what it was (None if already forgotten)."""

    ref: str
    entry: ClientMessage | None
    duplicate: bool


@dataclass(frozen=True)
class Rejected:
    """A change of this note-taker's that is not stored, and why; it has left the outbox."""

    ref: str
    entry: ClientMessage
    message: str


@dataclass(frozen=True)
class Notice:
    """Something the note-taker should read that concerns no change of theirs."""

    message: str


RoomUpdate = (Welcome | EventsChanged | EventRemoved | ObservationChanged | ObservationRemoved | ChainChanged
              | ClockChanged | IncidentChanged | Bye | Ended | Joined | Refused | Acked | Rejected | Notice)
"""What a :class:`RoomClient` tells its listener: the room's news, and what became of this note-taker's changes."""

Listener = Callable[[RoomUpdate], None]


class RoomClient:
    """Connect, keep connected, send the outbox in order, follow the meeting.

    The outbox is written by one worker thread, in order; :meth:`submit` waits
    for its write (a change is pending only once on disk), removals and flushes
    after acks do not stall the event loop. The client keeps the pending
    changes in memory in the same order.
    """

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
        tls: ssl.SSLContext | None = None,
        sleep: Callable[[float], Any] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``sleep`` waits out a "slow down", ``clock`` spaces the ``typing`` messages (tests pass fakes)."""
        self.url = url
        self.ws_url = ws_url(url)
        self.token = token.strip()
        self.tls = tls
        """How an https:// room's certificate is checked (None: against the system's CAs)."""
        self.name = name
        self.outbox: Outbox | None = None
        self.on_update = on_update
        self.on_state = on_state
        self.heartbeat = heartbeat
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.connect_timeout = connect_timeout
        self.room = RoomState()
        self.state = ConnectionState("connecting")
        self.identity: str | None = None  # this note-taker's author id, known from the key in the outbox
        self._sleep = sleep
        self._clock = clock
        self._typing_sent: float | None = None  # ``clock`` time of the last ``typing`` sent
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._pending: dict[str, ClientMessage] = {}
        self._on_disk: set[str] = set()
        self._sent: set[str] = set()
        self._welcomed = False  # on this connection
        self._greeted = False  # the hello is sent on this connection
        self._joined = False  # ... and accepted: changes may go
        self._refused = False  # sent away for good: no more reconnecting
        self._ended = False  # the meeting is over: no more reconnecting
        self._resume: asyncio.Task | None = None  # waiting out a "slow down"
        self._pump_lock = asyncio.Lock()
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._wake = asyncio.Event()
        self._background: set[asyncio.Task] = set()
        self._disk: ThreadPoolExecutor | None = None
        self._flush_handle: asyncio.TimerHandle | None = None
        if outbox is not None:
            self._use_outbox(outbox)

    # --- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Start connecting (in the background, for as long as the client runs)."""
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="pmtui-room-client")

    async def stop(self) -> None:
        """Disconnect and stop reconnecting; the outbox stays on disk, with everything written."""
        self._stopping = True
        self._wake.set()
        ws = self._ws
        if ws is not None and not ws.closed:
            try:
                await asyncio.wait_for(ws.close(), 2.0)
            except (TimeoutError, ConnectionError, RuntimeError):
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
        self._unhold()
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_outbox()
        if self._disk is not None:
            await self.saved()
            self._disk.shutdown(wait=False)  # idle: every job was awaited above
            self._disk = None
        self._set_state(ConnectionState("stopped"))

    async def saved(self) -> None:
        """Wait until every change submitted so far (and every removal) is written to the outbox."""
        if self._disk is not None:
            await asyncio.get_running_loop().run_in_executor(self._disk, lambda: None)

    def reconnect_now(self) -> None:
        """Skip the rest of the backoff wait."""
        self._wake.set()

    @property
    def connected(self) -> bool:
        """Whether the room accepted this note-taker on the current connection."""
        return self.state.status == "connected"

    # --- adding things -------------------------------------------------------------------

    def introduce(self, name: str, outbox: Outbox) -> None:
        """Say who this note-taker is (if the name was not known at start) and use their outbox."""
        self.name = protocol.check_name(name)
        self._use_outbox(outbox)
        self._schedule_pump()

    def rename(self, name: str, outbox: Outbox) -> None:
        """Join under another name (the room refused the last one), with ``outbox``, that name's outbox.

        The changes still pending move to the new outbox (written before they are
        sent), and the old outbox is closed once empty. The new name's outbox
        brings its own identity key, if it has one.
        """
        old, moving = self.outbox, [m for m in self.pending if m.id not in outbox]
        self.name = protocol.check_name(name)
        self._pending = {}
        self._on_disk = set()
        self._use_outbox(outbox)
        for message in moving:
            self._pending[message.id] = message
        ids = [m.id for m in moving]

        def move() -> None:
            for message in moving:
                outbox.add(client_message_data(message))
            if old is not None and old is not outbox:
                for change_id in ids:
                    old.remove(change_id, defer=True)
                old.close()

        def moved(done: asyncio.Future) -> None:
            exc = None if done.cancelled() else done.exception()
            if exc is None:
                self._on_disk.update(i for i in ids if i in self._pending)
                self._schedule_pump()
            else:
                reason = getattr(exc, "strerror", None) or exc
                self._emit(Notice(f"cannot move your pending changes to the outbox {outbox.path}: {reason}"))

        self._greeted = False
        self._in_worker(move).add_done_callback(moved)
        self._schedule_pump()

    def _use_outbox(self, outbox: Outbox) -> None:
        """Take the outbox's entries (from an earlier run) as pending and on disk, in their order."""
        self.outbox = outbox
        self.identity = identity.author_id(outbox.key) if outbox.key else None
        for data in outbox:
            try:
                message = protocol.read_client_message(data)
            except ProtocolError as exc:
                outbox.remove(data["id"], defer=True)  # written with the next change
                self._emit(Notice(f"dropped a change in the outbox {outbox.path} that cannot be sent: {exc}"))
                continue
            self._pending[message.id] = message
            self._on_disk.add(message.id)

    @property
    def pending(self) -> list[ClientMessage]:
        """Changes sent or to send, not yet acknowledged, oldest first."""
        return list(self._pending.values())

    def is_pending(self, change_id: str) -> bool:
        """Whether the change ``change_id`` waits for the facilitator."""
        return change_id in self._pending

    def add_event_line(self, line: str) -> ClientMessage:
        """Queue a timeline event typed as ``TIME description | actor | evidence``."""
        return self._queue({"type": "add_event", "line": line})

    def add_event(self, time: str, description: str, actor: str = "", evidence: str = "") -> ClientMessage:
        """Queue a timeline event given field by field."""
        return self._queue({"type": "add_event", "time": time, "description": description,
                            "actor": actor, "evidence": evidence})

    def add_observation(self, kind: str, text: str) -> ClientMessage:
        """Queue an observation ('went_well', 'went_poorly' or 'lucky')."""
        return self._queue({"type": "add_observation", "kind": kind, "text": text})

    def add_why(self, text: str, chain_id: str | None = None) -> ClientMessage:
        """Queue a "why" answer for the chain ``chain_id`` (default: the most recent one)."""
        message: dict[str, Any] = {"type": "add_why", "text": text}
        if chain_id is not None:
            message["chain_id"] = chain_id
        return self._queue(message)

    def edit(self, item: str, line: str) -> ClientMessage:
        """Queue a rewrite of an event or observation this note-taker added (the line as typed)."""
        return self._queue({"type": "edit", "item": item, "line": line})

    def remove(self, item: str) -> ClientMessage:
        """Queue the removal of an event or observation this note-taker added."""
        return self._queue({"type": "remove", "item": item})

    def typing(self) -> None:
        """Tell the room this note-taker is typing (never what): at most once a second, only while joined."""
        now, ws = self._clock(), self._ws
        if not self._joined or ws is None or ws.closed:
            return
        if self._typing_sent is not None and now - self._typing_sent < TYPING_EVERY:
            return
        self._typing_sent = now
        self._background_task(ws.send_str(dumps(client_message_data(Typing()))))

    def owns(self, item: str, author_id: str) -> bool:
        """Whether this note-taker may edit or remove the entry ``item`` added by identity ``author_id``."""
        return protocol.owns(self.identity, item, author_id)

    def _queue(self, message: dict[str, Any]) -> ClientMessage:
        """Check ``message`` (with a new id) and submit it; ProtocolError with a one-line reason."""
        return self.submit(protocol.read_client_message(dict(message, id=new_change_id())))

    def submit(self, message: ClientMessage) -> ClientMessage:
        """Write a checked ``message`` to the outbox on disk (fsync'd), then keep it pending and send it.

        The caller waits for the write (a few milliseconds; see benchmarks/outbox_write.py): a change
        is pending, and so shown as taken, only once a kill -9 can no longer lose it. The write runs on
        the outbox's worker thread, in order with the removals and flushes queued before it.
        Raises OutboxError (one line) when the outbox cannot be written; nothing is then pending.
        """
        if self.outbox is None:
            raise RuntimeError("say who you are first: the outbox is opened with the name")
        try:
            self._worker().submit(self.outbox.add, client_message_data(message)).result()
        except OSError as exc:
            raise OutboxError(f"cannot save to the outbox {self.outbox.path}: {exc.strerror or exc}; "
                              "free some disk space or fix its folder, then press Enter again") from None
        self._pending[message.id] = message
        self._on_disk.add(message.id)
        self._schedule_pump()
        return message

    def _in_worker(self, job: Callable[..., Any], *args: Any) -> asyncio.Future:
        """Run ``job`` on the outbox's one worker thread, after every job queued before it."""
        return asyncio.get_running_loop().run_in_executor(self._worker(), job, *args)

    def _worker(self) -> ThreadPoolExecutor:
        """The one thread that writes the outbox (so its writes never overlap and keep their order)."""
        if self._disk is None:
            self._disk = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pmtui-outbox")
        return self._disk

    # --- the connection loop --------------------------------------------------------------------

    def _set_state(self, state: ConnectionState) -> None:
        self.state = state
        if self.on_state is not None:
            try:
                self.on_state(state)
            except Exception:
                log.exception("connection state listener failed")

    def _emit(self, update: RoomUpdate) -> None:
        if self.on_update is not None:
            try:
                self.on_update(update)
            except Exception:
                log.exception("room listener failed on %s", type(update).__name__)

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
                        ssl=self.tls if self.tls is not None else True,
                        heartbeat=self.heartbeat,
                        max_msg_size=CLIENT_MAX_MSG,
                        timeout=aiohttp.ClientWSTimeout(ws_close=2.0),
                    )
                except aiohttp.WSServerHandshakeError as exc:
                    if exc.status in (401, 403):
                        self._set_state(ConnectionState("refused", _refused(exc.status)))
                        return
                    reason = _refused(exc.status) if exc.status == 429 else f"HTTP {exc.status}"
                except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                    reason = _describe(exc)
                else:
                    try:
                        if await self._converse(ws):
                            attempt = 0
                        if self._refused or self._ended:
                            return
                    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                        log.debug("connection lost: %s", exc)
                    finally:
                        self._ws = None
                        if not ws.closed:
                            try:
                                await asyncio.wait_for(ws.close(), 2.0)
                            except (TimeoutError, ConnectionError, RuntimeError):
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
                except TimeoutError:
                    pass

    async def _converse(self, ws: aiohttp.ClientWebSocketResponse) -> bool:
        """Read one connection until it ends; True if the facilitator welcomed us."""
        self._ws = ws
        self._sent = set()
        self._welcomed = self._greeted = self._joined = False
        self._unhold()  # a new connection holds nothing back
        welcomed = False
        async for frame in ws:
            if frame.type == aiohttp.WSMsgType.TEXT:
                try:
                    message = protocol.parse_server_message(frame.data)
                except ProtocolError as exc:
                    self._emit(Notice(str(exc)))
                    continue
                self._receive(message)
                if isinstance(message, Welcome):
                    welcomed = self._welcomed = True
                    self._schedule_pump()
            elif frame.type == aiohttp.WSMsgType.ERROR:
                break
        return welcomed

    def _receive(self, message: ServerMessage) -> None:
        """Follow one facilitator message: the room's news goes to the state, acks and refusals to the outbox."""
        match message:
            case Joined():
                self._joined_as(message)
            case Refused():
                self._set_state(ConnectionState("refused", message.message))
                if message.reason != "name":
                    self._refused = True  # removed, or replaced by another window: do not come back
                self._emit(message)
            case Ended():
                self._ended = True
                self._set_state(ConnectionState("ended", message.message))
                self._emit(message)
            case SlowDown():
                self._hold(message.ref, min(MAX_RETRY_AFTER, message.retry_after))
            case Ack():
                self._emit(Acked(message.ref, self._forget(message.ref), message.duplicate))
            case Error():
                entry = None if message.ref is None else self._forget(message.ref)
                self._emit(Notice(message.message) if entry is None else Rejected(message.ref, entry, message.message))
            case _:
                self.room.apply(message)
                self._emit(message)

    def _joined_as(self, message: Joined) -> None:
        """The room accepted the hello: keep a newly issued key on disk first, then send the changes."""
        ws, outbox = self._ws, self.outbox

        def go(done: asyncio.Future | None = None) -> None:
            exc = None if done is None or done.cancelled() else done.exception()
            if exc is not None:
                reason = getattr(exc, "strerror", None) or exc
                self._emit(Notice(f"cannot keep your identity in the outbox {outbox.path}: {reason}; "
                                  "after a restart you would join as someone new"))
            if self._ws is not ws:
                return
            self.identity = message.author
            self._joined = True
            self._set_state(ConnectionState("connected"))
            self._emit(message)
            self._schedule_pump()

        if message.key is not None and outbox is not None:
            self._in_worker(outbox.set_key, message.key).add_done_callback(go)
        else:
            go()

    def _hold(self, ref: str, wait: float) -> None:
        """Told to slow down: send nothing for ``wait`` seconds, then ``ref`` and everything after it again."""
        ids = list(self._pending)
        if ref in ids:
            self._sent.difference_update(ids[ids.index(ref):])
        self._unhold()
        self._resume = asyncio.get_running_loop().create_task(self._wait_out(wait))

    async def _wait_out(self, wait: float) -> None:
        await self._sleep(wait)
        self._resume = None
        self._schedule_pump()

    def _unhold(self) -> None:
        if self._resume is not None:
            self._resume.cancel()
            self._resume = None

    def _forget(self, ref: str) -> ClientMessage | None:
        """Drop an acknowledged or refused change; the file is rewritten once per burst of acks."""
        entry = self._pending.pop(ref, None)
        if entry is None or self.outbox is None:
            return entry
        self._on_disk.discard(ref)
        outbox = self.outbox
        self._in_worker(lambda: outbox.remove(ref, defer=True))
        if self._flush_handle is None:
            self._flush_handle = asyncio.get_running_loop().call_later(OUTBOX_FLUSH_DELAY, self._flush_outbox)
        return entry

    def _flush_outbox(self) -> None:
        self._flush_handle = None
        if self.outbox is None:
            return
        outbox = self.outbox

        def flushed(done: asyncio.Future) -> None:
            exc = None if done.cancelled() else done.exception()
            if exc is not None:
                reason = getattr(exc, "strerror", None) or exc
                self._emit(Notice(f"cannot update the outbox {outbox.path}: {reason}"))

        self._in_worker(outbox.flush).add_done_callback(flushed)

    # --- sending ----------------------------------------------------------------------------------

    def _schedule_pump(self) -> None:
        self._background_task(self._pump())

    def _background_task(self, job: Coroutine[Any, Any, Any]) -> None:
        """Run ``job`` on the running loop, kept until done (nothing when there is no loop)."""
        try:
            task = asyncio.get_running_loop().create_task(job)
        except RuntimeError:
            job.close()
            return
        self._background.add(task)
        task.add_done_callback(_finished)
        task.add_done_callback(self._background.discard)

    async def _pump(self) -> None:
        """Say hello (once per connection), then send every change on disk and not yet sent on this connection.

        In order: a change still being written holds back the ones after it.
        """
        async with self._pump_lock:
            ws = self._ws
            if ws is None or ws.closed or not self._welcomed or self.name is None or self.outbox is None:
                return
            try:
                if not self._greeted:
                    hello = {"type": "hello", "name": self.name, "version": protocol.PROTOCOL_VERSION}
                    if self.outbox.key:
                        hello["key"] = self.outbox.key
                    self._greeted = True
                    await ws.send_str(dumps(hello))
                    return  # the changes follow the room's "joined"
                if not self._joined:
                    return
                for message in self.pending:
                    if self._ws is not ws or self._resume is not None:
                        return
                    if message.id in self._sent or message.id not in self._pending:
                        continue
                    if message.id not in self._on_disk:
                        return
                    self._sent.add(message.id)
                    await ws.send_str(dumps(client_message_data(message)))
            except (ConnectionError, RuntimeError, aiohttp.ClientError) as exc:
                log.debug("send failed, will resend after reconnecting: %s", exc)


def _finished(task: asyncio.Task) -> None:
    """A background send that failed: the connection is going; the reconnect sends what matters again."""
    if not task.cancelled() and task.exception() is not None:
        log.debug("background send failed: %s", task.exception())


def _describe(exc: BaseException) -> str:
    if isinstance(exc, asyncio.TimeoutError):
        return "timed out"
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc.os_error, ConnectionRefusedError):
            return "connection refused"
        return (exc.os_error.strerror or str(exc.os_error)) if exc.os_error else "cannot connect"
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:80]


def _refused(status: int) -> str:
    """What the room's refusal with HTTP ``status`` means for the note-taker."""
    if status == 401:
        return "wrong room token: ask the facilitator for the join command"
    if status == 403:
        return "the room does not accept this origin"
    if status == 429:
        return "too many wrong tokens from this address: wait a minute"
    return f"HTTP {status}"


async def probe(url: str, token: str, *, timeout: float = 5.0, tls: ssl.SSLContext | None = None) -> tuple[str, str]:
    """Check a room once: ('ok', ''), ('refused', why) for a bad token, or ('unreachable', why)."""
    try:
        address = ws_url(url)
    except ValueError as exc:
        return "unreachable", str(exc)
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    try:
        async with aiohttp.ClientSession(timeout=client_timeout) as http:
            async with http.ws_connect(address, headers={"Authorization": f"Bearer {token.strip()}"},
                                       ssl=tls if tls is not None else True, max_msg_size=CLIENT_MAX_MSG) as ws:
                message = await ws.receive(timeout=timeout)
                if message.type != aiohttp.WSMsgType.TEXT:
                    return "unreachable", "the room closed the connection"
                try:
                    welcomed = isinstance(protocol.parse_server_message(message.data), Welcome)
                except ProtocolError:
                    welcomed = False
                if not welcomed:
                    return "unreachable", "that address does not look like a pmtui room"
                return "ok", ""
    except aiohttp.WSServerHandshakeError as exc:
        if exc.status in (401, 403, 429):
            return "refused", _refused(exc.status).split(":")[0]
        return "unreachable", f"HTTP {exc.status} (is that the address pmtui shows?)"
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        return "unreachable", _describe(exc)
