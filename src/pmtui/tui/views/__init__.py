"""One view per agenda screen kind; the meeting screen picks them by kind.

A view's module is imported when its phase is first shown: the review view
alone brings in Markdown, and the first frame of a meeting waits for every
import made before it.
"""

from __future__ import annotations

from importlib import import_module

from .base import PhaseView

VIEWS: dict[str, tuple[str, str]] = {
    "safety": ("safety", "SafetyView"),
    "follow_ups": ("follow_ups", "FollowUpsView"),
    "timeline": ("timeline", "TimelineView"),
    "observations": ("observations", "ObservationsView"),
    "five_whys": ("five_whys", "FiveWhysView"),
    "actions": ("actions", "ActionsView"),
    "review": ("review", "ReviewView"),
    "notes": ("notes", "NotesView"),
}
"""Agenda kind -> (module in this package, view class)."""


def view_class(kind: str) -> type[PhaseView]:
    """The view for an agenda phase of ``kind`` (the notes view for others)."""
    module, name = VIEWS.get(kind, VIEWS["notes"])
    return getattr(import_module(f".{module}", __name__), name)
