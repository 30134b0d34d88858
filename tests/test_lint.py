"""Tests for ``pmtui lint`` through click's CliRunner, on files, folders and meetings."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import create_meeting
from pmtui.cli.lint import lint
from pmtui.model import Incident, Meeting, Observation, RootCause, TimelineEvent, Why, WhyChain, to_data
from pmtui.store import MeetingFile
from systemic_answers import SYSTEMIC_ANSWERS

DRAFT = """# Checkout outage

## Timeline

- 14:37 The wrong configuration was deployed.
- 14:52 Rolled back.

```
Dave forgot  <- inside a code block, not reported
```

The on-call engineer
failed to page the database team.
"""
CLEAN = "# Checkout outage\n\nThe health check failed to detect the outage because it only checked the port.\n"


@pytest.fixture
def data_dir(tmp_path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def meeting(data_dir) -> Meeting:
    meeting = Meeting(
        Incident("Checkout outage", tz="UTC"),
        id="abcd1234",
        events=[TimelineEvent(datetime(2026, 3, 14, 14, 37, tzinfo=UTC), "Someone deleted it by mistake")],
        observations=[Observation("went_poorly", "We should have rolled back sooner")],
    )
    create_meeting(data_dir, meeting)
    return meeting


def run(*args: str):
    return CliRunner().invoke(lint, [str(a) for a in args])


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_file_exits_0_and_prints_nothing(tmp_path):
    result = run(write(tmp_path, "clean.md", CLEAN))
    assert (result.exit_code, result.output) == (0, "")


def test_findings_print_file_line_col_rule_message_and_exit_1(tmp_path):
    path = write(tmp_path, "draft.md", DRAFT)
    result = run(path)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines == [
        f'{path}:5:13: passive-actor: the passive voice hides who acted and why it made sense to them '
        '("wrong configuration was deployed")',
        f"{path}:12:5: blame-person: names a person as the cause; people act sensibly given what they knew "
        'and what the system let them do ("on-call engineer failed to")',
    ]


def test_json_output(tmp_path):
    path = write(tmp_path, "draft.md", DRAFT)
    result = run("--json", path)
    assert result.exit_code == 1
    rows = json.loads(result.output)
    assert [(r["file"], r["line"], r["column"], r["rule"]) for r in rows] == [
        (str(path), 5, 13, "passive-actor"),
        (str(path), 12, 5, "blame-person"),
    ]
    assert all(r["message"] and r["suggestion"] and r["excerpt"] for r in rows)


def test_json_output_when_clean(tmp_path):
    result = run("--json", write(tmp_path, "clean.txt", CLEAN))
    assert (result.exit_code, json.loads(result.output)) == (0, [])


def test_several_files_and_a_folder(tmp_path):
    folder = tmp_path / "postmortems"
    folder.mkdir()
    write(folder, "b.md", DRAFT)
    write(folder, "a.txt", "Root cause: human error.\n")
    write(folder, "notes.json", "{}")
    (folder / "sub").mkdir()
    extra = write(tmp_path, "extra.markdown", "Obviously fine.\n")
    result = run(folder, extra)
    assert result.exit_code == 1
    files = [line.split(":")[0] for line in result.output.splitlines()]
    assert files == [str(folder / "a.txt"), str(folder / "b.md"), str(folder / "b.md"), str(extra)]


def test_meeting_by_reference_reports_where_and_leaves_out_dismissed(data_dir, meeting):
    result = run(meeting.id, "--data-dir", data_dir)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        'abcd1234[timeline 14:37]:1:1: blame-person: names a person as the cause; people act sensibly given what '
        'they knew and what the system let them do ("Someone deleted it by mistake")',
        'abcd1234[what went poorly 1]:1:1: hindsight: judges a decision with hindsight; the outcome was not known '
        'at the time ("We should have rolled")',
    ]
    rows = json.loads(run("--json", "abcd", "--data-dir", data_dir).output)
    meeting.dismissed_findings.append(rows[1]["key"])
    path = data_dir / "abcd1234.json"
    with MeetingFile.open(path, write=True) as file:
        file.save(to_data(meeting))
    result = run("--json", path)
    assert result.exit_code == 1
    assert [r["where"] for r in json.loads(result.output)] == ["timeline 14:37"]


def test_meeting_whose_whys_are_systemic_answers_is_clean(data_dir, tmp_path):
    chain = WhyChain(
        "The database was lost",
        whys=[Why(answer) for answer in SYSTEMIC_ANSWERS],
        root_cause=RootCause(SYSTEMIC_ANSWERS[0], "process gap"),
    )
    create_meeting(data_dir, Meeting(Incident("Database outage", tz="UTC"), id="5y5tem1c", chains=[chain]))
    result = run("5y5tem1c", "--data-dir", data_dir)
    assert (result.exit_code, result.output) == (0, "")
    draft = write(tmp_path, "whys.md", "\n\n".join(f"- {answer}" for answer in SYSTEMIC_ANSWERS))
    assert (run(draft).exit_code, run(draft).output) == (0, "")


def test_data_dir_from_the_environment(data_dir, meeting, monkeypatch):
    monkeypatch.setenv("PMTUI_DATA_DIR", str(data_dir))
    assert run("checkout-outage").exit_code == 1


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing.md", "missing.md: no such file or folder"),
        ("no/such/dir", "no/such/dir: no such file or folder"),
        ("nosuchmeeting", "no meeting 'nosuchmeeting' in"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(data_dir, target, message, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    result = run(target, "--data-dir", data_dir)
    assert result.exit_code == 2
    assert result.output.startswith(f"pmtui: {message}") and result.output.count("\n") == 1


def test_binary_non_utf8_and_empty_folder_are_bad_input(tmp_path):
    binary = tmp_path / "image.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Café failed".encode("latin-1"))
    empty = tmp_path / "empty"
    empty.mkdir()
    problems = [(binary, "is a binary file"), (latin, "is not UTF-8 text"), (empty, "the folder has no .md or .txt")]
    for target, problem in problems:
        result = run(target)
        assert result.exit_code == 2
        assert result.output.startswith(f"pmtui: {target}: {problem}")
        assert result.output.count("\n") == 1


def test_a_json_file_that_is_not_a_meeting(tmp_path):
    result = run(write(tmp_path, "other.json", '{"a": 1}'))
    assert result.exit_code == 2 and "not a pmtui meeting" in result.output


def test_bad_input_after_a_good_file_still_exits_2(tmp_path):
    result = run(write(tmp_path, "draft.md", DRAFT), tmp_path / "missing.md")
    assert result.exit_code == 2


def test_user_word_lists_are_used(tmp_path, user_folders):
    user_folders.config.mkdir()
    (user_folders.config / "blameless.toml").write_text('[judgement]\nwords = ["clueless"]\n', encoding="utf-8")
    result = run(write(tmp_path, "draft.txt", "A clueless change.\n"))
    assert result.exit_code == 1 and "judgement-word" in result.output


def test_bad_user_word_list_is_one_line_naming_it(tmp_path, user_folders):
    user_folders.config.mkdir()
    (user_folders.config / "blameless.toml").write_text("[judgement\n", encoding="utf-8")
    result = run(write(tmp_path, "clean.md", CLEAN))
    assert result.exit_code == 2
    assert result.output.startswith(f"pmtui: {user_folders.config / 'blameless.toml'}: not valid TOML")
    assert result.output.count("\n") == 1


def test_no_arguments_is_a_usage_error():
    assert run().exit_code == 2
