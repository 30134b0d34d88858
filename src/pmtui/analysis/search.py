"""Full-text search over past post-mortems: the passages of a meeting, packed for the library cache, and the hits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from ..agenda import STANDARD_SECTIONS
from ..library import Library
from ..model import Meeting
from ..timeparse import TimeFormatError, local

SEARCH_DIGEST = "search-4"
"""The library digest search reads; change the name whenever :func:`passages` changes."""
EXCERPT_WIDTH = 72
_SECTION_TITLES = {section.id: section.title for section in STANDARD_SECTIONS}
"""A narrative section's place in a hit (an agenda's own section shows its id: search reads no agenda files)."""

_GROUP, _ENTRY = "\x1d", "\x1e"
_SEPARATORS = str.maketrans({_GROUP: " ", _ENTRY: " "})


@dataclass(frozen=True)
class Passage:
    """A piece of a meeting's text and where it is ('title', 'timeline 14:37', 'why'…)."""

    where: str
    text: str


@dataclass(frozen=True)
class Match:
    """A passage of a meeting in which ``word`` (the first searched word in it) occurs."""

    where: str
    text: str
    word: str

    @property
    def excerpt(self) -> str:
        """A short excerpt of the passage around the word."""
        return excerpt(self.text, self.word)


@dataclass(frozen=True)
class SearchHit:
    """A meeting in which every searched word occurs, and the passages that matched."""

    meeting: Meeting
    matches: list[Match]


def passages(meeting: Meeting) -> list[Passage]:
    """Every piece of text in ``meeting`` that search looks at, in document order."""
    incident = meeting.incident
    found = [
        ("title", incident.title),
        ("summary", incident.summary),
        ("services", ", ".join(incident.services)),
        ("impact", incident.users_affected),
        ("impact", incident.slo_impact),
        ("detection", incident.detection_method),
    ]
    for event in meeting.sorted_events():
        text = " · ".join(part for part in (event.description, event.actor, event.evidence) if part)
        found.append((f"timeline {_clock(event.time, incident.tz)}", text))
    found += [("observation", o.text) for o in meeting.observations]
    for chain in meeting.chains:
        found.append(("problem", chain.problem))
        found += [("why", why.text) for why in chain.whys]
        if chain.root_cause:
            found.append(("root cause", chain.root_cause.text))
    found += [("factor", f.text) for f in meeting.factors]
    for item in meeting.actions:
        found += [("action item", item.description), ("action item", item.success_criteria)]
    found += [("notes", text) for text in meeting.notes.values()]
    found += [(_SECTION_TITLES.get(key, key).lower(), text) for key, text in meeting.sections.items()]
    return [Passage(where, text) for where, text in found if text.strip()]


def pack_passages(meeting: Meeting) -> str:
    """The meeting's passages as one string, the library digest :data:`SEARCH_DIGEST`:
    the places, then the texts, so that the texts can be searched in one go."""
    found = passages(meeting)
    return _ENTRY.join(p.where for p in found) + _GROUP + _ENTRY.join(p.text.translate(_SEPARATORS) for p in found)


def unpack_passages(packed: str) -> list[Passage]:
    """The passages :func:`pack_passages` packed."""
    wheres, _, texts = packed.partition(_GROUP)
    pairs = zip(wheres.split(_ENTRY), texts.split(_ENTRY), strict=False)
    return [Passage(where, text) for where, text in pairs if where]


def search_words(text: str) -> list[str]:
    """The words of a search, casefolded; duplicates dropped."""
    return list(dict.fromkeys(text.casefold().split()))


def search(library: Library, text: str) -> list[SearchHit]:
    """The meetings in which every word of ``text`` occurs somewhere (case-insensitive).

    Words match anywhere inside the text ('pool' matches 'pools'). The meetings
    keep the library's order (newest first); each lists the passages where a
    word matched. The library's :data:`SEARCH_DIGEST` is used when it was
    loaded, else the passages are read from the meetings themselves.
    """
    words = search_words(text)
    packed = library.digests.get(SEARCH_DIGEST, {})
    hits = []
    for meeting in library.meetings if words else ():
        blob = packed.get(meeting.id)
        wheres, _, texts = (pack_passages(meeting) if blob is None else blob).partition(_GROUP)
        folded = texts.casefold()  # keeps the separators (words never hold them), so the entries line up
        if not all(word in folded for word in words):
            continue
        folded_texts = folded.split(_ENTRY)
        first_word: dict[int, str] = {}  # passage index -> the first searched word in it
        for word in reversed(words):
            first_word.update(dict.fromkeys((i for i, t in enumerate(folded_texts) if word in t), word))
        places, originals = wheres.split(_ENTRY), texts.split(_ENTRY)
        matches = [Match(places[i], originals[i], first_word[i]) for i in sorted(first_word) if i < len(places)]
        hits.append(SearchHit(meeting, matches))
    return hits


def excerpt(text: str, word: str, width: int = EXCERPT_WIDTH) -> str:
    """About ``width`` characters of ``text`` on one line around the first ``word``."""
    line = " ".join(text.split())
    if len(line) <= width:
        return line
    found = re.search(re.escape(word), line, re.IGNORECASE)
    start = max(0, min((found.start() if found else 0) - width // 3, len(line) - width))
    end = start + width
    return ("…" if start else "") + line[start:end].strip() + ("…" if end < len(line) else "")


def _clock(moment: datetime, tz: str) -> str:
    try:
        return f"{local(moment, tz):%H:%M}"
    except TimeFormatError:
        return f"{moment.astimezone(UTC):%H:%M}"
