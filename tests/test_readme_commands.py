"""Every command README.md shows, run as people run it: the installed ``pmtui`` console script, in a subprocess.

The in-process tests (CliRunner) import the command modules themselves, so
they stay green when a command is no longer registered on ``pmtui``; these
tests only go through the console script next to this Python. README
command 1 (``pip install .`` then ``pmtui demo``) is in test_installed_wheel.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import sys
from pathlib import Path

import click
import pytest

from console_script import pmtui_command
from forge_support import git
from pmtui.cli import main
from pmtui.entry_grammar import parse_action_line
from pmtui.session import MeetingSession
from pty_terminal import Terminal
from test_room_support import free_port

ROOT = Path(__file__).resolve().parents[1]
PMTUI = shutil.which("pmtui", path=os.path.dirname(sys.executable))
TOKEN = "readme-token-0123456789"
TITLE = "Checkout errors after pool change"  # the title in the README's `pmtui new` command

RUN_HERE = {
    "", "new", "run", "demo", "join", "list", "import", "export", "agendas", "lint", "end", "reopen",
    "actions", "actions done", "actions reopen", "actions link", "search", "stats", "related", "edit",
    "publish", "actions export", "actions sync",
}
"""The commands these tests run (``""``: plain ``pmtui``; ``demo`` runs from the wheel in test_installed_wheel)."""


def readme_blocks() -> list[str]:
    """The shell lines of README.md's ``sh`` blocks, continuation lines joined."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    return [line for block in blocks for line in block.replace("\\\n", "").splitlines()]


def readme_commands() -> set[str]:
    """The pmtui commands the README shows, as command paths ('actions done'; '' for plain ``pmtui``)."""
    found = set()
    context = click.Context(main)
    for line in readme_blocks():
        for match in re.finditer(r"\bpmtui\b((?:[ ]+[a-z][a-z-]*)*)", line):
            words = match[1].split()
            command = main.get_command(context, words[0]) if words else None
            if command is None:
                found.add("")
            elif isinstance(command, click.Group) and len(words) > 1 and words[1] in command.commands:
                found.add(" ".join(words[:2]))
            else:
                found.add(words[0])
    return found


def readme_line(start: str) -> list[str]:
    """The argv of the README's command line that starts with ``start``."""
    [line] = [line for line in readme_blocks() if line.startswith(start)]
    return shlex.split(line.split("#")[0])


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    """The subprocesses' environment: the test's own folders, no colour."""
    environ = {key: value for key, value in os.environ.items() if key not in ("PMTUI_DATA_DIR", "PMTUI_TOKEN")}
    return {**environ, "PMTUI_CONFIG_DIR": str(tmp_path / "config"), "PMTUI_DATA_DIR": str(tmp_path / "data"),
            "PMTUI_OUTBOX_DIR": str(tmp_path / "outbox"), "NO_COLOR": "1"}


def pmtui(env: dict[str, str], *args: object, code: int = 0, cwd: Path | None = None) -> str:
    """Run the console script (a process of its own, forked: tests/console_script.py); its stdout, after checking
    the exit code and that stderr has no traceback."""
    done = pmtui_command([str(arg) for arg in args], env, cwd=cwd)
    assert done.returncode == code, (args, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    return done.stdout


def new_meeting(env: dict[str, str]) -> str:
    """The README's ``pmtui new`` command, word for word; the new meeting's id."""
    argv = readme_line("pmtui new ")
    return pmtui(env, *argv[1:]).strip().splitlines()[-1]


def test_the_readme_commands_are_registered_on_the_installed_script_and_run_here(env):
    listed = pmtui(env, "--help")
    commands = set(re.findall(r"^  ([a-z-]+)  ", listed.split("Commands:")[1], re.M))
    assert {c.split()[0] for c in RUN_HERE if c} <= commands, commands
    assert {"done", "reopen"} <= set(re.findall(r"^  ([a-z-]+)  ", pmtui(env, "actions", "--help"), re.M))
    assert readme_commands() == RUN_HERE


def test_the_other_commands_as_the_readme_shows_them(env, tmp_path):
    meeting_id = new_meeting(env)
    incident = json.loads(pmtui(env, "export", meeting_id, "--format", "json"))["incident"]
    assert (incident["title"], incident["severity"], incident["services"]) == (TITLE, "SEV2", ["checkout-api"])
    assert incident["detected"] == "2026-11-17T14:38:45+00:00"

    assert f"{meeting_id}  SEV2" in pmtui(env, "list")
    assert [row["id"] for row in json.loads(pmtui(env, "list", "--json"))] == [meeting_id]
    events = tmp_path / "events.csv"
    events.write_text("time,description,actor,evidence\n14:37,checkout errors start,checkout-api,https://grafana\n")
    assert pmtui(env, "import", meeting_id, events) == f"Imported 1 event(s) into '{TITLE}'.\n"
    session = MeetingSession.open(Path(env["PMTUI_DATA_DIR"]), meeting_id)
    entry = parse_action_line("validate pool size in CI | priya | high | 2026-12-10 | a pool below 20 fails",
                              session.today())
    action = session.add_action(entry.description, entry.owner, entry.priority, entry.due, entry.success_criteria)
    session.add_observation("went_poorly", "The on-call should have known the pool size")
    assert session.close()

    assert pmtui(env, "export", meeting_id).startswith(f"# {TITLE}\n")
    out = tmp_path / "out"
    out.mkdir()  # export -o creates no folder unless --parents
    for fmt, suffix in (("markdown", "md"), ("html", "html"), ("confluence", "confluence.xml"), ("json", "json"),
                        ("actions-csv", "csv"), ("github", "sh")):
        minutes = ["--minutes"] if fmt in ("markdown", "html", "confluence") else []  # the data formats refuse it
        assert pmtui(env, "export", meeting_id, "-o", out / f"pm.{suffix}", "--format", fmt, *minutes) \
            == f"Wrote {out / f'pm.{suffix}'}\n"
    assert "validate pool size in CI" in (out / "pm.csv").read_text()
    assert "gh issue create" in (out / "pm.sh").read_text()
    assert (out / "pm.html").read_text().startswith("<!doctype html>")
    assert (out / "pm.confluence.xml").read_text().startswith(f"<h1>{TITLE}")

    assert "standard-90" in pmtui(env, "agendas")
    own = shutil.copy(ROOT / "agendas" / "near-miss-30.toml", tmp_path / "my-agenda.toml")
    assert pmtui(env, "agendas", "--check", own).startswith(f"{own}: OK")

    assert "should have known" in pmtui(env, "lint", meeting_id, code=1)
    clean = tmp_path / "clean.md"
    clean.write_text("The pool was lowered to 5 by a configuration change.\n")
    assert json.loads(pmtui(env, "lint", clean, "--json")) == []

    assert action.id in pmtui(env, "actions")
    assert json.loads(pmtui(env, "actions", "--overdue", "--owner", "priya", "--json"))["filter"] == "overdue"
    assert pmtui(env, "actions", "done", action.id, "--note", "check added").startswith("Done: ")
    assert action.id not in pmtui(env, "actions", "--open")
    assert pmtui(env, "actions", "reopen", action.id).startswith("Open again: ")
    assert [a["id"] for a in json.loads(pmtui(env, "actions", "--all", "--json"))["actions"]] == [action.id]
    assert pmtui(env, "actions", "link", action.id, "https://tracker.example.com/issues/42").startswith("Linked ")

    assert pmtui(env, "end", meeting_id).startswith(f"Ended meeting {meeting_id}")
    assert "(draft: 4 sections to write)" in pmtui(env, "list", "--status", "ended")
    assert " on 2026-11-20. Its document still has 4 required sections to write" in pmtui(
        env, "end", meeting_id, "--published", "--on", "2026-11-20")
    assert pmtui(env, "reopen", meeting_id).startswith(f"Reopened meeting {meeting_id}")

    assert meeting_id in pmtui(env, "search", "pool", "grafana")
    assert json.loads(pmtui(env, "stats", "--since", "2026-01-01", "--json"))["by_severity"]["SEV2"] == 1
    assert "Time to detect" in pmtui(env, "stats")
    other = pmtui(env, "new", "Earlier pool exhaustion").strip().splitlines()[-1]
    assert pmtui(env, "related", meeting_id, other).startswith(f"Linked {other} 'Earlier pool exhaustion'")
    assert "Earlier pool exhaustion" in pmtui(env, "export", meeting_id)
    assert pmtui(env, "related", meeting_id, other, "--remove").startswith(f"Unlinked {other}")


def test_run_and_the_home_screen_in_a_terminal(env, tmp_path):
    new_meeting(env)
    for argv, shown in ((readme_line("pmtui run checkout"), TITLE), (["pmtui"], "1 meeting")):
        terminal = Terminal([PMTUI, *argv[1:]], env, size=(100, 30), cwd=tmp_path)
        try:
            terminal.wait_for(shown, timeout=30)
            assert terminal.quit() == 0, terminal.text()[-600:]
        finally:
            terminal.close()
        assert "Traceback" not in terminal.text()


def test_edit_as_the_readme_shows_it(env, tmp_path):
    new_meeting(env)
    script = tmp_path / "editor.py"
    script.write_text("import sys\nopen(sys.argv[-1], 'a').write('Written in my editor.\\n')\n")
    external = readme_line("pmtui edit checkout --external")
    out = pmtui({**env, "VISUAL": "", "EDITOR": f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"},
                *external[1:])
    assert out == f"Saved Summary of '{TITLE}'.\n"
    terminal = Terminal([PMTUI, *readme_line("pmtui edit checkout --section")[1:]], env, size=(100, 30), cwd=tmp_path)
    try:
        terminal.wait_for("What happened", timeout=30)
        assert terminal.quit() == 0, terminal.text()[-600:]
    finally:
        terminal.close()
    assert "Traceback" not in terminal.text()


def test_a_shared_meeting_joined_with_the_token_in_the_environment(env, tmp_path):
    meeting_id = new_meeting(env)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    token_file = tmp_path / "token"
    token_file.write_text(f"  {TOKEN}\n")  # trimmed
    [run_line] = [line for line in readme_blocks() if line.startswith("pmtui run MEETING --share")]
    assert "--token-file" in run_line and "--token " not in run_line
    facilitator = Terminal([PMTUI, "run", meeting_id, "--share", "--port", str(port), "--token-file", str(token_file)],
                           env, size=(120, 30), cwd=tmp_path)
    note_taker = None
    try:
        facilitator.wait_for("PMTUI_TOKEN=••••••••", timeout=30)
        facilitator.wait_for("pmtui join", timeout=30)
        assert TOKEN not in facilitator.text()  # the shared screen shows the command with the token hidden
        [join_line] = [line for line in readme_blocks() if line.startswith("PMTUI_TOKEN=T pmtui join")]
        assert "--token" not in join_line
        note_taker = Terminal([PMTUI, "join", url, "--name", "Lee"], {**env, "PMTUI_TOKEN": TOKEN},
                              size=(100, 30), cwd=tmp_path)
        note_taker.wait_for("·  Checkout errors", timeout=30)  # the phase line ends with the title
        facilitator.wait_for("Lee", timeout=30)
        assert note_taker.quit() == 0, note_taker.text()[-600:]
        assert facilitator.quit() == 0, facilitator.text()[-600:]
    finally:
        for terminal in (note_taker, facilitator):
            if terminal is not None:
                terminal.close()
    assert "Traceback" not in facilitator.text() + note_taker.text()


def test_sharing_across_teams_as_the_readme_shows_it(env, tmp_path, archive_repo, fake_forge):
    """Publish with a pull request, file the action items as issues, sync a closed one: the README's lines, with the
    archive's path for ``~/src/postmortems`` and the fake ``gh`` (tests/fake_forge) on PATH."""
    env = {**env, "PATH": os.environ["PATH"], "PMTUI_FAKE_FORGE_DIR": os.environ["PMTUI_FAKE_FORGE_DIR"]}
    meeting_id = new_meeting(env)
    session = MeetingSession.open(Path(env["PMTUI_DATA_DIR"]), meeting_id)
    action = session.add_action("Validate pool size in CI", "Priya", "high")
    assert session.close()
    fake_forge.answer("gh", ["pr", "list"], "[]")
    fake_forge.answer("gh", ["pr", "create"], "https://github.com/acme/postmortems/pull/7\n")
    fake_forge.answer("gh", ["label", "list"], [{"name": "post-mortem"}, {"name": "sev2"}])
    fake_forge.answer("gh", ["issue", "create"], "https://github.com/acme/payments/issues/41\n")
    fake_forge.answer("gh", ["issue", "view"], {"state": "CLOSED", "closedAt": "2026-12-01T10:00:00Z",
                                                "assignees": []})

    publish = [str(archive_repo) if word.endswith("/src/postmortems") else word
               for word in readme_line("pmtui publish checkout")]
    out = pmtui(env, *publish[1:])
    assert "pull request: https://github.com/acme/postmortems/pull/7" in out
    [branch] = [line.split()[-1] for line in git(archive_repo, "branch", "--list", "postmortem/*").splitlines()]
    assert f"refs/heads/{branch}" in git(archive_repo, "ls-remote", "origin")

    assert "Created 1 issue on GitHub (acme/payments)" in pmtui(env, *readme_line("pmtui actions export")[1:])
    assert pmtui(env, *readme_line("pmtui actions sync")[1:]).startswith("Done: ")
    assert json.loads(pmtui(env, "actions", "--all", "--json"))["actions"][0]["status"] == "done"
    created = [call for call in fake_forge.calls("gh") if call[:2] == ["issue", "create"]]
    assert len(created) == 1 and "--repo=acme/payments" in created[0]
    assert f"--title={action.description}" in created[0]
