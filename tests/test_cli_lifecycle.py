"""``pmtui end``, ``reopen``, ``list --status``, ``actions link`` and ``lint`` on a meeting's document."""

from __future__ import annotations

import json
import subprocess
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from pmtui.agenda import STANDARD_SECTIONS
from pmtui.cli import main
from pmtui.model import Incident, Meeting, to_data
from pmtui.store import MeetingFile, read_meeting
from test_cli import PMTUI

FILLED = {"summary": "Checkout failed.", "narrative": "It began…", "response": "We rolled back.", "lessons": "Test."}


def invoke(*args, data_dir: Path, code: int = 0):
    result = CliRunner().invoke(main, [*map(str, args), "--data-dir", str(data_dir)], catch_exceptions=False)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result


def refused(*args, data_dir: Path) -> str:
    """The one stderr line of a refusal (exit code 2), nothing on stdout."""
    result = invoke(*args, data_dir=data_dir, code=2)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pmtui: "), result.stderr
    assert result.stdout == ""
    return lines[0]


def write(folder: Path, title: str, *, status: str = "active", sections: dict[str, str] | None = None,
          actions: int = 0) -> Meeting:
    meeting = Meeting(Incident(title, tz="Europe/Berlin"), status=status, sections=dict(sections or {}))
    MeetingFile.create(folder, to_data(meeting)).close()
    if actions:
        from pmtui.session import MeetingSession

        session = MeetingSession.open(folder, meeting.id)
        for k in range(actions):
            session.add_action(f"Action {k}")
        session.close()
    return read_meeting(folder / f"{meeting.id}.json")


def stored(folder: Path, meeting: Meeting) -> Meeting:
    return read_meeting(folder / f"{meeting.id}.json")


# --- end and reopen ---------------------------------------------------------------------------------------------


def test_publishing_a_written_document_says_only_that(data):
    written = {s.id: f"{s.title} text." for s in STANDARD_SECTIONS}
    meeting = write(data, "DB outage", status="ended", sections=written)
    out = invoke("end", meeting.id, "--published", "--on", "2026-03-20", data_dir=data).stdout
    assert out == f"Published meeting {meeting.id} 'DB outage' on 2026-03-20.\n"


def test_end_then_publish_then_reopen(data):
    meeting = write(data, "DB outage")
    out = invoke("end", meeting.id, data_dir=data).stdout
    ended = stored(data, meeting)
    assert ended.status == "ended" and ended.ended_at is not None
    berlin = ended.ended_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert out.splitlines() == [f"Ended meeting {meeting.id} 'DB outage' at {berlin:%Y-%m-%d %H:%M} Europe/Berlin; "
                                f"write its document with pmtui edit {meeting.id}."]
    out = invoke("end", "db-outage", "--published", "--on", "2026-03-20", data_dir=data).stdout
    assert out == (f"Published meeting {meeting.id} 'DB outage' on 2026-03-20. Its document still has 4 required "
                   f"sections to write (Summary, What happened, Response and recovery, Lessons learned): "
                   f"pmtui edit {meeting.id} --section summary\n")
    published = stored(data, meeting)
    assert (published.status, published.publication_date, published.ended_at) == (
        "published", date(2026, 3, 20), ended.ended_at)
    out = invoke("reopen", meeting.id, data_dir=data).stdout
    assert out == (f"Reopened meeting {meeting.id} 'DB outage': it is active again "
                   f"(pmtui run {meeting.id} resumes it).\n")
    assert (stored(data, meeting).status, stored(data, meeting).ended_at) == ("active", None)


def test_end_published_of_a_running_meeting_ends_it_today(data):
    meeting = write(data, "DB outage")
    invoke("end", meeting.id, "--published", data_dir=data)
    published = stored(data, meeting)
    assert published.status == "published" and published.ended_at is not None
    assert published.publication_date is not None and abs((published.publication_date - date.today()).days) <= 1


def test_a_second_end_or_reopen_changes_nothing_and_says_so(data):
    meeting = write(data, "DB outage")
    assert invoke("reopen", meeting.id, data_dir=data).stdout == (
        f"Nothing changed: meeting {meeting.id} 'DB outage' is already active.\n")
    invoke("end", meeting.id, data_dir=data)
    ended_at = stored(data, meeting).ended_at
    assert invoke("end", meeting.id, data_dir=data).stdout == (
        f"Nothing changed: meeting {meeting.id} 'DB outage' is already ended "
        f"(pmtui reopen {meeting.id} makes it active again).\n")
    assert stored(data, meeting).ended_at == ended_at


@pytest.mark.parametrize(("args", "fragment"), [
    (("end", "nope"), "no meeting 'nope'"),
    (("reopen", "nope"), "no meeting 'nope'"),
    (("end", "{id}", "--published", "--on", "soon"), "--on: cannot read date 'soon'"),
    (("end", "{id}", "--published", "--on", "2026-02-30"), "--on: cannot read date '2026-02-30'"),
    (("end", "{id}", "--on", "2026-03-20"), "--on is the publication date: add --published"),
])
def test_refusals_are_one_line_and_change_nothing(data, args, fragment):
    meeting = write(data, "DB outage")
    line = refused(*(a.format(id=meeting.id) for a in args), data_dir=data)
    assert fragment in line
    assert stored(data, meeting).status == "active"


def test_end_published_on_a_day_before_the_incident_is_refused(data):
    meeting = Meeting(Incident("DB outage", tz="Europe/Berlin",
                               impact_start=datetime(2026, 3, 19, 23, 30, tzinfo=ZoneInfo("Europe/Berlin"))))
    MeetingFile.create(data, to_data(meeting)).close()
    line = refused("end", meeting.id, "--published", "--on", "2026-03-18", data_dir=data)
    assert line == ("pmtui: --on: the publication date 2026-03-18 is before the incident started (2026-03-19): "
                    "give 2026-03-19 or a later date")
    assert (stored(data, meeting).status, stored(data, meeting).publication_date) == ("active", None)
    invoke("end", meeting.id, "--published", "--on", "2026-03-19", data_dir=data)
    assert stored(data, meeting).publication_date == date(2026, 3, 19)


@pytest.mark.parametrize("args", [("end",), ("end", "--published"), ("reopen",)])
def test_a_meeting_open_in_the_app_is_refused(data, args):
    meeting = write(data, "DB outage", status="ended" if args == ("reopen",) else "active")
    with MeetingFile.open(data / f"{meeting.id}.json", write=True):
        line = refused(args[0], meeting.id, *args[1:], data_dir=data)
    assert line.startswith(f"pmtui: meeting {meeting.id} is open in another pmtui (pid ")
    assert "close it there first" in line
    assert stored(data, meeting).status == ("ended" if args == ("reopen",) else "active")


def test_end_through_the_installed_command(data, user_folders):
    meeting = write(data, "DB outage")
    done = subprocess.run([PMTUI, "end", meeting.id, "--published", "--data-dir", str(data)],
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(f"Published meeting {meeting.id} 'DB outage' on ")
    assert len(done.stdout.splitlines()) == 1


# --- list --status and the draft marker ---------------------------------------------------------------------------


def test_list_shows_the_status_filters_by_it_and_marks_drafts(data):
    running = write(data, "Running")
    draft = write(data, "Draft", status="ended", sections={"narrative": "It began…"})
    written = write(data, "Written", status="ended", sections=FILLED)
    published = write(data, "Published", status="published")
    lines = invoke("list", data_dir=data).stdout.splitlines()
    by_id = {line.split()[0]: line for line in lines}
    assert by_id[running.id].split()[3:] == ["active", "Running"]
    assert by_id[draft.id].endswith("ended     Draft  (draft: 3 sections to write)")
    assert by_id[written.id].endswith("ended     Written")
    assert by_id[published.id].endswith("published Published")
    ended = invoke("list", "--status", "ended", data_dir=data).stdout.splitlines()
    assert sorted(line.split()[0] for line in ended) == sorted([draft.id, written.id])
    rows = json.loads(invoke("list", "--status", "ended", "--json", data_dir=data).stdout)
    assert {row["id"]: (row["status"], row["sections_to_write"]) for row in rows} == {
        draft.id: ("ended", 3), written.id: ("ended", 0)}
    assert invoke("list", "--status", "active", data_dir=data).stdout.split()[0] == running.id


def test_list_status_with_none_and_a_wrong_status(data):
    write(data, "Running")
    assert invoke("list", "--status", "published", data_dir=data).stdout == "No published meetings.\n"
    result = invoke("list", "--status", "paused", data_dir=data, code=2)
    assert "'paused' is not one of 'active', 'ended', 'published'" in result.stderr


def test_ending_a_meeting_makes_it_a_draft_until_its_sections_are_written(data):
    meeting = write(data, "DB outage")
    invoke("end", meeting.id, data_dir=data)
    assert invoke("list", data_dir=data).stdout.rstrip().endswith("DB outage  (draft: 4 sections to write)")
    invoke("end", meeting.id, "--published", data_dir=data)
    assert invoke("list", data_dir=data).stdout.rstrip().endswith("published DB outage")


# --- actions link ---------------------------------------------------------------------------------------------------


def test_actions_link_sets_and_clears_the_link(data):
    meeting = write(data, "DB outage", actions=1)
    item = meeting.actions[0]
    out = invoke("actions", "link", item.id, "https://tracker.example.com/issues/42", data_dir=data).stdout
    assert out == (f"Linked “Action 0” ({item.id}, meeting {meeting.id} 'DB outage') to "
                   "https://tracker.example.com/issues/42.\n")
    assert stored(data, meeting).actions[0].link == "https://tracker.example.com/issues/42"
    listed = json.loads(invoke("actions", "--json", data_dir=data).stdout)["actions"]
    assert listed[0]["link"] == "https://tracker.example.com/issues/42"
    out = invoke("actions", "link", item.id[:6], "--clear", data_dir=data).stdout
    assert out == f"Unlinked “Action 0” ({item.id}, meeting {meeting.id} 'DB outage').\n"
    assert stored(data, meeting).actions[0].link == ""


BAD_URLS = {
    "control characters": "https://tracker.example.com/\x1b]52;c;aGk=\x07",
    "javascript": "javascript:alert(1)",
    "spaces": "https://tracker.example.com/my issue 42",
    "angle brackets and a quote": 'https://tracker.example.com/issues/42"><b>',
    "braces and a bar": "https://tracker.example.com/{a|b}",
    "5,000 characters": "https://tracker.example.com/" + "a" * 5000,
}


@pytest.mark.parametrize("url", BAD_URLS.values(), ids=BAD_URLS.keys())
def test_actions_link_refuses_a_bad_url_in_one_line(data, url):
    meeting = write(data, "DB outage", actions=1)
    invoke("actions", "link", meeting.actions[0].id, "https://tracker.example.com/issues/1", data_dir=data)
    line = refused("actions", "link", meeting.actions[0].id, url, data_dir=data)
    assert line.startswith("pmtui: the link") and "\x1b" not in line and len(line) < 300
    assert stored(data, meeting).actions[0].link == "https://tracker.example.com/issues/1"


@pytest.mark.parametrize("args", [(), ("https://tracker.example.com/1", "--clear")])
def test_actions_link_needs_a_url_or_clear(data, args):
    meeting = write(data, "DB outage", actions=1)
    assert "or --clear to remove the link" in refused("actions", "link", meeting.actions[0].id, *args, data_dir=data)


def test_actions_link_of_an_unknown_item_or_a_locked_meeting(data):
    meeting = write(data, "DB outage", actions=1)
    assert "no action item 'zz'" in refused("actions", "link", "zz", "https://t.example.com/1", data_dir=data)
    with MeetingFile.open(data / f"{meeting.id}.json", write=True):
        line = refused("actions", "link", meeting.actions[0].id, "https://t.example.com/1", data_dir=data)
    assert "is open in another pmtui" in line
    assert stored(data, meeting).actions[0].link == ""


# --- lint ---------------------------------------------------------------------------------------------------------


def test_lint_lists_the_empty_required_sections_of_an_ended_meeting(data):
    meeting = write(data, "DB outage", sections={"summary": "Checkout failed.", "narrative": "It began…"})
    invoke("lint", meeting.id, data_dir=data, code=0)
    invoke("end", meeting.id, data_dir=data)
    lines = invoke("lint", meeting.id, data_dir=data, code=1).stdout.splitlines()
    assert lines == [
        f"{meeting.id}[section response]:1:1: section-to-write: the required section “Response and recovery” of this "
        f"ended meeting's document is empty; write it with: pmtui edit {meeting.id} --section response",
        f"{meeting.id}[section lessons]:1:1: section-to-write: the required section “Lessons learned” of this "
        f"ended meeting's document is empty; write it with: pmtui edit {meeting.id} --section lessons",
    ]
    found = json.loads(invoke("lint", meeting.id, "--json", data_dir=data, code=1).stdout)
    assert [(f["rule"], f["where"], f["suggestion"]) for f in found] == [
        ("section-to-write", "section response", f"pmtui edit {meeting.id} --section response"),
        ("section-to-write", "section lessons", f"pmtui edit {meeting.id} --section lessons"),
    ]
