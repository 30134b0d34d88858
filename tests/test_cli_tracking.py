"""``pmtui actions``, ``search``, ``stats`` and ``related`` on the fixed library of library_factory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from library_factory import TODAY, write_fixed_library
from pmtui.cli import main
from pmtui.cli import tracking as cli_tracking
from pmtui.export.github import github_script
from pmtui.library import CACHE_DIR, load_library
from pmtui.store import MeetingFile
from pmtui.tracking import TRACKING_PARTS, find_action

PMTUI = shutil.which("pmtui", path=os.path.dirname(sys.executable))
"""The installed console script, the only way the real command line is run here."""


@pytest.fixture(scope="module")
def fixed_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fixed")
    write_fixed_library(folder)
    (folder / "broken.json").write_text('{"_meta": ')
    return folder


@pytest.fixture
def own_dir(fixed_dir, tmp_path) -> Path:
    return Path(shutil.copytree(fixed_dir, tmp_path / "meetings", ignore=shutil.ignore_patterns(CACHE_DIR)))


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(cli_tracking, "today", lambda: TODAY)


def invoke(*args, data_dir: Path | None = None, code: int = 0):
    argv = [*map(str, args)] + (["--data-dir", str(data_dir)] if data_dir else [])
    result = CliRunner().invoke(main, argv, catch_exceptions=False)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result


def listed(stdout: str) -> list[str]:
    """The ids in an actions listing (the lines above the figures, under the header)."""
    return [line.split()[0] for line in stdout.split("\n\n")[0].splitlines()[1:]]


# --- actions ------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "expected"), [
    ((), ["a050", "a141", "a021", "a290", "a260", "a261", "a291"]),
    (("--open",), ["a050", "a141", "a021", "a290", "a260", "a261", "a291"]),
    (("--overdue",), ["a050", "a141", "a021"]),
    (("--all",), ["a020", "a050", "a051", "a141", "a140", "a021", "a200", "a290", "a260", "a262", "a261", "a291"]),
    (("--all", "--owner", "PRIYA"), ["a020", "a051", "a140", "a261"]),
    (("--overdue", "--owner", "jo okafor"), ["a050"]),
])
def test_actions_filters(fixed_dir, args, expected):
    assert listed(invoke("actions", *args, data_dir=fixed_dir).stdout) == expected


def test_actions_listing_shows_meeting_priority_owner_due_and_lateness(fixed_dir):
    result = invoke("actions", "--overdue", data_dir=fixed_dir)
    header, first, *_ = result.stdout.splitlines()
    assert header.split() == ["ID", "PRIORITY", "DUE", "OVERDUE", "OWNER", "ACTION", "MEETING"]
    assert first.split("  ")[0] == "a050"
    expected_parts = (
        "critical", "2026-02-03", "118d", "Jo Okafor", "Action a050 of meeting 5", "m05 Cache stampede after deploy #5"
    )
    for part in expected_parts:
        assert part in first
    assert "unassigned" in result.stdout
    assert result.stderr.startswith("pmtui: skipped: ") and "broken.json" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_actions_figures_under_the_list(fixed_dir):
    text = invoke("actions", data_dir=fixed_dir).stdout.split("\n\n")[1]
    assert text.splitlines() == [
        "Completion over the last 90 days (2026-03-04 – 2026-06-01; items due or created then)",
        "            DONE            MEAN DAYS TO CLOSE  OVERDUE NOW",
        "  all       4/10 (40%)      24.2                3",
        "  critical  0/2 (0%)        —                   2",
        "  high      1/2 (50%)       10.0                0",
        "  medium    3/4 (75%)       29.0                0",
        "  low       0/2 (0%)        —                   1",
    ]


def test_actions_json(fixed_dir):
    data = json.loads(invoke("actions", "--overdue", "--json", data_dir=fixed_dir).stdout)
    assert (data["filter"], data["owner"], data["today"]) == ("overdue", None, "2026-06-01")
    assert [(a["id"], a["days_overdue"]) for a in data["actions"]] == [("a050", 118), ("a141", 73), ("a021", 56)]
    first = data["actions"][0]
    assert first["meeting"] == {"id": "m05", "title": "Cache stampede after deploy #5"}
    assert (first["priority"], first["owner"], first["due"], first["status"]) == (
        "critical", "Jo Okafor", "2026-02-03", "open")
    figures = data["figures"]
    assert figures["window"]["start"] == "2026-03-04" and figures["window"]["end"] == "2026-06-01"
    assert {k: figures[k] for k in ("counted", "done", "rate", "overdue", "mean_days_to_close")} == {
        "counted": 10, "done": 4, "rate": 0.4, "overdue": 3, "mean_days_to_close": 24.25}
    assert figures["by_priority"]["medium"] == {
        "counted": 4, "done": 3, "rate": 0.75, "overdue": 0, "mean_days_to_close": 29.0}


def test_actions_json_for_one_owner(fixed_dir):
    data = json.loads(invoke("actions", "--all", "--owner", "priya", "--json", data_dir=fixed_dir).stdout)
    assert [a["id"] for a in data["actions"]] == ["a020", "a051", "a140", "a261"]
    assert (data["figures"]["counted"], data["figures"]["done"], data["figures"]["mean_days_to_close"]) == (3, 2, 25.0)


def test_actions_of_an_empty_data_dir(tmp_path):
    result = invoke("actions", "--overdue", data_dir=tmp_path / "empty")
    assert result.stdout.startswith("No overdue action items.\n")


def test_done_and_reopen_write_through_the_session(own_dir):
    result = invoke("actions", "done", "a14", data_dir=own_dir, code=2)
    assert result.stderr.splitlines()[-1] == (
        "pmtui: 'a14' matches several action items: a140 (m14), a141 (m14); give more of the id")
    result = invoke("actions", "done", "a141", "--note", "pool alert shipped", data_dir=own_dir)
    assert result.stdout == (
        "Done: “Action a141 of meeting 14” (a141, meeting m14 'Login failures after certificate rotation #14').\n")
    item = find_action(load_library(own_dir, TRACKING_PARTS), "a141").item
    assert (item.status, item.status_note) == ("done", "pool alert shipped") and item.status_changed is not None
    assert "is already done" in invoke("actions", "done", "a141", data_dir=own_dir).stdout
    assert invoke("actions", "reopen", "a141", data_dir=own_dir).stdout.startswith("Open again: ")
    assert find_action(load_library(own_dir, TRACKING_PARTS), "a141").item.status == "open"
    assert listed(invoke("actions", "--overdue", data_dir=own_dir).stdout) == ["a050", "a141", "a021"]


def test_done_takes_the_data_dir_before_the_subcommand_too(own_dir):
    invoke("actions", "--data-dir", str(own_dir), "done", "a050")
    assert find_action(load_library(own_dir, TRACKING_PARTS), "a050").item.status == "done"


def test_done_of_an_unknown_item(own_dir):
    result = invoke("actions", "done", "zz", data_dir=own_dir, code=2)
    assert result.stderr.splitlines()[-1] == (
        "pmtui: no action item 'zz' in any meeting; run 'pmtui actions --all' to see the ids"
    )


def test_done_while_the_meeting_is_open_in_the_app(own_dir):
    with MeetingFile.open(own_dir / "m05.json", write=True):
        result = invoke("actions", "done", "a050", data_dir=own_dir, code=2)
    line = result.stderr.splitlines()[-1]
    assert line.startswith("pmtui: meeting m05 is open in another pmtui (pid ") and "close it there first" in line
    assert find_action(load_library(own_dir, TRACKING_PARTS), "a050").item.status == "open"


# --- search ------------------------------------------------------------------------


def test_search_shows_where_it_matched(fixed_dir):
    result = invoke("search", "pool", "exhausted", data_dir=fixed_dir)
    assert result.stdout == (
        "m07  2026-02-06  SEV4  Search latency spike during reindex #7\n"
        "    timeline 14:37  Connection pool exhausted on replica db-7\n"
        "    why             The pool size default was copied from test config\n"
        "\n"
        "1 meeting match “pool exhausted”.\n"
    )
    assert "broken.json" in result.stderr


def test_search_json_and_no_match(fixed_dir):
    data = json.loads(invoke("search", "ROLLBACK", "runbook", "--json", data_dir=fixed_dir).stdout)
    assert data == [{"id": "m07", "title": "Search latency spike during reindex #7", "severity": "SEV4",
                     "created": "2026-02-06T09:00:00+00:00",
                     "matches": [{"where": "observation", "excerpt": "Rollback runbook was out of date"}]}]
    assert invoke("search", "kubernetes", data_dir=fixed_dir).stdout == "0 meetings match “kubernetes”.\n"


def test_search_caps_the_passages_shown(fixed_dir):
    out = invoke("search", "a", data_dir=fixed_dir).stdout
    assert "    … and " in out and out.endswith("30 meetings match “a”.\n")


def test_search_needs_words(fixed_dir):
    result = invoke("search", "  ", data_dir=fixed_dir, code=2)
    assert result.stderr == "pmtui: nothing to search for: give one or more words, e.g. pmtui search pool timeout\n"


# --- stats -------------------------------------------------------------------------


def test_stats_text(fixed_dir):
    out = invoke("stats", "--since", "2026-04-01", data_dir=fixed_dir).stdout
    assert out.startswith("12 incidents (since 2026-04-01)\n")
    assert "  dependency failure        3\n" in out
    assert "Time to detect   mean 2m54s    median 3m       (10 incidents with the times)" in out
    assert "Time to resolve  mean 53m24s   median 53m30s   (10 incidents with the times)" in out
    assert out.endswith(
        "Recurring root causes\n"
        "  dependency failure: 3 incidents\n"
        "    m28  2026-05-22  Queue backlog delayed order emails #28\n"
        "    m23  2026-04-27  Cache stampede after deploy #23\n"
        "    m18  2026-04-02  Checkout errors after connection pool change #18\n"
        "  monitoring gap: 3 incidents\n"
        "    m29  2026-05-27  Cache stampede after deploy #29\n"
        "    m24  2026-05-02  Checkout errors after connection pool change #24\n"
        "    m19  2026-04-07  Search latency spike during reindex #19\n"
    )


def test_stats_json(fixed_dir):
    data = json.loads(invoke("stats", "--json", data_dir=fixed_dir).stdout)
    assert (data["since"], data["incidents"]) == (None, 30)
    assert data["by_severity"] == {"SEV1": 8, "SEV2": 8, "SEV3": 7, "SEV4": 7}
    assert data["factors_by_category"] == {"people": 13, "process": 8, "technology": 7, "environment": 7}
    assert data["time_to_resolve"] == {"count": 27, "mean_seconds": 2640.0, "median_seconds": 2640.0}
    recurring = [(r["category"], r["incidents"]) for r in data["recurring"]]
    assert recurring[:2] == [("code defect", 6), ("configuration error", 6)]
    assert data["recurring"][-1]["meetings"][0] == {"id": "m28", "title": "Queue backlog delayed order emails #28"}


def test_stats_of_a_quiet_period_and_a_bad_date(fixed_dir):
    out = invoke("stats", "--since", "2030-01-01", data_dir=fixed_dir).stdout
    assert out.startswith("0 incidents (since 2030-01-01)") and "No recurring root causes" in out
    assert "mean —" in out
    result = invoke("stats", "--since", "April", data_dir=fixed_dir, code=2)
    assert result.stderr == "pmtui: --since: cannot read date 'April': use YYYY-MM-DD\n"


# --- related and the github export ---------------------------------------------------




def test_related_links_and_unlinks(own_dir):
    assert invoke("related", "m14", "m07", data_dir=own_dir).stdout == (
        "Linked m07 'Search latency spike during reindex #7' to m14 'Login failures after certificate rotation #14'.\n")
    assert {m.id: m.related for m in load_library(own_dir, ("related",)).meetings}["m14"] == ["m07"]
    assert invoke("related", "m14", "m07", "--remove", data_dir=own_dir).stdout.startswith("Unlinked m07 'Search")
    assert {m.id: m.related for m in load_library(own_dir, ("related",)).meetings}["m14"] == []


@pytest.mark.parametrize(("other", "fragment"), [
    pytest.param("m14", "itself"),
    ("nope", "no meeting 'nope'"),
])
def test_related_refusals(own_dir, other, fragment):
    result = invoke("related", "m14", other, data_dir=own_dir, code=2)
    assert fragment in result.stderr and len(result.stderr.splitlines()) == 1


def test_export_github_format(fixed_dir):
    result = invoke("export", "m26", "--format", "github", data_dir=fixed_dir)
    meeting = {m.id: m for m in load_library(fixed_dir).meetings}["m26"]
    assert result.stdout == github_script(meeting)
    assert result.stdout.count("\ngh issue create ") == 2


# --- the real command line ------------------------------------------------------------


def run(*args, data_dir: Path) -> subprocess.CompletedProcess:
    """The installed pmtui console script in a subprocess (with the real today)."""
    assert PMTUI is not None, "the pmtui console script is not installed next to this Python"
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run([PMTUI, *args, "--data-dir", str(data_dir)], capture_output=True, text=True, env=env,
                          timeout=60)
    assert "Traceback" not in done.stderr
    return done


def test_real_commands_skip_a_corrupt_file(fixed_dir):
    done = run("actions", "--all", "--json", data_dir=fixed_dir)
    assert done.returncode == 0
    assert len(json.loads(done.stdout)["actions"]) == 12
    assert done.stderr.startswith("pmtui: skipped: ") and "broken.json" in done.stderr
    assert json.loads(run("search", "replica", "--json", data_dir=fixed_dir).stdout)[0]["id"] == "m07"
    assert json.loads(run("stats", "--json", data_dir=fixed_dir).stdout)["incidents"] == 30
