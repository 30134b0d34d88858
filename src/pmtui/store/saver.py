"""Saving a running meeting: snapshots written on a background thread, retried on failure.

:class:`Saver` writes snapshots and counts versions; :class:`SessionSaver`
adds what a live session needs: one snapshot per event-loop iteration, the
saved form of each event kept until it changes, and ``await wait_saved(v)``
for the room, which acknowledges a note-taker's change only once it is on disk.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Meeting, TimelineEvent, to_data
from .meeting_file import MeetingFile

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SaveStatus:
    """The outcome of the latest save attempt, for the status bar."""

    ok: bool
    message: str
    pending: bool
    saved_at: float | None = None


class Saver:
    """Writes meeting snapshots on a background thread, retrying on failure.

    ``submit`` never blocks and only the newest pending snapshot is written.
    ``on_status`` is called from the writer thread after every attempt.
    """

    def __init__(
        self,
        file: MeetingFile,
        on_status: Callable[[SaveStatus], None] | None = None,
        retry_delays: tuple[float, ...] = (0.2, 0.5, 1, 2, 5),
    ) -> None:
        self.file = file
        self.on_status = on_status
        self.retry_delays = retry_delays
        self.submitted_version = 0
        self.saved_version = 0
        self._pending: dict | None = None
        self._stopping = False
        self._waiters: list[tuple[int, asyncio.Future]] = []
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name=f"pmtui-saver-{file.path.stem}", daemon=True)
        self._thread.start()

    def submit(self, data: dict) -> None:
        """Queue a snapshot (which the caller must not mutate afterwards)."""
        with self._cond:
            if self._stopping:
                raise RuntimeError("Saver is closed")
            self._pending = data
            self.submitted_version += 1
            self._cond.notify_all()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything submitted so far is on disk; False on timeout."""
        with self._cond:
            target = self.submitted_version
            return self._cond.wait_for(lambda: self.saved_version >= target, timeout)

    async def wait_saved(self, version: int) -> None:
        """Return once snapshot ``version`` (or a later one) is on disk; the writer thread wakes the loop."""
        with self._cond:
            if self.saved_version >= version:
                return
            future = asyncio.get_running_loop().create_future()
            self._waiters.append((version, future))
        await future

    def close(self, timeout: float | None = 5.0) -> bool:
        """Flush for up to ``timeout`` seconds, then stop; True when all was saved."""
        self.flush(timeout)
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join()
        return self.saved_version == self.submitted_version

    def _run(self) -> None:
        failures = 0
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._stopping)
                if self._pending is None:
                    return
                data, version, self._pending = self._pending, self.submitted_version, None
            try:
                self.file.save(data)
            except OSError as exc:
                failures += 1
                with self._cond:
                    if self._pending is None:
                        self._pending = data
                self._report(
                    SaveStatus(
                        ok=False,
                        message=f"cannot save {self.file.path}: {exc.strerror or exc}; "
                        "retrying — nothing is lost while pmtui stays open",
                        pending=True,
                    )
                )
                delay = self.retry_delays[min(failures, len(self.retry_delays)) - 1]
                with self._cond:
                    if self._cond.wait_for(lambda: self._stopping, delay):
                        return
                continue
            failures = 0
            with self._cond:
                self.saved_version = version
                pending = version < self.submitted_version
                ready = [future for wanted, future in self._waiters if wanted <= version]
                self._waiters = [(wanted, future) for wanted, future in self._waiters if wanted > version]
                self._cond.notify_all()
            for future in ready:
                _wake(future)
            self._report(SaveStatus(ok=True, message="saved", pending=pending, saved_at=time.time()))

    def _report(self, status: SaveStatus) -> None:
        if self.on_status is None:
            return
        try:
            self.on_status(status)
        except Exception:
            _log.exception("save status callback failed")


def _wake(future: asyncio.Future) -> None:
    """Resolve ``future`` on its own loop (from the writer thread); a closed loop waits for nobody."""
    def resolve() -> None:
        if not future.done():
            future.set_result(None)

    try:
        future.get_loop().call_soon_threadsafe(resolve)
    except RuntimeError:
        pass


class SessionSaver(Saver):
    """The saver of a running meeting: the session says what changed, this decides when and what to write.

    A burst of changes in one event-loop iteration costs one snapshot (see
    :meth:`defer`). The saved form of each event is kept until the session
    reports that event changed: snapshots then hand the storage the same
    event dicts, whose JSON :class:`~pmtui.store.storage.MeetingStorage`
    reuses, so a change with 2,000 events costs the loop a list, not 2,000
    conversions.
    """

    def __init__(
        self,
        file: MeetingFile,
        meeting: Meeting,
        on_status: Callable[[SaveStatus], None] | None = None,
        retry_delays: tuple[float, ...] = (0.2, 0.5, 1, 2, 5),
    ) -> None:
        super().__init__(file, on_status, retry_delays)
        self.meeting = meeting
        self._schedule: Callable[[Callable[[], None]], object] | None = None
        self._snapshot_due = False
        self._event_data: dict[str, dict] = {}
        self._event_list: list[dict] | None = None  # saved forms in the timeline's order, while only adds came
        self._added: list[TimelineEvent] = []

    def defer(self, schedule: Callable[[Callable[[], None]], object]) -> None:
        """Take one snapshot per ``schedule`` call (e.g. ``loop.call_soon``) instead of one per change.

        ``schedule`` may run it later (``flush``, ``close`` and ``save_now`` do not wait for it): the app
        lets the frame that shows a change go first (:data:`~pmtui.tui.app.SAVE_SETTLE`)."""
        self._schedule = schedule

    def changed(self, event_id: str | None = None, *, added: TimelineEvent | None = None) -> None:
        """Note that the meeting changed (and event ``event_id``, whose saved form is rebuilt).

        ``added`` is an event appended to the timeline: the next snapshot appends its saved form to the
        list kept from the last one instead of walking every event.
        """
        if event_id is not None:
            self._event_data.pop(event_id, None)
            self._event_list = None
        if added is not None:
            self._added.append(added)
        if self._snapshot_due or self._stopping:
            return
        if self._schedule is None:
            self._take_snapshot()
        else:
            self._snapshot_due = True
            self._schedule(self._snapshot_if_due)

    def save_now(self) -> None:
        """Snapshot the meeting now, not in the next loop iteration (when closing, the loop may be gone)."""
        self._take_snapshot()

    def save_target(self) -> int:
        """The version that will hold every change noted so far (wait for it with :meth:`wait_saved`)."""
        return self.submitted_version + (1 if self._snapshot_due else 0)

    def prepare(self) -> None:
        """Build the saved form of every event now, while nobody types (else the first save would)."""
        cache = self._event_data
        for event in self.meeting.events:
            if event.id not in cache:
                cache[event.id] = to_data(event)

    def data(self) -> dict:
        """The meeting as data; unchanged events reuse their saved form (never mutate the result).

        While events are only added, the list of saved forms grows by the new ones (O(1) per event);
        an edit, a deletion, an import or a timeline changed by hand rebuilds it from the timeline.
        """
        data = to_data(dataclasses.replace(self.meeting, events=[]))
        events, added, listed = self.meeting.events, self._added, self._event_list
        cache = self._event_data
        if listed is None or len(listed) + len(added) != len(events) or (added and events[-1] is not added[-1]):
            self.prepare()
            listed = [cache[e.id] for e in events]
        else:
            for event in added:
                if event.id not in cache:
                    cache[event.id] = to_data(event)
                listed.append(cache[event.id])
        added.clear()
        self._event_list = listed
        data["events"] = list(listed)
        return data

    def cached_events(self) -> set[str]:
        """The ids of the events whose saved form is ready."""
        return set(self._event_data)

    def flush(self, timeout: float | None = None) -> bool:
        """Snapshot a change still waiting for its loop iteration, then wait until all is on disk."""
        if self._snapshot_due:
            self._take_snapshot()
        return super().flush(timeout)

    def close(self, timeout: float | None = 5.0) -> bool:
        """Save what is noted (for up to ``timeout`` seconds) and stop; True when all was saved."""
        if self._snapshot_due:
            self._take_snapshot()
        return super().close(timeout)

    def _snapshot_if_due(self) -> None:
        if self._snapshot_due:  # else a flush or save_now took it first
            self._take_snapshot()

    def _take_snapshot(self) -> None:
        self._snapshot_due = False
        if not self._stopping:
            self.submit(self.data())
