"""How many changes a note-taker may send: at most ``rate`` in any ``per`` seconds, on an injected clock.

A sliding log of the times of the last ``rate`` accepted changes: a change is
accepted when the oldest of them is at least ``per`` seconds old. Unlike a token
bucket this never lets through more than ``rate`` in any window (a bucket allows
a full burst, then the refill, in the same second).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

DEFAULT_ENTRY_RATE = 20
"""Changes (adds, edits, removals) one note-taker may send per second."""


class RateLimit:
    """At most ``rate`` accepted changes in any window of ``per`` seconds."""

    def __init__(self, rate: int = DEFAULT_ENTRY_RATE, per: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate < 1:
            raise ValueError("the rate must allow at least one change")
        self.rate = rate
        self.per = per
        self.clock = clock
        self._accepted: deque[float] = deque(maxlen=rate)

    def take(self) -> float:
        """Accept one change now (0.0), or the seconds until one may be accepted (nothing is recorded)."""
        now = self.clock()
        if len(self._accepted) == self.rate:
            wait = self._accepted[0] + self.per - now
            if wait > 0:
                return wait
        self._accepted.append(now)
        return 0.0

    def idle(self) -> bool:
        """Whether nothing accepted is still inside the window (the limit can be forgotten)."""
        return not self._accepted or self._accepted[-1] + self.per <= self.clock()
