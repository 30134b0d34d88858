"""PLACEHOLDER until the paging branch is merged (merger: take that branch's file): this build reads no Opsgenie logs.

It lets ``--from auto`` run on the importcli branch alone; it detects nothing and reads nothing.
"""

from __future__ import annotations

from pathlib import Path

from .base import ImportRequest, Progress, SourceError, SourceRead


def detect(path: Path) -> bool:
    return False


def read(path: Path, request: ImportRequest, progress: Progress) -> SourceRead:
    raise SourceError(str(path), "", "this build cannot read Opsgenie logs yet")
