"""The overdue digest: open action items past their due date, grouped by owner, for a cron job or CI run to post.

Two forms: Markdown (an issue, a CI step summary, a mail) and the JSON body of a Slack incoming webhook.
Owners come most overdue first, and each owner's items oldest due first; each item names its meeting and,
when known, where its work is tracked. Typed text stays text in both: Markdown through :mod:`.escape`, Slack's
mrkdwn with its three control characters escaped and no automatic parsing (``verbatim``), so an action's
words never become a mention, a channel link or a heading.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..model import PRIORITIES, Meeting
from ..tracking import TrackedAction
from .escape import Markdown, escape_line, link_target
from .tables import heading

NOTHING = "Nothing overdue."
UNASSIGNED = "Unassigned"
SLACK_SECTION_CHARS = 3000
"""A section block's text holds at most 3,000 characters
(https://docs.slack.dev/reference/block-kit/blocks/section-block)."""
SLACK_BLOCKS = 50
"""A message holds at most 50 blocks (https://docs.slack.dev/reference/block-kit/blocks)."""
SLACK_TEXT_BUDGET = 12_000
"""Characters of block text per message: Slack refuses long messages below its documented limits
(msg_blocks_too_long at about 13,000, https://github.com/slackapi/bolt-js/issues/2509); the rest is counted."""
DESCRIPTION_CHARS, TITLE_CHARS, OWNER_CHARS = 300, 120, 80
"""Typed text shown per item in Slack (escaped, an item's line stays far below a section's 3,000 characters)."""


@dataclass(frozen=True)
class OwnerGroup:
    """One owner's overdue items, oldest due first (``owner`` "" for items nobody owns)."""

    owner: str
    actions: tuple[TrackedAction, ...]


def overdue_groups(actions: Iterable[TrackedAction], today: date) -> list[OwnerGroup]:
    """The overdue items among ``actions`` by owner (spelled as first seen, matched ignoring case and spacing)."""
    late = sorted((a for a in actions if a.overdue_days(today) > 0), key=_oldest_first)
    groups: dict[str, list[TrackedAction]] = {}
    for action in late:
        groups.setdefault(" ".join(action.item.owner.split()).casefold(), []).append(action)
    return [OwnerGroup(" ".join(items[0].item.owner.split()), tuple(items)) for items in groups.values()]


def _oldest_first(action: TrackedAction) -> tuple:
    item = action.item
    rank = PRIORITIES.index(item.priority) if item.priority in PRIORITIES else len(PRIORITIES)
    return (item.due, rank, action.meeting.created.timestamp(), item.id)


def web_link(url: str) -> str:
    """``url`` when it is an http(s) address on one line, else "": meetings read from files are not trusted."""
    url = url.strip()
    return url if url.startswith(("https://", "http://")) and url.isprintable() and " " not in url else ""


def _meeting_link(meeting: Meeting) -> str:
    publication = meeting.publication
    return web_link(publication.pull_request) if publication is not None else ""


def _counts(groups: list[OwnerGroup]) -> str:
    items = sum(len(g.actions) for g in groups)
    return (f"{items} action item{'' if items == 1 else 's'} past their due date, "
            f"{len(groups)} owner{'' if len(groups) == 1 else 's'}")


def _days(action: TrackedAction, today: date) -> str:
    days = action.overdue_days(today)
    return f"{days} day{'' if days == 1 else 's'} overdue"


# --- Markdown -------------------------------------------------------------------------


def markdown_digest(groups: list[OwnerGroup], today: date) -> str:
    """The digest as Markdown; "Nothing overdue." when ``groups`` is empty."""
    if not groups:
        return NOTHING + "\n"
    parts = [heading(1, f"Overdue action items, {today.isoformat()}"), escape_line(_counts(groups) + ".")]
    for group in groups:
        parts.append(heading(2, f"{group.owner or UNASSIGNED} ({len(group.actions)})"))
        parts.append("\n".join(_markdown_item(a, today) for a in group.actions))
    return "\n\n".join(parts) + "\n"


def _markdown_item(action: TrackedAction, today: date) -> str:
    item, meeting = action.item, action.meeting
    title = escape_line(meeting.incident.title)
    url = _meeting_link(meeting)
    place = Markdown(f"[{title}]({link_target(url)})") if url else title
    line = Markdown("- **{}** (due {}, {}): {} · meeting {} ({})").format(
        _days(action, today), item.due.isoformat(), item.priority, escape_line(item.description), place, meeting.id)
    tracked = web_link(item.link)
    return line + (f" · [tracked here]({link_target(tracked)})" if tracked else "")


# --- Slack ------------------------------------------------------------------------------


def slack_escape(text: str) -> str:
    """``text`` for Slack's mrkdwn: ``&``, ``<`` and ``>`` as entities, its only control characters
    (https://docs.slack.dev/messaging/formatting-message-text#escaping); one line."""
    return " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_link(url: str, label: str) -> str:
    """``<url|label>``; ``|`` and the control characters percent-encoded in the address, the label escaped."""
    address = url.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E").replace("&", "&amp;")
    return f"<{address}|{slack_escape(label)}>"


def slack_digest(groups: list[OwnerGroup], today: date) -> dict:
    """The digest as a Slack incoming webhook's JSON body: a header, then section blocks per owner.

    An owner whose items do not fit one section (3,000 characters) goes on in the next; what does not fit one
    message (50 blocks, the text budget) is counted in a last section that says how to see it all.
    """
    if not groups:
        return {"text": NOTHING, "blocks": [_section(f":white_check_mark: {NOTHING}")]}
    counts = _counts(groups)
    blocks: list[dict] = [{"type": "header",
                           "text": {"type": "plain_text", "text": f"Overdue action items, {today.isoformat()}"}},
                          _section(slack_escape(counts) + ".")]
    budget = SLACK_TEXT_BUDGET - len(blocks[1]["text"]["text"])
    most = SLACK_BLOCKS - len(blocks) - 1  # one block stays free for "… and N more"
    left = sum(len(g.actions) for g in groups)
    sections = [""]
    for is_item, line in (line for group in groups for line in _slack_group(group, today)):
        if budget < len(line) + 1:
            break
        if sections[-1] and (not is_item or len(sections[-1]) + len(line) + 1 > SLACK_SECTION_CHARS):
            if len(sections) == most:
                break
            sections.append("")  # each owner starts a section; one too long for a section goes on in the next
        sections[-1] = f"{sections[-1]}\n{line}" if sections[-1] else line
        budget -= len(line) + 1
        left -= is_item
    blocks += [_section(text) for text in sections if text]
    if left:
        blocks.append(_section(f"… and {left} more overdue item{'' if left == 1 else 's'}: "
                               "run `pmtui actions --overdue` to see them all."))
    return {"text": f"Overdue action items: {counts}.", "blocks": blocks}


def _slack_group(group: OwnerGroup, today: date) -> list[tuple[bool, str]]:
    """The owner's line, then one per item: (whether it is an item, its mrkdwn)."""
    lines = [(False, f"*{slack_escape(_short(group.owner, OWNER_CHARS) or UNASSIGNED)}* ({len(group.actions)})")]
    for action in group.actions:
        item, meeting = action.item, action.meeting
        url = _meeting_link(meeting)
        title = _short(meeting.incident.title, TITLE_CHARS)
        title = _slack_link(url, title) if url else slack_escape(title)
        line = (f"• *{_days(action, today)}* (due {item.due.isoformat()}, {slack_escape(item.priority)}): "
                f"{slack_escape(_short(item.description, DESCRIPTION_CHARS))} · meeting {title} "
                f"({slack_escape(meeting.id)})")
        tracked = web_link(item.link)
        lines.append((True, line + (f" · {_slack_link(tracked, 'tracked here')}" if tracked else "")))
    return lines


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def _short(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters before escaping (an entity is never cut in two)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def slack_json(groups: list[OwnerGroup], today: date) -> str:
    """:func:`slack_digest` as the text to post (UTF-8, not ASCII-escaped)."""
    return json.dumps(slack_digest(groups, today), indent=2, ensure_ascii=False)
