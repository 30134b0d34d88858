"""What reviewers read: the commit's message, the pull (merge) request's title and body, and opening that
request with ``gh`` or ``glab``.

The commit message is plain text (git keeps it as written: a title starting with '#' is no comment); the
request's body is Markdown in which every typed field is escaped (:mod:`pmtui.export.escape`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..export.escape import Markdown
from ..export.narrative import render_narrative
from ..export.tables import heading, list_item, one_line
from ..model import ActionItem, Meeting
from ..text import clean
from .forge import ForgeError, run_tool

SUBJECT_MAX = 72
_URL = re.compile(r"https?://[^\s<>\"']+")


def author(meeting: Meeting) -> str:
    """Who wrote the post-mortem: the document owner, else the facilitator, else ''."""
    if meeting.document_owner.strip():
        return f"{one_line(meeting.document_owner)} (document owner)"
    return f"{one_line(meeting.facilitator)} (facilitator)" if meeting.facilitator else ""


def commit_message(meeting: Meeting, folder: str, *, republished: bool) -> str:
    """The commit's message: plain text, the title on one line; git keeps it as written (no '#' comments)."""
    title = one_line(clean(meeting.incident.title))
    severity = meeting.incident.severity
    subject = f"{'Update post-mortem' if republished else 'Post-mortem'}: {title} ({severity})"
    if len(subject) > SUBJECT_MAX:
        keep = SUBJECT_MAX - len(subject) + len(title) - 1
        subject = subject.replace(title, title[:keep].rstrip() + "…", 1)
    return "\n".join([
        subject, "",
        f"Incident: {title}",
        f"Severity: {severity}",
        f"Author: {author(meeting) or 'not named'}",
        f"Meeting: {meeting.id}",
        f"Folder: {folder}",
    ]) + "\n"


def request_title(meeting: Meeting) -> str:
    """The pull request's title (one line of plain text)."""
    return f"Post-mortem: {one_line(clean(meeting.incident.title))} ({meeting.incident.severity})"


def request_body(meeting: Meeting, folder: str) -> str:
    """The pull request's body: the summary and the action items, every typed field escaped as Markdown."""
    incident = meeting.incident
    facts = Markdown(" · ").join(Markdown("**{}:** {}").format(label, value) for label, value in (
        ("Severity", incident.severity), ("Author", author(meeting) or "not named"),
        ("Folder", Markdown("`{}`").format(Markdown(folder)))) if value)
    parts = [heading(2, incident.title), facts, heading(3, "Summary"), _summary(meeting), heading(3, "Action items")]
    items = [_action_line(action) for action in meeting.actions]
    parts.append(Markdown("\n").join(items) if items else Markdown("_No action items were agreed._"))
    return "\n\n".join(str(Markdown("{}").format(part)) for part in parts) + "\n"


def _summary(meeting: Meeting) -> Markdown | str:
    """The document's Summary section as written (its Markdown, raw HTML as text), else the incident's summary line."""
    written = meeting.sections.get("summary", "")
    if written.strip():
        return render_narrative(written, level=3)
    return meeting.incident.summary.strip() or Markdown("_No summary written._")


def _action_line(action: ActionItem) -> Markdown:
    details = [f"owner: {action.owner}" if action.owner else "unassigned",
               f"due {action.due.isoformat()}" if action.due else "", action.status]
    line = Markdown("**{}** {} ({})").format(action.priority, one_line(action.description),
                                           ", ".join(d for d in details if d))
    if action.success_criteria.strip():
        line = Markdown("{}; done when: {}").format(line, one_line(action.success_criteria))
    return list_item("-", line)


def open_request(forge: str, root: Path, branch: str, base: str | None, title: str, body: str, *,
                 earlier: str = "") -> str:
    """The pull (merge) request's URL for ``branch`` into ``base`` (None: the forge's default branch): the open one
    when there is one, else a new one. On GitLab, ``earlier`` (the request the meeting's last publication on
    this branch opened) is taken as the open one.
    """
    if forge == "gitlab":
        if earlier:
            return earlier
        # glab mr create flags: https://man.archlinux.org/man/glab-mr-create.1.en (-t/--title,
        # -d/--description, -s/--source-branch, -b/--target-branch, -y/--yes: no confirmation prompt)
        into = ["--target-branch", base] if base else []
        args = ["mr", "create", "--title", title, "--description", body, "--source-branch", branch, *into, "--yes"]
        return _url(run_tool("glab", args, cwd=root, doing="creating the merge request"), "glab")
    # gh pr list flags: https://cli.github.com/manual/gh_pr_list (--head, --state, --json, --limit)
    found = run_tool("gh", ["pr", "list", "--head", branch, "--state", "open", "--json", "url", "--limit", "1"],
                     cwd=root, doing="looking for the branch's pull request")
    try:
        existing = json.loads(found or "[]")
    except ValueError:
        raise ForgeError("gh pr list answered with something that is not JSON; check gh --version (2.0 or "
                         "newer) and try again") from None
    if existing and isinstance(existing, list) and isinstance(existing[0], dict):
        return _url(str(existing[0].get("url", "")), "gh")
    # gh pr create flags: https://cli.github.com/manual/gh_pr_create (--title, --body, --base, --head: --head
    # also keeps gh from pushing or forking by itself)
    into = ["--base", base] if base else []
    args = ["pr", "create", "--title", title, "--body", body, *into, "--head", branch]
    return _url(run_tool("gh", args, cwd=root, doing="creating the pull request"), "gh")


def _url(text: str, tool: str) -> str:
    found = _URL.findall(text)
    if not found:
        raise ForgeError(f"{tool} answered without a web address for the request ({text.strip()[:80]!r}); "
                         "look for it on the forge and try again")
    return found[-1].rstrip(".,;)")
