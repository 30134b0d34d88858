"""Keep Python's cycle collector from stalling the screen.

A meeting with thousands of events holds hundreds of thousands of long-lived
objects (events, rendered rows, Textual's DOM). Every full collection walks
all of them: about 100 ms on a 2-core machine, long enough to freeze the
countdown and delay every note-taker's acknowledgement. Once the meeting is on
screen, one collection clears what start-up left behind and ``gc.freeze``
moves the survivors out of the collector's sight; later collections only
look at objects made since.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect once, then freeze every object alive now (call when a meeting is on screen)."""
    gc.collect()
    gc.freeze()
