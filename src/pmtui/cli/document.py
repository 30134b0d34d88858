"""``pmtui edit``: write the post-mortem document's narrative sections after the meeting.

In pmtui's own Markdown editor (the screen the meeting's review opens), or with
``--external`` in the user's ``$VISUAL``/``$EDITOR`` on a private temporary
file. Either way the meeting is held by this one writer while it is edited.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import click

from ..document import first_to_write, section_text
from ..fsio import read_no_follow
from ..paths import data_dir as resolve_data_dir
from ..session import MeetingSession, ValidationError
from .common import data_dir_option, echo, fail, report_release, run_app, user_errors


@click.command()
@click.argument("meeting")
@click.option("--section", "section_id", metavar="ID",
              help="The section to edit, e.g. summary, narrative (default: the first required one still empty).")
@click.option("--external", is_flag=True, help="Edit in $VISUAL or $EDITOR instead of pmtui's editor.")
@data_dir_option
@user_errors
def edit(meeting, section_id, external, data_dir):
    """Write the narrative sections of MEETING's document (id, id prefix or title slug)."""
    folder = resolve_data_dir(data_dir)
    if external:
        _edit_external(folder, meeting, section_id, _editor_command())
        return
    from ..tui.editor_app import make_editor_app

    run_app(make_editor_app(folder, meeting, section_id))


def _editor_command() -> list[str]:
    """$VISUAL, else $EDITOR, split as a shell splits words (it is never run by a shell)."""
    name = "VISUAL" if os.environ.get("VISUAL", "").strip() else "EDITOR"
    value = os.environ.get(name, "")
    try:
        command = shlex.split(value)
    except ValueError as exc:
        fail(f"${name} cannot be read as a command ({exc}): {value!r}; fix it, or leave out --external")
    if not command:
        fail("--external needs your editor's command in $VISUAL or $EDITOR (e.g. EDITOR=nano); "
             "or leave out --external to use pmtui's editor")
    return command


def _edit_external(folder: Path, ref: str, section_id: str | None, command: list[str]) -> None:
    session = MeetingSession.open(folder, ref)
    try:
        section_id = section_id or first_to_write(session.meeting, session.agenda)
        section = session.section(section_id)
        title = session.meeting.incident.title
        if session.meeting.status == "published" and not _confirm(
                f"'{title}' is published; the change will be dated \u201cUpdated after publication: "
                f"{session.today().isoformat()}\u201d. Edit it?", default=False):
            fail("the published document stays as it is; nothing was changed")
        before = section_text(session.meeting, section_id)
        if not _edited(command, before, lambda text: session.set_section(section_id, text)):
            echo(f"No change to {section.title}; nothing stored.")
            return
        if not session.flush(10):
            fail(f"cannot save {session.file.path}; check the disk, then edit the section again")
    finally:
        session.close()
        report_release(session)
    echo(f"Saved {section.title} of '{title}'.")


def _as_file(text: str) -> str:
    """The text as a file holds it: lines ending in a newline, the last one too."""
    return text if not text or text.endswith("\n") else text + "\n"


def _confirm(question: str, *, default: bool) -> bool:
    """Ask on stderr; no answer at all (end of input, ctrl+c) is a no, said in the caller's one line."""
    try:
        return click.confirm(question, default=default, err=True)
    except click.Abort:
        echo("", err=True)  # the question's line ends before the answer's
        return False


def _on_a_terminal() -> bool:
    """Whether someone is there to answer "Edit it again?"."""
    return sys.stdin.isatty()


def _edited(command: list[str], text: str, store: Callable[[str], None]) -> bool:
    """Run the editor on a private temporary file holding ``text``, then ``store`` what it saved; False if unchanged.

    What the user wrote is not lost to a refusal (a character pmtui refuses, too long, not UTF-8): on a terminal
    the editor opens again on it, else (or when the editor then fails) the file is kept and the error names it.
    """
    fd, name = tempfile.mkstemp(prefix="pmtui-section-", suffix=".md")  # 0600, created O_EXCL
    path = Path(name)
    again = keep = False
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as file:
            file.write(_as_file(text))
        while True:
            try:
                saved = _run_editor(command, path)
            except EditorFailed as exc:
                keep = again
                fail(f"{exc}; nothing was changed" + (f"; what you wrote is kept in {path}" if keep else ""))
            try:
                written = saved.decode("utf-8-sig")  # a byte order mark (Notepad writes one) is no character
                written = written.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
                if written == text.rstrip("\n"):
                    return False
                store(written)
                return True
            except (UnicodeDecodeError, ValidationError) as exc:
                problem = f"what the editor saved is not UTF-8 text ({exc.reason})" \
                    if isinstance(exc, UnicodeDecodeError) else str(exc)
            if not (_on_a_terminal() and _confirm(f"{problem}. Edit it again?", default=True)):
                keep = True
                fail(f"{problem}; what you wrote is kept in {path}")
            again = True
    finally:
        if not keep:
            path.unlink(missing_ok=True)


class EditorFailed(Exception):
    """The editor could not run, failed, or left no file to read; the message says which."""


def _run_editor(command: list[str], path: Path) -> bytes:
    """Run the editor on ``path`` and read back what it saved (a link or a FIFO left in its place is refused)."""
    try:
        result = subprocess.run([*command, str(path)], check=False)
    except OSError as exc:
        raise EditorFailed(f"cannot run the editor {command[0]!r}: {exc.strerror or exc}; check $VISUAL/$EDITOR") \
            from None
    if result.returncode != 0:
        raise EditorFailed(f"the editor {command[0]!r} exited with status {result.returncode}")
    try:
        return read_no_follow(path)
    except OSError as exc:
        raise EditorFailed(f"cannot read what the editor saved ({exc.strerror or exc})") from None
