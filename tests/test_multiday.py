"""An incident that crosses midnight: bare times land on the right day, typed, sent by a note-taker or imported."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import Input

from helpers import FixedClock, create_meeting, paste, paste_line, type_line
from pmtui.cli import main
from pmtui.export import render
from pmtui.importer import read_events
from pmtui.model import Incident, Meeting, TimelineEvent
from pmtui.room.view import NotesView
from pmtui.session import MeetingSession
from pmtui.timeparse import parse_time
from pmtui.tui.app import make_app
from pmtui.tui.screens.event_dialogs import EditEventDialog
from pmtui.tui.views.timeline import TimelineView
from test_room_support import room, until  # noqa: F401 (fixture)
from test_room_view import Notes, welcome

START = datetime(2017, 1, 31, 23, 27, tzinfo=UTC)


def on(day: int, clock: str) -> datetime:
    """A moment of the incident: ``day`` 31 is 2017-01-31, 1 is 2017-02-01."""
    hour, minute = (int(p) for p in clock.split(":"))
    return datetime(2017, 1 if day == 31 else 2, day, hour, minute, tzinfo=UTC)


def new_session(data_dir: Path) -> MeetingSession:
    session = MeetingSession.create(data_dir, Incident("Database outage", tz="UTC"), "standard-90")
    session.update_incident(impact_start=START)
    return session


@pytest.fixture
def session(tmp_path):
    session = new_session(tmp_path)
    try:
        yield session
    finally:
        session.close()


# --- the rule --------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "near", "expected"), [
    ("00:36", START, on(1, "00:36")),
    ("23:50", on(1, "00:36"), on(31, "23:50")),
    ("11:00", START, on(1, "11:00")),  # 11h33m after, not 12h27m before
    ("12:00", on(1, "00:00"), on(1, "12:00")),  # a tie keeps the reference's day
])
def test_a_clock_time_takes_the_day_within_twelve_hours_of_the_reference(typed, near, expected):
    assert parse_time(typed, "UTC", near=near) == expected


def test_the_rule_works_in_the_incident_zone():
    near = datetime(2017, 1, 31, 22, 27, tzinfo=UTC)  # 23:27 in Berlin
    moment = parse_time("00:36", "Europe/Berlin", near=near)
    assert moment == datetime(2017, 1, 31, 23, 36, tzinfo=UTC)  # 00:36 on Feb 1 in Berlin


# --- typed on the facilitator's screen (the session command the view calls) --------------


def test_typed_after_midnight_lands_on_the_next_day_and_a_backfill_goes_back(session):
    author = "Alex Facilitator"
    first = session.add_event("00:36", "replication lag alert", author=author)
    backfill = session.add_event("23:50", "rm -rf on the wrong host", author=author)
    after = session.add_event("00:40", "backups found empty", author=author)
    assert (first.time, backfill.time, after.time) == (on(1, "00:36"), on(31, "23:50"), on(1, "00:40"))
    assert [e.description for e in session.meeting.sorted_events()] == [
        "rm -rf on the wrong host", "replication lag alert", "backups found empty"]


def test_each_person_has_their_own_reference(session):
    session.add_event("01:30", "alex at half past one", author="alex")
    lee = session.add_event("23:40", "lee's first: near the impact start", author="lee")
    assert lee.time == on(31, "23:40")
    assert session.add_event("01:35", "alex again", author="alex").time == on(1, "01:35")


def test_without_an_impact_start_the_latest_event_is_the_reference(tmp_path):
    session = MeetingSession.create(tmp_path, Incident("Database outage", tz="UTC"), "standard-90")
    try:
        session.add_event(on(31, "23:10"), "logged by hand", author="alex")
        assert session.add_event("00:05", "first of lee", author="lee").time == on(1, "00:05")
    finally:
        session.close()


def test_the_reference_survives_reopening_the_meeting(tmp_path):
    session = new_session(tmp_path)
    session.add_event("00:36", "after midnight", author="alex")
    session.close()
    session = MeetingSession.open(tmp_path, session.meeting.id)
    try:
        assert session.add_event("01:10", "still the first", author="alex").time == on(1, "01:10")
    finally:
        session.close()


def test_editing_a_time_stays_near_the_event(session):
    event = session.add_event("00:36", "after midnight", author="alex")
    session.update_event(event.id, time="00:38")
    assert event.time == on(1, "00:38")
    session.update_event(event.id, time="2017-02-01 01:00")
    assert event.time == on(1, "01:00")


async def test_the_facilitator_types_across_midnight_in_the_app(tmp_path):
    session = new_session(tmp_path)
    session.jump_to_phase(1)
    meeting_id = session.meeting.id
    session.close()
    app = make_app(tmp_path, meeting_id, now=FixedClock(START.timestamp() + 86400))
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            for line in ("23:30 primary slows down", "00:36 replication stops", "23:50 backfilled: disk alert"):
                await type_line(pilot, line)
            assert not list(app._notifications)
            await type_line(pilot, "18:14 restored")  # 5h36m before 23:50, so on the 31st: the screen says so
            times = {e.description: e.time for e in app.session.meeting.events}
            [notice] = app._notifications
    finally:
        app.close_session()
    assert times == {"primary slows down": on(31, "23:30"), "replication stops": on(1, "00:36"),
                     "backfilled: disk alert": on(31, "23:50"), "restored": on(31, "18:14")}
    assert notice.message == ("18:14 went on Jan 31, before the impact start; for Feb 01 type 2017-02-01 18:14 "
                              "(or edit it with Enter on its row)")


# --- sent by a note-taker through a real room on loopback --------------------------------


async def test_a_note_taker_types_across_midnight(room):
    room.session.update_incident(impact_start=START)
    client = await room.client("priya")
    await until(lambda: client.connected and client._greeted, what="connected")
    for line in ("00:36 replication stops", "23:50 backfilled: disk alert", "00:40 backups empty"):
        client.add_event_line(line)
    await until(lambda: not client.pending, what="acknowledged")
    times = {e.description: e.time for e in room.session.meeting.events}
    assert times == {"replication stops": on(1, "00:36"), "backfilled: disk alert": on(31, "23:50"),
                     "backups empty": on(1, "00:40")}


# --- imported --------------------------------------------------------------------------


ROWS = [("23:30", "primary slows down"), ("00:36", "replication stops"), ("01:10", "restore starts"),
        ("09:20", "restore at 50%"), ("18:14", "resolved")]
EXPECTED = {"primary slows down": on(31, "23:30"), "replication stops": on(1, "00:36"),
            "restore starts": on(1, "01:10"), "restore at 50%": on(1, "09:20"), "resolved": on(1, "18:14")}


@pytest.mark.parametrize("order", [1, -1], ids=["oldest first", "newest first"])
def test_import_crosses_midnight_in_either_order(tmp_path, order):
    path = tmp_path / "events.csv"
    path.write_text("time,description\n" + "".join(f"{t},{d}\n" for t, d in ROWS[::order]))
    events = read_events(path, tz="UTC", near=START)
    assert {e.description: e.time for e in events} == EXPECTED


def cli(data_dir: Path, *args: str):
    result = CliRunner().invoke(main, [*args, "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    return result.output


def test_import_twice_skips_what_is_there_unless_asked(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    session = new_session(data)
    session.add_event(on(1, "00:36"), "replication   stops", author="alex")  # typed live, spaced differently
    meeting_id = session.meeting.id
    session.close()
    path = tmp_path / "events.csv"
    path.write_text("time,description\n" + "".join(f"{t},{d}\n" for t, d in ROWS))

    assert "Imported 4 event(s) into 'Database outage', skipped 1 already present" in cli(
        data, "import", meeting_id, str(path))
    assert "Imported 0 event(s) into 'Database outage', skipped 5 already present" in cli(
        data, "import", meeting_id, str(path))
    assert "Imported 5 event(s) into 'Database outage'." in cli(
        data, "import", meeting_id, str(path), "--allow-duplicates")
    session = MeetingSession.open(data, meeting_id)
    try:
        assert len(session.meeting.events) == 10
        assert {e.time for e in session.meeting.events} == set(EXPECTED.values())
    finally:
        session.close()


# --- in the app: gap fill, edits, what the rows and dialogs show ---------------------------


def app_meeting(data_dir: Path, *events: tuple[datetime, str]) -> str:
    """A meeting on the timeline phase, impact start 23:27, with ``events`` (ids e0, e1…) by the facilitator."""
    meeting = Meeting(Incident("Database outage", tz="UTC", impact_start=START), id="multi001")
    meeting.events = [TimelineEvent(t, d, author="facilitator", id=f"e{i}") for i, (t, d) in enumerate(events)]
    meeting.clock.phase_index = 1
    return create_meeting(data_dir, meeting)


def running(data_dir: Path, meeting_id: str):
    return make_app(data_dir, meeting_id, now=FixedClock(START.timestamp() + 86400))


def cell(app, key: str, column: str) -> str:
    return app.screen.query_one(TimelineView).table.get_cell(key, column).plain


async def test_gap_fill_then_retyping_the_time_and_editing_it_in_the_dialog(tmp_path):
    app = running(tmp_path, app_meeting(tmp_path, (START, "writes slow down"), (on(1, "12:40"), "restore at 50%")))
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            view = app.screen.query_one(TimelineView)
            assert view.table.keys == ["e0", "gap:e1", "e1"]
            assert cell(app, "gap:e1", "event") == "13h13m gap: what happened between 23:27 and Feb 01 12:40?"
            await pilot.press("down", "down", "enter")
            # 23:28 alone would be read near the facilitator's last entry (12:40 on Feb 1): the date is needed
            assert view.entry.input.value == "2017-01-31 23:28"
            await pilot.press(*["backspace"] * 5)  # the time, exactly
            await paste_line(pilot, "23:50 disk alert on db1")
            added = next(e for e in app.session.meeting.events if e.description == "disk alert on db1")
            assert added.time == on(31, "23:50")
            assert cell(app, added.id, "time") == "Jan 31 23:50:00"

            view.table.focus()
            view.table.reveal("e1")
            await pilot.press("e")
            dialog = app.screen
            assert isinstance(dialog, EditEventDialog)
            assert dialog.query_one("#event-time", Input).value == "2017-02-01 12:40:00"
            await pilot.press("end", "ctrl+u")
            await paste_line(pilot, "12:45")  # a bare time stays near the event it edits
            assert not isinstance(app.screen, EditEventDialog)
            event = next(e for e in app.session.meeting.events if e.id == "e1")
            assert event.time == on(1, "12:45")

            await pilot.press("e")
            await pilot.press("end", "ctrl+u")
            await paste(pilot, "2017-02-01 00:10")
            await pilot.press("enter")
            await pilot.pause()
            assert event.time == on(1, "00:10")
    finally:
        app.close_session()


# --- exported ----------------------------------------------------------------------------


def test_the_export_lists_a_midnight_crossing_in_order_with_dates(session):
    for typed in ("23:30 primary slows down", "00:36 replication stops", "23:50 disk alert (backfilled)",
                  "01:10 restore starts"):
        clock, text = typed.split(" ", 1)
        session.add_event(clock, text, author="alex")
    session.toggle_decision_point(next(e.id for e in session.meeting.events if e.description == "restore starts"))
    session.update_incident(resolved=on(1, "18:14"))
    document = render(session.snapshot(), "markdown", minutes=True)

    assert "Times are in UTC, from 2017-01-31 to 2017-02-01." in document
    rows = [line.split("|")[1].strip() + " " + line.split("|")[2].strip()
            for line in document.splitlines() if line.startswith("| 2017-")]
    assert rows == ["2017-01-31 23:30:00 primary slows down", "2017-01-31 23:50:00 disk alert (backfilled)",
                    "2017-02-01 00:36:00 replication stops", "2017-02-01 01:10:00 restore starts"]
    [decided] = [line for line in document.splitlines() if line.startswith("| 2017-") and "◆ Decision" in line]
    assert "restore starts" in decided
    assert "2017-02-01 01:10 (during the incident) — restore starts" in document  # the minutes' decisions
    assert "axisFormat %b %d %H:%M" in document
    data = render(session.snapshot(), "json")
    assert "2017-02-01T00:36:00+00:00" in data


def test_the_note_takers_screen_places_a_pending_line_as_the_facilitator_will():
    notes = Notes()
    message = welcome()
    message["incident"] = dict(message["incident"], date="2017-01-31", impact_start=START.isoformat())
    notes.hear(**message)
    view = NotesView(notes)
    sent = [view.read_line(line) for line in ("00:36 replication stops", "23:50 disk alert (backfilled)")]
    notes.outbox += sent
    rows = {row.id: row for row in view.event_rows()}
    assert [rows[m.id].moment for m in sent] == [on(1, "00:36"), on(31, "23:50")]
    assert [rows[m.id].time for m in sent] == ["Feb 01 00:36", "23:50:00"]  # the date where it is not the incident's


def test_the_note_takers_edit_of_a_time_stays_near_the_event():
    notes = Notes()
    message = welcome()
    message["incident"] = dict(message["incident"], date="2017-01-31", impact_start=START.isoformat())
    message["events"] = [{"id": "a" * 32, "time": on(1, "00:36").isoformat(), "description": "replication stops",
                          "actor": "", "evidence": "", "author": "ana", "author_id": notes.identity,
                          "decision_point": False}]
    notes.hear(**message)
    view = NotesView(notes)
    view.read_line("12:50 restore at 50%")  # this note-taker's last typed time is now 12:50 on Feb 1
    edit = view.read_line("00:38 replication stops", editing="a" * 32)
    notes.outbox.append(edit)
    assert view.event_row("a" * 32).moment == on(1, "00:38")
