"""The follow-ups phase fits the facilitator's pane like the timeline: no sideways scrolling at 80x24."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from textual.widgets import DataTable

from helpers import FixedClock, screen_text, show_phase
from library_factory import TODAY, write_fixed_library
from pmtui.model import Incident
from pmtui.session import MeetingSession
from pmtui.tui.app import make_app
from pmtui.tui.views.follow_ups import FollowUpsView
from test_action_table_fit import fits

PHASE = 1  # the default agenda with its optional follow-ups: safety, follow-ups, timeline…


def new_meeting(data_dir, services: list[str]) -> tuple[str, FixedClock]:
    """A new meeting with the follow-ups phase, in a data dir holding the fixed library's open items."""
    write_fixed_library(data_dir)
    clock = FixedClock(datetime.combine(TODAY, time(12), UTC).timestamp())
    incident = Incident("Hosted database outage after accidental directory removal", services=services)
    session = MeetingSession.create(data_dir, incident, follow_ups=True, now=clock)
    session.close()
    return session.meeting.id, clock


async def follow_ups(app, pilot) -> DataTable:
    view = await show_phase(app, pilot, PHASE, FollowUpsView)
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()
    table = view.query_one(DataTable)
    assert table.row_count, "the earlier meetings' open items are listed"
    return table


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (160, 45)], ids=["80x24", "120x36", "160x45"])
async def test_the_follow_up_items_fit_the_pane_and_say_what_is_hidden(tmp_path, size):
    meeting_id, clock = new_meeting(tmp_path, ["search", "auth"])
    app = make_app(tmp_path, meeting_id, now=clock)
    async with app.run_test(size=size) as pilot:
        table = await follow_ups(app, pilot)
        assert fits(table), f"{table.virtual_size.width} columns in a {table.scrollable_content_region.width} pane"
        text = screen_text(app)
        for label in ("Priority", "Owner", "Due", "Action"):
            assert label in text
        assert table.columns["action"].width >= 24, "the action keeps a readable width"
        for column in ("service", "meeting"):
            if column not in table.columns:
                assert "hidden" in text or "cols" in text, f"the header says the {column} column is hidden"
    app.close_session()


async def test_no_column_of_empty_cells_when_no_item_shares_a_service(tmp_path):
    meeting_id, clock = new_meeting(tmp_path, ["billing-batch"])
    app = make_app(tmp_path, meeting_id, now=clock)
    async with app.run_test(size=(160, 45)) as pilot:
        table = await follow_ups(app, pilot)
        assert "service" not in table.columns
        assert "Same service" not in screen_text(app)
        assert "meeting" in table.columns, "the room it leaves goes to the others"
    app.close_session()
