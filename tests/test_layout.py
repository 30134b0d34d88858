"""Every size: the sidebar folds when narrow, the timeline fits its pane, footers and agenda read whole."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from textual.widgets import Footer

from helpers import FixedClock, create_meeting, screen_text, type_line, until, unwritten
from pmtui.model import TimelineEvent
from pmtui.tui.app import make_app
from pmtui.tui.screens.meeting import MeetingScreen
from pmtui.tui.views.timeline import TimelineView
from test_view_timeline import DAY, FIXED, demo

SIZES = [(80, 24), (120, 36), (160, 45), (200, 60)]
IDS = [f"{w}x{h}" for w, h in SIZES]


def long_meeting(count: int = 60):
    """The demo meeting with ``count`` more events, one a minute from 16:00, said by a long-named speaker."""
    meeting = demo()
    start = DAY.replace(hour=16)
    meeting.events += [TimelineEvent(start + timedelta(minutes=n), f"step {n} of the recovery", "ops",
                                     "https://logs.example.com/recovery", speaker="Alex Facilitator",
                                     id=f"more{n:03d}", created=DAY) for n in range(count)]
    return meeting


def timeline(app) -> TimelineView:
    return app.screen.query_one(TimelineView)


# --- the sidebar folds into the title bar when narrow -----------------------------------------------


async def test_under_110_columns_the_sidebar_folds_into_the_title_bar_and_comes_back_when_widened(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten(demo())), now=FixedClock(FIXED))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        assert not screen.query_one("#sidebar").display
        phases = screen.query_one("#phases")
        assert phases.region.x == 0 and phases.region.width == 80, "the phase gets the whole width"
        full = "2/6 18:00 left · meeting 11:50 / 90:00  on time"
        # the clock picks its form from the title bar's laid-out labels: under load the first one can be a tick late
        await until(pilot, lambda: full in screen_text(app).splitlines()[0], "the title bar's clock in its full form")
        assert full in screen_text(app).splitlines()[0]

        await pilot.resize_terminal(160, 45)
        await pilot.pause()
        assert screen.query_one("#sidebar").display and phases.region.x >= 26
        assert not screen.query_one("#clock-line").display
        assert "meeting" not in screen_text(app).splitlines()[0]

        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert not screen.query_one("#sidebar").display and screen.query_one("#clock-line").display
    app.close_session()


async def test_the_title_bar_clock_follows_the_phase_clock(tmp_path):
    clock = FixedClock(FIXED)
    app = make_app(tmp_path, create_meeting(tmp_path, demo()), now=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        def title_bar() -> str:
            return screen_text(app).splitlines()[0]

        clock.advance(minutes=19)  # shown at the screen's next tick, which a loaded machine may delay
        await until(pilot, lambda: "2/6 +01:00 over" in title_bar(), "the title bar shows the overrun")
        assert "2/6 +01:00 over · meeting 30:50 / 90:00" in title_bar()
        await pilot.press("ctrl+t")
        await until(pilot, lambda: "⏸ paused" in title_bar(), "the title bar shows the pause")
        assert "2/6 +01:00 ⏸ paused" in title_bar()
    app.close_session()


# --- the timeline fits its pane --------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
async def test_the_timeline_never_scrolls_sideways(tmp_path, size):
    app = make_app(tmp_path, create_meeting(tmp_path, long_meeting()), now=FixedClock(FIXED))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = timeline(app).table
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert not table.show_horizontal_scrollbar
    app.close_session()


async def test_at_160_columns_every_column_shows_and_the_author_is_whole(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, long_meeting(3)), now=FixedClock(FIXED))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        table = timeline(app).table
        assert table.hidden_columns == []
        row = r"step 2 of the recovery +ops +https://logs\.example\.\S+ +Alex Facilitator *\n"
        assert re.search(row, screen_text(app))
    app.close_session()


async def test_at_80_columns_the_evidence_hides_and_the_header_says_so(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, long_meeting(3)), now=FixedClock(FIXED))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = timeline(app).table
        assert table.hidden_columns == ["Evidence"]
        assert "+1 hidden: Evidence" in screen_text(app)
        assert table.column_widths[1] >= 40, "the description keeps most of the width"

        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert table.hidden_columns == []
        assert "+1 hidden" not in screen_text(app)
    app.close_session()


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
async def test_the_event_just_added_at_the_end_is_on_screen(tmp_path, size):
    app = make_app(tmp_path, create_meeting(tmp_path, long_meeting()), now=FixedClock(FIXED))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await type_line(pilot, "17:30 the last word on the incident")
        table = timeline(app).table

        def on_screen() -> bool:
            rows = screen_text(app).splitlines()[table.region.y:table.region.bottom]
            return any("17:30:00  the last word on the incident" in row for row in rows)

        await until(pilot, on_screen, "the new row is on screen")
    app.close_session()


# --- footers and the agenda read whole -----------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=IDS)
async def test_no_footer_binding_is_cut(tmp_path, size):
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten(demo())), now=FixedClock(FIXED))
    async with app.run_test(size=size) as pilot:
        for phase in range(len(app.session.agenda.phases)):
            app.session.jump_to_phase(phase)
            await until(pilot, lambda: footer_keys(app)[0], f"phase {phase + 1}'s footer is laid out")
            footer = app.screen.query_one(Footer)
            shown, palette = footer_keys(app)
            for key in shown:
                assert key.region.width == key.get_content_width(footer.size, footer.size), f"{key.key} is cut"
                assert key.region.right <= palette, f"{key.key} runs under the palette key"
    app.close_session()


def footer_keys(app):
    """The footer's bindings on screen (none while it is being laid out) and where the palette key is."""
    footer = app.screen.query_one(Footer)
    palette = next((key.region.x for key in footer.children if key.has_class("-command-palette")), footer.region.right)
    shown = [key for key in footer.children if key.display and not key.has_class("-command-palette")]
    if not shown or any(not key.region.width for key in shown):
        return [], palette
    return shown, palette


async def test_agenda_titles_and_minutes_never_run_together(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten(demo())), now=FixedClock(FIXED))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        agenda = app.screen.query_one("#agenda")
        lines = screen_text(app).splitlines()[agenda.region.y:agenda.region.bottom]
        rows = [line[agenda.region.x:agenda.region.right] for line in lines]
        cut = [row for row in rows if "…" in row]
        assert cut, "a long title is cut"
        for row in cut:
            assert re.search(r"…\s+\d", row), f"title and minutes run together: {row!r}"
    app.close_session()


@pytest.mark.parametrize("size", [(60, 20), (80, 24)], ids=["60x20", "80x24"])
async def test_no_footer_binding_is_cut_on_the_home_screen(tmp_path, size):
    create_meeting(tmp_path, demo())
    app = make_app(tmp_path, now=FixedClock(FIXED))
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: footer_keys(app)[0], "the home screen's footer is laid out")
        footer = app.screen.query_one(Footer)
        shown, palette = footer_keys(app)
        for key in shown:
            assert key.region.width == key.get_content_width(footer.size, footer.size), f"{key.key} is cut"
            assert key.region.right <= palette, f"{key.key} runs under the palette key"


# --- the clock never cuts itself, and leaves the title its room ----------------------------------------


def long_titled_meeting():
    """The demo meeting, titled as a real one is, on the phase 4/6."""
    meeting = demo()
    meeting.incident.title = "Hosted database outage after accidental directory removal"
    meeting.clock.phase_index = 3
    return meeting


async def test_at_160_columns_a_plan_over_99_minutes_still_fits_the_sidebar_clock(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, long_titled_meeting()), now=FixedClock(FIXED))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("ctrl+o", "ctrl+o")  # 90 + 10: the plan passes 99 minutes
        await until(pilot, lambda: "/ 100:00" in screen_text(app) or "/100:00" in screen_text(app),
                    "the clock shows the extended plan")
        label = app.screen.query_one("#meeting-clock")
        sidebar = app.screen.query_one("#sidebar").content_region
        shown = screen_text(app).splitlines()[label.region.y][sidebar.x:sidebar.right].strip()
        assert re.fullmatch(r"\d\d:\d\d ?/ ?100:00 +[-+]\d\d:\d\d( ahead| behind)?", shown), f"cut: {shown!r}"
    app.close_session()


async def test_at_80_columns_the_title_keeps_its_room_and_the_clock_line_shortens(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, long_titled_meeting()), now=FixedClock(FIXED))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+o", "ctrl+o")
        await until(pilot, lambda: "100:00" in screen_text(app).splitlines()[0], "the title bar shows the plan")
        title_bar = screen_text(app).splitlines()[0]
        assert "SEV2  Hosted datab" in title_bar, f"the title is cut to nothing: {title_bar!r}"
        assert re.search(r"4/6 \d\d:\d\d .*\d\d:\d\d ?/ ?100:00 +([-+]\d\d:\d\d|on time)", title_bar), title_bar
        assert "saved" in title_bar
    app.close_session()
