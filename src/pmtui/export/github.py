"""A shell script that files a meeting's open action items as GitHub issues with ``gh``."""

from __future__ import annotations

import re
import shlex

from ..model import ActionItem, Meeting
from .escape import Markdown, escape
from .tables import list_item, one_line

LABEL = "post-mortem"
TITLE_LIMIT = 256
"""GitHub refuses longer issue titles."""

_LOGIN = re.compile(r"@?([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})")


def incident_label(meeting: Meeting) -> str:
    """The label every issue of ``meeting`` gets besides :data:`LABEL`: 'incident-<meeting id>'."""
    return f"incident-{meeting.id}"


def github_login(owner: str) -> str | None:
    """``owner`` as a GitHub login ('priya-n' or '@priya-n'), or None when it cannot be one."""
    found = _LOGIN.fullmatch(owner.strip())
    return found[1] if found else None


def github_script(meeting: Meeting) -> str:
    """A ``#!/bin/sh`` script with one ``gh issue create`` per open action item.

    It first makes sure the labels exist (``gh label create --force``); each
    issue has the item as title, its details as body, the labels
    :data:`LABEL` and :func:`incident_label`, and the owner as ``--assignee``
    when the owner looks like a GitHub login (otherwise a comment says to
    assign it by hand). Done items are left out. Run it inside the repository.
    """
    title = one_line(meeting.incident.title)
    lines = [
        "#!/bin/sh",
        f"# GitHub issues for the open action items of the post-mortem “{title}” ({meeting.id}).",
        "# Run it with sh inside the GitHub repository, once gh is logged in.",
        "set -e",
        "",
        _command("gh", "label", "create", LABEL, "--force", "--color", "d93f0b",
                 "--description", "Action item from a post-mortem"),
        _command("gh", "label", "create", incident_label(meeting), "--force", "--color", "fbca04",
                 "--description", f"Post-mortem: {title}"[:100]),
    ]
    open_items = [item for item in meeting.actions if item.status == "open"]
    done = len(meeting.actions) - len(open_items)
    if done:
        lines.append(f"# {done} done action item(s) left out.")
    if not open_items:
        lines.append("# No open action items.")
    causes = {c.id: c.root_cause.text for c in meeting.chains if c.root_cause}
    for item in open_items:
        args = ["gh", "issue", "create", "--title", one_line(item.description)[:TITLE_LIMIT],
                "--body", _body(meeting, item, causes.get(item.root_cause_id)),
                "--label", LABEL, "--label", incident_label(meeting)]
        login = github_login(item.owner) if item.owner else None
        lines.append("")
        if login:
            args += ["--assignee", login]
        elif item.owner:
            lines.append(f"# Owner {one_line(item.owner)!r} is not a GitHub login: assign this issue by hand.")
        lines.append(_command(*args))
    return "\n".join(lines) + "\n"


def _body(meeting: Meeting, item: ActionItem, cause: str | None) -> str:
    """The issue's Markdown body; GitHub renders it, so every typed field is escaped (see :mod:`.escape`)."""
    facts = [
        ("Priority", item.priority),
        ("Owner", one_line(item.owner) or "unassigned"),
        ("Due", item.due.isoformat() if item.due else "no due date"),
        ("Done when", one_line(item.success_criteria)),
        ("Type", ", ".join(item.kinds)),
        ("Root cause", one_line(cause or "")),
    ]
    rows = [
        escape(item.description),
        "",
        *(list_item("-", Markdown("{}: {}").format(label, value)) for label, value in facts if value),
        "",
        Markdown("From the post-mortem “{}” ({}, meeting {}, action item {}).").format(
            one_line(meeting.incident.title), meeting.incident.severity, meeting.id, item.id),
    ]
    return "\n".join(rows)


def _command(*args: str) -> str:
    return " ".join(shlex.quote(arg) for arg in args)
