"""The ``pmtui`` command line, run as a real subprocess on a temporary data dir."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from console_script import pmtui_command
from pmtui.cli import main
from pmtui.model import Incident
from pmtui.session import MeetingSession

PMTUI = shutil.which("pmtui", path=os.path.dirname(sys.executable))
"""The installed console script: these tests fail without it rather than skip (it is what users run)."""

NEW_ARGS = [
    "--severity", "1", "--started", "2026-03-14 14:37", "--detected", "14:38:45", "--resolved", "15:00",
    "--services", "a,b",
]
EVENTS_CSV = (
    "time,description,actor,evidence\n"
    "14:37,checkout errors start,alice,https://grafana\n"
    "14:38:45,pager fires,alertmanager,\n"
    "15:00,resolved,bob,\n"
)
SHORT_AGENDA = (
    'name = "short"\ndescription = ""\n'
    '[[phases]]\nid = "all"\ntitle = "All"\nminutes = 30\nkind = "notes"\n'
)


@pytest.fixture
def env():
    """Environment for the subprocess: this test's own user folders (see conftest.py), no colours."""
    return {**os.environ, "NO_COLOR": "1"}


def pmtui(env, *args, data_dir: Path | None = None) -> subprocess.CompletedProcess:
    """The console script run with ``args`` (a process of its own, forked: tests/console_script.py)."""
    argv = [*map(str, args)]
    if data_dir is not None:
        argv += ["--data-dir", str(data_dir)]
    return pmtui_command(argv, env)


def ok(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def fails(done: subprocess.CompletedProcess) -> str:
    """The one stderr line of a user error (exit code 2, no traceback)."""
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("pmtui: ")
    return lines[0]


def new(env, data, title="DB outage", *args) -> str:
    out = ok(pmtui(env, "new", title, *(args or NEW_ARGS), data_dir=data))
    meeting_id = out.strip().splitlines()[-1]
    assert meeting_id and " " not in meeting_id
    return meeting_id


def export_json(env, data, ref) -> dict:
    return json.loads(ok(pmtui(env, "export", ref, "--format", "json", data_dir=data)))


# --- new and list -----------------------------------------------------------------


def test_new_then_list(env, data):
    meeting_id = new(env, data)
    assert (data / f"{meeting_id}.json").is_file()
    rows = json.loads(ok(pmtui(env, "list", "--json", data_dir=data)))
    assert len(rows) == 1
    row = rows[0]
    assert {"id", "title", "severity", "created", "status"} <= row.keys()
    assert (row["id"], row["title"], row["severity"], row["status"]) == (meeting_id, "DB outage", "SEV1", "active")
    text = ok(pmtui(env, "list", data_dir=data))
    assert meeting_id in text and "DB outage" in text and "SEV1" in text


def test_new_records_the_incident(env, data):
    meeting_id = new(env, data)
    incident = export_json(env, data, meeting_id)["incident"]
    assert incident["impact_start"] == "2026-03-14T14:37:00+00:00"
    assert incident["detected"] == "2026-03-14T14:38:45+00:00"
    assert incident["resolved"] == "2026-03-14T15:00:00+00:00"
    assert incident["services"] == ["a", "b"]


def test_new_clock_times_use_the_start_date_in_the_incident_zone(env, data):
    meeting_id = new(
        env, data, "late", "--tz", "Asia/Tokyo", "--started", "2026-03-14T15:30:00Z", "--detected", "00:45"
    )
    incident = export_json(env, data, meeting_id)["incident"]
    assert incident["tz"] == "Asia/Tokyo"
    assert incident["detected"] == "2026-03-15T00:45:00+09:00"


def test_data_dir_from_the_environment(env, data):
    env["PMTUI_DATA_DIR"] = str(data)
    meeting_id = ok(pmtui(env, "new", "Env outage")).strip().splitlines()[-1]
    assert (data / f"{meeting_id}.json").is_file()
    assert [r["id"] for r in json.loads(ok(pmtui(env, "list", "--json")))] == [meeting_id]
    other = data.parent / "other"
    assert json.loads(ok(pmtui(env, "list", "--json", data_dir=other))) == []


def test_data_dir_before_the_command_works_for_every_command(env, data, tmp_path):
    """``pmtui --data-dir DIR COMMAND`` (as ``pmtui --help`` shows it) wins over $PMTUI_DATA_DIR."""
    env["PMTUI_DATA_DIR"] = str(tmp_path / "elsewhere")
    before = ["--data-dir", str(data)]
    meeting_id = ok(pmtui(env, *before, "new", "Group option outage")).strip().splitlines()[-1]
    assert (data / f"{meeting_id}.json").is_file() and not (tmp_path / "elsewhere").exists()
    assert [r["id"] for r in json.loads(ok(pmtui(env, *before, "list", "--json")))] == [meeting_id]
    events = tmp_path / "events.csv"
    events.write_text("time,description\n2026-11-17 14:37,errors start\n")
    assert "Imported 1 event(s)" in ok(pmtui(env, *before, "import", meeting_id, events))
    assert json.loads(ok(pmtui(env, *before, "export", meeting_id, "--format", "json")))["id"] == meeting_id
    assert ok(pmtui(env, *before, "lint", meeting_id)) is not None
    assert "errors start" in ok(pmtui(env, *before, "search", "errors"))
    assert "1 incident" in ok(pmtui(env, *before, "stats"))
    ok(pmtui(env, *before, "actions"))
    other = data.parent / "other"
    assert json.loads(ok(pmtui(env, *before, "list", "--json", data_dir=other))) == [], "the command's own wins"


def test_data_dir_before_the_command_reaches_the_home_screen_and_run(data, tmp_path, monkeypatch):
    import pmtui.cli
    import pmtui.cli.common

    opened = []

    def run_app(app) -> None:
        opened.append(app.data_dir)
        app.close_session()

    for module in (pmtui.cli, pmtui.cli.common):  # the home screen's, and the one run_meeting_app calls
        monkeypatch.setattr(module, "run_app", run_app)
    MeetingSession.create(data, Incident("Home outage")).close()
    runner = CliRunner(env={"PMTUI_DATA_DIR": str(tmp_path / "elsewhere")})
    assert runner.invoke(main, ["--data-dir", str(data)]).exit_code == 0
    done = runner.invoke(main, ["--data-dir", str(data), "run", "home-outage"])
    assert done.exit_code == 0, done.output
    assert opened == [data, data]


def test_list_of_an_empty_data_dir(env, data):
    assert "No meetings yet" in ok(pmtui(env, "list", data_dir=data))
    assert json.loads(ok(pmtui(env, "list", "--json", data_dir=data))) == []


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--severity", "5"], "--severity"),
        (["--severity", "high"], "--severity"),
        (["--started", "25:00"], "--started"),
        (["--started", "2026-02-30 10:00"], "--started"),
        (["--detected", "yesterday"], "--detected"),
        (["--tz", "Mars/Olympus"], "--tz"),
        (["--agenda", "no-such-agenda"], "unknown agenda"),
    ],
)
def test_new_with_bad_options(env, data, args, fragment):
    line = fails(pmtui(env, "new", "DB outage", *args, data_dir=data))
    assert fragment in line
    assert list(data.iterdir()) == []


def test_new_with_an_empty_title(env, data):
    assert "title" in fails(pmtui(env, "new", "  ", data_dir=data))


# --- import ---------------------------------------------------------------------------


def test_import_good_csv(env, data, tmp_path):
    meeting_id = new(env, data)
    path = tmp_path / "events.csv"
    path.write_text(EVENTS_CSV)
    assert "Imported 3 event(s)" in ok(pmtui(env, "import", meeting_id, path, data_dir=data))
    events = export_json(env, data, meeting_id)["events"]
    assert [(e["time"], e["description"], e["actor"]) for e in events] == [
        ("2026-03-14T14:37:00+00:00", "checkout errors start", "alice"),
        ("2026-03-14T14:38:45+00:00", "pager fires", "alertmanager"),
        ("2026-03-14T15:00:00+00:00", "resolved", "bob"),
    ]


def test_import_good_json(env, data, tmp_path):
    meeting_id = new(env, data)
    path = tmp_path / "events.json"
    path.write_text(json.dumps([{"time": "14:40", "description": "failover"}]))
    ok(pmtui(env, "import", meeting_id, path, data_dir=data))
    assert [e["description"] for e in export_json(env, data, meeting_id)["events"]] == ["failover"]


def test_import_bad_csv_imports_nothing(env, data, tmp_path):
    meeting_id = new(env, data)
    path = tmp_path / "events.csv"
    path.write_text("time,description\n14:37,good\n25:99,bad\n14:50,\n")
    before = (data / f"{meeting_id}.json").read_bytes()
    done = pmtui(env, "import", meeting_id, path, data_dir=data)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "line 3" in done.stderr and "line 4" in done.stderr
    assert "nothing was imported" in done.stderr
    assert (data / f"{meeting_id}.json").read_bytes() == before
    assert export_json(env, data, meeting_id)["events"] == []


def test_import_while_the_meeting_is_open_elsewhere(env, data, tmp_path):
    meeting_id = new(env, data)
    path = tmp_path / "events.csv"
    path.write_text(EVENTS_CSV)
    session = MeetingSession.open(data, meeting_id)
    try:
        assert "open in another pmtui" in fails(pmtui(env, "import", meeting_id, path, data_dir=data))
    finally:
        session.close()
    ok(pmtui(env, "import", meeting_id, path, data_dir=data))


def test_import_that_cannot_be_saved_fails(env, data, tmp_path, monkeypatch):
    meeting_id = new(env, data)
    path = tmp_path / "events.csv"
    path.write_text(EVENTS_CSV)
    monkeypatch.setattr(MeetingSession, "flush", lambda self, timeout=None: False)
    result = CliRunner().invoke(main, ["import", meeting_id, str(path), "--data-dir", str(data)])
    assert result.exit_code == 2
    assert "cannot save" in result.output and "Imported" not in result.output


def test_import_of_a_text_file(env, data, tmp_path):
    meeting_id = new(env, data)
    path = tmp_path / "events.txt"
    path.write_text(EVENTS_CSV)
    done = pmtui(env, "import", meeting_id, path, data_dir=data)
    assert done.returncode == 2 and "unknown file type" in done.stderr and "Traceback" not in done.stderr


# --- export ------------------------------------------------------------------------------


@pytest.fixture
def filled(env, data, tmp_path) -> str:
    meeting_id = new(env, data)
    session = MeetingSession.open(data, meeting_id)
    try:
        session.add_attendee("Sam", "facilitator")
        session.add_event("14:38:45", "pager fires", "alertmanager")
        chain = session.start_chain("checkout failed")
        session.add_why(chain.id, "pool too small")
        session.set_root_cause(chain.id, "configuration error")
        session.add_action(
            "Validate pool size, in CI", "priya", "high", "2026-12-01", "fails below 20", root_cause_id=chain.id
        )
        session.add_event("14:52", "roll back before tuning", "Sam", decision_point=True)
    finally:
        session.close()
    return meeting_id


def test_export_markdown_to_stdout(env, data, filled):
    text = ok(pmtui(env, "export", filled, data_dir=data))
    assert text.startswith("# DB outage\n")
    assert "**Severity:** SEV1" in text
    for section in ("Milestones", "Summary", "What happened", "Incident metadata", "Impact assessment", "Timeline",
                    "Key decisions", "Root cause analysis",
                    "Contributing factors", "What went well", "What went poorly", "Where we got lucky",
                    "Action items", "Related incidents"):
        assert f"## {section}\n" in text
    assert "1m45s" in text and "23m" in text
    assert "pager fires" in text and "Validate pool size" in text
    assert "Meeting minutes" not in text and "Quality checklist" not in text


def test_export_with_minutes(env, data, filled):
    text = ok(pmtui(env, "export", filled, "--minutes", data_dir=data))
    assert "## Meeting minutes: DB outage" in text
    assert "roll back before tuning" in text and "Sam" in text
    assert "### Quality checklist" in text


def test_export_with_checklist(env, data, filled):
    text = ok(pmtui(env, "export", filled, "--with-checklist", data_dir=data))
    assert "## Quality checklist" in text and "## Guidance findings" in text and "## Facilitator notes" in text
    assert "Meeting minutes" not in text


def test_export_to_a_file(env, data, filled, tmp_path):
    out = tmp_path / "out" / "pm.md"
    out.parent.mkdir()
    stdout = ok(pmtui(env, "export", filled, "-o", out, data_dir=data))
    assert str(out) in stdout
    assert out.read_text() == ok(pmtui(env, "export", filled, data_dir=data))


def test_export_creates_missing_folders_when_asked(env, data, filled, tmp_path):
    out = tmp_path / "new" / "folder" / "pm.md"
    ok(pmtui(env, "export", filled, "-o", out, "--parents", data_dir=data))
    assert out.read_text().startswith("# DB outage")


def test_export_to_an_unwritable_place(env, data, filled, tmp_path):
    (tmp_path / "a-file").write_text("")
    line = fails(pmtui(env, "export", filled, "-o", tmp_path / "a-file" / "pm.md", data_dir=data))
    assert "cannot write" in line


def test_export_json(env, data, filled):
    exported = export_json(env, data, filled)
    assert exported["id"] == filled
    assert exported["incident"]["title"] == "DB outage"
    assert exported["actions"][0]["priority"] == "high"


def test_export_actions_csv(env, data, filled):
    rows = list(csv.DictReader(io.StringIO(ok(pmtui(env, "export", filled, "--format", "actions-csv", data_dir=data)))))
    assert len(rows) == 1
    row = rows[0]
    assert (row["meeting"], row["description"], row["owner"], row["priority"], row["due"], row["root_cause"]) == (
        filled, "Validate pool size, in CI", "priya", "high", "2026-12-01", "pool too small",
    )


def test_export_by_slug_and_prefix(env, data, filled):
    assert ok(pmtui(env, "export", "db-outage", data_dir=data)).startswith("# DB outage")
    assert ok(pmtui(env, "export", filled[:4], data_dir=data)).startswith("# DB outage")


# --- meeting lookup errors -------------------------------------------------------------------


def test_unknown_meeting_lists_candidates(env, data):
    meeting_id = new(env, data)
    for command in (["export", "nope"], ["import", "nope", "x.csv"]):
        line = fails(pmtui(env, *command, data_dir=data))
        assert "no meeting 'nope'" in line and meeting_id in line


def test_unknown_meeting_in_an_empty_data_dir(env, data):
    assert "no meetings yet" in fails(pmtui(env, "export", "nope", data_dir=data))


def test_ambiguous_prefix(env, data):
    one = new(env, data, "DB outage one")
    two = new(env, data, "DB outage two")
    line = fails(pmtui(env, "export", "db-outage", data_dir=data))
    assert "matches several meetings" in line and one in line and two in line


def test_corrupt_meeting_file_among_others(env, data):
    meeting_id = new(env, data)
    broken = data / "broken.json"
    broken.write_bytes(b'{"_meta": {"1": {"app": "pmtui", "sch')
    before = broken.read_bytes()
    done = pmtui(env, "list", data_dir=data)
    assert ok(done).count(meeting_id) == 1
    assert "broken.json" in done.stderr
    done = pmtui(env, "list", "--json", data_dir=data)
    assert [r["id"] for r in json.loads(ok(done))] == [meeting_id]
    assert "broken.json" in done.stderr
    assert "broken.json" in fails(pmtui(env, "export", "broken", data_dir=data))
    ok(pmtui(env, "export", meeting_id, data_dir=data))
    assert broken.read_bytes() == before


def test_meeting_with_a_damaged_body(env, data):
    meeting_id = new(env, data)
    path = data / f"{meeting_id}.json"
    tables = json.loads(path.read_text())
    tables["meeting"]["1"]["incident"] = "not an object"
    path.write_text(json.dumps(tables))
    before = path.read_bytes()
    assert meeting_id in ok(pmtui(env, "list", data_dir=data))
    line = fails(pmtui(env, "export", meeting_id, data_dir=data))
    assert "damaged" in line and str(path) in line
    assert path.read_bytes() == before


# --- agendas -------------------------------------------------------------------------------


def test_agendas_lists_the_standard_agenda(env):
    lines = ok(pmtui(env, "agendas")).splitlines()
    standard = [line for line in lines if line.startswith("standard-90 ")]
    assert len(standard) == 1 and " 90 min" in standard[0]


def test_agendas_check_good_file(env, tmp_path):
    path = tmp_path / "short.toml"
    path.write_text(SHORT_AGENDA)
    assert "OK" in ok(pmtui(env, "agendas", "--check", path))


@pytest.mark.parametrize(
    "text",
    [
        'name = "bad"\nphases = [\n',
        'name = "bad"\ndescription = ""\n',
        'name = "bad"\ndescription = ""\n[[phases]]\nid = "a"\ntitle = "A"\nminutes = -1\nkind = "notes"\n',
    ],
)
def test_agendas_check_bad_file(env, tmp_path, text):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    assert str(path) in fails(pmtui(env, "agendas", "--check", path))


def test_agendas_check_missing_file(env, tmp_path):
    assert "missing.toml" in fails(pmtui(env, "agendas", "--check", tmp_path / "missing.toml"))


def test_new_with_a_custom_agenda_file(env, data, tmp_path):
    path = tmp_path / "short.toml"
    path.write_text(SHORT_AGENDA)
    meeting_id = new(env, data, "Custom", "--agenda", path)
    assert [p["phase_id"] for p in export_json(env, data, meeting_id)["phases"]] == ["all"]


def test_version(env):
    assert "pmtui, version" in ok(pmtui(env, "--version"))


def test_every_command_is_found_by_its_name_and_loaded_only_when_used(env):
    ctx = main.make_context("pmtui", [])
    assert [main.get_command(ctx, name).name for name in main.list_commands(ctx)] == main.list_commands(ctx)
    probe = "import sys, pmtui.cli; print(sorted(m for m in sys.modules if m.startswith(('pmtui.cli.', 'pmtui.tui'))))"
    loaded = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert loaded.stdout.split() == ["['pmtui.cli.common']"]


def test_pmtui_run_loads_no_module_it_does_not_need_before_the_app(env):
    probe = ("import sys; from pmtui.cli import main; main.get_command(None, 'run'); "
             "print(' '.join(sorted(m for m in sys.modules if m.startswith('pmtui.'))))")
    loaded = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    unneeded = {"pmtui.room.protocol", "pmtui.library", "pmtui.analysis.search", "pmtui.cli.tracking", "pmtui.lint"}
    assert not unneeded & set(loaded.stdout.split())
