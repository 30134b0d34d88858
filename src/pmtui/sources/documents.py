"""Reading the files paging tools hand out (API responses, webhook payloads, CSV exports), the same way for each.

Such a file comes from a tool, not a person, so it is read defensively: its size is checked before a byte is read
(a 20 GB file is refused, not loaded), nesting too deep for the parser is one line rather than a traceback, and
each value passes the text rule (:func:`pmtui.text.clean` removes terminal escape sequences whole), so an alert
summary cannot recolour, retitle or wipe the terminal of whoever previews it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ..text import clean
from ..timeparse import zone
from .base import BadRecord, ImportRequest, Progress, SourceError, SourceRead

MAX_BYTES = 64 * 1024 * 1024
"""The largest file read: an incident's log or a day of webhook payloads is far smaller."""
HEAD_BYTES = 64 * 1024
"""How much of a file detection looks at."""

def head(path: Path) -> str:
    """The start of ``path`` as text, "" for a folder or a file that cannot be read (detection never raises)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(HEAD_BYTES).decode("utf-8-sig", errors="replace").lstrip()
    except OSError:
        return ""


def read_text(path: Path, what_to_do: str) -> str:
    """The whole of ``path`` as text, or SourceError (missing, too big, not UTF-8) ending with ``what_to_do``."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SourceError(str(path), "", f"too big to import ({size // 2**20} MB; at most "
                              f"{MAX_BYTES // 2**20} MB): {what_to_do}")
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(str(path), f"byte {exc.start}", f"not UTF-8 text: {what_to_do}") from None
    except IsADirectoryError:
        raise SourceError(str(path), "", f"is a folder, not a file: {what_to_do}") from None
    except OSError as exc:
        raise SourceError(str(path), "", f"cannot be read ({exc.strerror or exc}): check the path") from None


def parse_json(text: str, path: Path, record: str, what_to_do: str) -> Any:
    """``text`` parsed, or SourceError naming where it is not JSON (nesting too deep counts as not JSON)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(str(path), record or f"line {exc.lineno} column {exc.colno}",
                          f"not JSON ({exc.msg}): {what_to_do}") from None
    except RecursionError:
        raise SourceError(str(path), record, f"nested too deeply to be a real export: {what_to_do}") from None


def log_entries(text: str, path: Path, key: str, what: str, what_to_do: str, found: SourceRead,
                progress: Progress) -> Iterator[tuple[str, dict[str, Any]]]:
    """(record, entry) for each object in the document's ``key`` list (``key[3]`` as its record), telling
    ``progress``; an item that is not an object is a bad record, a document without the list a SourceError saying
    it is not ``what``.

    Opsgenie's alert log and PagerDuty's log entries are such lists: one loop reads both, so how an entry is
    counted, named and refused stays the same for each.
    """
    document = parse_json(text, path, "", what_to_do)
    entries = document.get(key) if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise SourceError(str(path), "", f'has no "{key}" list, so it is not {what}: {what_to_do}')
    for index, entry in enumerate(entries):
        progress(index + 1, len(entries))
        record = f"{key}[{index}]"
        if not isinstance(entry, dict):
            found.bad.append(BadRecord(str(path), record, "is not a log entry (an object)"))
            continue
        yield record, entry


def plain(value: Any) -> str:
    """``value`` as text for an event, cleaned by the text rule; "" when it is not text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return clean(value).strip() if isinstance(value, str) else ""


def moment(value: Any, tz: str) -> datetime:
    """An ISO 8601 time from a tool (``2026-03-14T23:38:45Z``, nanoseconds allowed); one without an offset is read
    in the incident's zone ``tz``. ValueError saying what is wrong otherwise."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("has no time")
    text = value.strip()
    if len(text) > 64:
        raise ValueError(f"time {text[:40]!r}… is not ISO 8601 (2026-03-14T23:38:45Z)")
    match = re.fullmatch(r"(.*T\d\d:\d\d:\d\d)\.(\d+)(.*)", text)
    if match:  # Go writes nanoseconds; Python reads at most microseconds.
        text = f"{match[1]}.{match[2][:6]:0<6}{match[3]}"
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"time {value[:40]!r} is not ISO 8601 (2026-03-14T23:38:45Z)") from None
    return found if found.tzinfo else found.replace(tzinfo=zone(tz))


def within(request: ImportRequest, time: datetime) -> bool:
    """Whether ``time`` is inside the request's window (either end open)."""
    return (request.start is None or time >= request.start) and (request.end is None or time <= request.end)
