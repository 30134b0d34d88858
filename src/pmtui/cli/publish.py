"""``pmtui publish``: a meeting into the organisation's archive (a git repository), reviewed by pull request."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..paths import data_dir as resolve_data_dir
from ..session import MeetingSession
from ..store import read_meeting, resolve_meeting
from .common import data_dir_option, echo, fail, report_release, user_errors
from .meetings import related_titles


@click.command()
@click.argument("meeting")
@click.option("--to", "repo", required=True, metavar="REPO", type=click.Path(path_type=Path),
              help="The archive: a git working tree (a clone of the organisation's post-mortem repository).")
@click.option("--branch", help="The branch to commit on (default: postmortem/<slug>).")
@click.option("--push", is_flag=True, help="Push the branch to origin (git push -u origin BRANCH).")
@click.option("--pr", "pull_request", is_flag=True,
              help="Open a pull request (gh) or, for a GitLab origin, a merge request (glab); implies --push.")
@click.option("--dry-run", "dry_run_only", is_flag=True,
              help="Print what would be written, committed and pushed; change nothing.")
@data_dir_option
@user_errors
def publish(meeting, repo, branch, push, pull_request, dry_run_only, data_dir):
    """Publish MEETING into the archive REPO: postmortems/YYYY/DATE-SLUG/ with postmortem.md, minutes.md and
    meeting.json, committed on its own branch; the working tree stays on the branch it was on.

    Publishing again updates the same folder (found by the meeting's id) with a new commit.
    """
    from ..archive.config import ArchiveConfigError
    from ..archive.forge import ForgeError
    from ..archive.git import GitError
    from ..archive.layout import ArchivePathError
    from ..archive.publish import PublishError, dry_run, publish_session
    from ..archive.remote import PushError

    folder = resolve_data_dir(data_dir)
    options = {"branch": branch, "push": push, "pull_request": pull_request}
    errors = (ArchiveConfigError, ArchivePathError, ForgeError, GitError, PublishError, PushError)
    stamp = time.time()
    if dry_run_only:
        path = resolve_meeting(folder, meeting)
        try:
            lines = dry_run(path, repo, now=stamp, related_titles=related_titles(folder, read_meeting(path)),
                            **options)
        except errors as exc:
            fail(str(exc))
    else:
        session = MeetingSession.open(folder, meeting, now=lambda: stamp)  # one moment: ended and published at
        before, failure = session.meeting.publication, None
        try:
            lines = publish_session(session, repo, related_titles=related_titles(folder, session.meeting), **options)
        except errors as exc:
            failure = exc
        finally:
            session.close()
            report_release(session)
        if failure is not None:  # after the commit, the push or the forge refused: the other end (exit 1)
            fail(str(failure), 1 if session.meeting.publication is not before else 2)
    for line in lines:
        echo(line)
