"""``pmtui publish``: the command's wiring, its exit codes and its one-line refusals."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from forge_support import git
from pmtui.cli import main
from pmtui.demo import demo_meeting
from pmtui.model import to_data
from pmtui.store import MeetingFile, read_meeting
from test_cli import PMTUI

BRANCH = "postmortem/checkout-errors-after-connection-pool-change"


@pytest.fixture
def meeting_id(tmp_path: Path) -> str:
    meeting = demo_meeting()
    data = tmp_path / "data"
    data.mkdir()
    MeetingFile.create(data, to_data(meeting)).close()
    return meeting.id


def invoke(tmp_path: Path, *args: object, code: int = 0):
    result = CliRunner().invoke(main, ["publish", *map(str, args), "--data-dir", str(tmp_path / "data")],
                                catch_exceptions=False)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result


def refused(tmp_path: Path, *args: object, code: int = 2) -> str:
    result = invoke(tmp_path, *args, code=code)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pmtui: "), result.stderr
    assert result.stdout == ""
    return lines[0]


def test_publish_and_push_through_the_installed_command(tmp_path, meeting_id, archive_repo):
    done = subprocess.run([PMTUI, "publish", meeting_id, "--to", str(archive_repo), "--push",
                           "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert lines[0] == (f"Published meeting {meeting_id} 'Checkout errors after connection pool change' (SEV2) into "
                        f"{archive_repo}")
    assert lines[1] == "  folder: postmortems/2026/2026-11-17-checkout-errors-after-connection-pool-change"
    assert lines[3] == f"  pushed {BRANCH} to origin"
    assert f"refs/heads/{BRANCH}" in git(archive_repo, "ls-remote", "--heads", "origin")
    assert read_meeting(tmp_path / "data" / f"{meeting_id}.json").status == "published"


def test_a_dry_run_prints_the_plan_and_exits_0(tmp_path, meeting_id, archive_repo):
    out = invoke(tmp_path, meeting_id, "--to", archive_repo, "--dry-run").stdout
    assert f"  branch: {BRANCH} (new, from main)" in out
    assert out.endswith("Nothing was changed (--dry-run).\n")
    assert git(archive_repo, "branch", "--list").split() == ["*", "main"]


def test_a_meeting_open_in_the_app_is_refused(tmp_path, meeting_id, archive_repo):
    with MeetingFile.open(tmp_path / "data" / f"{meeting_id}.json", write=True):
        line = refused(tmp_path, meeting_id, "--to", archive_repo)
    assert line.startswith(f"pmtui: meeting {meeting_id} is open in another pmtui (pid ")
    assert git(archive_repo, "branch", "--list").split() == ["*", "main"]


def test_not_a_repository_is_one_line_exit_2(tmp_path, meeting_id):
    line = refused(tmp_path, meeting_id, "--to", tmp_path)
    assert line == (f"pmtui: {tmp_path} is not a git working tree; publish into a clone of the archive "
                    "(git clone URL) or create one with git init")


def test_a_rejected_push_is_one_line_exit_1_and_the_commit_is_kept(tmp_path, meeting_id, archive_repo):
    hook = tmp_path / "origin.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'closed for the holidays' >&2\nexit 1\n")
    hook.chmod(0o755)
    line = refused(tmp_path, meeting_id, "--to", archive_repo, "--push", code=1)
    assert "rejected by the remote's hook (closed for the holidays)" in line
    publication = read_meeting(tmp_path / "data" / f"{meeting_id}.json").publication
    assert publication.commit == git(archive_repo, "rev-parse", BRANCH).strip()


@pytest.mark.parametrize("option", ["--branch=--upload-pack=touch /tmp/x", "--branch=-x"])
def test_a_branch_that_reads_as_an_option_is_one_line(tmp_path, meeting_id, archive_repo, option):
    line = refused(tmp_path, meeting_id, "--to", archive_repo, option)
    assert "is not a branch name (it must not start with '-')" in line
    assert git(archive_repo, "branch", "--list").split() == ["*", "main"]
