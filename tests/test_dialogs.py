"""Pilot and snapshot tests for the meeting screen's dialogs."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import DataTable, Input, Label, OptionList, Select

from helpers import FixedClock, create_meeting
from pmtui.demo import demo_meeting
from pmtui.model import Meeting
from pmtui.tui.app import make_app
from pmtui.tui.screens.dialogs import AttendeesDialog, IncidentDialog, JumpToPhaseDialog
from pmtui.tui.screens.meeting import MeetingScreen

T0 = 1_795_000_000.0
MEETING_ID = "demo0001"
NOW = T0 + 60  # one minute into the demo meeting's running phase


def demo() -> Meeting:
    """The demo meeting with a fixed id and clock."""
    meeting = demo_meeting(now=T0)
    meeting.id = MEETING_ID
    return meeting


async def open_dialog(app, pilot, action: str):
    """Run a meeting screen action that pushes a dialog; return the dialog."""
    assert isinstance(app.screen, MeetingScreen)
    getattr(app.screen, action)()
    await pilot.pause()
    return app.screen


async def test_jump_dialog_lists_phases_and_chooses_one(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, demo()), now=FixedClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+g")
        dialog = app.screen
        assert isinstance(dialog, JumpToPhaseDialog)
        options = dialog.query_one(OptionList)
        assert options.option_count == 6
        assert str(options.get_option_at_index(0).prompt) == "1. Intro & psychological safety (5 min)"
        assert options.highlighted == 1  # the demo meeting is in phase 2
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert app.session.clock.phase_index == 3
        assert "Phase 4/6" in str(app.screen.query_one("#incident-title", Label).render())
    app.close_session()


async def test_jump_dialog_escape_keeps_the_phase(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, demo()), now=FixedClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+g", "down", "escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert app.session.clock.phase_index == 1
    app.close_session()


async def test_incident_dialog_saves_title_severity_and_time(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, demo()), now=FixedClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot, "action_edit_incident")
        assert isinstance(dialog, IncidentDialog)
        assert dialog.query_one("#field-detected", Input).value == "2026-11-17 14:38:45"
        assert dialog.focused is dialog.query_one("#field-title", Input)
        await pilot.press("ctrl+u", *"Pool exhaustion", "tab", "enter", "up", "enter")
        dialog.query_one("#field-detected", Input).value = "14:39"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        incident = app.session.meeting.incident
        assert incident.title == "Pool exhaustion"
        assert incident.severity == "SEV1"
        assert incident.detected == datetime(2026, 11, 17, 14, 39, tzinfo=UTC)
        assert incident.acknowledged == datetime(2026, 11, 17, 14, 41, 10, tzinfo=UTC)
        topbar = str(app.screen.query_one("#incident-title", Label).render())
        assert "SEV1" in topbar and "Pool exhaustion" in topbar
    app.close_session()


async def test_incident_dialog_refuses_a_bad_time_and_stays_open(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, demo()), now=FixedClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot, "action_edit_incident")
        await pilot.press("ctrl+u", *"Renamed")
        dialog.query_one("#field-tz", Input).value = "Europe/Berlin"
        dialog.query_one("#field-mitigated", Input).value = "half past two"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog
        error = str(dialog.query_one("#incident-error", Label).render())
        assert error.startswith("✗ Mitigated: cannot read time 'half past two'")
        mitigated = dialog.query_one("#field-mitigated", Input)
        assert mitigated.has_class("-invalid") and dialog.focused is mitigated
        assert dialog.query_one("#field-title", Input).value == "Renamed"
        incident = app.session.meeting.incident
        assert (incident.title, incident.tz) == ("Checkout errors after connection pool change", "UTC")
        # fix the time: everything typed is saved at once, read in the new time zone
        await pilot.press("ctrl+u", *"15:52")
        assert not mitigated.has_class("-invalid")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert incident.title == "Renamed" and incident.tz == "Europe/Berlin"
        assert incident.mitigated == datetime(2026, 11, 17, 14, 52, tzinfo=UTC)
        assert incident.detected == datetime(2026, 11, 17, 14, 38, 45, tzinfo=UTC)
    app.close_session()


async def test_incident_dialog_escape_changes_nothing(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, demo()), now=FixedClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        changes = []
        app.session.subscribe(changes.append)
        dialog = await open_dialog(app, pilot, "action_edit_incident")
        await pilot.press("ctrl+u", *"Other", "escape")
        await pilot.pause()
        assert app.screen is not dialog
        assert app.session.meeting.incident.title == "Checkout errors after connection pool change"
        assert changes == []
    app.close_session()


async def test_attendees_dialog_sets_forge_logins(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, demo()), now=FixedClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot, "action_attendees")
        table = dialog.query_one(DataTable)
        await pilot.press(*"Ana Lima", "tab", *"@analima", "enter")
        await pilot.pause()
        ana = app.session.meeting.attendees[-1]
        assert (ana.name, ana.login) == ("Ana Lima", "analima")
        assert [str(cell) for cell in table.get_row(ana.id)] == ["Ana Lima", "responder", "@analima"]
        # a login that is not a username: one line, nothing added, the typed text stays
        await pilot.press("shift+tab", *"Bo Chen", "tab", *"bo chen", "enter")
        await pilot.pause()
        assert "not a GitHub or GitLab username" in str(dialog.query_one("#attendee-error", Label).render())
        assert len(app.session.meeting.attendees) == 6
        assert dialog.query_one("#attendee-login", Input).value == "bo chen"
        # l on the list sets the selected attendee's login; empty clears it
        table.focus()
        await pilot.press("down", "l")
        await pilot.pause()
        priya = app.session.meeting.attendees[1]
        login = dialog.query_one("#attendee-login", Input)
        assert dialog.focused is login and f"{priya.name}'s login" in str(
            dialog.query_one("#attendee-hint", Label).render())
        login.value = ""
        await pilot.press(*"priya-n", "enter")
        await pilot.pause()
        assert priya.login == "priya-n" and str(table.get_cell(priya.id, "login")) == "@priya-n"
        assert len(app.session.meeting.attendees) == 6 and dialog.focused is table
        await pilot.press("l")
        await pilot.pause()
        assert login.value == "priya-n"
        login.value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert priya.login == "" and str(table.get_cell(priya.id, "login")) == ""
        assert "l sets a login" in str(dialog.query_one("#attendee-hint", Label).render())
    app.close_session()


async def test_attendees_dialog_adds_and_removes(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, demo()), now=FixedClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot, "action_attendees")
        assert isinstance(dialog, AttendeesDialog)
        table = dialog.query_one(DataTable)
        assert table.row_count == 5
        assert dialog.focused is dialog.query_one("#attendee-name", Input)
        await pilot.press("enter")  # nothing typed: refused on one line
        assert "name is empty" in str(dialog.query_one("#attendee-error", Label).render())
        dialog.query_one("#attendee-role", Select).value = "stakeholder"
        await pilot.press(*"Max Exton", "enter")
        await pilot.pause()
        attendees = app.session.meeting.attendees
        assert (attendees[-1].name, attendees[-1].role) == ("Max Exton", "stakeholder")
        assert table.row_count == 6
        assert [str(cell) for cell in table.get_row(attendees[-1].id)] == ["Max Exton", "stakeholder", ""]
        assert dialog.query_one("#attendee-name", Input).value == ""
        assert dialog.focused is dialog.query_one("#attendee-name", Input)
        # added elsewhere (a note-taker): the table follows
        other = app.session.add_attendee("Remote Person", "responder")
        await pilot.pause()
        assert other.id in table.rows
        # remove the second attendee with x, then the (new) second with delete
        table.focus()
        await pilot.press("down", "x")
        await pilot.pause()
        assert [a.name for a in attendees][:2] == ["Sam Rivera", "Priya Nair"]
        assert table.row_count == 6
        await pilot.press("delete")
        await pilot.pause()
        assert "Priya Nair" not in [a.name for a in attendees]
        assert table.row_count == 5
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
    app.close_session()


def test_snapshot_incident_dialog_80x24(snap_compare, tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, demo()), now=FixedClock(NOW))

    async def open_it(pilot):
        await pilot.pause()
        pilot.app.screen.action_edit_incident()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_it)
    app.close_session()


def test_snapshot_incident_dialog_160x45(snap_compare, tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, demo()), now=FixedClock(NOW))

    async def open_with_error(pilot):
        await pilot.pause()
        pilot.app.screen.action_edit_incident()
        await pilot.pause()
        pilot.app.screen.query_one("#field-resolved", Input).value = "25:00"
        await pilot.press("ctrl+s")

    assert snap_compare(app, terminal_size=(160, 45), run_before=open_with_error)
    app.close_session()
