"""Snapshots of the note-taker's screen, fed one welcome from the demo meeting (no network, frozen clock)."""

from __future__ import annotations

import json

import pytest

from helpers import FixedClock, create_meeting
from pmtui.room.client import ConnectionState, RoomClient
from pmtui.room.protocol import parse_server_message
from pmtui.room.server import RoomServer
from pmtui.session import MeetingSession
from pmtui.tui.notetaker.app import NoteTakerApp
from test_room_support import TOKEN
from test_view_timeline import FIXED, demo

ANA = "a1" * 16
"""Ana's room identity (the author id the room stores with her entries)."""


class ReplayClient(RoomClient):
    """A client that plays one recorded welcome instead of connecting."""

    def __init__(self, welcome: dict) -> None:
        super().__init__("http://127.0.0.1:9", TOKEN)
        self._recorded = welcome

    async def start(self) -> None:
        self._receive(parse_server_message(json.dumps(self._recorded)))
        self.identity = ANA  # as the room's "joined" says
        self._set_state(ConnectionState("connected"))

    async def stop(self) -> None:
        pass


def recorded_welcome(tmp_path) -> dict:
    """What a facilitator sharing the demo meeting sends a note-taker who joins (the clock paused)."""
    session = MeetingSession.open(tmp_path, create_meeting(tmp_path, demo(gap=True)), now=FixedClock(FIXED))
    try:
        if session.clock.running:
            session.toggle_pause()
        return json.loads(RoomServer(session, token=TOKEN)._welcome())
    finally:
        session.close()


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (160, 45)], ids=["80x24", "120x36", "160x45"])
def test_notetaker_snapshot(snap_compare, tmp_path, size):
    app = NoteTakerApp("http://127.0.0.1:9", TOKEN, name="Ana", outbox_dir=tmp_path / "outbox",
                       client=ReplayClient(recorded_welcome(tmp_path)))
    assert snap_compare(app, terminal_size=size)


def welcome_with_own_entries(tmp_path) -> dict:
    """The demo's welcome plus two events and an observation Ana added from her note-taker app."""
    welcome = recorded_welcome(tmp_path)
    for n, (time, text) in enumerate([("14:44:00", "Ana pastes the pool errors into the channel"),
                                      ("14:47:30", "Pool size found in the v2.31 diff")]):
        welcome["events"].append({"id": f"{n:032x}", "time": f"2026-11-17T{time}+00:00", "description": text,
                                  "actor": "ana", "evidence": "", "author": "Ana", "author_id": ANA,
                                  "decision_point": False})
    welcome["observations"].append({"id": "f" * 32, "kind": "went_poorly", "text": "No alert on pool exhaustion",
                                     "author": "Ana", "author_id": ANA})
    return welcome


def test_notetaker_snapshot_editing_one_entry_and_removing_another(snap_compare, tmp_path):
    """Ana edits one of her events in the line while the removal of the other waits (struck through, ⧗)."""
    app = NoteTakerApp("http://127.0.0.1:9", TOKEN, name="Ana", outbox_dir=tmp_path / "outbox",
                       client=ReplayClient(welcome_with_own_entries(tmp_path)))

    async def edit_and_remove(pilot) -> None:
        await pilot.pause()
        app.notes.entry.input.insert_text_at_cursor("15:02 half typed")
        await pilot.press("tab")
        timeline = app.notes.timeline
        timeline.move_cursor(row=timeline.get_row_index(f"{1:032x}"))
        await pilot.press("delete", "y", "tab")
        timeline.move_cursor(row=timeline.get_row_index(f"{0:032x}"))
        await pilot.press("enter", "end", *" (after the page)")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=edit_and_remove)
