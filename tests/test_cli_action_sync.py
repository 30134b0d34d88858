"""``pmtui actions export --to github|gitlab`` and ``pmtui actions sync`` against the fake gh/glab on PATH."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from forge_support import FakeForge
from helpers import FIXED_EPOCH, create_meeting
from pmtui.cli import main
from pmtui.demo import demo_meeting
from pmtui.model import ActionItem, Attendee
from pmtui.session import MeetingSession
from pmtui.store import read_meeting, resolve_meeting

PMTUI = shutil.which("pmtui", path=os.path.dirname(sys.executable))
GH_ISSUE = "https://github.com/acme/payments/issues/"


@pytest.fixture
def folder(user_folders) -> Path:
    """The data dir every command here uses ($PMTUI_DATA_DIR)."""
    user_folders.data.mkdir(parents=True, exist_ok=True)
    return user_folders.data


def invoke(*args, code: int = 0):
    result = CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result


def write_meeting(folder: Path, *items: ActionItem) -> str:
    meeting = demo_meeting(now=FIXED_EPOCH)
    meeting.sections.clear()
    meeting.actions = list(items)
    meeting.attendees = [Attendee("Priya Nair", "responder", login="priya-n"), Attendee("Lee Chen", "responder")]
    return create_meeting(folder, meeting)


def actions_of(folder: Path, meeting_id: str) -> dict[str, ActionItem]:
    return {a.description: a for a in read_meeting(resolve_meeting(folder, meeting_id)).actions}


def three_items() -> list[ActionItem]:
    return [ActionItem("Alert on pool saturation", owner="Priya Nair", due=date(2026, 4, 1)),
            ActionItem("Load-test the pool", owner="Lee Chen"),
            ActionItem("Write the runbook", link="https://tracker.example.com/browse/CHK-9"),
            ActionItem("Roll back the pool change", status="done")]


def test_export_files_one_issue_per_open_unlinked_item_and_stores_its_url(fake_forge: FakeForge, folder):
    meeting_id = write_meeting(folder, *three_items())
    fake_forge.answer("gh", ["label", "list"], [{"name": "post-mortem"}])
    fake_forge.answer("gh", ["label", "create"])
    fake_forge.answer("gh", ["issue", "create", "--title=Alert on pool saturation"], GH_ISSUE + "1\n")
    fake_forge.answer("gh", ["issue", "create", "--title=Load-test the pool"], GH_ISSUE + "2\n")
    out = invoke("actions", "export", meeting_id, "--to", "github", "--repo", "acme/payments").stdout
    assert f"Created {GH_ISSUE}1 for “Alert on pool saturation”" in out and "assigned to priya-n" in out
    assert "Created 2 issues on GitHub (acme/payments)" in out and "skipped 1 already linked, 1 done" in out
    items = actions_of(folder, meeting_id)
    assert items["Alert on pool saturation"].link == GH_ISSUE + "1"
    assert items["Load-test the pool"].link == GH_ISSUE + "2"
    assert items["Write the runbook"].link.endswith("CHK-9") and not items["Roll back the pool change"].link
    calls = fake_forge.calls("gh")
    assert calls[0] == ["label", "list", "--json", "name", "--limit", "1000", "--repo=acme/payments"]
    assert calls[1][-1] == "sev2" and "--repo=acme/payments" in calls[1]
    assert [c[:3] for c in calls[2:]] == [["issue", "create", "--title=Alert on pool saturation"],
                                          ["issue", "create", "--title=Load-test the pool"]]
    assert "--assignee=priya-n" in calls[2] and not any(a.startswith("--assignee") for a in calls[3])

    again = invoke("actions", "export", meeting_id, "--to", "github").stdout
    assert "Created 0 issues on GitHub" in again and "skipped 3 already linked, 1 done" in again
    assert len(fake_forge.calls("gh")) == 4, "nothing is filed twice"


def test_gh_failing_midway_keeps_the_links_made_so_far_and_says_which_failed(fake_forge: FakeForge, folder):
    meeting_id = write_meeting(folder, *three_items())
    fake_forge.answer("gh", ["label", "list"], [{"name": "post-mortem"}, {"name": "SEV2"}])
    fake_forge.answer("gh", ["issue", "create", "--title=Alert on pool saturation"], GH_ISSUE + "1\n")
    fake_forge.answer("gh", ["issue", "create", "--title=Load-test the pool"], exit=1, stderr="HTTP 502: Bad Gateway\n")
    result = invoke("actions", "export", meeting_id, "--to", "github", code=1)
    assert result.stderr.count("\n") == 1
    assert "creating the issue for “Load-test the pool”" in result.stderr and "HTTP 502" in result.stderr
    assert "linked so far: 1 issue; run this again to go on" in result.stderr
    items = actions_of(folder, meeting_id)
    assert items["Alert on pool saturation"].link == GH_ISSUE + "1" and not items["Load-test the pool"].link


def test_an_answer_that_is_not_an_issue_url_stores_nothing(fake_forge: FakeForge, folder):
    meeting_id = write_meeting(folder, ActionItem("Alert on pool saturation"))
    fake_forge.answer("glab", ["issue", "create"], "javascript:alert(1)\n")
    result = invoke("actions", "export", meeting_id, "--to", "gitlab", code=1)
    assert "instead of the new issue's http(s) URL" in result.stderr and "nothing was linked" in result.stderr
    assert f"pmtui actions link {actions_of(folder, meeting_id)['Alert on pool saturation'].id}" in result.stderr
    assert not actions_of(folder, meeting_id)["Alert on pool saturation"].link


def test_a_meeting_open_in_pmtui_is_refused_before_any_issue_is_filed(fake_forge: FakeForge, folder):
    meeting_id = write_meeting(folder, ActionItem("Alert on pool saturation"))
    session = MeetingSession.open(folder, meeting_id)
    try:
        result = invoke("actions", "export", meeting_id, "--to", "github", code=2)
    finally:
        session.close()
    assert "pid" in result.stderr and fake_forge.calls() == []


def test_a_bad_repo_or_owner_login_is_one_line_and_files_nothing(fake_forge: FakeForge, folder):
    meeting_id = write_meeting(folder, ActionItem("Alert on pool saturation", owner="Priya Nair"))
    assert "is not OWNER/NAME" in invoke("actions", "export", meeting_id, "--to", "github", "--repo", "--web",
                                         code=2).stderr
    meeting = read_meeting(resolve_meeting(folder, meeting_id))
    meeting.attendees[0].login = "priya n"  # a hand-edited file: the session would have refused it
    other = create_meeting(folder, meeting.__class__(**{**meeting.__dict__, "id": "0therid1"}))
    result = invoke("actions", "export", other, "--to", "github", code=2)
    assert "Priya Nair's login" in result.stderr and fake_forge.calls() == []


def test_the_archives_labels_are_used(fake_forge: FakeForge, folder, tmp_path):
    (tmp_path / ".pmtui-archive.toml").write_text('[issues]\nlabels = ["follow-up", "team-payments"]\n')
    meeting_id = write_meeting(folder, ActionItem("Alert on pool saturation"))
    fake_forge.answer("glab", ["issue", "create"], "https://gitlab.com/sre/pm/-/issues/5\n")
    invoke("actions", "export", meeting_id, "--to", "gitlab", "--archive", tmp_path)
    [call] = fake_forge.calls("glab")
    assert [a for a in call if a.startswith("--label=")] == ["--label=follow-up", "--label=team-payments",
                                                             "--label=sev2"]


def linked_items() -> list[ActionItem]:
    return [ActionItem("Alert on pool saturation", link=GH_ISSUE + "1", created=datetime(2026, 3, 14, tzinfo=UTC)),
            ActionItem("Load-test the pool", link="https://gitlab.com/sre/pm/-/issues/5", status="done",
                       status_changed=datetime(2026, 3, 1, tzinfo=UTC)),
            ActionItem("Write the runbook", link=GH_ISSUE + "3"),
            ActionItem("Ask the vendor", link="https://tracker.example.com/browse/CHK-9")]


def test_sync_marks_closed_issues_done_on_their_day_and_reopened_ones_open(fake_forge: FakeForge, folder):
    meeting_id = write_meeting(folder, *linked_items())
    fake_forge.answer("gh", ["issue", "view", GH_ISSUE + "1"],
                      {"state": "CLOSED", "closedAt": "2026-03-20T10:15:00Z", "assignees": [{"login": "priya-n"}]})
    fake_forge.answer("gh", ["issue", "view", GH_ISSUE + "3"], {"state": "OPEN", "closedAt": None, "assignees": []})
    fake_forge.answer("glab", ["issue", "view"], {"state": "opened", "closed_at": None, "assignees": []})
    out = invoke("actions", "sync", meeting_id).stdout
    assert "Done: “Alert on pool saturation”" in out and f"issue closed on 2026-03-20, {GH_ISSUE}1" in out
    assert "Open again: “Load-test the pool”" in out and "Write the runbook" not in out
    assert "Read 3 linked issues: 2 changed." in out
    items = actions_of(folder, meeting_id)
    assert items["Alert on pool saturation"].status == "done"
    assert items["Alert on pool saturation"].status_changed == datetime(2026, 3, 20, 10, 15, tzinfo=UTC)
    assert items["Load-test the pool"].status == "open" and items["Write the runbook"].status == "open"
    assert fake_forge.calls("gh")[0] == ["issue", "view", GH_ISSUE + "1", "--json", "state,closedAt,assignees"]
    assert fake_forge.calls("glab") == [["issue", "view", "https://gitlab.com/sre/pm/-/issues/5", "--output", "json"]]
    assert "Read 3 linked issues: 0 changed." in invoke("actions", "sync", meeting_id).stdout


def test_sync_makes_the_issues_assignee_the_owner_when_they_are_an_attendee(fake_forge: FakeForge, folder):
    meeting_id = write_meeting(folder, ActionItem("Load-test the pool", owner="Lee Chen", link=GH_ISSUE + "2"))
    fake_forge.answer("gh", ["issue", "view"], {"state": "OPEN", "closedAt": None, "assignees": [{"login": "priya-n"}]})
    out = invoke("actions", "sync", "--all").stdout
    assert "Owner: “Load-test the pool”" in out and "Lee Chen → Priya Nair, the issue's assignee on GitHub" in out
    assert "Read 1 linked issue: 1 changed." in out
    item = actions_of(folder, meeting_id)["Load-test the pool"]
    assert item.owner == "Priya Nair" and item.status == "open"


def test_an_issue_closed_before_its_item_existed_is_done_when_the_item_was_made(fake_forge: FakeForge, folder):
    made = datetime(2026, 3, 14, 12, tzinfo=UTC)
    meeting_id = write_meeting(folder, ActionItem("Alert on pool saturation", link=GH_ISSUE + "1", created=made))
    fake_forge.answer("gh", ["issue", "view"], {"state": "CLOSED", "closedAt": "2026-03-01T00:00:00Z", "assignees": []})
    invoke("actions", "sync", meeting_id)
    assert actions_of(folder, meeting_id)["Alert on pool saturation"].status_changed == made


def test_sync_all_skips_a_meeting_open_in_pmtui_and_an_unreadable_answer_and_goes_on(fake_forge: FakeForge,
                                                                                     folder):
    first = write_meeting(folder, ActionItem("Alert on pool saturation", link=GH_ISSUE + "1"))
    second = demo_meeting(now=FIXED_EPOCH)
    second.actions = [ActionItem("Load-test the pool", link=GH_ISSUE + "2"),
                      ActionItem("Write the runbook", link=GH_ISSUE + "3")]
    second_id = create_meeting(folder, second)
    closed = {"state": "CLOSED", "closedAt": "2026-03-20T10:15:00Z", "assignees": []}
    fake_forge.answer("gh", ["issue", "view", GH_ISSUE + "1"], closed)
    fake_forge.answer("gh", ["issue", "view", GH_ISSUE + "2"], closed)
    fake_forge.answer("gh", ["issue", "view", GH_ISSUE + "3"], "<html>rate limited</html>")
    session = MeetingSession.open(folder, first)
    try:
        result = invoke("actions", "sync", "--all", code=1)
    finally:
        session.close()
    assert f"skipped meeting {first}" in result.stderr and "not JSON" in result.stderr
    assert "Done: “Load-test the pool”" in result.stdout
    assert "Read 3 linked issues: 1 changed, 1 unreadable, 1 meeting skipped (open in pmtui)." in result.stdout
    assert actions_of(folder, second_id)["Load-test the pool"].status == "done"
    assert actions_of(folder, first)["Alert on pool saturation"].status == "open"


def test_sync_needs_a_meeting_or_all(folder):
    assert "give a MEETING" in invoke("actions", "sync", code=2).stderr


def test_export_then_sync_as_a_user_runs_them(fake_forge: FakeForge, folder):
    """The installed command, the fake gh on PATH: export, the issue is closed, sync flips the item to done."""
    meeting_id = write_meeting(folder, ActionItem("Alert on pool saturation", owner="Priya Nair"))
    fake_forge.answer("gh", ["label", "list"], [{"name": "post-mortem"}, {"name": "sev2"}])
    fake_forge.answer("gh", ["issue", "create"], GH_ISSUE + "7\n")
    fake_forge.answer("gh", ["issue", "view"], json.dumps({"state": "CLOSED", "closedAt": "2026-03-21T08:00:00Z",
                                                           "assignees": [{"login": "priya-n"}]}))
    run = [PMTUI, "actions", "--data-dir", str(folder)]
    exported = subprocess.run([*run, "export", meeting_id, "--to", "github"], capture_output=True, text=True,
                              timeout=60)
    assert exported.returncode == 0, exported.stderr
    synced = subprocess.run([*run, "sync", meeting_id], capture_output=True, text=True, timeout=60)
    assert synced.returncode == 0, synced.stderr
    assert "Done: “Alert on pool saturation”" in synced.stdout
    item = actions_of(folder, meeting_id)["Alert on pool saturation"]
    assert item.link == GH_ISSUE + "7" and item.status == "done"
