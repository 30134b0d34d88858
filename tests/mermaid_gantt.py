"""Mermaid's gantt grammar, as far as a chart pmtui writes depends on it: a checker that lists every broken rule.

The rules come from Mermaid 11's lexer and grammar (packages/mermaid/src/diagrams/gantt/parser/gantt.jison)
and its task compiler (ganttDb.js):

- The lexer takes the FIRST rule that matches, case-insensitively, so a task name that begins with a keyword
  (``title``, ``section``, ``click``, ``call``, ``gantt``, a ``YYYY-MM-DD`` date...) is read as that keyword.
- A task name is ``[^:\\n]+``: it ends at the first ``:``. Its data is ``":"[^#\\n;]+``; ``#`` and ``;`` end
  it, and Mermaid's entity decoding reads ``#...;`` anywhere; ``%%`` starts a comment.
- ``dateFormat``, ``axisFormat`` and ``tickInterval`` take ``[^#\\n;]+``; ``dateFormat`` is dayjs's parse
  format, ``axisFormat`` d3's time format, ``tickInterval`` ``^[1-9]\\d*(millisecond|second|...|month)$``.
- A task's data is ``[tags,] [id,] start, end`` split on ``,``; a start or end that does not parse with the
  date format silently becomes a zero-length or wrong bar (ganttDb falls back to ``new Date()`` or treats
  the text as a duration), so this checker parses every date itself and wants the end after the start.
"""

from __future__ import annotations

import re
from datetime import datetime

_KEYWORDS = (
    "gantt", "dateformat", "inclusiveenddates", "topaxis", "axisformat", "tickinterval", "includes", "excludes",
    "todaymarker", "weekday", "weekend", "title", "accdescription", "acctitle", "accdescr", "section", "click",
    "href", "call",
)
_DATE_AT_START = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAYJS_TOKENS = {"YYYY": "%Y", "MM": "%m", "DD": "%d", "HH": "%H", "mm": "%M", "ss": "%S"}
_DAYJS_PART = re.compile(r"YYYY|MM|DD|HH|mm|ss|[-:T /.]")
_D3_DIRECTIVE = re.compile(r"%[-_0]?(.)")
_D3_DIRECTIVES = set("aAbBcdefgGHIjLmMpqQsSuUVwWxXyYZ%")
_TICK_INTERVAL = re.compile(r"[1-9]\d*(millisecond|second|minute|hour|day|week|month)")
_TAGS = {"active", "done", "crit", "milestone", "vert"}
_TASK_ID = re.compile(r"[A-Za-z_][\w-]*")
_STATEMENT = re.compile(r"(?P<keyword>title|dateFormat|axisFormat|tickInterval|todayMarker|section)\s(?P<value>.*)")


def gantt_violations(text: str) -> list[str]:
    """Every rule of Mermaid's gantt syntax that ``text`` breaks (empty: Mermaid reads it as meant)."""
    lines = text.splitlines()
    problems: list[str] = []
    if not lines or lines[0].strip() != "gantt":
        problems.append("the first line must be 'gantt'")
    python_format = None
    tasks = 0
    for number, raw in enumerate(lines[1:], 2):
        line = raw.strip()
        where = f"line {number} {raw!r}"
        if not line:
            continue
        statement = _STATEMENT.fullmatch(line)
        if statement and statement["keyword"] in ("title", "section"):
            if not statement["value"].strip() or "%%" in line:
                problems.append(f"{where}: an empty {statement['keyword']} or a comment in it")
        elif statement and statement["keyword"] == "dateFormat":
            python_format = _date_format(statement["value"].strip(), where, problems)
        elif statement and statement["keyword"] == "axisFormat":
            _axis_format(statement["value"].strip(), where, problems)
        elif statement and statement["keyword"] == "tickInterval":
            if not _TICK_INTERVAL.fullmatch(statement["value"].strip()):
                problems.append(f"{where}: not a tick interval Mermaid knows")
        elif statement and statement["keyword"] == "todayMarker":
            if ";" in line or not statement["value"].strip():
                problems.append(f"{where}: todayMarker takes 'off' or a style without ';'")
        elif ":" in line:
            tasks += 1
            if python_format is None:
                problems.append(f"{where}: a task before the dateFormat line")
            _task(line, python_format, where, problems)
        else:
            problems.append(f"{where}: not a gantt statement")
    if tasks == 0:
        problems.append("the chart has no task")
    return problems


def _date_format(fmt: str, where: str, problems: list[str]) -> str | None:
    parts = _DAYJS_PART.findall(fmt)
    if "".join(parts) != fmt or "#" in fmt or ";" in fmt:
        problems.append(f"{where}: the date format has something other than YYYY MM DD HH mm ss and separators")
        return None
    return "".join(_DAYJS_TOKENS.get(part, part) for part in parts)


def _axis_format(fmt: str, where: str, problems: list[str]) -> None:
    if not fmt or "#" in fmt or ";" in fmt:
        problems.append(f"{where}: an empty axis format, or '#' or ';' in it")
    for directive in _D3_DIRECTIVE.findall(fmt):
        if directive not in _D3_DIRECTIVES:
            problems.append(f"{where}: %{directive} is not a d3 time format directive")
    if fmt.count("%") != len(_D3_DIRECTIVE.findall(fmt)):
        problems.append(f"{where}: a lone '%' in the axis format")


def _task(line: str, python_format: str | None, where: str, problems: list[str]) -> None:
    name, _, data = line.partition(":")
    name = name.strip()
    lowered = name.lower()
    if not name:
        problems.append(f"{where}: a task without a name")
    if any(lowered.startswith(keyword) for keyword in _KEYWORDS) or _DATE_AT_START.match(name):
        problems.append(f"{where}: the task name begins with a keyword Mermaid's lexer takes first")
    if any(character in name for character in "#;%"):
        problems.append(f"{where}: '#', ';' or '%' in a task name (entities and comments)")
    if not data.strip() or any(character in data for character in "#;"):
        problems.append(f"{where}: the task's data is empty or holds '#' or ';'")
        return
    fields = [field.strip() for field in data.split(",")]
    while fields and fields[0] in _TAGS:
        fields.pop(0)
    if len(fields) == 3:
        if not _TASK_ID.fullmatch(fields[0]):
            problems.append(f"{where}: {fields[0]!r} is not a task id")
        fields.pop(0)
    if len(fields) != 2:
        problems.append(f"{where}: a task here needs a start and an end")
        return
    if python_format is None:
        return
    try:
        start, end = (datetime.strptime(field, python_format) for field in fields)
    except ValueError as error:
        problems.append(f"{where}: a date that does not match the date format ({error})")
        return
    if any(moment.strftime(python_format) != field for moment, field in zip((start, end), fields)):
        problems.append(f"{where}: a date not written exactly as the date format says (dayjs parses strictly)")
    if end <= start:
        problems.append(f"{where}: the task ends at or before its start")
