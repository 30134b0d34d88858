"""Exports of a meeting: the post-mortem document, its minutes, and data files."""

from __future__ import annotations

from ..model import Meeting
from .data import actions_csv, meeting_json
from .github import github_script
from .markdown import render_postmortem

FORMATS = ("markdown", "json", "actions-csv", "github")


def render(
    meeting: Meeting,
    fmt: str,
    *,
    minutes: bool = False,
    with_checklist: bool = False,
    related_titles: dict[str, str] | None = None,
) -> str:
    """``meeting`` exported as ``fmt`` (one of :data:`FORMATS`).

    ``minutes``, ``with_checklist`` and ``related_titles`` only matter for Markdown.
    """
    if fmt == "markdown":
        return render_postmortem(meeting, minutes=minutes, with_checklist=with_checklist,
                                 related_titles=related_titles)
    if fmt == "json":
        return meeting_json(meeting)
    if fmt == "actions-csv":
        return actions_csv(meeting)
    if fmt == "github":
        return github_script(meeting)
    raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
