"""What an archive's CI holds every post-mortem to: its ``.pmtui-archive.toml`` rules, checked per ``meeting.json``.

A post-mortem published into the archive passes when its severity is one the organisation uses, it meets that
severity's policy, its required narrative sections are written, and no text of it (the narrative included) has a
blame or hindsight finding the facilitator has not dismissed, the same rules as ``pmtui lint`` on a meeting. A
``meeting.json`` that cannot be read is a finding too: the check must fail on it, not skip it. Records are found
and read as every reader of the archive finds and reads them (:mod:`.reader`): hidden folders are not entered.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path, PurePosixPath

from ..agenda import Agenda
from ..analysis.blameless import Lexicon
from ..analysis.findings import meeting_findings
from ..document import agenda_sections, document_agenda, missing_sections, section_text
from ..model import Meeting
from .config import ArchiveConfig
from .reader import read_archived, record_files
from .record import RECORD_FILE, RecordError

BROKEN_RULE = "broken-record"
SEVERITY_RULE = "severity"
POLICY_RULE = "severity-policy"
SECTION_RULE = "section-to-write"
DUPLICATE_RULE = "duplicate-id"
REPUBLISH = "then publish it again"


@dataclass(frozen=True)
class ArchiveFinding:
    """One thing a post-mortem in the archive must fix; ``file`` is relative to the archive's root."""

    file: str
    rule: str
    message: str
    """What is wrong, and the fix."""
    meeting: str = ""
    where: str = ""
    line: int = 0
    excerpt: str = ""

    def text(self) -> str:
        """The finding as ``pmtui lint --archive`` prints it: ``folder/meeting.json: rule: what, and the fix``."""
        return f"{self.file}: {self.rule}: {self.message}"


@dataclass(frozen=True)
class ArchiveCheck:
    """The findings of one run over an archive, and how many post-mortems it read."""

    checked: int
    findings: tuple[ArchiveFinding, ...]


def check_archive(root: Path, config: ArchiveConfig, lexicon: Lexicon) -> ArchiveCheck:
    """Every post-mortem of the archive at ``root`` checked against ``config``, in path order."""
    findings: list[ArchiveFinding] = []
    first_folder: dict[str, str] = {}
    agendas: dict[tuple[str, str], Agenda] = {}  # an agenda named, not kept, reads every agenda file: once per run
    checked = 0
    for name, meeting in _post_mortems(root):
        is_record = PurePosixPath(name).name == RECORD_FILE
        checked += is_record
        if isinstance(meeting, RecordError):
            findings.append(ArchiveFinding(name, BROKEN_RULE, f"this {'file' if is_record else 'folder'} "
                                                              f"{meeting.reason}"))
            continue
        findings += post_mortem_findings(name, meeting, config, lexicon, document_agenda(meeting, agendas))
        earlier = first_folder.setdefault(meeting.id, name)
        if earlier != name:
            findings.append(ArchiveFinding(
                name, DUPLICATE_RULE, f"meeting {meeting.id} is also published as {earlier}; one meeting has one "
                "folder: keep the one pmtui publish updates and git rm the other", meeting.id))
    return ArchiveCheck(checked, tuple(findings))


def _post_mortems(root: Path) -> Iterator[tuple[str, Meeting | RecordError]]:
    """Each record under ``root`` (named relative to it) in path order, read, or why it cannot be: the check must
    fail on a broken record or an unlistable folder, not skip it."""
    files, refused = record_files(root)
    return heapq.merge(((name, _read(root, name)) for name, _ in files), ((error.path, error) for error in refused),
                       key=itemgetter(0))


def _read(root: Path, name: str) -> Meeting | RecordError:
    """The meeting in the record ``name``, or why it cannot be read: a finding, never the end of the check."""
    try:
        return read_archived(root, name)[0]
    except RecordError as exc:
        return exc


def post_mortem_findings(name: str, meeting: Meeting, config: ArchiveConfig, lexicon: Lexicon,
                         agenda: Agenda | None = None) -> list[ArchiveFinding]:
    """Each rule of ``config`` that ``meeting`` (published as ``name``; its ``agenda`` when already known) breaks."""
    found = [ArchiveFinding(name, rule, message, meeting.id) for rule, message in _rules(meeting, config, agenda)]
    if config.check_blame:
        found += [ArchiveFinding(name, f.rule, f"{f.where}, line {f.line}: “{f.excerpt}” {f.message}. {f.suggestion}",
                                 meeting.id, f.where, f.line, f.excerpt) for f in meeting_findings(meeting, lexicon)]
    return found


def _rules(meeting: Meeting, config: ArchiveConfig, agenda: Agenda | None) -> Iterator[tuple[str, str]]:
    severity = meeting.incident.severity
    if severity not in config.severities:
        yield SEVERITY_RULE, (f"severity {severity} is not one this archive uses ({', '.join(config.severities)}); "
                              f"set one in the meeting's incident details (pmtui run {meeting.id}), {REPUBLISH}")
    policy = config.severity_policy.get(severity)
    if policy is not None:
        if len(meeting.actions) < policy.action_items:
            yield POLICY_RULE, (f"a {severity} post-mortem needs at least {policy.action_items} action item"
                                f"{'' if policy.action_items == 1 else 's'}, this one has {len(meeting.actions)}; "
                                f"agree them in the meeting (pmtui run {meeting.id}), {REPUBLISH}")
        if policy.owner and not meeting.document_owner.strip():
            yield POLICY_RULE, (f"a {severity} post-mortem names its document owner; set the owner in the review "
                                f"phase (pmtui run {meeting.id}), {REPUBLISH}")
        if policy.follow_up and meeting.follow_up_date is None:
            yield POLICY_RULE, (f"a {severity} post-mortem sets a follow-up review date; set it in the review phase "
                                f"(pmtui run {meeting.id}), {REPUBLISH}")
    if config.check_sections:
        for section_id, title in _empty_sections(meeting, config.required_sections, agenda):
            if title is None:
                yield SECTION_RULE, (f"the archive requires the section “{section_id}”, which the meeting's agenda "
                                     f"{meeting.agenda!r} does not have; hold it with an agenda that has it (its "
                                     "[[document.sections]]) or change [sections] required in .pmtui-archive.toml")
            else:
                yield SECTION_RULE, (f"the required section “{title}” is empty; write it with "
                                     f"pmtui edit {meeting.id} --section {section_id}, {REPUBLISH}")


def _empty_sections(meeting: Meeting, required: tuple[str, ...] | None,
                    agenda: Agenda | None) -> list[tuple[str, str | None]]:
    """The archive's required sections still empty, with their titles (its agenda's own required ones when the
    archive names none); None as the title of a section the meeting's agenda does not have.

    A record without its agenda's copy whose agenda this machine does not have counts as the standard one (see
    :mod:`pmtui.document`).
    """
    if required is None:
        return [(s.id, s.title) for s in missing_sections(meeting, agenda)]
    titles = {s.id: s.title for s in agenda_sections(meeting, agenda)}
    return [(s, titles.get(s)) for s in required if not section_text(meeting, s).strip()]
