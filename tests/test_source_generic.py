"""JSON lines and CSV sources: pmtui's own files as today, other tools' exports with --map, bad records by line."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pmtui.sources import ImportRequest, SourceError, jsonl, read_timeline
from pmtui.sources import csv as csv_source
from pmtui.sources.generic import MAX_EVENTS, MappingError, parse_mapping, read_epoch

DATA = Path(__file__).parent / "data"
DAY = date(2026, 11, 17)
NEAR = datetime(2026, 11, 17, 14, 30, tzinfo=UTC)


def read(path: Path, kind: str, **request) -> object:
    seen = []
    found = read_timeline(path, kind, ImportRequest(**{"on": DAY, **request}), lambda d, t: seen.append((d, t)))
    assert seen and seen[-1][0] == seen[-1][1]  # progress ends at its total
    return found


def test_the_mapping_is_read_and_refused_in_one_line():
    assert parse_mapping(" time=@timestamp, description=message,actor=kubernetes.pod ,") == {
        "time": "@timestamp", "description": "message", "actor": "kubernetes.pod"}
    for spec, what in (("time", "not FIELD=NAME"), ("when=ts", "unknown field 'when'"), (" , ", "empty"),
                       ("time=", "not FIELD=NAME")):
        with pytest.raises(MappingError, match=what):
            parse_mapping(spec)


def test_epoch_seconds_milliseconds_and_nanoseconds():
    moment = datetime(2017, 1, 31, 23, 27, tzinfo=UTC)
    assert read_epoch(1485905220) == read_epoch(1485905220000) == read_epoch(1485905220 * 10**9) == moment


def test_loki_lines_with_a_map_and_nested_fields():
    found = read(DATA / "jsonl" / "logcli.jsonl", "jsonl",
                 mapping=parse_mapping("time=timestamp,description=line,actor=labels.app"))
    assert [(e.time.isoformat(), e.description, e.actor, e.source) for e in found.events][:2] == [
        ("2026-11-17T14:36:58.120000+00:00", "connection pool exhausted (20/20 in use)", "checkout-api",
         "jsonl:logcli.jsonl"),
        ("2026-11-17T14:37:02.480000+00:00", "HTTP 503 on POST /checkout", "checkout-api", "jsonl:logcli.jsonl")]
    assert found.kind == "jsonl" and found.bad == [] and len(found.events) == 3


def test_pmtui_own_json_lines_read_a_bare_time_near_the_one_before():
    found = read(DATA / "jsonl" / "events.jsonl", "jsonl")
    assert [e.time for e in found.events] == [datetime(2026, 11, 17, 14, 37, tzinfo=UTC),
                                             datetime(2026, 11, 17, 14, 38, 45, tzinfo=UTC)]


def test_cloudwatch_csv_with_a_map_in_any_case(tmp_path):
    found = read(DATA / "csv" / "cloudwatch.csv", "csv",
                 mapping=parse_mapping("time=@TIMESTAMP,description=@message,actor=@logStream"))
    assert [(e.description, e.actor, e.source) for e in found.events] == [
        ("connection pool exhausted (20/20 in use)", "checkout-api/7f9c", "csv:cloudwatch.csv"),
        ("HTTP 503 on POST /checkout", "checkout-api/7f9c", "csv:cloudwatch.csv")]


def test_the_own_csv_is_read_as_today_near_the_impact_start():
    found = read(DATA / "csv" / "events.csv", "csv", near=NEAR, tz="Europe/Berlin")
    assert [e.time for e in found.events] == [datetime(2026, 11, 17, 13, 37, tzinfo=UTC),
                                             datetime(2026, 11, 17, 13, 38, 45, tzinfo=UTC)]


def test_bad_records_name_their_line_and_the_good_ones_are_kept(tmp_path):
    path = tmp_path / "app.log"
    path.write_bytes(b'{"ts": 1763390220, "msg": "ok"}\n\n{"ts": "late", "msg": "x"}\nnot json\n[1]\n'
                     b'{"ts": 1763390221}\n{"ts": 1763390222, "msg": {"a": 1}}\n\xff\n')
    found = read(path, "jsonl", mapping={"time": "ts", "description": "msg"})
    assert [e.description for e in found.events] == ["ok"]
    assert [str(b).split(": ", 1)[1] for b in found.bad] == [
        "line 3: cannot read time 'late': use ISO 8601, 'YYYY-MM-DD HH:MM[:SS]' or 'HH:MM[:SS]' or epoch "
        "seconds/milliseconds",
        "line 4: not valid JSON (Expecting value)", "line 5: expected a JSON object",
        "line 6: no field 'msg': check --map", "line 7: field 'msg' is not text or a number",
        "line 8: not UTF-8 text"]


def test_without_a_map_other_fields_are_bad_and_with_one_ignored(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"time": "14:37", "description": "x", "level": "error"}\n')
    assert str(read(path, "jsonl").bad[0]).endswith("line 1: unknown field 'level' (other fields need --map)")
    assert read(path, "jsonl", mapping={"description": "description"}).bad == []
    table = tmp_path / "x.csv"
    table.write_text("ts,msg,level\n14:37,x,error\n")
    with pytest.raises(SourceError, match="line 1: the header must name the columns time,description"):
        read(table, "csv")
    with pytest.raises(SourceError, match=r"line 1: no column 'message' for description .*check --map"):
        read(table, "csv", mapping={"time": "ts", "description": "message"})


def test_the_window_skips_and_counts(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text("".join(json.dumps({"time": f"2026-11-17T{h:02d}:00:00Z", "description": f"at {h}"}) + "\n"
                            for h in range(10, 20)))
    found = read(path, "jsonl", start=datetime(2026, 11, 17, 12, tzinfo=UTC),
                 end=datetime(2026, 11, 17, 14, tzinfo=UTC))
    assert [e.description for e in found.events] == ["at 12", "at 13", "at 14"] and found.skipped == 7


def test_a_mapped_long_message_is_kept_whole_for_timeline_events_to_cut(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"t": 1763390220, "m": "x" * 5000}) + "\n")
    assert len(read(path, "jsonl", mapping={"time": "t", "description": "m"}).events[0].description) == 5000


def test_detection_by_content_and_name(tmp_path):
    (tmp_path / "a.txt").write_text('{"a": 1}\n')
    (tmp_path / "list.json").write_text(' [ {"time": "14:37"} ]')
    (tmp_path / "pretty.json").write_text('{\n  "a": 1\n}\n')
    (tmp_path / "x.csv").write_text("a,b\n")
    (tmp_path / "x.txt").write_text("a,b\n")
    (tmp_path / "folder").mkdir()
    assert [p.name for p in sorted(tmp_path.iterdir()) if jsonl.detect(p)] == ["a.txt", "list.json"]
    assert [p.name for p in sorted(tmp_path.iterdir()) if csv_source.detect(p)] == ["x.csv"]
    assert jsonl.detect(tmp_path / "missing") is False and csv_source.detect(tmp_path / "missing.csv") is False


# --- attacks -----------------------------------------------------------------------------------------------------


def test_a_huge_line_is_one_bad_record_and_memory_is_not_spent_on_it(tmp_path):
    path = tmp_path / "x.jsonl"
    with path.open("wb") as out:
        out.write(b'{"time": "14:37", "description": "before"}\n')
        out.write(b'{"description": "' + b"x" * (3 * jsonl.MAX_LINE) + b'"}\n')
        out.write(b'{"time": "14:38", "description": "after"}\n')
    found = read(path, "jsonl")
    assert [e.description for e in found.events] == ["before", "after"]
    assert [str(b) for b in found.bad] == [f"{path}: line 2: longer than 1 MiB"]


def test_too_many_events_ask_for_a_window(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"t": 1763390220, "m": "x"}\n' * (MAX_EVENTS + 1))
    with pytest.raises(SourceError, match=r"line 50001: more than 50,000 events: .*--window"):
        read(path, "jsonl", mapping={"time": "t", "description": "m"})


def test_escape_codes_and_bidi_in_a_mapped_field_are_removed(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"t": 1763390220, "m": "pool \x1b[2J\x1b]0;pwned\x07 full\u202e", "h": "db\u200b-1"})
                    + "\n")
    (event,) = read(path, "jsonl", mapping={"time": "t", "description": "m", "actor": "h"}).events
    assert "\x1b" not in event.description and "\u202e" not in event.description and event.actor == "db-1"


@pytest.mark.parametrize("text", ["", "  \n\n", "\ufeff\n"])
def test_an_empty_file_is_one_line(tmp_path, text):
    for name, kind in (("x.csv", "csv"), ("x.jsonl", "jsonl")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(SourceError, match="the file is empty|no events found"):
            read(path, kind)


def test_the_cap_counts_only_the_events_in_the_window(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"t": 1763390220, "m": "x"}\n' * (MAX_EVENTS + 1) + '{"t": 1763400000, "m": "later"}\n')
    found = read(path, "jsonl", mapping={"time": "t", "description": "m"},
                 start=datetime(2025, 11, 17, 17, tzinfo=UTC))
    assert [e.description for e in found.events] == ["later"] and found.skipped == MAX_EVENTS + 1
