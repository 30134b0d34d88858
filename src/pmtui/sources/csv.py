"""CSV with a header row: pmtui's own columns (time,description,actor,evidence) or any, picked with ``--map``.

Streamed row by row; a record is a physical ``line N`` (a quoted cell's newlines counted), as the editor shows it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .base import ImportRequest, Progress, SourceError, SourceRead
from .generic import FIELDS, Reader, Record


def detect(path: Path) -> bool:
    """A file named ``.csv`` (a comma in a text file is no sign of a table)."""
    return path.suffix.lower() == ".csv" and path.is_file()


def read(path: Path, request: ImportRequest, progress: Progress) -> SourceRead:
    """The events of every row of ``path``; the header decides the columns, ``request.mapping`` which is which."""
    reader = Reader("csv", str(path), request, source=f"csv:{path.name}")
    try:
        if _blank(path):
            raise SourceError(str(path), "", "the file is empty")
        with path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            try:
                return reader.read(_rows(str(path), text, reader), progress, position=raw.tell,
                                   total=path.stat().st_size)
            except UnicodeDecodeError:
                raise SourceError(str(path), "", "file is not UTF-8 text") from None
    except OSError as exc:
        raise SourceError(str(path), "", f"cannot read the file ({exc.strerror or exc})") from None


def _rows(file: str, text, reader: Reader):
    table = csv.DictReader(text)
    header = [h.strip() for h in (table.fieldnames or [])]
    table.fieldnames = _columns(file, header, reader)
    try:
        for row in table:
            where = f"line {table.line_num}"
            if None in row:
                yield Record(where, problem="more cells than header columns")
            else:
                yield Record(where, {k: v for k, v in row.items() if k is not None})
    except csv.Error as exc:
        raise SourceError(file, f"line {table.reader.line_num}", str(exc)) from None


def _columns(file: str, header: list[str], reader: Reader) -> list[str]:
    """The header as the reader's names: pmtui's own (lower case) or those ``--map`` names."""
    if reader.strict:
        header = [h.lower() for h in header]
        if "time" not in header or "description" not in header:
            raise SourceError(file, "line 1", "the header must name the columns time,description[,actor,evidence]"
                              " (other columns: --map time=COLUMN,description=COLUMN)")
        unknown = [h for h in header if h not in FIELDS]
        if unknown:
            raise SourceError(file, "line 1", f"unknown column {unknown[0]!r}; use {','.join(FIELDS)} or --map")
        return header
    by_case = {h.lower(): h for h in reversed(header)}
    for field in ("time", "description", *(f for f in FIELDS if f in reader.request.mapping)):
        name = reader.names[field]
        if name not in header and name.lower() not in by_case:
            raise SourceError(file, "line 1", f"no column {name!r} for {field} (the header has "
                              f"{', '.join(header)[:200]}): check --map")
    wanted = {reader.names[f].lower(): reader.names[f] for f in FIELDS}
    return [h if h in reader.names.values() else wanted.get(h.lower(), h) for h in header]


def _blank(path: Path) -> bool:
    """Whether ``path`` holds nothing but white space (read in chunks until something else shows)."""
    with path.open("rb") as stream:
        while chunk := stream.read(64 * 1024):
            if chunk.replace(b"\xef\xbb\xbf", b"").strip():
                return False
    return True
