"""``pmtui lint --archive``: the archive's CI check on the command line, and the workflow README.md gives for it."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from archive_records import blameful_post_mortem, clean_post_mortem, write_post_mortem
from pmtui.cli.lint import lint

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ".github/workflows/postmortems.yml"


def archive_with_one_bad(root: Path) -> tuple[str, str]:
    """An archive with a clean post-mortem and a bad one; their meeting.json paths, relative to ``root``."""
    clean = write_post_mortem(root, clean_post_mortem(), folder="checkout-errors")
    bad = write_post_mortem(root, blameful_post_mortem(), folder="search-outage")
    return clean.relative_to(root).as_posix(), bad.relative_to(root).as_posix()


def run(*args: object):
    return CliRunner().invoke(lint, [str(a) for a in args])


def test_findings_one_per_line_exit_1_and_a_count(tmp_path):
    clean, bad = archive_with_one_bad(tmp_path)
    result = run("--archive", tmp_path)
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert [line.split(": ")[:2] for line in lines] == [[bad, "section-to-write"], [bad, "blame-person"]]
    assert clean not in result.stdout
    assert result.stderr == f"Checked 2 post-mortems in {tmp_path}: 2 findings in 1.\n"

    data = json.loads(run("--archive", tmp_path, "--json").stdout)
    assert [(f["file"], f["rule"], f["where"]) for f in data] == [
        (bad, "section-to-write", ""), (bad, "blame-person", "section lessons")]


def test_a_clean_archive_exits_0(tmp_path):
    write_post_mortem(tmp_path, clean_post_mortem())
    result = run("--archive", tmp_path)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"Checked 1 post-mortem in {tmp_path}: no findings.\n"


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    (tmp_path / ".pmtui-archive.toml").write_text("[checks]\nblame = 'yes'\n")
    for args, says in (
        (("--archive", tmp_path), "checks.blame must be true or false"),
        (("--archive", tmp_path / "missing"), "is not a folder; give the archive's git working tree"),
        (("--archive", tmp_path / ".pmtui-archive.toml"), "is not a folder"),
        (("--archive", tmp_path, "some-meeting"), "not both"),
        ((), "nothing to lint"),
    ):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert says in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.output


def readme_workflow() -> str:
    """The GitHub Actions workflow README.md gives for an archive repository."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    [workflow] = [block for block in re.findall(r"```yaml\n(.*?)```", text, re.S) if block.startswith(f"# {WORKFLOW}")]
    return workflow


def test_the_readme_workflow_checks_every_pull_request_with_pmtui_from_git():
    workflow = readme_workflow()
    assert re.search(r"^on:\n  pull_request:\n", workflow, re.M)
    uses = re.findall(r"- uses: (\S+)", workflow)
    assert [u.split("@")[0] for u in uses] == ["actions/checkout", "actions/setup-python"]
    runs = re.findall(r"- run: (.+)", workflow)
    assert len(runs) == 2 and runs[0].startswith('pip install "pmtui @ git+https://')


def test_the_readme_workflow_command_fails_on_the_bad_post_mortem_and_names_it(tmp_path):
    clean, bad = archive_with_one_bad(tmp_path)
    command = shlex.split(re.findall(r"- run: (.+)", readme_workflow())[-1])
    assert command[0] == "pmtui"
    pmtui = shutil.which("pmtui", path=os.path.dirname(sys.executable))
    assert pmtui is not None, "the pmtui console script is not installed next to this Python"
    done = subprocess.run([pmtui, *command[1:]], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert bad in done.stdout and clean not in done.stdout and "Traceback" not in done.stderr
    assert all(line.startswith(f"{bad}: ") for line in done.stdout.splitlines())

    (tmp_path / bad).unlink()
    done = subprocess.run([pmtui, *command[1:]], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "")


def test_a_folder_name_cannot_drive_the_terminal(tmp_path):
    write_post_mortem(tmp_path, blameful_post_mortem(), folder="\x1b]0;owned\x07\x1b[31mred\u202e")
    result = run("--archive", tmp_path)
    assert result.exit_code == 1
    assert result.stdout.startswith("postmortems/2026/") and "red/meeting.json: " in result.stdout
    assert not any(c in result.stdout for c in "\x1b\x07\u202e")
