"""What the jsonl and csv sources share: the ``--map`` of a record's fields, their times, and the order of reading.

Without a mapping a file is pmtui's own (fields time, description, actor, evidence) and is read by today's rules:
an unknown field or a non-text value is a bad record, a field over its limit too. With a mapping it is another
tool's export (Loki, Elasticsearch, CloudWatch Insights): other fields are ignored, numbers are read as text or as
epoch times, and long text is cut by :func:`timeline_events`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from ..text import LIMITS, clean
from ..timeparse import ACCEPTED, TimeFormatError, is_clock_time, parse_time
from .base import BadRecord, ImportRequest, Progress, SourceError, SourceEvent, SourceRead

FIELDS = ("time", "description", "actor", "evidence")
"""An event's fields a record maps to, pmtui's own names of them."""
MAX_EVENTS = 50_000
"""More events than a post-mortem's timeline can hold: the file is refused and a narrower --window asked for."""
_EPOCH = re.compile(r"^\d{9,20}(\.\d+)?$")


class MappingError(ValueError):
    """A ``--map`` that cannot be read; the message says what to write instead."""


def parse_mapping(spec: str) -> dict[str, str]:
    """``time=@timestamp,description=message,actor=host`` as {event field: record field}."""
    mapping: dict[str, str] = {}
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        field, equals, name = (s.strip() for s in part.partition("="))
        if not equals or not name:
            raise MappingError(f"{part!r} is not FIELD=NAME (e.g. time=@timestamp,description=message)")
        if field not in FIELDS:
            raise MappingError(f"unknown field {field!r}: map {', '.join(FIELDS)}")
        mapping[field] = name
    if not mapping:
        raise MappingError("empty: give FIELD=NAME pairs, e.g. time=@timestamp,description=message")
    return mapping


@dataclass(frozen=True)
class Record:
    """One record of a file: where it is (``line 12``, ``item 3``) and its fields, or what was wrong reading it."""

    where: str
    fields: dict | None = None
    problem: str = ""


def read_epoch(value: float) -> datetime:
    """An epoch time in seconds, milliseconds, microseconds or nanoseconds (Loki), told apart by its size."""
    for scale in (1, 1e3, 1e6, 1e9):
        if abs(value) < 1e11 * scale:
            return datetime.fromtimestamp(value / scale, UTC)
    raise ValueError(f"time {value!r} is not an epoch time")


def read_time(value: str | float, request: ImportRequest, near: datetime | None) -> datetime:
    """``value`` as an aware time: epoch (number or digits), ISO 8601, or pmtui's own forms near ``near``."""
    if isinstance(value, int | float):
        return read_epoch(value)
    if _EPOCH.match(value):
        return read_epoch(float(value))
    try:
        return parse_time(value, request.tz, request.on, near=near)
    except TimeFormatError as exc:
        hint = " or epoch seconds/milliseconds" if str(exc).endswith(ACCEPTED) else ""
        raise ValueError(f"{exc}{hint}") from None


def _lookup(fields: dict, name: str) -> object:
    """The record's field ``name``; a dotted name (``kubernetes.pod``) walks nested objects when no field has it."""
    if name in fields:
        return fields[name]
    value: object = fields
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


class Reader:
    """Turns a file's records into a :class:`SourceRead`, by today's rules or by a mapping."""

    def __init__(self, kind: str, file: str, request: ImportRequest, *, source: str) -> None:
        self.kind, self.file, self.request, self.source = kind, file, request, source
        self.strict = not request.mapping
        self.names = {**{f: f for f in FIELDS}, **request.mapping}
        self.windowed = request.start is not None or request.end is not None

    def values(self, fields: dict) -> dict[str, str | float]:
        """The event's fields of one record; ValueError says what is wrong with it."""
        if self.strict:
            return self._own(fields)
        values: dict[str, str | float] = {}
        for field in FIELDS:
            value = _lookup(fields, self.names[field])
            if value is None:
                if field in ("time", "description"):
                    raise ValueError(f"no field {self.names[field]!r}: check --map")
                value = ""
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise ValueError(f"field {self.names[field]!r} is not text or a number")
            values[field] = value if field == "time" and not isinstance(value, str) else clean(str(value)).strip()
        if not values["description"]:
            raise ValueError(f"description ({self.names['description']!r}) is empty")
        return values

    def _own(self, fields: dict) -> dict[str, str | float]:
        unknown = [k for k in fields if k not in FIELDS]
        if unknown:
            raise ValueError(f"unknown field {unknown[0]!r} (other fields need --map)")
        values = {k: fields.get(k) if fields.get(k) is not None else "" for k in FIELDS}
        if not all(isinstance(v, str) for v in values.values()):
            raise ValueError("every field must be text")
        values = {k: clean(v).strip() for k, v in values.items()}
        for name, value in values.items():
            if len(value) > LIMITS[name]:
                raise ValueError(f"{name} is too long ({len(value)} characters; at most {LIMITS[name]}): shorten it")
        if not values["description"]:
            raise ValueError("description is empty")
        return values

    def read(self, records: Iterable[Record], progress: Progress, *, position=lambda: 0, total: int = 0) -> SourceRead:
        """Every record read in order: a clock-only time near the one before it; the window applied as it goes.

        The records before the first dated one are moved by whole days so that the one nearest ``request.near``
        is within 12 hours of it (the first row of a log sorted newest first is far from the impact start), and only
        then windowed; at most :data:`MAX_EVENTS` are kept.
        """
        found = SourceRead(self.kind)
        undated: list[SourceEvent] = []  # before the first dated record: moved as one at the end
        previous, dated = self.request.near, False
        for count, record in enumerate(records, 1):
            if count % 1000 == 0:
                progress(position(), total)
            outside = self._outside(record.fields, previous) if self.windowed and dated and record.fields else None
            if outside is not None:
                found.skipped += 1
                previous = outside
                continue
            try:
                if record.fields is None:
                    raise ValueError(record.problem)
                values = self.values(record.fields)
                moment = read_time(values["time"], self.request, previous)
            except ValueError as exc:
                found.bad.append(BadRecord(self.file, record.where, str(exc)))
                continue
            previous = moment
            event = SourceEvent(moment, str(values["description"]), str(values["actor"]), str(values["evidence"]),
                                source=self.source)
            dated = dated or not (isinstance(values["time"], str) and is_clock_time(values["time"]))
            if not dated:
                undated.append(event)
            elif self._within(moment):
                found.events.append(event)
            else:
                found.skipped += 1
            if len(undated) + len(found.events) > MAX_EVENTS:
                raise SourceError(self.file, record.where, f"more than {MAX_EVENTS:,} events: import a part of "
                                  "the file with --window START..END")
        progress(total, total)
        if not (undated or found.events or found.skipped or found.bad):
            raise SourceError(self.file, "", "no events found")
        if self.request.near is not None:
            undated = _moved_near(undated, self.request.near)
        first = [e for e in undated if self._within(e.time)]
        found.skipped += len(undated) - len(first)
        found.events[:0] = first
        return found

    def _outside(self, fields: dict, near: datetime | None) -> datetime | None:
        """A record's time when, read cheaply, it is outside the window, else None (read again with the record's other
        checks): most of a log is outside, and skipping it before its text is cleaned halves the time."""
        value = _lookup(fields, self.names["time"])
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return None
        try:
            moment = read_time(value.strip() if isinstance(value, str) else value, self.request, near)
        except ValueError:
            return None
        return None if self._within(moment) else moment

    def _within(self, moment: datetime) -> bool:
        start, end = self.request.start, self.request.end
        return (start is None or moment >= start) and (end is None or moment <= end)


def _moved_near(events: list[SourceEvent], near: datetime) -> list[SourceEvent]:
    """``events`` (times read one from the other) moved by the whole days that bring the nearest to ``near``."""
    if not events:
        return events

    def distance(days: int) -> float:
        return min(abs((e.time + timedelta(days=days) - near).total_seconds()) for e in events)

    shift = timedelta(days=min((-1, 0, 1), key=lambda days: (distance(days), abs(days))))
    return [replace(e, time=e.time + shift) for e in events] if shift else events


def lines(stream, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """The numbered lines of binary ``stream``, None for one longer than ``limit`` bytes (the rest is skipped)."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(limit + 1)
            yield number, None
            continue
        yield number, line
