"""Timing the agenda phases of a meeting over an injected clock.

Everything is derived from a :class:`~pmtui.model.ClockState` and ``now()``,
so a new :class:`MeetingClock` over a saved state resumes exactly: time
passed while the process was away counts if the clock was running, and
nothing counts if it was paused.
"""

from __future__ import annotations

import enum
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .model import ClockState
from .timeparse import format_clock

ON_TIME_SECONDS = 30


class PhaseStatus(enum.StrEnum):
    """How the current phase is doing against its planned time."""

    NOT_STARTED = "not_started"
    OK = "ok"
    WARNING = "warning"
    OVERRUN = "overrun"


@dataclass(frozen=True)
class ClockSnapshot:
    """Every clock value at one instant, for one UI tick."""

    now: float
    phase_index: int
    phase_count: int
    running: bool
    started: bool
    phase_elapsed: float
    phase_planned: float
    remaining: float
    overrun: float
    progress: float
    status: PhaseStatus
    meeting_elapsed: float
    meeting_planned: float
    meeting_remaining: float
    meeting_warning: bool
    schedule_delta: float
    elapsed: tuple[float, ...]
    planned: tuple[float, ...]
    extended: tuple[float, ...]
    start_offsets: tuple[float, ...]


class MeetingClock:
    """Start, pause, extend and step through timed phases; read where we stand."""

    WARNING_SECONDS = 120
    MEETING_WARNING_SECONDS = 300

    def __init__(
        self, planned_minutes: Sequence[float], state: ClockState, now: Callable[[], float] = time.time
    ) -> None:
        if not planned_minutes:
            raise ValueError("a meeting clock needs at least one phase")
        self._planned = tuple(float(m) * 60 for m in planned_minutes)
        self._now = now
        self.state = state
        n = len(self._planned)
        state.elapsed = (list(state.elapsed) + [0.0] * n)[:n]
        state.extended = (list(state.extended) + [0.0] * n)[:n]
        state.phase_index = min(max(state.phase_index, 0), n - 1)

    @property
    def phase_index(self) -> int:
        """The index of the current phase."""
        return self.state.phase_index

    @property
    def phase_count(self) -> int:
        """How many phases the agenda has."""
        return len(self._planned)

    @property
    def running(self) -> bool:
        """Whether the clock is ticking now."""
        return self.state.running_since is not None

    @property
    def started(self) -> bool:
        """Whether the meeting clock has ever been started."""
        return self.state.started_at is not None

    # --- control ---------------------------------------------------------

    def start(self) -> None:
        """Start (or resume) the clock; a no-op while it runs."""
        if self.running:
            return
        t = self._now()
        if self.state.started_at is None:
            self.state.started_at = t
        self.state.running_since = t

    def pause(self) -> None:
        """Stop the clock, keeping the time of the current phase."""
        if self.running:
            self._close_segment(self._now())
            self.state.running_since = None

    def toggle(self) -> bool:
        """Pause if running, otherwise start; returns whether it now runs."""
        if self.running:
            self.pause()
        else:
            self.start()
        return self.running

    def extend(self, seconds: float) -> None:
        """Give the current phase ``seconds`` more (must be positive)."""
        if not (seconds > 0 and math.isfinite(seconds)):
            raise ValueError(f"extension must be a positive number of seconds, not {seconds!r}")
        self.state.extended[self.phase_index] += seconds

    def go_to(self, index: int) -> None:
        """Make phase ``index`` current; a running clock keeps running."""
        self._check(index)
        if self.running:
            t = self._now()
            self._close_segment(t)
            self.state.running_since = t
        self.state.phase_index = index

    def next(self) -> bool:
        """Move to the next phase; False (and no change) at the last one."""
        if self.phase_index + 1 >= self.phase_count:
            return False
        self.go_to(self.phase_index + 1)
        return True

    def previous(self) -> bool:
        """Move back a phase, which keeps its time; False at the first one."""
        if self.phase_index == 0:
            return False
        self.go_to(self.phase_index - 1)
        return True

    # --- reading ---------------------------------------------------------

    def phase_elapsed(self, index: int | None = None) -> float:
        """Seconds spent in phase ``index`` (the current one by default)."""
        i = self.phase_index if index is None else self._check(index)
        return self._elapsed(self._now())[i]

    def phase_planned(self, index: int | None = None) -> float:
        """Planned seconds for phase ``index``, extensions included."""
        i = self.phase_index if index is None else self._check(index)
        return self._planned[i] + self.state.extended[i]

    def remaining(self) -> float:
        """Seconds left in the current phase; negative when over."""
        return self.phase_planned() - self.phase_elapsed()

    def overrun(self) -> float:
        """Seconds the current phase is over its planned time (0 if not)."""
        return max(0.0, -self.remaining())

    def progress(self) -> float:
        """How far through the current phase, from 0 to 1."""
        return self._progress(self.phase_elapsed())

    def status(self) -> PhaseStatus:
        """The current phase's status against its planned time."""
        return self._status(self.phase_elapsed())

    def meeting_elapsed(self) -> float:
        """Seconds spent in all phases together."""
        return sum(self._elapsed(self._now()))

    def meeting_planned(self) -> float:
        """The meeting's planned seconds: the agenda's plus every extension (an extension is part of the plan)."""
        return sum(self._planned) + sum(self.state.extended)

    def extended(self, index: int | None = None) -> float:
        """Seconds phase ``index`` (the current one by default) was extended by."""
        return self.state.extended[self.phase_index if index is None else self._check(index)]

    def meeting_remaining(self) -> float:
        """Planned seconds left for the whole meeting; negative when over."""
        return self.meeting_planned() - self.meeting_elapsed()

    def meeting_warning(self) -> bool:
        """Whether a started meeting is within 5 minutes of its end or past it."""
        return self._meeting_warning(self.meeting_remaining())

    def schedule_delta(self) -> float:
        """Seconds behind the plan, extensions included (positive), or ahead of it (negative)."""
        return self._delta(self._elapsed(self._now()))

    def phase_start_offsets(self) -> list[float]:
        """Seconds from the meeting's start at which each phase is planned to begin, extensions included."""
        offsets = [0.0]
        for index in range(self.phase_count - 1):
            offsets.append(offsets[-1] + self.phase_planned(index))
        return offsets

    def snapshot(self) -> ClockSnapshot:
        """All clock values at a single reading of ``now()``."""
        t = self._now()
        elapsed = self._elapsed(t)
        current = elapsed[self.phase_index]
        planned = self.phase_planned()
        meeting_remaining = self.meeting_planned() - sum(elapsed)
        return ClockSnapshot(
            now=t,
            phase_index=self.phase_index,
            phase_count=self.phase_count,
            running=self.running,
            started=self.started,
            phase_elapsed=current,
            phase_planned=planned,
            remaining=planned - current,
            overrun=max(0.0, current - planned),
            progress=self._progress(current),
            status=self._status(current),
            meeting_elapsed=sum(elapsed),
            meeting_planned=self.meeting_planned(),
            meeting_remaining=meeting_remaining,
            meeting_warning=self._meeting_warning(meeting_remaining),
            schedule_delta=self._delta(elapsed),
            elapsed=tuple(elapsed),
            planned=tuple(self.phase_planned(i) for i in range(self.phase_count)),
            extended=tuple(self.state.extended),
            start_offsets=tuple(self.phase_start_offsets()),
        )

    # --- helpers ---------------------------------------------------------

    def _check(self, index: int) -> int:
        if not 0 <= index < self.phase_count:
            raise ValueError(f"no phase {index}: the agenda has phases 0 to {self.phase_count - 1}")
        return index

    def _running_seconds(self, t: float) -> float:
        since = self.state.running_since
        return 0.0 if since is None else max(0.0, t - since)

    def _close_segment(self, t: float) -> None:
        self.state.elapsed[self.phase_index] += self._running_seconds(t)

    def _elapsed(self, t: float) -> list[float]:
        elapsed = list(self.state.elapsed)
        elapsed[self.phase_index] += self._running_seconds(t)
        return elapsed

    def _progress(self, elapsed: float) -> float:
        planned = self.phase_planned()
        if planned <= 0:
            return 1.0
        return min(1.0, max(0.0, elapsed / planned))

    def _status(self, elapsed: float) -> PhaseStatus:
        if elapsed == 0 and not self.running:
            return PhaseStatus.NOT_STARTED
        remaining = self.phase_planned() - elapsed
        if remaining <= 0:
            return PhaseStatus.OVERRUN
        if remaining <= self.WARNING_SECONDS:
            return PhaseStatus.WARNING
        return PhaseStatus.OK

    def _meeting_warning(self, remaining: float) -> bool:
        return self.started and remaining <= self.MEETING_WARNING_SECONDS

    def _delta(self, elapsed: list[float]) -> float:
        i = self.phase_index
        planned = [self.phase_planned(index) for index in range(i + 1)]
        before = sum(e - p for e, p in zip(elapsed[:i], planned[:i]))
        return before + max(0.0, elapsed[i] - planned[i])


def format_delta(seconds: float) -> str:
    """Schedule drift: '+03:10' behind, '-01:05' ahead, 'on time' within 30 s."""
    if abs(seconds) <= ON_TIME_SECONDS:
        return "on time"
    return ("+" if seconds > 0 else "-") + format_clock(seconds)


def format_planned(minutes: float, extended_seconds: float = 0.0) -> str:
    """Planned minutes with what extensions added: '25', or '25+5' after a five-minute extension."""
    extra = extended_seconds / 60
    return f"{minutes:g}+{extra:g}" if extra > 0 else f"{minutes:g}"


def format_remaining(seconds: float) -> str:
    """A phase countdown: '24:59', or '+03:10' once over time."""
    return "+" + format_clock(seconds) if seconds < 0 else format_clock(seconds)
