"""Who is in the room as the facilitator's panel shows them, and how many entries each has in the meeting.

The counts are the meeting's, by room identity (``author_id``), not a
connection's: a reconnect or a restart does not reset them, and an entry the
facilitator removes is no longer counted. They are kept as entries come and go
(a timeline of thousands of events is walked once, when sharing starts, and
again only after an import), so the panel can ask at every redraw.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..model import Meeting

ENTRY_KINDS = ("events", "observations", "whys", "proposals")
"""What is counted: the kinds of a note-taker's entries (proposals: answers waiting or put aside)."""


@dataclass(frozen=True)
class Presence:
    """One note-taker of this room, connected or gone, as the facilitator's panel shows them."""

    name: str
    author: str
    address: str
    connected: bool
    entries: int  # their events, observations, whys and proposed answers in the meeting (not this connection's)
    seen_ago: float  # seconds since their last message
    typing: bool


class EntryCounts:
    """Each identity's events and observations, counted as they are added and removed; whys and proposals are
    counted from the chains (a few dozen answers) when asked after a chain changed."""

    def __init__(self, meeting: Meeting) -> None:
        self.meeting = meeting
        self._owners: dict[str, tuple[str, str]] = {}  # entry id -> (author id, kind)
        self._listed: dict[str, Counter[str]] = {}  # author id -> events and observations
        self._chains: dict[str, Counter[str]] | None = None  # author id -> whys and proposals
        for event in meeting.events:
            self.added(event.id, event.author_id, "events")
        for observation in meeting.observations:
            self.added(observation.id, observation.author_id, "observations")

    def added(self, item: str, author_id: str, kind: str) -> None:
        """An event or observation ``item`` of ``author_id`` is in the meeting (again: counted once)."""
        if author_id and item not in self._owners:
            self._owners[item] = (author_id, kind)
            self._listed.setdefault(author_id, Counter())[kind] += 1

    def removed(self, item: str) -> None:
        """The event or observation ``item`` is gone."""
        owner = self._owners.pop(item, None)
        if owner is not None:
            self._listed[owner[0]][owner[1]] -= 1

    def chains_changed(self) -> None:
        """A chain changed: its whys and proposals are counted again when next asked."""
        self._chains = None

    def of(self, author_id: str) -> Counter[str]:
        """``author_id``'s entries of the meeting by kind (see :data:`ENTRY_KINDS`)."""
        if self._chains is None:
            self._chains = {}
            for chain in self.meeting.chains:
                for kind, whys in (("whys", chain.whys), ("proposals", (*chain.proposals, *chain.set_aside))):
                    for why in whys:
                        if why.author_id:
                            self._chains.setdefault(why.author_id, Counter())[kind] += 1
        return self._listed.get(author_id, Counter()) + self._chains.get(author_id, Counter())
