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
import subprocess
import sys
from pathlib import Path

import click
import pytest

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
    """Run the console script; its stdout, after checking the exit code and that stderr has no traceback."""
    assert PMTUI is not None, "the pmtui console script is not installed next to this Python"
    done = subprocess.run([PMTUI, *map(str, args)], env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == code, (args, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    return done.stdout


SCRIPT_RUNNER = """
import contextlib, io, json, runpy, sys, traceback
script, commands, runs = sys.argv[1], json.loads(sys.argv[2]), []
for args in commands:
    out, err, code = io.StringIO(), io.StringIO(), 0
    sys.argv = [script, *args]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            runpy.run_path(script, run_name="__main__")
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else (exit.code is not None)
        except BaseException:
            code = "crashed"
            traceback.print_exc(file=err)
    runs.append([code, out.getvalue(), err.getvalue()])
print(json.dumps(runs))
"""
"""Runs the console script file once per command line, in one Python: its start-up (~1 s) paid once for all."""


def pmtui_run(env: dict[str, str], *commands: tuple[object, ...] | tuple[tuple[object, ...], int]) -> list[str]:
    """Run the console script file on each command line in turn, in one fresh Python; their stdouts.

    A command is its arguments, or (its arguments, its exit code) when that is not 0. Each runs as its own
    process would, through the installed script's own imports and ``main()``, in order (a command sees what
    the ones before it wrote); the exit code and no traceback on stderr are checked as :func:`pmtui` does.
    """
    assert PMTUI is not None, "the pmtui console script is not installed next to this Python"
    expected = [command if isinstance(command[0], tuple) else (command, 0) for command in commands]
    argv = json.dumps([[str(arg) for arg in args] for args, _ in expected])
    done = subprocess.run([sys.executable, "-c", SCRIPT_RUNNER, PMTUI, argv], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    runs = json.loads(done.stdout)
    for (args, code), (exit_code, _, stderr) in zip(expected, runs, strict=True):
        assert exit_code == code, (args, stderr)
        assert "Traceback" not in stderr, (args, stderr)
    return [stdout for _, stdout, _ in runs]


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
    events = tmp_path / "events.csv"
    events.write_text("time,description,actor,evidence\n14:37,checkout errors start,checkout-api,https://grafana\n")
    exported, listed, listed_json, imported = pmtui_run(
        env, ("export", meeting_id, "--format", "json"), ("list",), ("list", "--json"), ("import", meeting_id, events))
    incident = json.loads(exported)["incident"]
    assert (incident["title"], incident["severity"], incident["services"]) == (TITLE, "SEV2", ["checkout-api"])
    assert incident["detected"] == "2026-11-17T14:38:45+00:00"
    assert f"{meeting_id}  SEV2" in listed
    assert [row["id"] for row in json.loads(listed_json)] == [meeting_id]
    assert imported == f"Imported 1 event(s) into '{TITLE}'.\n"
    session = MeetingSession.open(Path(env["PMTUI_DATA_DIR"]), meeting_id)
    entry = parse_action_line("validate pool size in CI | priya | high | 2026-12-10 | a pool below 20 fails",
                              session.today())
    action = session.add_action(entry.description, entry.owner, entry.priority, entry.due, entry.success_criteria)
    session.add_observation("went_poorly", "The on-call should have known the pool size")
    assert session.close()

    out = tmp_path / "out"
    out.mkdir()  # export -o creates no folder unless --parents
    formats = (("markdown", "md"), ("html", "html"), ("confluence", "confluence.xml"), ("json", "json"),
               ("actions-csv", "csv"), ("github", "sh"))
    own = shutil.copy(ROOT / "agendas" / "near-miss-30.toml", tmp_path / "my-agenda.toml")
    clean = tmp_path / "clean.md"
    clean.write_text("The pool was lowered to 5 by a configuration change.\n")
    runs = iter(pmtui_run(
        env, ("export", meeting_id),
        *(("export", meeting_id, "-o", out / f"pm.{suffix}", "--format", fmt, "--minutes") for fmt, suffix in formats),
        ("agendas",), ("agendas", "--check", own), (("lint", meeting_id), 1), ("lint", clean, "--json"),
        ("actions",), ("actions", "--overdue", "--owner", "priya", "--json"),
        ("actions", "done", action.id, "--note", "check added"), ("actions", "--open"),
        ("actions", "reopen", action.id), ("actions", "--all", "--json"),
        ("actions", "link", action.id, "https://tracker.example.com/issues/42"),
        ("end", meeting_id), ("list", "--status", "ended"),
        ("end", meeting_id, "--published", "--on", "2026-11-20"), ("reopen", meeting_id),
        ("search", "pool", "grafana"), ("stats", "--since", "2026-01-01", "--json"), ("stats",),
        ("new", "Earlier pool exhaustion")))
    assert next(runs).startswith(f"# {TITLE}\n")
    for _, suffix in formats:
        assert next(runs) == f"Wrote {out / f'pm.{suffix}'}\n"
    assert "validate pool size in CI" in (out / "pm.csv").read_text()
    assert "gh issue create" in (out / "pm.sh").read_text()
    assert (out / "pm.html").read_text().startswith("<!doctype html>")
    assert (out / "pm.confluence.xml").read_text().startswith(f"<h1>{TITLE}")

    assert "standard-90" in next(runs)
    assert next(runs).startswith(f"{own}: OK")

    assert "should have known" in next(runs)
    assert json.loads(next(runs)) == []

    assert action.id in next(runs)
    assert json.loads(next(runs))["filter"] == "overdue"
    assert next(runs).startswith("Done: ")
    assert action.id not in next(runs)
    assert next(runs).startswith("Open again: ")
    assert [a["id"] for a in json.loads(next(runs))["actions"]] == [action.id]
    assert next(runs).startswith("Linked ")

    assert next(runs).startswith(f"Ended meeting {meeting_id}")
    assert "(draft: 4 sections to write)" in next(runs)
    assert " on 2026-11-20. Its document still has 4 required sections to write" in next(runs)
    assert next(runs).startswith(f"Reopened meeting {meeting_id}")

    assert meeting_id in next(runs)
    assert json.loads(next(runs))["by_severity"]["SEV2"] == 1
    assert "Time to detect" in next(runs)
    other = next(runs).strip().splitlines()[-1]
    related, exported, unrelated = pmtui_run(
        env, ("related", meeting_id, other), ("export", meeting_id), ("related", meeting_id, other, "--remove"))
    assert related.startswith(f"Linked {other} 'Earlier pool exhaustion'")
    assert "Earlier pool exhaustion" in exported
    assert unrelated.startswith(f"Unlinked {other}")


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
