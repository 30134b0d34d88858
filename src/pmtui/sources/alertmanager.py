"""Alertmanager (and Grafana, which sends the same shape): webhook payloads, one JSON document or JSON lines.

A receiver that logs what Alertmanager POSTs to a ``webhook_config`` URL keeps one payload a line; a single payload
saved from a request is one document. Each alert in ``alerts`` gives a "firing" event at ``startsAt`` and, once its
status is ``resolved``, a "resolved" event at ``endsAt`` (``0001-01-01T00:00:00Z`` means not ended). Alertmanager
repeats a firing alert in every notification of its group until it resolves, so an alert (its ``fingerprint``, else
its labels) that started at the same moment gives each event once; the repeats are counted as skipped.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from .base import BadRecord, ImportRequest, Progress, SourceError, SourceEvent, SourceRead
from .documents import head, moment, parse_json, plain, read_text, within

SOURCE = "alertmanager"
AUTHOR = "Alertmanager"
_AGAIN = "give the webhook payloads Alertmanager sent, one JSON document or one payload a line"


def detect(path: Path) -> bool:
    """A JSON object (or JSON lines of them) with an ``alerts`` list whose alerts have ``startsAt``."""
    start = head(path)
    return (start.startswith("{") and re.search(r'"alerts"\s*:\s*\[', start) is not None
            and '"startsAt"' in start)


def read(path: Path, request: ImportRequest, progress: Progress) -> SourceRead:
    """The firing and resolved events of every alert in the payloads, each once, inside the request's window."""
    text = read_text(path, _AGAIN)
    found = SourceRead(SOURCE)
    seen: set[tuple[str, str, datetime]] = set()
    for record, payload in _payloads(path, text, found, progress):
        alerts = payload.get("alerts") if isinstance(payload, dict) else None
        if not isinstance(alerts, list):
            if not record:
                raise SourceError(str(path), "", f'has no "alerts" list, so it is not a webhook payload: {_AGAIN}')
            found.bad.append(BadRecord(str(path), record, 'is not a webhook payload (no "alerts" list)'))
            continue
        for index, alert in enumerate(alerts):
            where = f"{record} alerts[{index}]".strip()
            try:
                events = _events(alert, request.tz)
            except ValueError as exc:
                found.bad.append(BadRecord(str(path), where, str(exc)))
                continue
            for key, event in events:
                if (key, event.kind, event.time) in seen or not within(request, event.time):
                    found.skipped += 1
                    continue
                seen.add((key, event.kind, event.time))
                found.events.append(event)
    return found


def _payloads(path: Path, text: str, found: SourceRead, progress: Progress):
    """(record, payload) for the one document ("" as its record) or each JSON line (``line N``)."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    try:
        one_a_line = first.strip() != text.strip() and isinstance(json.loads(first), dict)
    except (ValueError, RecursionError):
        one_a_line = False
    if not one_a_line:
        progress(1, 1)
        yield "", parse_json(text, path, "", _AGAIN)
        return
    for number, line in enumerate(lines, start=1):
        progress(number, len(lines))
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line)
        except json.JSONDecodeError as exc:
            found.bad.append(BadRecord(str(path), f"line {number}", f"is not JSON ({exc.msg})"))
        except RecursionError:
            found.bad.append(BadRecord(str(path), f"line {number}", "is nested too deeply to be a payload"))


def _events(alert: Any, tz: str) -> list[tuple[str, SourceEvent]]:
    """The alert's firing event and, when resolved, its resolved event, each with the key that makes it the same."""
    if not isinstance(alert, dict):
        raise ValueError("is not an alert (an object)")
    status = plain(alert.get("status"))
    if status not in ("firing", "resolved"):
        raise ValueError(f"status {status[:40]!r} is neither firing nor resolved")
    labels = alert.get("labels") if isinstance(alert.get("labels"), dict) else {}
    annotations = alert.get("annotations") if isinstance(alert.get("annotations"), dict) else {}
    key = plain(alert.get("fingerprint")) or json.dumps(labels, sort_keys=True, default=str)
    try:
        started = moment(alert.get("startsAt"), tz)
    except ValueError as exc:
        raise ValueError(f"startsAt {exc}") from None
    name = plain(labels.get("alertname")) or "Alert"
    place = plain(labels.get("instance")) or plain(labels.get("job"))
    on = f" on {place}" if place else ""
    summary = plain(annotations.get("summary")) or plain(annotations.get("description"))
    evidence = plain(alert.get("generatorURL")) or (f"fingerprint {key}" if alert.get("fingerprint") else "")
    firing = SourceEvent(started, f"{name} firing{on}" + (f": {summary}" if summary else ""), evidence=evidence,
                         author=AUTHOR, source=SOURCE, kind="firing")
    if status == "firing":
        return [(key, firing)]
    try:
        ended = moment(alert.get("endsAt"), tz)
    except ValueError as exc:
        raise ValueError(f"endsAt {exc}") from None
    if ended.year == 1:
        raise ValueError("is resolved but endsAt is 0001-01-01 (not ended)")
    return [(key, firing), (key, SourceEvent(ended, f"{name} resolved{on}", evidence=evidence, author=AUTHOR,
                                             source=SOURCE, kind="resolved"))]
