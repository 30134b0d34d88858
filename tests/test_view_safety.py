"""Pilot and snapshot tests for the safety view: principle, checklist, attendees."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Label

from helpers import FixedClock, create_meeting, paste_line, plain
from pmtui.demo import demo_meeting
from pmtui.entry_grammar import AttendeeEntry, parse_attendee_line
from pmtui.model import Meeting
from pmtui.tui.app import make_app
from pmtui.tui.views.safety import EXPECTATIONS, PRINCIPLE, AttendeeTable, Checklist, SafetyView
from pmtui.tui.widgets.quick_entry import QuickEntry

FIXED = 1_795_000_000.0
DAY = datetime(2026, 11, 17, tzinfo=UTC)


def demo() -> Meeting:
    """The demo meeting with fixed ids (at00…at04), on the safety phase with time to spare."""
    meeting = demo_meeting(now=FIXED)
    meeting.id = "demo0001"
    meeting.created = DAY
    for index, attendee in enumerate(meeting.attendees):
        attendee.id = f"at{index:02d}"
    meeting.clock.phase_index = 0
    meeting.clock.elapsed[0] = 60.0
    return meeting


@asynccontextmanager
async def running(tmp_path: Path, size: tuple[int, int] = (110, 34)):
    app = make_app(tmp_path, create_meeting(tmp_path, demo()), now=FixedClock(FIXED))
    try:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            yield app, pilot
    finally:
        app.close_session()


def view_of(app) -> SafetyView:
    return app.screen.query_one(SafetyView)


def table_rows(app) -> list[tuple[str, str]]:
    table = view_of(app).query_one(AttendeeTable)
    return [tuple(cell.plain for cell in table.get_row(row.key)) for row in table.ordered_rows]


def prompt_text(checklist: Checklist, index: int) -> str:
    return plain(checklist.get_option_at_index(index).prompt)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Kim Lee", ("Kim Lee", "responder")),
        ("Kim Lee | ic", ("Kim Lee", "incident commander")),
        ("  Kim Lee |  IC ", ("Kim Lee", "incident commander")),
        ("Kim | note", ("Kim", "note-taker")),
        ("Kim | Note Taker", ("Kim", "note-taker")),
        ("Kim | notetaker", ("Kim", "note-taker")),
        ("Kim | fac", ("Kim", "facilitator")),
        ("Kim | stake", ("Kim", "stakeholder")),
        ("Kim | incident commander", ("Kim", "incident commander")),
        ("Kim | boss", ("Kim", "boss")),
        ("Kim |", ("Kim", "responder")),
    ],
)
def test_parse_attendee_line(line, expected):
    assert parse_attendee_line(line) == AttendeeEntry(*expected)


async def test_the_principle_is_on_screen_and_the_entry_has_focus(tmp_path):
    async with running(tmp_path) as (app, pilot):
        view = view_of(app)
        assert str(view.query_one("#safety-principle-title").render()) == PRINCIPLE
        assert all(line in str(view.query_one("#safety-expectations").render()) for line in EXPECTATIONS)
        assert app.focused is view.query_one(QuickEntry).input


async def test_add_attendees_with_roles_from_the_entry(tmp_path):
    async with running(tmp_path) as (app, pilot):
        view = view_of(app)
        entry = view.query_one(QuickEntry)
        await paste_line(pilot, "Kim Lee | ic")
        await paste_line(pilot, "Max Park")
        await paste_line(pilot, "Rae Soto | note")

        people = [(a.name, a.role) for a in app.session.meeting.attendees]
        assert people[-3:] == [("Kim Lee", "incident commander"), ("Max Park", "responder"), ("Rae Soto", "note-taker")]
        assert table_rows(app)[-3:] == people[-3:]
        assert "Attendees (8)" in str(view.query_one("#safety-attendees-title", Label).render())
        assert entry.input.value == ""
        assert app.focused is entry.input


async def test_an_unknown_role_shows_the_error_and_keeps_the_text(tmp_path):
    async with running(tmp_path) as (app, pilot):
        entry = view_of(app).query_one(QuickEntry)
        await paste_line(pilot, "Max Park | boss")
        assert len(app.session.meeting.attendees) == 5
        assert entry.has_class("-error")
        assert "role 'boss' is not one of" in str(entry.query_one("Label.error", Label).render())
        assert entry.input.value == "Max Park | boss"


async def test_remove_an_attendee_with_x_and_escape_back_to_the_entry(tmp_path):
    async with running(tmp_path) as (app, pilot):
        view = view_of(app)
        table = view.query_one(AttendeeTable)
        await pilot.press("tab", "tab")
        assert app.focused is table
        await pilot.press("down", "x")  # Lee Chen
        await pilot.pause()
        assert [a.name for a in app.session.meeting.attendees] == ["Sam Rivera", "Priya Nair", "Jo Okafor", "Ana Costa"]
        assert [name for name, _ in table_rows(app)] == ["Sam Rivera", "Priya Nair", "Jo Okafor", "Ana Costa"]
        await pilot.press("delete")  # now on Priya Nair
        await pilot.pause()
        assert "at02" not in {a.id for a in app.session.meeting.attendees}
        assert table.row_count == 3
        assert "Attendees (3)" in str(view.query_one("#safety-attendees-title", Label).render())

        await pilot.press("escape")
        assert app.focused is view.query_one(QuickEntry).input


async def test_tick_checklist_items_with_space_and_enter(tmp_path):
    async with running(tmp_path) as (app, pilot):
        checklist = view_of(app).query_one(Checklist)
        assert checklist.option_count == len(app.session.phase.prompts) == 4
        await pilot.press("tab")
        assert app.focused is checklist
        assert prompt_text(checklist, 0).startswith("☐ We are here to learn")
        await pilot.press("space")
        assert checklist.ticked == {0}
        assert prompt_text(checklist, 0).startswith("☑ We are here to learn")
        await pilot.press("down", "down", "enter")
        assert checklist.ticked == {0, 2}
        await pilot.press("up", "up", "space")
        assert checklist.ticked == {2}
        assert app.session.meeting.attendees[0].name == "Sam Rivera"  # nothing else changed


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
def test_safety_snapshot(snap_compare, tmp_path, size):
    app = make_app(tmp_path, create_meeting(tmp_path, demo()), now=FixedClock(FIXED))
    try:
        assert snap_compare(app, terminal_size=size)
    finally:
        app.close_session()
