"""Actionable action items: each scored for vague wording, owner, due date and success criteria."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..model import PRIORITY_DUE_DAYS, ActionItem, Meeting
from ..timeparse import local

MAX_URGENT = 5
URGENT = ("critical", "high")
PENALTIES = {"vague": 30, "no-owner": 25, "no-criteria": 20, "no-due": 15, "due-too-late": 10}
GRADES = ((90, "A"), (70, "B"), (50, "C"), (0, "D"))

_VAGUE_PHRASE = re.compile(
    r"(?<!\w)(?:be\s+(?:more\s+)?careful|pay\s+(?:more\s+)?attention|(?:be\s+)?more\s+vigilant|try\s+harder|"
    r"add\s+more\s+tests|more\s+tests|better\s+(?:monitoring|alerting|testing|tests|documentation|docs|"
    r"communication|processes?)|improve\s+(?:the\s+)?(?:monitoring|alerting|testing|tests|documentation|docs|"
    r"communication|processes?|observability|reliability)|as\s+needed|where\s+possible|if\s+possible|"
    r"when\s+possible|etc\.?|and\s+so\s+on|raise\s+awareness)(?!\w)",
    re.I,
)
_GENERIC_START = re.compile(r"^\s*(?:improve|better|more|enhance|increase|review|update)\b", re.I)
_INVESTIGATE = re.compile(
    r"(?<!\w)(?:investigate|look\s+into|explore|consider|think\s+about|discuss|revisit|research)(?!\w)", re.I
)
_CONCRETE = re.compile(
    r"(?<!\w)(?:add|write|create|build|implement|automate|remove|replace|configure|set|enforce|block|alert|page|"
    r"publish|migrate|upgrade|fix|change|move|split|limit|require|deploy|enable|disable|validate|rotate|delete|"
    r"propose|decide|report|document|schedule|present|share|run)(?!\w)",
    re.I,
)


@dataclass(frozen=True)
class ActionIssue:
    """Something that makes an action item hard to act on or to check."""

    rule: str
    message: str


@dataclass(frozen=True)
class ActionScore:
    """An action item's score (100 is specific and ready) and what lowers it."""

    action_id: str
    where: str
    score: int
    issues: tuple[ActionIssue, ...]

    @property
    def grade(self) -> str:
        """A (ready) to D (needs rewriting)."""
        return next(letter for floor, letter in GRADES if self.score >= floor)


def vague_reason(description: str) -> str | None:
    """Why ``description`` is too vague to act on, or None when it is specific enough."""
    text = description.strip()
    if len(text.split()) < 3:
        return "Too short to act on; say what will change, and where."
    phrase = _VAGUE_PHRASE.search(text)
    if phrase:
        return f"'{phrase[0]}' is vague; say exactly what will be added or changed."
    if _GENERIC_START.match(text) and len(text.split()) <= 4:
        return "A general wish, not a task; say exactly what will be added or changed."
    if _INVESTIGATE.search(text) and not _CONCRETE.search(text):
        return "Investigating alone is not an outcome; say what will be decided or delivered, and by when."
    return None


def latest_due(action: ActionItem, meeting: Meeting) -> date | None:
    """The latest due date ``action``'s priority allows, counted from the day the item was agreed."""
    days = PRIORITY_DUE_DAYS.get(action.priority)
    if days is None:
        return None
    return local(action.created, meeting.incident.tz or "UTC").date() + timedelta(days=days)


def score_action(action: ActionItem, number: int, meeting: Meeting) -> ActionScore:
    """Score one action item (``number`` counts from 1)."""
    issues = []
    vague = vague_reason(action.description)
    if vague:
        issues.append(ActionIssue("vague", vague))
    if not action.owner.strip():
        issues.append(ActionIssue("no-owner", "No owner; name one person who will drive it."))
    if not action.success_criteria.strip():
        issues.append(ActionIssue("no-criteria", "No success criteria; say how we will know it is done and worked."))
    latest = latest_due(action, meeting)
    if action.due is None:
        issues.append(ActionIssue("no-due", "No due date; pick one."))
    elif latest is not None and action.due > latest:
        issues.append(ActionIssue(
            "due-too-late",
            f"Due {action.due.isoformat()}, later than {action.priority} priority allows "
            f"({PRIORITY_DUE_DAYS[action.priority]} days: by {latest.isoformat()}); "
            "bring it forward or lower the priority.",
        ))
    score = max(0, 100 - sum(PENALTIES[i.rule] for i in issues))
    return ActionScore(action.id, f"action item {number}", score, tuple(issues))


def action_scores(meeting: Meeting) -> list[ActionScore]:
    """Scores of every action item, in the meeting's order."""
    return [score_action(a, n, meeting) for n, a in enumerate(meeting.actions, 1)]


def focus_note(meeting: Meeting) -> str | None:
    """A note when more than :data:`MAX_URGENT` action items are critical or high priority."""
    urgent = sum(a.priority in URGENT for a in meeting.actions)
    if urgent <= MAX_URGENT:
        return None
    return (
        f"{urgent} action items are critical or high priority; focus on the few that matter most "
        f"(at most {MAX_URGENT}) and lower the rest."
    )
