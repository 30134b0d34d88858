"""The disk fails mid-meeting: the app says so in one line, keeps typing, retries, and catches up.

Tests run as root here, where a read-only folder does not stop writes, so the
faults are injected at the system calls the store uses: ``os.replace``
failing with EROFS (a folder that went read-only) and ``os.fsync`` failing
with ENOSPC (a full disk). Crashes (SIGKILL) are covered in test_store.py and
test_e2e_kill.py.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from textual.widgets import Label

from helpers import paste_line, until
from pmtui.model import Incident, Meeting, from_data, to_data
from pmtui.session import MeetingSession
from pmtui.store import RESCUE_PREFIX, MeetingFile, StoreError, write_rescue_copy
from pmtui.tui.app import make_app
from pmtui.tui.views.timeline import TimelineView

FAULTS = {
    "read-only": ("replace", errno.EROFS),
    "disk-full": ("fsync", errno.ENOSPC),
}


class Disk:
    """Makes one os call fail with ``code`` while ``failing`` is set; counts the failures."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, call: str, code: int) -> None:
        self.failing = False
        self.failures = 0
        real = getattr(os, call)

        def flaky(*args, **kwargs):
            if self.failing:
                self.failures += 1
                raise OSError(code, os.strerror(code))
            return real(*args, **kwargs)

        monkeypatch.setattr(os, call, flaky)


@pytest.fixture
def meeting(tmp_path: Path) -> tuple[str, Path]:
    """A meeting on its timeline phase: (id, file path)."""
    session = MeetingSession.create(tmp_path, Incident("Checkout errors"))
    session.jump_to_phase(1)
    session.close()
    return session.meeting.id, session.file.path


def saved_descriptions(path: Path) -> list[str]:
    with MeetingFile.open(path, write=False) as file:
        return [e.description for e in from_data(Meeting, file.load()).events]


def save_status(app) -> str:
    return str(app.screen.query_one("#save-status", Label).render())


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_failing_disk_is_one_line_typing_goes_on_and_it_all_saves_once_it_clears(
    tmp_path, meeting, monkeypatch, fault
):
    meeting_id, path = meeting
    disk = Disk(monkeypatch, *FAULTS[fault])
    app = make_app(tmp_path, meeting_id)
    app.session.saver.retry_delays = (0.05, 0.1)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            view = app.screen.query_one(TimelineView)
            await paste_line(pilot, "14:30 deploy starts")
            await until(pilot, lambda: saved_descriptions(path) == ["deploy starts"], "the first line is saved")

            disk.failing = True
            typed = ["14:31 errors climb | checkout-api", "14:33 pager fires | alertmanager", "14:40 rollback | priya"]
            for line in typed:
                await paste_line(pilot, line)
            await until(pilot, lambda: "cannot save" in save_status(app), "the status line reports the fault")
            await until(pilot, lambda: disk.failures >= 3, "the writer retries")

            status = save_status(app)
            reason = os.strerror(FAULTS[fault][1])
            assert "\n" not in status and str(path) in status and reason in status and "retrying" in status
            messages = [n.message for n in app._notifications]
            assert messages and all("\n" not in m and "Traceback" not in m for m in messages)
            assert "Traceback" not in app.export_screenshot()
            assert view.table.row_count == 4 and view.entry.input.value == ""  # typing went on
            assert saved_descriptions(path) == ["deploy starts"]  # the old file, whole

            disk.failing = False
            await until(pilot, lambda: save_status(app) == "✓ saved", "the status line is back to saved")
            assert sorted(saved_descriptions(path)) == ["deploy starts", "errors climb", "pager fires", "rollback"]
            assert not list(tmp_path.glob(".*.tmp"))  # every failed write cleaned up after itself
    finally:
        app.close_session()


async def test_quitting_while_the_disk_fails_leaves_a_rescue_copy(tmp_path, meeting, monkeypatch, user_folders):
    """The pieces the app's quit uses: close reports the loss, the rescue copy holds everything."""
    meeting_id, path = meeting
    disk = Disk(monkeypatch, "replace", errno.EROFS)
    session = MeetingSession.open(tmp_path, meeting_id)
    session.saver.retry_delays = (0.05,)
    disk.failing = True
    session.add_event("14:31", "typed while the disk fails")
    close = session.saver.close
    monkeypatch.setattr(session.saver, "close", lambda: close(timeout=0.3))
    assert session.close() is False  # not silently claimed saved
    assert saved_descriptions(path) == []

    rescue = write_rescue_copy(to_data(session.meeting))
    assert rescue.parent == user_folders.temp and rescue.name.startswith(f"{RESCUE_PREFIX}{meeting_id}-")
    assert saved_descriptions(rescue) == ["typed while the disk fails"]  # a meeting file pmtui opens
    assert json.loads(rescue.read_bytes())["_meta"]["1"]["id"] == meeting_id


def test_a_rescue_copy_that_finds_no_place_is_one_clear_error(tmp_path, monkeypatch, user_folders):
    session = MeetingSession.create(tmp_path, Incident("Checkout errors"))
    session.close()
    disk = Disk(monkeypatch, "fsync", errno.ENOSPC)
    disk.failing = True
    with pytest.raises(StoreError) as info:
        write_rescue_copy(to_data(session.meeting))
    message = str(info.value)
    assert "\n" not in message and "No space left on device" in message and session.meeting.id in message
    assert str(user_folders.temp) in message and str(user_folders.home) in message  # both places were tried
    assert not [*user_folders.temp.iterdir(), *user_folders.home.iterdir()]  # no half-written copies


async def test_the_app_warns_on_quit_and_writes_a_rescue_copy(tmp_path, meeting, monkeypatch, user_folders):
    meeting_id, _ = meeting
    disk = Disk(monkeypatch, "replace", errno.EROFS)
    app = make_app(tmp_path, meeting_id)
    app.session.saver.retry_delays = (0.05,)
    close = app.session.saver.close
    monkeypatch.setattr(app.session.saver, "close", lambda: close(timeout=0.3))
    async with app.run_test(size=(160, 45)) as pilot:
        disk.failing = True
        await paste_line(pilot, "14:31 typed while the disk fails")
        await until(pilot, lambda: "cannot save" in save_status(app), "the status line reports the fault")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running
        assert any("ctrl+q again" in n.message for n in app._notifications)
        await pilot.press("ctrl+q")
    rescue = app.close_session()
    assert rescue is not None and rescue.parent == user_folders.temp
    assert saved_descriptions(rescue) == ["typed while the disk fails"]
