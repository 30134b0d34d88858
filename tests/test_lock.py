"""The one lock implementation (pmtui.lock) and the locks built on it."""

from __future__ import annotations

import os
import socket

import pytest

from pmtui.lock import FileLock, LockFileError, LockHeldError
from pmtui.model import Incident, Meeting, to_data
from pmtui.room.outbox import Outbox, OutboxError
from pmtui.store import MeetingFile, MeetingLockedError, StoreError


def test_a_second_holder_is_refused_with_the_first_ones_pid_and_host(tmp_path):
    lock = FileLock.acquire(tmp_path / "m.json.lock")
    with pytest.raises(LockHeldError) as info:
        FileLock.acquire(tmp_path / "m.json.lock")
    assert info.value.holder == f"pid {os.getpid()} on {socket.gethostname()}"
    lock.release()
    assert not (tmp_path / "m.json.lock").exists()
    FileLock.acquire(tmp_path / "m.json.lock").release()  # free again once released


def test_a_symlinked_lock_file_is_refused_and_its_target_untouched(tmp_path):
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    (tmp_path / "m.json.lock").symlink_to(victim)
    with pytest.raises(LockFileError, match="symbolic link") as info:
        FileLock.acquire(tmp_path / "m.json.lock")
    assert "\n" not in str(info.value)
    assert victim.read_text() == "keep me"


def test_a_meeting_with_a_symlinked_lock_file_is_not_opened_for_writing(tmp_path):
    with MeetingFile.create(tmp_path, to_data(Meeting(Incident("Links")))) as file:
        path = file.path
    before = path.read_bytes()
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    (tmp_path / f"{path.name}.lock").symlink_to(victim)
    with pytest.raises(StoreError, match="symbolic link"):
        MeetingFile.open(path, write=True)
    assert victim.read_text() == "keep me" and path.read_bytes() == before


def test_a_second_writer_of_a_meeting_is_told_who_holds_it(tmp_path):
    with MeetingFile.create(tmp_path, to_data(Meeting(Incident("Twice")))) as file:
        with pytest.raises(MeetingLockedError, match=f"pid {os.getpid()} on "):
            MeetingFile.open(file.path, write=True)


def test_a_second_outbox_for_the_same_name_is_refused_with_the_holder(tmp_path):
    first = Outbox.for_room("http://h:1", "alice", tmp_path)
    try:
        with pytest.raises(OutboxError, match=f"pid {os.getpid()} on "):
            Outbox.for_room("http://h:1", "alice", tmp_path)
    finally:
        first.close()
    Outbox.for_room("http://h:1", "alice", tmp_path).close()
