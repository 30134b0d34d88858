"""The post-mortem quality checklist, and the notes the severity policy asks for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..model import Meeting
from ..timeparse import local
from .action_scores import ActionScore, action_scores
from .depth import DepthFlag, depth_flags
from .findings import Finding, meeting_findings

EVIDENCE_SHARE = 0.5
TIMELY_DAYS = 7
REQUIRES_POSTMORTEM = ("SEV1", "SEV2")


@dataclass(frozen=True)
class CheckItem:
    """One checklist item: whether the post-mortem passes it, and why."""

    name: str
    passed: bool
    reason: str


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _blameless(findings: list[Finding]) -> CheckItem:
    if not findings:
        return CheckItem("Blameless", True, "No blame or hindsight phrasing found.")
    first = findings[0]
    reason = f"{_plural(len(findings), 'finding')} to reword or dismiss, first in {first.where}: '{first.excerpt}'."
    return CheckItem("Blameless", False, reason)


def _timeline(meeting: Meeting) -> CheckItem:
    incident = meeting.incident
    end = incident.resolved or incident.mitigated
    moments = (("detection", incident.detected), ("resolution or mitigation", end))
    missing = [label for label, moment in moments if moment is None]
    if missing:
        return CheckItem("Timeline complete", False, f"Record the {' and the '.join(missing)} time.")
    response = [e for e in meeting.events if incident.detected < e.time < end]
    if not response:
        return CheckItem("Timeline complete", False, "No response events between detection and resolution.")
    closing = "resolution" if incident.resolved else "mitigation"
    return CheckItem(
        "Timeline complete", True, f"Detection, {_plural(len(response), 'response event')} and {closing} are recorded."
    )


def _root_causes(meeting: Meeting, flags: list[DepthFlag]) -> CheckItem:
    name = "Root causes are systemic"
    if not meeting.chains:
        return CheckItem(name, False, "No Five Whys chain yet.")
    open_chains = [str(n) for n, c in enumerate(meeting.chains, 1) if not (c.root_cause and c.root_cause.text.strip())]
    if open_chains:
        return CheckItem(name, False, f"No root cause yet in chain {', '.join(open_chains)}.")
    if flags:
        first = flags[0]
        return CheckItem(name, False, f"{_plural(len(flags), 'depth flag')}, first in {first.where}: {first.message}")
    subject = "The chain reaches" if len(meeting.chains) == 1 else f"All {len(meeting.chains)} chains reach"
    return CheckItem(name, True, f"{subject} a systemic root cause with an action.")


def _factors(meeting: Meeting) -> CheckItem:
    count = len(meeting.factors)
    reason = f"{_plural(count, 'contributing factor')} recorded." if count else "No contributing factors recorded."
    return CheckItem("Contributing factors listed", bool(count), reason)


def _actions(scores: list[ActionScore]) -> CheckItem:
    name = "Action items specific"
    if not scores:
        return CheckItem(name, False, "No action items agreed yet.")
    weak = [s for s in scores if s.issues]
    if weak:
        first = weak[0]
        reason = f"{len(weak)} of {len(scores)} need work; {first.where}: {first.issues[0].message}"
        return CheckItem(name, False, reason)
    subject = "The action item has" if len(scores) == 1 else f"All {len(scores)} action items have"
    return CheckItem(name, True, f"{subject} an owner, a due date and success criteria.")


def _evidence(meeting: Meeting) -> CheckItem:
    events = meeting.events
    if not events:
        return CheckItem("Evidence linked", False, "No timeline events yet.")
    linked = sum(bool(e.evidence.strip()) for e in events)
    share = linked / len(events)
    reason = f"{linked} of {len(events)} timeline events ({share:.0%}) link evidence; "
    reason += f"the aim is {EVIDENCE_SHARE:.0%} or more."
    return CheckItem("Evidence linked", share >= EVIDENCE_SHARE, reason)


def _learning(meeting: Meeting) -> CheckItem:
    well = sum(o.kind == "went_well" for o in meeting.observations)
    poorly = sum(o.kind == "went_poorly" for o in meeting.observations)
    reason = f"{well} went well, {poorly} went poorly."
    if not (well and poorly):
        reason += " Record at least one of each."
    return CheckItem("Learning captured", bool(well and poorly), reason)


def quality_checklist(
    meeting: Meeting,
    *,
    findings: list[Finding] | None = None,
    flags: list[DepthFlag] | None = None,
    scores: list[ActionScore] | None = None,
) -> list[CheckItem]:
    """The seven quality checks of a post-mortem, in order.

    ``findings`` (undismissed), ``flags`` and ``scores`` are computed from
    ``meeting`` unless the caller already has them.
    """
    return [
        _blameless(meeting_findings(meeting) if findings is None else findings),
        _timeline(meeting),
        _root_causes(meeting, depth_flags(meeting) if flags is None else flags),
        _factors(meeting),
        _actions(action_scores(meeting) if scores is None else scores),
        _evidence(meeting),
        _learning(meeting),
    ]


def severity_policy(meeting: Meeting, today: date | None = None) -> list[str]:
    """What the severity policy says about this post-mortem.

    SEV1 and SEV2 require a post-mortem; it should be held within
    :data:`TIMELY_DAYS` days of resolution (by the meeting's created date) and,
    for those severities, published within as many days (as of ``today``).
    """
    incident = meeting.incident
    notes = []
    required = incident.severity in REQUIRES_POSTMORTEM
    if required:
        notes.append(f"{incident.severity} requires a post-mortem; publish it and track its action items to done.")
    if incident.resolved is None:
        return notes
    tz = incident.tz or "UTC"
    resolved = local(incident.resolved, tz).date()
    held = (local(meeting.created, tz).date() - resolved).days
    if held > TIMELY_DAYS:
        notes.append(
            f"Held {held} days after resolution; aim for within {TIMELY_DAYS}, while memories and logs are fresh."
        )
    waited = ((today or date.today()) - resolved).days
    if required and meeting.publication_date is None and waited > TIMELY_DAYS:
        notes.append(f"Resolved {waited} days ago and not published yet; publish it soon.")
    return notes
