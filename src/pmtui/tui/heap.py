"""Keep Python's cycle collector from stalling the screen.

A meeting with thousands of events holds a few hundred thousand long-lived
objects (events, rendered rows, Textual's DOM, the room's connections). Every
full collection walks all of them: 30-120 ms on a 2-core machine, long enough
to freeze the countdown and hold back every note-taker's acknowledgement.

Once the meeting is on screen, a collection of the young generations clears
what start-up left behind (a full one would cost the 100 ms this avoids) and
``gc.freeze`` moves the survivors out of the collector's sight;
after each later full collection the survivors are frozen too, so the next
one only looks at objects made since. Objects frozen that later become
cyclic garbage are reclaimed only after :func:`release` (when the app ends):
in a meeting that is a few dialogs' worth.
"""

from __future__ import annotations

import gc

_installed = False


def settle() -> None:
    """Collect once and freeze what is alive now; from then on, freeze the survivors of every full collection."""
    global _installed
    gc.collect(1)
    gc.freeze()
    if not _installed:
        gc.callbacks.append(_freeze_survivors)
        _installed = True


def release() -> None:
    """Stop freezing and hand every frozen object back to the collector (the app is closing)."""
    global _installed
    if _installed:
        gc.callbacks.remove(_freeze_survivors)
        _installed = False
    gc.unfreeze()


def _freeze_survivors(phase: str, info: dict) -> None:
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()
