"""A built-in example meeting, for trying pmtui without an incident of your own."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from .agenda import resolve_agenda
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


_SECTIONS = {
    "summary": """\
On 17 November 2026, from 14:37 to 15:00 UTC, about 18% of checkout requests failed and some 4,100 customers
saw an error instead of an order confirmation. Release v2.31 of checkout-api lowered its database connection
pool from 50 to 5; under afternoon load, requests queued for a connection and timed out. Rolling back to v2.30
ended the errors within four minutes of the decision. We are adding a production check for pool settings and
making configuration changes visible in the deploy summary.""",
    "background": """\
checkout-api takes every order on the web shop and the apps. Each instance keeps a pool of connections to
the `orders` PostgreSQL cluster; a request that cannot get a connection within 2 seconds fails with a 503.

Its settings for every environment live in one file, `config/settings.yaml`, with a section per environment.
The deploy pipeline summarises each release's code diff for the reviewer, but not changes to that file.""",
    "narrative": """\
At 14:30 the deploy bot rolled out v2.31, a release with two small features and one configuration change:
`db.pool_size` went from 50 to 5. The value had been lowered for a load test in the test section of the file
and was copied into the production section in the same commit. The reviewer saw the features in the diff
summary; the configuration change was not in it.

Traffic was normal for the early afternoon. By 14:37 the five connections per instance were not enough:
requests waited for a connection, and those that waited longer than two seconds failed. The error rate on
checkout climbed to 18%.

The error-rate alert paged Priya at 14:38. She acknowledged at 14:41 and opened the incident channel. The
database looked healthy — CPU and connections well below their limits — which pointed away from the cluster
and towards the service. At 14:46 the logs showed `pool exhausted` errors, and the release note of v2.31 showed
the pool change.

At 14:49 Jo, as incident commander, chose to roll back to v2.30 rather than raise the pool size on the running
instances: a rollback was one tested command, a live change was not. The rollback finished at 14:52 and the
error rate fell back to its baseline by 15:00.""",
    "detection": """\
The error-rate alert fired 1 minute 45 seconds after impact began and paged the right person: detection
worked as designed. What would have caught the problem before customers did is a check on the configuration
itself — nothing compared the production pool size with what production needs.""",
    "response": """\
- **Diagnosis took nine minutes.** Looking at the database first was reasonable, since timeouts usually start
  there; the pool errors were in the service's logs all along, but not on its dashboard.
- **Rollback was the right tool.** It was rehearsed, took under four minutes and needed no new decision about
  the right pool size under pressure.
- **What was in the way:** the incident channel had no link to the release that had just gone out, so the
  change was found by reading the release notes by hand.""",
    "communication": """\
The status page said "Checkout errors — investigating" at 14:44 and "Resolved" at 15:05. Customer support
got a short note at 14:50 with the wording to use, and the 212 customers who contacted support received an
apology and a 10% voucher the next day.""",
    "impact": """\
No data was lost: failed checkouts were never charged, and no order was half-written. About 4,100 customers
saw at least one failed checkout; 61% of them completed their order later the same day. The day's checkout
availability was 99.2% against an SLO of 99.9%, using 61% of the month's error budget.""",
    "lessons": """\
1. A configuration change is a code change: it needs the same visibility in review and the same checks.
2. Values that only make sense in one environment should not be one copy-and-paste away from another.
3. A practised rollback buys time to understand a problem without customers paying for it.""",
    "supporting": """\
- [Checkout error-rate dashboard](https://grafana.example.com/d/checkout)
- [Deploy of v2.31](https://ci.example.com/runs/8812) and [the rollback](https://ci.example.com/runs/8815)
- [Log query: pool exhaustion](https://logs.example.com/q/pool)""",
}


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
    meeting.sections = dict(_SECTIONS)
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
            link="https://tracker.example.com/browse/CHK-412",
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
    """Write the demo meeting into ``data_dir``, with its agenda's copy as ``pmtui new`` keeps one; returns its id."""
    meeting = demo_meeting()
    meeting.agenda_source = resolve_agenda(meeting.agenda).text
    MeetingFile.create(data_dir, to_data(meeting)).close()
    return meeting.id
