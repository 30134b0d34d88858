"""The real `pmtui run` in a pseudo-terminal: type events, SIGKILL it, restart, find them."""

from __future__ import annotations

import fcntl
import os
import pty
import shutil
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from pmtui.model import Incident, Meeting, from_data
from pmtui.session import MeetingSession
from pmtui.store import MeetingFile

PMTUI = shutil.which("pmtui", path=os.path.dirname(sys.executable))

pytestmark = pytest.mark.skipif(PMTUI is None, reason="the pmtui console script is not installed")


class Terminal:
    """A child process on a pseudo-terminal whose output is drained in the background."""

    def __init__(self, args: list[str], env: dict[str, str], size=(120, 36)) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.master = master
        self.process = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True
        )
        os.close(slave)
        self.output = bytearray()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output.extend(chunk)

    def type(self, text: str) -> None:
        """Send keystrokes, one small write at a time like a person typing."""
        for char in text:
            os.write(self.master, char.encode())
            time.sleep(0.002)

    def wait_for_output(self, needle: bytes, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.output:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"{needle!r} never appeared; exit={self.process.poll()}")
            time.sleep(0.05)

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        os.close(self.master)


def _events_on_disk(path: Path) -> list[str]:
    with MeetingFile.open(path, write=False) as file:
        return [e.description for e in from_data(Meeting, file.load()).events]


def _wait_for_events(path: Path, wanted: list[str], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not set(wanted) <= set(_events_on_disk(path)):
        assert time.monotonic() < deadline, f"events not saved: {_events_on_disk(path)}"
        time.sleep(0.05)


def test_events_survive_sigkill_and_restart(tmp_path: Path) -> None:
    session = MeetingSession.create(tmp_path, Incident("Pool exhaustion", impact_start=None))
    session.jump_to_phase(1)  # the timeline phase of standard-90
    meeting_id, path = session.meeting.id, session.file.path
    session.close()
    env = {**os.environ, "TERM": "xterm-256color", "PMTUI_DATA_DIR": str(tmp_path), "COLUMNS": "120", "LINES": "36"}
    env.pop("NO_COLOR", None)

    first = Terminal([PMTUI, "run", meeting_id], env)
    try:
        first.wait_for_output(b"Timeline")
        typed = [f"14:{30 + i:02d} step {i} of the outage | responder {i}" for i in range(5)]
        for line in typed:
            first.type(line + "\r")
        wanted = [f"step {i} of the outage" for i in range(5)]
        _wait_for_events(path, wanted)
    finally:
        first.kill()

    assert _events_on_disk(path) == wanted
    second = Terminal([PMTUI, "run", meeting_id], env)
    try:
        second.wait_for_output(b"step 4 of the outage")
        second.type("14:40 typed after the restart\r")
        _wait_for_events(path, ["typed after the restart"])
        second.type("\x11")  # ctrl+q
        assert second.process.wait(20) == 0
    finally:
        if second.process.poll() is None:
            second.kill()
    assert _events_on_disk(path) == wanted + ["typed after the restart"]
