"""``pmtui import``: timeline events from a Slack export, a paging tool's log, JSON lines or CSV.

The sources read (:func:`pmtui.sources.read_timeline`); this module only turns the options into an
:class:`ImportRequest`, shows what was found, asks before setting a milestone, and hands the events to the session.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click

from .. import sources
from ..importer import without_duplicates
from ..model import MILESTONE_LABELS, Meeting, TimelineEvent
from ..paths import data_dir as resolve_data_dir
from ..session import MeetingSession
from ..sources import ImportRequest, SourceError, SourceRead, default_window, timeline_events
from ..sources.generic import MappingError, parse_mapping
from ..timeparse import TimeFormatError, format_on, parse_time, zone
from .common import data_dir_option, echo, fail, load_meeting, report_release, user_errors

NAMES = {"slack": "a Slack export", "pagerduty": "a PagerDuty log", "opsgenie": "an Opsgenie alert log",
         "alertmanager": "Alertmanager webhook payloads", "jsonl": "JSON lines", "csv": "CSV"}
"""What ``--from auto`` says it detected."""
SHORT = {"slack": "Slack", "pagerduty": "PagerDuty", "opsgenie": "Opsgenie", "alertmanager": "Alertmanager"}
WINDOWED = ("slack",)
"""Sources read in the meeting's default window unless --window: a chat export holds far more than the incident;
the others hold what was exported for it."""


@click.command(name="import")
@click.argument("meeting")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--from", "kind", type=click.Choice([*sources.SOURCES, "auto"]), default="auto", show_default=True,
              help="The file's kind; auto detects it by its content and says what it found.")
@click.option("--dry-run", is_flag=True, help="Print the events it would add as a table; change nothing.")
@click.option("--skip-bad", is_flag=True, help="Import the good records of a file with bad ones (each is reported).")
@click.option("--window", metavar="START..END",
              help="Only events in this window (either end may be left out; times as typed in the timeline). "
                   "Slack's default: 6 hours before impact start to 1 hour after resolved.")
@click.option("--channel", default="", metavar="NAME", help="Slack: only this channel.")
@click.option("--flagged", default="", metavar="EMOJI", help="Slack: only messages with this reaction (pushpin).")
@click.option("--pinned", is_flag=True, help="Slack: only messages pinned in the channel.")
@click.option("--map", "mapping", metavar="SPEC",
              help="jsonl/csv: which field is which, e.g. time=@timestamp,description=message,actor=host "
                   "(nested fields with dots: kubernetes.pod).")
@click.option("--allow-duplicates", is_flag=True,
              help="Also add events with the same time and description as one already in the timeline.")
@click.option("--set-milestones/--no-milestones", "set_milestones", default=None,
              help="Set the empty milestones the source states (PagerDuty: detected, acknowledged, resolved) "
                   "without asking / never (default: ask on a terminal).")
@data_dir_option
@user_errors
def import_(meeting, path, kind, dry_run, skip_bad, window, channel, flagged, pinned, mapping, allow_duplicates,
            set_milestones, data_dir):
    """Add timeline events to MEETING from PATH: a Slack export (folder or .zip), a PagerDuty, Opsgenie or
    Alertmanager file, JSON lines or CSV (time,description,actor,evidence, or any columns with --map).

    A bare HH:MM falls within 12 hours of the row before it (the first row: of the impact start).
    Events already in the timeline are skipped unless --allow-duplicates. A file with a bad record
    imports nothing unless --skip-bad.
    """
    folder = resolve_data_dir(data_dir)
    if dry_run:  # read without the lock: the meeting may be running in the app meanwhile
        session, current = None, load_meeting(folder, meeting)
    else:  # the lock first: a meeting open elsewhere is said before a long read
        session = MeetingSession.open(folder, meeting)
        current = session.meeting
    try:
        count, skipped, found = _import(session, current, path, kind, dry_run, skip_bad, allow_duplicates,
                                        set_milestones, (window, channel, flagged, pinned, mapping))
    finally:
        if session is not None:
            session.close()
            report_release(session)
    title = current.incident.title
    if dry_run:
        echo(f"Would import {count} event(s) into '{title}'{_summary(found, skipped)}; nothing changed (--dry-run).")
    else:
        echo(f"Imported {count} event(s) into '{title}'{_summary(found, skipped)}.")


def _detected(path: Path) -> str:
    """The source ``path`` holds; when none, the one line says how to name it."""
    try:
        return sources.detect(path)
    except SourceError as exc:
        fail(f"{exc}; name it with --from {'|'.join(sources.SOURCES)}")


def _import(session: MeetingSession | None, meeting: Meeting, path: Path, kind: str, dry_run: bool, skip_bad: bool,
            allow_duplicates: bool, set_milestones: bool | None, options: tuple) -> tuple[int, int, SourceRead]:
    """Read ``path`` and add its new events (only show them when ``dry_run``): how many, how many duplicates."""
    if not path.exists():
        fail(f"{path}: no such file or folder; check the path")
    try:
        if kind == "auto":
            kind = _detected(path)
            echo(f"Detected {NAMES.get(kind, kind)} in {path}.", err=True)
        request = _request(meeting, kind, *options)
        with _progress_bar() as progress:
            found = sources.read_timeline(path, kind, request, progress)
    except SourceError as exc:
        fail(str(exc))
    _report_bad(path, found, skip_bad, dry_run)
    tz = meeting.incident.tz
    events, skipped = _new(meeting.events, timeline_events(found.events, tz), allow_duplicates)
    if session is None:
        _table(events, tz, meeting)
        return len(events), skipped, found
    count = session.import_events(events) if events else 0
    _milestones(session, found, set_milestones)
    if not session.flush(10):
        fail(f"cannot save {session.file.path}; the import may be lost: check the disk, "
             "then 'pmtui export' before importing again")
    return count, skipped, found


def _request(meeting: Meeting, kind: str, window: str | None, channel: str, flagged: str, pinned: bool,
             mapping: str | None) -> ImportRequest:
    incident = meeting.incident
    on, near = _incident_date(meeting), _first_reference(meeting)
    if window is not None:
        start, end = _window(window, incident.tz, on, near)
    elif kind in WINDOWED:
        start, end = default_window(incident)
    else:
        start = end = None
    try:
        fields = parse_mapping(mapping) if mapping is not None else {}
    except MappingError as exc:
        fail(f"--map {mapping!r}: {exc}")
    if (channel or flagged or pinned) and kind != "slack":
        fail(f"--channel, --flagged and --pinned are for Slack exports, not {NAMES.get(kind, kind)}: leave them out")
    if fields and kind not in ("jsonl", "csv"):
        fail(f"--map is for JSON lines and CSV files, not {NAMES.get(kind, kind)}: leave it out")
    return ImportRequest(tz=incident.tz, start=start, end=end, channel=channel.lstrip("#"),
                         flagged=flagged.strip(":"), pinned=pinned, mapping=fields, on=on, near=near)


def _window(text: str, tz: str, on, near) -> tuple[datetime | None, datetime | None]:
    """``START..END`` (either end may be empty) read as the timeline reads typed times."""
    first, dots, last = text.partition("..")
    if not dots:
        fail(f"--window {text!r}: write START..END, e.g. --window '2026-03-14 08:00..14:00' (an end may be empty)")
    try:
        start = parse_time(first, tz, on, near=near) if first.strip() else None
        end = parse_time(last, tz, on, near=start or near) if last.strip() else None
    except TimeFormatError as exc:
        fail(f"--window {text!r}: {exc}")
    if start and end and end < start:
        fail(f"--window {text!r}: the end is before the start")
    return start, end


def _incident_date(meeting: Meeting):
    """The day a bare time in the file falls on without a time near it, as the session reads it."""
    incident = meeting.incident
    first = incident.impact_start or incident.detected or min((e.time for e in meeting.events), default=None)
    tzinfo = zone(incident.tz)
    return (first.astimezone(tzinfo) if first else datetime.now(tzinfo)).date()


def _first_reference(meeting: Meeting) -> datetime | None:
    """What the file's first bare time is read near, as the session's first entry: impact start, else latest event."""
    return meeting.incident.impact_start or max((e.time for e in meeting.events), default=None)


@contextmanager
def _progress_bar():
    """A rich progress bar on stderr while a source reads, only when stderr is a terminal (never in pipes or CI)."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("Reading"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("read", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield progress


def _report_bad(path: Path, found: SourceRead, skip_bad: bool, dry_run: bool) -> None:
    """One line per bad record; without --skip-bad, stop: nothing of a file with a bad record is imported."""
    for bad in found.bad:
        echo(f"pmtui: {'skipped ' if skip_bad else ''}{bad}", err=True)
    if found.bad and not skip_bad:
        done = "would be" if dry_run else "was"
        fail(f"{path}: {len(found.bad)} bad record(s); nothing {done} imported (--skip-bad imports the others)")


def _new(existing: list[TimelineEvent], events: list[TimelineEvent], allow_duplicates: bool):
    return (events, 0) if allow_duplicates else without_duplicates(existing, events)


def _summary(found: SourceRead, duplicates: int) -> str:
    parts = []
    if duplicates:
        parts.append(f"skipped {duplicates} already present (--allow-duplicates adds them)")
    if found.skipped:
        parts.append(f"{found.skipped} outside the window or filtered out")
    if found.bad:
        parts.append(f"{len(found.bad)} bad record(s) skipped")
    return "".join(f", {part}" for part in parts)


def _table(events: list[TimelineEvent], tz: str, meeting: Meeting) -> None:
    """The events as rows of time (the incident's zone), source, actor, description; columns as wide as needed."""
    if not events:
        return
    home = _incident_date(meeting)
    rows = [("TIME", "SOURCE", "ACTOR", "DESCRIPTION")]
    rows += [(format_on(e.time, tz, home), e.source, e.actor, e.description) for e in events]
    widths = [min(max(len(row[i]) for row in rows), 30) for i in range(3)]
    for row in rows:
        cells = [_cut(cell, width).ljust(width) for cell, width in zip(row, widths)]
        echo("  ".join([*cells, row[3]]))


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _milestones(session: MeetingSession, found: SourceRead, choice: bool | None) -> None:
    """The milestones the source states: an empty one set when confirmed; a set one never changed, only mentioned."""
    incident = session.meeting.incident
    tz, home = incident.tz, session.incident_date()
    name = SHORT.get(found.kind, found.kind)
    for milestone, moment in found.milestones.items():
        shown = format_on(moment, tz, home)
        label = MILESTONE_LABELS.get(milestone, milestone).lower()
        current = getattr(incident, milestone, None)
        if current is not None:
            if current != moment:
                echo(f"{name} says {label} {shown}; the meeting's {format_on(current, tz, home)} is kept.", err=True)
            continue
        if choice is None and not _can_ask():
            echo(f"{name} says {label} {shown}; not set (--set-milestones sets it).", err=True)
            continue
        if choice or (choice is None and click.confirm(f"Set {label} to {shown} from {name}?", default=False,
                                                        err=True)):
            session.update_incident(**{milestone: moment.astimezone(zone(tz))})
            echo(f"Set {label} to {shown}.", err=True)


def _can_ask() -> bool:
    """Whether a person is there to answer (stdin and stderr are a terminal)."""
    return sys.stdin.isatty() and sys.stderr.isatty()
