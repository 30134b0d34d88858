"""Data dirs full of meetings: a fixed library for exact tests, a random one for scale.

:func:`write_fixed_library` writes 30 meetings whose values follow simple rules
(documented below), so tests can compare figures with numbers worked out by
hand. :func:`write_random_library` writes any number of realistic meetings for
the scale benchmark.

Fixed library, for meeting ``k`` in 0..29 (id ``m00``..``m29``):

- created ``2026-01-02 09:00 UTC + 5k days``; impact starts the day before at 14:00
- severity ``SEVERITIES[k % 4]``; services ``[SERVICES[k % 4]]``; title ``TITLES[k % 6] #k``
- detected ``k % 5 + 1`` and resolved ``30 + k`` minutes after impact start;
  meetings 9, 19 and 29 have no milestone times at all
- one chain with root cause ``CAUSES[k % 5]``; meetings 0, 7, 14, 21, 28 add a
  "process gap" chain; meeting 3 adds a second "dependency failure" chain and
  meeting 1 an unfinished chain without a root cause
- one factor ``FISHBONE_CATEGORIES[k % 4]``, plus a "people" factor when ``k % 6 == 0``
- action items only in meetings 2, 5, 14, 20, 26 and 29: see :data:`FIXED_ACTIONS`
- meeting 7 holds the unique text "Connection pool exhausted on replica db-7"
  (timeline, 14:37), "Rollback runbook was out of date" (observation) and
  "The pool size default was copied from test config" (why)
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pmtui.model import (
    ACTION_KINDS,
    FISHBONE_CATEGORIES,
    OBSERVATION_KINDS,
    PRIORITIES,
    ROLES,
    ROOT_CAUSE_CATEGORIES,
    SEVERITIES,
    ActionItem,
    Attendee,
    ContributingFactor,
    Incident,
    Meeting,
    Observation,
    RootCause,
    TimelineEvent,
    Why,
    WhyChain,
    to_data,
)
from pmtui.store import MeetingFile

TODAY = date(2026, 6, 1)
"""The day the fixed library's figures are computed on."""

FIRST_CREATED = datetime(2026, 1, 2, 9, 0, tzinfo=UTC)
SERVICES = ("checkout-api", "search", "auth", "payments")
TITLES = (
    "Checkout errors after connection pool change",
    "Search latency spike during reindex",
    "Login failures after certificate rotation",
    "Payments outage caused by expired DNS record",
    "Queue backlog delayed order emails",
    "Cache stampede after deploy",
)
CAUSES = ("code defect", "configuration error", "capacity", "dependency failure", "monitoring gap")
COUNT = 30

FIXED_ACTIONS = {
    # id: (meeting k, priority, owner, due, status, closed on (09:00 UTC))
    "a020": (2, "high", "Priya Nair", date(2026, 2, 2), "done", date(2026, 1, 30)),
    "a021": (2, "low", "", date(2026, 4, 6), "open", None),
    "a050": (5, "critical", "Jo Okafor", date(2026, 2, 3), "open", None),
    "a051": (5, "medium", "Priya Nair", date(2026, 3, 10), "done", date(2026, 3, 8)),
    "a140": (14, "high", "Priya Nair", date(2026, 4, 3), "done", date(2026, 3, 23)),
    "a141": (14, "critical", "Lee Chen", date(2026, 3, 20), "open", None),
    "a200": (20, "medium", "Lee Chen", date(2026, 5, 24), "done", date(2026, 5, 26)),
    "a260": (26, "high", "Ana Costa", date(2026, 6, 2), "open", None),
    "a261": (26, "low", "Priya Nair", date(2026, 8, 4), "open", None),
    "a262": (26, "medium", "Ana Costa", date(2026, 7, 1), "done", date(2026, 5, 15)),
    "a290": (29, "critical", "Jo Okafor", date(2026, 6, 1), "open", None),
    "a291": (29, "medium", "Jo Okafor", None, "open", None),
}


def meeting_id(k: int) -> str:
    """The id of fixed meeting ``k``."""
    return f"m{k:02d}"


def created(k: int) -> datetime:
    """When fixed meeting ``k`` was created."""
    return FIRST_CREATED + timedelta(days=5 * k)


def fixed_meeting(k: int) -> Meeting:
    """Fixed meeting ``k`` (see the module docstring)."""
    made = created(k)
    start = (made - timedelta(days=1)).replace(hour=14)
    timed = k % 10 != 9
    incident = Incident(
        title=f"{TITLES[k % 6]} #{k}",
        severity=SEVERITIES[k % 4],
        services=[SERVICES[k % 4]],
        summary=f"Requests to {SERVICES[k % 4]} failed for {30 + k} minutes.",
        impact_start=start if timed else None,
        detected=start + timedelta(minutes=k % 5 + 1) if timed else None,
        resolved=start + timedelta(minutes=30 + k) if timed else None,
    )
    meeting = Meeting(incident, id=meeting_id(k), created=made, status="ended")
    meeting.events = [
        TimelineEvent(start + timedelta(minutes=2), f"Error rate on {SERVICES[k % 4]} climbs", "alertmanager"),
        TimelineEvent(start + timedelta(minutes=20), "Rolled back the last deploy", "on-call"),
    ]
    meeting.chains = [_chain("Requests failed", CAUSES[k % 5])]
    if k % 7 == 0:
        meeting.chains.append(_chain("Nobody reviewed the change", "process gap"))
    if k == 3:
        meeting.chains.append(_chain("The fallback also failed", "dependency failure"))
    if k == 1:
        meeting.chains.append(WhyChain("The dashboard was empty"))
    meeting.factors = [ContributingFactor(f"factor of meeting {k}", FISHBONE_CATEGORIES[k % 4])]
    if k % 6 == 0:
        meeting.factors.append(ContributingFactor("A new on-call engineer was alone", "people"))
    if k == 7:
        meeting.events.append(TimelineEvent(start.replace(minute=37), "Connection pool exhausted on replica db-7"))
        meeting.observations.append(Observation("went_poorly", "Rollback runbook was out of date"))
        meeting.chains[0].whys.append(Why("The pool size default was copied from test config"))
    meeting.actions = [_action(item_id, spec) for item_id, spec in FIXED_ACTIONS.items() if spec[0] == k]
    _number(meeting)
    return meeting


def _number(meeting: Meeting) -> None:
    """Give every item of ``meeting`` (but its action items) a fixed id and creation time."""
    for n, event in enumerate(meeting.events):
        event.id, event.created = f"{meeting.id}e{n}", meeting.created
    for n, item in enumerate(meeting.observations):
        item.id = f"{meeting.id}o{n}"
    for n, chain in enumerate(meeting.chains):
        chain.id = f"{meeting.id}c{n}"
        for m, why in enumerate(chain.whys):
            why.id = f"{chain.id}w{m}"
    for n, factor in enumerate(meeting.factors):
        factor.id = f"{meeting.id}f{n}"


def _chain(problem: str, category: str) -> WhyChain:
    return WhyChain(problem, whys=[Why("a first answer")], root_cause=RootCause(f"a {category}", category))


def _action(item_id: str, spec: tuple) -> ActionItem:
    k, priority, owner, due, status, closed = spec
    return ActionItem(
        f"Action {item_id} of meeting {k}",
        owner=owner,
        priority=priority,
        due=due,
        status=status,
        status_changed=datetime.combine(closed, FIRST_CREATED.timetz()) if closed else None,
        created=created(k),
        id=item_id,
    )


def write_meeting(data_dir: Path, meeting: Meeting) -> Path:
    """Write ``meeting`` as a new file in ``data_dir``; returns its path."""
    file = MeetingFile.create(data_dir, to_data(meeting))
    file.close()
    return file.path


def write_fixed_library(data_dir: Path) -> list[Meeting]:
    """Write the 30 fixed meetings into ``data_dir``; returns them (oldest first)."""
    meetings = [fixed_meeting(k) for k in range(COUNT)]
    for meeting in meetings:
        write_meeting(data_dir, meeting)
    return meetings


# --- random, realistic meetings ------------------------------------------------

_WORDS = (
    "checkout api database pool replica latency timeout deploy rollback config cache queue worker "
    "alert pager dashboard certificate dns retry backoff shard index memory cpu disk network "
    "load balancer canary feature flag migration schema lock contention throttling quota"
).split()
_PEOPLE = ("Priya Nair", "Jo Okafor", "Lee Chen", "Ana Costa", "Sam Rivera", "Mia Park", "Tom Berg", "")


def _sentence(rng: random.Random, low: int = 6, high: int = 16) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(low, high))).capitalize()


def random_meeting(rng: random.Random, now: datetime) -> Meeting:
    """A realistic meeting: 10-60 events, a few observations, chains, factors and actions."""
    made = now - timedelta(days=rng.uniform(0, 730))
    start = made - timedelta(days=rng.uniform(1, 10))
    incident = Incident(
        title=_sentence(rng, 4, 9),
        severity=rng.choice(SEVERITIES),
        services=rng.sample(SERVICES, rng.randint(1, 3)),
        summary=" ".join(_sentence(rng) + "." for _ in range(rng.randint(2, 5))),
        impact_start=start,
        detected=start + timedelta(minutes=rng.uniform(1, 30)),
        acknowledged=start + timedelta(minutes=rng.uniform(30, 40)),
        mitigated=start + timedelta(minutes=rng.uniform(40, 120)),
        resolved=start + timedelta(minutes=rng.uniform(120, 600)),
        users_affected=_sentence(rng, 3, 8),
    )
    meeting = Meeting(incident, created=made, status="ended")
    meeting.attendees = [Attendee(rng.choice(_PEOPLE) or "Guest", rng.choice(ROLES)) for _ in range(rng.randint(3, 8))]
    meeting.events = [
        TimelineEvent(start + timedelta(minutes=rng.uniform(0, 600)), _sentence(rng), rng.choice(_PEOPLE),
                      f"https://logs.example.com/q/{rng.randrange(10**6)}" if rng.random() < 0.3 else "")
        for _ in range(rng.randint(10, 60))
    ]
    meeting.observations = [
        Observation(rng.choice(OBSERVATION_KINDS), _sentence(rng)) for _ in range(rng.randint(2, 8))
    ]
    meeting.chains = [
        WhyChain(_sentence(rng), whys=[Why(_sentence(rng)) for _ in range(rng.randint(3, 5))],
                 root_cause=RootCause(_sentence(rng), rng.choice(ROOT_CAUSE_CATEGORIES)))
        for _ in range(rng.randint(1, 3))
    ]
    meeting.factors = [
        ContributingFactor(_sentence(rng), rng.choice(FISHBONE_CATEGORIES)) for _ in range(rng.randint(1, 4))
    ]
    meeting.actions = []
    for _ in range(rng.randint(1, 6)):
        done = rng.random() < 0.6
        meeting.actions.append(ActionItem(
            _sentence(rng, 5, 12),
            owner=rng.choice(_PEOPLE),
            priority=rng.choice(PRIORITIES),
            due=made.date() + timedelta(days=rng.randint(7, 84)),
            success_criteria=_sentence(rng, 4, 10),
            kinds=rng.sample(ACTION_KINDS, rng.randint(0, 2)),
            status="done" if done else "open",
            status_changed=made + timedelta(days=rng.uniform(1, 90)) if done else None,
            created=made,
        ))
    return meeting


def write_random_library(data_dir: Path, count: int, *, seed: int = 2026, now: datetime | None = None) -> None:
    """Write ``count`` random meetings (reproducible for a given ``seed``) into ``data_dir``."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    for _ in range(count):
        meeting = random_meeting(rng, now)
        meeting.id = f"{rng.getrandbits(32):08x}"
        write_meeting(data_dir, meeting)
