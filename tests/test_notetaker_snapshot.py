"""Snapshots of the note-taker's screen, fed one welcome from the demo meeting (no network, frozen clock)."""

from __future__ import annotations

import json

import pytest

from pmtui.room.client import ConnectionState, RoomClient
from pmtui.room.server import RoomServer
from pmtui.session import MeetingSession
from pmtui.tui.notetaker import NoteTakerApp
from test_room_support import TOKEN
from test_view_timeline import demo, fixed_now, write


class ReplayClient(RoomClient):
    """A client that plays one recorded welcome instead of connecting."""

    def __init__(self, welcome: dict) -> None:
        super().__init__("http://127.0.0.1:9", TOKEN)
        self._recorded = welcome

    async def start(self) -> None:
        self._welcome(self._recorded)
        self._set_state(ConnectionState("connected"))

    async def stop(self) -> None:
        pass


def recorded_welcome(tmp_path) -> dict:
    """What a facilitator sharing the demo meeting sends a note-taker who joins (the clock paused)."""
    session = MeetingSession.open(tmp_path, write(tmp_path, demo(gap=True)), now=fixed_now)
    try:
        if session.clock.running:
            session.toggle_pause()
        return json.loads(RoomServer(session, token=TOKEN)._welcome())
    finally:
        session.close()


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
def test_notetaker_snapshot(snap_compare, tmp_path, size):
    app = NoteTakerApp("http://127.0.0.1:9", TOKEN, name="Ana", outbox_dir=tmp_path / "outbox",
                       client=ReplayClient(recorded_welcome(tmp_path)))
    assert snap_compare(app, terminal_size=size)
