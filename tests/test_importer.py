"""Importing timeline events from CSV and JSON files: all rows or none."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pmtui.importer import ImportError_, read_events

UTC = UTC
DAY = date(2026, 3, 14)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path, **kwargs) -> list[str]:
    with pytest.raises(ImportError_) as info:
        read_events(path, on=DAY, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message and "nothing was imported" in message
    assert info.value.path == path
    return info.value.problems


# --- CSV ---------------------------------------------------------------------


def test_good_csv(tmp_path):
    path = write(
        tmp_path,
        "events.csv",
        "time,description,actor,evidence\n"
        "14:37,checkout errors start,alice,https://grafana\n"
        '2026-03-14 14:38:45,"pager fires, on-call paged",alertmanager,\n'
        "2026-03-14T15:00:00Z,resolved,,\n",
    )
    events = read_events(path, on=DAY)
    assert [(e.time, e.description, e.actor, e.evidence) for e in events] == [
        (datetime(2026, 3, 14, 14, 37, tzinfo=UTC), "checkout errors start", "alice", "https://grafana"),
        (datetime(2026, 3, 14, 14, 38, 45, tzinfo=UTC), "pager fires, on-call paged", "alertmanager", ""),
        (datetime(2026, 3, 14, 15, 0, tzinfo=UTC), "resolved", "", ""),
    ]
    assert all(e.author == "import" for e in events)
    assert len({e.id for e in events}) == 3


def test_csv_with_only_the_required_columns_any_order_case_and_bom(tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes("\ufeff Description ,TIME\r\nfailover,14:40\r\n\r\n".encode())
    (event,) = read_events(path, tz="Europe/Berlin", on=DAY, author="lee")
    assert event.time == datetime(2026, 3, 14, 13, 40, tzinfo=UTC)
    assert (event.description, event.actor, event.author) == ("failover", "", "lee")


def test_uppercase_suffix_is_accepted(tmp_path):
    path = write(tmp_path, "EVENTS.CSV", "time,description\n14:37,x\n")
    assert len(read_events(path, on=DAY)) == 1


def test_csv_missing_header(tmp_path):
    path = write(tmp_path, "events.csv", "14:37,checkout errors start,alice,\n")
    (problem,) = problems(path)
    assert problem.startswith("line 1:") and "header" in problem


def test_csv_header_without_description(tmp_path):
    path = write(tmp_path, "events.csv", "time,actor\n14:37,alice\n")
    assert "header" in problems(path)[0]


def test_csv_unknown_column(tmp_path):
    path = write(tmp_path, "events.csv", "time,description,severity\n14:37,x,high\n")
    (problem,) = problems(path)
    assert "line 1" in problem and "unknown column 'severity'" in problem


def test_csv_bad_time_on_line_3(tmp_path):
    path = write(tmp_path, "events.csv", "time,description\n14:37,good\n25:99,bad\n14:50,good again\n")
    (problem,) = problems(path)
    assert problem.startswith("line 3:") and "25:99" in problem


def test_csv_two_bad_rows_are_both_reported(tmp_path):
    path = write(tmp_path, "events.csv", "time,description\nnoon,lunch\n14:37,fine\n14:40,\n")
    found = problems(path)
    assert len(found) == 2
    assert found[0].startswith("line 2:") and "noon" in found[0]
    assert found[1].startswith("line 4:") and "description is empty" in found[1]
    with pytest.raises(ImportError_, match=r"\(and 1 more\)"):
        read_events(path, on=DAY)


def test_csv_row_with_too_many_cells(tmp_path):
    path = write(tmp_path, "events.csv", "time,description\n14:37,x,extra\n")
    assert problems(path) == ["line 2: more cells than header columns"]


def test_csv_row_with_too_few_cells(tmp_path):
    path = write(tmp_path, "events.csv", "time,description,actor\n14:37\n")
    assert problems(path)[0].startswith("line 2:")


def test_csv_line_numbers_count_quoted_newlines(tmp_path):
    path = write(tmp_path, "events.csv", 'time,description\n14:37,"two\nlines"\nbad,x\n')
    assert problems(path)[0].startswith("line 4:")


def test_csv_with_a_header_only(tmp_path):
    path = write(tmp_path, "events.csv", "time,description,actor,evidence\n")
    assert problems(path) == ["no events found"]


def test_csv_syntax_error_is_reported_with_its_line(tmp_path):
    path = write(tmp_path, "events.csv", "time,description\n14:37,ok\n14:38," + "x" * 200_000 + "\n")
    (problem,) = problems(path)
    assert problem.startswith("line 3:") and "field larger than field limit" in problem


# --- JSON --------------------------------------------------------------------


def test_good_json(tmp_path):
    rows = [
        {"time": "2026-03-14T14:37:00Z", "description": "errors start", "actor": "alice", "evidence": "link"},
        {"time": "14:38:45", "description": "paged", "actor": None},
    ]
    path = write(tmp_path, "events.json", json.dumps(rows))
    events = read_events(path, on=DAY)
    assert [(e.time.isoformat(), e.description, e.actor, e.evidence) for e in events] == [
        ("2026-03-14T14:37:00+00:00", "errors start", "alice", "link"),
        ("2026-03-14T14:38:45+00:00", "paged", "", ""),
    ]


def test_json_bad_items_are_all_reported(tmp_path):
    rows = [
        {"time": "14:37", "description": "fine"},
        {"time": "late", "description": "bad time"},
        {"time": "14:39", "description": "x", "severity": "high"},
        "just a string",
    ]
    found = problems(write(tmp_path, "events.json", json.dumps(rows)))
    assert [p.split(":")[0] for p in found] == ["item 2", "item 3", "item 4"]
    assert "unknown field 'severity'" in found[1]


@pytest.mark.parametrize(
    "row",
    [
        {"time": 1437, "description": "number"},
        {"time": "14:37", "description": ["a"]},
        {"time": "14:37", "description": "x", "actor": {"name": "a"}},
        {"time": "14:37", "description": True},
    ],
)
def test_json_wrong_types(tmp_path, row):
    (problem,) = problems(write(tmp_path, "events.json", json.dumps([row])))
    assert problem == "item 1: every field must be text"


def test_json_missing_description(tmp_path):
    (problem,) = problems(write(tmp_path, "events.json", '[{"time": "14:37"}]'))
    assert problem == "item 1: description is empty"


def test_not_json(tmp_path):
    (problem,) = problems(write(tmp_path, "events.json", '[{"time": "14:37",\n oops}]'))
    assert problem.startswith("line 2: not valid JSON")


@pytest.mark.parametrize("text", ['{"time": "14:37", "description": "x"}', '"text"', "42", "null"])
def test_json_not_a_list(tmp_path, text):
    (problem,) = problems(write(tmp_path, "events.json", text))
    assert "expected a JSON list" in problem


def test_json_empty_list(tmp_path):
    assert problems(write(tmp_path, "events.json", "[]")) == ["no events found"]


# --- files -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["events.txt", "events", "events.xlsx"])
def test_other_file_types_are_rejected(tmp_path, name):
    (problem,) = problems(write(tmp_path, name, "time,description\n14:37,x\n"))
    assert "unknown file type" in problem


@pytest.mark.parametrize("name", ["events.csv", "events.json"])
@pytest.mark.parametrize("text", ["", "  \n\n"])
def test_empty_file(tmp_path, name, text):
    assert problems(write(tmp_path, name, text)) == ["the file is empty"]


def test_missing_file(tmp_path):
    (problem,) = problems(tmp_path / "nope.csv")
    assert "cannot read the file" in problem


def test_not_utf8(tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(b"time,description\n14:37,caf\xe9\n")
    assert problems(path) == ["file is not UTF-8 text"]
