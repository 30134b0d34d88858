"""What every ``pmtui`` command shares: one-line errors and their exit codes, ``--data-dir``, reading a meeting.

The commands only turn options into calls of the core and its answers into
lines; every rule they apply (times, severities, services, what a meeting
file may hold) lives in the core, whose refusals arrive here as exceptions.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import NoReturn

import click

from ..agenda import AgendaError
from ..heap import pause_until_settled, release
from ..model import Meeting
from ..paths import archives as resolve_archives
from ..session import ValidationError
from ..store import StoreError, read_meeting, resolve_meeting
from ..text import for_terminal
from ..timeparse import TimeFormatError

USER_ERRORS = (AgendaError, StoreError, TimeFormatError, ValidationError)
"""The errors a user can cause: reported as one line, never as a traceback (and the importer's, see below)."""


def is_user_error(exc: Exception) -> bool:
    """Whether a user can cause ``exc``: one of :data:`USER_ERRORS` or an import's refusal.

    The importer's error is looked up only once the importer is loaded (nothing
    else raises it): importing it, and the timeline sources with it, for every
    command cost ~40 ms of ``pmtui run``'s start-up.
    """
    importer = sys.modules.get("pmtui.importer")
    return isinstance(exc, USER_ERRORS) or (importer is not None and isinstance(exc, importer.ImportError_))


def echo(message: str = "", *, err: bool = False, nl: bool = True) -> None:
    """``click.echo`` for every line a command prints: through :func:`pmtui.text.for_terminal`.

    Meetings are cleaned when read, but lines also carry file names, typed
    arguments and the lines of files being linted; none of them reaches the
    terminal as a control code, whatever it holds.
    """
    click.echo(for_terminal(message), err=err, nl=nl)


def fail(message: str, code: int = 2) -> NoReturn:
    """Say what went wrong on one stderr line and exit (2: bad input, 1: the other end is unreachable)."""
    echo(f"pmtui: {message}", err=True)
    sys.exit(code)


def user_errors(func):
    """Turn the errors users can cause into one line on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            if not is_user_error(exc):
                raise
            fail(str(exc))

    return wrapper


def _typed_before(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """The --data-dir typed after this command, else the nearest one typed before it (``pmtui --data-dir X list``).

    Every level also reads $PMTUI_DATA_DIR, which must not win over a folder typed on the line.
    """
    if ctx.get_parameter_source(param.name) is click.core.ParameterSource.COMMANDLINE:
        return value
    outer = ctx.parent
    while outer is not None:
        if outer.get_parameter_source(param.name) is click.core.ParameterSource.COMMANDLINE:
            return outer.params[param.name]
        outer = outer.parent
    return value


data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="PMTUI_DATA_DIR",
    callback=_typed_before,
    help="Folder holding the meeting files (default: $PMTUI_DATA_DIR or your user data dir); "
         "also accepted before the command: pmtui --data-dir DIR COMMAND.",
)


def _archives_typed_before(ctx: click.Context, param: click.Parameter, value: tuple[Path, ...]) -> list[Path]:
    """The archives typed with this command, else with the nearest one before it (``pmtui --archive R list``),
    else ``$PMTUI_ARCHIVES``."""
    if ctx.get_parameter_source(param.name) is not click.core.ParameterSource.COMMANDLINE:
        outer = ctx.parent
        while outer is not None:
            if outer.get_parameter_source(param.name) is click.core.ParameterSource.COMMANDLINE:
                return outer.params[param.name]
            outer = outer.parent
    return resolve_archives(value)


archive_option = click.option(
    "--archive", "archives",
    multiple=True,
    metavar="REPO",
    type=click.Path(path_type=Path),
    callback=_archives_typed_before,
    help="Also read the post-mortems published in this archive (a git working tree; repeatable; default: "
         "$PMTUI_ARCHIVES, ':'-separated). Read-only; the newer copy of a meeting in both wins.",
)


def load_meeting(data_dir: Path, ref: str) -> Meeting:
    """Read meeting ``ref`` (id, id prefix or title slug) without taking its lock, for read-only commands."""
    return read_meeting(resolve_meeting(data_dir, ref))


def run_meeting_app(build) -> None:
    """Build the app that opens a meeting (``build()``) and run it, collecting nothing until the meeting is on
    screen: the collections start-up triggered cost ~220 ms before the first frame (see :mod:`pmtui.heap`)."""
    pause_until_settled()
    try:
        run_app(build())
    finally:
        release()  # the collector is back on, whether or not the app ever showed the meeting


def require_terminal() -> None:
    """Refuse in one line to start a full-screen app without a terminal.

    With its input from a file, a pipe or /dev/null (a script, cron, a mistaken redirect), Textual reads
    end-of-file in a loop: the app never ends, keeps a core busy and holds the meeting. It draws on standard
    error, so that must be the terminal too.
    """
    if not all(stream is not None and stream.isatty() for stream in (sys.__stdin__, sys.__stderr__)):
        fail("this opens a full-screen app and needs a terminal: run it in one, without redirecting its input or "
             "its error output")


def run_app(app) -> None:
    """Run the app; if its meeting could not be saved, say where the rescue copy is (exit code 2)."""
    try:
        require_terminal()
        app.run()
    finally:
        rescue = app.close_session()
        if rescue is not None:
            echo(f"pmtui: could not save {app.session.file.path} (the disk kept failing); the whole meeting "
                       f"is in {rescue}: copy it over that file once the disk works", err=True)
        report_release(app.session)
    if rescue is not None:
        sys.exit(2)


def report_release(session) -> None:
    """Say on stderr (one line) that a closed session's lock file was left behind, if it was."""
    if session is not None and session.release_problem:
        click.echo(f"pmtui: {session.release_problem}", err=True)
