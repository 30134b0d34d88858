"""Finding meetings in a folder: listing them from ``_meta`` and resolving a reference."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..text import clean
from .errors import MeetingNotFoundError, StoreError
from .meeting_file import safe_id
from .storage import damaged, read_meeting_bytes, validated_tables


@dataclass(frozen=True)
class MeetingSummary:
    """What ``_meta`` says about one meeting file, for lists and lookups.

    ``created`` and ``updated`` are ISO 8601 strings, as stored.
    """

    id: str
    title: str
    slug: str
    severity: str
    created: str
    status: str
    path: Path
    updated: str


_SUMMARY_FIELDS = ("id", "title", "slug", "severity", "created", "status", "updated")


def _summary(path: Path) -> MeetingSummary:
    _, meta = validated_tables(path, read_meeting_bytes(path))
    missing = [k for k in _SUMMARY_FIELDS if not isinstance(meta.get(k), str)]
    if missing:
        raise damaged(path, f"_meta lacks {', '.join(missing)}")
    return MeetingSummary(path=path, **{k: clean(meta[k]) for k in _SUMMARY_FIELDS})  # shown as read, see model.upgrade


def list_meetings(data_dir: Path) -> tuple[list[MeetingSummary], list[StoreError]]:
    """Every meeting in ``data_dir``, newest first, and an error per unreadable file."""
    meetings: list[MeetingSummary] = []
    errors: list[StoreError] = []
    try:
        names = sorted(e.name for e in os.scandir(data_dir) if e.name.endswith(".json") and not e.name.startswith("."))
    except FileNotFoundError:
        return [], []
    for name in names:
        try:
            meetings.append(_summary(Path(data_dir) / name))
        except StoreError as exc:
            errors.append(exc)
    meetings.sort(key=lambda m: (m.created, m.id), reverse=True)
    return meetings, errors


def _describe(meetings: list[MeetingSummary]) -> str:
    shown = ", ".join(f"{m.id} ({m.slug})" for m in meetings[:5])
    return shown + (", …" if len(meetings) > 5 else "")


def resolve_meeting(data_dir: Path, ref: str) -> Path:
    """The file of the meeting ``ref`` names: an id, unique id prefix or title slug."""
    data_dir = Path(data_dir)
    direct = data_dir / f"{ref}.json"
    if safe_id(ref) and direct.is_file():
        return direct
    meetings, _ = list_meetings(data_dir)
    for matches in (
        [m for m in meetings if m.id == ref],
        [m for m in meetings if m.slug == ref],
        [m for m in meetings if m.id.startswith(ref) or m.slug.startswith(ref)],
    ):
        if len(matches) == 1:
            return matches[0].path
        if matches:
            raise StoreError(f"'{ref}' matches several meetings: {_describe(matches)}; give more of the id or slug")
    if not meetings:
        raise MeetingNotFoundError(f"no meeting '{ref}' in {data_dir}; it holds no meetings yet")
    raise MeetingNotFoundError(f"no meeting '{ref}' in {data_dir}; known: {_describe(meetings)}; run 'pmtui list'")
