"""An action item as a gh/glab issue (argument lists checked against the tools' documented flags), and an issue's
state read back."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import escape as escape_html

import pytest
from markdown_it import MarkdownIt

from pmtui.archive.forge import ForgeError
from pmtui.archive.issues import (
    assigned_owner,
    create_args,
    created_url,
    document_url,
    issue_body,
    issue_draft,
    issue_forge,
    issue_labels,
    issue_state,
    label_create_args,
    label_list_args,
    missing_labels,
    repository,
    view_args,
)
from pmtui.demo import demo_meeting
from pmtui.model import ActionItem, Attendee, Publication
from pmtui.session import ValidationError

# The flags each command documents (long forms; a value is passed as --flag=value):
#   gh issue create  https://cli.github.com/manual/gh_issue_create  -a/--assignee -b/--body -l/--label -t/--title,
#                    inherited -R/--repo
#   gh issue view    https://cli.github.com/manual/gh_issue_view    --json (fields: assignees, closedAt, state…)
#   gh label list    https://cli.github.com/manual/gh_label_list    --json (field name), -L/--limit
#   gh label create  https://cli.github.com/manual/gh_label_create  -c/--color -d/--description (-f/--force unused)
#   glab issue create https://man.archlinux.org/man/glab-issue-create.1.en  -a/--assignee -d/--description
#                    --due-date -l/--label -t/--title -y/--yes, inherited -R/--repo
#   glab issue view  https://man.archlinux.org/man/extra/glab/glab-issue-view.1.en  -F/--output text|json; a URL
DOCUMENTED = {
    ("gh", "issue", "create"): {"--assignee", "--body", "--label", "--title", "--repo"},
    ("gh", "issue", "view"): {"--json", "--repo"},
    ("gh", "label", "list"): {"--json", "--limit", "--repo"},
    ("gh", "label", "create"): {"--color", "--description", "--repo"},
    ("glab", "issue", "create"): {"--assignee", "--description", "--due-date", "--label", "--title", "--yes",
                                  "--repo"},
    ("glab", "issue", "view"): {"--output", "--repo"},
}
GH_VIEW_FIELDS = {"assignees", "closedAt", "state"}


def flags(args: list[str]) -> set[str]:
    """The long flags in an argument list (``--x=v`` or ``--x v``), up to a ``--`` that ends them."""
    ended = args.index("--") if "--" in args else len(args)
    return {arg.split("=", 1)[0] for arg in args[:ended] if arg.startswith("--")}


def assert_documented(tool: str, args: list[str]) -> None:
    command = (tool, *args[:2])
    assert flags(args) <= DOCUMENTED[command], flags(args) - DOCUMENTED[command]
    ended = args.index("--") if "--" in args else len(args)
    assert all(not a.startswith("-") or a.startswith("--") for a in args[2:ended]), "only long flags"


def meeting_with(*items: ActionItem, login: str = "priya-n"):
    meeting = demo_meeting(now=0)
    meeting.actions = list(items)
    meeting.attendees = [Attendee("Priya Nair", "responder", login=login), Attendee("Lee Chen", "responder")]
    return meeting


def item(description="Alert on pool saturation", **fields) -> ActionItem:
    return ActionItem(description=description, **{"owner": "Priya Nair", "priority": "high",
                                                   "due": date(2026, 4, 1), **fields})


def test_gh_issue_create_has_title_body_labels_and_the_owners_login():
    meeting = meeting_with(item(success_criteria="Pages at 80% of the pool"))
    draft = issue_draft(meeting, meeting.actions[0])
    args = create_args("github", draft, "acme/payments")
    assert_documented("gh", args)
    assert args[:3] == ["issue", "create", "--title=Alert on pool saturation"]
    assert "--label=post-mortem" in args and "--label=sev2" in args
    assert "--assignee=priya-n" in args and args[-1] == "--repo=acme/payments"
    assert "Pages at 80% of the pool" in draft.body and "2026-04-01" in draft.body and "high" in draft.body


def test_glab_issue_create_has_the_due_date_and_never_prompts():
    meeting = meeting_with(item(owner="Lee Chen"))
    args = create_args("gitlab", issue_draft(meeting, meeting.actions[0]))
    assert_documented("glab", args)
    assert any(a.startswith("--description=") for a in args) and "--due-date=2026-04-01" in args
    assert "--yes" in args
    assert not any(a.startswith("--assignee") for a in args), "Lee Chen has no login"


def test_view_and_label_commands_use_documented_flags_and_fields():
    for forge, tool in (("github", "gh"), ("gitlab", "glab")):
        assert_documented(tool, view_args(forge, "https://x.example/o/r/issues/1"))
    gh_view = view_args("github", "https://github.com/o/r/issues/1")
    assert set(gh_view[gh_view.index("--json") + 1].split(",")) <= GH_VIEW_FIELDS
    assert_documented("gh", label_list_args("o/r"))
    assert_documented("gh", label_create_args("-evil", "o/r"))
    assert label_create_args("-evil")[-2:] == ["--", "-evil"]


def test_a_title_that_looks_like_a_flag_stays_the_title_and_on_one_line():
    meeting = meeting_with(item("--web\nopen the browser"))
    args = create_args("github", issue_draft(meeting, meeting.actions[0]))
    assert args[2] == "--title=--web open the browser"
    assert "--web" not in args


def test_the_labels_are_the_archives_plus_the_severity_once():
    meeting = meeting_with()
    meeting.incident.severity = "SEV1"
    assert issue_labels(meeting, ("post-mortem", "team-payments", "SEV1")) == ("post-mortem", "team-payments",
                                                                               "SEV1")
    assert issue_labels(meeting) == ("post-mortem", "sev1")
    with pytest.raises(ValidationError, match="cannot be a forge label"):
        issue_labels(meeting, ("a,b",))
    with pytest.raises(ValidationError, match="cannot be a forge label"):
        issue_labels(meeting, ("sev\nx",))


ATTACK = ("<script>alert(1)</script> `rm -rf` **bold** [x](javascript:alert(1)) @security-team please fix #123,\n"
          "# heading\n- list item\n> quote\n!45 &7 GH-9 acme/web#12 @octo-org/sre")


def rendered(body: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).render(body)


def test_markup_mentions_and_references_in_the_item_stay_text():
    meeting = meeting_with(item(ATTACK, success_criteria=ATTACK))
    draft = issue_draft(meeting, meeting.actions[0])
    assert "\n" not in draft.title
    html = rendered(draft.body)
    assert "<script" not in html and "<a " not in html and "<h1>" not in html
    assert html.count("<strong>") == 1, "only the exporter's own 'Done when'"
    assert "<blockquote>" not in html and html.count("<li>") == 3, "only the facts list: priority, owner, due"
    text_outside_code = re.sub(r"<code>.*?</code>", "", html)
    for ref in map(escape_html, ("@security-team", "#123", "!45", "&7", "GH-9", "#12", "@octo-org/sre")):
        assert ref not in text_outside_code, ref
        assert f"<code>{ref}</code>" in html, ref
    assert "rm -rf" in html  # the typed backticks show as text


def test_plain_words_are_left_alone():
    meeting = meeting_with(item("Raise the pool to 40 (R&D sign-off), snake_case and e-mail a@b.c"))
    body = issue_body(meeting, meeting.actions[0])
    assert "Raise the pool to 40 (R&D sign-off), snake_case and e-mail a@b.c" in body


@pytest.mark.parametrize("login", ["ana lima", "--assignee=root", "ana;rm", "-ana"])
def test_an_owner_login_that_is_not_a_username_is_refused(login):
    meeting = meeting_with(item(), login=login)
    with pytest.raises(ValidationError, match="Priya Nair's login: .*not a GitHub or GitLab username"):
        issue_draft(meeting, meeting.actions[0])


def test_the_body_links_the_published_post_mortem_and_its_review():
    meeting = meeting_with(item())
    meeting.publication = Publication("0123abcd" * 5, "postmortem/x", "postmortems/2026/2026-03-14-checkout errors",
                                      datetime(2026, 3, 20, tzinfo=UTC), pull_request="https://github.com/acme/pm/pull/7",
                                      remote="https://github.com/acme/pm")
    url = ("https://github.com/acme/pm/blob/" + "0123abcd" * 5
           + "/postmortems/2026/2026-03-14-checkout%20errors/postmortem.md")
    assert document_url(meeting) == url
    body = issue_body(meeting, meeting.actions[0])
    assert f"[the post-mortem]({url})" in body and "https://github.com/acme/pm/pull/7" in body
    meeting.publication.remote = "https://gitlab.example.com/sre/pm"
    assert document_url(meeting).startswith("https://gitlab.example.com/sre/pm/-/blob/")
    meeting.publication.remote = "javascript:alert(1)"
    assert document_url(meeting) == "" and "javascript" not in issue_body(meeting, meeting.actions[0])


def test_unpublished_meetings_name_the_post_mortem_without_a_link():
    meeting = meeting_with(item())
    meeting.created = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # the meeting, three weeks after the incident
    body = issue_body(meeting, meeting.actions[0])
    assert "From the post-mortem “Checkout errors after connection pool change” (SEV2, 2026-11-17)" in body
    assert "](" not in body


@pytest.mark.parametrize("repo", ["-R", "acme", "acme/pay ments", "acme/pay;rm", "--repo=x/y", "acme/../etc/x;",
                                  "acme/..", "./x"])
def test_a_repository_that_is_not_owner_name_is_refused(repo):
    with pytest.raises(ValidationError, match="is not OWNER/NAME"):
        repository(repo)


def test_a_repository_may_be_a_gitlab_group_path_or_have_a_host():
    assert repository(" sre/platform/postmortems ") == "sre/platform/postmortems"
    assert repository("github.example.com/acme/pm") == "github.example.com/acme/pm"


def test_the_created_issues_url_is_read_from_the_answer():
    assert created_url("github", "https://github.com/acme/pm/issues/12\n") == "https://github.com/acme/pm/issues/12"
    glab = "Creating issue in sre/pm\n#5 Alert on pool saturation (less than a minute ago)\n" \
           " https://gitlab.com/sre/pm/-/issues/5\n\n"
    assert created_url("gitlab", glab) == "https://gitlab.com/sre/pm/-/issues/5"


@pytest.mark.parametrize("answer", ["", "created!\n", "javascript:alert(1)\n", "ftp://github.com/o/r/issues/1\n",
                                    "https://github.com/o/r/pull/3\n", "https://evil.example/\x1b[31m\n"])
def test_an_answer_without_an_issue_url_is_one_line(answer):
    with pytest.raises(ForgeError) as caught:
        created_url("github", answer)
    assert "instead of the new issue's http(s) URL" in str(caught.value) and "\n" not in str(caught.value)


def test_which_forge_an_issue_link_is_on():
    assert issue_forge("https://github.com/acme/pm/issues/12") == "github"
    assert issue_forge("https://github.example.com/acme/pm/issues/12") == "github"
    assert issue_forge("https://gitlab.com/sre/platform/pm/-/issues/5") == "gitlab"
    assert issue_forge("https://gitlab.example.com/sre/pm/-/work_items/5") == "gitlab"
    for other in ("https://tracker.example.com/browse/CHK-412", "https://github.com/acme/pm/pull/3",
                  "javascript:alert(1)//issues/1", "https://github.com/acme/issues/1"):
        assert issue_forge(other) is None, other


def test_a_closed_github_issue_with_its_time_and_assignees():
    state = issue_state("github", '{"state": "CLOSED", "closedAt": "2026-03-20T10:15:00Z", '
                                  '"assignees": [{"login": "priya-n", "name": "Priya"}]}', "u")
    assert state.closed and state.closed_at == datetime(2026, 3, 20, 10, 15, tzinfo=UTC)
    assert state.assignees == ("priya-n",)
    reopened = issue_state("github", '{"state": "OPEN", "closedAt": null, "assignees": []}', "u")
    assert not reopened.closed and reopened.closed_at is None


def test_gitlab_issue_states():
    closed = issue_state("gitlab", '{"state": "closed", "closed_at": "2026-03-20T12:15:00.000+02:00", '
                                   '"assignees": [{"username": "lee.chen"}]}', "u")
    assert closed.closed and closed.closed_at == datetime(2026, 3, 20, 10, 15, tzinfo=UTC)
    assert closed.assignees == ("lee.chen",)
    assert not issue_state("gitlab", '{"state": "opened", "closed_at": null, "assignees": []}', "u").closed


@pytest.mark.parametrize("answer, says", [
    ("<html>rate limited</html>", "not JSON"),
    ("[]", "without an issue's state"),
    ('{"state": "MERGED"}', "without an issue's state"),
    ('{"state": "CLOSED", "closedAt": "yesterday", "assignees": []}', "not an ISO 8601 time"),
    ('{"state": "OPEN", "assignees": "nobody"}', "without an issue's state"),
])
def test_an_answer_that_is_not_an_issue_is_one_line(answer, says):
    with pytest.raises(ForgeError) as caught:
        issue_state("github", answer, "https://github.com/o/r/issues/1")
    assert says in str(caught.value) and "\n" not in str(caught.value)


def test_missing_labels_compare_ignoring_case():
    assert missing_labels(("post-mortem", "sev2"), '[{"name": "Post-Mortem"}, {"name": "bug"}]') == ["sev2"]
    with pytest.raises(ForgeError, match="not JSON"):
        missing_labels(("x",), "post-mortem\tred\n")


def test_an_issue_assigned_to_an_attendee_makes_them_the_owner():
    meeting = meeting_with(item(owner="Lee Chen"))
    meeting.attendees.append(Attendee("Ana Lima", "responder", login="AnaLima"))
    task = meeting.actions[0]
    assert assigned_owner(meeting, task, ["analima"]) == "Ana Lima"
    assert assigned_owner(meeting, task, []) is None, "unassigned on the forge: the owner stays"
    assert assigned_owner(meeting, task, ["someone-else"]) is None, "not an attendee"
    assert assigned_owner(meeting, task, ["analima", "priya-n"]) is None, "several attendees"
    task.owner = "ana lima"
    assert assigned_owner(meeting, task, ["analima"]) is None, "already the owner"
