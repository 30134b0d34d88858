"""Incidents whose chart the chart tests check: the shapes a real incident takes, and random ones.

Each case is a function returning a fresh Meeting; ``CASES`` names them, ``random_meetings`` adds seeded random
milestone orders and gaps. The unit tests (tests/test_chart.py) and the real-Mermaid browser test
(tests/test_chart_browser.py) use the same meetings, so every chart a test looks at is also parsed by Mermaid.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from pmtui.model import MILESTONES, Incident, Meeting, TimelineEvent


def at(day: int, hour: int, minute: int, second: int = 0, month: int = 3, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def _meeting(incident: Incident, *events: tuple[datetime, str]) -> Meeting:
    meeting = Meeting(incident)
    meeting.events = [TimelineEvent(time, text) for time, text in events]
    return meeting


def same_day() -> Meeting:
    """Every milestone recorded within an afternoon; the first event is the impact start."""
    incident = Incident(
        "Checkout outage", impact_start=at(14, 14, 37), detected=at(14, 14, 38, 45), acknowledged=at(14, 14, 41),
        mitigated=at(14, 14, 52), resolved=at(14, 16, 5),
    )
    return _meeting(incident, (at(14, 14, 37), "Checkout errors rise"), (at(14, 14, 52), "Config rolled back"))


def gitlab_2017() -> Meeting:
    """GitLab.com's database outage of 2017-01-31 (their public post-mortem): six hours of lead-up, a one-minute
    detection, 18h46m to bring the site back, mitigated and resolved the same moment, across midnight UTC."""
    def gitlab(day: int, hour: int, minute: int) -> datetime:
        return at(day, hour, minute, month=1, year=2017) if day == 31 else at(day, hour, minute, month=2, year=2017)

    incident = Incident(
        "GitLab.com database outage", severity="SEV1", impact_start=gitlab(31, 23, 27), detected=gitlab(31, 23, 28),
        mitigated=gitlab(1, 18, 14), resolved=gitlab(1, 18, 14),
    )
    return _meeting(
        incident,
        (gitlab(31, 17, 20), "Manual LVM snapshot of the production database"),
        (gitlab(31, 19, 0), "Spam load; replication to the secondary lags"),
        (gitlab(31, 23, 0), "Replication stops; pg_basebackup retried on the secondary"),
        (gitlab(31, 23, 27), "Data directory removed on the primary instead of the secondary"),
        (gitlab(1, 0, 36), "Backups found unusable; restore from the 17:20 snapshot"),
        (gitlab(1, 18, 14), "GitLab.com back online"),
    )


def two_milestones() -> Meeting:
    """Only impact start and resolved are known: one bar over every phase."""
    return _meeting(Incident("Two times", impact_start=at(14, 9, 0), resolved=at(14, 10, 30)))


def zero_length() -> Meeting:
    """Mitigated and resolved are the same moment: recovery has no length."""
    incident = Incident("Instant recovery", impact_start=at(14, 9, 0), detected=at(14, 9, 12), mitigated=at(14, 9, 50),
                        resolved=at(14, 9, 50))
    return _meeting(incident)


def lead_up() -> Meeting:
    """A deploy two hours before the impact started."""
    incident = Incident("Slow burn", impact_start=at(14, 11, 0), detected=at(14, 11, 20), resolved=at(14, 12, 0))
    return _meeting(incident, (at(14, 9, 0), "Deploy of the new cache"), (at(14, 11, 0), "Latency alarms"))


def short() -> Meeting:
    """Three minutes from start to end: the axis needs seconds."""
    incident = Incident("Blip", impact_start=at(14, 9, 0), detected=at(14, 9, 0, 40), resolved=at(14, 9, 3))
    return _meeting(incident)


def across_midnight_in_zone() -> Meeting:
    """One day in UTC, two in the incident's zone (Los Angeles): the axis needs the date."""
    incident = Incident("Late night", tz="America/Los_Angeles", impact_start=at(15, 6, 30), detected=at(15, 6, 45),
                        resolved=at(15, 8, 15))
    return _meeting(incident)


def clocks_change() -> Meeting:
    """Berlin's clocks go forward at 01:00 UTC on 2026-03-29 during the incident."""
    incident = Incident("Daylight saving", tz="Europe/Berlin", impact_start=at(29, 0, 30), detected=at(29, 0, 40),
                        resolved=at(29, 1, 30))
    return _meeting(incident)


def out_of_order() -> Meeting:
    """Detected is recorded before impact start (a precursor alert): that phase cannot be drawn."""
    incident = Incident("Odd order", impact_start=at(14, 10, 0), detected=at(14, 9, 55), mitigated=at(14, 10, 40),
                        resolved=at(14, 11, 0))
    return _meeting(incident)


CASES = {
    case.__name__: case
    for case in (same_day, gitlab_2017, two_milestones, zero_length, lead_up, short, across_midnight_in_zone,
                 clocks_change, out_of_order)
}


def random_meetings(count: int = 40, seed: int = 15) -> list[Meeting]:
    """Meetings with a random subset of milestones at random (sometimes equal, sometimes out-of-order) times."""
    rng = random.Random(seed)
    meetings = []
    for _ in range(count):
        moment = at(1, 0, 0) + timedelta(seconds=rng.randrange(0, 400 * 86400))
        times = {}
        for name in MILESTONES:
            moment += timedelta(seconds=rng.choice([0, 1, 59, 61, 3600, rng.randrange(-600, 3 * 86400)]))
            if rng.random() < 0.7:
                times[name] = moment
        tz = rng.choice(["UTC", "Europe/Berlin", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham"])
        first = next(iter(times.values()), moment) - timedelta(seconds=rng.randrange(-3600, 8 * 3600))
        meetings.append(_meeting(Incident("Random", tz=tz, **times), (first, "First event")))
    return meetings
