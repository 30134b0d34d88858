"""The facilitator's action items fit the pane like the timeline: no sideways scrolling at 80x24."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from helpers import FixedClock, create_meeting, screen_text, show_phase
from pmtui.tui.app import make_app
from pmtui.tui.views.actions import ActionsView
from test_view_actions import PHASE, with_more_items


def fits(table: DataTable) -> bool:
    """No horizontal scrollbar: the columns take no more than the table's width."""
    return not table.show_horizontal_scrollbar and table.virtual_size.width <= table.scrollable_content_region.width


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 36)], ids=["80x24", "100x30", "120x36"])
async def test_the_action_list_fits_the_pane_and_shows_each_description(tmp_path, size):
    app = make_app(tmp_path, create_meeting(tmp_path, with_more_items()), now=FixedClock())
    async with app.run_test(size=size) as pilot:
        view = await show_phase(app, pilot, PHASE, ActionsView)
        await pilot.pause()
        table = view.query_one(DataTable)
        assert fits(table), f"{table.virtual_size.width} columns in a {table.scrollable_content_region.width} pane"
        text = screen_text(app)
        for item in app.session.meeting.actions:
            assert item.description[:24] in text, f"{item.description!r} is not readable"
        for label in ("Priority", "Owner", "Due"):
            assert label in text
    app.close_session()


async def test_at_80x24_the_header_says_which_columns_are_hidden_and_a_wider_pane_shows_them(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, with_more_items()), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, ActionsView)
        await pilot.pause()
        assert "hidden" in screen_text(app) or "cols" in screen_text(app)
        table = view.query_one(DataTable)
        assert "criteria" not in table.columns, "the criteria (in the detail below) give way first"

        await pilot.resize_terminal(220, 45)
        await pilot.pause()
        await pilot.pause()
        assert {"criteria", "type", "root_cause"} <= set(table.columns)
        assert "hidden" not in screen_text(app)
        assert fits(table)
    app.close_session()


async def test_a_long_description_is_cut_with_an_ellipsis_not_scrolled_to(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, with_more_items()), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, ActionsView)
        await pilot.press(*"Move the connection pool settings into a per-environment file with a schema check", "enter")
        await pilot.pause()
        table = view.query_one(DataTable)
        assert fits(table)
        assert "Move the connection pool" in screen_text(app)
        assert "…" in screen_text(app)
    app.close_session()
