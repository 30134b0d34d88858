"""Blameless-language findings, located in a text or in every text a meeting holds."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from ..model import OBSERVATION_LABELS, Meeting
from ..timeparse import local
from .blameless import RULES, Lexicon, default_lexicon, scan


@dataclass(frozen=True)
class Finding:
    """One blame or hindsight phrasing: why it matters and a systemic rewording prompt.

    ``line`` and ``column`` (1-based) locate ``excerpt`` in its text; ``where``
    names that text ("timeline 14:37", "why 3 of chain 1", or a file path) and
    ``key`` identifies the finding across restarts, for dismissal.
    """

    rule: str
    message: str
    suggestion: str
    line: int
    column: int
    excerpt: str
    where: str = ""
    key: str = ""


@dataclass(frozen=True)
class MeetingText:
    """One piece of free text in a meeting: which item and field it is, and its label."""

    item: str
    field: str
    where: str
    text: str


def finding_key(item: str, field: str, rule: str, excerpt: str) -> str:
    """The dismissal key ``item:field:rule:phrase``: unaffected by edits elsewhere, changed by editing the phrase."""
    return f"{item}:{field}:{rule}:{' '.join(excerpt.lower().split())}"


def text_findings(
    text: str, *, where: str = "", item: str = "", field: str = "", lexicon: Lexicon | None = None
) -> list[Finding]:
    """The findings in ``text``; given ``item`` and ``field``, each gets a dismissal key."""
    found = []
    for hit in scan(text, lexicon):
        line = text.count("\n", 0, hit.start) + 1
        column = hit.start - (text.rfind("\n", 0, hit.start) + 1) + 1
        excerpt = " ".join(text[hit.start : hit.end].split())
        message, suggestion = RULES[hit.rule]
        key = finding_key(item, field, hit.rule, excerpt) if item else ""
        found.append(Finding(hit.rule, message, suggestion, line, column, excerpt, where, key))
    return found


def meeting_texts(meeting: Meeting) -> list[MeetingText]:
    """Every piece of free text in ``meeting``, in the order of the post-mortem document."""
    return list(iter_meeting_texts(meeting))


def iter_meeting_texts(meeting: Meeting) -> Iterator[MeetingText]:
    """:func:`meeting_texts` one at a time, for a check done in slices (10,000 events took 20-58 ms as a list)."""
    tz = meeting.incident.tz or "UTC"
    texts = _all_texts(meeting, tz)
    return (t for t in texts if t.text.strip())


def _all_texts(meeting: Meeting, tz: str) -> Iterator[MeetingText]:
    yield MeetingText("incident", "summary", "summary", meeting.incident.summary)
    for section_id, text in meeting.sections.items():  # the narrative, as written: the document puts it next
        yield MeetingText("sections", section_id, f"section {section_id}", text)
    for e in meeting.sorted_events():
        yield MeetingText(e.id, "description", _timeline_label(e.time, tz), e.description)
    for number, chain in enumerate(meeting.chains, 1):
        yield MeetingText(chain.id, "problem", f"problem of chain {number}", chain.problem)
        for n, why in enumerate(chain.whys, 1):
            yield MeetingText(why.id, "text", f"why {n} of chain {number}", why.text)
        if chain.root_cause:
            yield MeetingText(chain.id, "root_cause", f"root cause of chain {number}", chain.root_cause.text)
    for n, f in enumerate(meeting.factors, 1):
        yield MeetingText(f.id, "text", f"contributing factor {n}", f.text)
    for kind, label in OBSERVATION_LABELS.items():
        kept = [o for o in meeting.observations if o.kind == kind]
        for n, o in enumerate(kept, 1):
            yield MeetingText(o.id, "text", f"{label.lower()} {n}", o.text)
    for number, action in enumerate(meeting.actions, 1):
        label = f"action item {number}"
        yield MeetingText(action.id, "description", label, action.description)
        yield MeetingText(action.id, "success_criteria", f"success criteria of {label}", action.success_criteria)
    for phase, text in meeting.notes.items():
        yield MeetingText("notes", phase, f"notes of {phase}", text)


def _timeline_label(moment: datetime, tz: str) -> str:
    """'timeline 14:37' (remembered: the hints re-read every event's text after each change)."""
    return f"timeline {local(moment, tz):%H:%M}"


def meeting_findings(
    meeting: Meeting, lexicon: Lexicon | None = None, *, include_dismissed: bool = False
) -> list[Finding]:
    """Findings in every text of ``meeting``; those the facilitator dismissed are left out unless asked for."""
    lexicon = lexicon or default_lexicon()[0]
    dismissed = set() if include_dismissed else set(meeting.dismissed_findings)
    found = []
    for t in meeting_texts(meeting):
        found += [f for f in text_findings(t.text, where=t.where, item=t.item, field=t.field, lexicon=lexicon)
                  if f.key not in dismissed]
    return found
