"""``pmtui end`` and ``pmtui reopen``: a meeting's lifecycle (active → ended → published → active) from the shell.

Each opens the meeting as its one writer, like the app: a meeting open in a
running pmtui is refused in one line and left as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from ..document import missing_sections
from ..export.minutes import ended_at
from ..paths import data_dir as resolve_data_dir
from ..session import MeetingSession, ValidationError
from ..store import StoreError
from .common import data_dir_option, echo, fail, report_release, user_errors


@click.command()
@click.argument("meeting")
@click.option("--published", is_flag=True, help="Mark the document published (an active meeting is ended too).")
@click.option("--on", "day", metavar="DATE", help="The publication date with --published (YYYY-MM-DD or +Nd; "
              "default: today in the incident's time zone).")
@data_dir_option
@user_errors
def end(meeting, published, day, data_dir):
    """End MEETING (id, id prefix or title slug): its clock stops and the minutes record the end time.

    With --published, mark its document published. `pmtui reopen MEETING` makes it active again.
    """
    if day is not None and not published:
        fail("--on is the publication date: add --published, e.g. pmtui end MEETING --published --on 2026-03-20")

    def change(session: MeetingSession) -> str:
        title = _named(session)
        if published:
            try:
                session.publish(day)
            except ValidationError as exc:
                raise ValidationError(f"--on: {exc}") from None
            return f"Published {title} on {session.meeting.publication_date}.{_to_write(session)}"
        status = session.meeting.status
        if status != "active":
            return (f"Nothing changed: {title} is already {status} "
                    f"(pmtui reopen {session.meeting.id} makes it active again).")
        session.end()
        return f"Ended {title} at {_clock(session)}; write its document with pmtui edit {session.meeting.id}."

    echo(_write(data_dir, meeting, change))


@click.command()
@click.argument("meeting")
@data_dir_option
@user_errors
def reopen(meeting, data_dir):
    """Make MEETING active again: note-takers can join, its clock can run (its end time is forgotten)."""

    def change(session: MeetingSession) -> str:
        title = _named(session)
        if session.meeting.status == "active":
            return f"Nothing changed: {title} is already active."
        session.reopen()
        return f"Reopened {title}: it is active again (pmtui run {session.meeting.id} resumes it)."

    echo(_write(data_dir, meeting, change))


def _write(data_dir: Path | None, ref: str, change: Callable[[MeetingSession], str]) -> str:
    """Run ``change`` on the meeting held as its writer, then make sure it is on disk; returns what to say."""
    session = MeetingSession.open(resolve_data_dir(data_dir), ref)
    try:
        said = change(session)
    finally:
        saved = session.close()
        report_release(session)
    if not saved:
        raise StoreError(f"cannot save {session.file.path}; the change may be lost: check the disk and run this again")
    return said


def _named(session: MeetingSession) -> str:
    return f"meeting {session.meeting.id} '{session.meeting.incident.title}'"


def _to_write(session: MeetingSession) -> str:
    """What a published document still lacks: its empty required sections, and how to write them."""
    missing = missing_sections(session.meeting, session.agenda)
    if not missing:
        return ""
    names = ", ".join(s.title for s in missing)
    return (f" Its document still has {len(missing)} required section{'s' if len(missing) != 1 else ''} to write "
            f"({names}): pmtui edit {session.meeting.id} --section {missing[0].id}")


def _clock(session: MeetingSession) -> str:
    """The end time in the incident's zone, as the minutes show it."""
    return ended_at(session.meeting)
