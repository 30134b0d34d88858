"""What ``pmtui lint`` reads: meetings and Markdown or text files, as sources of blameless-language findings."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .analysis.blameless import Lexicon
from .analysis.findings import Finding, meeting_findings, text_findings
from .document import missing_sections
from .model import Meeting
from .paths import data_dir as resolve_data_dir
from .store import read_meeting, resolve_meeting

FOLDER_SUFFIXES = (".md", ".txt")
_PATH_SUFFIXES = (*FOLDER_SUFFIXES, ".markdown", ".json")
_SNIFF_BYTES = 8192
SECTION_RULE = "section-to-write"
"""The rule of a finding that names an empty required section of an ended or published meeting's document."""


class LintInputError(Exception):
    """Something given to ``pmtui lint`` that cannot be linted; ``str()`` is one line."""


@dataclass(frozen=True)
class Source:
    """One thing to lint: a text file (``text``) or a meeting (``meeting``)."""

    name: str
    text: str | None = None
    meeting: Meeting | None = None

    def findings(self, lexicon: Lexicon) -> list[Finding]:
        """Its findings; a meeting's dismissed findings are left out, its document's empty sections are in."""
        if self.meeting is not None:
            return [*section_findings(self.meeting), *meeting_findings(self.meeting, lexicon)]
        return text_findings(self.text or "", where=self.name, lexicon=lexicon)

    def location(self, finding: Finding) -> str:
        """``file:line:col`` for a file, ``meeting-id[where]:line:col`` for a meeting."""
        place = f"{self.name}[{finding.where}]" if self.meeting is not None else self.name
        return f"{place}:{finding.line}:{finding.column}"


def section_findings(meeting: Meeting) -> list[Finding]:
    """A finding per required section still empty once the meeting is over (while it runs they are not due yet)."""
    if meeting.status == "active":
        return []
    found = []
    for section in missing_sections(meeting):
        command = f"pmtui edit {meeting.id} --section {section.id}"
        found.append(Finding(
            SECTION_RULE,
            f"the required section “{section.title}” of this {meeting.status} meeting's document is empty; "
            f"write it with: {command}",
            command, 1, 1, "", where=f"section {section.id}", key=f"section:{section.id}",
        ))
    return found


def read_text_file(path: Path) -> Source:
    """A Markdown or text file as a source; LintInputError for binary or unreadable files."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LintInputError(f"{path}: cannot read it ({exc.strerror or exc}); check its permissions") from None
    if b"\0" in raw[:_SNIFF_BYTES]:
        raise LintInputError(f"{path}: is a binary file; lint meetings, Markdown or text files")
    try:
        return Source(str(path), text=raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise LintInputError(f"{path}: is not UTF-8 text; save it as UTF-8") from None


def read_meeting_file(path: Path) -> Source:
    """A meeting file as a source, read without taking its lock."""
    meeting = read_meeting(path)
    return Source(meeting.id, meeting=meeting)


def sources(target: str, data_dir: Path | None) -> list[Source]:
    """What ``target`` names: a folder's .md/.txt files, a file, or a meeting in the data dir."""
    path = Path(target).expanduser()
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES)
        if not files:
            raise LintInputError(f"{path}: the folder has no .md or .txt files")
        return [read_text_file(p) for p in files]
    if path.is_file():
        return [read_meeting_file(path) if path.suffix.lower() == ".json" else read_text_file(path)]
    if path.exists():
        raise LintInputError(f"{path}: is neither a file nor a folder")
    if os.sep in target or path.suffix.lower() in _PATH_SUFFIXES:
        raise LintInputError(f"{path}: no such file or folder")
    return [read_meeting_file(resolve_meeting(resolve_data_dir(data_dir), target))]
