"""``pmtui publish``: a meeting into an archive's git working tree, on its own branch, pushed and proposed.

:func:`plan_publication` reads the archive and decides everything (folder, branch, the three files, the commit
message) without changing anything — ``--dry-run`` prints it; :func:`carry_out` writes, commits, pushes and
opens the pull request (what reviewers read is :mod:`.proposal`'s, the push :mod:`.remote`'s). The archive's
working tree ends on the branch it was on: the post-mortem is committed on its own branch (``git switch`` there
and back), so publishing two meetings one after the other gives two branches off the same base, each its own
pull request.

An unchanged meeting is not committed again: when its data equals the archived ``meeting.json`` but for the
publication's own state (its status and date), the archived date and ``updated`` are kept, so the three
files come out byte for byte as they are.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from ..export import render
from ..export.minutes import render_minutes
from ..fsio import atomic_write
from ..model import Meeting, Publication
from ..session import MeetingSession
from ..store import StoreError, read_meeting
from ..store.storage import read_meeting_bytes, validated_tables
from ..timeparse import local
from .config import load_archive_config
from .forge import INSTALL, TOOLS, ForgeError, forge_of_remote
from .git import Git, GitError
from .layout import ArchivePathError, archive_slug, layout_folder, published_folder, safe_folder
from .proposal import commit_message, open_request, request_body, request_title
from .record import DOCUMENT_FILE, MINUTES_FILE, RECORD_FILE, record_text
from .remote import REMOTE, PushError, push_branch, remote_url, web_address

FILES = (DOCUMENT_FILE, MINUTES_FILE, RECORD_FILE)


class PublishError(Exception):
    """Publishing is refused; ``str()`` is one line: what is wrong, where, and what to do."""


@dataclass(frozen=True)
class Plan:
    """Everything a publication will do, decided before anything is changed."""

    root: Path
    folder: str
    """The post-mortem's folder in the archive, POSIX-style."""
    branch: str
    branch_exists: bool
    previous: str
    """The branch the working tree is on (and stays on)."""
    files: dict[str, str]
    changes: dict[str, str]
    """Each file's fate: "new", "changed" or "unchanged"."""
    message: str
    last_commit: str
    """The last commit that touched the folder on the branch ("" when none did)."""
    publication_date: date
    push: bool
    forge: str
    """'github' or 'gitlab' when a pull request is to be opened, else ''."""
    web_url: str
    """The archive's web address (from origin's URL) for links, '' when it has none."""
    named: str
    """The meeting as the command names it: meeting <id> '<title>' (SEV2)."""
    title: str
    body: str
    earlier_request: str = ""
    """The pull request the meeting's last publication on this branch opened, if any."""

    @property
    def changed(self) -> bool:
        return any(change != "unchanged" for change in self.changes.values())


@dataclass(frozen=True)
class Outcome:
    """What :func:`carry_out` did."""

    plan: Plan
    commit: str
    committed: bool
    pushed: bool
    pull_request: str
    notes: list[str] = field(default_factory=list)


def publish_session(session: MeetingSession, repo: Path, *, branch: str | None = None, push: bool = False,
                    pull_request: bool = False, related_titles: dict[str, str] | None = None) -> list[str]:
    """Publish the meeting ``session`` holds as its writer; the lines saying what was done.

    The session's clock should stand still (``now`` fixed) so that the archived copy and the local meeting
    agree on when it ended and was published.
    """
    moment = datetime.fromtimestamp(session.now(), UTC)
    decided = plan_publication(session.meeting, last_change(session.file.path), repo, moment=moment,
                               today=session.today(), branch=branch, push=push, pull_request=pull_request,
                               related_titles=related_titles)
    outcome = carry_out(decided, session.record_publication)
    return published(outcome, session.meeting.publication)


def dry_run(path: Path, repo: Path, *, now: float, branch: str | None = None, push: bool = False,
            pull_request: bool = False, related_titles: dict[str, str] | None = None) -> list[str]:
    """What publishing the meeting in file ``path`` would do, read without its lock; nothing is changed."""
    meeting = read_meeting(path)
    moment = datetime.fromtimestamp(now, UTC)
    decided = plan_publication(meeting, last_change(path), repo, moment=moment,
                               today=local(moment, meeting.incident.tz).date(), branch=branch, push=push,
                               pull_request=pull_request, related_titles=related_titles)
    return described(decided)


def last_change(path: Path) -> datetime:
    """When the meeting file at ``path`` last changed (its ``_meta.updated``): the archive's ``updated``."""
    _, meta = validated_tables(path, read_meeting_bytes(path))
    try:
        return datetime.fromisoformat(meta["updated"])
    except (KeyError, TypeError, ValueError):
        raise StoreError(f"{path} has no valid _meta.updated; open it in pmtui once to repair it") from None


def plan_publication(meeting: Meeting, updated: datetime, repo: Path, *, moment: datetime, today: date,
                     branch: str | None = None, push: bool = False, pull_request: bool = False,
                     related_titles: dict[str, str] | None = None) -> Plan:
    """Decide how ``meeting`` (last changed at ``updated``) is published into the working tree ``repo``.

    ``moment`` and ``today`` are now by the session's clock (an active meeting ends at ``moment``).
    Raises :class:`PublishError`, :class:`~pmtui.archive.git.GitError`, :class:`~.layout.ArchivePathError`,
    :class:`~pmtui.archive.forge.ForgeError` or :class:`~pmtui.archive.config.ArchiveConfigError`, all one line.
    """
    git, root = _working_tree(Path(repo))
    config = load_archive_config(root)
    previous = _current_branch(git, root)
    slug = archive_slug(meeting.incident.title, meeting.id)
    earlier_branch, folder = _earlier(git, meeting) if branch is None else (None, None)
    branch = check_branch(git, branch or earlier_branch or f"postmortem/{slug}")
    exists = _has_branch(git, branch)
    source = f"refs/heads/{branch}" if exists else "HEAD"
    if branch != earlier_branch:
        folder = published_folder(git, source, meeting.id)
    folder = folder or _free_folder(git, source, config.layout, meeting, slug)
    safe_folder(root, folder, FILES)
    _refuse_dirty(git, root, folder)
    earlier = {name: _shown(git, source, f"{folder}/{name}") for name in FILES}
    view, updated = _published_view(meeting, updated, moment, today, earlier[RECORD_FILE])
    files = {
        DOCUMENT_FILE: render(view, "markdown", related_titles=related_titles),
        MINUTES_FILE: render_minutes(view),
        RECORD_FILE: record_text(view, updated),
    }
    changes = {name: "new" if earlier[name] is None else "unchanged" if earlier[name] == text else "changed"
               for name, text in files.items()}
    last = git.out("log", "-1", "--format=%H", source, "--", folder, doing="reading the folder's history")
    remote_url = _remote(git, root, required=push or pull_request)
    forge = forge_of_remote(remote_url) if pull_request else ""
    if forge and shutil.which(TOOLS[forge]) is None:
        tool = TOOLS[forge]
        raise ForgeError(f"{tool} is not installed or not on PATH, needed for --pr; install it from "
                         f"{INSTALL[tool]} and sign in ({tool} auth login), or leave out --pr")
    _identity(git, root)
    earlier_publication = meeting.publication
    return Plan(
        root=root, folder=folder, branch=branch, branch_exists=exists, previous=previous, files=files,
        changes=changes, message=commit_message(view, folder, republished=bool(last)), last_commit=last,
        publication_date=view.publication_date, push=push or pull_request, forge=forge,
        web_url=web_address(remote_url),
        named=f"meeting {meeting.id} '{meeting.incident.title}' ({meeting.incident.severity})",
        title=request_title(view), body=request_body(view, folder),
        earlier_request=earlier_publication.pull_request
        if earlier_publication and earlier_publication.branch == branch else "",
    )


def carry_out(plan: Plan, record: Callable[..., object]) -> Outcome:
    """Write, commit, push and open the pull request that ``plan`` describes; then ``record(commit, branch,
    folder, pull_request=…, remote=…, on=…)`` (the session's :meth:`record_publication`) marks the meeting.

    A push or pull request that fails after the commit still records the commit, then raises.
    """
    git = Git(plan.root)
    notes: list[str] = []
    committed = plan.changed
    commit = _commit(git, plan) if committed else plan.last_commit  # unchanged files have a last commit
    merged = not committed and not plan.branch_exists  # unchanged on the branch the tree is on (merged)
    branch = plan.previous if merged else plan.branch
    pushed, url, failure = False, "", None
    try:
        if plan.push and merged:
            notes.append(f"nothing pushed: the post-mortem is unchanged on {branch}")
        elif plan.push:
            push_branch(git, branch)
            pushed = True
            if plan.forge:
                base = plan.previous if plan.previous != branch else None  # None: the forge's default branch
                url = open_request(plan.forge, plan.root, branch, base, plan.title, plan.body,
                                   earlier=plan.earlier_request)
    except (ForgeError, PushError) as exc:
        failure = exc
    record(commit, branch, plan.folder, pull_request=url, remote=plan.web_url, on=plan.publication_date)
    if failure is not None:
        raise failure
    return Outcome(plan, commit, committed, pushed, url, notes)


def _commit(git: Git, plan: Plan) -> str:
    """Commit the files on the plan's branch and come back to the branch the tree was on."""
    switched = plan.branch != plan.previous
    if switched:
        args = ("switch", plan.branch) if plan.branch_exists else ("switch", "-c", plan.branch)
        git.run(*args, doing=f"switching to branch {plan.branch}")
    paths = [f"{plan.folder}/{name}" for name in FILES]
    written: list[str] = []
    try:
        folder = safe_folder(plan.root, plan.folder, FILES)  # the branch's own tree, checked again
        _make_folders(plan.root, plan.folder)
        for name, text in plan.files.items():
            written.append(f"{plan.folder}/{name}")
            atomic_write(folder / name, text)
        git.run("add", "--", *paths, doing="adding the post-mortem's files")
        git.run("commit", "--quiet", "--cleanup=whitespace", "--message", plan.message, "--", *paths,
                doing="committing the post-mortem")
        commit = git.out("rev-parse", "HEAD", doing="reading the new commit")
    except (GitError, ArchivePathError, OSError) as exc:
        _undo(git, plan, written, switched)
        if isinstance(exc, OSError):
            raise PublishError(f"cannot write {plan.folder} in {plan.root}: {exc.strerror or exc}") from None
        raise
    if switched:
        git.run("switch", plan.previous, doing=f"switching back to {plan.previous}")
    return commit


def _undo(git: Git, plan: Plan, written: list[str], switched: bool) -> None:
    """Put the working tree back as it was after a failed commit: the files written restored (or removed), the
    branch switched back, a new one deleted."""
    if written:
        git.run("reset", "--quiet", "--", *written, doing="unstaging", check=False)
    for path in written:
        if git.run("cat-file", "-e", f"HEAD:{path}", doing="restoring", check=False).returncode == 0:
            git.run("checkout", "--quiet", "HEAD", "--", path, doing="restoring", check=False)
        else:
            (plan.root / path).unlink(missing_ok=True)
    if switched:
        git.run("switch", plan.previous, doing="switching back", check=False)
        if not plan.branch_exists:
            git.run("branch", "--quiet", "-D", plan.branch, doing="removing the new branch", check=False)


def _make_folders(root: Path, folder: str) -> None:
    path = root
    for part in folder.split("/"):
        path = path / part
        if not path.is_dir():
            path.mkdir()


# --- the archive's working tree ----------------------------------------------------------------------------


def _working_tree(repo: Path) -> tuple[Git, Path]:
    if not repo.is_dir():
        raise PublishError(f"{repo} is not a folder; --to takes the working tree of the archive's git repository "
                           "(git clone URL first)")
    git = Git(repo)
    inside = git.run("rev-parse", "--is-inside-work-tree", doing="reading the repository", check=False)
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        raise PublishError(f"{repo} is not a git working tree; publish into a clone of the archive "
                           "(git clone URL) or create one with git init")
    root = Path(git.out("rev-parse", "--show-toplevel", doing="reading the repository"))
    return Git(root), root


def _current_branch(git: Git, root: Path) -> str:
    head = git.run("symbolic-ref", "--quiet", "--short", "HEAD", doing="reading the current branch", check=False)
    if head.returncode != 0:
        raise PublishError(f"{root} has a detached HEAD; switch to a branch first (git -C {root} switch main)")
    if git.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}", doing="reading HEAD", check=False).returncode:
        raise PublishError(f"{root} has no commit yet; commit something first (a README) so post-mortems have a "
                           "branch to be reviewed against")
    return head.stdout.strip()


def check_branch(git: Git, name: str) -> str:
    """``name`` if git takes it as a branch name (and it cannot be read as an option), else PublishError."""
    if not name or name.startswith("-"):
        raise PublishError(f"--branch {name!r} is not a branch name (it must not start with '-'); "
                           "use a name such as postmortem/login-storms")
    checked = git.run("check-ref-format", "--branch", name, doing="checking the branch name", check=False)
    if checked.returncode != 0 or checked.stdout.strip() != name:
        raise PublishError(f"--branch {name!r} is not a branch name git accepts; use letters, digits, '-', '_' "
                           "and '/', e.g. postmortem/login-storms")
    return name


def _has_branch(git: Git, name: str) -> bool:
    return git.run("rev-parse", "--verify", "--quiet", f"refs/heads/{name}", doing="reading branches",
                   check=False).returncode == 0


def _earlier(git: Git, meeting: Meeting) -> tuple[str | None, str | None]:
    """The branch of the meeting's last publication and the meeting's folder on it, while that branch is still
    here and holds the meeting (its pull request gets the new commit, even when the title, and so the default
    branch name, changed); else (None, None)."""
    earlier = meeting.publication
    if earlier is None or earlier.branch.startswith("-") or not _has_branch(git, earlier.branch):
        return None, None
    folder = published_folder(git, f"refs/heads/{earlier.branch}", meeting.id)
    return (earlier.branch, folder) if folder else (None, None)


def _free_folder(git: Git, source: str, layout: str, meeting: Meeting, slug: str) -> str:
    """The layout's folder, or one ending in the meeting's id when another meeting already has that one."""
    folder = layout_folder(layout, meeting, slug)
    if _shown(git, source, f"{folder}/{RECORD_FILE}") is not None:
        folder = layout_folder(layout, meeting, f"{slug}-{archive_slug('', meeting.id)}")
    return folder


def _refuse_dirty(git: Git, root: Path, folder: str) -> None:
    status = git.out("status", "--porcelain", "--untracked-files=all", "--", folder,
                     doing="checking for uncommitted changes")
    if status:
        first = status.splitlines()[0][3:]
        raise PublishError(f"{root} has uncommitted changes in {folder} ({first}); commit or discard them "
                           f"(git -C {root} status {folder}), then publish again")


def _shown(git: Git, ref: str, path: str) -> str | None:
    shown = git.run("show", f"{ref}:{path}", doing=f"reading {path}", check=False)
    return shown.stdout if shown.returncode == 0 else None


def _identity(git: Git, root: Path) -> None:
    if git.run("var", "GIT_COMMITTER_IDENT", doing="reading your git identity", check=False).returncode:
        raise PublishError(f"git does not know who you are in {root}; set it with git config --global user.name "
                           "'Your Name' and git config --global user.email you@example.com")


def _remote(git: Git, root: Path, *, required: bool) -> str:
    url = remote_url(git)
    if required and not url:
        raise PublishError(f"{root} has no remote '{REMOTE}' to push to; add one (git -C {root} remote add "
                           f"{REMOTE} URL) or leave out --push and --pr")
    return url


# --- what is written ----------------------------------------------------------------------------------------


def _published_view(meeting: Meeting, updated: datetime, moment: datetime, today: date,
                    archived: str | None) -> tuple[Meeting, datetime]:
    """The meeting as it is once published (as ``session.record_publication`` leaves it), and its ``updated``;
    the archived date and ``updated`` when nothing else changed since."""
    view = copy.deepcopy(meeting)
    if view.status == "active":
        view.ended_at = moment
    view.status = "published"
    view.publication_date = today
    if archived is None:
        return view, updated
    try:
        old = json.loads(archived)
        new = json.loads(record_text(view, updated))
        if _content(old["meeting"]) == _content(new["meeting"]):
            view.publication_date = date.fromisoformat(old["meeting"]["publication_date"])
            return view, datetime.fromisoformat(old["updated"])
    except (ValueError, LookupError, TypeError):
        pass  # not a record we can compare: written anew
    return view, updated


def _content(data: dict) -> dict:
    return {key: value for key, value in data.items() if key not in ("status", "publication_date")}


def published(outcome: Outcome, publication: Publication) -> list[str]:
    """What was done, one line each, for the command to print."""
    plan = outcome.plan
    lines = [f"Published {plan.named} into {plan.root}", f"  folder: {plan.folder}"]
    if outcome.committed:
        lines.append(f"  branch: {publication.branch}, commit {outcome.commit[:12]}")
    else:
        lines.append(f"  Nothing changed since {outcome.commit[:12]} (branch {publication.branch}): no new commit")
    lines += [f"  {note}" for note in outcome.notes]
    if outcome.pushed:
        lines.append(f"  pushed {publication.branch} to {REMOTE}")
    if outcome.pull_request:
        lines.append(f"  {'merge' if plan.forge == 'gitlab' else 'pull'} request: {outcome.pull_request}")
    if publication.branch != plan.previous:
        lines.append(f"Your working tree is still on {plan.previous}. To look at the post-mortem: git -C {plan.root} "
                     f"switch {publication.branch}; back with git switch {plan.previous}")
    return lines


def described(plan: Plan) -> list[str]:
    """The dry run: what publishing would do, one line each."""
    lines = [f"Would publish {plan.named} into {plan.root}", f"  folder: {plan.folder}"]
    lines.append(f"  branch: {plan.branch} ({'exists' if plan.branch_exists else f'new, from {plan.previous}'})")
    for name, change in plan.changes.items():
        lines.append(f"  {change:<9} {plan.folder}/{name}")
    if plan.changed:
        lines.append(f"  commit: {plan.message.splitlines()[0]}")
    else:
        lines.append(f"  Nothing changed since {plan.last_commit[:12]}: no commit")
    if plan.push:
        lines.append(f"  push: git push -u {REMOTE} {plan.branch}")
    if plan.forge:
        lines.append(f"  {'merge' if plan.forge == 'gitlab' else 'pull'} request: {plan.title}")
    lines.append("Nothing was changed (--dry-run).")
    return lines
