"""The overdue digest: grouped by owner, oldest due first, as Markdown or a Slack incoming webhook's JSON."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from helpers import create_meeting
from pmtui.cli import main
from pmtui.cli import tracking as cli_tracking
from pmtui.export.digest import (
    NOTHING,
    SLACK_BLOCKS,
    SLACK_SECTION_CHARS,
    SLACK_TEXT_BUDGET,
    markdown_digest,
    overdue_groups,
    slack_digest,
    slack_escape,
)
from pmtui.model import ActionItem, Incident, Meeting, Publication
from pmtui.tracking import TrackedAction

TODAY = date(2026, 12, 7)


def meeting(title: str, *items: ActionItem, pr: str = "") -> Meeting:
    made = Meeting(Incident(title), actions=list(items), created=datetime(2026, 11, 1, tzinfo=UTC))
    if pr:
        made.publication = Publication("abc123", "postmortem/x", "postmortems/x", made.created, pull_request=pr)
    return made


def tracked(*meetings: Meeting) -> list[TrackedAction]:
    return [TrackedAction(item, m) for m in meetings for item in m.actions]


def item(description: str, owner: str, due: date | None, **fields) -> ActionItem:
    return ActionItem(description, owner=owner, due=due, **fields)


@pytest.fixture
def two_owners() -> list[TrackedAction]:
    checkout = meeting("Checkout errors", item("Alert on pool size", "Priya", date(2026, 12, 1), priority="high",
                                               link="https://github.com/acme/payments/issues/7"),
                       item("Runbook for pool changes", "Ana Lima", date(2026, 11, 20)),
                       item("Done already", "Ana Lima", date(2026, 11, 1), status="done"),
                       item("Not due yet", "Priya", date(2026, 12, 24)),
                       item("No due date", "Priya", None), pr="https://github.com/acme/postmortems/pull/3")
    search = meeting("Search outage", item("Index health check", " priya ", date(2026, 11, 28)),
                     item("Nobody's yet", "", date(2026, 12, 5)))
    return tracked(checkout, search)


def test_groups_by_owner_most_overdue_first_and_only_overdue_open_items(two_owners):
    groups = overdue_groups(two_owners, TODAY)
    assert [(g.owner, [a.item.description for a in g.actions]) for g in groups] == [
        ("Ana Lima", ["Runbook for pool changes"]),
        ("priya", ["Index health check", "Alert on pool size"]),  # one owner however it was typed
        ("", ["Nobody's yet"]),
    ]


def test_the_markdown_digest(two_owners):
    text = markdown_digest(overdue_groups(two_owners, TODAY), TODAY)
    assert text.startswith("# Overdue action items, 2026-12-07\n\n4 action items past their due date, 3 owners.\n")
    assert "## Ana Lima (1)\n\n- **17 days overdue** (due 2026-11-20, medium): Runbook for pool changes · meeting " \
           "[Checkout errors](https://github.com/acme/postmortems/pull/3) (" in text
    assert "· [tracked here](https://github.com/acme/payments/issues/7)" in text
    assert "## Unassigned (1)" in text
    assert markdown_digest([], TODAY) == NOTHING + "\n"


def test_typed_markup_stays_text_in_markdown():
    hostile = meeting("<img src=x onerror=alert(1)> # title", item("## heading *bold* [x](javascript:alert(1))",
                                                                   "<b>Eve</b>", date(2026, 12, 1),
                                                                   link="javascript:alert(1)"),
                      pr="javascript:alert(2)")
    html = MarkdownIt("commonmark").render(markdown_digest(overdue_groups(tracked(hostile), TODAY), TODAY))
    assert "<img" not in html and "<b>" not in html and "<strong>bold" not in html and "javascript:" not in \
        html.replace("[x](javascript:alert(1))", "")
    assert 'href="javascript' not in html
    assert html.count("<h2>") == 1 and "&lt;b&gt;Eve&lt;/b&gt;" in html


def test_the_slack_digest_is_a_webhook_body_with_blocks(two_owners):
    body = slack_digest(overdue_groups(two_owners, TODAY), TODAY)
    assert body["text"] == "Overdue action items: 4 action items past their due date, 3 owners."
    header, counts, *owners = body["blocks"]
    assert header == {"type": "header", "text": {"type": "plain_text", "text": "Overdue action items, 2026-12-07"}}
    assert counts["type"] == "section"
    assert len(owners) == 3 and all(b["type"] == "section" and b["text"]["type"] == "mrkdwn" for b in owners)
    assert all(b["text"]["verbatim"] is True for b in body["blocks"][1:])  # no automatic mentions or channel links
    priya = owners[1]["text"]["text"].splitlines()
    assert priya[0] == "*priya* (2)"
    assert priya[2] == ("• *6 days overdue* (due 2026-12-01, high): Alert on pool size · meeting "
                        "<https://github.com/acme/postmortems/pull/3|Checkout errors> "
                        f"({two_owners[0].meeting.id}) · <https://github.com/acme/payments/issues/7|tracked here>")


def test_typed_text_cannot_mention_link_or_break_the_slack_message():
    typed = "ping <!here> <@U123> <https://evil.example|click> & more"
    hostile = meeting("A & B <!channel>", item(typed, "<!everyone>", date(2026, 12, 1), link="https://x.example/a|b>c<d"),
                      item("second", "Eve", date(2026, 12, 2), link="javascript:alert(1)"), pr="javascript:alert(2)")
    body = slack_digest(overdue_groups(tracked(hostile), TODAY), TODAY)
    text = "\n".join(b["text"]["text"] for b in body["blocks"][1:])
    assert "<!" not in text and "<@" not in text and "<https://evil" not in text
    assert "A &amp; B &lt;!channel&gt;" in text and "*&lt;!everyone&gt;* (1)" in text
    assert "<https://x.example/a%7Cb%3Ec%3Cd|tracked here>" in text
    assert "javascript" not in text and text.count("|tracked here>") == 1  # only http(s) links are links
    assert slack_escape("a\nb  &<>") == "a b &amp;&lt;&gt;"


def test_a_long_digest_stays_within_slacks_limits():
    many = [meeting(f"Incident {n}", *(item("a & <b> " * 300, f"owner {n}", date(2026, 11, 1 + d))
                                       for d in range(20))) for n in range(80)]
    body = slack_digest(overdue_groups(tracked(*many), TODAY), TODAY)
    blocks = body["blocks"]
    assert len(blocks) <= SLACK_BLOCKS
    assert all(len(b["text"]["text"]) <= SLACK_SECTION_CHARS for b in blocks)
    assert sum(len(b["text"]["text"]) for b in blocks) <= SLACK_TEXT_BUDGET + 200
    assert all("&am…" not in b["text"]["text"] and not b["text"]["text"].endswith("&") for b in blocks)
    assert blocks[-1]["text"]["text"].startswith("… and ") and "more overdue items" in blocks[-1]["text"]["text"]
    shown = sum(b["text"]["text"].count("\n• ") + b["text"]["text"].startswith("• ") for b in blocks)
    assert int(blocks[-1]["text"]["text"].split()[2]) == 80 * 20 - shown


def test_nothing_overdue_is_a_message_too(two_owners):
    body = slack_digest([], TODAY)
    assert body["text"] == NOTHING and NOTHING in body["blocks"][0]["text"]["text"]


# --- the command line ----------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path, monkeypatch, two_owners):
    folder = tmp_path / "data"
    folder.mkdir()
    for made in {id(a.meeting): a.meeting for a in two_owners}.values():
        create_meeting(folder, made)
    monkeypatch.setattr(cli_tracking, "today", lambda: TODAY)
    return folder


def invoke(data_dir, *args, code: int = 0):
    result = CliRunner().invoke(main, ["actions", *args, "--data-dir", str(data_dir)], catch_exceptions=False)
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


def test_actions_overdue_format_markdown_and_slack(data_dir):
    assert invoke(data_dir, "--overdue", "--format", "markdown").stdout.startswith("# Overdue action items, 2026-12")
    body = json.loads(invoke(data_dir, "--overdue", "--format", "slack").stdout)
    assert [b["type"] for b in body["blocks"]] == ["header", "section", "section", "section", "section"]
    only = invoke(data_dir, "--overdue", "--owner", "ana", "--format", "markdown").stdout
    assert "## Ana Lima (1)" in only and "priya" not in only


def test_the_digest_needs_overdue_and_no_json(data_dir):
    for args in (("--format", "slack"), ("--overdue", "--json", "--format", "markdown"),
                 ("--all", "--format", "slack")):
        result = invoke(data_dir, *args, code=2)
        assert "prints the overdue digest: use it with --overdue" in result.stderr


def readme_digest_commands() -> list[list[str]]:
    """The digest commands README.md shows, up to the pipe or comment: the argv a cron job runs."""
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    lines = [line for block in re.findall(r"```sh\n(.*?)```", text, re.S) for line in block.splitlines()]
    return [shlex.split(line.split("|")[0].split("#")[0]) for line in lines
            if line.startswith("pmtui actions --overdue --format ")]


def test_the_readme_digest_commands_exit_0_when_nothing_is_overdue(tmp_path):
    pmtui = shutil.which("pmtui", path=os.path.dirname(sys.executable))
    assert pmtui is not None
    commands = readme_digest_commands()
    assert [argv[-1] for argv in commands] == ["markdown", "slack"]
    env = {**os.environ, "PMTUI_DATA_DIR": str(tmp_path / "empty")}
    for argv in commands:
        done = subprocess.run([pmtui, *argv[1:]], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        if argv[-1] == "markdown":
            assert done.stdout == f"{NOTHING}\n"
        else:
            assert json.loads(done.stdout)["text"] == NOTHING
