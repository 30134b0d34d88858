"""The archive's CI check: every published post-mortem against .pmtui-archive.toml, broken records included."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from archive_records import blameful_post_mortem, clean_post_mortem, write_post_mortem
from pmtui import document
from pmtui.analysis.blameless import shipped_lexicon
from pmtui.archive import reader
from pmtui.archive.checks import check_archive
from pmtui.archive.config import ArchiveConfig, SeverityPolicy, load_archive_config
from pmtui.archive.reader import RECORD_LIMIT, read_archived, record_files
from pmtui.model import ActionItem


def found(root: Path, config: ArchiveConfig | None = None) -> list[tuple[str, str]]:
    """(file, rule) of each finding, in order."""
    return [(f.file, f.rule) for f in check_archive(root, config or ArchiveConfig(), shipped_lexicon()).findings]


def folder_of(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def test_a_clean_archive_has_no_findings_and_counts_what_it_read(tmp_path):
    for title in ("Checkout errors", "Search outage"):
        write_post_mortem(tmp_path, clean_post_mortem(title))
    result = check_archive(tmp_path, ArchiveConfig(), shipped_lexicon())
    assert (result.checked, result.findings) == (2, ())


def test_a_severity_the_archive_does_not_use(tmp_path):
    meeting = clean_post_mortem()
    meeting.incident.severity = "SEV4"
    path = write_post_mortem(tmp_path, meeting)
    [finding] = check_archive(tmp_path, ArchiveConfig(severities=("SEV1", "SEV2", "SEV3")), shipped_lexicon()).findings
    assert (finding.file, finding.rule, finding.meeting) == (folder_of(path, tmp_path), "severity", meeting.id)
    assert finding.message.startswith("severity SEV4 is not one this archive uses (SEV1, SEV2, SEV3); ")
    assert f"pmtui run {meeting.id}" in finding.message


def test_the_severity_policy_asks_more_of_worse_incidents(tmp_path):
    meeting = clean_post_mortem()
    meeting.incident.severity = "SEV1"
    write_post_mortem(tmp_path, meeting)
    policy = {"SEV1": SeverityPolicy(action_items=2, owner=True, follow_up=True)}
    result = check_archive(tmp_path, ArchiveConfig(severity_policy=policy), shipped_lexicon())
    messages = [f.message for f in result.findings]
    assert [f.rule for f in result.findings] == ["severity-policy"] * 3
    assert messages[0].startswith("a SEV1 post-mortem needs at least 2 action items, this one has 1; ")
    assert "document owner" in messages[1] and "follow-up review date" in messages[2]

    meeting.actions.append(ActionItem("Alert on pool saturation", owner="Priya"))
    meeting.document_owner = "Ana Lima"
    meeting.follow_up_date = date(2026, 4, 1)
    write_post_mortem(tmp_path, meeting)
    assert found(tmp_path, ArchiveConfig(severity_policy=policy)) == []
    assert found(tmp_path, ArchiveConfig(severity_policy={"SEV2": SeverityPolicy(action_items=9)})) == []


def test_required_sections_are_the_archives_or_else_the_agendas(tmp_path):
    meeting = clean_post_mortem()
    meeting.sections["lessons"] = "  "
    meeting.sections["summary"] = ""  # the summary falls back to the incident's summary line: written
    meeting.sections["background"] = ""  # optional in the meeting's agenda
    path = write_post_mortem(tmp_path, meeting)
    [finding] = check_archive(tmp_path, ArchiveConfig(), shipped_lexicon()).findings
    assert (finding.rule, finding.file) == ("section-to-write", folder_of(path, tmp_path))
    assert finding.message == (f"the required section “Lessons learned” is empty; write it with pmtui edit "
                               f"{meeting.id} --section lessons, then publish it again")

    archive_rules = ArchiveConfig(required_sections=("summary", "background", "outcome"))
    messages = [f.message for f in check_archive(tmp_path, archive_rules, shipped_lexicon()).findings]
    assert len(messages) == 2
    assert messages[0].startswith("the required section “Background” is empty")
    assert messages[1].startswith("the archive requires the section “outcome”, which the meeting's agenda "
                                  "'standard-90' does not have")
    assert found(tmp_path, ArchiveConfig(check_sections=False)) == []


def test_blame_in_the_narrative_and_elsewhere_is_a_finding_unless_dismissed(tmp_path):
    meeting = clean_post_mortem()
    meeting.sections["lessons"] = "What we learned.\n\nThe on-call should have known the runbook."
    meeting.factors[0].text = "Dave forgot to check the pool size"
    write_post_mortem(tmp_path, meeting)
    findings = check_archive(tmp_path, ArchiveConfig(), shipped_lexicon()).findings
    assert [(f.rule, f.where, f.line) for f in findings] == [
        ("hindsight", "section lessons", 3), ("blame-person", "contributing factor 1", 1)]
    assert findings[0].message.startswith("section lessons, line 3: “on-call should have known” judges a decision")
    assert found(tmp_path, ArchiveConfig(check_blame=False)) == []

    meeting.dismissed_findings = ["sections:lessons:hindsight:on-call should have known"]
    write_post_mortem(tmp_path, meeting)
    assert [f.rule for f in check_archive(tmp_path, ArchiveConfig(), shipped_lexicon()).findings] == ["blame-person"]


@pytest.mark.parametrize("text, says", [
    (b"{", "this file is not valid JSON"),
    (b'{"app": "other"}', "this file is not a pmtui meeting record"),
    (b'{"app": "pmtui", "schema": 999, "updated": "2026-01-01T00:00:00+00:00", "meeting": {}}', "newer pmtui"),
    (b'{"app": "pmtui", "schema": 1, "updated": "2026-01-01T00:00:00+00:00", "meeting": {"x": 1}}', "wrong shape"),
    (b"\xff\xfe{}", "not UTF-8 text"),
])
def test_a_broken_record_is_a_finding_and_the_others_are_still_checked(tmp_path, text, says):
    broken = tmp_path / "postmortems" / "2026" / "2026-01-02-broken" / "meeting.json"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(text)
    bad = write_post_mortem(tmp_path, blameful_post_mortem())
    result = check_archive(tmp_path, ArchiveConfig(), shipped_lexicon())
    assert result.checked == 2
    assert (result.findings[0].file, result.findings[0].rule) == (folder_of(broken, tmp_path), "broken-record")
    assert says in result.findings[0].message and "\n" not in result.findings[0].message
    assert {f.file for f in result.findings[1:]} == {folder_of(bad, tmp_path)}


def test_a_record_above_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    path = write_post_mortem(tmp_path, clean_post_mortem())
    with path.open("r+b") as handle:
        handle.truncate(RECORD_LIMIT + 1)  # the library's limit, not a larger one of the check's own
    monkeypatch.setattr(reader, "read_record", lambda *_: pytest.fail("read a file above the limit"))
    [finding] = check_archive(tmp_path, ArchiveConfig(), shipped_lexicon()).findings
    assert finding.rule == "broken-record" and "larger than 8 MB" in finding.message


def test_hidden_folders_are_skipped_as_the_library_skips_them(tmp_path):
    write_post_mortem(tmp_path, clean_post_mortem())
    hidden = tmp_path / ".github" / "examples" / "meeting.json"
    hidden.parent.mkdir(parents=True)
    hidden.write_text("{")
    result = check_archive(tmp_path, ArchiveConfig(), shipped_lexicon())
    assert (result.checked, result.findings) == (1, ())


def test_a_folder_that_cannot_be_listed_is_a_finding_named_in_the_archive(tmp_path, monkeypatch):
    write_post_mortem(tmp_path, clean_post_mortem())
    locked = tmp_path / "postmortems" / "locked"
    locked.mkdir()
    listing = reader.os.scandir

    def scandir(path):
        if path == str(locked):
            raise PermissionError(13, "Permission denied", path)
        return listing(path)

    monkeypatch.setattr(reader.os, "scandir", scandir)  # chmod does not lock root out, as in CI containers
    result = check_archive(tmp_path, ArchiveConfig(), shipped_lexicon())
    [finding] = result.findings
    assert (result.checked, finding.file, finding.rule) == (1, "postmortems/locked", "broken-record")
    assert finding.message == "this folder cannot be listed: Permission denied; check its permissions"


def test_links_are_not_followed_and_git_is_skipped(tmp_path):
    archive, outside = tmp_path / "archive", tmp_path / "outside"
    elsewhere = write_post_mortem(outside, blameful_post_mortem())
    clean = write_post_mortem(archive, clean_post_mortem())
    linked_file = archive / "postmortems" / "2026" / "linked" / "meeting.json"
    linked_file.parent.mkdir()
    linked_file.symlink_to(elsewhere)  # a record that is a link: a finding, never read
    (archive / "postmortems" / "elsewhere").symlink_to(outside / "postmortems", target_is_directory=True)
    (archive / "postmortems" / "2026" / "loop").symlink_to(archive / "postmortems", target_is_directory=True)
    git_copy = archive / ".git" / "x" / "meeting.json"
    git_copy.parent.mkdir(parents=True)
    git_copy.write_text("{")

    files, refused = record_files(archive)
    assert [name for name, _ in files] == [folder_of(clean, archive)]
    assert [error.path for error in refused] == [folder_of(linked_file, archive)]
    result = check_archive(archive, ArchiveConfig(), shipped_lexicon())
    [finding] = result.findings
    assert (finding.file, finding.rule) == ("postmortems/2026/linked/meeting.json", "broken-record")
    assert "symbolic link" in finding.message


def test_one_meeting_published_in_two_folders(tmp_path):
    meeting = clean_post_mortem()
    first = write_post_mortem(tmp_path, meeting, folder="a-checkout")
    second = write_post_mortem(tmp_path, meeting, folder="b-checkout-renamed")
    [finding] = check_archive(tmp_path, ArchiveConfig(), shipped_lexicon()).findings
    assert (finding.file, finding.rule) == (folder_of(second, tmp_path), "duplicate-id")
    assert f"also published as {folder_of(first, tmp_path)}" in finding.message


def test_a_record_naming_its_agenda_by_a_path_is_read_by_the_name_only(tmp_path):
    agenda = tmp_path / "outside" / "extra.toml"
    agenda.parent.mkdir()
    agenda.write_text("not an agenda at all = [")
    meeting = clean_post_mortem()
    path = write_post_mortem(tmp_path / "archive", meeting)
    path.write_text(path.read_text().replace('"agenda": "standard-90"', f'"agenda": "{agenda}"'))
    assert read_archived(tmp_path / "archive", folder_of(path, tmp_path / "archive"))[0].agenda == "extra"
    assert found(tmp_path / "archive") == []


def test_the_config_file_drives_the_check(tmp_path):
    (tmp_path / ".pmtui-archive.toml").write_text(
        '[sections]\nrequired = ["summary", "impact"]\n\n[checks]\nblame = false\nseverities = ["SEV1", "SEV2"]\n')
    meeting = blameful_post_mortem()
    meeting.sections["impact"] = ""
    write_post_mortem(tmp_path, meeting)
    rules = [f.rule for f in check_archive(tmp_path, load_archive_config(tmp_path), shipped_lexicon()).findings]
    assert rules == ["section-to-write"]


def test_each_agenda_is_resolved_once_per_run(tmp_path, monkeypatch):
    for n in range(3):
        write_post_mortem(tmp_path, clean_post_mortem(f"Incident {n}"))
    resolved = []
    real = document.meeting_agenda
    monkeypatch.setattr(document, "meeting_agenda", lambda meeting: resolved.append(meeting.agenda) or real(meeting))
    assert found(tmp_path) == []
    assert resolved == ["standard-90"]  # reading every agenda file per post-mortem took 23 ms each
