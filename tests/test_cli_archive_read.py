"""``--archive REPO`` on ``pmtui list``, ``search``, ``stats`` and ``actions``: archived rows say where they come from,
and an archived meeting's action items stay read-only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive_factory import publish_record
from library_factory import TODAY, fixed_meeting, write_meeting
from pmtui.cli import main
from pmtui.cli import tracking as cli_tracking
from pmtui.store import read_meeting, resolve_meeting

PMTUI = shutil.which("pmtui", path=os.path.dirname(sys.executable))


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(cli_tracking, "today", lambda: TODAY)


@pytest.fixture
def data(user_folders) -> Path:
    user_folders.data.mkdir()
    write_meeting(user_folders.data, fixed_meeting(7))  # the local one: "Connection pool exhausted on replica db-7"
    return user_folders.data


@pytest.fixture
def archive(tmp_path) -> Path:
    root = tmp_path / "ops-archive"
    for k in (2, 5, 14):  # meetings with action items
        publish_record(root, fixed_meeting(k))
    return root


def invoke(*args, code: int = 0):
    result = CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result


def test_list_shows_each_meeting_once_with_where_it_comes_from(data, archive):
    lines = invoke("list", "--archive", archive).stdout.splitlines()
    assert len(lines) == 4
    rows = {line.split()[0]: line for line in lines}
    assert "  ops-archive  " in rows["m14"] and "  local        " in rows["m07"]
    listed = json.loads(invoke("list", "--json", "--archive", archive).stdout)
    assert {r["id"]: r["source"] for r in listed} == {"m14": "ops-archive", "m07": "local", "m05": "ops-archive",
                                                      "m02": "ops-archive"}
    assert next(r for r in listed if r["id"] == "m02")["path"].endswith("meeting.json")


def test_without_archives_list_prints_what_it_always_did(data):
    [line] = invoke("list").stdout.splitlines()
    assert "local" not in line and line.split()[0] == "m07"
    assert "source" not in json.loads(invoke("list", "--json").stdout)[0]


def test_a_local_meeting_changed_after_publishing_is_listed_from_the_data_dir(data, archive):
    publish_record(archive, fixed_meeting(7), datetime.now().astimezone() - timedelta(days=1))
    listed = json.loads(invoke("list", "--json", "--archive", archive).stdout)
    assert [r["source"] for r in listed if r["id"] == "m07"] == ["local"]


def test_search_finds_archived_meetings_and_names_the_archive(data, archive):
    publish_record(archive, fixed_meeting(13))
    out = invoke("search", "runbook", "--archive", archive).stdout
    hits = [line for line in out.splitlines() if line[:3] in ("m07", "m13")]
    assert hits and all(line.endswith("(local)") or line.endswith("(ops-archive)") for line in hits)
    found = json.loads(invoke("search", "replica", "db-7", "--json", "--archive", archive).stdout)
    assert [(h["id"], h["source"]) for h in found] == [("m07", "local")]


def test_stats_counts_archived_incidents_and_says_from_where(data, archive):
    out = invoke("stats", "--archive", archive).stdout
    assert out.startswith("4 incidents (all time)\nFrom local 1, ops-archive 3\n")
    figures = json.loads(invoke("stats", "--json", "--archive", archive).stdout)
    assert figures["incidents"] == 4 and figures["by_source"] == {"local": 1, "ops-archive": 3}


def test_actions_lists_archived_items_with_their_archive(data, archive):
    out = invoke("actions", "--all", "--archive", archive).stdout
    header, *rows = out.split("\n\n")[0].splitlines()
    assert "FROM" in header and rows and all("ops-archive" in row for row in rows)
    items = json.loads(invoke("actions", "--all", "--json", "--archive", archive).stdout)["actions"]
    assert {a["meeting"]["source"] for a in items} == {"ops-archive"}


@pytest.mark.parametrize("command", [("done",), ("reopen",), ("link", "https://tracker.example.com/1")])
def test_an_archived_meetings_action_items_are_read_only(data, archive, command):
    item = fixed_meeting(2).actions[0]
    result = invoke("actions", "--archive", archive, command[0], item.id, *command[1:], code=2)
    [line] = result.stderr.splitlines()
    assert line.startswith(f"pmtui: read-only: {item.id} is in meeting m02 in archive ops-archive")
    assert "change it where it was published from" in line


def test_local_action_items_still_change_with_archives_given(data, archive, user_folders):
    local = fixed_meeting(7)
    local.actions = fixed_meeting(2).actions[:1]
    local.id = "m77"
    write_meeting(user_folders.data, local)
    invoke("actions", "--archive", archive, "done", local.actions[0].id)
    changed = read_meeting(resolve_meeting(user_folders.data, "m77"))
    assert changed.actions[0].status == "done"


def test_a_broken_record_is_one_skipped_line_and_the_rest_is_listed(data, archive):
    (archive / "broken").mkdir()
    (archive / "broken" / "meeting.json").write_text("{")
    result = invoke("list", "--archive", archive)
    assert len(result.stdout.splitlines()) == 4
    [line] = result.stderr.splitlines()
    assert line.startswith("pmtui: skipped: ") and "broken/meeting.json is not valid JSON" in line


def test_an_archive_that_does_not_exist_is_one_line(data, tmp_path):
    result = invoke("search", "pool", "--archive", tmp_path / "nowhere", code=2)
    assert result.stderr.count("\n") == 1 and "nowhere does not exist" in result.stderr


def test_the_pmtui_archives_variable_and_an_archive_typed_before_the_command(data, archive, tmp_path):
    env = {**os.environ, "PMTUI_ARCHIVES": f"{archive}{os.pathsep}"}
    done = subprocess.run([PMTUI, "list", "--json"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert {r["source"] for r in json.loads(done.stdout)} == {"local", "ops-archive"}
    typed = invoke("--archive", archive, "stats", "--json")
    assert json.loads(typed.stdout)["by_source"] == {"local": 1, "ops-archive": 3}
