"""A note-taker's line is shown as taken (⧗ pending) only once its outbox write is on disk.

In a live meeting a line was drawn pending while its write was still on the
outbox's worker thread; ``kill -9`` then lost it. The rule: a kill at any moment
loses at most the keystroke in flight, never a line shown as taken.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
from pathlib import Path

from pmtui.room.outbox import Outbox, outbox_path
from pmtui.tui.notetaker.app import NoteTakerApp
from pmtui.tui.notetaker.screen import PENDING
from test_e2e_kill import PMTUI, Terminal
from test_room_notetaker import _cell, _type
from test_room_support import TOKEN, free_port, until

LOOK_WAIT = 0.5
"""How long the slow write waits for the screen to be looked at (the screen must not be free to answer)."""


async def test_no_row_is_drawn_pending_while_its_outbox_write_is_under_way(tmp_path, monkeypatch, user_folders):
    url = f"http://127.0.0.1:{free_port()}"  # nobody listens: every line stays pending in the outbox
    app = NoteTakerApp(url, TOKEN, name="alice", outbox_dir=tmp_path)
    looks: list[tuple[bool, int, int]] = []  # (written yet, rows in the table, changes pending) per look
    add = Outbox.add

    def slow_add(outbox: Outbox, message: dict) -> None:
        """A slow disk: while the write is under way, look at the screen from the event loop."""
        written = False
        looked = threading.Event()

        def look() -> None:
            looks.append((written, app.notes.timeline.row_count, len(app.client.pending)))
            looked.set()

        loop.call_soon_threadsafe(look)
        looked.wait(LOOK_WAIT)  # the loop answers only if it is not waiting for this write
        add(outbox, message)
        written = True

    async with app.run_test(size=(120, 36)) as pilot:
        loop = asyncio.get_running_loop()
        monkeypatch.setattr(Outbox, "add", slow_add)
        await _type(pilot, app, "14:05 proxy pool full | db", "enter")
        await until(lambda: looks, what="a look at the screen")
        await pilot.pause()
        table = app.notes.timeline
        assert table.row_count == 1 and _cell(table, table.keys[0], "st") == PENDING
        assert app.notes.entry.input.value == ""
    assert [look for look in looks if look[1] or look[2]] == [
        look for look in looks if look[0]], "a row was shown as pending before its outbox write was on disk"


SLOW_DISK = """
import sys, time
from pmtui.room.outbox import Outbox
add, delay = Outbox.add, float(sys.argv[1])
def slow_add(outbox, message):
    time.sleep(delay)  # a slow disk: the write is under way this long
    add(outbox, message)
Outbox.add = slow_add
from pmtui.cli import main
sys.argv = ["pmtui"] + sys.argv[2:]
main()
"""


def test_a_line_shown_pending_survives_kill_9_of_the_note_taker(tmp_path: Path) -> None:
    """`pmtui join` on a slow disk: kill -9 the moment the line shows ⧗; it is in the outbox."""
    assert PMTUI is not None
    url = f"http://127.0.0.1:{free_port()}"  # the facilitator is down: the line stays pending
    outbox_dir = tmp_path / "outbox"
    env = {**os.environ, "TERM": "xterm-256color", "PMTUI_DATA_DIR": str(tmp_path / "data"),
           "PMTUI_OUTBOX_DIR": str(outbox_dir), "PMTUI_CONFIG_DIR": str(tmp_path / "config"),
           "PMTUI_ROOMS_DIR": str(tmp_path / "rooms"), "PMTUI_TOKEN": TOKEN, "COLUMNS": "120", "LINES": "36"}
    env.pop("NO_COLOR", None)
    note_taker = Terminal([sys.executable, "-c", SLOW_DISK, "0.5", "join", url, "--name", "alice"], env)
    try:
        note_taker.wait_for_output(b"not reachable")
        note_taker.type("14:05 proxy pool full | db\r")
        note_taker.wait_for_output(f"{PENDING} 1 pending".encode())
    finally:
        note_taker.kill()
    assert outbox_path(url, "alice", outbox_dir).exists(), "nothing was written before the line showed pending"
    entries = json.loads(outbox_path(url, "alice", outbox_dir).read_text())["entries"]
    assert [entry.get("line") for entry in entries] == ["14:05 proxy pool full | db"]
