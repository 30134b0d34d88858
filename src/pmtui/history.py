"""Looking back over past post-mortems: full-text search and patterns across incidents."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone

from .analysis import incident_metrics
from .library import Library
from .model import FISHBONE_CATEGORIES, ROOT_CAUSE_CATEGORIES, SEVERITIES, Meeting
from .timeparse import TimeFormatError, local

SEARCH_DIGEST = "search-2"
"""The library digest search reads; change the name whenever :func:`passages` changes."""
STATS_PARTS = ("chains", "factors")
"""The meeting parts :func:`incident_stats` needs from :func:`pmtui.library.load_library`."""
RECURRING_MIN = 3
EXCERPT_WIDTH = 72

_GROUP, _ENTRY = "\x1d", "\x1e"
_SEPARATORS = str.maketrans({_GROUP: " ", _ENTRY: " "})


# --- search -------------------------------------------------------------------------


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
    found += [("decision", text) for text in meeting.decisions]
    found += [("notes", text) for text in meeting.notes.values()]
    return [Passage(where, text) for where, text in found if text.strip()]


def pack_passages(meeting: Meeting) -> str:
    """The meeting's passages as one string, the library digest :data:`SEARCH_DIGEST`:
    the places, then the texts, so that the texts can be searched in one go."""
    found = passages(meeting)
    return _ENTRY.join(p.where for p in found) + _GROUP + _ENTRY.join(p.text.translate(_SEPARATORS) for p in found)


def unpack_passages(packed: str) -> list[Passage]:
    """The passages :func:`pack_passages` packed."""
    wheres, _, texts = packed.partition(_GROUP)
    return [Passage(where, text) for where, text in zip(wheres.split(_ENTRY), texts.split(_ENTRY), strict=False) if where]


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
        return f"{moment.astimezone(timezone.utc):%H:%M}"


# --- patterns ----------------------------------------------------------------------


@dataclass(frozen=True)
class Durations:
    """Mean and median of some durations in seconds, over ``count`` incidents that have them."""

    count: int
    mean: float | None
    median: float | None


@dataclass(frozen=True)
class Recurrence:
    """A root-cause category behind several incidents, and those meetings (newest first)."""

    category: str
    meetings: list[Meeting]


@dataclass(frozen=True)
class IncidentStats:
    """Figures across the incidents since a date (or all of them).

    ``by_root_cause`` counts incidents (one per category however many chains
    name it), ``factors`` counts contributing factors.
    """

    since: date | None
    incidents: int
    by_severity: dict[str, int]
    by_root_cause: dict[str, int]
    factors: dict[str, int]
    time_to_detect: Durations
    time_to_resolve: Durations
    recurring: list[Recurrence]


def incident_day(meeting: Meeting) -> date:
    """The day of the incident in its time zone: impact start, else detection, else the meeting's creation."""
    moment = meeting.incident.impact_start or meeting.incident.detected or meeting.created
    try:
        return local(moment, meeting.incident.tz).date()
    except TimeFormatError:
        return moment.astimezone(timezone.utc).date()


def incident_stats(library: Library, since: date | None = None) -> IncidentStats:
    """Incidents by severity and root cause, factors by fishbone category, time to
    detect and resolve (``analysis.incident_metrics``), and recurring root causes:
    categories behind :data:`RECURRING_MIN` or more incidents on or after ``since``.
    """
    meetings = [m for m in library.meetings if since is None or incident_day(m) >= since]
    causes = {m.id: {c.root_cause.category for c in m.chains if c.root_cause} for m in meetings}
    by_cause = Counter(category for found in causes.values() for category in found)
    metrics = [incident_metrics(m.incident) for m in meetings]
    recurring = [
        Recurrence(category, [m for m in meetings if category in causes[m.id]])
        for category, count in sorted(by_cause.items(), key=lambda kv: (-kv[1], _rank(ROOT_CAUSE_CATEGORIES, kv[0])))
        if count >= RECURRING_MIN
    ]
    return IncidentStats(
        since=since,
        incidents=len(meetings),
        by_severity=_counts(SEVERITIES, (m.incident.severity for m in meetings)),
        by_root_cause=_counts(ROOT_CAUSE_CATEGORIES, by_cause.elements()),
        factors=_counts(FISHBONE_CATEGORIES, (f.category for m in meetings for f in m.factors)),
        time_to_detect=_durations(m.time_to_detect for m in metrics),
        time_to_resolve=_durations(m.time_to_resolve for m in metrics),
        recurring=recurring,
    )


def _counts(known: tuple[str, ...], values: Iterable[str]) -> dict[str, int]:
    """Counts for every known value in order (zeros included), then any others."""
    counted = Counter(values)
    return {key: counted.get(key, 0) for key in (*known, *sorted(set(counted) - set(known)))}


def _rank(known: tuple[str, ...], value: str) -> int:
    return known.index(value) if value in known else len(known)


def _durations(values: Iterable[float | None]) -> Durations:
    known = [v for v in values if v is not None]
    if not known:
        return Durations(0, None, None)
    return Durations(len(known), statistics.fmean(known), statistics.median(known))
