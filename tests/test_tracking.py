"""The library loader and action items across meetings, on the fixed library of library_factory."""

from __future__ import annotations

import json
import random
import shlex
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from library_factory import FIXED_ACTIONS, TODAY, created, fixed_meeting, random_meeting, write_fixed_library
from pmtui import library as library_module
from pmtui.demo import demo_meeting
from pmtui.export.github import github_login, github_script, incident_label
from pmtui.library import CACHE_DIR, load_library
from pmtui.model import ActionItem, Meeting, from_data, to_data
from pmtui.store import MeetingFile, MeetingLockedError
from pmtui.tracking import (
    TRACKING_PARTS,
    ActionLookupError,
    completion_figures,
    every_action,
    find_action,
    follow_up_items,
    owned_by,
    select,
    write_status,
)


@pytest.fixture(scope="module")
def fixed_dir(tmp_path_factory) -> Path:
    """The 30 fixed meetings and one corrupt file; tests must not change it."""
    folder = tmp_path_factory.mktemp("fixed")
    write_fixed_library(folder)
    (folder / "broken.json").write_text('{"_meta": {"1": {"app": "pmtui", "sche')
    return folder


@pytest.fixture
def own_dir(fixed_dir, tmp_path) -> Path:
    """A copy of the fixed library that a test may change."""
    return Path(shutil.copytree(fixed_dir, tmp_path / "meetings", ignore=shutil.ignore_patterns(CACHE_DIR)))


@pytest.fixture(scope="module")
def tracked(fixed_dir):
    return every_action(load_library(fixed_dir, TRACKING_PARTS))


def ids(actions) -> list[str]:
    return [a.item.id for a in actions]


# --- the library --------------------------------------------------------------------


def test_library_loads_every_meeting_and_reports_the_corrupt_file(fixed_dir):
    library = load_library(fixed_dir)
    assert len(library.meetings) == 30
    assert [m.id for m in library.meetings[:3]] == ["m29", "m28", "m27"]  # newest first
    assert len(library.errors) == 1
    message = str(library.errors[0])
    assert "broken.json" in message and "not valid JSON" in message and "\n" not in message
    assert library.meetings[-1] == fixed_meeting(0)


def test_library_loads_only_the_parts_asked_for(fixed_dir):
    meeting = {m.id: m for m in load_library(fixed_dir, TRACKING_PARTS).meetings}["m26"]
    assert ids_of(meeting.actions) == ["a260", "a261", "a262"]
    assert meeting.events == [] and meeting.chains == [] and meeting.factors == []
    assert meeting.incident == fixed_meeting(26).incident


def ids_of(items) -> list[str]:
    return [i.id for i in items]


def test_library_rejects_unknown_parts(fixed_dir):
    with pytest.raises(ValueError, match="unknown meeting parts"):
        load_library(fixed_dir, ("actions", "gossip"))


def test_a_missing_data_dir_is_an_empty_library(tmp_path):
    library = load_library(tmp_path / "nowhere", TRACKING_PARTS)
    assert library.meetings == [] and library.errors == []


def test_the_cache_serves_settled_files_and_never_stale_ones(own_dir, monkeypatch):
    monkeypatch.setattr(library_module, "SETTLE_SECONDS", 0.0)
    load_library(own_dir, TRACKING_PARTS)
    assert sorted(p.name for p in (own_dir / CACHE_DIR).iterdir()) == ["actions.json", "core.json"]
    reads = []
    real = library_module._read_whole
    monkeypatch.setattr(library_module, "_read_whole", lambda path: reads.append(path.name) or real(path))
    assert len(load_library(own_dir, TRACKING_PARTS).meetings) == 30
    assert reads == ["broken.json"]  # only the file that is not a meeting is read again
    write_status(own_dir, find_action(load_library(own_dir, TRACKING_PARTS), "a021"), "done", "fixed")
    reads.clear()
    item = find_action(load_library(own_dir, TRACKING_PARTS), "a021").item
    assert (item.status, item.status_note) == ("done", "fixed")
    assert sorted(reads) == ["broken.json", "m02.json"]


def test_recently_changed_files_are_not_cached(own_dir):
    load_library(own_dir, TRACKING_PARTS)
    cached = json.loads((own_dir / CACHE_DIR / "actions.json").read_text())["entries"]
    assert cached == {}  # every file was written moments ago


def test_a_damaged_or_foreign_cache_is_ignored(own_dir, monkeypatch):
    monkeypatch.setattr(library_module, "SETTLE_SECONDS", 0.0)
    load_library(own_dir, TRACKING_PARTS)
    core = own_dir / CACHE_DIR / "core.json"
    data = json.loads(core.read_text())
    data["entries"]["m05.json"][3] = {"incident": "nonsense"}
    core.write_text(json.dumps(data))
    assert {m.id for m in load_library(own_dir, TRACKING_PARTS).meetings} == {f"m{k:02d}" for k in range(30)}
    core.write_text("{truncated")
    (own_dir / CACHE_DIR / "actions.json").write_text(json.dumps({"header": {"format": 99}, "entries": {}}))
    library = load_library(own_dir, TRACKING_PARTS)
    assert len(library.meetings) == 30 and len(library.errors) == 1
    assert sorted(ids(every_action(library))) == sorted(FIXED_ACTIONS)


def test_an_unwritable_cache_only_costs_speed(own_dir, monkeypatch):
    monkeypatch.setattr(library_module, "SETTLE_SECONDS", 0.0)
    (own_dir / CACHE_DIR).write_text("a file where the cache folder should be")
    assert len(load_library(own_dir, TRACKING_PARTS).meetings) == 30


def test_a_copied_meeting_file_is_reported_once(own_dir):
    shutil.copy(own_dir / "m03.json", own_dir / "m03 (copy).json")
    library = load_library(own_dir, TRACKING_PARTS)
    assert [m.id for m in library.meetings].count("m03") == 1
    assert any("m03 (copy).json holds meeting m03 again" in str(e) for e in library.errors)


def test_from_data_round_trips_and_ignores_fields_of_later_versions():
    rng = random.Random(7)
    now = datetime(2026, 6, 1, tzinfo=UTC)
    for meeting in [demo_meeting(now=0.0), fixed_meeting(7), *(random_meeting(rng, now) for _ in range(5))]:
        data = to_data(meeting)
        data["incident"]["added_in_a_later_version"] = 1
        assert from_data(Meeting, data) == meeting


# --- filters and lookups -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("which", "expected"),
    [
        ("open", ["a050", "a141", "a021", "a290", "a260", "a261", "a291"]),
        ("overdue", ["a050", "a141", "a021"]),
        ("all", ["a020", "a050", "a051", "a141", "a140", "a021", "a200", "a290", "a260", "a262", "a261", "a291"]),
    ],
)
def test_filters_sort_the_soonest_due_first(tracked, which, expected):
    assert ids(select(tracked, which, TODAY)) == expected


def test_owner_filter_is_a_case_insensitive_part_of_the_name(tracked):
    assert ids(select(owned_by(tracked, "priya"), "all", TODAY)) == ["a020", "a051", "a140", "a261"]
    assert ids(select(owned_by(tracked, "JO OKAFOR"), "open", TODAY)) == ["a050", "a290", "a291"]
    assert ids(select(owned_by(tracked, "nobody"), "all", TODAY)) == []
    assert len(owned_by(tracked, "")) == 12


def test_days_overdue(tracked):
    late = {a.item.id: a.overdue_days(TODAY) for a in tracked}
    assert late == {"a020": 0, "a021": 56, "a050": 118, "a051": 0, "a140": 0, "a141": 73, "a200": 0,
                    "a260": 0, "a261": 0, "a262": 0, "a290": 0, "a291": 0}


def test_find_action_by_id_or_unique_prefix(fixed_dir):
    library = load_library(fixed_dir, TRACKING_PARTS)
    assert find_action(library, "a141").meeting.id == "m14"
    assert find_action(library, "a20").item.id == "a200"
    with pytest.raises(ActionLookupError, match=r"'a14' matches several action items: a140 \(m14\), a141 \(m14\)"):
        find_action(library, "a14")
    with pytest.raises(ActionLookupError, match="no action item 'zz'"):
        find_action(library, "zz")
    with pytest.raises(ActionLookupError):
        find_action(library, "")


# --- completion figures -------------------------------------------------------------------


def test_completion_figures_by_hand(tracked):
    figures = completion_figures(tracked, TODAY)
    assert (figures.start, figures.today) == (date(2026, 3, 4), TODAY)
    total = figures.total
    # counted: every item but a020 and a050 (due and made before 2026-03-04); done: a051 a140 a200 a262
    assert (total.counted, total.done, total.overdue) == (10, 4, 3)
    assert total.rate == 0.4
    assert total.mean_days_to_close == (40 + 10 + 44 + 3) / 4
    by = {p: (c.counted, c.done, c.overdue, c.mean_days_to_close) for p, c in figures.by_priority.items()}
    assert by == {
        "critical": (2, 0, 2, None),
        "high": (2, 1, 0, 10.0),
        "medium": (4, 3, 0, 29.0),
        "low": (2, 0, 1, None),
    }


def test_completion_figures_for_one_owner_and_an_empty_window(tracked):
    priya = completion_figures(owned_by(tracked, "priya"), TODAY).total
    assert (priya.counted, priya.done, priya.overdue, priya.mean_days_to_close) == (3, 2, 0, 25.0)
    early = completion_figures(tracked, date(2025, 6, 1)).total
    assert (early.counted, early.done, early.rate, early.mean_days_to_close) == (0, 0, None, None)


def test_a_done_item_without_a_close_time_counts_as_done_but_not_in_the_mean():
    meeting = fixed_meeting(29)
    meeting.actions = [ActionItem("legacy", status="done", due=TODAY, created=created(29))]
    figures = completion_figures(every_action(library_module.Library([meeting])), TODAY)
    assert (figures.total.done, figures.total.mean_days_to_close) == (1, None)


# --- follow-ups --------------------------------------------------------------------------


def test_follow_ups_are_open_items_of_earlier_meetings_same_service_first(fixed_dir):
    library = load_library(fixed_dir, TRACKING_PARTS)
    meetings = {m.id: m for m in library.meetings}
    # m29 is about 'search': m05's item first, then the others soonest due first; m29's own items are not listed
    assert ids(follow_up_items(library, meetings["m29"])) == ["a050", "a141", "a021", "a260", "a261"]
    assert ids(follow_up_items(library, meetings["m14"])) == ["a021", "a050"]  # m02 is about 'auth' too
    assert follow_up_items(library, meetings["m00"]) == []


# --- writing status ----------------------------------------------------------------------


def test_write_status_goes_through_the_session(own_dir):
    action = find_action(load_library(own_dir, TRACKING_PARTS), "a050")
    write_status(own_dir, action, "done", "  replaced the pool  ")
    item = find_action(load_library(own_dir, TRACKING_PARTS), "a050").item
    assert (item.status, item.status_note) == ("done", "replaced the pool")
    assert (datetime.now(UTC) - item.status_changed).total_seconds() < 60
    assert not (own_dir / "m05.json.lock").exists()


def test_write_status_refuses_a_meeting_open_elsewhere(own_dir):
    action = find_action(load_library(own_dir, TRACKING_PARTS), "a050")
    with MeetingFile.open(own_dir / "m05.json", write=True):
        with pytest.raises(MeetingLockedError, match="meeting m05 is open in another pmtui"):
            write_status(own_dir, action, "done")
    assert find_action(load_library(own_dir, TRACKING_PARTS), "a050").item.status == "open"


# --- the gh script -----------------------------------------------------------------------


def script_meeting() -> Meeting:
    meeting = demo_meeting(now=0.0)
    meeting.id = "5f3e2a1b"
    meeting.incident.title = "Checkout's errors after a 'small' change"
    meeting.actions[0].owner = "@priya-n"
    meeting.actions += [
        ActionItem("Don't 'trust' $(rm -rf /) or `this`;\nsecond line", owner="Jo Okafor", priority="critical",
                   id="bad00001"),
        ActionItem("Already shipped", owner="lee", status="done", id="done0001"),
        ActionItem("Nobody owns this yet", id="free0001"),
    ]
    return meeting


def commands(script: str) -> list[list[str]]:
    argvs = (shlex.split(line, comments=True) for line in _logical_lines(script))
    return [argv for argv in argvs if argv[:1] == ["gh"]]


def _logical_lines(script: str) -> list[str]:
    """The script's commands, a quoted newline keeping a command on one logical line."""
    lines, current = [], ""
    for line in script.splitlines():
        current = f"{current}\n{line}" if current else line
        try:
            shlex.split(current, comments=True)
        except ValueError:  # an open quote: the command goes on
            continue
        lines.append(current)
        current = ""
    assert current == ""
    return lines


def option_values(argv: list[str], option: str) -> list[str]:
    return [argv[i + 1] for i, arg in enumerate(argv) if arg == option]


def test_github_script_header_and_labels():
    script = github_script(script_meeting())
    assert script.startswith("#!/bin/sh\n")
    assert "\nset -e\n" in script
    labels = [argv for argv in commands(script) if argv[:3] == ["gh", "label", "create"]]
    assert [argv[3] for argv in labels] == ["post-mortem", "incident-5f3e2a1b"]
    assert all("--force" in argv for argv in labels)
    assert incident_label(script_meeting()) == "incident-5f3e2a1b"


def test_github_script_issues_survive_shell_quoting():
    meeting = script_meeting()
    issues = [argv for argv in commands(github_script(meeting)) if argv[:3] == ["gh", "issue", "create"]]
    assert [option_values(argv, "--title")[0] for argv in issues] == [
        meeting.actions[0].description,
        "Don't 'trust' $(rm -rf /) or `this`; second line",
        "Nobody owns this yet",
    ]
    assert [option_values(argv, "--assignee") for argv in issues] == [["priya-n"], [], []]
    assert all(option_values(argv, "--label") == ["post-mortem", "incident-5f3e2a1b"] for argv in issues)
    body = option_values(issues[0], "--body")[0]
    assert body.startswith(
        meeting.actions[0].description + "\n\n- Priority: high\n- Owner: @priya-n\n- Due: 2026-12-10")
    assert "- Root cause: Configuration for all environments lives in one file" in body
    assert "action item" in body and meeting.actions[0].id in body
    assert "Don't 'trust' $(rm -rf /) or \\`this\\`;\nsecond line" in option_values(issues[1], "--body")[0]


def test_github_script_names_owners_to_assign_by_hand_and_skips_done_items():
    script = github_script(script_meeting())
    assert "# Owner 'Jo Okafor' is not a GitHub login: assign this issue by hand." in script
    assert "# 1 done action item(s) left out." in script
    assert "Already shipped" not in script


@pytest.mark.skipif(shutil.which("sh") is None, reason="no sh to check the syntax with")
def test_github_script_is_valid_sh(tmp_path):
    path = tmp_path / "issues.sh"
    path.write_text(github_script(script_meeting()))
    assert subprocess.run(["sh", "-n", str(path)], capture_output=True, text=True).returncode == 0


def test_github_script_without_open_items():
    meeting = fixed_meeting(4)
    script = github_script(meeting)
    assert "# No open action items." in script
    assert [argv[:3] for argv in commands(script)] == [["gh", "label", "create"]] * 2


@pytest.mark.parametrize(("owner", "login"), [
    ("priya-n", "priya-n"), ("@priya-n", "priya-n"), ("Priya Nair", None), ("-dash", None), ("a--b", None),
    ("x" * 39, "x" * 39), ("x" * 40, None), ("", None),
])
def test_github_login(owner, login):
    assert github_login(owner) == login
