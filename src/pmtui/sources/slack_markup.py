"""Slack's message markup made readable: ``<@U123>`` → ``@Ana Lima``, ``<url|label>`` → ``label (url)``.

Slack stores a message's text with its references in angle brackets and escapes only ``&``, ``<`` and ``>``
(https://docs.slack.dev/messaging/formatting-message-text/). A post-mortem reads the names people saw, so
mentions become names from the export's users.json and channels.json, and a link keeps its address beside its
label (the address is evidence). Other text is left as written (``*bold*``, ``:fire:``).
"""

from __future__ import annotations

import re

_REFERENCE = re.compile(r"<([@#!][^<>\n]*|[A-Za-z][A-Za-z0-9+.-]*:[^<>\n]*)>")
"""A mention, a channel, a command or a link with its scheme; anything else in angle brackets is text."""
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


def readable(text: str, users: dict[str, str], channels: dict[str, str]) -> str:
    """``text`` with mentions, channel references and links as words, and ``&amp;``/``&lt;``/``&gt;`` undone."""
    plain = _REFERENCE.sub(lambda match: _reference(match.group(1), users, channels), text)
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _reference(inner: str, users: dict[str, str], channels: dict[str, str]) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return "@" + (users.get(target[1:]) or label.lstrip("@") or target[1:])
    if target.startswith("#"):
        return "#" + (channels.get(target[1:]) or label.lstrip("#") or target[1:])
    if target.startswith("!"):
        return _special(target[1:], label)
    if not label or label == target:
        return target.removeprefix("mailto:")
    if target.startswith("mailto:"):
        return label
    return f"{label} ({target})"


def _special(command: str, label: str) -> str:
    """``<!here>``, a user group ``<!subteam^S123|@oncall>``, a date ``<!date^…|fallback>``."""
    if label:
        return label
    name = command.split("^", 1)[0]
    return _SPECIAL.get(name, "@" + name)
