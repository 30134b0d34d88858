"""A meeting keeps the agenda it was created with: moving, editing or replacing the agenda file changes no meeting.

Every reader (the session behind ``run`` and ``edit``, ``list``, ``export``, an archive's record and its check)
takes the meeting's agenda from the copy in its file; a file from before the copy names its agenda as before.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive_records import write_post_mortem
from pmtui.agenda import AgendaError, builtin_agenda_dir, meeting_agenda
from pmtui.analysis.blameless import shipped_lexicon
from pmtui.archive.checks import check_archive
from pmtui.archive.config import ArchiveConfig
from pmtui.archive.listing import list_with_archives
from pmtui.archive.record import read_record, record_text
from pmtui.cli import main
from pmtui.demo import create_demo, demo_meeting
from pmtui.model import Incident, Meeting, to_data
from pmtui.session import MeetingSession
from pmtui.store import MeetingFile, list_meetings, read_meeting

CUSTOM = """\
name = "custom"
description = "Our short review"

[[phases]]
id = "timeline"
title = "Timeline"
minutes = 20
kind = "timeline"

[[phases]]
id = "review"
title = "Review"
minutes = 10
kind = "review"

[[document.sections]]
id = "summary"
title = "Summary"
required = true

[[document.sections]]
id = "vendor"
title = "Vendor escalation"
prompt = "What the vendor said, and when."
required = true

[[document.sections]]
id = "lessons"
title = "Lessons learned"
"""

EDITED = """\
name = "custom"
description = "Rewritten after the meeting"

[[phases]]
id = "notes"
title = "Notes"
minutes = 45
kind = "notes"
"""

ONE_PHASE = EDITED.replace('"custom"', '"standard-90"')


def invoke(*args, data: Path, code: int = 0):
    result = CliRunner().invoke(main, [*map(str, args), "--data-dir", str(data)], catch_exceptions=False)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result


@pytest.fixture
def agenda_file(tmp_path) -> Path:
    path = tmp_path / "agendas" / "custom.toml"
    path.parent.mkdir()
    path.write_text(CUSTOM, encoding="utf-8")
    return path


def new_meeting(data: Path, agenda: str | Path) -> str:
    """``pmtui new`` with ``agenda``; the new meeting's id."""
    return invoke("new", "Vendor outage", "--agenda", agenda, data=data).stdout.split()[-1]


def moved(path: Path) -> None:
    path.rename(path.with_name("elsewhere.toml"))


def headings(markdown: str) -> list[str]:
    return [line[3:] for line in markdown.splitlines() if line.startswith("## ")]


# --- an agenda file moved away after the meeting was created ----------------------------------------------------


def test_the_meeting_opens_with_its_own_agenda_after_the_file_is_moved(data, agenda_file):
    meeting_id = new_meeting(data, agenda_file)
    moved(agenda_file)
    session = MeetingSession.open(data, meeting_id)
    try:
        assert session.agenda.name == "custom"
        assert [p.id for p in session.agenda.phases] == ["timeline", "review"]
        assert [s.id for s in session.sections] == ["summary", "vendor", "lessons"]
    finally:
        session.close()
    assert "Ended meeting" in invoke("end", meeting_id, data=data).stdout  # every command that opens it


def test_edit_writes_a_section_of_the_moved_agenda(data, agenda_file, tmp_path, monkeypatch):
    meeting_id = new_meeting(data, agenda_file)
    moved(agenda_file)
    script = tmp_path / "editor.py"
    script.write_text("import sys\nopen(sys.argv[-1], 'a').write('The vendor restarted the switch.')\n")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    out = invoke("edit", meeting_id, "--section", "vendor", "--external", data=data).stdout
    assert "Saved Vendor escalation of 'Vendor outage'." in out
    assert read_meeting(data / f"{meeting_id}.json").sections["vendor"] == "The vendor restarted the switch."


def test_list_counts_the_sections_of_the_moved_agenda(data, agenda_file):
    meeting_id = new_meeting(data, agenda_file)
    invoke("end", meeting_id, data=data)
    moved(agenda_file)
    assert invoke("list", data=data).stdout.rstrip().endswith("Vendor outage  (draft: 2 sections to write)")
    rows = json.loads(invoke("list", "--json", data=data).stdout)
    assert [row["sections_to_write"] for row in rows] == [2]  # the standard set would ask for 4


def test_export_keeps_the_moved_agendas_sections_in_their_places(data, agenda_file):
    meeting_id = new_meeting(data, agenda_file)
    session = MeetingSession.open(data, meeting_id)
    session.set_section("vendor", "The vendor restarted the switch.")
    session.close()
    moved(agenda_file)
    document = invoke("export", meeting_id, data=data).stdout
    shown = headings(document)
    assert shown[shown.index("Summary"):shown.index("Summary") + 3] == ["Summary", "Vendor escalation",
                                                                        "Lessons learned"]
    assert "Background" not in shown and "Vendor" not in shown
    assert "The vendor restarted the switch." in document


# --- an agenda changed after the meeting was created ------------------------------------------------------------


def test_an_edited_agenda_file_changes_no_meeting(data, agenda_file):
    meeting_id = new_meeting(data, agenda_file)
    agenda_file.write_text(EDITED, encoding="utf-8")
    session = MeetingSession.open(data, meeting_id)
    try:
        assert [p.id for p in session.agenda.phases] == ["timeline", "review"]
        assert [p.phase_id for p in session.meeting.phases] == ["timeline", "review"]
        assert session.agenda.description == "Our short review"
    finally:
        session.close()
    assert "Vendor escalation" in headings(invoke("export", meeting_id, data=data).stdout)


def test_a_shipped_agenda_replaced_later_changes_no_meeting(data, user_folders):
    meeting_id = new_meeting(data, "standard-90")
    shipped = (builtin_agenda_dir() / "standard-90.toml").read_text(encoding="utf-8")
    assert read_meeting(data / f"{meeting_id}.json").agenda_source == shipped
    (user_folders.config / "agendas").mkdir(parents=True)
    (user_folders.config / "agendas" / "standard-90.toml").write_text(ONE_PHASE, encoding="utf-8")
    session = MeetingSession.open(data, meeting_id)
    session.close()
    assert len(session.agenda.phases) == 6 and session.agenda.phases[0].id != "notes"
    assert len(MeetingSession.create(data, Incident("Later"), "standard-90").agenda.phases) == 1  # new ones use it


def test_the_copy_is_kept_as_text_read_from_a_file_is(data, agenda_file):
    agenda_file.write_bytes(CUSTOM.replace("Our short", "Our \u202eshort").replace("\n", "\r\n").encode())
    meeting_id = new_meeting(data, agenda_file)
    stored = (data / f"{meeting_id}.json").read_text(encoding="utf-8")
    assert "\u202e" not in stored and "\\u202e" not in stored and "\\r" not in stored
    assert meeting_agenda(read_meeting(data / f"{meeting_id}.json")).description == "Our short review"


def test_the_demo_keeps_its_agenda_too(data):
    meeting = read_meeting(data / f"{create_demo(data)}.json")
    assert meeting.agenda_source == (builtin_agenda_dir() / "standard-90.toml").read_text(encoding="utf-8")


# --- older files, and a copy that is not an agenda ----------------------------------------------------------------


def test_a_meeting_file_from_before_the_copy_opens_its_agenda_by_name(data):
    old = to_data(Meeting(Incident("Old outage")))
    del old["agenda_source"]  # as a pmtui before the copy wrote it
    MeetingFile.create(data, old).close()
    assert '"agenda_source"' not in (data / f"{old['id']}.json").read_text()
    session = MeetingSession.open(data, old["id"])
    session.close()
    assert session.meeting.agenda_source == "" and session.agenda.name == "standard-90"
    assert len(session.agenda.phases) == 6


def test_a_damaged_copy_is_one_line_naming_the_meeting(data, agenda_file):
    meeting_id = new_meeting(data, agenda_file)
    path = data / f"{meeting_id}.json"
    tables = json.loads(path.read_text())
    tables["meeting"]["1"]["agenda_source"] = 'name = "custom"\ndescription = ""\n'
    path.write_text(json.dumps(tables))
    before = path.read_bytes()
    with pytest.raises(AgendaError, match=f"meeting {meeting_id}'s copy of agenda .*custom.toml'.* has no phases"):
        meeting_agenda(read_meeting(path))
    result = invoke("end", meeting_id, data=data, code=2)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and meeting_id in lines[0] and "restore the meeting file from a backup" in lines[0]
    assert path.read_bytes() == before
    assert list_meetings(data)[1] == []  # the listing still lists it


def test_new_still_refuses_an_agenda_file_that_is_not_utf8(data, tmp_path):
    latin = tmp_path / "latin.toml"
    latin.write_bytes(CUSTOM.replace("Our short review", "Revue après incident").encode("latin-1"))
    result = invoke("new", "X", "--agenda", latin, data=data, code=2)
    assert "latin.toml: is not UTF-8" in result.stderr
    assert list(data.iterdir()) == []


# --- the archive's record -------------------------------------------------------------------------------------------


def custom_post_mortem() -> Meeting:
    meeting = demo_meeting()
    meeting.agenda = "/home/ana/agendas/custom.toml"
    meeting.agenda_source = CUSTOM
    meeting.status = "ended"
    return meeting


def test_the_record_keeps_the_agendas_copy_without_its_path():
    text = record_text(custom_post_mortem(), demo_meeting().created)
    assert "/home/ana" not in text
    read, _ = read_record(text, "meeting.json")
    assert (read.agenda, read.agenda_source) == ("custom", CUSTOM)
    assert [s.id for s in meeting_agenda(read).sections] == ["summary", "vendor", "lessons"]


def test_the_archive_check_holds_a_record_to_its_own_agendas_sections(tmp_path):
    write_post_mortem(tmp_path, custom_post_mortem())  # "custom" is installed nowhere here
    findings = check_archive(tmp_path, ArchiveConfig(), shipped_lexicon()).findings
    assert [f.message.split(";")[0] for f in findings if f.rule == "section-to-write"] == [
        "the required section “Vendor escalation” is empty"]


def test_an_archived_record_is_listed_with_its_own_agendas_sections(tmp_path, data):
    archive = tmp_path / "archive"
    write_post_mortem(archive, custom_post_mortem())
    summaries, sources, errors = list_with_archives(data, [archive])
    assert errors == [] and [s.draft for s in summaries] == ["draft: 1 section to write"]  # the vendor's
