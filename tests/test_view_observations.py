"""Pilot and snapshot tests for the observations phase view."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label

from helpers import FixedClock, create_meeting, plain, show_phase, type_line
from pmtui.tui.app import make_app
from pmtui.tui.screens.meeting import MeetingScreen
from pmtui.tui.screens.why_dialogs import TextDialog
from pmtui.tui.views.observations import ObservationList, ObservationsView
from pmtui.tui.widgets.quick_entry import QuickEntry

PHASE = 2  # "What went well, what went poorly, where we got lucky" in standard-90


def texts(view: ObservationsView, kind: str) -> list[str]:
    """The observations shown in the ``kind`` list, as plain text."""
    options = view.query_one(f"#obs-{kind}", ObservationList)
    return [plain(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def kinds_and_texts(app) -> list[tuple[str, str, str]]:
    return [(o.kind, o.text, o.author) for o in app.session.meeting.observations]


async def test_enter_adds_to_each_column(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, ObservationsView)
        entry = view.query_one("#obs-entry", QuickEntry)
        assert app.focused is entry.input
        assert view.target_kind == "went_well"
        await type_line(pilot, "Fast status")
        await pilot.press("f2")
        await type_line(pilot, "Dead link")
        await pilot.press("f3")
        await type_line(pilot, "One region")

        added = kinds_and_texts(app)[4:]
        assert added == [
            ("went_well", "Fast status", "Sam Rivera"),
            ("went_poorly", "Dead link", "Sam Rivera"),
            ("lucky", "One region", "Sam Rivera"),
        ]
        # typed by the facilitator, said by nobody named: credited to nobody (#13 item 4)
        assert texts(view, "went_well")[-1] == "• Fast status"
        assert texts(view, "went_poorly")[-1] == "• Dead link"
        assert texts(view, "lucky")[-1] == "• One region"
        assert view.query_one("#obs-went_well", ObservationList).border_title == "What went well (3)"
        assert entry.input.value == ""
        assert app.focused is entry.input
    app.close_session()


async def test_author_after_a_bar(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, ObservationsView)
        await type_line(pilot, "Fast | Jo")
        assert kinds_and_texts(app)[-1] == ("went_well", "Fast", "Sam Rivera")  # who typed it
        assert app.session.meeting.observations[-1].speaker == "Jo Okafor"  # who said it: the attendee Jo
        assert texts(view, "went_well")[-1] == "• Fast — Jo Okafor"
    app.close_session()


async def test_switching_the_target_column_keeps_the_typed_text(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, PHASE, ObservationsView)
        entry = view.query_one("#obs-entry", QuickEntry)
        await pilot.press(*"No owner")
        await pilot.press("f2")
        assert view.target_kind == "went_poorly"
        assert entry.input.value == "No owner"
        assert view.query_one("#obs-went_poorly", ObservationList).has_class("-target")
        assert not view.query_one("#obs-went_well", ObservationList).has_class("-target")
        assert view.query_one("#obs-went_poorly", ObservationList).border_subtitle == "▲ adding here"
        assert entry.input.border_title == "F2 What went poorly"
        assert "What went poorly" in entry.input.placeholder

        await pilot.press("alt+3")  # the alternative to F3 for terminals that keep F-keys
        assert view.target_kind == "lucky"
        assert entry.input.value == "No owner"
        await type_line(pilot, " for cache")
        assert kinds_and_texts(app)[-1][:2] == ("lucky", "No owner for cache")
    app.close_session()


async def test_focusing_a_list_makes_it_the_target(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, PHASE, ObservationsView)
        await pilot.press("shift+tab")
        lucky = view.query_one("#obs-lucky", ObservationList)
        assert app.focused is lucky
        assert view.target_kind == "lucky"
        assert lucky.highlighted == 0
        await pilot.press("escape")
        assert app.focused is view.query_one("#obs-entry", QuickEntry).input
        assert view.target_kind == "lucky"
    app.close_session()


async def test_delete_and_x_remove_the_highlighted_observation(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, ObservationsView)
        well = view.query_one("#obs-went_well", ObservationList)
        await pilot.press("up")
        assert app.focused is well
        await pilot.press("down", "delete")
        await pilot.pause()
        assert [o.text for o in app.session.meeting.observations if o.kind == "went_well"] == [
            "The error-rate alert paged within two minutes of impact"
        ]
        assert well.option_count == 1
        assert well.border_title == "What went well (1)"

        await pilot.press("f2")
        poorly = view.query_one("#obs-went_poorly", ObservationList)
        assert app.focused is poorly
        await pilot.press("x")
        await pilot.pause()
        assert not [o for o in app.session.meeting.observations if o.kind == "went_poorly"]
        assert poorly.option_count == 0
        assert app.focused is poorly
    app.close_session()


async def test_ctrl_z_puts_a_deleted_observation_back_in_its_place(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, ObservationsView)
        well = view.query_one("#obs-went_well", ObservationList)
        shown, stored = texts(view, "went_well"), list(app.session.meeting.observations)
        await pilot.press("up")
        assert app.focused is well and well.highlighted == 0
        await pilot.press("delete")
        await pilot.pause()
        assert not app.screen.is_modal and texts(view, "went_well") == shown[1:]
        assert list(app._notifications)[-1].message.endswith("(What went well) · ctrl+z undoes")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert app.session.meeting.observations == stored
        assert texts(view, "went_well") == shown and well.highlighted == 0
        assert well.border_title == "What went well (2)"
    app.close_session()


async def test_e_rewords_in_a_dialog(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, ObservationsView)
        await pilot.press("f3", "up", "e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TextDialog)
        field = dialog.query_one(Input)
        assert field.value == "The change went out before the evening peak, not during it"
        await pilot.press("ctrl+u", *"Off-peak", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        lucky = [o for o in app.session.meeting.observations if o.kind == "lucky"]
        assert [o.text for o in lucky] == ["Off-peak"]
        assert texts(view, "lucky") == ["• Off-peak — Ana Costa"]
        assert app.focused is view.query_one("#obs-lucky", ObservationList)

        await pilot.press("e", "escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert lucky[0].text == "Off-peak"
    app.close_session()


async def test_empty_text_shows_the_error_and_keeps_focus(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, ObservationsView)
        entry = view.query_one("#obs-entry", QuickEntry)
        before = kinds_and_texts(app)
        await pilot.press("enter")
        await pilot.pause()
        assert kinds_and_texts(app) == before
        assert app.focused is entry.input

        await type_line(pilot, " | Priya")
        assert kinds_and_texts(app) == before
        assert entry.has_class("-error")
        assert "the observation is empty" in str(entry.query_one("Label.error", Label).render())
        assert entry.input.value == " | Priya"
        assert app.focused is entry.input
    app.close_session()


async def test_changes_from_elsewhere_update_the_lists(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, PHASE, ObservationsView)
        added = app.session.add_observation("lucky", "The on-call was already online", author="Lee Chen",
                                             author_id="lee-id")
        await pilot.pause()
        assert texts(view, "lucky")[-1] == "• The on-call was already online — Lee Chen"
        app.session.update_observation(added.id, "The on-call engineer was already online")
        await pilot.pause()
        assert texts(view, "lucky")[-1] == "• The on-call engineer was already online — Lee Chen"
        app.session.delete_observation(added.id)
        await pilot.pause()
        assert len(texts(view, "lucky")) == 1
    app.close_session()


async def test_an_observation_moved_to_another_kind_moves_to_that_list(tmp_path):
    """A note-taker's edit "! text" turns what went well into luck; the facilitator's lists follow."""
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, PHASE, ObservationsView)
        added = app.session.add_observation("went_well", "The alert paged", author="Zoe", author_id="zoe-id")
        await pilot.pause()
        well, lucky = len(texts(view, "went_well")), len(texts(view, "lucky"))
        app.session.update_observation(added.id, "The alert paged at all", kind="lucky")
        await pilot.pause()
        assert len(texts(view, "went_well")) == well - 1
        assert texts(view, "lucky")[-1] == "• The alert paged at all — Zoe" and len(texts(view, "lucky")) == lucky + 1
    app.close_session()


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
def test_snapshot(snap_compare, tmp_path, size):
    app = make_app(tmp_path, create_meeting(tmp_path, phase=PHASE), now=FixedClock())

    async def steady(pilot):
        await pilot.pause()
        pilot.app.screen.query_one("#obs-entry", QuickEntry).input.cursor_blink = False

    assert snap_compare(app, press=["f2", *"Nobody owned"], terminal_size=size, run_before=steady)
    app.close_session()
