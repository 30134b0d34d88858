"""Decisions have one home, the timeline's decision points: the separate list older files hold
is folded into the review phase's notes when the file is read, and is never written again."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from pmtui.analysis.search import search
from pmtui.cli import main
from pmtui.library import load_library
from pmtui.model import OLD_DECISIONS_HEADING, Incident, Meeting, PhaseRecord, TimelineEvent, to_data, upgrade
from pmtui.session import MeetingSession
from pmtui.store import meeting_to_tables

DECISIONS = ["Keep the pool at 200", "Publish to all\nof engineering"]


def write_old_file(folder, *, decisions=DECISIONS, review_note="") -> Meeting:
    """A meeting file as pmtui wrote it while meetings kept a list of decisions."""
    meeting = Meeting(
        Incident("Pool exhausted", tz="UTC"),
        events=[TimelineEvent(datetime(2026, 3, 14, 14, 52, tzinfo=UTC), "Rolled back", decision_point=True)],
        phases=[PhaseRecord("timeline", "Timeline", 25), PhaseRecord("review", "Review and next steps", 15)],
        notes={"timeline": "ran long", **({"review": review_note} if review_note else {})},
    )
    tables = meeting_to_tables(to_data(meeting))
    tables["decisions"] = {str(n): {"value": text} for n, text in enumerate(decisions, 1)}
    (folder / f"{meeting.id}.json").write_text(json.dumps(tables))
    return meeting


@pytest.fixture
def config(tmp_path, monkeypatch):
    monkeypatch.setenv("PMTUI_CONFIG_DIR", str(tmp_path / "config"))


def test_old_decisions_open_as_a_paragraph_of_the_review_notes(tmp_path, config):
    meeting = write_old_file(tmp_path)
    session = MeetingSession.open(tmp_path, meeting.id)
    try:
        notes = session.meeting.notes
    finally:
        session.close()
    assert notes == {
        "timeline": "ran long",
        "review": f"{OLD_DECISIONS_HEADING}\n- Keep the pool at 200\n- Publish to all of engineering",
    }


def test_a_review_note_already_there_is_kept_before_them(tmp_path, config):
    meeting = write_old_file(tmp_path, review_note="Sam owns the report.\n")
    session = MeetingSession.open(tmp_path, meeting.id)
    try:
        review = session.meeting.notes["review"]
    finally:
        session.close()
    assert review.startswith(f"Sam owns the report.\n\n{OLD_DECISIONS_HEADING}\n- Keep the pool at 200\n")


def test_the_minutes_of_an_old_file_show_its_decisions(tmp_path, config):
    meeting = write_old_file(tmp_path)
    done = CliRunner().invoke(main, ["export", meeting.id, "--minutes", "--data-dir", str(tmp_path)])
    assert done.exit_code == 0, done.output
    notes = done.output[done.output.index("### Notes\n") : done.output.index("### Action items agreed")]
    assert "- Keep the pool at 200" in notes and "- Publish to all of engineering" in notes
    assert "- **Review and next steps:** Decisions recorded in this meeting" in notes
    assert "(during the incident) — Rolled back" in done.output


def test_saving_writes_no_decisions_table_and_loses_nothing(tmp_path, config):
    meeting = write_old_file(tmp_path)
    session = MeetingSession.open(tmp_path, meeting.id)
    try:
        session.set_note("timeline", "ran long, twice")
        assert session.flush(timeout=10)
    finally:
        session.close()
    tables = json.loads((tmp_path / f"{meeting.id}.json").read_text())
    assert "decisions" not in tables
    assert tables["meeting"]["1"]["notes"]["review"].count("- Keep the pool at 200") == 1
    session = MeetingSession.open(tmp_path, meeting.id)
    try:
        assert session.meeting.notes["review"].count("- Keep the pool at 200") == 1  # folded once, not again
    finally:
        session.close()


def test_the_library_and_search_see_old_decisions(tmp_path):
    meeting = write_old_file(tmp_path)
    library = load_library(tmp_path)
    assert "- Keep the pool at 200" in library.meetings[0].notes["review"]
    assert [hit.meeting.id for hit in search(library, "pool 200")] == [meeting.id]


def test_upgrade_leaves_data_without_decisions_as_it_was():
    data = to_data(Meeting(Incident("Quiet"), notes={"review": "nothing"}))
    assert upgrade({**data, "decisions": []}) == data
    assert upgrade(dict(data)) == data
