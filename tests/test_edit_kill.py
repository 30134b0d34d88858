"""The real ``pmtui edit`` in a pseudo-terminal: write a section, SIGKILL it, open it again, nothing is lost."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from pmtui.model import Incident, Meeting, from_data
from pmtui.session import MeetingSession
from pmtui.store import MeetingFile
from pty_terminal import Terminal

PMTUI = shutil.which("pmtui", path=os.path.dirname(sys.executable))

pytestmark = pytest.mark.skipif(PMTUI is None, reason="the pmtui console script is not installed")


def _section_on_disk(path: Path, section_id: str) -> str:
    with MeetingFile.open(path, write=False) as file:
        return from_data(Meeting, file.load()).sections.get(section_id, "")


def _wait_for_section(path: Path, wanted: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while _section_on_disk(path, "narrative") != wanted:
        assert time.monotonic() < deadline, f"not saved: {_section_on_disk(path, 'narrative')!r}"
        time.sleep(0.05)


def _type(terminal: Terminal, text: str) -> None:
    """Keystrokes one small write at a time, as a person types (the output is read meanwhile)."""
    for char in text:
        os.write(terminal.master, char.encode())
        terminal.read(0.002)


def test_a_section_survives_sigkill_and_is_there_on_reopening(tmp_path: Path) -> None:
    session = MeetingSession.create(tmp_path, Incident("Replica lag", impact_start=None))
    meeting_id, path = session.meeting.id, session.file.path
    session.close()
    env = {**os.environ, "PMTUI_DATA_DIR": str(tmp_path)}
    env.pop("NO_COLOR", None)

    first = Terminal([PMTUI, "edit", meeting_id, "--section", "narrative"], env, size=(100, 30))
    try:
        first.wait_for("What happened")
        _type(first, "## 14:20\r")
        _type(first, "The replica fell behind")
        _wait_for_section(path, "## 14:20\nThe replica fell behind")  # each key on disk, nothing to leave first
    finally:
        first.close()  # SIGKILL: no quit, no save on the way out

    assert _section_on_disk(path, "narrative") == "## 14:20\nThe replica fell behind"
    second = Terminal([PMTUI, "edit", meeting_id, "--section", "narrative"], env, size=(100, 30))
    try:
        second.wait_for("fell behind")
        _type(second, " by hours.")
        _wait_for_section(path, "## 14:20\nThe replica fell behind by hours.")
        assert second.quit() == 0
    finally:
        second.close()
    assert _section_on_disk(path, "narrative") == "## 14:20\nThe replica fell behind by hours."
