"""Adding an entry costs O(1) or O(log n) in the meeting's size: nothing walks the whole timeline per add.

The timeline is swapped for a list that counts how often it is walked; a burst of adds may walk it a
few times in all (a snapshot, the gap rows, the hints), never once per add. How long a burst of
10,000 entries holds the facilitator's loop is measured in benchmarks/burst.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import FixedClock, create_meeting, until
from pmtui.agenda import resolve_agenda
from pmtui.analysis.metrics import TimelineOrder, timeline_gaps
from pmtui.entry_grammar import parse_event_line
from pmtui.model import Incident, Meeting, TimelineEvent, to_data
from pmtui.session import MeetingSession
from pmtui.tui.app import make_app
from pmtui.tui.views.timeline import TimelineView

FIXED = 1_795_000_000.0
START = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
ADDS = 200


class CountedTimeline(list):
    """Timeline events that count the walks over all of them (``for``, ``min``, ``sorted``…)."""

    walks = 0

    def __iter__(self):
        self.walks += 1
        return super().__iter__()


def seeded(count: int) -> Meeting:
    """A meeting whose incident has no start or detection time, so its date comes from the events."""
    meeting = Meeting(Incident("Checkout errors"), id="burst001", created=START)
    meeting.events = [TimelineEvent(START + timedelta(seconds=7 * i), f"seeded {i}", id=f"s{i}") for i in range(count)]
    meeting.clock.phase_index = 1
    return meeting


def count_walks(meeting: Meeting) -> CountedTimeline:
    meeting.events = timeline = CountedTimeline(meeting.events)
    return timeline


def test_a_typed_line_is_added_without_walking_the_timeline():
    session = MeetingSession(seeded(2000), resolve_agenda("standard-90"))
    session.incident_date()  # the earliest event is found once
    timeline = count_walks(session.meeting)
    for n in range(ADDS):
        line = f"{8 + n % 3}:{n % 60:02d} entry {n} | lee"  # some earlier than every event so far
        entry = parse_event_line(line, tz=session.meeting.incident.tz, on=session.incident_date())
        event = session.add_event(entry.time, entry.description, entry.actor, author="Lee", id=f"c{n}")
        assert session.find_event(event.id) is event
        session.parse_time("10:00")
    assert timeline.walks == 0
    assert session.incident_date() == min(e.time for e in session.meeting.events).date()


def test_the_earliest_event_follows_edits_and_deletions():
    session = MeetingSession(seeded(3), resolve_agenda("standard-90"))
    assert session.incident_date() == START.date()
    earlier = session.add_event(START - timedelta(days=1), "the day before")
    assert session.incident_date() == (START - timedelta(days=1)).date()
    session.update_event(earlier.id, time=START + timedelta(days=2))
    assert session.incident_date() == START.date()
    for event_id in ("s0", "s1", "s2"):
        session.delete_event(event_id)
    assert session.incident_date() == (START + timedelta(days=2)).date()


async def test_a_burst_of_adds_walks_the_timeline_a_few_times_not_once_per_add(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, seeded(2000)), now=FixedClock(FIXED))
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            view = app.screen.query_one(TimelineView)
            view.guidance.check_now()
            await pilot.pause()
            timeline = count_walks(app.session.meeting)
            for n in range(ADDS):
                app.session.add_event(START + timedelta(seconds=7 * n + 3), f"note-taker entry {n}",
                                      author="Lee", id=f"c{n}")
            await until(pilot, lambda: view.table.row_count == 2000 + ADDS,  # rows go in 5 ms slices: a loaded
                        "every added row in the table", timeout=30)  # machine needs more than one pause for 200
            view.guidance.check_now()
            assert timeline.walks <= 10, f"{timeline.walks} walks over the timeline for {ADDS} adds"
    finally:
        app.close_session()


def test_snapshots_follow_the_timeline_through_adds_edits_deletions_and_imports(tmp_path):
    session = MeetingSession.create(tmp_path, Incident("Checkout errors"))
    try:
        saver = session.saver
        session.defer_saves(lambda snapshot: None)  # snapshots are taken by hand below

        def add(n: int) -> TimelineEvent:
            return session.add_event(START + timedelta(minutes=n), f"entry {n}", author="Lee", id=f"c{n}")

        def saved_events() -> list:
            return saver.data()["events"]

        for n in range(5):
            add(n)
        assert saved_events() == to_data(session.meeting.events)
        timeline = count_walks(session.meeting)
        for n in range(5, 50):
            add(n)
        saved = saved_events()
        assert timeline.walks == 0  # the new events' saved forms were appended
        assert saved == to_data(session.meeting.events)
        session.delete_event("c3")
        add(50)
        assert saved_events() == to_data(session.meeting.events)
        session.update_event("c7", description="entry seven, reworded")
        add(51)
        assert saved_events() == to_data(session.meeting.events)
        session.import_events([TimelineEvent(START, "imported", id="i1")])
        add(52)
        assert saved_events() == to_data(session.meeting.events)
        session.meeting.events.append(TimelineEvent(START, "put in by hand", id="h1"))
        add(53)
        assert saved_events() == to_data(session.meeting.events)
    finally:
        session.close()


@settings(deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["add", "move", "delete"]), st.integers(0, 30), st.integers(0, 120)),
                max_size=60))
def test_the_gaps_kept_as_events_come_move_and_go_are_the_gaps_of_the_whole_timeline(operations):
    events = [TimelineEvent(START + timedelta(minutes=15 * i), "seed", id=f"s{i}") for i in range(3)]
    order = TimelineOrder(events)
    for step, (op, pick, minutes) in enumerate(operations):
        moment = START + timedelta(minutes=minutes)
        if op == "add" or not events:
            events.append(TimelineEvent(moment, "new", id=f"e{step}"))
            order.place(events[-1].id, moment)
        elif op == "move":
            event = events[pick % len(events)]
            event.time = moment
            order.place(event.id, moment)
        else:
            order.remove(events.pop(pick % len(events)).id)
        expected = {gap.before_id: gap for gap in timeline_gaps(events)}
        assert {e.id: order.gap_before(e.id) for e in events} == {e.id: expected.get(e.id) for e in events}
