"""Publishing a meeting into an archive: a real git working tree with a bare remote, a fake gh/glab."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from forge_support import FakeForge, git
from pmtui.archive.forge import ForgeError
from pmtui.archive.git import GitError
from pmtui.archive.layout import SLUG_MAX, ArchivePathError, archive_slug
from pmtui.archive.publish import PublishError, dry_run, publish_session
from pmtui.archive.record import read_record
from pmtui.archive.remote import PushError, push_refusal, web_address
from pmtui.demo import demo_meeting
from pmtui.model import Incident, Meeting, to_data
from pmtui.session import MeetingSession
from pmtui.store import MeetingFile, read_meeting

STAMP = datetime(2026, 11, 20, 10, 0, tzinfo=UTC).timestamp()  # three days after the demo incident
DEMO_FOLDER = "postmortems/2026/2026-11-17-checkout-errors-after-connection-pool-change"
DEMO_BRANCH = "postmortem/checkout-errors-after-connection-pool-change"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


def stored(data: Path, meeting: Meeting | None = None) -> Meeting:
    meeting = meeting or demo_meeting()
    MeetingFile.create(data, to_data(meeting)).close()
    return meeting


def publish(data: Path, meeting_id: str, repo: Path, **options) -> list[str]:
    session = MeetingSession.open(data, meeting_id, now=lambda: STAMP)
    try:
        return publish_session(session, repo, **options)
    finally:
        session.close()


def tree(repo: Path, ref: str) -> list[str]:
    return git(repo, "ls-tree", "-r", "--name-only", ref).split()


def head_count(repo: Path, ref: str) -> int:
    return int(git(repo, "rev-list", "--count", ref))


# --- publish, republish ------------------------------------------------------------------------------------------


def test_a_publication_is_a_commit_on_its_own_branch_and_the_tree_stays_where_it_was(data, archive_repo):
    meeting = stored(data)
    lines = publish(data, meeting.id, archive_repo)
    assert git(archive_repo, "branch", "--show-current").strip() == "main"
    assert not (archive_repo / "postmortems").exists()
    assert {f"{DEMO_FOLDER}/{name}" for name in ("postmortem.md", "minutes.md", "meeting.json")} <= set(
        tree(archive_repo, DEMO_BRANCH))
    message = git(archive_repo, "log", "-1", "--format=%B", DEMO_BRANCH)
    assert message.startswith("Post-mortem: Checkout errors after connection pool change (SEV2)\n\n")
    assert "Severity: SEV2" in message and "Author: Sam Rivera (facilitator)" in message
    assert f"Meeting: {meeting.id}" in message
    record, _ = read_record(git(archive_repo, "show", f"{DEMO_BRANCH}:{DEMO_FOLDER}/meeting.json"), "meeting.json")
    assert record.id == meeting.id and record.status == "published"
    local = read_meeting(data / f"{meeting.id}.json")
    commit = git(archive_repo, "rev-parse", DEMO_BRANCH).strip()
    assert local.status == "published" and local.publication.commit == commit
    assert (local.publication.branch, local.publication.folder) == (DEMO_BRANCH, DEMO_FOLDER)
    assert any(DEMO_FOLDER in line for line in lines) and any(commit[:12] in line for line in lines)
    assert lines[-1].startswith("Your working tree is still on main.")


def test_publishing_again_unchanged_makes_no_commit(data, archive_repo):
    meeting = stored(data)
    publish(data, meeting.id, archive_repo)
    commits = head_count(archive_repo, DEMO_BRANCH)
    lines = publish(data, meeting.id, archive_repo)
    assert head_count(archive_repo, DEMO_BRANCH) == commits
    assert any("Nothing changed since" in line for line in lines)


def test_a_renamed_incident_updates_the_same_folder_in_a_new_commit(data, archive_repo):
    meeting = stored(data)
    publish(data, meeting.id, archive_repo)
    session = MeetingSession.open(data, meeting.id)
    session.update_incident(title="Checkout outage")
    session.close()
    lines = publish(data, meeting.id, archive_repo)
    assert f"  branch: {DEMO_BRANCH}, commit " in lines[2]  # the branch of its pull request, not a new one
    files = tree(archive_repo, DEMO_BRANCH)
    assert len([f for f in files if f.endswith("meeting.json")]) == 1
    assert head_count(archive_repo, DEMO_BRANCH) == 3
    message = git(archive_repo, "log", "-1", "--format=%s", DEMO_BRANCH).strip()
    assert message == "Update post-mortem: Checkout outage (SEV2)"
    diff = git(archive_repo, "diff", f"{DEMO_BRANCH}~1", DEMO_BRANCH, "--", f"{DEMO_FOLDER}/meeting.json")
    assert '-      "title": "Checkout errors after connection pool change"' in diff


def test_a_renamed_incident_on_a_new_branch_keeps_its_folder_once_merged(data, archive_repo):
    meeting = stored(data)
    publish(data, meeting.id, archive_repo)
    git(archive_repo, "merge", "-q", "--ff-only", DEMO_BRANCH)
    git(archive_repo, "branch", "-q", "-d", DEMO_BRANCH)  # merged, and the branch deleted
    session = MeetingSession.open(data, meeting.id)
    session.update_incident(title="Checkout outage")
    session.close()
    publish(data, meeting.id, archive_repo)
    files = tree(archive_repo, "postmortem/checkout-outage")
    assert [f for f in files if f.endswith("meeting.json")] == [f"{DEMO_FOLDER}/meeting.json"]


def test_once_merged_and_unchanged_nothing_is_committed_or_pushed(data, archive_repo):
    meeting = stored(data)
    publish(data, meeting.id, archive_repo)
    git(archive_repo, "merge", "-q", "--ff-only", DEMO_BRANCH)
    git(archive_repo, "branch", "-q", "-d", DEMO_BRANCH)
    merged = git(archive_repo, "rev-parse", "main").strip()
    lines = publish(data, meeting.id, archive_repo, push=True)
    assert lines[2] == f"  Nothing changed since {merged[:12]} (branch main): no new commit"
    assert lines[3] == "  nothing pushed: the post-mortem is unchanged on main"
    assert git(archive_repo, "branch", "--list").split() == ["*", "main"]
    assert read_meeting(data / f"{meeting.id}.json").publication.branch == "main"


def test_what_else_is_staged_in_the_archive_stays_staged_and_out_of_the_commit(data, archive_repo):
    (archive_repo / "README.md").write_text("# Post-mortems, reviewed\n")
    git(archive_repo, "add", "README.md")
    meeting = stored(data)
    publish(data, meeting.id, archive_repo)
    changed = git(archive_repo, "show", "--name-only", "--format=", DEMO_BRANCH).split()
    assert "README.md" not in changed and len(changed) == 3
    assert git(archive_repo, "status", "--porcelain").strip() == "M  README.md"


def test_two_incidents_with_one_title_on_one_day_get_two_folders(data, archive_repo):
    first = stored(data)
    publish(data, first.id, archive_repo)
    git(archive_repo, "merge", "-q", "--ff-only", DEMO_BRANCH)
    second = demo_meeting()
    second.id = "0123abcd"
    stored(data, second)
    publish(data, second.id, archive_repo, branch="postmortem/second")
    records = [f for f in tree(archive_repo, "postmortem/second") if f.endswith("meeting.json")]
    assert sorted(records) == [f"{DEMO_FOLDER}-0123abcd/meeting.json", f"{DEMO_FOLDER}/meeting.json"]


def test_a_dry_run_changes_nothing(data, archive_repo):
    meeting = stored(data)
    lines = dry_run(data / f"{meeting.id}.json", archive_repo, now=STAMP, push=True)
    assert lines[0] == (f"Would publish meeting {meeting.id} 'Checkout errors after connection pool change' (SEV2) "
                        f"into {archive_repo}")
    assert any(line.strip().startswith(f"new       {DEMO_FOLDER}/meeting.json") for line in lines)
    assert git(archive_repo, "branch", "--list").split() == ["*", "main"]
    assert git(archive_repo, "ls-remote", "--heads", "origin").count("\n") == 1
    assert read_meeting(data / f"{meeting.id}.json").publication is None


# --- push and pull requests --------------------------------------------------------------------------------------


def test_push_puts_the_branch_on_the_remote(data, archive_repo):
    meeting = stored(data)
    publish(data, meeting.id, archive_repo, push=True)
    heads = git(archive_repo, "ls-remote", "--heads", "origin")
    assert f"refs/heads/{DEMO_BRANCH}" in heads
    assert git(archive_repo, "rev-parse", f"{DEMO_BRANCH}@{{upstream}}").strip() == git(
        archive_repo, "rev-parse", DEMO_BRANCH).strip()


def test_a_pull_request_on_github(data, archive_repo, fake_forge: FakeForge):
    fake_forge.answer("gh", ["pr", "list"], "[]")
    fake_forge.answer("gh", ["pr", "create"], "https://github.com/org/pm/pull/7\n")
    meeting = stored(data)
    lines = publish(data, meeting.id, archive_repo, pull_request=True)
    listed, created = fake_forge.calls("gh")
    assert listed == ["pr", "list", "--head", DEMO_BRANCH, "--state", "open", "--json", "url", "--limit", "1"]
    title = "Post-mortem: Checkout errors after connection pool change (SEV2)"
    assert created[:4] == ["pr", "create", "--title", title]
    assert created[4] == "--body" and created[6:] == ["--base", "main", "--head", DEMO_BRANCH]
    body = created[5]
    assert "### Summary" in body and "### Action items" in body
    summary = " ".join(meeting.sections["summary"].split()[:6])  # the document's Summary section, as written
    assert summary and summary in " ".join(body.split())
    assert "- **high** Validate production connection pool settings" in body
    assert f"refs/heads/{DEMO_BRANCH}" in git(archive_repo, "ls-remote", "--heads", "origin")  # --pr pushes
    assert "  pull request: https://github.com/org/pm/pull/7" in lines
    assert read_meeting(data / f"{meeting.id}.json").publication.pull_request == "https://github.com/org/pm/pull/7"


def test_an_open_pull_request_for_the_branch_is_reused(data, archive_repo, fake_forge: FakeForge):
    fake_forge.answer("gh", ["pr", "list"], [{"url": "https://github.com/org/pm/pull/3"}])
    meeting = stored(data)
    publish(data, meeting.id, archive_repo, pull_request=True)
    assert [call[:2] for call in fake_forge.calls("gh")] == [["pr", "list"]]
    assert read_meeting(data / f"{meeting.id}.json").publication.pull_request == "https://github.com/org/pm/pull/3"


@pytest.mark.parametrize("listed, created, says", [
    ("not json", "", "gh pr list answered with something that is not JSON"),
    ("[]", "javascript:alert(1)\n", "gh answered without a web address for the request"),
])
def test_a_forge_answer_that_is_not_a_pull_request_is_one_line(data, archive_repo, fake_forge, listed, created,
                                                                 says):
    fake_forge.answer("gh", ["pr", "list"], listed)
    fake_forge.answer("gh", ["pr", "create"], created)
    meeting = stored(data)
    with pytest.raises(ForgeError) as caught:
        publish(data, meeting.id, archive_repo, pull_request=True)
    assert says in str(caught.value) and "\n" not in str(caught.value)
    publication = read_meeting(data / f"{meeting.id}.json").publication
    assert publication.commit and publication.pull_request == ""  # committed and pushed: kept, no PR stored


def test_a_merge_request_on_gitlab(data, archive_repo, fake_forge: FakeForge):
    push_url = git(archive_repo, "remote", "get-url", "origin").strip()
    git(archive_repo, "remote", "set-url", "origin", "git@gitlab.example.com:sre/postmortems.git")
    git(archive_repo, "remote", "set-url", "--push", "origin", push_url)
    fake_forge.answer("glab", ["mr", "create"], "Creating merge request\n!4 Post-mortem\n"
                      " https://gitlab.example.com/sre/postmortems/-/merge_requests/4\n")
    meeting = stored(data)
    publish(data, meeting.id, archive_repo, pull_request=True)
    (call,) = fake_forge.calls("glab")
    assert call[:4] == ["mr", "create", "--title", "Post-mortem: Checkout errors after connection pool change (SEV2)"]
    assert call[4] == "--description"
    assert call[6:] == ["--source-branch", DEMO_BRANCH, "--target-branch", "main", "--yes"]
    publication = read_meeting(data / f"{meeting.id}.json").publication
    assert publication.pull_request == "https://gitlab.example.com/sre/postmortems/-/merge_requests/4"
    assert publication.remote == "https://gitlab.example.com/sre/postmortems"


def test_a_merge_request_is_opened_once_and_gets_the_later_commits(data, archive_repo, fake_forge: FakeForge):
    push_url = git(archive_repo, "remote", "get-url", "origin").strip()
    git(archive_repo, "remote", "set-url", "origin", "https://gitlab.com/sre/postmortems.git")
    git(archive_repo, "remote", "set-url", "--push", "origin", push_url)
    fake_forge.answer("glab", ["mr", "create"], "https://gitlab.com/sre/postmortems/-/merge_requests/9\n")
    meeting = stored(data)
    publish(data, meeting.id, archive_repo, pull_request=True)
    session = MeetingSession.open(data, meeting.id)
    session.update_incident(summary="Shorter.")
    session.close()
    lines = publish(data, meeting.id, archive_repo, pull_request=True)
    assert len(fake_forge.calls("glab")) == 1
    assert "  merge request: https://gitlab.com/sre/postmortems/-/merge_requests/9" in lines
    assert git(archive_repo, "rev-parse", DEMO_BRANCH) == git(archive_repo, "rev-parse", f"origin/{DEMO_BRANCH}")


def test_the_archive_layout_decides_the_folder(data, archive_repo):
    (archive_repo / ".pmtui-archive.toml").write_text('layout = "incidents/{severity}/{id}"\n')
    git(archive_repo, "add", ".pmtui-archive.toml")
    git(archive_repo, "commit", "-q", "-m", "our layout")
    meeting = stored(data)
    publish(data, meeting.id, archive_repo)
    assert f"incidents/sev2/{meeting.id}/meeting.json" in tree(archive_repo, DEMO_BRANCH)


def test_a_meeting_json_under_a_dot_folder_is_never_taken_for_the_meeting_s_folder(data, archive_repo):
    meeting = stored(data)
    publish(data, meeting.id, archive_repo)
    git(archive_repo, "switch", "-q", DEMO_BRANCH)
    git(archive_repo, "mv", "postmortems", ".github")
    git(archive_repo, "commit", "-q", "-m", "moved")
    git(archive_repo, "switch", "-q", "main")
    session = MeetingSession.open(data, meeting.id)
    session.update_incident(summary="Changed.")
    session.close()
    publish(data, meeting.id, archive_repo, branch=DEMO_BRANCH)
    assert f"{DEMO_FOLDER}/meeting.json" in tree(archive_repo, DEMO_BRANCH)


@pytest.mark.parametrize("url, web", [
    ("git@github.com:org/postmortems.git", "https://github.com/org/postmortems"),
    ("ssh://git@gitlab.example.com:2222/sre/pm.git", "https://gitlab.example.com/sre/pm"),
    ("https://analima:ghp_secret@github.com/org/pm.git", "https://github.com/org/pm"),
    ("/srv/git/postmortems.git", ""),
    ("file:///srv/git/pm.git", ""),
])
def test_the_archive_web_address_from_its_remote(url, web):
    assert web_address(url) == web


# --- attacks -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("title, slug", [
    ("../../etc/passwd", "etc-passwd"),
    ("a/b\\c", "a-b-c"),
    ("Login\nstorms\r\n", "login-storms"),
    ("Login\u202e storms\u200b", "login-storms"),
    ("Café outage", "cafe-outage"),
    ("!!! ??? ...", "0a1b2c3d"),
    ("ログイン障害", "0a1b2c3d"),
])
def test_a_slug_is_one_plain_folder_name(title, slug):
    assert archive_slug(title, "0a1b2c3d") == slug


def test_a_long_title_makes_a_slug_of_at_most_80_characters_cut_at_a_word():
    slug = archive_slug("database " * 33 + "x" * 10, "0a1b2c3d")
    assert len(slug) <= SLUG_MAX and slug.endswith("database") and "--" not in slug
    assert len(archive_slug("y" * 300, "0a1b2c3d")) == SLUG_MAX


def test_markup_in_the_title_stays_text_in_the_commit_and_the_pull_request(data, archive_repo, fake_forge):
    fake_forge.answer("gh", ["pr", "list"], "[]")
    fake_forge.answer("gh", ["pr", "create"], "https://github.com/org/pm/pull/8\n")
    meeting = demo_meeting()
    meeting.incident.title = "# <img src=x onerror=alert(1)> [x](javascript:y) @team"
    meeting.document_owner = "Ana <b>Lima</b>"
    stored(data, meeting)
    publish(data, meeting.id, archive_repo, pull_request=True)
    branch = "postmortem/img-src-x-onerror-alert-1-x-javascript-y-team"
    message = git(archive_repo, "log", "-1", "--format=%B", branch)
    subject = message.splitlines()[0]
    assert subject.startswith("Post-mortem: # <img src=x") and subject.endswith("… (SEV2)") and len(subject) <= 72
    assert "\nIncident: # <img src=x onerror=alert(1)> [x](javascript:y) @team\n" in message
    assert "\nAuthor: Ana <b>Lima</b> (document owner)\n" in message
    body = fake_forge.calls("gh")[1][5]
    assert "## \\# \\<img src=x onerror=alert(1)> \\[x\\](javascript:y) @team" in body
    assert "<img" not in body.replace("\\<img", "") and "Ana \\<b>Lima\\</b>" in body


def test_a_branch_option_that_git_could_read_as_an_option_is_refused(data, archive_repo):
    meeting = stored(data)
    for name in ("--upload-pack=x", "-x", "a..b", "@{-1}", "x y", "main.lock"):
        with pytest.raises(PublishError, match="is not a branch name"):
            publish(data, meeting.id, archive_repo, branch=name)
    assert git(archive_repo, "branch", "--list").split() == ["*", "main"]


def test_a_symlinked_postmortems_folder_is_refused(data, archive_repo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (archive_repo / "postmortems").symlink_to(outside)
    git(archive_repo, "add", "postmortems")
    git(archive_repo, "commit", "-q", "-m", "a link")
    meeting = stored(data)
    with pytest.raises(ArchivePathError, match="postmortems is a symbolic link"):
        publish(data, meeting.id, archive_repo)
    assert list(outside.iterdir()) == []
    assert read_meeting(data / f"{meeting.id}.json").publication is None


def test_a_symlink_only_on_the_target_branch_is_refused_and_everything_put_back(data, archive_repo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    git(archive_repo, "switch", "-q", "-c", DEMO_BRANCH)
    (archive_repo / "postmortems").symlink_to(outside)
    git(archive_repo, "add", "postmortems")
    git(archive_repo, "commit", "-q", "-m", "a link")
    git(archive_repo, "switch", "-q", "main")
    meeting = stored(data)
    planted = outside / DEMO_FOLDER.removeprefix("postmortems/") / "postmortem.md"
    planted.parent.mkdir(parents=True)
    planted.write_text("not the archive's\n")
    with pytest.raises(ArchivePathError, match="symbolic link"):
        publish(data, meeting.id, archive_repo)
    assert planted.read_text() == "not the archive's\n"
    assert git(archive_repo, "branch", "--show-current").strip() == "main"
    assert git(archive_repo, "status", "--porcelain") == ""


def test_a_commit_hook_that_refuses_leaves_the_tree_as_it_was(data, archive_repo):
    hook = archive_repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'error: no post-mortems on Fridays' >&2\nexit 1\n")
    hook.chmod(0o755)
    meeting = stored(data)
    with pytest.raises(GitError) as caught:
        publish(data, meeting.id, archive_repo)
    assert str(caught.value).endswith("while committing the post-mortem in "
                                      f"{archive_repo}: error: no post-mortems on Fridays")
    assert git(archive_repo, "branch", "--list").split() == ["*", "main"]
    assert git(archive_repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert read_meeting(data / f"{meeting.id}.json").publication is None


@pytest.mark.parametrize("setup, says", [
    ("not-a-repo", "is not a git working tree"),
    ("detached", "has a detached HEAD"),
    ("dirty", "has uncommitted changes in postmortems/2026/"),
    ("no-remote", "has no remote 'origin'"),
])
def test_refusals_are_one_line_and_change_nothing(data, archive_repo, tmp_path, setup, says):
    meeting = stored(data)
    repo = archive_repo
    if setup == "not-a-repo":
        repo = tmp_path / "plain"
        repo.mkdir()
    elif setup == "detached":
        git(archive_repo, "switch", "-q", "--detach", "HEAD")
    elif setup == "dirty":
        folder = archive_repo / DEMO_FOLDER
        folder.mkdir(parents=True)
        (folder / "postmortem.md").write_text("my own edit\n")
    else:
        git(archive_repo, "remote", "remove", "origin")
    with pytest.raises(PublishError) as caught:
        publish(data, meeting.id, repo, push=True)
    assert says in str(caught.value) and "\n" not in str(caught.value)
    assert read_meeting(data / f"{meeting.id}.json").publication is None
    if setup != "not-a-repo":
        assert DEMO_BRANCH not in git(archive_repo, "branch", "--list")


def test_git_missing_from_path_is_one_line(data, archive_repo, monkeypatch):
    meeting = stored(data)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(GitError, match="git is not installed or not on PATH"):
        publish(data, meeting.id, archive_repo)


def test_gh_missing_for_a_pull_request_is_refused_before_anything(data, archive_repo, tmp_path, monkeypatch):
    only_git = tmp_path / "only-git"
    only_git.mkdir()
    (only_git / "git").symlink_to(shutil.which("git"))
    monkeypatch.setenv("PATH", str(only_git))
    meeting = stored(data)
    with pytest.raises(ForgeError, match="gh is not installed or not on PATH, needed for --pr"):
        publish(data, meeting.id, archive_repo, pull_request=True)
    assert DEMO_BRANCH not in git(archive_repo, "branch", "--list")


def test_a_hook_that_rejects_the_push_says_why_and_the_commit_is_recorded(data, archive_repo, tmp_path):
    hook = tmp_path / "origin.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'post-mortems need a SEV label' >&2\nexit 1\n")
    hook.chmod(0o755)
    meeting = stored(data)
    with pytest.raises(PushError) as caught:
        publish(data, meeting.id, archive_repo, push=True)
    assert "rejected by the remote's hook (post-mortems need a SEV label)" in str(caught.value)
    publication = read_meeting(data / f"{meeting.id}.json").publication
    assert publication.commit == git(archive_repo, "rev-parse", DEMO_BRANCH).strip()


def test_a_push_behind_the_remote_says_non_fast_forward(data, archive_repo, tmp_path):
    meeting = stored(data)
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(tmp_path / "origin.git"), str(other))
    git(other, "switch", "-q", "-c", DEMO_BRANCH)
    git(other, "commit", "-q", "--allow-empty", "-m", "someone else's")
    git(other, "push", "-q", "origin", DEMO_BRANCH)
    with pytest.raises(PushError, match="non-fast-forward.*pull --rebase origin"):
        publish(data, meeting.id, archive_repo, push=True)


@pytest.mark.parametrize("stderr, says", [
    ("remote: Invalid username or password.\nfatal: Authentication failed for 'https://github.com/o/r.git/'\n",
     "not signed in to the remote (authentication failed)"),
    ("git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.\n",
     "not signed in to the remote (authentication failed)"),
    ("fatal: could not read Username for 'https://github.com': terminal prompts disabled\n",
     "not signed in to the remote (authentication failed)"),
    ("ssh: Could not resolve hostname gitlab.example.com: Name or service not known\n"
     "fatal: Could not read from remote repository.\n", "remote 'origin' cannot be reached or does not exist"),
])
def test_why_a_push_was_refused(stderr, says):
    line = push_refusal(stderr, "postmortem/x", Path("/srv/archive"))
    assert says in line and "publish again with --push" in line and "\n" not in line


def test_the_archived_record_is_the_published_meeting(data, archive_repo):
    meeting = stored(data, Meeting(Incident("DB outage", tz="Europe/Berlin")))
    publish(data, meeting.id, archive_repo)
    text = git(archive_repo, "show", f"postmortem/db-outage:postmortems/2026/{meeting.created.date()}-db-outage/"
               "meeting.json")
    data_ = json.loads(text)
    assert data_["meeting"]["status"] == "published" and data_["meeting"]["publication_date"] == "2026-11-20"
    assert data_["meeting"]["ended_at"] == "2026-11-20T10:00:00+00:00"
    assert os.linesep == "\n" and text.endswith("}\n")
