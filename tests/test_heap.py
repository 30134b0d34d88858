"""The facilitator app freezes its heap while a meeting is on screen and hands it back when it ends."""

from __future__ import annotations

import gc

from pmtui.demo import create_demo
from pmtui.tui import heap
from pmtui.tui.app import make_app


def test_settle_freezes_survivors_of_every_full_collection_until_release():
    try:
        heap.settle()
        frozen = gc.get_freeze_count()
        assert frozen > 0
        kept = [[index] for index in range(1000)]  # made after the freeze: young objects
        gc.collect()  # a full collection: its survivors are frozen too
        assert gc.get_freeze_count() >= frozen + len(kept)
        heap.settle()  # twice is fine: still one callback
        assert gc.callbacks.count(heap._freeze_survivors) == 1
    finally:
        heap.release()
    assert gc.get_freeze_count() == 0 and heap._freeze_survivors not in gc.callbacks


async def test_the_facilitator_app_prepares_freezes_and_releases(tmp_path):
    app = make_app(tmp_path, create_demo(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert set(app.session.saver.cached_events()) == {e.id for e in app.session.meeting.events}
        assert gc.get_freeze_count() > 0
    app.close_session()
    assert gc.get_freeze_count() == 0
