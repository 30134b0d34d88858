"""A realistic N-event meeting for the benchmarks, in memory or as a meeting file."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pmtui.model import (
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

TITLE = "Checkout errors after connection pool change"
START = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
TIMELINE_PHASE = 1  # standard-90: safety, timeline, …
_ACTORS = ("priya", "deploy bot", "alertmanager", "checkout-api", "incident commander", "support")
_WORDS = ("checkout", "errors", "pool", "connections", "rollback", "latency", "alert", "pages", "on-call",
          "database", "replica", "timeout", "deploy", "dashboard", "queue", "retries", "customers", "config")


def make_meeting(events: int, *, seed: int = 7, phase: int = TIMELINE_PHASE) -> Meeting:
    """A meeting with ``events`` timeline events (about 20 s apart) and a little of everything else."""
    rng = random.Random(seed)
    meeting = Meeting(
        Incident(TITLE, severity="SEV2", services=["checkout-api", "payments"], summary="Checkout failed for 23 min.",
                 impact_start=START, detected=START + timedelta(minutes=2), resolved=START + timedelta(hours=3)),
        id=f"bench{events:05d}",
        created=START,
        attendees=[Attendee("Ana", "facilitator"), Attendee("Bo", "note-taker"), Attendee("Priya")],
    )
    for i in range(events):
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(4, 12)))
        meeting.events.append(TimelineEvent(
            START + timedelta(seconds=20 * i), f"step {i}: {words}", rng.choice(_ACTORS),
            f"https://grafana.example.com/d/{i}" if i % 3 == 0 else "", author="Ana",
            decision_point=i % 50 == 0, id=f"ev{i:05d}", created=START,
        ))
    meeting.observations = [Observation(kind, f"{kind} note {i}", "Bo") for i in range(5)
                            for kind in ("went_well", "went_poorly", "lucky")]
    meeting.chains = [WhyChain("Checkout failed", [Why(f"because {i}") for i in range(5)],
                               RootCause("pool size lowered without load test", "configuration error"))]
    meeting.factors = [ContributingFactor("No load test for config changes", "process")]
    meeting.actions = [ActionItem(f"Action {i}", "priya", "high", START.date() + timedelta(days=21),
                                  "alert fires in staging", ["prevents recurrence"], created=START) for i in range(10)]
    meeting.clock.phase_index = phase
    return meeting


def write_meeting(data_dir: Path, events: int, **kwargs: object) -> str:
    """Write :func:`make_meeting` into ``data_dir``; returns its id."""
    meeting = make_meeting(events, **kwargs)
    MeetingFile.create(Path(data_dir), to_data(meeting)).close()
    return meeting.id
