"""The facilitator's meeting screen in every phase of the demo meeting at four terminal sizes (frozen clock)."""

from __future__ import annotations

import pytest

from helpers import FixedClock, create_meeting
from pmtui.tui.app import make_app
from test_view_timeline import FIXED, demo

SIZES = [(80, 24), (120, 36), (160, 45), (200, 60)]
PHASES = range(6)  # the demo agenda: safety, timeline, observations, five whys, actions, review


@pytest.mark.parametrize("phase", PHASES, ids=[f"phase{n + 1}" for n in PHASES])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_meeting_screen(snap_compare, tmp_path, size, phase):
    app = make_app(tmp_path, create_meeting(tmp_path, demo(gap=True), phase=phase), now=FixedClock(FIXED))

    async def steady(pilot) -> None:
        await pilot.pause()
        if hasattr(pilot.app.focused, "cursor_blink"):
            pilot.app.focused.cursor_blink = False  # the cursor shows in the snapshot however slow the machine

    try:
        assert snap_compare(app, terminal_size=size, run_before=steady)
    finally:
        app.close_session()
