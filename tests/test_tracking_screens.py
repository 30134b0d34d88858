"""Pilot tests for the action items board, the patterns screen and the follow-ups view."""

from __future__ import annotations

import io
import shutil
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from rich.console import Console
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Static

from library_factory import TODAY, write_fixed_library
from pmtui.agenda import Phase
from pmtui.library import CACHE_DIR, load_library
from pmtui.model import Incident
from pmtui.session import MeetingSession
from pmtui.store import MeetingFile
from pmtui.tracking import TRACKING_PARTS, find_action
from pmtui.tui.app import make_app
from pmtui.tui.screens.actions_board import ActionsBoardScreen
from pmtui.tui.screens.home import HomeScreen
from pmtui.tui.screens.stats import StatsScreen
from pmtui.tui.views.follow_ups import FollowUpsView
from pmtui.tui.widgets.quick_entry import QuickEntry


@pytest.fixture(scope="module")
def fixed_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fixed")
    write_fixed_library(folder)
    (folder / "broken.json").write_text("{")
    return folder


@pytest.fixture
def data_dir(fixed_dir, tmp_path) -> Path:
    """A copy of the fixed library the test may change."""
    return Path(shutil.copytree(fixed_dir, tmp_path / "meetings", ignore=shutil.ignore_patterns(CACHE_DIR)))


def text(content) -> str:
    """A Static's content (text or any Rich renderable) as plain text."""
    console = Console(file=io.StringIO(), width=120, color_system=None)
    console.print(content)
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines())


def shown(widget: Static) -> str:
    return text(widget.content)


def notifications(app) -> list[tuple[str, str]]:
    """Record the app's notifications as (message, severity)."""
    seen: list[tuple[str, str]] = []
    app.notify = lambda message, **kw: seen.append((message, kw.get("severity", "information")))
    return seen


async def settle(app, pilot) -> None:
    """Let every worker finish, including the ones started by finishing workers."""
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def keys(table: DataTable) -> list[str]:
    return [key.value for key in table.rows]


def status(data_dir: Path, item_id: str) -> str:
    return find_action(load_library(data_dir, TRACKING_PARTS), item_id).item.status


async def select_row(pilot, table: DataTable, key: str) -> None:
    table.move_cursor(row=table.get_row_index(key))
    await pilot.pause()


# --- the action items board -------------------------------------------------------------


async def open_board(app, pilot, data_dir: Path) -> ActionsBoardScreen:
    await settle(app, pilot)
    assert isinstance(app.screen, HomeScreen)
    board = ActionsBoardScreen(data_dir, today=lambda: TODAY)
    app.push_screen(board)
    await settle(app, pilot)
    return board


async def test_board_filters(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 45)) as pilot:
        board = await open_board(app, pilot, data_dir)
        table = board.query_one(DataTable)
        assert keys(table) == ["m05/a050", "m14/a141", "m02/a021", "m29/a290", "m26/a260", "m26/a261", "m29/a291"]
        assert board.sub_title == "7 open · 3 overdue · 12 all"
        assert [str(c) for c in table.get_row("m05/a050")] == [
            "critical", "2026-02-03", "118d", "Jo Okafor", "Action a050 of meeting 5",
            "m05 Cache stampede after deploy #5"]
        await pilot.press("2")
        assert keys(table) == ["m05/a050", "m14/a141", "m02/a021"]
        await pilot.press("3")
        assert len(keys(table)) == 12 and str(table.get_row("m02/a020")[4]) == "✓ Action a020 of meeting 2"
        await pilot.press("1")
        assert len(keys(table)) == 7
        assert "1 Open (7)" in shown(board.query_one("#board-filter", Static))


async def test_board_shows_figures_detail_and_skipped_files(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 45)) as pilot:
        board = await open_board(app, pilot, data_dir)
        figures = shown(board.query_one("#board-figures", Static))
        assert "Last 90 days: 4/10 done (40%) · 24.2 days to close on average · 3 overdue now" in figures
        assert "critical: 0/2 done (0%)  high: 1/2 done (50%)  medium: 3/4 done (75%)  low: 0/2 done (0%)" in figures
        detail = shown(board.query_one("#board-detail", Static))
        assert "Action a050 of meeting 5" in detail and "118 days overdue" in detail and "From m05:" in detail
        errors = board.query_one("#board-errors", Static)
        assert errors.display and "broken.json" in shown(errors)


async def test_board_closes_and_reopens_in_the_meeting_files(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 45)) as pilot:
        board = await open_board(app, pilot, data_dir)
        seen = notifications(app)
        table = board.query_one(DataTable)
        await select_row(pilot, table, "m14/a141")
        await pilot.press("d")
        await settle(app, pilot)
        assert status(data_dir, "a141") == "done"
        assert "m14/a141" not in keys(table)
        assert seen[-1] == ("Done: Action a141 of meeting 14", "information")
        await pilot.press("3")
        await select_row(pilot, table, "m14/a141")
        await pilot.press("o")
        await settle(app, pilot)
        assert status(data_dir, "a141") == "open"
        await pilot.press("o")
        assert seen[-1] == ("It is open already.", "information")


async def test_board_reports_a_locked_meeting_in_one_line(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_board(app, pilot, data_dir)
        seen = notifications(app)
        with MeetingFile.open(data_dir / "m05.json", write=True):
            await pilot.press("d")  # a050 of m05 is the first row
            await settle(app, pilot)
        message, severity = seen[-1]
        assert severity == "error"
        assert message.startswith("meeting m05 is open in another pmtui") and "\n" not in message
        assert status(data_dir, "a050") == "open"
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


# --- the patterns screen ------------------------------------------------------------------


async def test_stats_screen(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(app, pilot)
        screen = StatsScreen(data_dir, today=lambda: TODAY)
        app.push_screen(screen)
        await settle(app, pilot)
        assert shown(screen.query_one("#stats-summary", Static)).startswith("30 incidents (all time)")
        severity = shown(screen.query_one("#stats-severity", Static)).splitlines()
        assert severity[0] == "By severity"
        assert severity[1].split()[:2] == ["SEV1", "8"] and "█" * 30 in severity[1]
        assert severity[3].split()[:2] == ["SEV3", "7"] and "█" * 26 in severity[3] and "█" * 27 not in severity[3]
        causes = shown(screen.query_one("#stats-causes", Static)).splitlines()
        assert causes[6].split() == ["operational", "error", "0", "·"]
        times = shown(screen.query_one("#stats-times", Static))
        assert "to resolve" in times and "44m" in times
        assert "code defect: 6 incidents" in shown(screen.query_one("#stats-recurring", Static))
        assert "broken.json" in shown(screen.query_one("#stats-errors", Static))
        await pilot.press("w")
        assert screen.sub_title == "last 365 days, since 2025-06-02"
        await pilot.press("w")
        summary = shown(screen.query_one("#stats-summary", Static))
        assert summary.startswith("17 incidents (last 90 days, since 2026-03-04)")
        await pilot.press("w", "escape")
        assert isinstance(app.screen, HomeScreen)


# --- the follow-ups view --------------------------------------------------------------------

FOLLOW_UPS = Phase(id="follow-ups", title="Follow-ups from earlier incidents", minutes=10, kind="follow_ups",
                   prompts=("Which of these are done?",))


class FollowUpsApp(App):
    """The follow-ups view alone, as the meeting screen would show it."""

    CSS_PATH = "../src/pmtui/tui/pmtui.tcss"

    def __init__(self, data_dir: Path, session: MeetingSession) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.session = session

    def compose(self) -> ComposeResult:
        yield FollowUpsView(self.session, FOLLOW_UPS, id="phase-0")

    def on_mount(self) -> None:
        view = self.query_one(FollowUpsView)
        self.session.subscribe(view.on_session_change)  # as the meeting screen hands changes to its views
        view.on_phase_shown()


@pytest.fixture
def session(data_dir):
    noon = datetime.combine(TODAY, time(12), UTC).timestamp()
    session = MeetingSession.open(data_dir, "m29", now=lambda: noon)
    yield session
    session.close()


async def test_follow_ups_list_earlier_open_items_same_service_first(data_dir, session):
    app = FollowUpsApp(data_dir, session)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        view = app.query_one(FollowUpsView)
        table = view.query_one(DataTable)
        assert keys(table) == ["m05/a050", "m14/a141", "m02/a021", "m26/a260", "m26/a261"]
        assert [str(c) for c in table.get_row("m05/a050")][:4] == ["search", "critical", "2026-02-03", "118d"]
        assert str(table.get_row("m14/a141")[0]) == ""
        assert str(view.query_one("#follow-up-summary", Static).content) == (
            "5 open items from earlier meetings · 3 overdue · 1 about the same services"
            " · ⚠ 1 unreadable file(s) skipped: see pmtui list")
        assert app.focused is view.query_one(QuickEntry).input


async def test_follow_ups_close_and_reopen_in_the_other_meeting(data_dir, session):
    app = FollowUpsApp(data_dir, session)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        view = app.query_one(FollowUpsView)
        table = view.query_one(DataTable)
        await pilot.press("down", "enter", "y")
        await settle(app, pilot)
        item = find_action(load_library(data_dir, TRACKING_PARTS), "a050").item
        assert item.status == "done"
        assert item.status_note == "closed in the follow-up review of m29 (Cache stampede after deploy #29)"
        assert str(table.get_row("m05/a050")[5]) == "✓ Action a050 of meeting 5"
        assert "· 1 closed now" in shown(view.query_one("#follow-up-summary", Static))
        await pilot.press("enter", "y")
        await settle(app, pilot)
        assert status(data_dir, "a050") == "open"
        await pilot.press("r")
        await settle(app, pilot)
        assert keys(table)[0] == "m05/a050"


async def test_follow_ups_report_a_locked_meeting(data_dir, session):
    app = FollowUpsApp(data_dir, session)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        seen = notifications(app)
        table = app.query_one(FollowUpsView).query_one(DataTable)
        table.focus()
        await select_row(pilot, table, "m14/a141")
        with MeetingFile.open(data_dir / "m14.json", write=True):
            await pilot.press("enter", "y")
            await settle(app, pilot)
        assert seen[-1][1] == "error" and seen[-1][0].startswith("meeting m14 is open in another pmtui")
        assert status(data_dir, "a141") == "open"
        assert str(table.get_row("m14/a141")[5]) == "Action a141 of meeting 14"


def item(data_dir: Path, item_id: str):
    return find_action(load_library(data_dir, TRACKING_PARTS), item_id).item


async def test_follow_ups_typed_letters_are_a_note_never_a_command(data_dir, session):
    """Text with d, r, y in it goes to the entry line as a note of this meeting; no earlier item changes."""
    app = FollowUpsApp(data_dir, session)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        before = item(data_dir, "a050")
        await pilot.press(*"discussed: ready by friday, yes", "enter")
        await pilot.press(*"d d r y", "enter")
        await settle(app, pilot)
        assert session.meeting.notes["follow-ups"] == "discussed: ready by friday, yes\nd d r y"
        assert "discussed: ready by friday, yes · d d r y" in shown(app.query_one("#follow-up-notes", Static))
        assert item(data_dir, "a050") == before


async def test_follow_ups_closing_asks_and_names_the_other_meeting(data_dir, session):
    app = FollowUpsApp(data_dir, session)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        question = str(app.screen.query_one("#confirm-question").content)
        assert question.startswith("Close “") and "in meeting m05 (" in question
        assert app.screen.query_one("#confirm-dialog").border_title == "Close in meeting m05?"
        await pilot.press("n")
        await settle(app, pilot)
        assert status(data_dir, "a050") == "open"


async def test_follow_ups_undo_puts_the_other_meeting_back(data_dir, session):
    app = FollowUpsApp(data_dir, session)
    seen = notifications(app)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        table = app.query_one(FollowUpsView).query_one(DataTable)
        before = item(data_dir, "a050")
        await pilot.press("down", "enter", "y")
        await settle(app, pilot)
        assert item(data_dir, "a050").status == "done"
        assert seen[-1][0].startswith("Closed in meeting m05 (") and seen[-1][0].endswith("ctrl+z undoes")
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert item(data_dir, "a050") == before
        assert str(table.get_row("m05/a050")[5]) == "Action a050 of meeting 5"
        assert seen[-1][0].startswith("Undone in meeting m05 (") and seen[-1][1] == "information"


async def test_follow_ups_quick_changes_to_one_meeting_never_blame_another_pmtui(data_dir, session):
    """Two changes of one earlier meeting in flight at once: both land, one after the other."""
    app = FollowUpsApp(data_dir, session)
    seen = notifications(app)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        view = app.query_one(FollowUpsView)
        first, second = (view.items[key] for key in ("m26/a260", "m26/a261"))
        view._change(first, "done")
        view._change(second, "done")
        await settle(app, pilot)
        assert [severity for _, severity in seen] == ["information", "information"]
        assert status(data_dir, "a260") == status(data_dir, "a261") == "done"


AGENDA = """
name = "follow-up-first"
description = "Review earlier action items, then run the usual meeting."

[[phases]]
id = "follow-ups"
title = "Follow-ups from earlier incidents"
minutes = 10
kind = "follow_ups"

[[phases]]
id = "notes"
title = "Notes"
minutes = 5
kind = "notes"
"""


def follow_ups_first_app(data_dir, tmp_path):
    """The app on a new 'search' meeting whose agenda starts with the follow-ups of earlier meetings."""
    agenda = tmp_path / "follow-up-first.toml"
    agenda.write_text(AGENDA)
    created = MeetingSession.create(data_dir, Incident("Search is slow again", services=["search"]), str(agenda))
    created.close()
    return make_app(data_dir, created.meeting.id)


async def test_follow_ups_phase_in_the_meeting_screen(data_dir, tmp_path):
    app = follow_ups_first_app(data_dir, tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        view = app.screen.current_view
        assert isinstance(view, FollowUpsView)
        # every open item is earlier; those of the 'search' meetings m05 and m29 first
        assert keys(view.query_one(DataTable))[:4] == ["m05/a050", "m29/a290", "m29/a291", "m14/a141"]


async def test_ctrl_z_in_follow_ups_undoes_the_other_meeting_first_then_this_one(data_dir, tmp_path):
    app = follow_ups_first_app(data_dir, tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        observation = app.session.add_observation("went_well", "the search team was paged at once")
        await pilot.press("down", "enter", "y")
        await settle(app, pilot)
        assert status(data_dir, "a050") == "done"
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert status(data_dir, "a050") == "open" and observation in app.session.meeting.observations
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert observation not in app.session.meeting.observations
        assert status(data_dir, "a050") == "open"


async def test_home_screen_opens_the_action_board_and_stats(tmp_path):
    from pmtui.tui.app import make_app
    from pmtui.tui.screens.actions_board import ActionsBoardScreen
    from pmtui.tui.screens.stats import StatsScreen

    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ActionsBoardScreen)
        await pilot.press("escape", "s")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
