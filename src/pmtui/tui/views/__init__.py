"""One view per agenda screen kind; the meeting screen picks them by kind."""

from __future__ import annotations

from .actions import ActionsView
from .base import PhaseView
from .five_whys import FiveWhysView
from .follow_ups import FollowUpsView
from .notes import NotesView
from .observations import ObservationsView
from .review import ReviewView
from .safety import SafetyView
from .timeline import TimelineView

VIEWS: dict[str, type[PhaseView]] = {
    "safety": SafetyView,
    "follow_ups": FollowUpsView,
    "timeline": TimelineView,
    "observations": ObservationsView,
    "five_whys": FiveWhysView,
    "actions": ActionsView,
    "review": ReviewView,
    "notes": NotesView,
}


def view_class(kind: str) -> type[PhaseView]:
    """The view for an agenda phase of ``kind`` (the notes view for others)."""
    return VIEWS.get(kind, NotesView)
