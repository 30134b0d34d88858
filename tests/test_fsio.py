"""The one durability rule for files pmtui writes whole (pmtui.fsio)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from pmtui.fsio import atomic_write
from pmtui.model import Incident, Meeting, to_data
from pmtui.store import MeetingFile


def _watch_disk(monkeypatch) -> list[tuple[str, object]]:
    """Record os.fsync (of a file or of which folder) and os.replace, in order, still doing them."""
    calls: list[tuple[str, object]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        st = os.fstat(fd)
        calls.append(("fsync-folder", st.st_ino) if stat.S_ISDIR(st.st_mode) else ("fsync-file", None))
        return real_fsync(fd)

    def replace(src, dst):
        calls.append(("replace", Path(dst).name))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return calls


def test_the_folder_is_fsynced_after_the_rename(tmp_path, monkeypatch):
    calls = _watch_disk(monkeypatch)
    atomic_write(tmp_path / "notes.md", "hello")
    assert calls == [("fsync-file", None), ("replace", "notes.md"), ("fsync-folder", tmp_path.stat().st_ino)]
    assert (tmp_path / "notes.md").read_text() == "hello"


def test_saving_a_meeting_fsyncs_its_folder_after_the_rename(tmp_path, monkeypatch):
    meeting = Meeting(Incident("Disk"))
    with MeetingFile.create(tmp_path, to_data(meeting)) as file:
        calls = _watch_disk(monkeypatch)
        file.save(to_data(meeting))
    assert calls[-2:] == [("replace", file.path.name), ("fsync-folder", tmp_path.stat().st_ino)]


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "outbox.json"
    atomic_write(target, b'{"old": true}')

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError):
        atomic_write(target, b'{"new": true}')
    assert json.loads(target.read_bytes()) == {"old": True}
    assert [p.name for p in tmp_path.iterdir()] == ["outbox.json"]


def test_written_files_are_the_owners_only(tmp_path):
    atomic_write(tmp_path / "room.json", "{}")
    if os.name != "nt":
        assert stat.S_IMODE((tmp_path / "room.json").stat().st_mode) == 0o600


def test_without_replace_an_existing_file_is_never_overwritten(tmp_path):
    target = tmp_path / "rescue.json"
    atomic_write(target, "first", replace=False)
    with pytest.raises(FileExistsError):
        atomic_write(target, "second", replace=False)
    assert target.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["rescue.json"]
