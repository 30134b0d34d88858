"""Opsgenie: an alert's log (``GET /v2/alerts/{id}/logs``, the response saved as a file).

Each entry of ``data`` (``log``, ``type``, ``owner``, ``createdAt``, ``offset``) becomes an event: the log line as
its description, the owner (a user, or "System") as its actor, ``type`` (``system``, ``alertRecipient``…) as its
kind. The API returns at most 100 entries a page and names the next page in ``paging.next``; that link is not
followed (pmtui never calls the API): save each page and import each file.
"""

from __future__ import annotations

import re
from pathlib import Path

from .base import BadRecord, ImportRequest, Progress, SourceEvent, SourceRead
from .documents import head, log_entries, moment, plain, read_text, within

SOURCE = "opsgenie"
_AGAIN = "save the response of GET /v2/alerts/{id}/logs again"


def detect(path: Path) -> bool:
    """A JSON object with a ``data`` list whose entries hold ``log`` and ``createdAt``."""
    start = head(path)
    return (start.startswith("{") and re.search(r'"data"\s*:\s*\[', start) is not None
            and re.search(r'"log"\s*:', start) is not None and '"createdAt"' in start)


def read(path: Path, request: ImportRequest, progress: Progress) -> SourceRead:
    """The alert log's entries inside the request's window."""
    found = SourceRead(SOURCE)
    for record, entry in log_entries(read_text(path, _AGAIN), path, "data", "an Opsgenie alert log", _AGAIN, found,
                                     progress):
        description = plain(entry.get("log"))
        if not description:
            found.bad.append(BadRecord(str(path), record, "has no log text"))
            continue
        try:
            time = moment(entry.get("createdAt"), request.tz)
        except ValueError as exc:
            found.bad.append(BadRecord(str(path), record, f"createdAt {exc}"))
            continue
        if not within(request, time):
            found.skipped += 1
            continue
        offset = plain(entry.get("offset"))
        found.events.append(SourceEvent(
            time=time, description=description, actor=plain(entry.get("owner")),
            evidence=f"Opsgenie alert log {offset}" if offset else "", source=SOURCE, kind=plain(entry.get("type"))))
    return found
