"""The room's door: who may knock how often, and how many may be inside.

* :class:`TokenFailures` counts wrong tokens per address on an injected clock
  and locks an address out for a while after too many (guessing a token then
  takes years instead of seconds).
* :class:`Doorman` counts open connections in total and per address, so that
  silent or half-open connections cannot use up the facilitator's file
  descriptors (a full descriptor table also makes saving fail).

Addresses are keyed by :func:`address_key`: an IPv6 host owns a whole /64, so
the /64 counts as one address.
"""

from __future__ import annotations

import ipaddress
from collections import deque
from collections.abc import Callable

MAX_TRACKED = 10_000
"""Addresses whose failures are remembered at once; the oldest are forgotten first (memory stays bounded)."""


def address_key(address: str | None) -> str:
    """What counts as one address: the IPv4 address, or the /64 of an IPv6 one."""
    if not address:
        return "?"
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class TokenFailures:
    """Wrong tokens per address within a sliding window, and the addresses locked out because of them."""

    def __init__(self, clock: Callable[[], float], *, limit: int, window: float, lockout: float) -> None:
        self.clock = clock
        self.limit = limit
        self.window = window
        self.lockout = lockout
        self._failures: dict[str, deque[float]] = {}
        self._locked: dict[str, float] = {}

    def locked_for(self, address: str) -> float:
        """Seconds ``address`` stays locked out (0 when it may try)."""
        key = address_key(address)
        until = self._locked.get(key)
        if until is None:
            return 0.0
        left = until - self.clock()
        if left <= 0:
            del self._locked[key]
            return 0.0
        return left

    def failed(self, address: str) -> bool:
        """Count a wrong token from ``address``; True when this one locks it out."""
        key = address_key(address)
        now = self.clock()
        times = self._failures.pop(key, None) or deque()
        times.append(now)
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.limit:
            self._locked[key] = now + self.lockout
            return True
        self._failures[key] = times  # re-inserted: the dict stays ordered by last failure
        while len(self._failures) > MAX_TRACKED:
            del self._failures[next(iter(self._failures))]
        return False

    def locked(self) -> dict[str, float]:
        """The addresses locked out now, with the seconds each has left."""
        return {key: left for key in list(self._locked) if (left := self.locked_for(key)) > 0}


class Doorman:
    """Open connections in total and per address, against their caps."""

    def __init__(self, *, total: int, per_address: int) -> None:
        self.total = total
        self.per_address = per_address
        self._open: dict[str, int] = {}
        self.count = 0

    @property
    def full(self) -> bool:
        """Whether the total cap is reached."""
        return self.count >= self.total

    def has_room_for(self, address: str) -> bool:
        """Whether ``address`` is below its own cap (the total aside)."""
        return self._open.get(address_key(address), 0) < self.per_address

    def admit(self, address: str) -> str | None:
        """Count a new connection from ``address``; None, or why it is refused (then it is not counted)."""
        key = address_key(address)
        if self.full:
            return f"the room is full ({self.total} connections)"
        if not self.has_room_for(key):
            return f"too many connections from {key} ({self.per_address})"
        self._open[key] = self._open.get(key, 0) + 1
        self.count += 1
        return None

    def leave(self, address: str) -> None:
        """Count a connection admitted from ``address`` as closed."""
        key = address_key(address)
        left = self._open.get(key, 0) - 1
        if left > 0:
            self._open[key] = left
        else:
            self._open.pop(key, None)
        self.count = max(0, self.count - 1)
