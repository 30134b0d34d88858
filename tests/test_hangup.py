"""A terminal that hangs up without a signal: the app saves, releases its meeting and ends, instead of spinning.

The programs here run on a pseudo-terminal that is not their controlling terminal (``start_new_session``), so
closing its other end sends no SIGHUP: only the app's own check (tui/hangup.py) can notice. Before it, ``pmtui
run`` kept ~75% of a core busy for as long as nobody killed it, and held the meeting's lock.
"""

from __future__ import annotations

import os
import pty
import shutil
import sys
import time
from pathlib import Path

import pytest

from pmtui.model import Incident
from pmtui.session import MeetingSession
from pmtui.tui.hangup import terminal_gone
from pty_terminal import Terminal

PMTUI = shutil.which("pmtui", path=os.path.dirname(sys.executable))


def test_a_live_terminal_is_not_gone_and_a_hung_up_one_is():
    master, slave = pty.openpty()
    try:
        assert not terminal_gone(slave)
        os.close(master)
        assert terminal_gone(slave)
    finally:
        os.close(slave)


def test_a_pipe_or_a_file_is_no_hang_up(tmp_path: Path):
    read, write = os.pipe()
    try:
        assert not terminal_gone(read)
    finally:
        os.close(read)
        os.close(write)
    with (tmp_path / "input").open("w") as file:
        assert not terminal_gone(file.fileno())


def _wait_until_ended(terminal: Terminal, timeout: float = 15) -> int:
    deadline = time.monotonic() + timeout
    while terminal.process.poll() is None:
        assert time.monotonic() < deadline, f"pmtui still runs {timeout} s after its terminal hung up"
        time.sleep(0.05)
    return terminal.process.returncode


@pytest.mark.skipif(PMTUI is None, reason="the pmtui console script is not installed")
def test_pmtui_run_ends_and_releases_its_meeting_when_its_terminal_hangs_up(tmp_path: Path):
    session = MeetingSession.create(tmp_path, Incident("Terminal went away", impact_start=None))
    meeting_id = session.meeting.id
    session.close()
    env = {**os.environ, "PMTUI_DATA_DIR": str(tmp_path)}
    env.pop("NO_COLOR", None)
    terminal = Terminal([PMTUI, "run", meeting_id], env, size=(100, 30))
    try:
        terminal.wait_for("Terminal went away")
        os.close(terminal.master)  # the window closes; no SIGHUP reaches a program it does not control
        terminal.master = os.open(os.devnull, os.O_RDONLY)  # for close() below
        _wait_until_ended(terminal)
    finally:
        terminal.close()
    reopened = MeetingSession.open(tmp_path, meeting_id)  # the lock was released on the way out
    reopened.close()
