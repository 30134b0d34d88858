"""A meeting as an archive keeps it: ``meeting.json``, a readable diff from one publication to the next.

Pretty-printed with sorted keys and a trailing newline, ids as the meeting has them. What only the
facilitator's machine should know stays out: room identities (``author_id``, ``removed_note_takers``; the
keys themselves live in note-takers' outboxes and never in a meeting), an agenda given as a local file
(only its name is kept), and what changes without the document changing (the clock, the current speaker,
the last publication, whose commit cannot name itself). The copy of the agenda the meeting keeps
(``agenda_source``, its TOML text) stays: the record renders the same sections on any machine, whether or
not that machine has the agenda.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import PurePath
from typing import Any

from ..model import SCHEMA_VERSION, Meeting, from_data, to_data, upgrade
from ..store import StoreError

RECORD_APP = "pmtui"
RECORD_FILE = "meeting.json"
DOCUMENT_FILE = "postmortem.md"
MINUTES_FILE = "minutes.md"

_LOCAL_ONLY = ("clock", "current_speaker", "publication", "removed_note_takers")
_SIGNED_LISTS = ("events", "observations")
_SHAPE_ERRORS = (LookupError, TypeError, ValueError, AttributeError)


class RecordError(StoreError):
    """A ``meeting.json`` (or an archive's folder) that cannot be read, in one line: ``where``, then ``reason``.

    ``path`` (where it is in the archive) and ``reason`` (what is wrong, and the fix) are kept apart, so a caller
    that names the file itself, as the archive's check does ahead of each finding, can say the reason alone.
    """

    def __init__(self, path: str, reason: str, where: str | None = None) -> None:
        super().__init__(f"{where or path} {reason}")
        self.path = path
        self.reason = reason


def meeting_record(meeting: Meeting, updated: datetime) -> dict[str, Any]:
    """The archive's data for ``meeting`` last changed at ``updated`` (which decides, when the same meeting is
    also in a data dir or another archive, which copy is newer)."""
    data = to_data(meeting)
    for name in _LOCAL_ONLY:
        data.pop(name, None)
    for name in _SIGNED_LISTS:
        for entry in data[name]:
            entry.pop("author_id", None)
    for chain in data["chains"]:
        for name in ("whys", "proposals", "set_aside"):
            for why in chain[name]:
                why.pop("author_id", None)
    data["agenda"] = agenda_name(meeting.agenda)
    return {"app": RECORD_APP, "schema": SCHEMA_VERSION, "updated": updated.isoformat(), "meeting": data}


def record_text(meeting: Meeting, updated: datetime) -> str:
    """``meeting.json``'s text: two-space indents, sorted keys, UTF-8 as typed, one newline at the end."""
    return json.dumps(meeting_record(meeting, updated), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def agenda_name(agenda: str) -> str:
    """The agenda's name: a meeting created from an agenda file names the file by its local path."""
    if "/" in agenda or "\\" in agenda or agenda.endswith(".toml"):
        return PurePath(agenda.replace("\\", "/")).stem
    return agenda


def read_record(text: str, where: str) -> tuple[Meeting, datetime]:
    """The meeting in a ``meeting.json`` text and when it last changed; ``where`` names the file in errors.

    An agenda named by a local path is read as its name: whatever reads an archive uses the name only, never a
    path that a pull request could point anywhere on the reader's machine. Raises :class:`RecordError` with one
    line: not JSON, not a pmtui record, from a newer pmtui, or data of the wrong shape.
    """
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise RecordError(where, f"is not valid JSON ({exc}); fix or remove it in the archive") from None
    if not isinstance(data, dict) or data.get("app") != RECORD_APP or not isinstance(data.get("meeting"), dict):
        raise RecordError(where, "is not a pmtui meeting record (no \"app\": \"pmtui\" with a meeting); "
                          "only files written by pmtui publish are read")
    schema = data.get("schema")
    if not isinstance(schema, int) or schema > SCHEMA_VERSION:
        raise RecordError(where, f"was written by a newer pmtui (schema {schema!r}); upgrade pmtui to read it")
    try:
        updated = datetime.fromisoformat(data["updated"])
        if updated.tzinfo is None:
            raise ValueError("no time zone")
        meeting = from_data(Meeting, upgrade(dict(data["meeting"])))
    except _SHAPE_ERRORS as exc:
        raise RecordError(where, f"holds a meeting of the wrong shape ({exc}); republish it with pmtui publish"
                          ) from None
    meeting.agenda = agenda_name(meeting.agenda)
    return meeting, updated
