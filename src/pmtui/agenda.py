"""Meeting agendas: timed phases read from TOML files and validated.

An agenda file has a top-level ``name`` and ``description`` and one
``[[phases]]`` table per phase. Shipped agendas live in the package (or in
the checkout's top-level ``agendas/``); users add their own in
:func:`user_agenda_dir`, where one with a shipped agenda's name replaces it.

A meeting keeps the text of the agenda it was created with
(``Meeting.agenda_source``) and runs by that copy (:func:`meeting_agenda`):
moving, editing or uninstalling the file later changes no meeting.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .paths import user_agenda_dir
from .text import clean, for_terminal

if TYPE_CHECKING:
    from .model import Meeting

PHASE_KINDS = ("safety", "follow_ups", "timeline", "observations", "five_whys", "actions", "review", "notes")
DEFAULT_AGENDA = "standard-90"

_AGENDA_KEYS = ("name", "description", "phases", "document")
_DOCUMENT_KEYS = ("sections",)
_SECTION_KEYS = ("id", "title", "prompt", "required")
_PHASE_KEYS = ("id", "title", "minutes", "kind", "prompts", "guidance", "optional")
_MULTILINE_KEYS = ("description", "guidance")


class AgendaError(Exception):
    """An agenda that cannot be loaded or found; ``str()`` is one user-facing line."""

    def __init__(self, problem: str, path: Path | None = None) -> None:
        self.problem = problem
        self.path = path
        super().__init__(for_terminal(f"{path}: {problem}" if path is not None else problem))  # a path as found


@dataclass(frozen=True)
class Phase:
    """One timed part of the meeting, with prompts for the facilitator."""

    id: str
    title: str
    minutes: float
    kind: str
    prompts: tuple[str, ...] = ()
    guidance: str = ""
    optional: bool = False


@dataclass(frozen=True)
class DocumentSection:
    """A free-form Markdown part of the post-mortem document (the story the meeting's lists cannot tell)."""

    id: str
    title: str
    prompt: str = ""
    required: bool = False


STANDARD_SECTIONS = (
    DocumentSection("summary", "Summary", "In a few sentences: what happened, who was affected, for how long, and "
                    "what the team is changing.", required=True),
    DocumentSection("background", "Background", "What a reader needs to know first: the systems involved and how "
                    "they are set up."),
    DocumentSection("narrative", "What happened", "The story of the incident, in order: what people saw, thought "
                    "and did, and why it made sense at the time.", required=True),
    DocumentSection("detection", "Detection", "How the problem was noticed, how long that took, and what would "
                    "have caught it sooner."),
    DocumentSection("response", "Response and recovery", "How the team mitigated and recovered: what worked, what "
                    "did not, and what was in the way.", required=True),
    DocumentSection("communication", "Communication", "What users, customers and other teams were told, when, "
                    "and through which channels."),
    DocumentSection("impact", "Data and customer impact", "What data was lost or damaged, which customers were "
                    "affected and how, and what was done for them."),
    DocumentSection("lessons", "Lessons learned", "What the team learned that applies beyond this incident.",
                    required=True),
    DocumentSection("supporting", "Supporting information", "Links to dashboards, logs, chat, and earlier "
                    "incidents."),
)
"""The sections of a post-mortem document when an agenda names none (``[[document.sections]]``)."""


@dataclass(frozen=True)
class Agenda:
    """A named sequence of phases; ``source`` is the file it came from, ``text`` the TOML read there."""

    name: str
    description: str
    phases: tuple[Phase, ...]
    source: Path | None = None
    sections: tuple[DocumentSection, ...] = STANDARD_SECTIONS
    text: str = ""

    @property
    def total_minutes(self) -> float:
        """The planned length of the meeting without its optional phases."""
        return sum(p.minutes for p in self.phases if not p.optional)

    @property
    def optional_minutes(self) -> float:
        """The minutes optional phases add when a meeting includes them."""
        return sum(p.minutes for p in self.phases if p.optional)

    def for_meeting(self, included_optional: list[str]) -> Agenda:
        """The agenda a meeting runs: optional phases only where ``included_optional`` names them."""
        phases = tuple(p for p in self.phases if not p.optional or p.id in included_optional)
        return Agenda(self.name, self.description, phases, self.source, self.sections, self.text)

    def index_of(self, phase_id: str) -> int:
        """The position of the phase called ``phase_id``; ValueError if absent."""
        for i, phase in enumerate(self.phases):
            if phase.id == phase_id:
                return i
        raise ValueError(f"agenda {self.name!r} has no phase {phase_id!r}")


# --- loading ---------------------------------------------------------------


def load_agenda(path: Path) -> Agenda:
    """Read and validate the agenda file at ``path``; AgendaError on any problem."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise AgendaError("file not found; check the path or pick an agenda by name", path) from None
    except OSError as exc:
        raise AgendaError(f"cannot read file ({exc.strerror or exc}); check it exists and is readable", path) from None
    except UnicodeDecodeError:
        raise AgendaError("is not UTF-8 text; save it as UTF-8", path) from None
    try:
        return _parsed(text, path)
    except _Invalid as exc:
        raise AgendaError(str(exc), path) from None


def meeting_agenda(meeting: Meeting) -> Agenda:
    """The agenda ``meeting`` was created with: the copy it keeps, else (a file from before the copy) its name.

    The copy is validated as a file is; AgendaError names the meeting when it is not a valid agenda.
    """
    if not meeting.agenda_source:
        return resolve_agenda(meeting.agenda)
    try:
        return _parsed(meeting.agenda_source, None)
    except _Invalid as exc:
        problem = str(exc).split("; ")[0]  # its remedy is for a file: the copy is fixed by restoring the meeting
        raise AgendaError(f"meeting {meeting.id}'s copy of agenda {meeting.agenda!r}: {problem}; "
                          "restore the meeting file from a backup") from None


def _parsed(text: str, path: Path | None) -> Agenda:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _Invalid(f"not valid TOML: {exc}; fix the syntax there") from None
    return dataclasses.replace(_agenda(data, path), text=clean(text, multiline=True))  # what a meeting keeps


class _Invalid(Exception):
    """A validation problem, before the file name is attached."""


def _agenda(data: dict[str, Any], path: Path) -> Agenda:
    _check_keys(data, _AGENDA_KEYS, "the agenda")
    name = _text(data, "name", "the agenda", required=True)
    description = _text(data, "description", "the agenda", required=True, allow_empty=True)
    raw_phases = data.get("phases")
    if raw_phases is None or raw_phases == []:
        raise _Invalid("has no phases; add at least one [[phases]] table")
    if not isinstance(raw_phases, list) or not all(isinstance(p, dict) for p in raw_phases):
        raise _Invalid("'phases' must be a list of [[phases]] tables")
    phases = tuple(_phase(raw, n) for n, raw in enumerate(raw_phases, start=1))
    first_use: dict[str, int] = {}
    for n, phase in enumerate(phases, start=1):
        if phase.id in first_use:
            raise _Invalid(
                f"phase {n} reuses id {phase.id!r} from phase {first_use[phase.id]}; give every phase its own id"
            )
        first_use[phase.id] = n
    return Agenda(name=name, description=description, phases=phases, source=path, sections=_sections(data))


def _sections(data: dict[str, Any]) -> tuple[DocumentSection, ...]:
    document = data.get("document", {})
    if not isinstance(document, dict):
        raise _Invalid("'document' must be a [document] table")
    _check_keys(document, _DOCUMENT_KEYS, "the [document] table")
    raw = document.get("sections")
    if raw is None:
        return STANDARD_SECTIONS
    if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
        raise _Invalid("'document.sections' must be a list of [[document.sections]] tables")
    sections = []
    for n, table in enumerate(raw, start=1):
        where = f"document section {n}"
        if isinstance(table.get("id"), str) and table["id"].strip():
            where = f"document section {n} ({table['id']!r})"
        _check_keys(table, _SECTION_KEYS, where)
        section = DocumentSection(
            id=_text(table, "id", where, required=True),
            title=_text(table, "title", where, required=True),
            prompt=_text(table, "prompt", where, allow_empty=True),
            required=_flag(table, "required", where),
        )
        if any(s.id == section.id for s in sections):
            raise _Invalid(f"{where} reuses the id {section.id!r}; give every section its own id")
        sections.append(section)
    return tuple(sections)


def _phase(raw: dict[str, Any], n: int) -> Phase:
    where = f"phase {n}"
    if isinstance(raw.get("id"), str) and raw["id"].strip():
        where = f"phase {n} ({raw['id']!r})"
    _check_keys(raw, _PHASE_KEYS, where)
    phase_id = _text(raw, "id", where, required=True)
    title = _text(raw, "title", where, required=True)
    kind = _text(raw, "kind", where, required=True)
    if kind not in PHASE_KINDS:
        raise _Invalid(f"{where} has unknown kind {kind!r}; use one of {', '.join(PHASE_KINDS)}")
    return Phase(
        id=phase_id,
        title=title,
        minutes=_minutes(raw, where),
        kind=kind,
        prompts=_prompts(raw, where),
        guidance=_text(raw, "guidance", where, allow_empty=True),
        optional=_flag(raw, "optional", where),
    )


def _flag(raw: dict[str, Any], key: str, where: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise _Invalid(f"{where}: {key!r} must be true or false, not {value!r}")
    return value


def _check_keys(table: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise _Invalid(f"{where} has unknown key {key!r}; {hint}allowed keys are {', '.join(allowed)}")


def _text(table: dict[str, Any], key: str, where: str, *, required: bool = False, allow_empty: bool = False) -> str:
    if key not in table:
        if required:
            raise _Invalid(f"{where} is missing {key!r}; add {key} = \"...\"")
        return ""
    value = table[key]
    if not isinstance(value, str):
        raise _Invalid(f"{where} has {key} = {_shown(value)}, which is not text; put it in quotes")
    if key != "kind":  # an agenda is a file: its text is cleaned (pmtui.text); a kind is one of PHASE_KINDS
        value = clean(value, multiline=key in _MULTILINE_KEYS)
    if not allow_empty and not value.strip():
        raise _Invalid(f"{where} has an empty {key!r}; fill it in")
    return value


def _minutes(table: dict[str, Any], where: str) -> float:
    if "minutes" not in table:
        raise _Invalid(f"{where} is missing 'minutes'; add minutes = <a number above 0>")
    value = table["minutes"]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Invalid(f"{where} has minutes = {_shown(value)}, which is not a number; write a number such as 10")
    if not math.isfinite(value) or value <= 0:
        raise _Invalid(f"{where} has minutes = {value!r}; use a number above 0")
    return float(value)


def _prompts(table: dict[str, Any], where: str) -> tuple[str, ...]:
    value = table.get("prompts", [])
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise _Invalid(
            f"{where} has prompts = {_shown(value)}; use a list of quoted strings such as [\"...\", \"...\"]"
        )
    return tuple(clean(prompt) for prompt in value)


def _shown(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- finding agendas -------------------------------------------------------


def builtin_agenda_dir() -> Path:
    """Where the shipped agendas are: in the package, or the checkout's ``agendas/``."""
    packaged = Path(__file__).resolve().parent / "agendas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "agendas"


def available_agendas() -> tuple[list[Agenda], list[AgendaError]]:
    """Shipped agendas then the user's, and the errors of files that failed to load.

    A user agenda with the same name as a shipped one takes its place.
    """
    found: dict[str, Agenda] = {}
    errors: list[AgendaError] = []
    for directory in (builtin_agenda_dir(), user_agenda_dir()):
        for path in sorted(directory.glob("*.toml")) if directory.is_dir() else ():
            try:
                agenda = load_agenda(path)
            except AgendaError as exc:
                errors.append(exc)
            else:
                found[agenda.name] = agenda
    return list(found.values()), errors


def resolve_agenda(name_or_path: str | None) -> Agenda:
    """The agenda a user asked for: a file path, a known name, or None for the default."""
    wanted = name_or_path or DEFAULT_AGENDA
    path = Path(wanted).expanduser()
    if wanted.endswith(".toml") or os.sep in wanted:
        return load_agenda(path)
    agendas, errors = available_agendas()
    for agenda in agendas:
        if agenda.name == wanted:
            return agenda
    for error in errors:
        if error.path is not None and error.path.stem == wanted:
            raise error
    known = ", ".join(sorted(a.name for a in agendas)) or "none"
    raise AgendaError(f"unknown agenda {wanted!r}; known agendas: {known} (or give a path to a .toml file)")
