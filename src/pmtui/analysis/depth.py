"""Root-cause depth: Five Whys chains that stop too early, end in a person or a symptom, or lead to no action."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Meeting, WhyChain
from .blameless import Lexicon, default_lexicon, scan

MIN_WHYS = 3

_SYMPTOM = re.compile(
    r"(?<!\w)(?:crash(?:ed|es|ing)?|down|outage|errors?|5xx|50[0-4]s?|time(?:d)?\s*outs?|timeouts?|slow(?:ness)?|"
    r"latency|unavailable|fail(?:ed|ure|ures|ing)?|broke(?:n)?|stopped\s+working|not\s+working|degraded|spiked?|"
    r"high\s+cpu|oom|out\s+of\s+memory|overloaded|saturated|exhausted|ran\s+out|hung|unresponsive|"
    r"went\s+down|was\s+down|incident|bug|issues?|problems?)(?!\w)",
    re.I,
)
_SYSTEMIC = re.compile(
    r"(?<!\w)(?:because|due\s+to|no|not|without|missing|lack(?:s|ed|ing)?|absent|allow(?:s|ed)?|permit(?:s|ted)?|"
    r"let|lets|gap|process|policy|validat\w*|review\w*|tests?|testing|checks?|limits?|quotas?|defaults?|design\w*|"
    r"configur\w*|runbooks?|alert\w*|monitor\w*|automat\w*|owner\w*|dependenc\w*|assum\w*|never|only|reli\w*|"
    r"rel(?:y|ies)|depend\w*|manual\w*|document\w*|capacity|thresholds?|retr(?:y|ies)|schema|safeguards?|"
    r"guards?|skip\w*|bypass\w*|single\s+point)(?!\w)",
    re.I,
)


@dataclass(frozen=True)
class DepthFlag:
    """A Five Whys chain the group should keep working on, and why."""

    chain_id: str
    rule: str
    message: str
    where: str


def reads_like_symptom(text: str) -> bool:
    """Whether ``text`` names what went wrong ("the service crashed") without a systemic cause."""
    return bool(_SYMPTOM.search(text)) and not _SYSTEMIC.search(text)


_HANDLE_FIRST = re.compile(r"\s*(@[\w.-]*\w)")

_PERSON_REASONS = {
    "human-error": "stops at human error",
    "blame-person": "names a person's error",
    "hindsight": "judges a person with hindsight",
    "passive-actor": "hides who acted",
    "judgement-word": "judges a person's care",
}
"""Blameless rule -> what it says about a root cause, for the depth flag's message."""


def names_person(text: str, attendees: list[str], lexicon: Lexicon) -> str | None:
    """Why ``text`` makes a person the cause ("names a person's error ('Dave forgot')"), or None.

    That is: blame or hindsight phrasing, an @handle as its subject, or an
    attendee's name. A role, "we" or "nobody" alone is not blame: "Nobody owned
    backup testing" names a gap in ownership, which is a systemic answer.
    """
    hits = scan(text, lexicon)
    if hits:
        first = hits[0]
        return f"{_PERSON_REASONS[first.rule]} ('{' '.join(text[first.start : first.end].split())}')"
    if handle := _HANDLE_FIRST.match(text):
        return f"names a person ('{handle[1]}')"
    for name in attendees:
        if name.strip() and (found := re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.I)):
            return f"names a person ('{found[0]}')"
    return None


def chain_flags(chain: WhyChain, number: int, meeting: Meeting, lexicon: Lexicon) -> list[DepthFlag]:
    """The depth flags of one chain (``number`` counts from 1)."""
    where = f"chain {number}"

    def flag(rule: str, message: str) -> DepthFlag:
        return DepthFlag(chain.id, rule, message, where)

    flags = []
    count = len(chain.whys)
    if count < MIN_WHYS:
        asked = f"stops after {count} why{'s' if count > 1 else ''}" if count else "has no whys yet"
        flags.append(flag("too-shallow", f"The chain {asked}; keep asking why, at least {MIN_WHYS} times."))
    cause = chain.root_cause
    if cause is None or not cause.text.strip():
        return flags
    if why := names_person(cause.text, [a.name for a in meeting.attendees], lexicon):
        flags.append(flag("person-cause", f"The root cause {why}; keep asking why: what let this happen?"))
    elif reads_like_symptom(cause.text):
        flags.append(flag("symptom-cause", "The root cause reads like a symptom; keep asking why it happened."))
    if not any(a.root_cause_id == chain.id for a in meeting.actions):
        flags.append(flag("no-action", "No action item addresses this root cause; link one to it."))
    return flags


def depth_flags(meeting: Meeting, lexicon: Lexicon | None = None) -> list[DepthFlag]:
    """Depth flags of every Five Whys chain in ``meeting``, chain by chain."""
    lexicon = lexicon or default_lexicon()[0]
    return [f for n, chain in enumerate(meeting.chains, 1) for f in chain_flags(chain, n, meeting, lexicon)]
