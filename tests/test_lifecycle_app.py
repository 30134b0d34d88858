"""The facilitator's app ends, publishes and reopens a meeting: ctrl+n on the last phase, the palette, the clock."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Input, Label

from helpers import FixedClock, create_meeting, screen_text, unwritten
from pmtui.model import Incident, Meeting, to_data
from pmtui.room.server import RoomServer
from pmtui.store import MeetingFile, read_meeting
from pmtui.tui.app import make_app
from pmtui.tui.notetaker.app import NoteTakerApp
from pmtui.tui.screens.action_dialogs import EditActionDialog
from pmtui.tui.screens.dialogs import ConfirmDialog
from pmtui.tui.screens.why_dialogs import TextDialog
from pmtui.tui.widgets.quick_entry import QuickEntry
from test_room_support import TOKEN, new_meeting, until

LAST = 5  # standard-90 has six phases


def clock_state(app) -> str:
    return str(app.screen.query_one("#clock-state", Label).render())


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


def palette(app) -> dict:
    return {c.title: c for c in app.screen.commands()}


async def test_ctrl_n_on_the_last_phase_asks_and_ends_the_meeting(tmp_path):
    clock = FixedClock()  # 2027-01-15 08:00 UTC
    meeting_id = create_meeting(tmp_path, unwritten(), phase=LAST)
    app = make_app(tmp_path, meeting_id, now=clock)
    async with app.run_test(size=(160, 45)) as pilot:
        assert app.session.clock.running, "the demo meeting's clock runs"
        clock.advance(minutes=7)
        await pilot.press("ctrl+n")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "End the meeting?" in screen_text(app)
        await pilot.press("n")
        assert app.session.meeting.status == "active" and app.session.clock.running, "no keeps it running"
        await pilot.press("ctrl+n")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        meeting = app.session.meeting
        assert (meeting.status, app.session.clock.running) == ("ended", False)
        assert meeting.ended_at is not None and meeting.ended_at.timestamp() == clock.t
        assert clock_state(app) == "■ Meeting ended 08:07"  # the demo incident's zone is UTC
        assert "■ ended" in str(app.screen.query_one("#incident-title", Label).render())
        assert notices(app)[-1].startswith("Meeting ended 08:07. Export with ctrl+s")
        await pilot.press("ctrl+t")  # the clock of an ended meeting stays stopped, and says why
        await pilot.pause()
        assert not app.session.clock.running
        assert notices(app)[-1] == ("The meeting is ended; reopen it to run its clock again: "
                                    "Reopen meeting in the palette (ctrl+p).")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog), "an ended meeting is not ended again"
        assert set(palette(app)) >= {"Reopen meeting", "Mark published"} and "End meeting" not in palette(app)
    app.close_session()
    assert read_meeting(tmp_path / f"{meeting_id}.json").status == "ended"


async def test_ctrl_n_before_the_last_phase_only_moves_on(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten(), phase=LAST - 1), now=FixedClock())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.session.clock.phase_index == LAST and not isinstance(app.screen, ConfirmDialog)
        assert app.session.meeting.status == "active"
    app.close_session()


async def test_palette_marks_published_on_the_date_asked_and_reopens(tmp_path):
    clock = FixedClock()
    meeting_id = create_meeting(tmp_path, unwritten(), phase=LAST)
    app = make_app(tmp_path, meeting_id, now=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        palette(app)["Mark published"].callback()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TextDialog)
        entry = dialog.query_one(QuickEntry)
        assert entry.input.value == "2027-01-15", "today, in the incident's zone"
        await pilot.press("ctrl+u", *"soon", "enter")
        await pilot.pause()
        assert app.screen is dialog and app.session.meeting.status == "active"
        assert "cannot read date 'soon'" in screen_text(app)
        await pilot.press("ctrl+u", *"2027-01-20", "enter")
        await pilot.pause()
        meeting = app.session.meeting
        assert (meeting.status, meeting.publication_date) == ("published", date(2027, 1, 20))
        assert meeting.ended_at is not None, "publishing a running meeting ends it"
        assert clock_state(app) == "■ Published 2027-01-20"
        assert app.screen.query_one("#review-published", Input).value == "2027-01-20", "the review phase's field"
        palette(app)["Reopen meeting"].callback()
        await pilot.pause()
        assert (meeting.status, meeting.ended_at, meeting.publication_date) == ("active", None, date(2027, 1, 20))
        assert clock_state(app) != "■ Published 2027-01-20" and "■" not in str(
            app.screen.query_one("#incident-title", Label).render())
        assert not app.session.clock.running, "reopening leaves the clock to the facilitator"
        await pilot.press("ctrl+t")
        assert app.session.clock.running, "a reopened meeting's clock runs again"
        palette(app)["End meeting"].callback()
        await pilot.pause()
        assert meeting.status == "ended"
    app.close_session()


async def test_mark_published_refuses_a_date_before_the_incident_and_keeps_the_dialog(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten(), phase=LAST), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        started = app.session.incident_date()
        palette(app)["Mark published"].callback()
        await pilot.pause()
        dialog = app.screen
        await pilot.press("ctrl+u", *"2020-01-01", "enter")
        await pilot.pause()
        assert app.screen is dialog and app.session.meeting.status == "active"
        error = str(dialog.query_one(QuickEntry).query_one("Label.error", Label).render())
        assert error == (f"✗ the publication date 2020-01-01 is before the incident started ({started}): "
                         f"give {started} or a later date")
        assert f"give {started} or a later date" in screen_text(app), "the advice is on screen, not cut off"
        await pilot.press("ctrl+u", *started.isoformat(), "enter")
        await pilot.pause()
        assert (app.session.meeting.status, app.session.meeting.publication_date) == ("published", started)
    app.close_session()


def published_meeting(tmp_path) -> str:
    meeting = unwritten()
    meeting.status, meeting.publication_date = "published", date(2027, 1, 10)
    meeting.clock.running_since = None  # its clock stopped when it ended
    return create_meeting(tmp_path, meeting, phase=1)


async def test_opening_a_published_meeting_asks_first_and_no_leaves_it_as_published(tmp_path):
    meeting_id = published_meeting(tmp_path)
    path = tmp_path / f"{meeting_id}.json"
    before = path.read_bytes()
    app = make_app(tmp_path, meeting_id, now=FixedClock())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        text = str(app.screen.query_one("#confirm-question", Label).render())
        assert "was published on 2027-01-10. Change it?" in text and "Updated after publication: 2027-01-15" in text
        await pilot.press(*"14:")  # what is typed meanwhile answers nothing and changes nothing
        await pilot.press("n")
        await pilot.pause()
        assert not app.is_running
    app.close_session()
    assert path.read_bytes() == before


async def test_yes_opens_a_published_meeting_and_its_changes_are_dated(tmp_path):
    meeting_id = published_meeting(tmp_path)
    app = make_app(tmp_path, meeting_id, now=FixedClock())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        app.screen.query_one(QuickEntry).input.value = "14:50 cache hit rate drops"
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.meeting.events[-1].description == "cache hit rate drops"
    app.close_session()
    meeting = read_meeting(tmp_path / f"{meeting_id}.json")
    assert (meeting.status, meeting.updated_after_publication) == ("published", date(2027, 1, 15))


async def test_escape_leaves_the_meeting_unpublished(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(120, 36)) as pilot:
        palette(app)["Mark published"].callback()
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.meeting.status == "active" and app.session.meeting.publication_date is None
    app.close_session()


async def test_ending_with_ctrl_n_tells_the_connected_note_taker(tmp_path):
    meeting_id = new_meeting(tmp_path)
    facilitator = make_app(tmp_path, meeting_id)
    async with facilitator.run_test(size=(160, 48)) as pilot:
        server = RoomServer(facilitator.session, port=0, token=TOKEN)
        facilitator.room_server = server
        await server.start()
        facilitator.session.jump_to_phase(LAST)
        notetaker = NoteTakerApp(server.url, TOKEN, name="frank", outbox_dir=tmp_path / "outbox")
        async with notetaker.run_test(size=(120, 36)) as note_pilot:
            await until(lambda: notetaker.client.connected)
            await pilot.press("ctrl+n")
            await pilot.press("y")
            await until(lambda: notetaker.client.state.status == "ended")
            await note_pilot.pause()
            assert "ended the meeting" in str(notetaker.notes.query_one("#nt-status").render())
            assert "1 note-taker was told." in notices(facilitator)[-1]
        await server.stop()
    facilitator.close_session()


async def test_publishing_a_running_meeting_tells_the_note_taker_too(tmp_path):
    meeting_id = new_meeting(tmp_path)
    facilitator = make_app(tmp_path, meeting_id)
    async with facilitator.run_test(size=(160, 48)) as pilot:
        server = RoomServer(facilitator.session, port=0, token=TOKEN)
        facilitator.room_server = server
        await server.start()
        notetaker = NoteTakerApp(server.url, TOKEN, name="frank", outbox_dir=tmp_path / "outbox")
        async with notetaker.run_test(size=(120, 36)):
            await until(lambda: notetaker.client.connected)
            facilitator.call_later(palette(facilitator)["Mark published"].callback)  # in its app, not the note-taker's
            await until(lambda: isinstance(facilitator.screen, TextDialog), what="the date asked")
            await pilot.press("enter")
            await pilot.pause()
            assert facilitator.session.meeting.status == "published"
            await until(lambda: notetaker.client.state.status == "ended")
        await server.stop()
    facilitator.close_session()


async def test_home_marks_an_ended_meeting_whose_document_is_a_draft(tmp_path):
    draft = Meeting(Incident("Draft outage"), status="ended", sections={"summary": "Checkout failed."})
    done = Meeting(Incident("Written outage"), status="ended",
                   sections=dict.fromkeys(("summary", "narrative", "response", "lessons"), "Written."))
    for meeting in (draft, done):
        MeetingFile.create(tmp_path, to_data(meeting)).close()
    app = make_app(tmp_path, now=FixedClock())
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.screen.query_one(DataTable)
        await until(lambda: table.row_count == 2, what="the meetings listed")
        await pilot.pause()
        assert str(table.get_cell(draft.id, "title")) == "Draft outage  draft: 3 sections to write"
        assert str(table.get_cell(done.id, "title")) == "Written outage"
        assert str(table.get_cell(draft.id, "status")) == "ended"
    app.close_session()


async def test_the_action_dialog_keeps_a_tracker_link_and_refuses_a_bad_one(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(120, 36)) as pilot:
        item = app.session.meeting.actions[0]
        before = item.link  # the demo's first action is tracked already
        dialog = EditActionDialog(app.session, item.id)
        app.push_screen(dialog)
        await pilot.pause()
        link = dialog.query_one("#edit-link", Input)
        assert link.value == before
        link.focus()
        await pilot.press("ctrl+u", *"javascript:alert(1)", "enter")
        await pilot.pause()
        assert app.screen is dialog and item.link == before
        assert "is not an http or https URL" in str(dialog.query_one("#edit-error", Label).render())
        await pilot.press("ctrl+u", *"https://tracker.example.com/issues/42`x`", "enter")
        await pilot.pause()
        assert app.screen is dialog and item.link == before
        assert str(dialog.query_one("#edit-error", Label).render()) == (
            "✗ the link holds '`', which no URL holds: write it percent-encoded (%60), or give the URL as copied")
        await pilot.press("ctrl+u", *"https://tracker.example.com/issues/42", "enter")
        await pilot.pause()
        assert app.screen is not dialog
        assert item.link == "https://tracker.example.com/issues/42"
    app.close_session()
