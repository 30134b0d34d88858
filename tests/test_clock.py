"""Phase timing over a fake clock: no sleeping, time moves when the test says."""

from __future__ import annotations

import copy

import pytest

from helpers import FixedClock
from pmtui.clock import MeetingClock, PhaseStatus, format_delta, format_planned, format_remaining
from pmtui.model import ClockState

T0 = 1_700_000_000.0


@pytest.fixture
def fake() -> FixedClock:
    return FixedClock(T0)


def make(fake: FixedClock, planned=(25, 10, 15), state: ClockState | None = None) -> MeetingClock:
    return MeetingClock(list(planned), state if state is not None else ClockState(), now=fake)


def started(fake: FixedClock, planned=(25, 10, 15)) -> MeetingClock:
    clock = make(fake, planned)
    clock.start()
    return clock


# --- countdown and status ---------------------------------------------------


def test_fresh_clock_is_not_started(fake):
    clock = make(fake)
    assert not clock.started and not clock.running
    assert clock.status() is PhaseStatus.NOT_STARTED
    assert clock.remaining() == 25 * 60
    assert clock.phase_elapsed() == 0
    fake.advance(600)
    assert clock.remaining() == 25 * 60


def test_countdown(fake):
    clock = started(fake)
    assert clock.started and clock.running
    assert clock.state.started_at == T0
    fake.advance(1)
    assert clock.remaining() == 25 * 60 - 1
    assert format_remaining(clock.remaining()) == "24:59"
    assert clock.status() is PhaseStatus.OK


def test_warning_at_two_minutes(fake):
    clock = started(fake)
    fake.advance(23 * 60 - 1)
    assert clock.status() is PhaseStatus.OK
    fake.advance(1)
    assert clock.remaining() == 120
    assert clock.status() is PhaseStatus.WARNING
    fake.advance(119)
    assert clock.status() is PhaseStatus.WARNING


def test_overrun_after_planned_time(fake):
    clock = started(fake)
    fake.advance(25 * 60)
    assert clock.status() is PhaseStatus.OVERRUN
    assert clock.overrun() == 0
    fake.advance(60)
    assert clock.remaining() == -60
    assert clock.overrun() == 60
    assert clock.status() is PhaseStatus.OVERRUN
    assert format_remaining(clock.remaining()) == "+01:00"


def test_paused_phase_with_time_is_not_not_started(fake):
    clock = started(fake)
    fake.advance(30)
    clock.pause()
    assert clock.status() is PhaseStatus.OK


def test_progress_clamps(fake):
    clock = started(fake, planned=(10,))
    assert clock.progress() == 0.0
    fake.advance(150)
    assert clock.progress() == pytest.approx(0.25)
    fake.advance(3600)
    assert clock.progress() == 1.0


def test_progress_of_zero_minute_phase_is_full(fake):
    clock = make(fake, planned=(0, 5))
    assert clock.progress() == 1.0


def test_start_is_a_no_op_while_running(fake):
    clock = started(fake)
    fake.advance(90)
    clock.start()
    fake.advance(10)
    assert clock.phase_elapsed() == 100
    assert clock.state.started_at == T0


# --- pause, resume, restart -------------------------------------------------


def test_pause_stops_time_and_resume_continues(fake):
    clock = started(fake)
    fake.advance(60)
    clock.pause()
    assert not clock.running
    assert clock.state.running_since is None
    assert clock.state.elapsed[0] == 60
    fake.advance(600)
    assert clock.phase_elapsed() == 60
    clock.start()
    fake.advance(30)
    assert clock.phase_elapsed() == 90
    assert clock.state.started_at == T0


def test_toggle(fake):
    clock = make(fake)
    assert clock.toggle() is True
    fake.advance(10)
    assert clock.toggle() is False
    fake.advance(100)
    assert clock.toggle() is True
    fake.advance(5)
    assert clock.phase_elapsed() == 15


def test_toggle_before_start_starts(fake):
    clock = make(fake)
    assert clock.toggle() is True
    assert clock.running and clock.state.started_at == T0


def test_pause_when_not_running_is_a_no_op(fake):
    clock = make(fake)
    clock.pause()
    assert clock.state == ClockState(elapsed=[0.0] * 3, extended=[0.0] * 3)


@pytest.mark.parametrize("share", [False, True], ids=["deep copy", "same object"])
def test_restart_while_paused_counts_nothing(fake, share):
    clock = started(fake)
    fake.advance(120)
    clock.next()
    fake.advance(45)
    clock.pause()
    state = clock.state if share else copy.deepcopy(clock.state)

    fake.advance(3600)  # the process is gone for an hour
    again = make(fake, state=state)
    assert not again.running and again.started
    assert again.phase_index == 1
    assert again.phase_elapsed(0) == 120
    assert again.phase_elapsed() == 45
    again.start()
    fake.advance(15)
    assert again.phase_elapsed() == 60


@pytest.mark.parametrize("share", [False, True], ids=["deep copy", "same object"])
def test_restart_while_running_counts_the_gap(fake, share):
    clock = started(fake)
    fake.advance(120)
    state = clock.state if share else copy.deepcopy(clock.state)

    fake.advance(300)  # the meeting went on while the app was down
    again = make(fake, state=state)
    assert again.running
    assert again.phase_elapsed() == 420
    again.pause()
    assert again.state.elapsed[0] == 420


# --- extend ----------------------------------------------------------------


def test_extend_five_minutes_and_one_minute(fake):
    clock = started(fake)
    fake.advance(25 * 60 + 30)
    assert clock.status() is PhaseStatus.OVERRUN
    clock.extend(5 * 60)
    assert clock.phase_planned() == 30 * 60
    assert clock.remaining() == 270
    assert clock.status() is PhaseStatus.OK
    clock.extend(60)
    assert clock.phase_planned() == 31 * 60
    assert clock.remaining() == 330
    assert clock.state.extended == [360.0, 0.0, 0.0]


def test_an_extension_is_part_of_the_meeting_plan(fake):
    clock = started(fake)
    clock.extend(300)
    assert clock.meeting_planned() == 55 * 60
    assert clock.phase_start_offsets() == [0.0, 1800.0, 2400.0]
    assert clock.extended() == 300 and clock.extended(1) == 0
    assert clock.snapshot().extended == (300.0, 0.0, 0.0)


def test_format_planned_shows_extensions():
    assert format_planned(25) == "25"
    assert format_planned(25, 300) == "25+5"
    assert format_planned(7.5, 90) == "7.5+1.5"


@pytest.mark.parametrize("seconds", [0, -60, float("nan"), float("inf")])
def test_extend_rejects_non_positive(fake, seconds):
    clock = started(fake)
    with pytest.raises(ValueError):
        clock.extend(seconds)
    assert clock.state.extended == [0.0, 0.0, 0.0]


# --- moving between phases ---------------------------------------------------


def test_next_and_previous_stop_at_the_ends(fake):
    clock = make(fake)
    assert clock.previous() is False
    assert clock.phase_index == 0
    assert clock.next() is True
    assert clock.next() is True
    assert clock.next() is False
    assert clock.phase_index == 2
    assert clock.phase_count == 3


def test_go_to_out_of_range(fake):
    clock = make(fake)
    for index in (-1, 3, 99):
        with pytest.raises(ValueError):
            clock.go_to(index)
    assert clock.phase_index == 0
    with pytest.raises(ValueError):
        clock.phase_elapsed(3)
    with pytest.raises(ValueError):
        clock.phase_planned(-1)


def test_go_to_closes_the_segment_and_keeps_running(fake):
    clock = started(fake)
    fake.advance(100)
    clock.go_to(2)
    assert clock.running
    assert clock.state.elapsed == [100.0, 0.0, 0.0]
    assert clock.state.running_since == fake.t
    fake.advance(20)
    assert clock.phase_elapsed() == 20
    assert clock.phase_elapsed(0) == 100


def test_go_to_while_paused_stays_paused(fake):
    clock = started(fake)
    fake.advance(100)
    clock.pause()
    clock.go_to(1)
    fake.advance(50)
    assert not clock.running
    assert clock.phase_elapsed() == 0
    assert clock.status() is PhaseStatus.NOT_STARTED


def test_going_back_keeps_elapsed_and_accumulates(fake):
    clock = started(fake)
    fake.advance(300)
    clock.next()
    fake.advance(60)
    assert clock.previous() is True
    assert clock.phase_elapsed() == 300
    fake.advance(40)
    assert clock.phase_elapsed() == 340
    assert clock.phase_elapsed(1) == 60
    clock.next()
    fake.advance(10)
    assert clock.phase_elapsed(1) == 70
    assert clock.phase_elapsed(0) == 340


# --- the whole meeting -----------------------------------------------------


def test_meeting_elapsed_planned_remaining(fake):
    clock = started(fake)
    fake.advance(20 * 60)
    clock.next()
    fake.advance(5 * 60)
    clock.pause()
    fake.advance(999)
    assert clock.meeting_planned() == 50 * 60
    assert clock.meeting_elapsed() == 25 * 60
    assert clock.meeting_remaining() == 25 * 60


def test_meeting_warning_five_minutes_before_end(fake):
    clock = make(fake, planned=(5,))
    assert not clock.meeting_warning()  # not started yet
    clock.start()
    fake.advance(1)
    assert clock.meeting_warning()

    clock = started(fake)
    fake.advance(25 * 60)
    clock.next()
    fake.advance(10 * 60)
    clock.next()
    fake.advance(10 * 60 - 1)
    assert not clock.meeting_warning()
    fake.advance(1)
    assert clock.meeting_remaining() == 300
    assert clock.meeting_warning()
    fake.advance(600)
    assert clock.meeting_remaining() == -300
    assert clock.meeting_warning()


def test_schedule_delta_behind(fake):
    clock = started(fake)
    fake.advance(28 * 60)  # 3 minutes over while still in phase 0
    assert clock.schedule_delta() == 180
    clock.next()
    fake.advance(10)
    assert clock.schedule_delta() == 180
    assert format_delta(clock.schedule_delta()) == "+03:00"


def test_schedule_delta_ahead(fake):
    clock = started(fake)
    fake.advance(20 * 60)
    clock.next()
    fake.advance(9 * 60)
    assert clock.schedule_delta() == -300
    fake.advance(2 * 60)  # phase 1 now 1 minute over
    assert clock.schedule_delta() == -240
    assert format_delta(clock.schedule_delta()) == "-04:00"


def test_schedule_delta_counts_against_the_extended_plan(fake):
    clock = started(fake)
    clock.extend(300)
    fake.advance(27 * 60)
    assert clock.overrun() == 0
    assert clock.schedule_delta() == 0
    fake.advance(4 * 60)  # 31 minutes of 25+5
    assert clock.schedule_delta() == 60
    clock.next()
    assert clock.schedule_delta() == 60


def test_phase_start_offsets(fake):
    assert make(fake).phase_start_offsets() == [0.0, 1500.0, 2100.0]
    assert make(fake, planned=(7.5,)).phase_start_offsets() == [0.0]


# --- state normalisation -----------------------------------------------------


def test_state_with_fewer_phases_is_padded(fake):
    state = ClockState(phase_index=1, elapsed=[60.0, 30.0], extended=[120.0])
    clock = make(fake, planned=(5, 5, 5, 5), state=state)
    assert state.elapsed == [60.0, 30.0, 0.0, 0.0]
    assert state.extended == [120.0, 0.0, 0.0, 0.0]
    assert clock.phase_elapsed(3) == 0
    assert clock.phase_planned(0) == 420


def test_state_with_more_phases_is_trimmed_and_index_clamped(fake):
    state = ClockState(phase_index=7, elapsed=[1.0, 2.0, 3.0], extended=[0.0] * 3)
    clock = make(fake, planned=(5, 5), state=state)
    assert state.elapsed == [1.0, 2.0]
    assert clock.phase_index == 1
    assert make(fake, state=ClockState(phase_index=-2)).phase_index == 0


def test_empty_agenda_is_rejected(fake):
    with pytest.raises(ValueError):
        make(fake, planned=())


# --- snapshot --------------------------------------------------------------


def test_snapshot_reads_now_once_and_matches_the_methods(fake):
    clock = started(fake)
    fake.advance(26 * 60)
    clock.next()
    fake.advance(9 * 60)
    fake.reads = 0
    snap = clock.snapshot()
    assert fake.reads == 1
    assert snap.now == fake.t
    assert snap.phase_index == 1 and snap.phase_count == 3
    assert snap.running and snap.started
    assert snap.phase_elapsed == clock.phase_elapsed() == 540
    assert snap.phase_planned == clock.phase_planned() == 600
    assert snap.remaining == clock.remaining() == 60
    assert snap.overrun == clock.overrun() == 0
    assert snap.progress == clock.progress() == pytest.approx(0.9)
    assert snap.status is clock.status() is PhaseStatus.WARNING
    assert snap.meeting_elapsed == clock.meeting_elapsed() == 35 * 60
    assert snap.meeting_planned == clock.meeting_planned() == 50 * 60
    assert snap.meeting_remaining == clock.meeting_remaining() == 15 * 60
    assert snap.meeting_warning is clock.meeting_warning() is False
    assert snap.schedule_delta == clock.schedule_delta() == 60
    assert snap.elapsed == (1560.0, 540.0, 0.0)
    assert snap.planned == (1500.0, 600.0, 900.0)
    assert snap.start_offsets == (0.0, 1500.0, 2100.0)


def test_snapshot_is_frozen(fake):
    snap = make(fake).snapshot()
    with pytest.raises(AttributeError):
        snap.remaining = 0  # type: ignore[misc]


def test_queries_read_now_once(fake):
    clock = started(fake)
    for query in (clock.remaining, clock.overrun, clock.meeting_remaining, clock.schedule_delta, clock.status):
        fake.reads = 0
        query()
        assert fake.reads == 1, query.__name__


# --- formatting ------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "on time"), (30, "on time"), (-30, "on time"), (31, "+00:31"), (190, "+03:10"), (-65, "-01:05")],
)
def test_format_delta(seconds, text):
    assert format_delta(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(1500, "25:00"), (1499, "24:59"), (0, "00:00"), (-60, "+01:00"), (-190, "+03:10")],
)
def test_format_remaining(seconds, text):
    assert format_remaining(seconds) == text
