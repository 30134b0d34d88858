"""One quick-entry grammar on every screen: prefixes and @name on the facilitator's entry lines, `m` moves an
observation, and the note-taker's same lines give the same entries."""

from __future__ import annotations

import pytest

from helpers import FixedClock, create_meeting, plain, show_phase, type_head_paste_line, unwritten
from pmtui.entry_grammar import PREFIX_HINT, PREFIX_HINT_SHORT
from pmtui.tui.app import make_app
from pmtui.tui.screens.meeting import MeetingScreen
from pmtui.tui.screens.why_dialogs import TextDialog
from pmtui.tui.views.actions import ActionsView
from pmtui.tui.views.five_whys import FiveWhysView
from pmtui.tui.views.observations import ObservationList, ObservationsView
from pmtui.tui.views.review import ReviewView
from pmtui.tui.views.safety import SafetyView
from pmtui.tui.views.timeline import TimelineView
from pmtui.tui.widgets.quick_entry import QuickEntry

# phases of standard-90 in the demo meeting (no follow-ups)
SAFETY, TIMELINE, OBSERVATIONS, FIVE_WHYS, ACTIONS, REVIEW = 0, 1, 2, 3, 4, 5
VIEWS = {SAFETY: SafetyView, TIMELINE: TimelineView, OBSERVATIONS: ObservationsView, FIVE_WHYS: FiveWhysView,
         ACTIONS: ActionsView, REVIEW: ReviewView}

PREFIXED = [
    ("- pg_dump failed silently", "went_poorly", "pg_dump failed silently"),
    ("! the snapshot was only 6 hours old", "lucky", "the snapshot was only 6 hours old"),
    ("+ the delayed replica was there", "went_well", "the delayed replica was there"),
]


def observations(app) -> list[tuple[str, str, str]]:
    return [(o.kind, o.text, o.speaker) for o in app.session.meeting.observations]


@pytest.mark.parametrize("phase", [TIMELINE, OBSERVATIONS, FIVE_WHYS, ACTIONS, SAFETY, REVIEW])
async def test_an_observation_prefix_adds_that_kind_on_every_facilitator_screen(tmp_path, phase):
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten()), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, phase, VIEWS[phase])
        view.query_one(QuickEntry).focus_input()
        before = observations(app)
        events, actions = len(app.session.meeting.events), len(app.session.meeting.actions)
        for line, _, _ in PREFIXED:
            await type_head_paste_line(pilot, line)
        await type_head_paste_line(pilot, "@priya - nobody had restored a backup in a year")
        said = ("went_poorly", "nobody had restored a backup in a year", "Priya Nair")  # an attendee of the demo
        assert observations(app)[len(before):] == [*((kind, text, "") for _, kind, text in PREFIXED), said]
        assert (len(app.session.meeting.events), len(app.session.meeting.actions)) == (events, actions)
        entry = view.query_one(QuickEntry)
        assert entry.input.value == "" and not entry.has_class("-error")
        if phase != OBSERVATIONS:  # the line said where it went, as the entry is not listed here
            assert "What went poorly" in list(app._notifications)[-1].message
    app.close_session()


async def test_an_unprefixed_line_is_what_each_phase_is_for(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten()), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        meeting = app.session.meeting
        await show_phase(app, pilot, TIMELINE, TimelineView)
        await type_head_paste_line(pilot, "@priya 15:20 restore finished | db1")
        assert (meeting.events[-1].description, meeting.events[-1].actor, meeting.events[-1].speaker) == (
            "restore finished", "db1", "Priya Nair")  # @priya names the demo's attendee

        await show_phase(app, pilot, OBSERVATIONS, ObservationsView)
        await type_head_paste_line(pilot, "@jo the runbook was current")
        assert observations(app)[-1] == ("went_well", "the runbook was current", "Jo Okafor")

        await show_phase(app, pilot, FIVE_WHYS, FiveWhysView)
        chain = meeting.chains[-1]
        await type_head_paste_line(pilot, "@lee nobody owned backup testing")
        assert (chain.whys[-1].text, chain.whys[-1].speaker) == ("nobody owned backup testing", "Lee Chen")

        await show_phase(app, pilot, ACTIONS, ActionsView)
        await type_head_paste_line(pilot, "Test restores weekly | Ana Costa | high")
        assert (meeting.actions[-1].description, meeting.actions[-1].owner, meeting.actions[-1].priority) == (
            "Test restores weekly", "Ana Costa", "high")

        await show_phase(app, pilot, SAFETY, SafetyView)
        await type_head_paste_line(pilot, "Kim Lee | ic")
        assert (meeting.attendees[-1].name, meeting.attendees[-1].role) == ("Kim Lee", "incident commander")

        review = await show_phase(app, pilot, REVIEW, ReviewView)
        review.query_one("#review-entry", QuickEntry).focus_input()
        await type_head_paste_line(pilot, "@ana publish by Friday")
        await type_head_paste_line(pilot, "share with the storage team")
        assert meeting.notes[review.phase.id] == "@ana publish by Friday\nshare with the storage team"
    app.close_session()


async def test_a_why_typed_on_the_timeline_goes_to_the_latest_chain_and_says_so(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        await show_phase(app, pilot, TIMELINE, TimelineView)
        await type_head_paste_line(pilot, "? the backups were never restored")
        assert app.session.meeting.chains[-1].whys[-1].text == "the backups were never restored"
        assert "Five Whys" in list(app._notifications)[-1].message
    app.close_session()


def shown(view: ObservationsView, kind: str) -> list[str]:
    options = view.query_one(f"#obs-{kind}", ObservationList)
    return [plain(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_m_moves_the_selected_observation_to_the_next_kind_and_the_selection_follows(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, OBSERVATIONS, ObservationsView)
        await type_head_paste_line(pilot, "pg_dump failed silently")  # typed into "went well" by mistake
        moved = app.session.meeting.observations[-1]
        await pilot.press("up", "end", "m")
        await pilot.pause()
        assert moved.kind == "went_poorly"
        assert not any("pg_dump" in text for text in shown(view, "went_well"))
        assert any("pg_dump" in text for text in shown(view, "went_poorly"))
        poorly = view.query_one("#obs-went_poorly", ObservationList)
        assert app.focused is poorly and poorly.highlighted_option.id == moved.id
        await pilot.press("m")
        await pilot.pause()
        assert moved.kind == "lucky"
        await pilot.press("m")
        await pilot.pause()
        assert moved.kind == "went_well" and moved.text == "pg_dump failed silently"
    app.close_session()


async def test_a_prefix_in_the_edit_dialog_moves_the_observation(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, OBSERVATIONS, ObservationsView)
        await type_head_paste_line(pilot, "pg_dump failed silently")
        moved = app.session.meeting.observations[-1]
        await pilot.press("up", "end", "e")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        await pilot.press("home", *"- ", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert (moved.kind, moved.text) == ("went_poorly", "pg_dump failed silently")
        assert app.focused is view.query_one("#obs-went_poorly", ObservationList)
    app.close_session()


@pytest.mark.parametrize("size, prefixes", [((160, 45), PREFIX_HINT), ((80, 24), PREFIX_HINT_SHORT)])
async def test_the_help_line_shows_the_prefixes_short_when_narrow(tmp_path, size, prefixes):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=size) as pilot:
        view = await show_phase(app, pilot, OBSERVATIONS, ObservationsView)
        await pilot.pause()
        hint = plain(view.query_one("#obs-entry Label.hint").render())
        assert hint.endswith(prefixes)
    app.close_session()
