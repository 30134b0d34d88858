"""JSON lines (one object per line: log exports from Loki, Elasticsearch, CloudWatch) and pmtui's own JSON list.

A file starting with ``[`` is pmtui's JSON list of events (records ``item N``, read whole, at most
:data:`MAX_BYTES`); any other is JSON lines, streamed (records ``line N``; memory stays flat).
"""

from __future__ import annotations

import json
from pathlib import Path

from .base import ImportRequest, Progress, SourceError, SourceRead
from .generic import Reader, Record, lines

MAX_BYTES = 20 * 1024 * 1024
"""The largest JSON list read whole."""
MAX_LINE = 1024 * 1024
"""The longest JSON line read; a longer one is a bad record."""
_PEEK = 64 * 1024


def detect(path: Path) -> bool:
    """A file whose first line is a JSON object, or a JSON list of objects."""
    head = _head(path)
    if head.startswith("["):
        return head[1:].lstrip()[:1] in ("{", "]")
    first = head.split("\n", 1)[0].strip()
    if not first.startswith("{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def read(path: Path, request: ImportRequest, progress: Progress) -> SourceRead:
    """The events of every line (or item) of ``path``; a line that is not a JSON object is a bad record."""
    reader = Reader("jsonl", str(path), request, source=f"jsonl:{path.name}")
    if _head(path, strict=True).startswith("["):
        return reader.read(list_records(path), progress)
    try:
        with path.open("rb") as stream:
            total = path.stat().st_size
            return reader.read(_line_records(stream), progress, position=stream.tell, total=total)
    except OSError as exc:
        raise SourceError(str(path), "", f"cannot read the file ({exc.strerror or exc})") from None


def list_records(path: Path) -> list[Record]:
    """The items of pmtui's JSON list file; SourceError when it is not one."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise SourceError(str(path), "", f"file is larger than {MAX_BYTES // 2**20} MiB")
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(str(path), "", "file is not UTF-8 text") from None
    except OSError as exc:
        raise SourceError(str(path), "", f"cannot read the file ({exc.strerror or exc})") from None
    if not text.strip():
        raise SourceError(str(path), "", "the file is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(str(path), f"line {exc.lineno}", f"not valid JSON ({exc.msg})") from None
    if not isinstance(data, list):
        raise SourceError(str(path), "", "expected a JSON list of objects with time and description")
    return [Record(f"item {i}", item) if isinstance(item, dict)
            else Record(f"item {i}", problem="expected an object with time and description")
            for i, item in enumerate(data, 1)]


def _line_records(stream):
    for number, raw in lines(stream, MAX_LINE):
        where = f"line {number}"
        if raw is None:
            yield Record(where, problem=f"longer than {MAX_LINE // 2**20} MiB")
            continue
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            yield Record(where, problem="not UTF-8 text")
            continue
        if not text.strip():
            continue
        try:
            item = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Record(where, problem=f"not valid JSON ({exc.msg})")
            continue
        yield Record(where, item) if isinstance(item, dict) else Record(where, problem="expected a JSON object")


def _head(path: Path, *, strict: bool = False) -> str:
    """The file's first characters, stripped; "" for what cannot be read (SourceError when ``strict``)."""
    try:
        with path.open("rb") as stream:
            return stream.read(_PEEK).decode("utf-8-sig", errors="replace").lstrip()
    except OSError as exc:
        if strict:
            raise SourceError(str(path), "", f"cannot read the file ({exc.strerror or exc})") from None
        return ""
