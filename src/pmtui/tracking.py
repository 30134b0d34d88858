"""Action items across meetings: which are open or overdue, finding one by id,
marking one done or open again, completion figures, and the follow-ups a new
meeting should review first."""

from __future__ import annotations

import statistics
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from pathlib import Path

from .library import Library
from .model import PRIORITIES, ActionItem, Meeting
from .session import MeetingSession
from .store import StoreError

FILTERS = ("open", "overdue", "all")
WINDOW_DAYS = 90
TRACKING_PARTS = ("actions",)
"""The meeting parts tracking needs from :func:`pmtui.library.load_library`."""


class ActionLookupError(StoreError):
    """No action item, or more than one, matches the id that was given."""


@dataclass(frozen=True)
class TrackedAction:
    """An action item and the meeting it was agreed in."""

    item: ActionItem
    meeting: Meeting

    def overdue_days(self, today: date) -> int:
        """Days past its due date while still open; 0 when it is not overdue."""
        return overdue_days(self.item, today)


def overdue_days(item: ActionItem, today: date) -> int:
    """Days ``item`` is past its due date while open (0 when done, undated or not yet due)."""
    if item.status != "open" or item.due is None or item.due >= today:
        return 0
    return (today - item.due).days


def every_action(library: Library) -> list[TrackedAction]:
    """Every action item of every meeting in the library."""
    return [TrackedAction(item, meeting) for meeting in library.meetings for item in meeting.actions]


def owned_by(actions: Iterable[TrackedAction], owner: str | None) -> list[TrackedAction]:
    """The items whose owner contains ``owner`` (case-insensitive); all when it is empty."""
    wanted = (owner or "").strip().casefold()
    return [a for a in actions if wanted in a.item.owner.casefold()]


def select(actions: Iterable[TrackedAction], which: str, today: date) -> list[TrackedAction]:
    """The items a filter keeps ('open', 'overdue' or 'all'), soonest due first.

    Undated items come after dated ones; ties go by priority, then newest meeting.
    """
    if which not in FILTERS:
        raise ValueError(f"unknown filter {which!r}; use one of {', '.join(FILTERS)}")
    return sorted((a for a in actions if _kept(which, a.item, today)), key=_urgency)


def _kept(which: str, item: ActionItem, today: date) -> bool:
    if which == "all":
        return True
    return item.status == "open" and (which == "open" or overdue_days(item, today) > 0)


def _urgency(action: TrackedAction) -> tuple:
    item = action.item
    rank = PRIORITIES.index(item.priority) if item.priority in PRIORITIES else len(PRIORITIES)
    return (item.due is None, item.due or date.max, rank, -action.meeting.created.timestamp(), item.id)


def find_action(library: Library, ref: str) -> TrackedAction:
    """The action item whose id is ``ref``, or the only one whose id starts with it."""
    ref = ref.strip()
    actions = every_action(library)
    exact = [a for a in actions if a.item.id == ref]
    matches = exact or [a for a in actions if ref and a.item.id.startswith(ref)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        shown = ", ".join(f"{a.item.id} ({a.meeting.id})" for a in matches[:5]) + (", …" if len(matches) > 5 else "")
        raise ActionLookupError(f"'{ref}' matches several action items: {shown}; give more of the id")
    raise ActionLookupError(f"no action item '{ref}' in any meeting; run 'pmtui actions --all' to see the ids")


def write_status(data_dir: Path, action: TrackedAction, status: str, note: str = "") -> TrackedAction:
    """Mark ``action`` 'open' or 'done' in its meeting's file, through a MeetingSession; returns it as written.

    The meeting is locked only while this runs; when it is open in another
    pmtui, :class:`~pmtui.store.MeetingLockedError` says so and nothing changes.
    Writes of this process to one meeting wait for each other, so a second
    write never finds the first one's lock and blames "another pmtui".
    """
    return _write(data_dir, action, lambda s: s.set_action_status(action.item.id, status, note.strip()))


def write_link(data_dir: Path, action: TrackedAction, url: str) -> TrackedAction:
    """Set where ``action``'s work is tracked (an http(s) URL; "" clears it), locked like :func:`write_status`."""
    return _write(data_dir, action, lambda s: s.set_action_link(action.item.id, url))


def restore_status(data_dir: Path, action: TrackedAction) -> TrackedAction:
    """Put back the status, its time and its note ``action.item`` holds (the undo of :func:`write_status`)."""
    item = action.item
    return _write(data_dir, action,
                  lambda s: s.set_action_status(item.id, item.status, item.status_note, at=item.status_changed))


_meeting_writes: dict[str, threading.Lock] = {}
_meeting_writes_guard = threading.Lock()


def _write(data_dir: Path, action: TrackedAction, change: Callable[[MeetingSession], None]) -> TrackedAction:
    with _meeting_writes_guard:
        turn = _meeting_writes.setdefault(action.meeting.id, threading.Lock())
    with turn:
        session = MeetingSession.open(data_dir, action.meeting.id)
        try:
            change(session)
            written = next(a for a in session.meeting.actions if a.id == action.item.id)
        finally:
            saved = session.close()
        if not saved:
            raise StoreError(f"cannot save {session.file.path}; the change may be lost: check the disk and try again")
        return TrackedAction(written, session.meeting)


# --- completion figures -----------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    """How one group of action items is doing (see :func:`completion_figures`)."""

    counted: int
    done: int
    overdue: int
    mean_days_to_close: float | None

    @property
    def rate(self) -> float | None:
        """The share of counted items that are done (0..1), None when none are counted."""
        return self.done / self.counted if self.counted else None


@dataclass(frozen=True)
class CompletionFigures:
    """Completion figures for all items and per priority, over a window of days."""

    start: date
    today: date
    total: Completion
    by_priority: dict[str, Completion]


def completion_figures(actions: Iterable[TrackedAction], today: date, days: int = WINDOW_DAYS) -> CompletionFigures:
    """Completion figures of ``actions`` for the ``days`` days ending ``today``.

    The window runs from ``today - days + 1`` through ``today``, both
    included. An item is *counted* when its due date or its creation day (in
    UTC) falls in the window: the work that came due recently plus the
    commitments made recently.

    - ``rate``: counted items that are done, divided by the counted items;
    - ``overdue``: open items due before ``today``, whenever they were made
      (an item does not stop being overdue by leaving the window);
    - ``mean_days_to_close``: over the counted done items that record when they
      were closed, the mean of ``status_changed - created`` in days.

    ``by_priority`` has the same figures for each of the PRIORITIES.
    """
    start = today - timedelta(days=days - 1)
    items = [a.item for a in actions]
    groups = {priority: [i for i in items if i.priority == priority] for priority in PRIORITIES}
    return CompletionFigures(
        start=start,
        today=today,
        total=_completion(items, start, today),
        by_priority={priority: _completion(group, start, today) for priority, group in groups.items()},
    )


def _completion(items: list[ActionItem], start: date, today: date) -> Completion:
    counted = [i for i in items if _in_window(i, start, today)]
    done = [i for i in counted if i.status == "done"]
    durations = [(i.status_changed - i.created).total_seconds() / 86400 for i in done if i.status_changed]
    return Completion(
        counted=len(counted),
        done=len(done),
        overdue=sum(1 for i in items if overdue_days(i, today) > 0),
        mean_days_to_close=statistics.fmean(durations) if durations else None,
    )


def _in_window(item: ActionItem, start: date, today: date) -> bool:
    made = item.created.astimezone(UTC).date()
    return start <= made <= today or (item.due is not None and start <= item.due <= today)


# --- follow-ups -----------------------------------------------------------------------


def follow_up_items(library: Library, meeting: Meeting) -> list[TrackedAction]:
    """The open action items of meetings created before ``meeting``, to review in it.

    Items of meetings that share one of its services come first; within that,
    the soonest due (so the most overdue) first.
    """
    services = {s.casefold() for s in meeting.incident.services}
    earlier = [m for m in library.meetings if m.id != meeting.id and m.created < meeting.created]
    items = [TrackedAction(item, m) for m in earlier for item in m.actions if item.status == "open"]
    return sorted(items, key=lambda a: (not shares_service(a.meeting, services), _urgency(a)))


def shares_service(meeting: Meeting, services: set[str]) -> bool:
    """True when ``meeting``'s incident touched one of ``services`` (casefolded)."""
    return any(s.casefold() in services for s in meeting.incident.services)
