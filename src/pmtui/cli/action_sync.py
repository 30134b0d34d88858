"""``pmtui actions export --to github|gitlab`` and ``pmtui actions sync``: action items kept as forge issues.

Export files one issue per open, unlinked item and stores each issue's URL on its item as soon as it exists, so
a failure halfway loses nothing and a second run goes on where the first stopped. Sync reads each linked
issue's state: the issue is where the work is tracked, so a closed issue makes its item done (on the day it
closed), an open one makes a done item open again, and an issue reassigned to an attendee (by their forge login)
makes them the item's owner.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..archive.config import DEFAULT_LABELS, ArchiveConfigError, load_archive_config
from ..archive.forge import TOOLS, ForgeError, run_tool
from ..archive.issues import (
    FORGES,
    NAMES,
    IssueDraft,
    IssueState,
    assigned_owner,
    create_args,
    created_url,
    issue_draft,
    issue_forge,
    issue_state,
    label_create_args,
    label_list_args,
    missing_labels,
    repository,
    view_args,
)
from ..library import load_library
from ..model import ActionItem, Meeting
from ..paths import archives
from ..paths import data_dir as resolve_data_dir
from ..session import MeetingSession
from ..store import MeetingLockedError, StoreError
from ..tracking import TRACKING_PARTS
from .common import data_dir_option, echo, fail, load_meeting, report_release, user_errors


@click.command(name="export")
@click.argument("meeting")
@click.option("--to", "forge", type=click.Choice(FORGES), required=True, help="The forge to file the issues on.")
@click.option("--repo", metavar="OWNER/NAME",
              help="The repository (GitLab: GROUP/NAME); default: the one of the current directory's git remote.")
@click.option("--archive", type=click.Path(file_okay=False, path_type=Path),
              help="The archive whose .pmtui-archive.toml [issues] labels the issues get "
                   "(default: the first of $PMTUI_ARCHIVES, else the label post-mortem); the severity is added.")
@data_dir_option
@user_errors
def export_actions(meeting, forge, repo, archive, data_dir):
    """File MEETING's open action items as issues on GitHub (gh) or GitLab (glab), one each.

    Each issue gets the item as title, its details, success criteria and the post-mortem's link as body, the
    labels and the severity, and the owner as assignee when the owner is an attendee with a forge login.
    Its URL is stored on the item; items already linked are skipped.
    """
    repo = repository(repo) if repo else ""
    labels = _labels(archive)
    session = MeetingSession.open(resolve_data_dir(data_dir), meeting)  # a running meeting is refused before any issue
    try:
        created, skipped, failure = _export(session, forge, repo, labels)
    finally:
        saved = session.close()
    report_release(session)
    if not saved:
        raise StoreError(f"cannot save {session.file.path}; the links may be lost: check the disk and the issues")
    where = f"{NAMES[forge]}{f' ({repo})' if repo else ''}"
    this = f"meeting {session.meeting.id} '{session.meeting.incident.title}'"
    if failure is not None:
        fail(f"{failure}; linked so far: {_count(created, 'issue')}; run this again to go on", 1)
    extra = f"; skipped {skipped}" if skipped else ""
    echo(f"Created {_count(created, 'issue')} on {where} for {this}{extra}.")


def _export(session: MeetingSession, forge: str, repo: str, labels: tuple[str, ...]
            ) -> tuple[int, str, ForgeError | None]:
    """File the issues; (how many, what was skipped, the failure that stopped it or None)."""
    meeting = session.meeting
    linked = sum(1 for item in meeting.actions if item.link)
    done = sum(1 for item in meeting.actions if item.status == "done" and not item.link)
    todo = [item for item in meeting.actions if not item.link and item.status != "done"]
    drafts = [(item, issue_draft(meeting, item, labels)) for item in todo]  # every refusal before any issue exists
    skipped = ", ".join(part for part in (f"{linked} already linked" if linked else "",
                                          f"{done} done" if done else "") if part)
    created = 0
    try:
        if forge == "github" and drafts:
            _ensure_labels(drafts[0][1].labels, repo)
        for item, draft in drafts:
            url = _create(forge, item, draft, repo)
            session.set_action_link(item.id, url)
            session.flush()
            created += 1
            whom = f", assigned to {draft.assignee}" if draft.assignee else ""
            echo(f"Created {url} for “{item.description}” ({item.id}{whom}).")
    except ForgeError as exc:
        return created, skipped, exc
    return created, skipped, None


def _create(forge: str, item: ActionItem, draft: IssueDraft, repo: str) -> str:
    doing = f"creating the issue for “{draft.title[:60]}” ({item.id})"
    answer = run_tool(TOOLS[forge], create_args(forge, draft, repo), doing=doing)
    try:
        return created_url(forge, answer)
    except ForgeError as exc:
        raise ForgeError(f"{exc} while {doing}; nothing was linked: check the issues on {NAMES[forge]} and link "
                         f"this one with pmtui actions link {item.id} URL") from None


def _ensure_labels(labels: tuple[str, ...], repo: str) -> None:
    """Create the labels a GitHub repository lacks (gh issue create refuses a label that does not exist)."""
    listing = run_tool("gh", label_list_args(repo), doing="reading the repository's labels")
    for label in missing_labels(labels, listing):
        run_tool("gh", label_create_args(label, repo), doing=f"creating the label {label!r}")


def _labels(archive: Path | None) -> tuple[str, ...]:
    roots = archives((archive,) if archive else ())
    if not roots:
        return DEFAULT_LABELS
    try:
        return tuple(load_archive_config(roots[0]).labels)
    except ArchiveConfigError as exc:
        fail(str(exc))


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


# --- sync ------------------------------------------------------------------------------------------------------


@click.command(name="sync")
@click.argument("meeting", required=False)
@click.option("--all", "every", is_flag=True, help="Every meeting in the data dir.")
@data_dir_option
@user_errors
def sync_actions(meeting, every, data_dir):
    """Update MEETING's (or --all meetings') linked action items from their GitHub/GitLab issues.

    A closed issue makes its item done (dated when the issue closed), an open issue makes a done item open
    again, and an issue assigned to an attendee with that forge login makes them the owner. Prints each change.
    A meeting open in pmtui is skipped with one line; the others go on.
    """
    if bool(meeting) == every:
        fail("give a MEETING (id, id prefix or slug) or --all, e.g. pmtui actions sync --all")
    folder = resolve_data_dir(data_dir)
    if every:
        library = load_library(folder, (*TRACKING_PARTS, "attendees"))
        for error in library.errors:
            echo(f"pmtui: skipped: {error}", err=True)
        meetings = library.meetings
    else:
        meetings = [load_meeting(folder, meeting)]
    tally = {"read": 0, "changed": 0, "failed": 0, "locked": 0}
    for found in meetings:
        _sync_meeting(folder, found, tally)
    echo(f"Read {_count(tally['read'], 'linked issue')}: {tally['changed']} changed"
         + (f", {tally['failed']} unreadable" if tally["failed"] else "")
         + (f", {_count(tally['locked'], 'meeting')} skipped (open in pmtui)" if tally["locked"] else "") + ".")
    if tally["failed"] or tally["locked"]:
        sys.exit(1)


def _sync_meeting(folder: Path, meeting: Meeting, tally: dict[str, int]) -> None:
    changes: list[tuple[ActionItem, str, IssueState, str | None]] = []
    for item in meeting.actions:
        forge = issue_forge(item.link) if item.link else None
        if forge is None:
            continue
        tally["read"] += 1
        try:
            answer = run_tool(TOOLS[forge], view_args(forge, item.link), doing=f"reading {item.link}")
            state = issue_state(forge, answer, item.link)
        except ForgeError as exc:
            echo(f"pmtui: {exc}", err=True)
            tally["failed"] += 1
            continue
        owner = assigned_owner(meeting, item, state.assignees)
        if state.closed != (item.status == "done") or owner:
            changes.append((item, forge, state, owner))
    if not changes:
        return
    try:
        session = MeetingSession.open(folder, meeting.id)
    except MeetingLockedError as exc:
        echo(f"pmtui: skipped meeting {meeting.id} '{meeting.incident.title}': {exc}", err=True)
        tally["locked"] += 1
        return
    try:
        for item, forge, state, owner in changes:
            if owner:
                _assign(session, item, forge, owner)
            if state.closed != (item.status == "done"):
                _apply(session, item, forge, state)
            tally["changed"] += 1
    finally:
        saved = session.close()
    report_release(session)
    if not saved:
        raise StoreError(f"cannot save {session.file.path}; the changes may be lost: check the disk and sync again")


def _where(session: MeetingSession, item: ActionItem) -> str:
    return f"({item.id}, meeting {session.meeting.id} '{session.meeting.incident.title}')"


def _assign(session: MeetingSession, item: ActionItem, forge: str, owner: str) -> None:
    before = item.owner or "unassigned"
    session.update_action(item.id, owner=owner)
    echo(f"Owner: “{item.description}” {_where(session, item)}: {before} → {owner}, the issue's assignee on "
         f"{NAMES[forge]}, {item.link}")


def _apply(session: MeetingSession, item: ActionItem, forge: str, state: IssueState) -> None:
    where = _where(session, item)
    if state.closed:
        note = f"Issue closed on {NAMES[forge]}: {item.link}"
        if state.closed_at:  # never before the item existed (a clock off on either side)
            session.set_action_status(item.id, "done", note, at=max(state.closed_at, item.created))
        else:
            session.set_action_status(item.id, "done", note)
        day = f" on {state.closed_at.date().isoformat()}" if state.closed_at else ""
        echo(f"Done: “{item.description}” {where}: issue closed{day}, {item.link}")
    else:
        session.set_action_status(item.id, "open")
        echo(f"Open again: “{item.description}” {where}: issue reopened, {item.link}")
