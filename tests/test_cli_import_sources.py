"""``pmtui import`` with every source: detection said, dry run, bad records, duplicates, the window, milestones.

The Slack and paging sources are other modules; where their behaviour matters here a small fake source stands in
for them in the registry (the CLI only calls ``sources.read_timeline``), so these tests hold whatever they read.
"""

from __future__ import annotations

import io
import os
import shlex
import shutil
import subprocess
import sys
import types
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from pmtui import sources as registry
from pmtui.cli import importing, main
from pmtui.model import Incident, TimelineEvent
from pmtui.session import MeetingSession
from pmtui.sources import SourceEvent, SourceRead, detect

DATA = Path(__file__).parent / "data"
IMPACT = datetime(2026, 11, 17, 14, 30, tzinfo=UTC)
SAMPLES = {
    "jsonl/logcli.jsonl": "jsonl", "jsonl/events.jsonl": "jsonl", "csv/events.csv": "csv",
    "csv/cloudwatch.csv": "csv", "slack/export": "slack", "pagerduty/log_entries.json": "pagerduty",
    "pagerduty/incidents.csv": "pagerduty", "opsgenie/alert_logs.json": "opsgenie",
    "alertmanager/webhook.json": "alertmanager", "alertmanager/webhooks.jsonl": "alertmanager",
}


README_SAMPLES = {"logcli.jsonl": "jsonl/logcli.jsonl", "insights.csv": "csv/cloudwatch.csv",
                  "events.csv": "csv/events.csv", "slack-export.zip": "slack/export",
                  "log_entries.json": "pagerduty/log_entries.json", "alert_logs.json": "opsgenie/alert_logs.json",
                  "webhooks.jsonl": "alertmanager/webhooks.jsonl"}
"""The README's import examples' files and the samples they are run with."""


@pytest.fixture
def data(tmp_path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    MeetingSession.create(folder, Incident("Checkout errors", impact_start=IMPACT, tz="Europe/Berlin")).close()
    return folder


def pmtui(data: Path, *args: object, code: int = 0, input: str | None = None):
    result = CliRunner().invoke(main, ["import", "checkout-errors", *map(str, args), "--data-dir", str(data)],
                                input=input)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.exception is None or isinstance(result.exception, SystemExit)
    return result


def meeting(data: Path):
    session = MeetingSession.open(data, "checkout-errors")
    try:
        return session.meeting
    finally:
        session.close()


@pytest.fixture
def fake_paging(monkeypatch, tmp_path):
    """A PagerDuty source that finds two events and states when the incident was detected and resolved."""
    found = []

    def read(path, request, progress):
        found.append(request)
        progress(1, 1)
        return SourceRead("pagerduty", [SourceEvent(IMPACT, "Triggered: checkout 5xx", source="pagerduty"),
                                        SourceEvent(IMPACT.replace(minute=40), "Acknowledged by Ana",
                                                    actor="Ana Lima", source="pagerduty")],
                          milestones={"detected": IMPACT, "resolved": IMPACT.replace(hour=15)})

    fakes = {"pagerduty": types.SimpleNamespace(detect=lambda path: path.name.endswith(".pd.json"), read=read),
             "slack": types.SimpleNamespace(detect=lambda path: False, read=read)}  # what reaches Slack's reader
    real = registry._module
    monkeypatch.setattr(registry, "_module", lambda kind: fakes[kind] if kind in fakes else real(kind))
    path = tmp_path / "incident.pd.json"
    path.write_text('{"log_entries": []}')
    return path, found


@pytest.mark.parametrize(("sample", "kind"), SAMPLES.items())
def test_every_sample_is_detected_as_its_source(sample, kind):
    assert detect(DATA / sample) == kind


def test_csv_as_today_with_its_source_said_and_kept(data):
    result = pmtui(data, DATA / "csv" / "events.csv")
    assert result.stdout == "Imported 2 event(s) into 'Checkout errors'.\n"
    assert result.stderr.startswith("Detected CSV in ")
    events = meeting(data).events
    assert [(e.time, e.source, e.author) for e in events] == [
        (datetime(2026, 11, 17, 13, 37, tzinfo=UTC), "csv:events.csv", "import"),
        (datetime(2026, 11, 17, 13, 38, 45, tzinfo=UTC), "csv:events.csv", "import")]


def test_json_lines_with_a_map_and_duplicates_skipped_and_counted(data):
    argv = [DATA / "jsonl" / "logcli.jsonl", "--map", "time=timestamp,description=line,actor=labels.app"]
    assert pmtui(data, *argv).stdout == "Imported 3 event(s) into 'Checkout errors'.\n"
    again = pmtui(data, *argv, "--from", "jsonl")
    assert again.stdout == ("Imported 0 event(s) into 'Checkout errors', skipped 3 already present "
                            "(--allow-duplicates adds them).\n")
    assert again.stderr == ""  # --from names it: nothing detected
    assert [e.actor for e in meeting(data).events] == ["checkout-api", "checkout-api", "pgbouncer"]


def test_a_dry_run_prints_a_table_in_the_incidents_zone_and_changes_nothing_even_while_open(data):
    before = (data / next(p.name for p in data.glob("*.json"))).read_bytes()
    session = MeetingSession.open(data, "checkout-errors")  # the meeting is running in the app
    try:
        result = pmtui(data, DATA / "jsonl" / "logcli.jsonl", "--dry-run", "--map",
                       "time=timestamp,description=line,actor=labels.app")
    finally:
        session.close()
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["TIME", "SOURCE", "ACTOR", "DESCRIPTION"]
    assert lines[1].split(None, 3) == ["15:36:58", "jsonl:logcli.jsonl", "checkout-api",
                                       "connection pool exhausted (20/20 in use)"]
    assert lines[-1] == "Would import 3 event(s) into 'Checkout errors'; nothing changed (--dry-run)."
    assert (data / next(p.name for p in data.glob("*.json"))).read_bytes() == before


def test_bad_records_import_nothing_unless_skip_bad_which_reports_each(data, tmp_path):
    path = tmp_path / "app.jsonl"
    path.write_text('{"t": 1763390220, "m": "pool full"}\n{"t": "soon", "m": "x"}\n{"m": "no time"}\n')
    refused = pmtui(data, path, "--map", "time=t,description=m", code=2)
    assert refused.stderr.splitlines()[-3:] == [
        f"pmtui: {path}: line 2: cannot read time 'soon': use ISO 8601, 'YYYY-MM-DD HH:MM[:SS]' or 'HH:MM[:SS]' "
        "or epoch seconds/milliseconds",
        f"pmtui: {path}: line 3: no field 't': check --map",
        f"pmtui: {path}: 2 bad record(s); nothing was imported (--skip-bad imports the others)"]
    assert meeting(data).events == []
    skipped = pmtui(data, path, "--map", "time=t,description=m", "--skip-bad")
    assert f"pmtui: skipped {path}: line 3: no field 't': check --map" in skipped.stderr
    assert skipped.stdout == "Imported 1 event(s) into 'Checkout errors', 2 bad record(s) skipped.\n"


def test_the_window_keeps_what_is_in_it_and_says_how_many_were_left_out(data, tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text("".join(f'{{"time": "2026-11-17T{h}:00:00Z", "description": "at {h}"}}\n' for h in (10, 13, 16)))
    result = pmtui(data, path, "--window", "14:00..15:00")  # the incident's zone: 13:00-14:00 UTC
    assert result.stdout == "Imported 1 event(s) into 'Checkout errors', 2 outside the window or filtered out.\n"
    assert [e.description for e in meeting(data).events] == ["at 13"]


@pytest.mark.parametrize(("args", "line"), [
    (["--window", "14:00"], "--window '14:00': write START..END"),
    (["--window", "15:00..14:00"], "--window '15:00..14:00': the end is before the start"),
    (["--window", "noon.."], "--window 'noon..': cannot read time 'noon'"),
    (["--map", "when=ts"], "--map 'when=ts': unknown field 'when'"),
    (["--from", "csv", "--map", "time=ts"], "no column 'ts' for time"),
])
def test_wrong_options_are_one_line(data, args, line):
    result = pmtui(data, DATA / "csv" / "events.csv", *args, code=2)
    assert line in result.stderr and len(result.stderr.splitlines()) <= 2


def test_a_file_of_no_known_kind_and_a_missing_path_are_one_line(data, tmp_path):
    (tmp_path / "notes.txt").write_text("time,description\n14:37,x\n")
    said = pmtui(data, tmp_path / "notes.txt", code=2).stderr
    assert "unknown file type" in said and "name it with --from slack|pagerduty|" in said
    assert pmtui(data, tmp_path / "nope.csv", code=2).stderr == f"pmtui: {tmp_path / 'nope.csv'}: no such file or " \
        "folder; check the path\n"


def test_a_source_detected_and_its_milestones_set_only_when_asked(data, fake_paging):
    path, _ = fake_paging
    result = pmtui(data, path)
    assert result.stderr.splitlines() == [
        f"Detected a PagerDuty log in {path}.",
        "PagerDuty says detected 15:30:00; not set (--set-milestones sets it).",
        "PagerDuty says resolved 16:30:00; not set (--set-milestones sets it)."]
    assert meeting(data).incident.detected is None
    assert [(e.source, e.actor) for e in meeting(data).events] == [("pagerduty", ""), ("pagerduty", "Ana Lima")]


def test_milestones_are_asked_on_a_terminal_and_a_set_one_is_never_overwritten(data, fake_paging, monkeypatch):
    path, _ = fake_paging
    session = MeetingSession.open(data, "checkout-errors")
    session.update_incident(resolved=IMPACT.replace(hour=16))
    session.close()
    monkeypatch.setattr(importing, "_can_ask", lambda: True)
    result = pmtui(data, path, input="y\n")
    assert "Set detected to 15:30:00 from PagerDuty? [y/N]" in result.stderr
    assert "PagerDuty says resolved 16:30:00; the meeting's 17:30:00 is kept." in result.stderr
    incident = meeting(data).incident
    assert (incident.detected, incident.resolved) == (IMPACT, IMPACT.replace(hour=16))


def test_set_and_no_milestones_for_scripts(data, fake_paging):
    path, _ = fake_paging
    pmtui(data, path, "--no-milestones", "--allow-duplicates")
    assert meeting(data).incident.detected is None
    assert "Set detected to 15:30:00." in pmtui(data, path, "--set-milestones").stderr
    assert meeting(data).incident.detected == IMPACT


def test_slack_options_reach_the_source_and_its_default_window_is_the_meetings(data, fake_paging):
    path, requests = fake_paging
    pmtui(data, path, "--from", "slack", "--channel", "#inc-db", "--flagged", ":pushpin:", "--pinned")
    (request,) = requests
    assert (request.channel, request.flagged, request.pinned, request.tz) == ("inc-db", "pushpin", True,
                                                                             "Europe/Berlin")
    assert (request.start, request.end) == (IMPACT.replace(hour=8, minute=30), None)  # 6 hours before impact
    pmtui(data, path, "--from", "pagerduty")
    assert (requests[-1].start, requests[-1].end) == (None, None)  # all of a paging tool's log
    assert "--channel, --flagged and --pinned are for Slack exports, not a PagerDuty log" in pmtui(
        data, path, "--pinned", code=2).stderr


def test_map_is_refused_for_a_source_with_its_own_shape(data, fake_paging):
    path, _ = fake_paging
    assert "--map is for JSON lines and CSV files, not a PagerDuty log" in pmtui(
        data, path, "--map", "time=x", code=2).stderr


def test_the_progress_bar_is_drawn_only_on_a_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, drawn in ((io.StringIO(), False), (Terminal(), True)):
        monkeypatch.setattr(sys, "stderr", stream)
        with importing._progress_bar() as progress:
            progress(50, 100)
        assert ("Reading" in stream.getvalue()) is drawn


def test_the_installed_command_with_a_dry_run_and_skip_bad(tmp_path):
    """One real run of the console script: a CloudWatch CSV with a map, no terminal, so no bar."""
    data = tmp_path / "data"
    data.mkdir()
    MeetingSession.create(data, Incident("Checkout errors", impact_start=IMPACT)).close()
    script = shutil.which("pmtui", path=os.path.dirname(sys.executable))
    assert script is not None
    done = subprocess.run([script, "import", "checkout-errors", str(DATA / "csv" / "cloudwatch.csv"), "--dry-run",
                           "--map", "time=@timestamp,description=@message,actor=@logStream", "--data-dir", str(data)],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 0, done.stderr
    assert done.stderr == f"Detected CSV in {DATA / 'csv' / 'cloudwatch.csv'}.\n"
    assert "14:37:02  csv:cloudwatch.csv  checkout-api/7f9c  HTTP 503 on POST /checkout" in done.stdout


def test_an_event_typed_before_is_a_duplicate_whatever_its_spacing(data, tmp_path):
    session = MeetingSession.open(data, "checkout-errors")
    session.import_events([TimelineEvent(IMPACT, "pool   full", author="Ana")])
    session.close()
    path = tmp_path / "x.jsonl"
    path.write_text('{"time": "2026-11-17T14:30:00Z", "description": "pool full"}\n')
    assert "skipped 1 already present" in pmtui(data, path).stdout


def test_the_readme_import_examples_parse_and_those_with_a_sample_run(data):
    text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = text.split("## Importing a timeline", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    examples = [shlex.split(line.split("  #")[0]) for line in section.splitlines()]
    assert {Path(argv[3]).suffix for argv in examples} == {".zip", ".json", ".jsonl", ".csv"}
    ran = 0
    for argv in examples:
        assert argv[:3] == ["pmtui", "import", "checkout"]
        importing.import_.make_context("import", argv[2:])  # every option as the command reads it
        if argv[3] in README_SAMPLES:
            pmtui(data, DATA / README_SAMPLES[argv[3]], *argv[4:], "--allow-duplicates")
            ran += 1
    assert ran == len(README_SAMPLES)


def test_a_time_that_cannot_be_is_said_as_today(data, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("time,description\n25:99,bad\n")
    said = pmtui(data, path, code=2).stderr
    assert f"pmtui: {path}: line 2: cannot read time '25:99': hour must be in 0..23\n" in said
