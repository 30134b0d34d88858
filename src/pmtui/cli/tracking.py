"""The after-the-meeting commands of ``pmtui``: ``actions``, ``search``, ``stats`` and ``related``.

They read the meetings through :mod:`pmtui.library` and write only through
:class:`MeetingSession`.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import click

from ..analysis.search import SEARCH_DIGEST, SearchHit, pack_passages, search_words
from ..analysis.search import search as search_library
from ..analysis.stats import STATS_PARTS, IncidentStats, incident_day, incident_stats
from ..export.digest import markdown_digest, overdue_groups, slack_json
from ..library import Library, load_library
from ..model import Meeting
from ..paths import data_dir as resolve_data_dir
from ..session import MeetingSession
from ..store import StoreError
from ..timeparse import TimeFormatError, format_duration
from ..tracking import (
    TRACKING_PARTS,
    ActionLookupError,
    Completion,
    CompletionFigures,
    TrackedAction,
    completion_figures,
    every_action,
    find_action,
    owned_by,
    select,
    write_link,
    write_status,
)
from .action_sync import export_actions, sync_actions
from .common import archive_option, data_dir_option, echo, fail, load_meeting, user_errors

DIGEST_FORMATS = ("table", "markdown", "slack")
MATCHES_SHOWN = 5
"""Matching passages shown per meeting by ``pmtui search`` (``--json`` has all)."""


def today() -> date:
    """The day overdue items and completion figures are computed for."""
    return date.today()


def _report_skipped(library: Library) -> None:
    for error in library.errors:
        echo(f"pmtui: skipped: {error}", err=True)


def _fit(text: str, width: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


# --- actions ------------------------------------------------------------------------


@click.group(invoke_without_command=True)
@click.option("--open", "which", flag_value="open", default=True, help="Open items (the default).")
@click.option("--overdue", "which", flag_value="overdue", help="Open items past their due date.")
@click.option("--all", "which", flag_value="all", help="Every item, done ones too.")
@click.option("--owner", help="Only items whose owner contains this (case-insensitive).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: the items and the completion figures.")
@click.option("--format", "form", type=click.Choice(DIGEST_FORMATS), default="table", show_default=True,
              help="markdown or slack (Slack incoming-webhook JSON): with --overdue, a digest by owner to post.")
@data_dir_option
@archive_option
@click.pass_context
@user_errors
def actions(ctx, which, owner, as_json, form, data_dir, archives):
    """List action items across meetings, mark one done or open again, or link it to its tracker.

    The list (open items by default) ends with completion figures of the last 90 days. Items of meetings
    read from an archive are listed (with where they come from) but change only where they were published from.
    """
    ctx.obj = data_dir
    if ctx.invoked_subcommand is not None:
        return
    if form != "table" and (which != "overdue" or as_json):
        fail(f"--format {form} prints the overdue digest: use it with --overdue and without --json, "
             f"e.g. pmtui actions --overdue --format {form}")
    library = load_library(resolve_data_dir(data_dir), TRACKING_PARTS, archives=archives)
    _report_skipped(library)
    day = today()
    everything = owned_by(every_action(library), owner)
    shown = select(everything, which, day)
    if form != "table":
        groups = overdue_groups(shown, day)
        echo(markdown_digest(groups, day) if form == "markdown" else slack_json(groups, day), nl=form == "slack")
        return
    figures = completion_figures(everything, day)
    if as_json:
        data = {
            "filter": which,
            "owner": owner,
            "today": day.isoformat(),
            "actions": [_action_data(a, day, _source(library, a.meeting, archives)) for a in shown],
            "figures": _figures_data(figures),
        }
        echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    _print_actions(shown, which, day, library.sources if archives else {})
    echo()
    _print_figures(figures)


def _source(library: Library, meeting: Meeting, archives: list[Path]) -> dict:
    """Where ``meeting`` was read, for JSON output: only when archives were read."""
    return {"source": library.sources[meeting.id]} if archives else {}


def _action_data(action: TrackedAction, day: date, source: dict) -> dict:
    item = action.item
    return {
        "id": item.id,
        "meeting": {"id": action.meeting.id, "title": action.meeting.incident.title, **source},
        "description": item.description,
        "priority": item.priority,
        "owner": item.owner,
        "due": item.due.isoformat() if item.due else None,
        "days_overdue": action.overdue_days(day),
        "status": item.status,
        "status_changed": item.status_changed.isoformat() if item.status_changed else None,
        "status_note": item.status_note,
        "link": item.link,
        "created": item.created.isoformat(),
    }


def _completion_data(c: Completion) -> dict:
    return {
        "counted": c.counted,
        "done": c.done,
        "rate": None if c.rate is None else round(c.rate, 4),
        "overdue": c.overdue,
        "mean_days_to_close": None if c.mean_days_to_close is None else round(c.mean_days_to_close, 2),
    }


def _figures_data(figures: CompletionFigures) -> dict:
    return {
        "window": {"start": figures.start.isoformat(), "end": figures.today.isoformat(),
                   "counts": "items due or created in the window"},
        **_completion_data(figures.total),
        "by_priority": {p: _completion_data(c) for p, c in figures.by_priority.items()},
    }


def _print_actions(shown: list[TrackedAction], which: str, day: date, sources: dict[str, str]) -> None:
    """The items as a table; with ``sources`` (archives were read) a FROM column says where each meeting is."""
    if not shown:
        echo({"open": "No open action items.", "overdue": "No overdue action items.",
                    "all": "No action items yet."}[which])
        return
    width = max((len(sources[a.meeting.id]) for a in shown), default=0) if sources else 0
    origin = f"{'FROM':<{width}}  " if sources else ""
    lines = [f"{'ID':<10}{'PRIORITY':<10}{'DUE':<12}{'OVERDUE':>8}  {'OWNER':<16}{'ACTION':<44}  {origin}MEETING"]
    for action in shown:
        item, meeting = action.item, action.meeting
        late = action.overdue_days(day)
        origin = f"{sources[meeting.id]:<{width}}  " if sources else ""
        lines.append(
            f"{item.id:<10}{item.priority:<10}{item.due.isoformat() if item.due else '—':<12}"
            f"{f'{late}d' if late else '':>8}  {_fit(item.owner or 'unassigned', 15):<16}"
            f"{_fit(('✓ ' if item.status == 'done' else '') + item.description, 44):<44}  "
            f"{origin}{meeting.id} {_fit(meeting.incident.title, 40)}"
        )
    echo("\n".join(lines))  # one write for thousands of items


def _print_figures(figures: CompletionFigures) -> None:
    days = (figures.today - figures.start).days + 1
    echo(f"Completion over the last {days} days ({figures.start} – {figures.today}; items due or created then)")
    echo(f"  {'':<10}{'DONE':<16}{'MEAN DAYS TO CLOSE':<20}OVERDUE NOW")
    for label, c in (("all", figures.total), *figures.by_priority.items()):
        done = f"{c.done}/{c.counted}" + (f" ({c.rate:.0%})" if c.rate is not None else "")
        mean = "—" if c.mean_days_to_close is None else f"{c.mean_days_to_close:.1f}"
        echo(f"  {label:<10}{done:<16}{mean:<20}{c.overdue}")


@actions.command()
@click.argument("action_id")
@click.option("--note", default="", help="How it was done, kept with the item.")
@data_dir_option
@click.pass_context
@user_errors
def done(ctx, action_id, note, data_dir):
    """Mark action item ACTION_ID (an id or unique id prefix) done."""
    _set_status(ctx, _typed_data_dir(ctx, data_dir), action_id, "done", note)


@actions.command()
@click.argument("action_id")
@data_dir_option
@click.pass_context
@user_errors
def reopen(ctx, action_id, data_dir):
    """Mark action item ACTION_ID (an id or unique id prefix) open again."""
    _set_status(ctx, _typed_data_dir(ctx, data_dir), action_id, "open", "")


@actions.command()
@click.argument("action_id")
@click.argument("url", required=False)
@click.option("--clear", is_flag=True, help="Remove the item's link instead.")
@data_dir_option
@click.pass_context
@user_errors
def link(ctx, action_id, url, clear, data_dir):
    """Say where action item ACTION_ID's work is tracked: URL (http or https), shown in the exported document."""
    if clear == bool(url):
        fail("give the tracker's URL, e.g. pmtui actions link a1b2 https://tracker.example.com/issues/42, "
             "or --clear to remove the link")
    folder = resolve_data_dir(_typed_data_dir(ctx, data_dir))
    written = write_link(folder, _local_action(ctx, folder, action_id), "" if clear else url)
    item, meeting = written.item, written.meeting
    where = f"({item.id}, meeting {meeting.id} '{meeting.incident.title}')"
    echo(f"Linked “{item.description}” {where} to {item.link}." if item.link
         else f"Unlinked “{item.description}” {where}.")


actions.add_command(export_actions)
actions.add_command(sync_actions)


def _typed_data_dir(ctx: click.Context, data_dir: Path | None) -> Path | None:
    """--data-dir typed after the subcommand, else typed before it (``actions --data-dir X done``), else the default.

    Both options also read $PMTUI_DATA_DIR, which must not win over the folder typed before the subcommand.
    """
    if ctx.get_parameter_source("data_dir") is click.core.ParameterSource.COMMANDLINE or ctx.obj is None:
        return data_dir
    return ctx.obj


def _local_action(ctx: click.Context, folder: Path, ref: str) -> TrackedAction:
    """The action item ``ref`` in the data dir; one in an archive's meeting only is refused as read-only."""
    library = load_library(folder, TRACKING_PARTS)
    _report_skipped(library)
    try:
        return find_action(library, ref)
    except ActionLookupError:
        archives = ctx.parent.params.get("archives") if ctx.parent is not None else None
        if not archives:
            raise
    merged = load_library(folder, TRACKING_PARTS, archives=archives)
    found = find_action(merged, ref)
    fail(f"read-only: {found.item.id} is in meeting {found.meeting.id} in archive {merged.sources[found.meeting.id]} "
         f"({merged.files[found.meeting.id]}); change it where it was published from, then publish again")


def _set_status(ctx: click.Context, data_dir: Path | None, ref: str, status: str, note: str) -> None:
    folder = resolve_data_dir(data_dir)
    found = _local_action(ctx, folder, ref)
    item, meeting = found.item, found.meeting
    if item.status == status:
        echo(f"{item.id} is already {status}: “{item.description}” (meeting {meeting.id}); nothing changed.")
        return
    write_status(folder, found, status, note)
    what = "Done" if status == "done" else "Open again"
    echo(f"{what}: “{item.description}” ({item.id}, meeting {meeting.id} '{meeting.incident.title}').")


# --- search -------------------------------------------------------------------------


@click.command()
@click.argument("words", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of the matching meetings.")
@data_dir_option
@archive_option
@user_errors
def search(words, as_json, data_dir, archives):
    """Find past meetings that mention all WORDS, and where.

    Matching ignores case; a word also matches inside longer words. With archives, each meeting says where it is.
    """
    text = " ".join(words)
    if not search_words(text):
        fail("nothing to search for: give one or more words, e.g. pmtui search pool timeout")
    library = load_library(resolve_data_dir(data_dir), (), {SEARCH_DIGEST: pack_passages}, archives=archives)
    _report_skipped(library)
    hits = search_library(library, text)
    if as_json:
        echo(json.dumps([_hit_data(h, _source(library, h.meeting, archives)) for h in hits], indent=2,
                        ensure_ascii=False))
        return
    lines = [line for hit in hits for line in _hit_lines(hit, library.sources[hit.meeting.id] if archives else "")]
    if lines:
        echo("\n".join(lines))  # one write: 2,000 hits are 16,000 lines
    echo(f"{len(hits)} meeting{'' if len(hits) == 1 else 's'} match “{' '.join(search_words(text))}”.")


def _hit_data(hit: SearchHit, source: dict) -> dict:
    return {**_meeting_data(hit.meeting), **source,
            "matches": [{"where": m.where, "excerpt": m.excerpt} for m in hit.matches]}


def _meeting_data(meeting: Meeting) -> dict:
    return {"id": meeting.id, "title": meeting.incident.title, "severity": meeting.incident.severity,
            "created": meeting.created.isoformat()}


def _hit_lines(hit: SearchHit, source: str) -> list[str]:
    meeting = hit.meeting
    origin = f"  ({source})" if source else ""
    lines = [f"{meeting.id}  {meeting.created.date()}  {meeting.incident.severity}  {meeting.incident.title}{origin}"]
    width = max(len(m.where) for m in hit.matches[:MATCHES_SHOWN])
    lines += [f"    {match.where:<{width}}  {match.excerpt}" for match in hit.matches[:MATCHES_SHOWN]]
    if len(hit.matches) > MATCHES_SHOWN:
        lines.append(f"    … and {len(hit.matches) - MATCHES_SHOWN} more")
    return [*lines, ""]


# --- stats --------------------------------------------------------------------------


@click.command()
@click.option("--since", help="Only incidents on or after this day (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@data_dir_option
@archive_option
@user_errors
def stats(since, as_json, data_dir, archives):
    """Patterns across incidents: severity, root causes, times.

    Also contributing factors by category, and root-cause categories behind 3 or more incidents.
    """
    start = _day(since, "--since") if since else None
    library = load_library(resolve_data_dir(data_dir), STATS_PARTS, archives=archives)
    _report_skipped(library)
    figures = incident_stats(library, start)
    sources = library.sources if archives else {}
    counted = Counter(sources[m.id] for m in library.meetings
                      if sources and (start is None or incident_day(m) >= start))
    if as_json:
        echo(json.dumps({**_stats_data(figures, sources), **({"by_source": counted} if archives else {})},
                        indent=2, ensure_ascii=False))
        return
    _print_stats(figures, sources, counted)


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise TimeFormatError(f"{option}: cannot read date {text!r}: use YYYY-MM-DD") from None


def _stats_data(s: IncidentStats, sources: dict[str, str]) -> dict:
    def durations(d):
        return {"count": d.count, "mean_seconds": d.mean, "median_seconds": d.median}

    return {
        "since": s.since.isoformat() if s.since else None,
        "incidents": s.incidents,
        "by_severity": s.by_severity,
        "by_root_cause": s.by_root_cause,
        "factors_by_category": s.factors,
        "time_to_detect": durations(s.time_to_detect),
        "time_to_resolve": durations(s.time_to_resolve),
        "recurring": [
            {"category": r.category, "incidents": len(r.meetings),
             "meetings": [{"id": m.id, "title": m.incident.title, **({"source": sources[m.id]} if sources else {})}
                          for m in r.meetings]}
            for r in s.recurring
        ],
    }


def _print_stats(s: IncidentStats, sources: dict[str, str], counted: Counter) -> None:
    scope = f"since {s.since}" if s.since else "all time"
    echo(f"{s.incidents} incident{'' if s.incidents == 1 else 's'} ({scope})")
    if sources:
        echo("From " + ", ".join(f"{name} {count}" for name, count in sorted(counted.items())))
    for heading, counts in (("By severity", s.by_severity), ("By root cause (incidents)", s.by_root_cause),
                            ("Contributing factors by category", s.factors)):
        echo(f"\n{heading}")
        for key, count in counts.items():
            echo(f"  {key:<22}{count:>5}")
    echo()
    for label, d in (("Time to detect", s.time_to_detect), ("Time to resolve", s.time_to_resolve)):
        echo(f"{label:<17}mean {format_duration(d.mean):<8} median {format_duration(d.median):<8} "
                   f"({d.count} incident{'' if d.count == 1 else 's'} with the times)")
    if not s.recurring:
        echo("\nNo recurring root causes (3 or more incidents with the same category).")
        return
    lines = ["\nRecurring root causes"]
    for r in s.recurring:
        lines.append(f"  {r.category}: {len(r.meetings)} incidents")
        lines += [f"    {m.id}  {m.created.date()}  {m.incident.title}" + (f"  ({sources[m.id]})" if sources else "")
                  for m in r.meetings]
    echo("\n".join(lines))  # one write: with an archive, thousands of incidents


# --- related ------------------------------------------------------------------------


@click.command()
@click.argument("meeting")
@click.argument("other")
@click.option("--remove", is_flag=True, help="Unlink OTHER instead.")
@data_dir_option
@user_errors
def related(meeting, other, remove, data_dir):
    """Link MEETING to a related past incident OTHER, or unlink it.

    Both are ids, unique id prefixes or title slugs.
    """
    folder = resolve_data_dir(data_dir)
    session = MeetingSession.open(folder, meeting)
    try:
        target, label = _other(folder, other, session.meeting.related)
        if remove:
            session.remove_related(target)
        else:
            session.add_related(target)
    finally:
        saved = session.close()
    if not saved:
        raise StoreError(f"cannot save {session.file.path}; the change may be lost: check the disk and run this again")
    this = f"{session.meeting.id} '{session.meeting.incident.title}'"
    echo(f"Unlinked {label} from {this}." if remove else f"Linked {label} to {this}.")


def _other(folder: Path, ref: str, linked: list[str]) -> tuple[str, str]:
    """The id of meeting ``ref`` and how to name it; a linked id whose meeting is gone names itself."""
    try:
        other = load_meeting(folder, ref)
    except StoreError:
        if ref in linked:
            return ref, ref
        raise
    return other.id, f"{other.id} '{other.incident.title}'"

