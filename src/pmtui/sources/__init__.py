"""Timeline events from where they already are: Slack exports, PagerDuty, Opsgenie, Alertmanager, JSON lines, CSV.

Each source is a module with ``detect(path) -> bool`` (a cheap look at the file's shape, for ``--from auto``) and
``read(path, request, progress) -> SourceRead``; :func:`read_timeline` picks one and :func:`timeline_events` turns
what it found into the meeting's events (text cleaned and within limits, times in the incident's zone, each with
its source). Nothing here writes a meeting: the caller hands the events to ``session.import_events``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from .base import (
    BadRecord,
    ImportRequest,
    Progress,
    SourceError,
    SourceEvent,
    SourceRead,
    default_window,
    timeline_events,
)

SOURCES = ("slack", "pagerduty", "opsgenie", "alertmanager", "jsonl", "csv")
"""The sources ``pmtui import --from`` names, in the order ``auto`` tries them."""

__all__ = ["SOURCES", "BadRecord", "ImportRequest", "Progress", "SourceError", "SourceEvent", "SourceRead",
           "default_window", "detect", "read_timeline", "timeline_events"]


def _module(kind: str):
    return importlib.import_module(f".{kind}", __name__)


def detect(path: Path) -> str:
    """The source ``path`` holds, by its content (a Slack export is a folder or a .zip); SourceError when none."""
    for kind in SOURCES:
        if _module(kind).detect(path):
            return kind
    raise SourceError(str(path), "", "unknown file type: not a Slack export, a PagerDuty, Opsgenie or Alertmanager "
                      "file, JSON lines or a .csv")


def read_timeline(path: Path, kind: str = "auto", request: ImportRequest | None = None,
                  progress: Progress | None = None) -> SourceRead:
    """What the source ``kind`` (``auto``: detected) finds in ``path``; ``SourceRead.kind`` says which it was.

    Bad records are in ``SourceRead.bad``; the caller refuses the whole file unless ``--skip-bad``.
    """
    chosen = detect(path) if kind == "auto" else kind
    if chosen not in SOURCES:
        raise SourceError(str(path), "", f"unknown source {kind!r}; use one of {', '.join(SOURCES)} or auto")
    reader: Callable[..., SourceRead] = _module(chosen).read
    return reader(Path(path), request or ImportRequest(), progress or (lambda done, total: None))
