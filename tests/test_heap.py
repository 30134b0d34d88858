"""The collector is decided in one place: frozen while a meeting is on screen, paused only for a
library loaded by the main thread outside a meeting, never switched from a worker thread."""

from __future__ import annotations

import gc
import threading

import pytest

from library_factory import fixed_meeting, write_meeting
from pmtui import heap
from pmtui.demo import create_demo
from pmtui.library import load_library
from pmtui.tui.app import make_app


@pytest.fixture
def data_dir(tmp_path):
    write_meeting(tmp_path, fixed_meeting(1))
    return tmp_path


def collector_while_loading(data_dir) -> bool:
    """Whether the collector was on while ``load_library`` built a meeting (seen from inside the load)."""
    seen = load_library(data_dir, (), {"probe": lambda meeting: str(gc.isenabled())}).digests["probe"]
    (state,) = seen.values()
    return state == "True"


def in_worker(work):
    found = []
    worker = threading.Thread(target=lambda: found.append(work()))
    worker.start()
    worker.join()
    return found[0]


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


def test_the_young_generation_is_collected_less_often_only_while_the_heap_is_held():
    before = gc.get_threshold()
    try:
        heap.settle()
        heap.settle()  # a second settle must not take the raised threshold for the one to restore
        assert gc.get_threshold() == (max(heap.HELD_YOUNG_THRESHOLD, before[0]), *before[1:])
    finally:
        heap.release()
    assert gc.get_threshold() == before


async def test_the_facilitator_app_prepares_freezes_and_releases(tmp_path):
    app = make_app(tmp_path, create_demo(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert set(app.session.saver.cached_events()) == {e.id for e in app.session.meeting.events}
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] >= heap.HELD_YOUNG_THRESHOLD
    app.close_session()
    assert gc.get_freeze_count() == 0 and gc.get_threshold()[0] < heap.HELD_YOUNG_THRESHOLD


def test_a_library_loaded_by_the_main_thread_outside_a_meeting_pauses_the_collector(data_dir):
    assert not collector_while_loading(data_dir)
    assert gc.isenabled()


def test_a_library_loaded_in_a_worker_thread_leaves_the_collector_alone(data_dir):
    assert in_worker(lambda: collector_while_loading(data_dir))
    gc.disable()
    try:
        assert in_worker(lambda: (collector_while_loading(data_dir), gc.isenabled())) == (False, False)
    finally:
        gc.enable()


def test_no_pause_while_a_meeting_holds_the_heap(data_dir):
    try:
        heap.settle()
        assert collector_while_loading(data_dir)
    finally:
        heap.release()
    assert not collector_while_loading(data_dir)


def test_a_pause_inside_a_pause_leaves_the_outer_one_to_end_it():
    with heap.bulk_load():
        with heap.bulk_load():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_start_up_collects_nothing_until_the_meeting_is_settled_or_the_app_ends():
    try:
        heap.pause_until_settled()
        assert not gc.isenabled()
        heap.settle()
        assert gc.isenabled()
    finally:
        heap.release()
    heap.pause_until_settled()
    heap.release()  # the app ended before its meeting was on screen
    assert gc.isenabled()
    assert in_worker(lambda: (heap.pause_until_settled(), gc.isenabled())[1])


def test_pmtui_run_on_a_missing_meeting_leaves_the_collector_on(tmp_path):
    from click.testing import CliRunner

    from pmtui.cli import main

    result = CliRunner().invoke(main, ["run", "no-such-meeting", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert gc.isenabled()
