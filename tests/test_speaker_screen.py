"""The facilitator's screen: f9 sets who is speaking, and every entry line completes a leading @name."""

from __future__ import annotations

from textual.widgets import Label

from helpers import FixedClock, create_meeting, plain, show_phase, type_line, until, unwritten
from pmtui.tui.app import make_app
from pmtui.tui.screens.why_dialogs import PickDialog
from pmtui.tui.views.observations import ObservationsView
from pmtui.tui.views.review import ReviewView
from pmtui.tui.views.timeline import TimelineView
from pmtui.tui.widgets.quick_entry import EntryLine

TIMELINE, OBSERVATIONS, REVIEW = 1, 2, 5  # phases of the demo meeting, whose attendees are
ATTENDEES = ["Sam Rivera", "Lee Chen", "Priya Nair", "Jo Okafor", "Ana Costa"]


def speaking(app) -> str:
    """What the top bar says about who is speaking ('' when it says nothing)."""
    label = app.screen.query_one("#current-speaker", Label)
    return plain(label.render()) if label.display else ""


async def pick_speaker(app, pilot, name: str | None) -> None:
    """f9, then the arrow keys to ``name`` (None: nobody) and Enter."""
    await pilot.press("f9")
    await until(pilot, lambda: isinstance(app.screen, PickDialog), "the speaker picker is open")
    choices = [*ATTENDEES, None]
    options = app.screen.query_one("#pick-list")
    steps = choices.index(name) - options.highlighted
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
    await until(pilot, lambda: not isinstance(app.screen, PickDialog), "the picker is closed")


async def test_f9_sets_who_is_speaking_for_the_facilitators_entries_until_changed(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, TIMELINE, TimelineView)
        await pick_speaker(app, pilot, "Priya Nair")
        assert app.session.meeting.current_speaker == "Priya Nair"
        assert speaking(app) == "▸ Priya Nair speaking"  # the room sees who is speaking
        await type_line(pilot, "15:20 paged the database team")
        [event] = [e for e in app.session.meeting.events if e.description == "paged the database team"]
        assert event.speaker == "Priya Nair"
        assert view.table.get_cell(event.id, "author").plain == "Priya Nair"
        await pick_speaker(app, pilot, None)
        assert app.session.meeting.current_speaker == "" and speaking(app) == ""
        assert "Set current speaker" in [command.title for command in app.screen.commands()]
    app.close_session()


async def test_every_entry_line_completes_a_leading_at_name_with_an_attendee(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten()), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        completed = []
        for phase in range(len(app.session.agenda.phases)):
            app.session.jump_to_phase(phase)
            await until(pilot, lambda: app.screen.current_view.is_mounted and app.focused is not None,
                        f"phase {phase + 1} is shown")
            line = app.focused
            if isinstance(line, EntryLine):  # the phase's entry line, where typing goes
                await pilot.press(*"@a")
                await until(pilot, lambda line=line: line._suggestion == "@Ana ", f"Ana offered in phase {phase + 1}")
                await pilot.press("ctrl+u")
                completed.append(type(app.screen.current_view).__name__)
        assert completed == ["SafetyView", "TimelineView", "ObservationsView", "FiveWhysView", "ActionsView"]
        await show_phase(app, pilot, OBSERVATIONS, ObservationsView)
        line = app.focused
        assert isinstance(line, EntryLine)
        await pilot.press(*"@pri")
        await until(pilot, lambda: line._suggestion == "@Priya ", "Priya is offered")
        await pilot.press("right", *"paged fast")
        assert line.value == "@Priya paged fast"  # the word the session reads as Priya Nair
        assert app.session.set_current_speaker(line.value.split()[0]) == "Priya Nair"
    app.close_session()


async def test_review_lists_speakers_that_are_not_attendees(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten()), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        app.session.add_observation("lucky", "the backup existed", speaker="zoe")  # nobody of that name
        app.session.add_observation("lucky", "quiet night", speaker="pri")  # Priya Nair
        view = await show_phase(app, pilot, REVIEW, ReviewView)
        await app.workers.wait_for_complete()
        await pilot.pause()
        strangers = view.query_one("#review-speakers", Label)
        assert strangers.display and "Not an attendee: zoe (" in plain(strangers.render())
        app.session.add_attendee("Zoe Park")  # what the line advises: then zoe is Zoe Park
        view.refresh_document()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not strangers.display
    app.close_session()
