"""Every decision about Python's cycle collector, in one place.

Two tricks, one owner. While a meeting is on screen the heap is *held*:
a meeting with thousands of events holds a few hundred thousand long-lived
objects (events, rendered rows, Textual's DOM, the room's connections), and
every full collection walks all of them: 30-120 ms on a 2-core machine, long
enough to freeze the countdown and hold back every note-taker's
acknowledgement. So once the meeting is on screen, :func:`settle` collects the
young generations (a full collection would cost the 100 ms this avoids) and
``gc.freeze`` moves the survivors out of the collector's sight; after each
later full collection the survivors are frozen too, so the next one only looks
at objects made since. Objects frozen that later become cyclic garbage are
reclaimed only after :func:`release` (when the app ends): in a meeting that is
a few dialogs' worth.

While the heap is held the youngest generation is also collected less often
(every :data:`HELD_YOUNG_THRESHOLD` new objects instead of 700): a frame that
repaints the timeline makes ~2,000 short-lived containers, which set off
three young collections and every tenth frame a middle one, 0.6-2 ms of each
frame that shows a typed line (1.7 ms on average, 0.3 ms at 5,000). Almost all
of those objects are freed by their reference counts anyway.

Before a meeting is first on screen, :func:`pause_until_settled` keeps the
collector off: start-up makes a few hundred thousand objects that all stay
(modules, Textual's DOM and styles, the meeting), and the ~180 collections
they triggered found next to nothing to free, yet cost 220 ms (under load, one
full collection alone 110 ms) before ``pmtui run``'s first frame. :func:`settle`
then collects once, as it always did.

Before any of that, the command itself is imported under :func:`lasting_imports`
(``pmtui/__main__.py``): Textual, Rich, click and pmtui make ~300,000 objects
that live as long as the process, and the ~100 collections they triggered
(35 ms of every start-up) found nothing to free; once imported, they are
frozen out of the collector's sight for good.

Outside a meeting, :func:`bulk_load` pauses the collector while the main
thread reads a library of meetings: collections triggered by the many new
objects find nothing to free, and skipping them takes 15-25% off an uncached load. The
collector is process-wide, so that pause is never taken in a worker thread (it
would switch the collector off under the screen's feet, and its end could
switch it back on while the screen needs it otherwise) nor while the heap is
held: a library loaded by a screen's worker simply runs with the collector on.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

HELD_YOUNG_THRESHOLD = 5000
_held = False
_starting = False
_thresholds: tuple[int, int, int] | None = None


def pause_until_settled() -> None:
    """No collection until :func:`settle` (the meeting is on screen) or :func:`release` (the app ends): main thread."""
    global _starting
    if gc.isenabled() and not _held and threading.current_thread() is threading.main_thread():
        gc.disable()
        _starting = True


def settle() -> None:
    """Collect once and freeze what is alive now; from then on, freeze the survivors of every full collection."""
    global _held, _thresholds
    _end_pause()
    gc.collect(1)
    gc.freeze()
    if not _held:
        gc.callbacks.append(_freeze_survivors)
        _thresholds = gc.get_threshold()
        gc.set_threshold(max(HELD_YOUNG_THRESHOLD, _thresholds[0]), *_thresholds[1:])
        _held = True


def release() -> None:
    """Stop freezing and hand every frozen object back to the collector (the app is closing)."""
    global _held
    _end_pause()
    if _held:
        gc.callbacks.remove(_freeze_survivors)
        if _thresholds is not None:
            gc.set_threshold(*_thresholds)
        _held = False
    gc.unfreeze()


def _end_pause() -> None:
    global _starting
    if _starting:
        _starting = False
        gc.enable()


@contextlib.contextmanager
def lasting_imports() -> Iterator[None]:
    """No collection while the modules are imported; then freeze them (they live as long as the process)."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


@contextlib.contextmanager
def bulk_load() -> Iterator[None]:
    """No collection while many objects are made at once, if this is the main thread and no meeting holds the heap."""
    paused = gc.isenabled() and not _held and threading.current_thread() is threading.main_thread()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _freeze_survivors(phase: str, info: dict) -> None:
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()
