"""Pilot and snapshot tests for the timeline view and its event dialogs."""

from __future__ import annotations

import time
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, Label

from helpers import FixedClock, create_meeting, paste, paste_line
from pmtui.analysis.metrics import timeline_gaps
from pmtui.demo import demo_meeting
from pmtui.model import Incident, Meeting, TimelineEvent
from pmtui.session import MeetingSession
from pmtui.tui.app import make_app
from pmtui.tui.screens.event_dialogs import EditEventDialog, MilestoneDialog
from pmtui.tui.views.timeline import TimelineView
from pmtui.tui.widgets.metrics import IncidentMetricsBar
from pmtui.tui.widgets.quick_entry import EntryLine, QuickEntry

FIXED = 1_795_000_000.0
DAY = datetime(2026, 11, 17, tzinfo=UTC)


def at(clock: str) -> datetime:
    hour, minute, second = (int(part) for part in clock.split(":"))
    return DAY.replace(hour=hour, minute=minute, second=second)


def demo(*, gap: bool = False) -> Meeting:
    """The demo meeting with fixed ids (ev00…ev07 in time order), on the timeline phase."""
    meeting = demo_meeting(now=FIXED)
    meeting.id = "demo0001"
    meeting.created = DAY
    for index, event in enumerate(meeting.sorted_events()):
        event.id = f"ev{index:02d}"
        event.created = DAY
    for index, attendee in enumerate(meeting.attendees):
        attendee.id = f"at{index:02d}"
    if gap:
        meeting.events.append(TimelineEvent(at("15:15:00"), "Support confirms no new checkout complaints",
                                            "support", speaker="Lee Chen", id="ev08", created=DAY))
    return meeting


def timeline_meeting(tmp_path: Path, *clocks: str) -> str:
    """A bare meeting on the timeline phase with one event per ``clocks`` entry (ids e0, e1…)."""
    meeting = Meeting(Incident("Disk full on db-2", tz="UTC"), id="bare0001", created=DAY)
    meeting.events = [TimelineEvent(at(c), f"event at {c}", id=f"e{i}", created=DAY) for i, c in enumerate(clocks)]
    meeting.clock.phase_index = 1
    return create_meeting(tmp_path, meeting)


@asynccontextmanager
async def running(tmp_path: Path, meeting_id: str, size: tuple[int, int] = (110, 34)):
    app = make_app(tmp_path, meeting_id, now=FixedClock(FIXED))
    try:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            yield app, pilot
    finally:
        app.close_session()


def view_of(app) -> TimelineView:
    return app.screen.query_one(TimelineView)


def row_keys(app) -> list[str]:
    return view_of(app).table.keys


def cell_text(app, row_key: str, column: str) -> str:
    return view_of(app).table.get_cell(row_key, column).plain


# --- typing events -------------------------------------------------------------


def update_text(update) -> str:
    """The text a screen update paints (the changed lines only)."""
    return "\n".join("".join(strip.text for strip in chop.values() if strip is not None) for chop in update.chops)


async def test_the_first_frame_after_enter_shows_the_new_row_with_the_cleared_line(tmp_path, monkeypatch):
    """The cleared line and the row it made are painted together: a frame with only the
    cleared line would put the row a frame period later (the miss the typing benchmark traced)."""
    async with running(tmp_path, create_meeting(tmp_path)) as (app, pilot):
        app.session.jump_to_phase(1)
        await pilot.pause()
        await pilot.press(*"14:41 cache warmed by hand")
        await pilot.pause()
        updates: list[str] = []
        rows_when_answered: list[list[str]] = []
        answered = EntryLine.answered
        monkeypatch.setattr(EntryLine, "answered", lambda self: (
            rows_when_answered.append([cell_text(app, key, "event") for key in row_keys(app)]), answered(self)))
        display = type(app)._display
        monkeypatch.setattr(type(app), "_display", lambda self, screen, update: (
            updates.append(update_text(update)) if update is not None else None, display(self, screen, update))[1])
        await pilot.press("enter")
        await pilot.pause()
        assert updates, "no frame after Enter"
        assert "cache warmed by hand" in updates[0]
        assert rows_when_answered and "cache warmed by hand" in rows_when_answered[0]  # in the table before the line
        assert view_of(app).entry.input.value == ""



async def test_typed_lines_land_in_time_order_and_focus_stays_on_the_entry(tmp_path):
    session = MeetingSession.create(tmp_path, Incident("Disk full on db-2"), now=FixedClock(FIXED))
    meeting_id = session.meeting.id
    session.close()
    async with running(tmp_path, meeting_id) as (app, pilot):
        app.session.jump_to_phase(1)
        await pilot.pause()
        view = view_of(app)
        entry = view.query_one(QuickEntry)
        assert app.focused is entry.input

        await paste_line(pilot, "14:40 replica lag alert fires | pagerduty | https://pd.example/1")
        await paste_line(pilot, "14:32 disk usage crosses 90% | grafana")
        await pilot.press(*"14:45 old WAL files removed | dana", "enter")  # typed key by key
        await pilot.pause()

        events = app.session.meeting.sorted_events()
        assert [e.description for e in events] == [
            "disk usage crosses 90%", "replica lag alert fires", "old WAL files removed"]
        assert events[1].actor == "pagerduty" and events[1].evidence == "https://pd.example/1"
        assert {e.author for e in events} == {"facilitator"}
        assert row_keys(app) == [e.id for e in events]
        assert cell_text(app, events[0].id, "time") == "14:32:00"
        assert cell_text(app, events[1].id, "event") == "replica lag alert fires"
        assert cell_text(app, events[1].id, "actor") == "pagerduty"
        assert cell_text(app, events[2].id, "author") == ""  # typing for the room credits nobody (#13 item 4)
        assert app.focused is entry.input
        assert entry.input.value == ""
        assert "3 events" in str(view.query_one("#timeline-status", Label).render())


async def test_a_bad_line_shows_the_error_and_keeps_the_text(tmp_path):
    async with running(tmp_path, timeline_meeting(tmp_path, "14:00:00")) as (app, pilot):
        entry = view_of(app).query_one(QuickEntry)
        await paste_line(pilot, "later the disk filled up")

        assert len(app.session.meeting.events) == 1
        assert entry.has_class("-error")
        error = str(entry.query_one("Label.error", Label).render())
        assert "start with a time" in error
        assert entry.input.value == "later the disk filled up"
        assert app.focused is entry.input

        await pilot.press("ctrl+u")
        await paste_line(pilot, "14:05 the disk filled up")
        assert not entry.has_class("-error")
        assert len(app.session.meeting.events) == 2


# --- moving between the entry and the table ---------------------------------------


async def test_tab_down_and_escape_move_between_entry_and_table(tmp_path):
    async with running(tmp_path, create_meeting(tmp_path, demo())) as (app, pilot):
        view = view_of(app)
        await paste_line(pilot, "14:55 traffic shifted back | jo")
        added = next(e for e in app.session.meeting.events if e.description == "traffic shifted back")
        assert added.author == "Sam Rivera"  # the facilitator
        assert view.table.cursor_row == row_keys(app).index(added.id)  # the new row is highlighted

        await pilot.press("tab")
        assert app.focused is view.table
        await pilot.press("escape")
        assert app.focused is view.entry.input
        await pilot.press("down")
        assert app.focused is view.table
        assert view.table.cursor_row == 7  # still on the new row: 'down' only moved the focus
        await pilot.press("up", "up")
        assert view.table.cursor_row == 5
        await pilot.press("tab")
        assert app.focused is view.entry.input


# --- acting on a row ------------------------------------------------------------------


async def test_edit_an_event_in_the_dialog(tmp_path):
    async with running(tmp_path, create_meeting(tmp_path, demo())) as (app, pilot):
        await pilot.press("down", "down", "e")  # table, then the second row: ev01
        dialog = app.screen
        assert isinstance(dialog, EditEventDialog)
        assert dialog.query_one("#event-time", Input).value == "2026-11-17 14:37:00"
        await pilot.press("tab", "end", "ctrl+u")
        await paste(pilot, "Checkout errors start climbing")
        await pilot.press("tab", "end", "ctrl+u")
        await paste_line(pilot, "checkout")

        event = next(e for e in app.session.meeting.events if e.id == "ev01")
        assert event.description == "Checkout errors start climbing"
        assert event.actor == "checkout"
        assert not isinstance(app.screen, EditEventDialog)
        assert cell_text(app, "ev01", "event") == "[impact start] Checkout errors start climbing"
        assert cell_text(app, "ev01", "actor") == "checkout"
        assert app.focused is view_of(app).table


async def test_edit_refusal_then_a_new_time_moves_the_row_and_the_cursor_follows(tmp_path):
    async with running(tmp_path, create_meeting(tmp_path, demo())) as (app, pilot):
        await pilot.press("down", "enter")
        dialog = app.screen
        assert isinstance(dialog, EditEventDialog)
        await pilot.press("end", "ctrl+u")
        await paste_line(pilot, "soon")
        assert app.screen is dialog
        assert dialog.has_class("-error")
        assert "cannot read time 'soon'" in str(dialog.query_one(".dialog-error", Label).render())

        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, EditEventDialog)
        assert next(e for e in app.session.meeting.events if e.id == "ev00").time == at("14:30:12")

        await pilot.press("e", "end", "ctrl+u")
        await paste_line(pilot, "14:59")
        assert next(e for e in app.session.meeting.events if e.id == "ev00").time == at("14:59:00")
        keys = row_keys(app)
        assert keys.index("ev00") == keys.index("ev06") + 1
        assert view_of(app).table.cursor_row == keys.index("ev00")
        assert cell_text(app, "ev00", "time") == "14:59:00"


async def test_delete_asks_nothing_and_ctrl_z_puts_the_event_back(tmp_path):
    async with running(tmp_path, create_meeting(tmp_path, demo())) as (app, pilot):
        status = view_of(app).query_one("#timeline-status", Label)
        await pilot.press("down", "x")
        await pilot.pause()
        assert not app.screen.is_modal
        assert "ev00" not in {e.id for e in app.session.meeting.events}
        assert row_keys(app)[0] == "ev01" and "7 events" in str(status.render())
        notice = list(app._notifications)[-1].message
        assert notice.startswith("Removed event 14:30 ") and notice.endswith(" · ctrl+z undoes")

        await pilot.press("ctrl+z")
        await pilot.pause()
        assert app.session.meeting.events[0].id == "ev00" and len(app.session.meeting.events) == 8
        assert row_keys(app)[0] == "ev00" and "8 events" in str(status.render())
        assert list(app._notifications)[-1].message.startswith("Undid: removed event 14:30 ")

        await pilot.press("delete")
        await pilot.pause()
        assert len(app.session.meeting.events) == 7 and len(row_keys(app)) == 7 and not app.screen.is_modal


async def test_ctrl_z_in_a_line_with_text_leaves_the_meeting_alone(tmp_path):
    """Rule: ctrl+z undoes the meeting's last change from an empty entry line only (Input keeps no text history)."""
    async with running(tmp_path, timeline_meeting(tmp_path)) as (app, pilot):
        await paste_line(pilot, "14:41 primary paged")
        await pilot.press(*"14:5")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [e.description for e in app.session.meeting.events] == ["primary paged"]
        assert app.focused.value == "14:5"
        assert "from an empty line" in list(app._notifications)[-1].message

        await pilot.press("ctrl+u", "ctrl+z")
        await pilot.pause()
        assert app.session.meeting.events == [] and row_keys(app) == []
        assert list(app._notifications)[-1].message == "Undid: added event 14:41 primary paged"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "nothing to undo" in list(app._notifications)[-1].message


async def test_d_toggles_a_decision_point(tmp_path):
    async with running(tmp_path, create_meeting(tmp_path, demo())) as (app, pilot):
        await pilot.press("down", "down", "down", "d")  # ev02
        await pilot.pause()
        assert next(e for e in app.session.meeting.events if e.id == "ev02").decision_point
        assert cell_text(app, "ev02", "event").startswith("◆ [detected] ")
        await pilot.press("d")
        await pilot.pause()
        assert not next(e for e in app.session.meeting.events if e.id == "ev02").decision_point
        assert cell_text(app, "ev02", "event").startswith("[detected] ")


async def test_m_marks_a_milestone_and_the_metrics_follow(tmp_path):
    async with running(tmp_path, create_meeting(tmp_path, demo())) as (app, pilot):
        metrics = view_of(app).query_one(IncidentMetricsBar)
        assert "Time to detect 1m45s" in metrics.plain

        await pilot.press("down", "m", "escape")  # Escape changes nothing
        await pilot.pause()
        assert app.session.meeting.incident.impact_start == at("14:37:00")

        await pilot.press("m")  # ev00, the deploy at 14:30:12
        assert isinstance(app.screen, MilestoneDialog)
        await pilot.press("1")  # Impact start
        await pilot.pause()

        assert app.session.meeting.incident.impact_start == at("14:30:12")
        assert cell_text(app, "ev00", "event").startswith("[impact start] Deploy")
        assert not cell_text(app, "ev01", "event").startswith("[impact start]")
        assert "Time to detect 8m33s" in metrics.plain
        assert "resolve 29m48s" in metrics.plain

        await pilot.press("down", "m", "down", "down", "enter")  # ev01 -> Acknowledged
        await pilot.pause()
        assert app.session.meeting.incident.acknowledged == at("14:37:00")
        assert "acknowledge 6m48s" in metrics.plain
        assert cell_text(app, "ev01", "event").startswith("[acknowledged] ")


# --- gaps ---------------------------------------------------------------------------------


async def test_a_fifteen_minute_gap_gets_a_marker_row_that_goes_when_filled(tmp_path):
    async with running(tmp_path, timeline_meeting(tmp_path, "14:00:00", "14:15:00", "14:20:00")) as (app, pilot):
        view = view_of(app)
        status = view.query_one("#timeline-status", Label)
        assert row_keys(app) == ["e0", "gap:e1", "e1", "e2"]
        assert cell_text(app, "gap:e1", "event") == "15 min gap: what happened between 14:00 and 14:15?"
        assert "1 gap over 10 min" in str(status.render())

        await pilot.press("down", "down", "enter")  # Enter on the gap row starts a line inside it
        assert app.focused is view.entry.input
        assert view.entry.input.value == "14:01"  # no space after: backspace over the time leaves none of it
        await pilot.press("ctrl+u")
        await paste_line(pilot, "14:08 cleanup job starts")

        assert len(app.session.meeting.events) == 4
        assert not any(key.startswith("gap:") for key in row_keys(app))
        assert "gap" not in str(status.render())


async def test_dates_show_when_events_span_days_in_the_incident_time_zone(tmp_path):
    async with running(tmp_path, timeline_meeting(tmp_path, "23:55:00")) as (app, pilot):
        assert cell_text(app, "e0", "time") == "23:55:00"
        await paste_line(pilot, "2026-11-18 00:04 backups finish")
        assert cell_text(app, "e0", "time") == "Nov 17 23:55:00"
        new = next(e for e in app.session.meeting.events if e.id != "e0")
        assert cell_text(app, new.id, "time") == "Nov 18 00:04:00"

        app.session.update_incident(tz="America/New_York")  # both on Nov 17 there
        await pilot.pause()
        assert cell_text(app, "e0", "time") == "18:55:00"
        assert cell_text(app, new.id, "time") == "19:04:00"

        app.session.import_events([TimelineEvent(at("23:59:00"), "imported from chat", id="e9")])
        await pilot.pause()
        assert row_keys(app) == ["e0", "e9", new.id]


async def test_two_thousand_events_update_row_by_row(tmp_path):
    start = at("10:00:00")
    clocks = [f"{start + timedelta(seconds=7 * i):%H:%M:%S}" for i in range(1990)] + ["15:00:00"] * 10
    async with running(tmp_path, timeline_meeting(tmp_path, *clocks)) as (app, pilot):
        view = view_of(app)
        table = view.table
        assert table.row_count == 2001  # 2,000 events and the gap before 15:00
        durations = []
        handle = view.on_session_change

        def timed(change):
            started = time.perf_counter()
            handle(change)
            durations.append(time.perf_counter() - started)

        view.on_session_change = timed
        table.clear = lambda *args, **kwargs: pytest.fail("the table was rebuilt")
        for minute in range(20):
            app.session.add_event(at(f"12:{minute:02d}:10"), f"inserted {minute}")
        await pilot.pause()
        app.session.update_event("e0", time=at("14:30:00"))
        app.session.toggle_decision_point("e5")
        await pilot.pause()

        assert table.row_count == 2020 + 2  # two gaps now: around 14:30
        assert row_keys(app) == expected_rows(app.session.meeting.events)
        assert len(durations) == 22
        assert max(durations) < 0.25, f"slowest change took {max(durations):.3f}s"


def expected_rows(events: list[TimelineEvent]) -> list[str]:
    """Event ids in time order, each gap's marker row just before the event that ends it."""
    gap_ends = {gap.before_id for gap in timeline_gaps(events)}
    keys = []
    for event in sorted(events, key=lambda e: e.time):
        if event.id in gap_ends:
            keys.append(f"gap:{event.id}")
        keys.append(event.id)
    return keys


# --- snapshots ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
def test_timeline_snapshot(snap_compare, tmp_path, size):
    app = make_app(tmp_path, create_meeting(tmp_path, demo(gap=True)), now=FixedClock(FIXED))
    try:
        assert snap_compare(app, terminal_size=size)
    finally:
        app.close_session()


def test_edit_dialog_snapshot(snap_compare, tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, demo(gap=True)), now=FixedClock(FIXED))
    async def open_steady(pilot):
        await pilot.press("down", "e")
        await pilot.pause()
        pilot.app.focused.cursor_blink = False  # the cursor shows in the snapshot however slow the machine

    try:
        assert snap_compare(app, terminal_size=(80, 24), run_before=open_steady)
    finally:
        app.close_session()
