"""The guidance for one meeting, ready to show: blameless language, root-cause
depth, actionable items, the quality checklist and the severity policy.

Screens call :func:`review` and show what it returns; the rules live in the
other modules of this package, none of which imports Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..model import Meeting
from .action_scores import ActionScore, action_scores, focus_note
from .blameless import default_lexicon
from .checklist import CheckItem, quality_checklist, severity_policy
from .depth import DepthFlag, depth_flags
from .findings import Finding, meeting_findings


@dataclass(frozen=True)
class Review:
    """Everything the guidance has to say about a meeting, ready to show.

    ``findings`` leaves out the ones the facilitator dismissed (``dismissed``
    counts those); ``focus`` is set when too many action items are urgent;
    ``problems`` holds one-line errors such as a broken user word list.
    """

    findings: tuple[Finding, ...]
    dismissed: int
    depth: tuple[DepthFlag, ...]
    actions: tuple[ActionScore, ...]
    focus: str | None
    checklist: tuple[CheckItem, ...]
    policy: tuple[str, ...]
    problems: tuple[str, ...]

    @property
    def passed(self) -> int:
        """How many checklist items pass."""
        return sum(item.passed for item in self.checklist)


def review(meeting: Meeting, today: date | None = None) -> Review:
    """The guidance for ``meeting`` as of ``today`` (default: the current date)."""
    lexicon, problem = default_lexicon()
    every = meeting_findings(meeting, lexicon, include_dismissed=True)
    dismissed = set(meeting.dismissed_findings)
    findings = [f for f in every if f.key not in dismissed]
    flags = depth_flags(meeting, lexicon)
    scores = action_scores(meeting)
    return Review(
        findings=tuple(findings),
        dismissed=len(every) - len(findings),
        depth=tuple(flags),
        actions=tuple(scores),
        focus=focus_note(meeting),
        checklist=tuple(quality_checklist(meeting, findings=findings, flags=flags, scores=scores)),
        policy=tuple(severity_policy(meeting, today)),
        problems=(problem,) if problem else (),
    )
