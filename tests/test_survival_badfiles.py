"""Bad meeting and agenda files: one clear line, exit code 2, and the file left exactly as it was.

Every command runs as a real subprocess (the installed console script); the
commands of one test start together, so each gets a data dir of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pmtui.model import Incident
from pmtui.session import MeetingSession

PMTUI = shutil.which("pmtui", path=os.path.dirname(sys.executable))
pytestmark = pytest.mark.skipif(PMTUI is None, reason="the pmtui console script is not installed next to this Python")

BAD_ID = "bad00001"
PHASE = 'id = "all"\ntitle = "All"\nminutes = 30\nkind = "notes"\n'
GOOD_AGENDA = f'name = "short"\ndescription = ""\n[[phases]]\n{PHASE}'
BAD_AGENDAS = {
    "not-toml": b'name = "short"\nphases = [\n',
    "not-utf8": b'name = "\xff\xfe"\n',
    "unknown-key": GOOD_AGENDA.encode() + b'colour = "red"\n',
    "no-name": f'description = ""\n[[phases]]\n{PHASE}'.encode(),
    "name-not-text": f'name = 3\ndescription = ""\n[[phases]]\n{PHASE}'.encode(),
    "empty-name": f'name = " "\ndescription = ""\n[[phases]]\n{PHASE}'.encode(),
    "no-phases": b'name = "short"\ndescription = ""\n',
    "phases-not-tables": b'name = "short"\ndescription = ""\nphases = [1, 2]\n',
    "phase-unknown-key": GOOD_AGENDA.replace("minutes", "minuts").encode(),
    "phase-no-id": GOOD_AGENDA.replace('id = "all"\n', "").encode(),
    "unknown-kind": GOOD_AGENDA.replace('"notes"', '"brainstorm"').encode(),
    "minutes-text": GOOD_AGENDA.replace("30", '"thirty"').encode(),
    "minutes-negative": GOOD_AGENDA.replace("30", "-5").encode(),
    "minutes-infinite": GOOD_AGENDA.replace("30", "inf").encode(),
    "prompts-not-list": GOOD_AGENDA.encode() + b'prompts = "why?"\n',
    "optional-not-bool": GOOD_AGENDA.encode() + b'optional = "yes"\n',
    "duplicate-ids": (GOOD_AGENDA + f"[[phases]]\n{PHASE}").encode(),
}


@pytest.fixture(scope="module")
def good_meeting(tmp_path_factory) -> bytes:
    """The bytes of a valid meeting file (with some events), to cut up."""
    folder = tmp_path_factory.mktemp("template")
    session = MeetingSession.create(folder, Incident("Checkout errors"))
    for minute in range(10):
        session.add_event(f"14:{minute:02d}", f"step {minute}")
    session.close()
    return session.file.path.read_bytes()


def bad_meetings(good: bytes) -> dict[str, bytes]:
    """Each kind of bad meeting file."""
    tables = json.loads(good)
    newer = json.loads(good)
    newer["_meta"]["1"]["schema"] = 99
    damaged = json.loads(good)
    damaged["meeting"]["1"]["incident"] = "not an object"
    return {
        "truncated": good[: len(good) // 2],
        "empty": b"",
        "not-json": b"\x00\xff this is not JSON at all",
        "other-program": json.dumps({"_default": {"1": {"name": "a TinyDB file of another program"}}}).encode(),
        "json-list": json.dumps([tables]).encode(),
        "newer-schema": json.dumps(newer).encode(),
        "damaged-body": json.dumps(damaged).encode(),
    }


def environment() -> dict[str, str]:
    """This test's environment (its own user folders, see conftest.py), without colours."""
    return {**os.environ, "NO_COLOR": "1"}


def run_together(commands: list[list[str]], env: dict[str, str]) -> list[tuple[int, str, str]]:
    """Start every command at once; (exit code, stdout, stderr) of each, in order."""
    processes = [subprocess.Popen([PMTUI, *map(str, c)], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for c in commands]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        results.append((process.returncode, out, err))
    return results


def one_line(result: tuple[int, str, str], *fragments: str) -> str:
    """The single stderr line of a refused command (exit code 2, no traceback, no TUI)."""
    code, out, err = result
    assert code == 2, (code, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pmtui: "), err
    assert "Traceback" not in err and "\x1b" not in out + err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def fingerprint(folder: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every entry in ``folder``: a file's bytes and modification time (a folder's: None)."""
    return {p.name: (p.read_bytes() if p.is_file() else None, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_bad_meeting_files_are_refused_in_one_line_and_left_untouched(tmp_path, good_meeting):
    events_csv = tmp_path / "events.csv"
    events_csv.write_text("time,description\n14:37,checkout errors start\n")
    cases, commands = [], []
    for kind, payload in bad_meetings(good_meeting).items():
        for command in (["run", BAD_ID], ["export", BAD_ID], ["import", BAD_ID, events_csv]):
            folder = tmp_path / f"{kind}-{command[0]}"
            folder.mkdir()
            (folder / f"{BAD_ID}.json").write_bytes(payload)
            cases.append((kind, command[0], folder, fingerprint(folder)))
            commands.append([*command, "--data-dir", folder])

    results = run_together(commands, environment())

    for (kind, command, folder, before), result in zip(cases, results):
        line = one_line(result, str(folder / f"{BAD_ID}.json"))
        if kind == "newer-schema":
            assert "newer pmtui" in line and "upgrade" in line, line
        else:
            assert "left untouched" in line, line
        assert fingerprint(folder) == before, f"{command} changed the {kind} file or left files behind"


def test_list_reports_each_bad_file_and_lists_the_rest(tmp_path, good_meeting):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "good0001.json").write_bytes(good_meeting)
    bad = bad_meetings(good_meeting)
    for kind, payload in bad.items():
        (folder / f"{kind}.json").write_bytes(payload)
    before = fingerprint(folder)

    code, out, err = run_together([["list", "--data-dir", folder]], environment())[0]

    assert code == 0 and "Traceback" not in err
    skipped = err.strip().splitlines()
    assert all(line.startswith("pmtui: skipped: ") for line in skipped)
    unreadable = [kind for kind in bad if kind != "damaged-body"]  # its _meta is fine: it is listed
    assert sorted(line.split(f"{folder}/")[1].split(".json")[0] for line in skipped) == sorted(unreadable)
    assert "Checkout errors" in out
    assert fingerprint(folder) == before


def test_bad_agendas_are_refused_in_one_line_and_left_untouched(tmp_path):
    folder = tmp_path / "agendas"
    folder.mkdir()
    for kind, payload in BAD_AGENDAS.items():
        (folder / f"{kind}.toml").write_bytes(payload)
    (folder / "a-folder.toml").mkdir()
    before = fingerprint(folder)
    names = [*BAD_AGENDAS, "a-folder", "missing"]

    results = run_together([["agendas", "--check", folder / f"{name}.toml"] for name in names], environment())

    for name, result in zip(names, results):
        one_line(result, str(folder / f"{name}.toml"))
    assert fingerprint(folder) == before


def test_run_with_a_broken_copy_of_its_agenda_fails_before_the_tui_starts(tmp_path):
    """A meeting keeps the agenda it was created with (its TOML text, in the meeting file): a copy damaged there is
    one line naming the meeting, before any screen, and the file is left as it is."""
    data = tmp_path / "data"
    data.mkdir()
    session = MeetingSession.create(data, Incident("Checkout errors"))
    meeting_id, path = session.meeting.id, session.file.path
    session.close()
    stored = json.loads(path.read_text(encoding="utf-8"))
    (record,) = stored["meeting"].values()
    record["agenda_source"] = BAD_AGENDAS["minutes-negative"].decode()
    path.write_text(json.dumps(stored), encoding="utf-8")
    before = fingerprint(data)

    result = run_together([["run", meeting_id, "--data-dir", data]], environment())[0]

    one_line(result, f"meeting {meeting_id}'s copy of agenda", "minutes = -5")
    assert fingerprint(data) == before


def test_run_without_a_terminal_is_one_line_and_releases_the_meeting(tmp_path):
    """Input from /dev/null and output to pipes (a script, cron): Textual would read end-of-file in a loop, never
    end and hold the meeting; pmtui says it needs a terminal instead, and the meeting opens again at once."""
    data = tmp_path / "data"
    data.mkdir()
    session = MeetingSession.create(data, Incident("Checkout errors"))
    meeting_id = session.meeting.id
    session.close()
    before = fingerprint(data)

    results = run_together([["run", meeting_id, "--data-dir", data], ["demo", "--data-dir", tmp_path / "demo"],
                            ["--data-dir", data]], environment())

    for result in results:
        one_line(result, "needs a terminal")
    assert fingerprint(data) == before
    MeetingSession.open(data, meeting_id).close()  # not held
