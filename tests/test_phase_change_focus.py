"""Keys typed right behind a phase change never act on the list of the phase just left.

Found by the scripted tmux run (tests/e2e): in follow-ups with the list focused, Escape and ctrl+n arrived
together, and the next line's Enter opened "Close in meeting …?" for an earlier meeting's action item while
the timeline was on screen (a 'y' next would have closed it). A view shown for the first time takes the
focus only once mounted; until then the keys went to the hidden list.
"""

from __future__ import annotations

from textual import events
from textual.widgets import DataTable

from pmtui.tui.screens.dialogs import ConfirmDialog
from pmtui.tui.views.follow_ups import FollowUpsView
from test_tracking_screens import data_dir, fixed_dir, follow_ups_first_app, settle  # noqa: F401  (fixtures)


async def test_enter_queued_behind_ctrl_n_never_reaches_the_follow_ups_list(data_dir, tmp_path):
    app = follow_ups_first_app(data_dir, tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen.current_view, FollowUpsView)
        await pilot.press("down")
        assert isinstance(app.focused, DataTable)
        for key in ("ctrl+n", "enter"):  # in one read of the terminal, as a fast typist's keys arrive
            app.post_message(events.Key(key, None))
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog), "Enter typed after ctrl+n acted on the follow-ups list"
        assert not isinstance(app.screen.current_view, FollowUpsView)
    app.close_session()
