"""``pmtui edit``: the refusals (one line, the meeting file left as it was) and ``--external`` with a fake editor.

The editor screen itself is tested in test_section_editor.py (CliRunner cannot run a terminal app); here the
command runs in-process up to the point where it would start one, and ``--external`` runs a real program: a
Python script standing in for the user's editor.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pmtui.cli import main
from pmtui.model import Incident, Meeting, from_data
from pmtui.session import MeetingSession
from pmtui.store import MeetingFile

FAKE_EDITOR = """\
import json, os, sys
path = sys.argv[-1]
with open(os.environ["FAKE_EDITOR_LOG"], "w") as log:
    json.dump({"argv": sys.argv[1:], "mode": os.stat(path).st_mode & 0o777, "text": open(path).read()}, log)
action = os.environ.get("FAKE_EDITOR_DO", "append")
if action == "append":
    with open(path, "a") as file:
        file.write("Written in the editor.\\n")
elif action == "crlf":
    with open(path, "wb") as file:
        file.write(b"One\\r\\nTwo\\r\\n")
elif action == "escape":
    with open(path, "a") as file:
        file.write("\\x1b]52;c;aGk=\\x07")
elif action == "bom":  # as Notepad saves UTF-8
    with open(path, "wb") as file:
        file.write("\\ufeffWritten in Notepad.\\n".encode())
elif action == "zero-width-once":  # a web page's invisible space the first time, fixed when opened again
    with open(path, "r+", encoding="utf-8") as file:
        text = file.read()
        file.seek(0)
        file.write(text.replace("\\u200b", "") if "\\u200b" in text else text + "Copied from\\u200b a wiki.\\n")
        file.truncate()
elif action == "link":  # leaves a symbolic link where the file was
    os.remove(path)
    os.symlink(os.environ["FAKE_EDITOR_TARGET"], path)
elif action == "fail":
    sys.exit(3)
"""


@pytest.fixture
def meeting(tmp_path) -> tuple[str, Path]:
    session = MeetingSession.create(tmp_path, Incident("Replica lag", impact_start=None))
    session.set_section("background", "Two databases.")
    session.close()
    return session.meeting.id, session.file.path


@pytest.fixture
def editor(tmp_path, monkeypatch) -> Path:
    """$EDITOR is the fake editor; returns the log where it writes what it was given."""
    script = tmp_path / "fake_editor.py"
    script.write_text(FAKE_EDITOR)
    log = tmp_path / "editor-log.json"
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    monkeypatch.setenv("FAKE_EDITOR_LOG", str(log))
    return log


def edit(*args, input: str | None = None):
    return CliRunner().invoke(main, ["edit", *map(str, args)], input=input)


def sections(path: Path) -> dict[str, str]:
    with MeetingFile.open(path, write=False) as file:
        return from_data(Meeting, file.load()).sections


def one_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pmtui: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


# --- --external ----------------------------------------------------------------------------------------------------


def test_external_stores_what_the_editor_saved(meeting, editor, tmp_path):
    meeting_id, path = meeting
    result = edit(meeting_id, "--section", "background", "--external", "--data-dir", tmp_path)
    assert result.exit_code == 0, result.output
    assert "Saved Background of 'Replica lag'." in result.output
    assert sections(path)["background"] == "Two databases.\nWritten in the editor."
    seen = json.loads(editor.read_text())
    assert seen["text"] == "Two databases.\n" and seen["mode"] == 0o600  # a private file, ending in a newline
    assert not Path(seen["argv"][-1]).exists()  # and gone afterwards
    MeetingSession.open(tmp_path, meeting_id).close()  # the lock was let go


def test_external_starts_at_the_first_section_to_write(meeting, editor, tmp_path):
    meeting_id, path = meeting
    assert edit(meeting_id, "--external", "--data-dir", tmp_path).exit_code == 0
    assert sections(path)["summary"] == "Written in the editor."


def test_external_with_nothing_changed_stores_nothing(meeting, editor, tmp_path, monkeypatch):
    meeting_id, path = meeting
    monkeypatch.setenv("FAKE_EDITOR_DO", "nothing")
    before = path.read_bytes()
    result = edit(meeting_id, "--section", "background", "--external", "--data-dir", tmp_path)
    assert result.exit_code == 0 and "No change to Background; nothing stored." in result.output
    assert path.read_bytes() == before


def test_external_line_breaks_of_any_kind_become_newlines(meeting, editor, tmp_path, monkeypatch):
    meeting_id, path = meeting
    monkeypatch.setenv("FAKE_EDITOR_DO", "crlf")
    assert edit(meeting_id, "--section", "lessons", "--external", "--data-dir", tmp_path).exit_code == 0
    assert sections(path)["lessons"] == "One\nTwo"


def test_external_text_with_a_control_code_is_refused_like_typing(meeting, editor, tmp_path, monkeypatch):
    meeting_id, path = meeting
    monkeypatch.setenv("FAKE_EDITOR_DO", "escape")
    before = path.read_bytes()
    line = one_line(edit(meeting_id, "--section", "background", "--external", "--data-dir", tmp_path))
    assert "control" in line and "\x1b" not in line
    assert path.read_bytes() == before


def test_external_text_from_an_editor_that_writes_a_byte_order_mark_is_stored_without_it(meeting, editor, tmp_path,
                                                                                        monkeypatch):
    """Notepad and other Windows editors start UTF-8 with U+FEFF: an encoding mark, not a character typed."""
    meeting_id, path = meeting
    monkeypatch.setenv("FAKE_EDITOR_DO", "bom")
    result = edit(meeting_id, "--section", "lessons", "--external", "--data-dir", tmp_path)
    assert result.exit_code == 0, result.output
    assert sections(path)["lessons"] == "Written in Notepad."


def test_refused_text_is_kept_where_the_editor_saved_it(meeting, editor, tmp_path, monkeypatch):
    """What the user wrote in their editor is never lost to a refusal: the file stays, and the line names it."""
    meeting_id, path = meeting
    monkeypatch.setenv("FAKE_EDITOR_DO", "zero-width-once")
    before = path.read_bytes()
    line = one_line(edit(meeting_id, "--section", "background", "--external", "--data-dir", tmp_path))
    assert "invisible character (U+200B)" in line
    kept = Path(json.loads(editor.read_text())["argv"][-1])
    assert f"what you wrote is kept in {kept}" in line
    assert kept.read_text() == "Two databases.\nCopied from\u200b a wiki.\n"
    assert path.read_bytes() == before
    kept.unlink()


def test_a_question_left_unanswered_is_a_no_in_one_line(tmp_path, editor):
    """No input to read (a script, ctrl+d) answers nothing: not click's bare 'Aborted!'."""
    session = MeetingSession.create(tmp_path, Incident("Replica lag", impact_start=None))
    session.publish("2026-01-10")
    session.close()
    before = session.file.path.read_bytes()
    result = edit(session.meeting.id, "--section", "lessons", "--external", "--data-dir", tmp_path, input="")
    assert result.exit_code == 2 and "Aborted" not in result.output
    assert result.output.strip().splitlines()[-1].endswith(
        "pmtui: the published document stays as it is; nothing was changed")
    assert session.file.path.read_bytes() == before


def test_refused_text_is_kept_when_edit_it_again_gets_no_answer(meeting, editor, tmp_path, monkeypatch):
    from pmtui.cli import document

    meeting_id, _ = meeting
    monkeypatch.setenv("FAKE_EDITOR_DO", "zero-width-once")
    monkeypatch.setattr(document, "_on_a_terminal", lambda: True)
    result = edit(meeting_id, "--section", "background", "--external", "--data-dir", tmp_path, input="")
    kept = Path(json.loads(editor.read_text())["argv"][-1])
    assert result.exit_code == 2 and f"what you wrote is kept in {kept}" in result.output
    assert "Copied from\u200b a wiki." in kept.read_text()
    kept.unlink()


def test_refused_text_on_a_terminal_opens_the_editor_again(meeting, editor, tmp_path, monkeypatch):
    from pmtui.cli import document

    meeting_id, path = meeting
    monkeypatch.setenv("FAKE_EDITOR_DO", "zero-width-once")
    monkeypatch.setattr(document, "_on_a_terminal", lambda: True)
    result = edit(meeting_id, "--section", "background", "--external", "--data-dir", tmp_path, input="y\n")
    assert result.exit_code == 0, result.output
    assert "invisible character (U+200B)" in result.output and "Edit it again?" in result.output
    assert sections(path)["background"] == "Two databases.\nCopied from a wiki."
    assert not Path(json.loads(editor.read_text())["argv"][-1]).exists()


def test_an_editor_that_fails_when_opened_again_keeps_what_was_refused(meeting, editor, tmp_path, monkeypatch):
    from pmtui.cli import document

    meeting_id, path = meeting
    monkeypatch.setenv("FAKE_EDITOR_DO", "escape")
    monkeypatch.setattr(document, "_on_a_terminal", lambda: True)
    runs = iter([0, 3])  # saves an escape code, then gives up (like vim's :cq) when opened again
    real_run = document.subprocess.run

    def run(args, **kwargs):
        if next(runs):
            return document.subprocess.CompletedProcess(args, 3)
        return real_run(args, **kwargs)

    monkeypatch.setattr(document.subprocess, "run", run)
    result = edit(meeting_id, "--section", "background", "--external", "--data-dir", tmp_path, input="y\n")
    assert result.exit_code == 2
    kept = Path(json.loads(editor.read_text())["argv"][-1])
    assert f"exited with status 3; nothing was changed; what you wrote is kept in {kept}" in result.output
    assert kept.read_text() == "Two databases.\n\x1b]52;c;aGk=\x07"
    kept.unlink()


def test_a_link_the_editor_leaves_is_not_followed(meeting, editor, tmp_path, monkeypatch):
    meeting_id, path = meeting
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the document\n")
    monkeypatch.setenv("FAKE_EDITOR_DO", "link")
    monkeypatch.setenv("FAKE_EDITOR_TARGET", str(secret))
    before = path.read_bytes()
    line = one_line(edit(meeting_id, "--section", "background", "--external", "--data-dir", tmp_path))
    assert "symbolic link" in line and "nothing was changed" in line
    assert path.read_bytes() == before and secret.read_text() == "not for the document\n"


def test_an_editor_that_fails_changes_nothing(meeting, editor, tmp_path, monkeypatch):
    meeting_id, path = meeting
    monkeypatch.setenv("FAKE_EDITOR_DO", "fail")
    before = path.read_bytes()
    line = one_line(edit(meeting_id, "--section", "background", "--external", "--data-dir", tmp_path))
    assert "exited with status 3; nothing was changed" in line
    assert path.read_bytes() == before


@pytest.mark.parametrize("value, says", [
    ("", "needs your editor's command in $VISUAL or $EDITOR"),
    ("   ", "needs your editor's command in $VISUAL or $EDITOR"),
    ("vim 'unclosed", "$EDITOR cannot be read as a command"),
    ("/no/such/editor --wait", "cannot run the editor '/no/such/editor'"),
])
def test_no_usable_editor_is_one_line(meeting, tmp_path, monkeypatch, value, says):
    meeting_id, path = meeting
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", value)
    before = path.read_bytes()
    assert says in one_line(edit(meeting_id, "--external", "--data-dir", tmp_path))
    assert path.read_bytes() == before


def test_visual_wins_over_editor(meeting, editor, tmp_path, monkeypatch):
    meeting_id, path = meeting
    monkeypatch.setenv("VISUAL", os.environ["EDITOR"])
    monkeypatch.setenv("EDITOR", "/no/such/editor")
    assert edit(meeting_id, "--section", "impact", "--external", "--data-dir", tmp_path).exit_code == 0
    assert sections(path)["impact"] == "Written in the editor."


def test_shell_metacharacters_in_the_editor_command_are_words_never_run(meeting, editor, tmp_path, monkeypatch):
    """$EDITOR is split into words and run without a shell: `;`, `$(…)`, `|` and `>` reach the editor as text."""
    meeting_id, path = meeting
    pwned = tmp_path / "pwned"
    command = f"{shlex.quote(sys.executable)} {shlex.quote(str(tmp_path / 'fake_editor.py'))}"
    monkeypatch.setenv("EDITOR", f"{command} ; touch {pwned} $(touch {pwned}2) | tee {pwned}3 > {pwned}4")
    assert edit(meeting_id, "--section", "impact", "--external", "--data-dir", tmp_path).exit_code == 0
    argv = json.loads(editor.read_text())["argv"]
    assert argv[:3] == [";", "touch", str(pwned)] and "$(touch" in argv and "|" in argv and ">" in argv
    assert not list(tmp_path.glob("pwned*"))
    assert sections(path)["impact"] == "Written in the editor."


def test_external_on_a_published_document_asks_and_dates_the_change(tmp_path, editor):
    session = MeetingSession.create(tmp_path, Incident("Replica lag", impact_start=None))
    session.publish("2026-01-10")
    session.close()
    path = session.file.path
    before = path.read_bytes()
    result = edit(session.meeting.id, "--section", "lessons", "--external", "--data-dir", tmp_path, input="n\n")
    assert "is published; the change will be dated" in result.output and result.exit_code == 2
    assert path.read_bytes() == before
    result = edit(session.meeting.id, "--section", "lessons", "--external", "--data-dir", tmp_path, input="y\n")
    assert result.exit_code == 0, result.output
    with MeetingFile.open(path, write=False) as file:
        meeting = from_data(Meeting, file.load())
    assert meeting.sections["lessons"] == "Written in the editor." and meeting.updated_after_publication is not None


# --- what both ways refuse -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("external", [False, True], ids=["editor", "external"])
def test_a_section_that_does_not_exist_is_one_line(meeting, editor, tmp_path, external):
    meeting_id, path = meeting
    before = path.read_bytes()
    line = one_line(edit(meeting_id, "--section", "../../etc/passwd", *["--external"] * external,
                         "--data-dir", tmp_path))
    assert "no section '../../etc/passwd'; use one of summary, background, narrative" in line
    assert path.read_bytes() == before and not editor.exists()
    MeetingSession.open(tmp_path, meeting_id).close()


@pytest.mark.parametrize("external", [False, True], ids=["editor", "external"])
def test_a_meeting_held_by_another_pmtui_is_one_line(meeting, editor, tmp_path, external):
    meeting_id, path = meeting
    holder = MeetingSession.open(tmp_path, meeting_id)
    try:
        before = path.read_bytes()
        line = one_line(edit(meeting_id, *["--external"] * external, "--data-dir", tmp_path))
        assert f"meeting {meeting_id} is open in another pmtui" in line
        assert path.read_bytes() == before and not editor.exists()
    finally:
        holder.close()


@pytest.mark.parametrize("external", [False, True], ids=["editor", "external"])
def test_a_linked_meeting_file_is_one_line_and_left_alone(tmp_path, editor, external):
    elsewhere, data = tmp_path / "elsewhere", tmp_path / "data"
    elsewhere.mkdir()
    data.mkdir()
    session = MeetingSession.create(elsewhere, Incident("Linked", impact_start=None))
    session.close()
    real = session.file.path
    link = data / real.name
    link.symlink_to(real)
    before = real.read_bytes()
    line = one_line(edit(session.meeting.id, *["--external"] * external, "--data-dir", data))
    assert "symbolic link" in line
    assert link.is_symlink() and real.read_bytes() == before and not editor.exists()


@pytest.mark.parametrize("external", [False, True], ids=["editor", "external"])
def test_a_corrupt_meeting_file_is_one_line_and_left_alone(tmp_path, editor, external):
    path = tmp_path / "bad00001.json"
    path.write_bytes(b'{"_meta": {"1": {"id": "bad00001"')
    line = one_line(edit("bad00001", *["--external"] * external, "--data-dir", tmp_path))
    assert "bad00001.json is not valid JSON" in line and "left untouched" in line
    assert path.read_bytes() == b'{"_meta": {"1": {"id": "bad00001"' and not editor.exists()


def test_the_editor_app_is_built_on_the_meeting_and_section(meeting, tmp_path, monkeypatch):
    """Without --external the command builds the one-screen app on the meeting (its writer) and runs it."""
    from pmtui.cli import document
    from pmtui.tui import editor_app

    meeting_id, _ = meeting
    ran = []

    def run_app(app):
        ran.append((type(app), app.session.meeting.id, app.editor.section.id, app.session.file is not None))
        app.close_session()

    monkeypatch.setattr(document, "run_app", run_app)
    assert edit(meeting_id, "--section", "lessons", "--data-dir", tmp_path).exit_code == 0
    assert ran == [(editor_app.SectionEditorApp, meeting_id, "lessons", True)]
