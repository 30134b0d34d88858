"""Shared helpers for the room tests (servers and clients on 127.0.0.1, free ports)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from pmtui.model import Incident
from pmtui.room.client import RoomClient
from pmtui.room.outbox import Outbox
from pmtui.room.server import RoomServer
from pmtui.session import MeetingSession

TOKEN = "test-token-0123456789"


async def until(predicate: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    """Poll ``predicate`` (no fixed sleeps) until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.005)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def new_meeting(data_dir: Path) -> str:
    session = MeetingSession.create(data_dir, Incident("Checkout errors", tz="UTC"), "standard-90")
    session.update_incident(impact_start="2026-03-14 14:00")
    session.close()
    return session.meeting.id


def reload(data_dir: Path, meeting_id: str):
    """The meeting as it is on disk now (opens it as writer, so close the live session first)."""
    session = MeetingSession.open(data_dir, meeting_id)
    try:
        return session.meeting
    finally:
        session.close()


class Room:
    """A facilitator (session + server) and note-takers, torn down by the fixture."""

    def __init__(self, data_dir: Path, outbox_dir: Path) -> None:
        self.data_dir = data_dir
        self.outbox_dir = outbox_dir
        self.meeting_id = new_meeting(data_dir)
        self.session: MeetingSession | None = MeetingSession.open(data_dir, self.meeting_id)
        self.server: RoomServer | None = None
        self.port = 0
        self.clients: list[RoomClient] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start_server(self, **options) -> RoomServer:
        self.server = RoomServer(self.session, port=self.port, token=TOKEN, heartbeat=2.0, **options)
        await self.server.start()
        self.port = self.server.port
        return self.server

    async def stop_server(self) -> None:
        if self.server is not None:
            await self.server.stop()

    def close_session(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None

    def reopen_session(self) -> MeetingSession:
        self.session = MeetingSession.open(self.data_dir, self.meeting_id)
        return self.session

    async def client(self, name: str, *, start: bool = True, token: str = TOKEN, **kwargs) -> RoomClient:
        outbox = Outbox.for_room(self.url, name, self.outbox_dir)
        kwargs.setdefault("backoff_base", 0.02)
        kwargs.setdefault("backoff_cap", 0.2)
        client = RoomClient(self.url, token, name=name, outbox=outbox, **kwargs)
        self.clients.append(client)
        if start:
            await client.start()
        return client

    async def close(self) -> None:
        for client in self.clients:
            await client.stop()
            if client.outbox is not None:
                client.outbox.close()
        await self.stop_server()
        self.close_session()


@contextlib.asynccontextmanager
async def running_room(tmp_path: Path, outbox_dir: Path) -> AsyncIterator[Room]:
    """A new meeting shared on a free port, closed afterwards (also after a failure)."""
    (tmp_path / "data").mkdir()
    room = Room(tmp_path / "data", outbox_dir)
    await room.start_server()
    try:
        yield room
    finally:
        await room.close()


@pytest.fixture
async def room(tmp_path, user_folders):
    async with running_room(tmp_path, user_folders.outbox) as room:
        yield room


def open_five_whys(session: MeetingSession) -> None:
    """Move the meeting to its Five Whys phase: the only one in which note-takers may propose answers."""
    session.jump_to_phase(next(i for i, p in enumerate(session.agenda.phases) if p.kind == "five_whys"))


def events_by(meeting, author: str) -> list[str]:
    return [e.description for e in meeting.events if e.author == author]


class TcpProxy:
    """A loopback TCP relay the tests can cut ("the network fails") and restore."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self.blackhole = False
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Drop every connection and refuse new ones."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def drop_open(self) -> None:
        """Cut the connections open now; new ones are still accepted."""
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def admitted(self, reader: asyncio.StreamReader) -> bytes | None:
        """What a new connection sent before it is relayed (read to decide), or None to cut it; all are let in."""
        return b""

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        first = await self.admitted(reader)
        if first is None:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))
        if first:
            up_writer.write(first)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    if not self.blackhole:
                        dst.write(data)
                        await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
