"""meeting.json, the archive's form of a meeting: a readable diff, nothing only the facilitator's machine knows."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from forge_support import FakeForge
from pmtui.archive.forge import ForgeError, forge_of_remote, run_tool
from pmtui.archive.record import RecordError, read_record, record_text
from pmtui.demo import demo_meeting
from pmtui.store import StoreError

UPDATED = datetime(2026, 3, 15, 9, 30, tzinfo=UTC)


def signed_demo():
    meeting = demo_meeting()
    meeting.agenda = "/home/ana/agendas/our-review.toml"
    meeting.removed_note_takers = ["k3y-derived-id"]
    meeting.events[0].author_id = "author-id-1"
    meeting.chains[0].whys[0].author_id = "author-id-2"
    meeting.current_speaker = "Ana"
    return meeting


def test_the_text_is_sorted_indented_and_ends_in_one_newline():
    text = record_text(signed_demo(), UPDATED)
    assert text.endswith("}\n") and not text.endswith("\n\n")
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert record_text(signed_demo(), UPDATED).count("\n") == text.count("\n")


def test_room_identities_local_paths_and_passing_state_stay_out():
    text = record_text(signed_demo(), UPDATED)
    for secret in ("author-id-1", "author-id-2", "k3y-derived-id", "/home/ana", "author_id", "removed_note_takers",
                   "running_since", "current_speaker"):
        assert secret not in text
    assert json.loads(text)["meeting"]["agenda"] == "our-review"


def test_a_record_reads_back_as_the_same_meeting():
    meeting = signed_demo()
    read, updated = read_record(record_text(meeting, UPDATED), "meeting.json")
    assert updated == UPDATED
    assert read.id == meeting.id and read.incident == meeting.incident
    for event in meeting.events:
        event.author_id = ""
    assert read.events == meeting.events
    assert read.actions == meeting.actions


@pytest.mark.parametrize("text, says", [
    ("{", "not valid JSON"),
    ('{"app": "other", "meeting": {}}', "not a pmtui meeting record"),
    ('{"app": "pmtui", "schema": 99, "updated": "2026-01-01T00:00:00+00:00", "meeting": {}}', "newer pmtui"),
    ('{"app": "pmtui", "schema": 1, "updated": "2026-01-01T00:00:00+00:00", "meeting": {"x": 1}}', "wrong shape"),
    ('{"app": "pmtui", "schema": 1, "updated": "yesterday", "meeting": {}}', "wrong shape"),
])
def test_a_bad_record_is_one_line_naming_the_file(text, says):
    with pytest.raises(StoreError) as caught:
        read_record(text, "postmortems/2026/x/meeting.json")
    message = str(caught.value)
    assert says in message and "postmortems/2026/x/meeting.json" in message and "\n" not in message


@pytest.mark.parametrize("agenda", ["/etc/pmtui/agendas/our-review.toml", "C:\\agendas\\our-review.toml",
                                    "../../our-review.toml"])
def test_an_agenda_given_as_a_path_reads_as_its_name_whoever_reads_the_record(agenda):
    data = json.loads(record_text(demo_meeting(), UPDATED))
    data["meeting"]["agenda"] = agenda  # written by hand, or by a pmtui from before records kept the name only
    meeting, _ = read_record(json.dumps(data), "meeting.json")
    assert meeting.agenda == "our-review"


def test_a_bad_records_reason_is_apart_from_the_name_of_its_file():
    with pytest.raises(RecordError) as caught:
        read_record("{", "postmortems/2026/x/meeting.json")
    assert caught.value.path == "postmortems/2026/x/meeting.json"
    assert caught.value.reason.startswith("is not valid JSON") and "postmortems" not in caught.value.reason


def test_control_characters_in_a_record_are_removed_when_read():
    data = json.loads(record_text(signed_demo(), UPDATED))
    data["meeting"]["incident"]["title"] = "Login\x1b[31m storms\u202e"
    meeting, _ = read_record(json.dumps(data), "meeting.json")
    assert meeting.incident.title == "Login storms"


def test_forge_of_a_remote():
    assert forge_of_remote("git@gitlab.example.com:sre/postmortems.git") == "gitlab"
    assert forge_of_remote("https://gitlab.com/sre/postmortems") == "gitlab"
    assert forge_of_remote("git@github.com:org/postmortems.git") == "github"
    assert forge_of_remote("/srv/git/postmortems.git") == "github"


def test_the_fake_forge_records_calls_and_a_missing_answer_is_one_line(fake_forge: FakeForge):
    fake_forge.answer("gh", ["pr", "create"], "https://github.com/org/pm/pull/7\n")
    assert run_tool("gh", ["pr", "create", "--title", "x"]) == "https://github.com/org/pm/pull/7\n"
    with pytest.raises(ForgeError) as caught:
        run_tool("glab", ["mr", "view"], doing="reading the merge request")
    assert "glab failed while reading the merge request: fake glab: no answer" in str(caught.value)
    assert fake_forge.calls() == [["pr", "create", "--title", "x"], ["mr", "view"]]


def test_a_missing_tool_says_where_to_get_it(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ForgeError, match=r"gh is not installed or not on PATH.*cli\.github\.com"):
        run_tool("gh", ["issue", "create"])
