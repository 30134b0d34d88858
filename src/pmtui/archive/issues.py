"""An action item as an issue on the forge, and an issue's state back as the item's status.

Only argument lists and answers live here (``cli/action_sync.py`` runs them through :func:`.forge.run_tool`), so
every list can be checked against the tools' documented flags. A value a person typed always goes in as
``--flag=value``: a title starting with '-' stays a title, never a flag.

The issue body is Markdown the forge renders *and* scans for references: ``@name`` notifies a person, ``#12`` /
``!12`` / ``&12`` / ``GH-12`` put a note on another issue, merge request or epic. A person's text in an issue must
not ping or touch anything, so on top of the export's escaping (:mod:`pmtui.export.escape`) every such token
becomes a code span, which neither forge scans.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import quote, urlsplit

from ..analysis.stats import incident_day
from ..export.escape import Markdown, escape_inline, guard_block_start, link_target
from ..export.tables import one_line
from ..model import ActionItem, Meeting
from ..session import ValidationError, forge_login, tracker_link
from .config import DEFAULT_LABELS
from .forge import TOOLS, ForgeError, forge_of_remote

FORGES = ("github", "gitlab")
NAMES = {"github": "GitHub", "gitlab": "GitLab"}
TITLE_LIMIT = 256
"""GitHub refuses longer issue titles (GitLab allows 255 characters more)."""
LABEL_COLOR = "d93f0b"
LABEL_DESCRIPTION = "Action item from a post-mortem"

_REFERENCE = re.compile(r"((?<![\w`])[@!&]\w(?:[\w./-]*\w)?|(?<!`)#\w(?:[\w./-]*\w)?|\bGH-\d+\b)")
"""What GitHub or GitLab would turn into a mention or a cross-reference (captured: :func:`_text` splits on it).

An '@' inside a word is an e-mail address, not a mention; a '#' after a word still is a reference
(``acme/web#12``)."""
_REPO = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_.][A-Za-z0-9_.-]*){1,20}")
_LABEL = re.compile(r"[^\x00-\x20,](?:[^\x00-\x1f,]{0,98}[^\x00-\x20,])?")
_COMMIT = re.compile(r"[0-9a-f]{7,64}")
_GITHUB_ISSUE = re.compile(r"/[^/]+/[^/]+/issues/\d+/?")
_GITLAB_ISSUE = re.compile(r"(?:/[^/]+){2,}/-/(?:issues|work_items)/\d+/?")


@dataclass(frozen=True)
class IssueDraft:
    """What one action item becomes on the forge."""

    title: str
    body: str
    labels: tuple[str, ...]
    assignee: str = ""
    """The owner's forge login, when the owner is an attendee with one."""
    due: date | None = None


@dataclass(frozen=True)
class IssueState:
    """What the forge says of a linked issue."""

    closed: bool
    closed_at: datetime | None
    assignees: tuple[str, ...]


def repository(value: str) -> str:
    """``--repo`` as typed: ``OWNER/NAME`` (GitLab: ``GROUP/SUBGROUP/NAME``; a ``HOST/`` first is allowed)."""
    repo = value.strip()
    if not _REPO.fullmatch(repo) or repo.startswith("-") or {".", ".."} & set(repo.split("/")):
        raise ValidationError(f"--repo {value[:60]!r} is not OWNER/NAME; give the repository as on the forge, "
                              "e.g. --repo acme/payments")
    return repo


def issue_labels(meeting: Meeting, labels: Iterable[str] = DEFAULT_LABELS) -> tuple[str, ...]:
    """The archive's follow-up labels plus the severity, lower-case (``sev2``): one label, however it was typed."""
    chosen: list[str] = []
    for label in (*labels, meeting.incident.severity.lower()):
        label = label.strip()
        if not _LABEL.fullmatch(label):
            raise ValidationError(f"the label {label[:40]!r} cannot be a forge label; use up to 100 characters "
                                  "without commas, in .pmtui-archive.toml's [issues] labels")
        if label.casefold() not in {c.casefold() for c in chosen}:
            chosen.append(label)
    return tuple(chosen)


def owner_login(meeting: Meeting, item: ActionItem) -> str:
    """The forge login of the attendee named as ``item``'s owner, or "" (no owner, not an attendee, no login)."""
    owner = item.owner.strip().casefold()
    for attendee in meeting.attendees:
        if owner and attendee.name.strip().casefold() == owner and attendee.login:
            try:
                return forge_login(attendee.login)
            except ValidationError as exc:
                raise ValidationError(f"{attendee.name}'s login: {exc}; fix it in the attendees dialog") from None
    return ""


def assigned_owner(meeting: Meeting, item: ActionItem, assignees: Iterable[str]) -> str | None:
    """The attendee to name as ``item``'s owner because its issue is assigned to them, or None to keep the owner.

    Only an assignee who is an attendee with that login counts, and only one: several, or people the meeting does
    not know, leave the owner as it is.
    """
    logins = {login.casefold() for login in assignees}
    people = [a for a in meeting.attendees if a.login and a.login.casefold() in logins]
    owner = item.owner.strip().casefold()
    if len(people) != 1 or any(a.name.strip().casefold() == owner for a in people):
        return None
    return people[0].name


def issue_draft(meeting: Meeting, item: ActionItem, labels: Iterable[str] = DEFAULT_LABELS) -> IssueDraft:
    """The issue for ``item``: its description as the title, its details and the post-mortem's link as the body."""
    title = one_line(item.description)[:TITLE_LIMIT]
    return IssueDraft(title, issue_body(meeting, item), issue_labels(meeting, labels), owner_login(meeting, item),
                      item.due)


def issue_body(meeting: Meeting, item: ActionItem) -> str:
    """The issue's Markdown: every typed field as its text (see the module's note), links only to vetted URLs."""
    facts = [("Priority", item.priority), ("Owner", one_line(item.owner) or "unassigned"),
             ("Due", item.due.isoformat() if item.due else "no due date"), ("Type", ", ".join(item.kinds))]
    causes = {c.id: c.root_cause.text for c in meeting.chains if c.root_cause}
    cause = causes.get(item.root_cause_id or "")
    if cause:
        facts.append(("Root cause", one_line(cause)))
    lines = [_text(item.description), ""]
    lines += [f"- {label}: {_text(value)}" for label, value in facts if value]
    if item.success_criteria.strip():
        lines += ["", "**Done when**", "", _text(item.success_criteria)]
    incident = meeting.incident
    lines += ["", f"From the post-mortem “{_text(one_line(incident.title))}” ({_text(incident.severity)}, "
                  f"{incident_day(meeting).isoformat()})" + _where(meeting) + "."]
    review = _vetted(meeting.publication.pull_request) if meeting.publication else ""
    if review:
        lines.append(f"Reviewed in {link_target(review)}.")
    lines += ["", f"pmtui meeting {meeting.id}, action item {item.id}."]
    return "\n".join(lines) + "\n"


def document_url(meeting: Meeting) -> str:
    """The published post-mortem's web address at its commit, or "" when it was not published to a known forge."""
    published = meeting.publication
    if published is None or not _COMMIT.fullmatch(published.commit):
        return ""
    remote = _vetted(published.remote).rstrip("/")
    if not remote:
        return ""
    tree = "/-/blob" if forge_of_remote(remote) == "gitlab" else "/blob"
    folder = "/".join(quote(part, safe="") for part in published.folder.split("/") if part not in ("", ".", ".."))
    return f"{remote}{tree}/{published.commit}/{folder}/postmortem.md"


def _where(meeting: Meeting) -> str:
    url = document_url(meeting)
    return f": [the post-mortem]({link_target(url)})" if url else ""


def _vetted(url: str) -> str:
    try:
        return tracker_link(url)
    except ValidationError:
        return ""


def _text(value: object) -> str:
    """``value`` as Markdown that renders as its text and mentions or references nothing."""
    lines: list[str] = []
    for raw in str(value).splitlines():
        pieces = _REFERENCE.split(raw.strip(" \t"))
        line = guard_block_start("".join(f"`{p}`" if i % 2 else escape_inline(p) for i, p in enumerate(pieces)))
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return Markdown("\n".join(lines))


# --- argument lists ---------------------------------------------------------------------------------------------


def create_args(forge: str, draft: IssueDraft, repo: str = "") -> list[str]:
    """``gh issue create`` / ``glab issue create`` for ``draft``.

    gh: -t/--title, -b/--body, -l/--label (repeatable), -a/--assignee, -R/--repo
    (https://cli.github.com/manual/gh_issue_create). It prints the new issue's URL.
    glab: -t/--title, -d/--description, -l/--label (repeatable), -a/--assignee, --due-date YYYY-MM-DD, -y/--yes
    (no confirmation prompt), -R/--repo (https://man.archlinux.org/man/glab-issue-create.1.en). It prints the
    issue's reference and its URL.
    """
    body_flag = "--body" if forge == "github" else "--description"
    args = ["issue", "create", f"--title={draft.title}", f"{body_flag}={draft.body}"]
    args += [f"--label={label}" for label in draft.labels]
    if draft.assignee:
        args.append(f"--assignee={draft.assignee}")
    if forge == "gitlab":
        if draft.due:
            args.append(f"--due-date={draft.due.isoformat()}")
        args.append("--yes")
    return args + _repo_args(repo)


def label_list_args(repo: str = "") -> list[str]:
    """``gh label list --json name --limit 1000``: the labels a GitHub repository has
    (https://cli.github.com/manual/gh_label_list: -L/--limit, --json fields name, color, description…)."""
    return ["label", "list", "--json", "name", "--limit", "1000", *_repo_args(repo)]


def label_create_args(label: str, repo: str = "") -> list[str]:
    """``gh label create NAME --color … --description …``, without --force: an existing label is never changed
    (https://cli.github.com/manual/gh_label_create). GitLab needs none: its API creates a missing label when an
    issue gets it (https://docs.gitlab.com/api/issues/#new-issue, ``labels``)."""
    return ["label", "create", f"--color={LABEL_COLOR}", f"--description={LABEL_DESCRIPTION}",
            *_repo_args(repo), "--", label]


def missing_labels(labels: Iterable[str], listing: str) -> list[str]:
    """The ``labels`` that ``gh label list --json name``'s answer does not hold (names compare ignoring case)."""
    data = _json(listing, "gh", "the repository's labels")
    if not isinstance(data, list) or not all(isinstance(x, dict) and isinstance(x.get("name"), str) for x in data):
        raise ForgeError("gh answered the label list with something other than a list of labels; check "
                         "gh --version (2.27 or newer) and try again")
    have = {x["name"].casefold() for x in data}
    return [label for label in labels if label.casefold() not in have]


def view_args(forge: str, url: str) -> list[str]:
    """Read an issue's state.

    gh: ``gh issue view URL --json state,closedAt,assignees`` (https://cli.github.com/manual/gh_issue_view; JSON
    fields assignees, closedAt, state…). glab: ``glab issue view URL --output json`` (-F/--output text|json; a
    full GitLab URL instead of an id: https://man.archlinux.org/man/extra/glab/glab-issue-view.1.en).
    """
    if forge == "github":
        return ["issue", "view", url, "--json", "state,closedAt,assignees"]
    return ["issue", "view", url, "--output", "json"]


def _repo_args(repo: str) -> list[str]:
    return [f"--repo={repo}"] if repo else []


# --- answers ---------------------------------------------------------------------------------------------------


def created_url(forge: str, stdout: str) -> str:
    """The new issue's URL in ``gh``/``glab issue create``'s answer: its last http(s) line, an issue's address."""
    tool = TOOLS[forge]
    words = [word for line in stdout.splitlines() for word in line.split()]
    found = [word for word in words if word.startswith(("https://", "http://"))]
    url = _vetted(found[-1]) if found else ""
    if not url or issue_forge(url) != forge:
        raise ForgeError(f"{tool} answered {stdout.strip()[:80]!r} instead of the new issue's http(s) URL")
    return url



def issue_forge(url: str) -> str | None:
    """'github' or 'gitlab' when ``url`` is an issue's web address there (by its path), else None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if _GITLAB_ISSUE.fullmatch(parts.path):
        return "gitlab"
    if _GITHUB_ISSUE.fullmatch(parts.path):
        return "github"
    return None


def issue_state(forge: str, stdout: str, url: str) -> IssueState:
    """``gh issue view --json state,closedAt,assignees`` (state OPEN/CLOSED, closedAt, assignees[].login) or
    ``glab issue view --output json`` (state opened/closed, closed_at, assignees[].username) as an
    :class:`IssueState`; anything else is one :class:`ForgeError` line."""
    tool = TOOLS[forge]
    data = _json(stdout, tool, url)
    closed_key, who = ("closedAt", "login") if forge == "github" else ("closed_at", "username")
    state = data.get("state") if isinstance(data, dict) else None
    people = data.get("assignees") if isinstance(data, dict) else None
    if not isinstance(state, str) or state.lower() not in ("open", "opened", "closed") or not isinstance(
            people or [], list):
        raise ForgeError(f"{tool} answered for {url} without an issue's state; check it with {tool} issue view")
    closed = state.lower() == "closed"
    when = data.get(closed_key) if closed else None
    logins = tuple(p[who] for p in people or [] if isinstance(p, dict) and isinstance(p.get(who), str))
    return IssueState(closed, _moment(when, tool, url) if when else None, logins)


def _moment(value: object, tool: str, url: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise ForgeError(f"{tool} gave {url} the closing time {str(value)[:40]!r}, not an ISO 8601 time") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _json(stdout: str, tool: str, what: str) -> object:
    try:
        return json.loads(stdout)
    except ValueError:
        raise ForgeError(f"{tool} answered {stdout.strip()[:60]!r} for {what}, not JSON; check {tool} --version "
                         f"and {tool} auth status") from None
