"""The notices of meetings shared from this machine, and plain `pmtui serve` finding one."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from click.testing import CliRunner

from pmtui.cli.room import serve
from pmtui.room.config import RoomConfig
from pmtui.room.registry import SharedRoom, announce, rooms_dir, shared_rooms, withdraw
from pmtui.tui.app import make_app
from test_room_support import TOKEN, new_meeting, until


def dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_notice_is_listed_while_its_process_lives_and_readable_by_its_user_only():
    room = SharedRoom("http://127.0.0.1:8765", TOKEN, "Checkout errors", os.getpid())
    path = announce(room)
    assert path is not None and path.parent == rooms_dir()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert shared_rooms() == [room]
    withdraw(path)
    withdraw(path)  # twice is fine
    assert shared_rooms() == []


def test_the_notice_of_a_killed_facilitator_is_not_listed_and_is_cleared():
    path = announce(SharedRoom("http://127.0.0.1:8765", TOKEN, "Gone", dead_pid()))
    assert shared_rooms() == [] and not path.exists()


def test_files_that_are_not_notices_are_skipped_and_left_alone():
    folder = rooms_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "room-1-2.json").write_text("{half a notice")
    (folder / "room-3-4.json").write_text('{"url": 5, "token": "t", "pid": 1}')
    live = SharedRoom("http://127.0.0.1:9000", TOKEN, "", os.getpid())
    announce(live)
    assert shared_rooms() == [live]
    assert (folder / "room-1-2.json").read_text() == "{half a notice"
    assert (folder / "room-3-4.json").exists()


def test_an_unwritable_rooms_folder_does_not_stop_sharing(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("PMTUI_ROOMS_DIR", str(blocker / "rooms"))
    assert announce(SharedRoom("http://127.0.0.1:8765", TOKEN, "", os.getpid())) is None
    assert shared_rooms() == []


def serve_error(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(serve, list(args), env={"PMTUI_TOKEN": ""})
    return result.exit_code, result.output


def test_plain_serve_with_no_shared_meeting_says_what_to_do_in_one_line():
    code, output = serve_error()
    assert code == 2 and len(output.strip().splitlines()) == 1
    assert "no meeting is shared from this machine" in output and "--share" in output and "--room" in output


def test_plain_serve_with_two_shared_meetings_asks_which():
    announce(SharedRoom("http://127.0.0.1:8765", TOKEN, "Checkout errors", os.getpid()))
    announce(SharedRoom("http://127.0.0.1:8766", TOKEN, "DNS outage", os.getpid()))
    code, output = serve_error()
    assert code == 2 and len(output.strip().splitlines()) == 1
    assert "Checkout errors at http://127.0.0.1:8765" in output and "DNS outage at http://127.0.0.1:8766" in output


def test_serve_with_a_room_but_no_token_takes_the_token_of_the_meeting_shared_here():
    announce(SharedRoom("http://127.0.0.1:1", TOKEN, "Checkout errors", os.getpid()))
    code, output = serve_error("--room", "127.0.0.1:1/")  # the same room spelled another way
    assert code == 1 and "cannot reach the meeting" in output  # got past the token: it tried to connect
    code, output = serve_error("--room", "http://127.0.0.1:2")
    assert code == 2 and "a token is needed" in output


async def test_the_facilitator_app_announces_its_shared_meeting_until_it_quits(tmp_path):
    meeting_id = new_meeting(tmp_path)
    app = make_app(tmp_path, meeting_id, room=RoomConfig(port=0, token=TOKEN))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(lambda: app.room_server is not None and app.room_server.running, what="the room")
        await pilot.pause()
        assert shared_rooms() == [SharedRoom(app.room_server.url, TOKEN, "Checkout errors", os.getpid())]
    app.close_session()
    assert shared_rooms() == []
