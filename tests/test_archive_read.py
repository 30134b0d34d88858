"""Reading archives with the data dir: every meeting.json, merged once per meeting, cached outside the archive."""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archive_factory import PUBLISHED, publish_record
from library_factory import fixed_meeting, write_meeting
from pmtui import library as library_module
from pmtui.analysis.search import SEARCH_DIGEST, pack_passages, search
from pmtui.archive import reader
from pmtui.library import LOCAL, load_library
from pmtui.store import StoreError

OLD = 1_600_000_000  # a modification time long past, so that records are cached (see library.SETTLE_SECONDS)


def settled(root: Path) -> None:
    """Give every file under ``root`` an old modification time, as a checkout made a while ago has."""
    for folder, _, names in os.walk(root):
        for name in names:
            os.utime(Path(folder) / name, (OLD, OLD), follow_symlinks=False)


def everything_in(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.lstat().st_mtime_ns for p in root.rglob("*")}


@pytest.fixture(autouse=True)
def data_dir(user_folders) -> Path:
    user_folders.data.mkdir()
    return user_folders.data


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "team-archive"
    for k in range(3):
        publish_record(root, fixed_meeting(k))
    return root


def test_archive_meetings_join_the_local_ones_and_say_where_they_come_from(archive, user_folders):
    write_meeting(user_folders.data, fixed_meeting(7))
    library = load_library(user_folders.data, ("actions",), archives=[archive])
    assert sorted(m.id for m in library.meetings) == ["m00", "m01", "m02", "m07"]
    assert library.sources == {"m00": "team-archive", "m01": "team-archive", "m02": "team-archive", "m07": LOCAL}
    assert library.files["m02"].name == "meeting.json" and library.files["m02"].is_relative_to(archive)
    archived = next(m for m in library.meetings if m.id == "m02")
    assert [a.id for a in archived.actions] == [a.id for a in fixed_meeting(2).actions] != []
    assert library.archived("m00") and not library.archived("m07")
    assert not library.errors


def test_without_archives_the_library_is_the_data_dir_alone(archive, user_folders):
    write_meeting(user_folders.data, fixed_meeting(7))
    library = load_library(user_folders.data)
    assert [m.id for m in library.meetings] == ["m07"] and library.sources == {"m07": LOCAL}


def test_search_finds_archived_text(archive, user_folders):
    publish_record(archive, fixed_meeting(7))
    library = load_library(user_folders.data, (), {SEARCH_DIGEST: pack_passages}, archives=[archive])
    assert [hit.meeting.id for hit in search(library, "replica db-7")] == ["m07"]


@pytest.mark.parametrize("archive_later, shown", [(True, "team-archive"), (False, LOCAL)])
def test_a_meeting_in_the_data_dir_and_an_archive_shows_once_the_newer_copy(tmp_path, user_folders, archive_later,
                                                                            shown):
    local = fixed_meeting(4)
    write_meeting(user_folders.data, local)  # _meta.updated: now
    published = dataclasses.replace(local, incident=dataclasses.replace(local.incident, title="As published"))
    now = datetime.now(UTC)
    publish_record(tmp_path / "team-archive", published, now + timedelta(days=1 if archive_later else -1))
    library = load_library(user_folders.data, archives=[tmp_path / "team-archive"])
    assert [m.id for m in library.meetings] == ["m04"]
    assert library.sources["m04"] == shown
    assert library.meetings[0].incident.title == ("As published" if archive_later else local.incident.title)


def test_the_same_meeting_in_two_archives_shows_once_the_newer_copy(tmp_path, user_folders):
    meeting = fixed_meeting(5)
    for name, updated, title in (("a", PUBLISHED, "older"), ("b", PUBLISHED + timedelta(hours=1), "newer")):
        changed = dataclasses.replace(meeting, incident=dataclasses.replace(meeting.incident, title=title))
        publish_record(tmp_path / name / "team-archive", changed, updated)
    roots = [tmp_path / "a" / "team-archive", tmp_path / "b" / "team-archive"]
    for order in (roots, roots[::-1]):
        library = load_library(user_folders.data, archives=order)
        assert [m.incident.title for m in library.meetings] == ["newer"]
        assert library.sources["m05"] == str((tmp_path / "b" / "team-archive").resolve())  # two of that name


def test_records_are_cached_in_the_cache_dir_and_nothing_is_written_into_the_archive(archive, user_folders,
                                                                                      monkeypatch):
    settled(archive)
    before = everything_in(archive)
    first = load_library(user_folders.data, ("actions",), {SEARCH_DIGEST: pack_passages}, archives=[archive])
    assert everything_in(archive) == before
    assert list((user_folders.cache / "archives").iterdir())

    def no_reading(root, name):
        raise AssertionError(f"read {name} again although it did not change")

    monkeypatch.setattr(library_module, "read_archived", no_reading)
    warm = load_library(user_folders.data, ("actions",), {SEARCH_DIGEST: pack_passages}, archives=[archive])
    assert warm.meetings == first.meetings and warm.digests == first.digests and warm.sources == first.sources


def test_a_changed_record_is_read_again(archive, user_folders):
    settled(archive)
    load_library(user_folders.data, archives=[archive])
    changed = fixed_meeting(1)
    changed.incident.title = "Renamed in review"
    path = publish_record(archive, changed, folder=str(next(archive.rglob("meeting.json")).parent.relative_to(archive)))
    os.utime(path, (OLD + 10, OLD + 10))
    titles = {m.id: m.incident.title for m in load_library(user_folders.data, archives=[archive]).meetings}
    assert titles[changed.id] == "Renamed in review"


def test_a_cache_dir_inside_the_archive_is_not_written(archive, user_folders, monkeypatch):
    monkeypatch.setenv("PMTUI_CACHE_DIR", str(archive / "cache"))
    settled(archive)
    before = everything_in(archive)
    assert len(load_library(user_folders.data, archives=[archive]).meetings) == 3
    assert everything_in(archive) == before


# --- attacks ---------------------------------------------------------------------------------------------------


def test_a_linked_record_is_not_read(tmp_path, archive, user_folders):
    outside = publish_record(tmp_path / "elsewhere", fixed_meeting(9))
    (archive / "postmortems" / "linked").mkdir()
    (archive / "postmortems" / "linked" / "meeting.json").symlink_to(outside)
    library = load_library(user_folders.data, archives=[archive])
    assert "m09" not in {m.id for m in library.meetings} and len(library.meetings) == 3
    [error] = library.errors
    assert "symbolic link" in str(error) and "\n" not in str(error)


def test_a_folder_loop_made_of_links_ends_and_nothing_is_read_twice(tmp_path, archive, user_folders):
    (archive / "postmortems" / "loop").symlink_to(archive)
    (archive / "postmortems" / "2026" / "away").symlink_to(tmp_path)
    publish_record(tmp_path / "outside", fixed_meeting(9))
    library = load_library(user_folders.data, archives=[archive])
    assert sorted(m.id for m in library.meetings) == ["m00", "m01", "m02"] and not library.errors


def test_the_git_folder_is_skipped(archive, user_folders):
    publish_record(archive, fixed_meeting(9), folder=".git/objects/old")
    assert "m09" not in {m.id for m in load_library(user_folders.data, archives=[archive]).meetings}


def test_a_huge_record_is_refused_in_one_line_and_the_rest_shown(archive, user_folders):
    huge = archive / "postmortems" / "huge" / "meeting.json"
    huge.parent.mkdir()
    with huge.open("wb") as handle:
        handle.truncate(50 * 2**20)
    library = load_library(user_folders.data, archives=[archive])
    assert len(library.meetings) == 3
    [error] = library.errors
    assert str(huge) in str(error) and "larger than" in str(error) and "\n" not in str(error)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_a_records_place_is_refused_without_hanging(archive, user_folders):
    (archive / "fifo").mkdir()
    os.mkfifo(archive / "fifo" / "meeting.json")
    library = load_library(user_folders.data, archives=[archive])
    assert len(library.meetings) == 3
    [error] = library.errors
    assert "not a regular file" in str(error)


def test_the_same_archive_twice_is_read_once_and_named_by_its_folder(archive, user_folders):
    library = load_library(user_folders.data, archives=[archive, archive / ".." / archive.name])
    assert len(library.meetings) == 3 and set(library.sources.values()) == {"team-archive"}


def test_broken_and_newer_records_are_skipped_one_line_each(archive, user_folders):
    newer = json.loads((publish_record(archive, fixed_meeting(8))).read_text())
    newer["schema"] = 999
    bad = [("broken", "{ not json"), ("newer", json.dumps(newer)), ("other", '{"app": "else"}'),
           ("binary", b"\xff\xfe".decode("latin-1"))]
    for name, text in bad:
        (archive / name).mkdir()
        (archive / name / "meeting.json").write_text(text, encoding="latin-1")
    library = load_library(user_folders.data, archives=[archive])
    assert sorted(m.id for m in library.meetings) == ["m00", "m01", "m02", "m08"]
    assert len(library.errors) == len(bad) and all("\n" not in str(e) for e in library.errors)
    assert any("newer pmtui" in str(e) for e in library.errors)


def test_control_characters_in_an_archived_title_are_removed(archive, user_folders):
    meeting = fixed_meeting(6)
    meeting.incident.title = "Outage\x1b[2J\x1b]0;owned\x07 in \u202echeckout\u200b"
    publish_record(archive, meeting)
    library = load_library(user_folders.data, archives=[archive])
    title = next(m for m in library.meetings if m.id == "m06").incident.title
    assert title.startswith("Outage") and not any(c in title for c in "\x1b\x07\u202e\u200b")


@pytest.mark.parametrize("make", ["missing", "file"])
def test_an_archive_that_is_not_a_folder_is_one_line(tmp_path, user_folders, make):
    path = tmp_path / "archive"
    if make == "file":
        path.write_text("not a folder")
    with pytest.raises(StoreError) as raised:
        load_library(user_folders.data, archives=[path])
    assert str(path) in str(raised.value) and "\n" not in str(raised.value)


def test_archive_labels_are_folder_names_unless_two_share_one(tmp_path):
    a, b, c = tmp_path / "x" / "pm", tmp_path / "y" / "pm", tmp_path / "ops"
    assert [reader.archive_label(r, [a, b, c]) for r in (a, b, c)] == [str(a), str(b), "ops"]
