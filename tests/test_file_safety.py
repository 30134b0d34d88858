"""Files pmtui is pointed at or finds in its folders: exports never land on a meeting, links are never followed.

One test (or one parametrised family) per attack class of issue #12: ``export -o`` onto the meeting file (by
any spelling of the data dir), onto an existing file, into a missing folder, through a link; a meeting file
that is a symbolic link; a lock file that is a link (symbolic or hard) or a FIFO; a link planted at the name of
atomic_write's temp file; and quitting after the meetings folder became read-only.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import Static

from helpers import FixedClock, create_meeting, paste_line, until
from pmtui.cli import main
from pmtui.fsio import atomic_write
from pmtui.library import load_library
from pmtui.lock import FileLock
from pmtui.model import Incident, Meeting, from_data
from pmtui.session import MeetingSession
from pmtui.store import LinkedMeetingError, MeetingFile, list_meetings
from pmtui.tui.app import make_app

CSV = "time,description\n14:37,pager fires\n"


@pytest.fixture
def meeting(data) -> tuple[str, Path]:
    """A meeting in ``data``, on its timeline phase: (id, file)."""
    meeting_id = create_meeting(data, Meeting(Incident("Checkout errors")), phase=1)  # the timeline
    return meeting_id, data / f"{meeting_id}.json"


def pmtui(*args) -> tuple[int, str, str]:
    """Run the real command line in this process: exit code, stdout, stderr."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def refused(*args) -> str:
    """The one stderr line of a refusal (exit code 2, no traceback, nothing on stdout)."""
    code, out, err = pmtui(*args)
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pmtui: ") and not out, err
    return lines[0]


def descriptions(path: Path) -> list[str]:
    with MeetingFile.open(path, write=False) as file:
        return [e.description for e in from_data(Meeting, file.load()).events]


# --- export -o ----------------------------------------------------------------------------------


def _spellings(data: Path, meeting_id: str) -> dict[str, Path]:
    alias = data.parent / "alias"
    alias.symlink_to(data, target_is_directory=True)
    return {
        "the meeting file": data / f"{meeting_id}.json",
        "through ..": data / "missing" / ".." / f"{meeting_id}.json",
        "through a linked folder": alias / f"{meeting_id}.json",
        "its lock file": data / f"{meeting_id}.json.lock",
        "a new file beside it": data / "notes.md",
    }


@pytest.mark.parametrize("flags", [(), ("--force", "--parents")])
def test_export_is_never_written_into_the_meetings_folder(data, meeting, flags):
    meeting_id, path = meeting
    before = path.read_bytes()
    for what, target in _spellings(data, meeting_id).items():
        line = refused("export", meeting_id, "-o", target, *flags, "--data-dir", data)
        assert "inside the meetings folder" in line and "-o" in line, what
    assert path.read_bytes() == before
    assert sorted(p.name for p in data.iterdir()) == [path.name]  # no export, no lock file, no 'missing' folder
    MeetingSession.open(data, meeting_id).close()  # still a meeting, still free


def test_export_onto_an_existing_file_needs_force(data, meeting, tmp_path):
    meeting_id, _ = meeting
    out = tmp_path / "postmortem.md"
    out.write_text("my own notes")
    line = refused("export", meeting_id, "-o", out, "--data-dir", data)
    assert str(out) in line and "already exists" in line and "--force" in line
    assert out.read_text() == "my own notes"
    code, stdout, _ = pmtui("export", meeting_id, "-o", out, "--force", "--data-dir", data)
    assert code == 0 and str(out) in stdout and out.read_text().startswith("# Checkout errors")


def test_export_into_a_missing_folder_needs_parents(data, meeting, tmp_path):
    meeting_id, _ = meeting
    out = tmp_path / "new" / "folder" / "postmortem.md"
    line = refused("export", meeting_id, "-o", out, "--data-dir", data)
    assert str(out.parent) in line and "does not exist" in line and "--parents" in line
    assert not (tmp_path / "new").exists()


def test_export_never_writes_through_a_link(data, meeting, tmp_path):
    meeting_id, _ = meeting
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    out = tmp_path / "postmortem.md"
    out.symlink_to(victim)
    for flags in ((), ("--force",)):
        line = refused("export", meeting_id, "-o", out, *flags, "--data-dir", data)
        assert "symbolic link" in line and str(out) in line
    assert victim.read_text() == "keep me" and out.is_symlink()


def test_force_and_parents_without_a_file_are_refused(data, meeting):
    line = refused("export", meeting[0], "--force", "--data-dir", data)
    assert "-o" in line


# --- a meeting file that is a symbolic link -----------------------------------------------------------


@pytest.fixture
def linked(data, tmp_path) -> tuple[str, Path, Path]:
    """A meeting whose file in ``data`` is a symbolic link to a file elsewhere: (id, link, the real file)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    meeting_id = create_meeting(elsewhere, Meeting(Incident("Linked")))
    real = elsewhere / f"{meeting_id}.json"
    link = data / real.name
    link.symlink_to(real)
    return meeting_id, link, real


@pytest.mark.parametrize("command", [
    ("import", "{id}", "{csv}"),
    ("export", "{id}"),
    ("lint", "{id}"),
    ("related", "{id}", "other"),
])
def test_a_linked_meeting_file_is_reported_in_one_line_and_left_alone(data, linked, tmp_path, command):
    meeting_id, link, real = linked
    before = real.read_bytes()
    csv = tmp_path / "events.csv"
    csv.write_text(CSV)
    line = refused(*(part.format(id=meeting_id, csv=csv) for part in command), "--data-dir", data)
    assert "symbolic link" in line and str(link) in line
    assert link.is_symlink() and real.read_bytes() == before
    assert not (data / f"{link.name}.lock").exists()


def test_a_linked_meeting_file_is_skipped_by_list_library_and_session(data, linked):
    meeting_id, link, real = linked
    summaries, errors = list_meetings(data)
    assert summaries == [] and len(errors) == 1 and isinstance(errors[0], LinkedMeetingError)
    assert "\n" not in str(errors[0])
    library = load_library(data)
    assert library.meetings == [] and [type(e) for e in library.errors] == [LinkedMeetingError]
    with pytest.raises(LinkedMeetingError):
        MeetingSession.open(data, meeting_id)
    code, _, err = pmtui("list", "--data-dir", data)
    assert code == 0 and "symbolic link" in err and len(err.strip().splitlines()) == 1
    assert link.is_symlink()


async def test_the_home_screen_reports_a_linked_meeting_file(data, linked):
    _, link, _ = linked
    app = make_app(data, now=FixedClock())
    async with app.run_test(size=(100, 24)) as pilot:
        errors = app.screen.query_one("#home-errors", Static)
        await until(pilot, lambda: errors.display, "the problem is shown")
        assert "symbolic link" in str(errors.render())
    assert link.is_symlink()


def test_a_meeting_file_replaced_by_a_link_while_open_is_not_replaced_back(data, meeting, tmp_path):
    meeting_id, path = meeting
    session = MeetingSession.open(data, meeting_id)
    session.saver.retry_delays = (0.05,)
    elsewhere = tmp_path / "elsewhere.json"
    os.replace(path, elsewhere)
    path.symlink_to(elsewhere)
    before = elsewhere.read_bytes()
    session.add_event("14:40", "typed after the swap")
    assert not session.flush(0.5)
    session.saver.close(0.1)
    session.close()
    assert path.is_symlink() and elsewhere.read_bytes() == before


def test_a_linked_library_cache_folder_is_not_written_through(data, meeting, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (data / ".pmtui-cache").symlink_to(elsewhere, target_is_directory=True)
    os.utime(meeting[1], (0, 0))  # settled long ago: cached on main
    library = load_library(data)
    assert [m.id for m in library.meetings] == [meeting[0]] and not library.errors
    assert list(elsewhere.iterdir()) == []


# --- lock files --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["symbolic link", "hard link", "fifo"])
def test_a_planted_lock_file_is_refused_and_nothing_is_written_through_it(data, meeting, tmp_path, kind):
    meeting_id, path = meeting
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    lock = data / f"{path.name}.lock"
    if kind == "symbolic link":
        lock.symlink_to(victim)
    elif kind == "hard link":
        os.link(victim, lock)
    else:
        os.mkfifo(lock)
    before = path.read_bytes()
    csv = tmp_path / "events.csv"
    csv.write_text(CSV)
    line = refused("import", meeting_id, csv, "--data-dir", data)
    assert str(lock) in line and "remove" in line
    assert victim.read_text() == "keep me" and path.read_bytes() == before


# --- atomic_write's temp file ---------------------------------------------------------------------------


def test_a_link_planted_at_the_temp_file_name_is_not_written_through(data, meeting, tmp_path, monkeypatch):
    """mkstemp is asked for one name, then another: the first one is a planted link to a victim."""
    meeting_id, path = meeting
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    session = MeetingSession.open(data, meeting_id)  # (opening clears stale temp files: plant after)
    planted = data / f".{path.name}.planted.tmp"
    planted.symlink_to(victim)
    monkeypatch.setattr(tempfile, "_get_candidate_names", lambda: iter(["planted", "fresh"]))
    session.add_event("14:40", "written beside the link")
    assert session.flush(5)
    session.close()
    assert victim.read_text() == "keep me" and planted.is_symlink()
    assert descriptions(path) == ["written beside the link"]


def test_atomic_write_refuses_a_linked_target(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    target = tmp_path / "notes.md"
    target.symlink_to(victim)
    with pytest.raises(OSError) as info:
        atomic_write(target, "new")
    assert info.value.errno == errno.ELOOP and "symbolic link" in str(info.value)
    assert target.is_symlink() and victim.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.md", "victim"]


# --- quitting when the meetings folder became read-only --------------------------------------------


class ReadOnlyFolder:
    """Makes ``folder`` read-only, for root too: changes of names in it fail with EROFS (a remount read-only)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
        self.folder = os.path.realpath(folder)
        self.on = False
        real_open = os.open

        def guarded_open(path, flags, *args, **kwargs):
            if flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR | os.O_TRUNC):
                self._check(path)
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", guarded_open)
        for name in ("unlink", "replace", "rename", "link", "mkdir"):
            monkeypatch.setattr(os, name, self._guard(getattr(os, name)))

    def _guard(self, real):
        def guarded(*paths, **kwargs):
            for path in paths:
                self._check(path)
            return real(*paths, **kwargs)

        return guarded

    def _check(self, path) -> None:
        if self.on and isinstance(path, (str, bytes, os.PathLike)):
            where = os.path.realpath(os.fsdecode(path))
            if where == self.folder or where.startswith(self.folder + os.sep):
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fsdecode(path))


class ChmodFolder:
    """Makes ``folder`` read-only with chmod, as a user would (root is not stopped by it)."""

    def __init__(self, folder: Path) -> None:
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders anyway; the 'remount' case covers it")
        self.folder = folder

    @property
    def on(self) -> bool:
        return not os.access(self.folder, os.W_OK)

    @on.setter
    def on(self, value: bool) -> None:
        self.folder.chmod(0o555 if value else 0o755)


@pytest.mark.parametrize("mode", ["chmod", "remount"])
async def test_quitting_after_the_folder_became_read_only_keeps_the_last_entry(
    data, meeting, monkeypatch, user_folders, mode
):
    meeting_id, path = meeting
    read_only = ChmodFolder(data) if mode == "chmod" else ReadOnlyFolder(monkeypatch, data)
    app = make_app(data, meeting_id)
    app.session.saver.retry_delays = (0.05,)
    close = app.session.saver.close
    monkeypatch.setattr(app.session.saver, "close", lambda: close(timeout=0.3))
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await paste_line(pilot, "14:30 saved before")
            await until(pilot, lambda: descriptions(path) == ["saved before"], "the first line is saved")
            read_only.on = True
            await paste_line(pilot, "14:31 the last entry")
            await pilot.press("ctrl+q")
            await pilot.pause()
            if app.is_running:  # the save already failed: quitting asks twice
                await pilot.press("ctrl+q")
        rescue = app.close_session()
        problem = app.session.release_problem
    finally:
        read_only.on = False
    assert rescue is not None and rescue.parent == user_folders.temp
    assert descriptions(rescue) == ["saved before", "the last entry"]
    assert descriptions(path) == ["saved before"]
    assert problem is not None and "\n" not in problem and f"{path.name}.lock" in problem
    MeetingSession.open(data, meeting_id).close()  # the lock file left behind blocks no one


def test_a_lock_that_cannot_be_removed_is_still_released(tmp_path, monkeypatch):
    lock = FileLock.acquire(tmp_path / "m.json.lock")
    folder = ReadOnlyFolder(monkeypatch, tmp_path)
    folder.on = True
    problem = lock.release()
    assert problem is not None and "m.json.lock" in problem and "Read-only file system" in problem
    folder.on = False
    FileLock.acquire(tmp_path / "m.json.lock").release()
    assert lock.release() is None  # idempotent
