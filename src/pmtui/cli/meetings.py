"""The commands about one meeting: ``new``, ``list``, ``run``, ``demo``, ``export`` and ``agendas``."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click

from ..agenda import available_agendas, load_agenda
from ..entry_grammar import parse_role
from ..model import MEETING_STATUSES, MILESTONES, Attendee, Meeting
from ..paths import data_dir as resolve_data_dir
from ..session import MeetingSession, ValidationError, new_attendee, new_incident
from ..store import list_meetings
from .common import archive_option, data_dir_option, echo, fail, load_meeting, run_meeting_app, user_errors
from .room import room_config, share_options

TIME_OPTIONS = {"impact_start": "started", **{name: name for name in MILESTONES if name != "impact_start"}}
"""The ``pmtui new`` option of each incident milestone."""


@click.command()
@click.argument("title")
@click.option("--severity", default="SEV2", show_default=True, help="1-4 or SEV1-SEV4.")
@click.option("--agenda", "agenda_ref", help="Agenda name (see 'pmtui agendas') or a TOML file.")
@click.option("--started", help="Impact start time.")
@click.option("--detected", help="When the incident was detected.")
@click.option("--acknowledged", help="When a responder acknowledged it.")
@click.option("--mitigated", help="When impact was mitigated.")
@click.option("--resolved", help="When it was resolved.")
@click.option("--tz", default="UTC", show_default=True, help="The incident's time zone (IANA name).")
@click.option("--services", default="", help="Affected services, comma separated.")
@click.option("--follow-ups/--no-follow-ups", default=None,
              help="Include the agenda's optional follow-up review (default: when earlier action items are open).")
@click.option("--attendee", "attendees", multiple=True, metavar="'NAME[:ROLE[:LOGIN]]'",
              help="Someone in the meeting, e.g. 'Ana Lima:incident commander:analima' (role default: responder;"
                   " LOGIN: their GitHub/GitLab username, the assignee of their follow-up issues); repeatable."
                   " Their names are the @names entries are said by.")
@data_dir_option
@user_errors
def new(title, severity, agenda_ref, started, detected, acknowledged, mitigated, resolved, tz, services, follow_ups,
        attendees, data_dir):
    """Create a meeting for an incident; prints its id last."""
    typed = dict(zip(TIME_OPTIONS, (started, detected, acknowledged, mitigated, resolved), strict=True))
    try:
        incident = new_incident(title, severity=severity, tz=tz, services=services, times=typed)
    except ValidationError as exc:
        fail(str(exc) if exc.field == "title" else f"--{TIME_OPTIONS.get(exc.field, exc.field)}: {exc}")
    people = [_attendee(text) for text in attendees]
    folder = resolve_data_dir(data_dir)
    if follow_ups is None:
        from ..library import has_open_actions  # the whole library: only 'new' needs it

        follow_ups = has_open_actions(folder)
    session = MeetingSession.create(folder, incident, agenda_ref, follow_ups=follow_ups)
    for person in people:
        session.add_attendee(person.name, person.role, person.login)
    session.close()
    echo(f"Created meeting '{incident.title}' ({incident.severity}, agenda {session.agenda.name}).")
    echo(f"Start it with: pmtui run {session.meeting.id}")
    echo(session.meeting.id)


def _attendee(text: str) -> Attendee:
    """An ``--attendee 'NAME[:ROLE[:LOGIN]]'``, its role read as the attendees dialog reads it ('ic', 'note')."""
    name, _, rest = text.partition(":")
    role, _, login = rest.partition(":")
    try:
        return new_attendee(name, parse_role(role), login)
    except ValidationError as exc:
        fail(f"--attendee {text!r}: {exc} (e.g. --attendee 'Ana Lima:incident commander:analima')")


@click.command(name="list")
@click.option("--status", "status", type=click.Choice(MEETING_STATUSES),
              help="Only meetings with this status (active: running; ended: document being written; published).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@data_dir_option
@archive_option
@user_errors
def list_(status, as_json, data_dir, archives):
    """List the meetings in the data dir (and archives), newest first, with their status.

    An ended meeting whose required document sections are still empty says "draft: N sections to write".
    With archives, each row says where it comes from ("local" or the archive).
    """
    if archives:
        from ..archive.listing import list_with_archives  # the library: only with archives

        summaries, sources, errors = list_with_archives(resolve_data_dir(data_dir), archives)
    else:
        (summaries, errors), sources = list_meetings(resolve_data_dir(data_dir)), {}
    for error in errors:
        echo(f"pmtui: skipped: {error}", err=True)
    if status is not None:
        summaries = [s for s in summaries if s.status == status]
    if as_json:
        rows = [
            {"id": s.id, "title": s.title, "slug": s.slug, "severity": s.severity, "created": s.created,
             "status": s.status, "sections_to_write": s.to_write, "updated": s.updated, "path": str(s.path),
             **({"source": sources[s.id]} if archives else {})}
            for s in summaries
        ]
        echo(json.dumps(rows, indent=2))
        return
    if not summaries:
        echo(f"No {status} meetings." if status else "No meetings yet. Create one with: pmtui new \"Incident title\"")
    width = max((len(sources[s.id]) for s in summaries), default=0) if archives else 0
    for s in summaries:
        draft = f"  ({s.draft})" if s.draft else ""
        source = f"{sources[s.id]:<{width}}  " if archives else ""
        echo(f"{s.id}  {s.severity}  {str(s.created)[:10]}  {s.status:<9} {source}{s.title}{draft}")


@click.command()
@click.argument("meeting")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout (never inside the data dir).")
@click.option("--force", is_flag=True, help="Replace the -o file if it exists.")
@click.option("--parents", is_flag=True, help="Create the -o file's missing folders.")
@click.option("--format", "fmt",
              type=click.Choice(["markdown", "html", "confluence", "json", "actions-csv", "github"]),
              help="Default: the format -o's extension names (.html/.htm, .json, .md/.markdown), else markdown. "
                   "html: a standalone page to open, mail or print to PDF (-o NAME.html); confluence: a page body in "
                   "Confluence storage format (-o NAME.confluence.xml).")
@click.option("--minutes", is_flag=True, help="Append the meeting minutes, with the quality checklist "
              "(markdown, html, confluence only).")
@click.option("--with-checklist", is_flag=True, help="Append the quality checklist, guidance findings and notes "
              "(left out by default; markdown, html, confluence only).")
@data_dir_option
@user_errors
def export(meeting, output, force, parents, fmt, minutes, with_checklist, data_dir):
    """Export a meeting: the post-mortem (Markdown, HTML or Confluence), JSON, action items CSV, or a
    'gh issue create' script."""
    from ..export import DOCUMENT_FORMATS, render
    from ..export.files import OutputPathError, check_output_path, write_text_atomic

    folder = resolve_data_dir(data_dir)
    if output is None and (force or parents):
        fail("--force and --parents are about the file of -o; add -o PATH or leave them out")
    fmt = _export_format(fmt, output)
    extra = "--minutes" if minutes else "--with-checklist" if with_checklist else None
    if extra and fmt not in DOCUMENT_FORMATS:
        fail(f"{extra} goes with the document (--format markdown, html or confluence), not --format {fmt}, "
             f"which {'holds the whole meeting already' if fmt == 'json' else 'lists the action items'}: "
             f"leave out {extra}")
    if output is not None:
        try:
            check_output_path(output, folder, force=force, parents=parents)
        except OutputPathError as exc:
            fail(str(exc))
    loaded = load_meeting(folder, meeting)
    text = render(loaded, fmt, minutes=minutes, with_checklist=with_checklist,
                  related_titles=related_titles(folder, loaded))
    if output is None:
        echo(text, nl=not text.endswith("\n"))
        return
    try:
        write_text_atomic(output, text, parents=parents)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}; choose another path with -o")
    echo(f"Wrote {output}")


def _export_format(fmt: str | None, output: Path | None) -> str:
    """``--format``, else the format ``-o``'s extension names, else markdown; a contradiction is refused."""
    from ..export import format_of

    named = format_of(output) if output is not None else None
    if fmt is not None and named is not None and fmt != named:
        fail(f"--format {fmt} contradicts -o {output.name}, whose extension means {named}: "
             "leave out --format or rename the file")
    return fmt or named or "markdown"


def related_titles(folder: Path, meeting: Meeting) -> dict[str, str]:
    if not meeting.related:
        return {}
    summaries, _ = list_meetings(folder)
    return {s.id: s.title for s in summaries if s.id in meeting.related}


@click.command()
@click.option("--check", "check", type=click.Path(path_type=Path), help="Validate one agenda file.")
@user_errors
def agendas(check):
    """List the agendas you can use, or validate one with --check FILE."""
    if check is not None:
        agenda = load_agenda(check)
        echo(f"{check}: OK — '{agenda.name}', {len(agenda.phases)} phases, {agenda.total_minutes:g} minutes")
        return
    found, errors = available_agendas()
    for agenda in found:
        extra = f" (+{agenda.optional_minutes:g} optional)" if agenda.optional_minutes else ""
        echo(f"{agenda.name:<20} {agenda.total_minutes:>4g} min{extra}  {agenda.description}")
    for error in errors:
        echo(f"pmtui: skipped: {error}", err=True)


def facilitator_options(command):
    """Add the options of the facilitator's screen (``run`` and ``demo``): bell, contrast, exports, sharing."""
    for option in reversed((
        click.option("--bell", is_flag=True, help="Ring the terminal bell when a phase's time is up."),
        click.option("--high-contrast", is_flag=True, help="Black background and bright colours, for projectors."),
        click.option("--export-dir", type=click.Path(file_okay=False, path_type=Path),
                     help="Where exports go (default: here)."),
        share_options,
        data_dir_option,
    )):
        command = option(command)
    return command


@click.command()
@click.argument("meeting")
@facilitator_options
@user_errors
def run(meeting, bell, high_contrast, export_dir, data_dir, **sharing):
    """Run MEETING (id, id prefix or title slug) as the facilitator."""

    def build():
        from ..tui.app import make_app

        room = room_config(**sharing)
        return make_app(resolve_data_dir(data_dir), meeting, bell=bell, export_dir=export_dir,
                        high_contrast=high_contrast, room=room)

    run_meeting_app(build)


@click.command()
@facilitator_options
@user_errors
def demo(bell, high_contrast, export_dir, data_dir, **sharing):
    """Open a built-in example meeting (in a temporary data dir unless --data-dir)."""
    from ..demo import create_demo

    room = room_config(**sharing)
    folder = resolve_data_dir(data_dir or Path(tempfile.mkdtemp(prefix="pmtui-demo-")))
    meeting_id = create_demo(folder)

    def build():
        from ..tui.app import make_app

        return make_app(folder, meeting_id, bell=bell, export_dir=export_dir, high_contrast=high_contrast, room=room)

    run_meeting_app(build)
