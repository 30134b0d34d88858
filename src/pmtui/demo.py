"""A built-in example meeting, for trying pmtui without an incident of your own."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from .model import (
    ActionItem,
    Attendee,
    ClockState,
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
from .store import MeetingFile

_DAY = datetime(2026, 11, 17, tzinfo=UTC)

_EVENTS = [
    (
        "14:30:12", "Deploy of checkout-api v2.31 starts (connection pool size lowered from 50 to 5)",
        "deploy bot", "https://ci.example.com/runs/8812", False,
    ),
    (
        "14:37:00", "Checkout error rate starts climbing (impact start)",
        "checkout-api", "https://grafana.example.com/d/checkout", False,
    ),
    (
        "14:38:45", "Error-rate alert pages the on-call engineer",
        "alertmanager", "https://alerts.example.com/a/5521", False,
    ),
    ("14:41:10", "On-call acknowledges the page and opens the incident channel", "priya", "", False),
    (
        "14:46:30", "Database looks healthy; connection pool exhaustion errors found in logs",
        "priya", "https://logs.example.com/q/pool", False,
    ),
    ("14:49:05", "Roll back to v2.30 instead of raising the pool size live", "incident commander", "", True),
    ("14:52:40", "Rollback complete; error rate falling", "deploy bot", "https://ci.example.com/runs/8815", False),
    (
        "15:00:00", "Error rate back to baseline; incident resolved",
        "priya", "https://grafana.example.com/d/checkout", False,
    ),
]


def demo_meeting(now: float | None = None) -> Meeting:
    """An example SEV2 post-mortem, part-way through its timeline phase."""
    now = time.time() if now is None else now
    at = {t: datetime.combine(_DAY.date(), datetime.strptime(t, "%H:%M:%S").time(), UTC) for t, *_ in _EVENTS}
    incident = Incident(
        title="Checkout errors after connection pool change",
        severity="SEV2",
        services=["checkout-api", "payments"],
        summary=(
            "For 23 minutes about 18% of checkout requests failed. A configuration change in "
            "checkout-api v2.31 lowered the database connection pool from 50 to 5; under "
            "afternoon load requests queued for a connection and timed out."
        ),
        impact_start=at["14:37:00"],
        detected=at["14:38:45"],
        acknowledged=at["14:41:10"],
        mitigated=at["14:52:40"],
        resolved=at["15:00:00"],
        users_affected="about 4,100 customers saw a failed checkout",
        slo_impact="checkout availability 99.2% for the day (SLO 99.9%); 61% of the monthly error budget",
        detection_method="error-rate alert",
    )
    meeting = Meeting(incident=incident, agenda="standard-90", created=_DAY + timedelta(days=2))
    meeting.attendees = [
        Attendee("Sam Rivera", "facilitator"),
        Attendee("Lee Chen", "note-taker"),
        Attendee("Priya Nair", "responder"),
        Attendee("Jo Okafor", "incident commander"),
        Attendee("Ana Costa", "stakeholder"),
    ]
    meeting.events = [
        TimelineEvent(at[t], text, actor, evidence, speaker="Lee Chen", decision_point=decision)
        for t, text, actor, evidence, decision in _EVENTS
    ]
    meeting.observations = [
        Observation("went_well", "The error-rate alert paged within two minutes of impact", speaker="Priya Nair"),
        Observation("went_well", "Rollback was one command and took under four minutes", speaker="Jo Okafor"),
        Observation("went_poorly", "The pool size change was not visible in the deploy diff summary",
                    speaker="Priya Nair"),
        Observation("lucky", "The change went out before the evening peak, not during it", speaker="Ana Costa"),
    ]
    chain = WhyChain(
        "Checkout requests failed for 23 minutes",
        whys=[
            Why("Requests timed out waiting for a database connection"),
            Why("The connection pool was lowered from 50 to 5 in v2.31"),
            Why("A test configuration value was copied into the production config"),
            Why("Production and test settings live in one file with no per-environment check"),
        ],
        root_cause=RootCause(
            "Configuration for all environments lives in one file and nothing validates production values",
            "configuration error",
        ),
    )
    meeting.chains = [chain]
    meeting.factors = [
        ContributingFactor("Deploy diff summary hides config changes", "technology"),
        ContributingFactor("Friday afternoon release with a reduced review rota", "process"),
    ]
    meeting.actions = [
        ActionItem(
            "Validate production connection pool settings against a minimum in CI",
            owner="Priya Nair",
            priority="high",
            due=date(2026, 12, 10),
            success_criteria="A pool size below 20 fails the production config check",
            kinds=["prevents recurrence"],
            root_cause_id=chain.id,
        ),
    ]
    meeting.clock = ClockState(
        phase_index=1,
        running_since=now,
        elapsed=[290.0, 420.0, 0.0, 0.0, 0.0, 0.0],
        extended=[0.0] * 6,
        started_at=now - 710,
    )
    return meeting


def create_demo(data_dir: Path) -> str:
    """Write the demo meeting into ``data_dir``; returns its id."""
    meeting = demo_meeting()
    MeetingFile.create(data_dir, to_data(meeting)).close()
    return meeting.id
