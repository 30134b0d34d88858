"""Two processes at one meeting: a second writer is refused by name, readers and exports never tear."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console_script import pmtui_command
from helpers import create_meeting
from pmtui.export import render
from pmtui.model import Incident, Meeting, TimelineEvent, from_data
from pmtui.store import MeetingFile

PMTUI = shutil.which("pmtui", path=os.path.dirname(sys.executable))
pytestmark = pytest.mark.skipif(PMTUI is None, reason="the pmtui console script is not installed next to this Python")

START = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
HOLDER = """
import sys, time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from pmtui.session import MeetingSession

session = MeetingSession.open(Path(sys.argv[1]), sys.argv[2])
print("READY", flush=True)
if sys.argv[3] == "churn":  # keep changing the meeting until told to stop
    import select
    start = datetime(2026, 3, 14, 12, 0, tzinfo=timezone.utc)
    i = 0
    while not select.select([sys.stdin], [], [], 0.005)[0]:
        session.add_event(start + timedelta(seconds=i), f"churn {i}")
        i += 1
else:
    sys.stdin.read()
session.close()
"""


def meeting_with(data_dir: Path, events: int) -> str:
    """Write a meeting with ``events`` timeline events; returns its id."""
    meeting = Meeting(Incident("Checkout errors"), id="conc0001", created=START)
    meeting.events = [TimelineEvent(START + timedelta(seconds=20 * i), f"step {i} of the outage", "priya", id=f"e{i}",
                                    created=START) for i in range(events)]
    return create_meeting(data_dir, meeting)


def environment() -> dict[str, str]:
    """This test's environment (its own user folders, see conftest.py), without colours."""
    return {**os.environ, "NO_COLOR": "1"}


class Holder:
    """A python process that holds the meeting open as its writer (``mode``: 'hold' or 'churn')."""

    def __init__(self, data_dir: Path, meeting_id: str, mode: str, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(data_dir), meeting_id, mode], env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert self.process.stdout.readline().strip() == "READY", self.process.stderr.read()

    def stop(self) -> None:
        _, err = self.process.communicate("stop\n", timeout=30)
        assert self.process.returncode == 0, err


def pmtui(env: dict[str, str], *args: object) -> subprocess.CompletedProcess:
    """The console script run with ``args`` (a process of its own, forked: tests/console_script.py)."""
    return pmtui_command([*map(str, args)], env)


def test_a_second_pmtui_run_is_refused_naming_the_holder(tmp_path):
    env = environment()
    meeting_id = meeting_with(tmp_path, 5)
    path = tmp_path / f"{meeting_id}.json"
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    holder = Holder(tmp_path, meeting_id, "hold", env)
    try:
        done = pmtui(env, "run", meeting_id, "--data-dir", tmp_path)
    finally:
        holder.stop()
    assert done.returncode == 2 and done.stdout == "" and "\x1b" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert f"pid {holder.process.pid}" in lines[0] and "open in another pmtui" in lines[0] and meeting_id in lines[0]
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before  # the refused run wrote nothing


def test_two_exports_to_one_file_at_once_both_succeed_and_leave_it_whole(tmp_path):
    env = environment()
    data = tmp_path / "data"  # exports may not go inside the data dir
    data.mkdir()
    meeting_id = meeting_with(data, 1500)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "same.md"
    with MeetingFile.open(data / f"{meeting_id}.json", write=False) as file:
        expected = render(from_data(Meeting, file.load()), "markdown")
    for _ in range(2):  # --force: the second round replaces the first round's file
        runs = [subprocess.Popen([PMTUI, "export", meeting_id, "-o", target, "--force", "--data-dir", data], env=env,
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
        for run in runs:
            out, err = run.communicate(timeout=60)
            assert run.returncode == 0 and out.strip() == f"Wrote {target}", err
        assert target.read_text(encoding="utf-8") == expected
        assert sorted(p.name for p in out_dir.iterdir()) == ["same.md"]  # no temp files left


def test_reading_while_the_writer_saves_never_sees_a_torn_file(tmp_path):
    env = environment()
    meeting_id = meeting_with(tmp_path, 300)
    holder = Holder(tmp_path, meeting_id, "churn", env)
    try:
        exports = [pmtui(env, "export", meeting_id, "--format", "json", "--data-dir", tmp_path) for _ in range(3)]
        saved = tmp_path / f"{meeting_id}.json"
        for _ in range(3000):  # the writer has saved since it started (a command takes ~0.1 s; a loaded writer longer)
            if len(MeetingFile.open(saved, write=False).load()["events"]) > 300:
                break
            time.sleep(0.01)
        exports.append(pmtui(env, "export", meeting_id, "--format", "json", "--data-dir", tmp_path))
        listings = [pmtui(env, "list", "--json", "--data-dir", tmp_path) for _ in range(2)]
    finally:
        holder.stop()
    counts = []
    for done in exports + listings:
        assert done.returncode == 0 and done.stderr == "", done.stderr
    for done in exports:
        counts.append(len(json.loads(done.stdout)["events"]))
    assert all(c >= 300 for c in counts) and counts[-1] > 300  # it saw the writer's progress, whole each time
    assert [row["id"] for row in json.loads(listings[-1].stdout)] == [meeting_id]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "config") == [f"{meeting_id}.json"]
