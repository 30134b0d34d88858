"""Tests for pmtui.store and pmtui.paths: meeting files, locking, saving, listing."""

from __future__ import annotations

import asyncio
import errno
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from tinydb import TinyDB

from pmtui.model import (
    SCHEMA_VERSION,
    ActionItem,
    Attendee,
    ClockState,
    ContributingFactor,
    Incident,
    Meeting,
    Observation,
    RootCause,
    TimelineEvent,
    Why,
    WhyChain,
    from_data,
    to_data,
)
from pmtui.paths import data_dir
from pmtui.store import (
    MeetingFile,
    MeetingLockedError,
    MeetingNotFoundError,
    MeetingStorage,
    NewerSchemaError,
    NotAMeetingError,
    Saver,
    SaveStatus,
    SessionSaver,
    StoreError,
    list_meetings,
    meeting_to_tables,
    resolve_meeting,
    slugify,
    tables_to_meeting,
)

WRITER = Path(__file__).with_name("store_writer.py")
T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def make_meeting(title: str = "Database outage", *, id: str | None = None, created: datetime = T0) -> Meeting:
    """A meeting with something in every list field."""
    meeting = Meeting(
        incident=Incident(
            title=title,
            severity="SEV1",
            services=["db", "api"],
            summary="Primary ran out of connections.",
            impact_start=T0,
            detected=T0 + timedelta(minutes=4),
            resolved=T0 + timedelta(hours=1),
        ),
        created=created,
        attendees=[Attendee("Ana", "facilitator"), Attendee("Bo")],
        events=[
            TimelineEvent(T0 + timedelta(minutes=i), f"event {i}", actor="Bo", decision_point=i == 2)
            for i in range(1, 4)
        ],
        observations=[Observation("lucky", "Low traffic day")],
        chains=[
            WhyChain(
                "Connections exhausted",
                whys=[Why("Pool too small", "Ana"), Why("Default config")],
                root_cause=RootCause("No capacity review", "process gap"),
            )
        ],
        factors=[ContributingFactor("Alert was noisy", "technology")],
        actions=[
            ActionItem(
                "Add pool alert", owner="Bo", priority="high", due=date(2024, 5, 22), kinds=["improves detection"]
            )
        ],
        clock=ClockState(phase_index=1, elapsed=[60.0, 12.5], extended=[0.0, 0.0], started_at=1.0),
        notes={"timeline": "ran long"},
        publication_date=date(2024, 5, 3),
        related=["INC-41", "INC-7"],
    )
    if id is not None:
        meeting.id = id
    return meeting


def write_meeting(folder: Path, meeting: Meeting) -> Path:
    MeetingFile.create(folder, to_data(meeting)).close()
    return folder / f"{meeting.id}.json"


def run_helper(mode: str, path: Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WRITER), mode, str(path)], stdout=subprocess.PIPE, text=True, **kwargs
    )


def try_lock_in_subprocess(path: Path) -> tuple[int, str]:
    proc = subprocess.run(
        [sys.executable, str(WRITER), "try", str(path)], capture_output=True, text=True, timeout=30
    )
    return proc.returncode, proc.stdout.strip()


# --- round trip and file layout -------------------------------------------------


def test_tables_round_trip_is_exact():
    data = to_data(make_meeting())
    tables = meeting_to_tables(data)
    assert tables_to_meeting(tables) == data
    assert tables_to_meeting(json.loads(json.dumps(tables))) == data
    assert "decisions" not in tables
    assert list(tables["events"]) == ["1", "2", "3"]


def test_create_close_open_load_round_trip(tmp_path):
    meeting = make_meeting()
    with MeetingFile.create(tmp_path, to_data(meeting)) as file:
        assert file.path == tmp_path / f"{meeting.id}.json"
        assert file.writable
    with MeetingFile.open(file.path, write=False) as reopened:
        assert not reopened.writable
        assert from_data(Meeting, reopened.load()) == meeting


def test_save_then_load_sees_new_data(tmp_path):
    meeting = make_meeting()
    with MeetingFile.create(tmp_path, to_data(meeting)) as file:
        meeting.events.append(TimelineEvent(T0, "late addition"))
        file.save(to_data(meeting))
        assert from_data(Meeting, file.load()) == meeting


def test_file_is_a_tinydb_database(tmp_path):
    path = write_meeting(tmp_path, make_meeting())
    with TinyDB(path, access_mode="r") as db:
        assert {"_meta", "meeting", "events", "actions"} <= db.tables()
        assert [e["description"] for e in db.table("events").all()] == ["event 1", "event 2", "event 3"]
        assert db.table("related").all() == [{"value": "INC-41"}, {"value": "INC-7"}]
    assert TinyDB(path, storage=MeetingStorage).table("actions").all()[0]["owner"] == "Bo"


def test_meta_fields(tmp_path):
    meeting = make_meeting("DB outage: primary/replica split!")
    path = write_meeting(tmp_path, meeting)
    meta = json.loads(path.read_text())["_meta"]["1"]
    assert meta["app"] == "pmtui"
    assert meta["schema"] == SCHEMA_VERSION
    assert meta["id"] == meeting.id
    assert meta["title"] == "DB outage: primary/replica split!"
    assert meta["slug"] == "db-outage-primary-replica-split"
    assert meta["severity"] == "SEV1"
    assert meta["created"] == T0.isoformat()
    assert meta["status"] == "active"
    assert datetime.fromisoformat(meta["updated"]) > T0


def test_slugify():
    assert slugify("  Payments -- API 502s  ") == "payments-api-502s"
    assert slugify("snake_case title") == "snake-case-title"


def test_create_refuses_to_overwrite(tmp_path):
    meeting = make_meeting()
    path = write_meeting(tmp_path, meeting)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="already exists"):
        MeetingFile.create(tmp_path, to_data(make_meeting("Other", id=meeting.id)))
    assert path.read_bytes() == before
    assert not (tmp_path / f"{meeting.id}.json.lock").exists()


def test_read_only_file_cannot_save(tmp_path):
    path = write_meeting(tmp_path, make_meeting())
    with MeetingFile.open(path, write=False) as file, pytest.raises(StoreError, match="not open for writing"):
        file.save(file.load())


def test_open_missing_file(tmp_path):
    with pytest.raises(MeetingNotFoundError, match="pmtui list"):
        MeetingFile.open(tmp_path / "nope.json", write=False)


# --- locking ---------------------------------------------------------------------


def test_second_writer_is_refused_until_close(tmp_path):
    meeting = make_meeting()
    file = MeetingFile.create(tmp_path, to_data(meeting))
    lock = tmp_path / f"{meeting.id}.json.lock"
    assert lock.read_text().split() == [str(os.getpid()), socket.gethostname()]

    code, out = try_lock_in_subprocess(file.path)
    assert code == 3
    assert f"meeting {meeting.id} is open in another pmtui (pid {os.getpid()} on {socket.gethostname()})" in out
    assert "close it there first" in out
    with pytest.raises(MeetingLockedError):  # a second writer in the same process, too
        MeetingFile.open(file.path, write=True)
    with MeetingFile.open(file.path, write=False) as reader:
        assert reader.load()["id"] == meeting.id

    file.close()
    file.close()  # idempotent
    assert not lock.exists()
    assert try_lock_in_subprocess(file.path) == (0, "ok")
    assert not lock.exists()


def test_lock_of_killed_holder_is_free(tmp_path):
    path = write_meeting(tmp_path, make_meeting())
    holder = run_helper("hold", path)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(MeetingLockedError, match=f"pid {holder.pid} "):
            MeetingFile.open(path, write=True)
    finally:
        holder.kill()
        holder.wait(10)
        holder.stdout.close()
    with MeetingFile.open(path, write=True) as file:
        assert file.writable
        assert (tmp_path / f"{path.name}.lock").read_text().split()[0] == str(os.getpid())


# --- invalid files -----------------------------------------------------------------


def good_text(folder: Path) -> str:
    """The text of a valid meeting file, written in ``folder/src``."""
    (folder / "src").mkdir()
    return write_meeting(folder / "src", make_meeting()).read_text()


def _with_schema(tables: dict, schema: int) -> dict:
    tables["_meta"]["1"]["schema"] = schema
    return tables


INVALID = {
    "invalid-json": (NotAMeetingError, lambda good: "{this is not json", "not valid JSON"),
    "truncated": (NotAMeetingError, lambda good: good[: len(good) // 2], "perhaps truncated"),
    "empty": (NotAMeetingError, lambda good: "", "is empty"),
    "other-program": (NotAMeetingError, lambda good: '{"name": "my-app", "version": "1.0"}', "not a pmtui meeting"),
    "other-tinydb": (NotAMeetingError, lambda good: '{"_default": {"1": {"a": 1}}}', "not a pmtui meeting"),
    "json-list": (NotAMeetingError, lambda good: "[1, 2, 3]", "not a pmtui meeting"),
    "damaged-meeting": (
        NotAMeetingError,
        lambda good: json.dumps({**json.loads(good), "events": [1, 2]}),
        "damaged pmtui meeting",
    ),
    "newer-schema": (
        NewerSchemaError,
        lambda good: json.dumps(_with_schema(json.loads(good), SCHEMA_VERSION + 1)),
        f"was written by a newer pmtui (schema {SCHEMA_VERSION + 1}); upgrade pmtui to open it",
    ),
}


@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
@pytest.mark.parametrize("kind", list(INVALID))
def test_invalid_file_is_reported_and_left_untouched(tmp_path, kind, write):
    error, corrupt, message = INVALID[kind]
    path = tmp_path / "abcd1234.json"
    path.write_text(corrupt(good_text(tmp_path)))
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = path.read_bytes()

    with pytest.raises(error) as info:
        MeetingFile.open(path, write=write)
    text = str(info.value)
    assert message in text
    assert str(path) in text
    assert "\n" not in text

    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == 1_000_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["abcd1234.json", "src"]


# --- listing and resolving ---------------------------------------------------------


def test_list_meetings_newest_first_with_corrupt_file(tmp_path):
    old = make_meeting("Old outage", created=T0)
    new = make_meeting("New outage", created=T0 + timedelta(days=3))
    mid = make_meeting("Mid outage", created=T0 + timedelta(days=1))
    for m in (old, new, mid):
        write_meeting(tmp_path, m)
    corrupt = tmp_path / "zzzz0000.json"
    corrupt.write_text('{"_meta": {"1": {"app": "pm')
    before = corrupt.read_bytes()
    no_title = tmp_path / "yyyy0000.json"
    no_title.write_text('{"_meta": {"1": {"app": "pmtui", "schema": 1, "id": "yyyy0000"}}}')
    (tmp_path / f".{new.id}.json.x1y2.tmp").write_text('{"half')  # stale temp of a killed writer
    (tmp_path / "notes.txt").write_text("not a meeting")

    meetings, errors = list_meetings(tmp_path)

    assert [m.id for m in meetings] == [new.id, mid.id, old.id]
    assert meetings[0].title == "New outage"
    assert meetings[0].slug == "new-outage"
    assert meetings[0].severity == "SEV1"
    assert meetings[0].status == "active"
    assert meetings[0].created == (T0 + timedelta(days=3)).isoformat()
    assert datetime.fromisoformat(meetings[0].updated) > T0
    assert meetings[0].path == tmp_path / f"{new.id}.json"
    assert [type(e) for e in errors] == [NotAMeetingError, NotAMeetingError]
    assert str(no_title) in str(errors[0]) and "_meta lacks title, slug" in str(errors[0])
    assert str(corrupt) in str(errors[1])
    assert corrupt.read_bytes() == before


def test_list_meetings_of_missing_folder(tmp_path):
    assert list_meetings(tmp_path / "missing") == ([], [])


def test_list_many_meetings_lists_each_once(tmp_path):
    """Every file is listed once (how long 2,000 take is benchmarks/library_scale.py's job)."""
    data = to_data(make_meeting())
    for i in range(300):
        data["id"] = f"{i:08x}"
        (tmp_path / f"{data['id']}.json").write_text(json.dumps(meeting_to_tables(data), indent=1))
    meetings, errors = list_meetings(tmp_path)
    assert not errors
    assert sorted(m.id for m in meetings) == [f"{i:08x}" for i in range(300)]


@pytest.fixture
def three_meetings(tmp_path):
    ids = {"db-outage": "a1b2c3d4", "db-outage-replay": "a1ffffff", "payments-502s": "b7e8f9a0"}
    titles = {"db-outage": "DB outage", "db-outage-replay": "DB outage replay", "payments-502s": "Payments 502s"}
    for slug, meeting_id in ids.items():
        write_meeting(tmp_path, make_meeting(titles[slug], id=meeting_id))
    return tmp_path


@pytest.mark.parametrize(
    "ref, expected",
    [
        ("a1b2c3d4", "a1b2c3d4"),  # exact id
        ("a1b", "a1b2c3d4"),  # unique id prefix
        ("b7", "b7e8f9a0"),
        ("db-outage", "a1b2c3d4"),  # exact slug, though also a prefix of another slug
        ("db-outage-r", "a1ffffff"),  # unique slug prefix
        ("pay", "b7e8f9a0"),
    ],
)
def test_resolve_meeting(three_meetings, ref, expected):
    assert resolve_meeting(three_meetings, ref) == three_meetings / f"{expected}.json"


def test_resolve_ambiguous(three_meetings):
    with pytest.raises(StoreError, match="'a1' matches several meetings") as info:
        resolve_meeting(three_meetings, "a1")
    assert not isinstance(info.value, MeetingNotFoundError)
    assert "a1b2c3d4 (db-outage)" in str(info.value) and "a1ffffff (db-outage-replay)" in str(info.value)


def test_resolve_unknown(three_meetings, tmp_path):
    with pytest.raises(MeetingNotFoundError) as info:
        resolve_meeting(three_meetings, "zebra")
    text = str(info.value)
    assert text.startswith(f"no meeting 'zebra' in {three_meetings}; known: ")
    assert "a1b2c3d4 (db-outage)" in text and text.endswith("run 'pmtui list'")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(MeetingNotFoundError, match="no meetings yet"):
        resolve_meeting(empty, "zebra")


def test_resolve_corrupt_file_by_id_then_open_reports_it(tmp_path):
    path = tmp_path / "deadbeef.json"
    path.write_text("{")
    assert resolve_meeting(tmp_path, "deadbeef") == path
    with pytest.raises(NotAMeetingError):
        MeetingFile.open(path, write=False)


# --- background saver ----------------------------------------------------------------


@pytest.fixture
def open_file(tmp_path):
    file = MeetingFile.create(tmp_path, to_data(make_meeting()))
    yield file
    file.close()


def snapshot(owner: str) -> dict:
    data = to_data(make_meeting())
    data["document_owner"] = owner
    return data


def test_saver_coalesces_and_flushes(open_file, monkeypatch):
    real_save, gate, started, written = open_file.save, threading.Event(), threading.Event(), []

    def slow_save(data):
        started.set()
        assert gate.wait(5)
        real_save(data)
        written.append(data["document_owner"])

    monkeypatch.setattr(open_file, "save", slow_save)
    saver = Saver(open_file)
    saver.submit(snapshot("a"))
    assert started.wait(5)
    for owner in "bcd":
        saver.submit(snapshot(owner))  # does not block while a save is in progress
    assert (saver.submitted_version, saver.saved_version) == (4, 0)
    assert not saver.flush(timeout=0.01)

    gate.set()
    assert saver.flush(timeout=5)
    assert written == ["a", "d"]
    assert saver.saved_version == 4
    assert open_file.load()["document_owner"] == "d"
    assert saver.close()


async def test_wait_saved_returns_once_the_version_is_on_disk(open_file, monkeypatch):
    real_save, gate = open_file.save, threading.Event()
    monkeypatch.setattr(open_file, "save", lambda data: (gate.wait(5), real_save(data)))
    saver = Saver(open_file)
    saver.submit(snapshot("a"))
    saver.submit(snapshot("b"))
    waiter = asyncio.ensure_future(saver.wait_saved(2))
    await asyncio.sleep(0)
    assert not waiter.done() and saver.saved_version < 2
    gate.set()
    await asyncio.wait_for(waiter, 5)  # woken by the writer thread
    assert saver.saved_version == 2
    await asyncio.wait_for(saver.wait_saved(1), 0.5)  # already on disk: at once
    assert saver.close()


def test_session_saver_takes_one_snapshot_per_loop_iteration_and_drops_a_changed_events_form(open_file):
    meeting = from_data(Meeting, open_file.load())
    saver = SessionSaver(open_file, meeting)
    queued = []
    saver.defer(queued.append)
    first = saver.data()["events"]
    saver.changed()
    saver.changed(meeting.events[0].id)
    assert len(queued) == 1 and saver.submitted_version == 0 and saver.save_target() == 1
    queued.pop()()
    assert saver.submitted_version == 1 and saver.save_target() == 1
    again = saver.data()["events"]
    assert again[0] is not first[0] and all(a is b for a, b in zip(again[1:], first[1:]))
    assert saver.close()
    assert from_data(Meeting, open_file.load()) == meeting


def test_saver_retries_until_the_disk_recovers(open_file, monkeypatch):
    real_save, failures = open_file.save, [3]

    def flaky_save(data):
        if failures[0]:
            failures[0] -= 1
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_save(data)

    monkeypatch.setattr(open_file, "save", flaky_save)
    statuses: list[SaveStatus] = []
    saver = Saver(open_file, statuses.append, retry_delays=(0.001, 0.005))
    saver.submit(snapshot("x"))
    assert saver.flush(timeout=5)
    saver.close()

    assert [s.ok for s in statuses] == [False, False, False, True]
    failed = statuses[0]
    assert failed.message == (
        f"cannot save {open_file.path}: No space left on device; "
        "retrying — nothing is lost while pmtui stays open"
    )
    assert failed.pending and failed.saved_at is None
    assert statuses[-1].message == "saved" and not statuses[-1].pending
    assert statuses[-1].saved_at is not None
    assert open_file.load()["document_owner"] == "x"


def test_saver_keeps_newest_data_while_failing(open_file, monkeypatch):
    failing, calls = threading.Event(), []
    failing.set()
    real_save = open_file.save

    def save(data):
        calls.append(data["document_owner"])
        if failing.is_set():
            raise PermissionError(errno.EACCES, "Permission denied")
        real_save(data)

    monkeypatch.setattr(open_file, "save", save)
    statuses: list[SaveStatus] = []
    saver = Saver(open_file, statuses.append, retry_delays=(0.001,))
    saver.submit(snapshot("old"))
    assert not saver.flush(timeout=0.05)
    saver.submit(snapshot("new"))
    assert not saver.flush(timeout=0.05)
    assert "Permission denied" in statuses[-1].message
    failing.clear()
    assert saver.flush(timeout=5)
    assert calls[-1] == "new"
    assert open_file.load()["document_owner"] == "new"
    assert saver.saved_version == saver.submitted_version == 2
    saver.close()


def test_saver_close_gives_up_after_timeout_while_failing(open_file, monkeypatch):
    def save(data):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(open_file, "save", save)
    saver = Saver(open_file, retry_delays=(0.001,))
    saver.submit(snapshot("x"))
    assert saver.close(timeout=0.05) is False
    with pytest.raises(RuntimeError):
        saver.submit(snapshot("y"))


def test_saver_survives_a_failing_status_callback(open_file):
    def boom(status):
        raise ValueError("callback bug")

    saver = Saver(open_file, boom)
    saver.submit(snapshot("a"))
    assert saver.flush(timeout=5)
    saver.submit(snapshot("b"))
    assert saver.flush(timeout=5)
    assert saver.close()
    assert open_file.load()["document_owner"] == "b"


# --- crash atomicity ------------------------------------------------------------------


def test_kill_9_never_tears_the_file(tmp_path):
    meeting = make_meeting()
    meeting.events = []
    path = write_meeting(tmp_path, meeting)
    rng = random.Random(1234)
    acknowledged = 0
    server = run_helper("serve", path, stdin=subprocess.PIPE)  # each writer a fork of it: one start-up for 50
    for _ in range(50):
        server.stdin.write("write\n")
        server.stdin.flush()
        writer = int(server.stdout.readline())
        assert server.stdout.readline().strip() == "ready"
        # at least one acknowledged save per run however loaded the machine, then a kill at a random moment
        seen = [server.stdout.readline().strip() for _ in range(rng.randint(1, 3))]
        time.sleep(rng.uniform(0, 0.01))
        os.kill(writer, signal.SIGKILL)
        lines = seen
        while (line := server.stdout.readline()) != "reaped\n":  # all the writer printed before it died
            assert line, "the writers' server ended"
            lines.append(line.strip())
        acknowledged = max([acknowledged, *(int(n) for n in lines if n)])

        events = MeetingFile.open(path, write=False).load()["events"]
        assert len(events) >= acknowledged
        assert [e["description"] for e in events] == [f"event {i}" for i in range(1, len(events) + 1)]
        meetings, errors = list_meetings(tmp_path)
        assert len(meetings) == 1 and not errors

    server.stdin.close()
    assert server.wait(10) == 0
    server.stdout.close()
    assert acknowledged >= 50  # the writers really did write
    with MeetingFile.open(path, write=True):  # the writer lock cleans up stale temp files
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


# --- data folder ------------------------------------------------------------------------


def test_data_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("PMTUI_DATA_DIR", str(tmp_path / "env"))
    assert data_dir(tmp_path / "explicit" / "nested") == tmp_path / "explicit" / "nested"
    assert (tmp_path / "explicit" / "nested").is_dir()
    assert data_dir() == tmp_path / "env"
    monkeypatch.delenv("PMTUI_DATA_DIR")
    monkeypatch.setattr("platformdirs.user_data_path", lambda app: tmp_path / "platform" / app)
    assert data_dir() == tmp_path / "platform" / "pmtui" / "meetings"


def test_data_dir_creation_failure(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="cannot create the meetings folder") as info:
        data_dir(blocker / "meetings")
    assert "\n" not in str(info.value)


def _plain(tables: dict) -> bytes:
    return json.dumps(tables, separators=(",", ":")).encode()


def test_storage_encoding_matches_plain_json_across_writes(tmp_path):
    storage = MeetingStorage(tmp_path / "m.json")
    events = [{"id": f"e{i}", "description": f"événement {i}", "tags": [i, None, True]} for i in range(50)]
    tables = {"_meta": {"1": {"app": "pmtui"}}, "events": {str(i): e for i, e in enumerate(events, 1)}}
    assert storage.encode(tables) == _plain(tables)
    events[7] = {**events[7], "description": "changed"}  # a changed event is a new dict
    tables = {"_meta": {"1": {"app": "pmtui", "n": 2}}, "events": {str(i): e for i, e in enumerate(events, 1)}}
    assert storage.encode(tables) == _plain(tables)
    del events[3]  # ids shift: the same dicts under other document ids
    tables = {"events": {str(i): dict(e) for i, e in enumerate(events, 1)}, "empty": {}}  # copied as TinyDB does
    assert storage.encode(tables) == _plain(tables)
    assert json.loads(storage.encode(tables))["events"]["7"]["description"] == "changed"


def test_storage_encodes_only_documents_whose_values_changed(tmp_path, monkeypatch):
    storage = MeetingStorage(tmp_path / "m.json")
    events = [{"id": f"e{i}", "text": f"t{i}"} for i in range(20)]
    storage.encode({"events": {str(i): e for i, e in enumerate(events)}})
    encoded = []
    real = json.JSONEncoder.encode
    monkeypatch.setattr(json.JSONEncoder, "encode", lambda self, o: encoded.append(o) or real(self, o))
    events[5] = {"id": "e5", "text": "new"}
    payload = storage.encode({"events": {str(i): dict(e) for i, e in enumerate(events)}})
    assert [doc for doc in encoded if isinstance(doc, dict)] == [{"id": "e5", "text": "new"}]
    assert json.loads(payload)["events"]["5"]["text"] == "new"


def test_a_save_touches_only_what_changed_and_the_file_always_holds_the_whole_meeting(tmp_path, monkeypatch):
    data = to_data(Meeting(incident=Incident(title="Partial saves", severity="SEV2")))
    data["events"] = [{"time": f"2024-05-01T09:{i:02d}:00+00:00", "id": f"e{i}", "description": f"d{i}"}
                      for i in range(30)]
    file = MeetingFile.create(tmp_path, data)
    reads, inserted = [], []
    monkeypatch.setattr(MeetingStorage, "read", lambda self: reads.append(1) or {})
    real_insert = TinyDB.table_class.insert_multiple
    monkeypatch.setattr(TinyDB.table_class, "insert_multiple",
                        lambda table, docs: inserted.append((table.name, len(list(docs)))) or real_insert(table, docs))

    def saved(events: list[dict]) -> list[dict]:
        inserted.clear()
        file.save({**data, "events": events})
        tables = json.loads(file.path.read_bytes())
        assert tables == meeting_to_tables({**data, "events": events}, updated=tables["_meta"]["1"]["updated"])
        return [n for name, n in inserted if name == "events"]

    events = list(data["events"])
    assert saved([*events, {"time": "2024-05-01T10:00:00+00:00", "id": "new", "description": "added"}]) == [1]
    events.append({"time": "2024-05-01T10:00:00+00:00", "id": "new", "description": "added"})
    assert saved(events) == [31]  # a new dict, equal or not, rewrites the table: only appends are cheap
    events[3] = {**events[3], "description": "edited"}
    assert saved(events) == [31]
    del events[5]
    assert saved(events) == [30]
    assert saved(events) == []
    assert reads == []  # the saves start from what was written, never from reading the file back
    file.close()


def test_a_save_after_a_failed_write_writes_every_table(tmp_path, monkeypatch):
    data = to_data(Meeting(incident=Incident(title="Failing disk", severity="SEV2")))
    file = MeetingFile.create(tmp_path, data)
    real_write = MeetingStorage.write
    monkeypatch.setattr(MeetingStorage, "write", lambda self, tables: (_ for _ in ()).throw(OSError(errno.EIO, "EIO")))
    with pytest.raises(OSError):
        file.save({**data, "events": [{"time": "2024-05-01T09:00:00+00:00", "id": "lost", "description": "x"}]})
    monkeypatch.setattr(MeetingStorage, "write", real_write)
    file.save({**data, "status": "closed"})
    with MeetingFile.open(file.path, write=False) as reader:
        assert reader.load() == {**data, "status": "closed"}
    file.close()
