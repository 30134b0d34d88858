"""Exports of a meeting: the post-mortem document (Markdown, an HTML page, a Confluence page), its minutes, and data
files."""

from __future__ import annotations

from pathlib import Path

from ..model import Meeting
from .data import actions_csv, meeting_json
from .github import github_script
from .markdown import render_postmortem

FORMATS = ("markdown", "html", "confluence", "json", "actions-csv", "github")
DOCUMENT_FORMATS = ("markdown", "html", "confluence")
"""The formats of the post-mortem document: the ones that can carry its minutes and checklist."""
EXTENSION_FORMATS = {".html": "html", ".htm": "html", ".json": "json", ".md": "markdown", ".markdown": "markdown"}
"""The format a file's extension names; Confluence's storage format has no extension of its own (only --format)."""


def format_of(path: Path) -> str | None:
    """The export format ``path``'s extension names (any case), None when it names none."""
    return EXTENSION_FORMATS.get(path.suffix.lower())


def render(
    meeting: Meeting,
    fmt: str,
    *,
    minutes: bool = False,
    with_checklist: bool = False,
    related_titles: dict[str, str] | None = None,
) -> str:
    """``meeting`` exported as ``fmt`` (one of :data:`FORMATS`).

    ``minutes``, ``with_checklist`` and ``related_titles`` only matter for the document (Markdown, HTML,
    Confluence).
    """
    options = {"minutes": minutes, "with_checklist": with_checklist, "related_titles": related_titles}
    if fmt == "markdown":
        return render_postmortem(meeting, **options)
    if fmt == "html":
        from .html import render_html  # markdown-it: only these two formats need it

        return render_html(meeting, **options)
    if fmt == "confluence":
        from .confluence import render_confluence

        return render_confluence(meeting, **options)
    if fmt == "json":
        return meeting_json(meeting)
    if fmt == "actions-csv":
        return actions_csv(meeting)
    if fmt == "github":
        return github_script(meeting)
    raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
