"""PagerDuty: an incident's log entries (REST API v2) or the incidents CSV export, and the milestones they state.

The log entries are the response of ``GET /incidents/{id}/log_entries`` saved as a file
(``{"log_entries": [{"type": "trigger_log_entry", "created_at": …, "summary": …, "agent": {…}, "channel": {…}}]}``).
Triggers, acknowledgements, escalations, resolutions and notes become events; the rest (notifications,
assignments…) are counted as skipped, as the issue asks. The incidents CSV (one row an incident: ``created_on``,
``resolved_on``, ``seconds_to_first_ack``, who acknowledged and resolved) gives each incident's trigger,
acknowledgement and resolution. Either way the first trigger, acknowledgement and resolution in the window are
the incident's detected, acknowledged and resolved milestones, for the caller to offer where the meeting has none.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .base import BadRecord, ImportRequest, Progress, SourceError, SourceEvent, SourceRead
from .documents import head, log_entries, moment, plain, read_text, within

SOURCE = "pagerduty"
KEPT = {"trigger", "acknowledge", "escalate", "resolve", "annotate"}
"""The log entry types that become events (``<kind>_log_entry``)."""
MILESTONES = {"trigger": "detected", "acknowledge": "acknowledged", "resolve": "resolved"}
CSV_COLUMNS = {"incident_number", "created_on"}
"""The columns that make a CSV PagerDuty's incidents export (and without which it cannot be read)."""
_AGAIN = "save the response of GET /incidents/{id}/log_entries, or the incidents CSV, again"


def detect(path: Path) -> bool:
    """A JSON object with a ``log_entries`` list, or a CSV whose header has PagerDuty's incident columns."""
    start = head(path)
    if start.startswith("{"):
        return re.search(r'"log_entries"\s*:\s*\[', start) is not None
    try:
        header = next(csv.reader(io.StringIO(start.partition("\n")[0])), [])
    except csv.Error:
        return False
    return {name.strip() for name in header} >= CSV_COLUMNS


def read(path: Path, request: ImportRequest, progress: Progress) -> SourceRead:
    """The events and milestones in ``path`` (log entries JSON or incidents CSV) inside the request's window."""
    text = read_text(path, _AGAIN)
    found = SourceRead(SOURCE)
    if text.lstrip()[:1] in ("{", "["):
        _read_log(path, text, request, progress, found)
    else:
        _read_csv(path, text, request, progress, found)
    for event in sorted(found.events, key=lambda event: event.time):
        milestone = MILESTONES.get(event.kind)
        if milestone:
            found.milestones.setdefault(milestone, event.time)
    return found


def _read_log(path: Path, text: str, request: ImportRequest, progress: Progress, found: SourceRead) -> None:
    for record, entry in log_entries(text, path, "log_entries", "PagerDuty log entries", _AGAIN, found, progress):
        kind = plain(entry.get("type")).removesuffix("_reference").removesuffix("_log_entry")
        try:
            time = moment(entry.get("created_at"), request.tz)
        except ValueError as exc:
            found.bad.append(BadRecord(str(path), record, f"created_at {exc}"))
            continue
        if kind not in KEPT or not within(request, time):
            found.skipped += 1
            continue
        found.events.append(SourceEvent(
            time=time, description=_description(kind, entry), actor=_name(entry.get("agent")),
            evidence=plain(entry.get("html_url")) or f"PagerDuty log entry {plain(entry.get('id'))}".strip(),
            source=SOURCE, kind=kind))


def _description(kind: str, entry: dict[str, Any]) -> str:
    """The entry's summary ("Acknowledged by Ana Lima"), with what triggered it or the note's text."""
    summary = plain(entry.get("summary")) or kind.capitalize()
    channel = entry.get("channel") if isinstance(entry.get("channel"), dict) else {}
    if kind == "annotate":
        note = entry.get("note")
        text = plain(note.get("content") if isinstance(note, dict) else note) or plain(channel.get("summary"))
        return f"Note: {text}" if text else summary
    detail = plain(channel.get("summary")) if kind == "trigger" else ""
    return f"{summary}: {detail}" if detail and detail not in summary else summary


def _name(agent: Any) -> str:
    return plain(agent.get("summary")) if isinstance(agent, dict) else ""


def _read_csv(path: Path, text: str, request: ImportRequest, progress: Progress, found: SourceRead) -> None:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    total = text.count("\n")
    try:
        missing = CSV_COLUMNS - {name.strip() for name in reader.fieldnames or []}
        if missing:
            raise SourceError(str(path), "line 1", f"has no {', '.join(sorted(missing))} column, so it is not "
                              f"PagerDuty's incidents CSV: {_AGAIN}")
        for row in reader:
            progress(reader.line_num, total)
            record = f"line {reader.line_num}"
            try:
                events = _incident(row, request.tz)
            except ValueError as exc:
                found.bad.append(BadRecord(str(path), record, str(exc)))
                continue
            for event in events:
                if within(request, event.time):
                    found.events.append(event)
                else:
                    found.skipped += 1
    except csv.Error as exc:
        raise SourceError(str(path), f"line {reader.line_num}", f"is not CSV ({exc}): {_AGAIN}") from None


def _incident(row: dict[str, Any], tz: str) -> list[SourceEvent]:
    """One incident row's trigger, acknowledgement (when it was) and resolution (when it was)."""
    cell = {key.strip(): plain(value) for key, value in row.items() if isinstance(key, str)}
    number = cell.get("incident_number", "")
    name = f"Incident #{number}" if number else "Incident"
    evidence = f"PagerDuty incident #{number}" + (f" ({cell['id']})" if cell.get("id") else "")
    created = _time(cell, "created_on", tz)
    title = cell.get("description", "")
    service = cell.get("service_name", "")
    events = [SourceEvent(created, f"{name} triggered: {title}" if title else f"{name} triggered", actor=service,
                          evidence=evidence, source=SOURCE, kind="trigger")]
    if cell.get("seconds_to_first_ack"):
        try:
            acked = created + timedelta(seconds=float(cell["seconds_to_first_ack"]))
        except (ValueError, OverflowError):
            raise ValueError(f"seconds_to_first_ack {cell['seconds_to_first_ack'][:40]!r} is not a number") from None
        events.append(SourceEvent(acked, f"{name} acknowledged", actor=cell.get("acknowledged_by_user_names", ""),
                                  evidence=evidence, source=SOURCE, kind="acknowledge"))
    if cell.get("resolved_on"):
        auto = cell.get("auto_resolved", "").lower() in ("1", "true", "yes")
        events.append(SourceEvent(_time(cell, "resolved_on", tz), f"{name} resolved" + (" automatically" * auto),
                                  actor=cell.get("resolved_by_user_name", ""), evidence=evidence, source=SOURCE,
                                  kind="resolve"))
    return events


def _time(cell: dict[str, str], column: str, tz: str) -> datetime:
    try:
        return moment(cell.get(column), tz)
    except ValueError as exc:
        raise ValueError(f"{column} {exc}") from None
