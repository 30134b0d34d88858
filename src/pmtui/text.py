"""The one text rule: which characters pmtui keeps, whoever typed or imported the text, and how long it may be.

A terminal obeys the C0 and C1 control characters in what it is given: ESC
starts sequences that set its title, write the clipboard (OSC 52) or wipe the
screen, and C1's CSI (U+009B) does the same without an ESC. Bidi overrides,
isolates and marks make text read otherwise than it is stored, and U+200B,
U+2060 and U+FEFF are invisible. None of them belongs in a post-mortem, so:

* text typed by a person (the facilitator's screen, a note-taker, a command's
  arguments) that holds one is refused with one line (:func:`check`), so they
  see what is wrong;
* text read from a file (an import, a stored meeting, an agenda, a word list)
  has them removed (:func:`clean`): refusing a whole file for an invisible
  character helps nobody. A CSI or OSC escape sequence goes whole (a paging
  tool's alert summary may be coloured): removing only its ESC would leave
  ``[31m`` or ``]0;title`` behind as text;
* whatever goes to a terminal outside the app passes :func:`for_terminal`.

Zero-width joiners and non-joiners (U+200D, U+200C) and tag characters
(U+E0020-E007F) stay: emoji, flags and Persian or Indic scripts need them.
Tab and newline stay only in the fields that hold several lines.
"""

from __future__ import annotations

import operator
import re
from itertools import chain
from typing import Any

LIMITS: dict[str, int] = {
    "name": 40,  # a note-taker's name in the room
    "title": 200,
    "time": 64,
    "line": 2000,  # one quick-entry line
    "description": 1000,
    "actor": 200,
    "evidence": 1000,
    "link": 2000,  # an action item's tracker URL
    "login": 255,  # a forge (GitHub, GitLab) username
    "text": 2000,  # an observation, a why, a problem, a root cause, a contributing factor
    "person": 200,  # an attendee, an author, an action's owner, the document owner
    "success_criteria": 1000,
    "status_note": 1000,
    "service": 200,
    "detail": 1000,  # users affected, SLO impact, detection method
    "summary": 10_000,
    "note": 100_000,  # a phase's notes
    "section": 200_000,  # a narrative section of the document (Markdown)
}
"""The most characters each kind of field holds; typed text over it is refused."""

MULTILINE = frozenset({"summary", "note", "section"})
"""The fields that keep tabs and newlines."""

_CONTROL = "\x00-\x1f\x7f-\x9f"
_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
_INVISIBLE = "\u200b\u2060\ufeff"
_SURROGATE = "\ud800-\udfff"
_UNSAFE = re.compile(f"[{_CONTROL}{_BIDI}{_INVISIBLE}{_SURROGATE}]")
_UNSAFE_IN_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}{_INVISIBLE}{_SURROGATE}]")
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x1c-\x1e\x85]")
_SPACES = re.compile("[\t\n\r\x0b\x0c\x1c-\x1f\x85]+")
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\r\n]*(?:\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]")
"""CSI (ESC [ or C1's U+009B) and OSC (ESC ], to BEL or ST; an unended one to the end of its line, so a stray
sequence in a stored note costs that line's rest, never the lines after it)."""
_BIDI_CHARS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


class TextError(ValueError):
    """Typed text that is refused; the message is one line naming the field, ``problem`` without what to do."""

    def __init__(self, problem: str, remedy: str) -> None:
        super().__init__(f"{problem}; {remedy}")
        self.problem = problem


def clean(value: str, *, multiline: bool = False) -> str:
    """``value`` with the characters of the rule removed (for text read from files), escape sequences whole.

    In a one-line field, tabs, line breaks and other separators become a space
    rather than vanish, so the words on either side stay apart.
    """
    if multiline:
        return _UNSAFE_IN_LINES.sub("", _LINE_BREAKS.sub("\n", _without_escapes(value)))
    if _UNSAFE.search(value) is None:
        return value
    return _UNSAFE.sub("", _SPACES.sub(" ", _without_escapes(value)))


def _without_escapes(value: str) -> str:
    if "\x1b" not in value and "\x9b" not in value:
        return value
    return _ESCAPES.sub("", value)


def check(value: str, what: str, field: str) -> str:
    """Typed ``value`` stripped (a tab in a one-line field read as a space), or TextError saying what is wrong.

    ``what`` names the field in the message ("the event description");
    ``field`` is its kind in :data:`LIMITS`. Empty text is the caller's to judge.
    """
    limit = LIMITS[field]
    if len(value) > limit:
        raise TextError(f"{what} is too long ({len(value)} characters; at most {limit})", "shorten it")
    multiline = field in MULTILINE
    found = (_UNSAFE_IN_LINES if multiline else _UNSAFE).search(value.replace("\t", " "))
    if found is not None:
        raise TextError(f"{what} {_kind(found.group())}", "remove it and try again")
    return value.strip() if multiline else value.replace("\t", " ").strip()


def _kind(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    if "\ud800" <= ch <= "\udfff":
        return "holds an invalid character (a lone surrogate)"
    if ch in _BIDI_CHARS:
        return f"holds a text-direction control character ({code})"
    if ch in _INVISIBLE:
        return f"holds an invisible character ({code})"
    return f"holds a control character ({code})"


def for_terminal(text: str) -> str:
    """``text`` safe to print to a terminal: lines and tabs kept, every other character of the rule removed."""
    if _UNSAFE_IN_LINES.search(text) is None and "\r" not in text:
        return text
    return clean(text, multiline=True)


def clean_data(value: Any, *, multiline: bool = False) -> Any:
    """Every string in JSON-ready ``value`` cleaned; the fields of :data:`MULTILINE` keep their lines.

    Meeting data read from a file passes here (``model.upgrade``), so files
    written before the rule are cleaned before anything shows them. The
    structure is copied only where a string changed. A list of flat
    documents (the events) is checked with one search over all their strings,
    which keeps a 2,000-event meeting's check to a few milliseconds; keys are
    cleaned only where they are data (the phases of ``notes``), since any
    other key is a field name or ignored when the meeting is built.
    """
    if isinstance(value, str):
        return clean(value, multiline=multiline)
    if isinstance(value, list):
        if not multiline and _flat_and_safe(value):
            return value
        items = [clean_data(v, multiline=multiline) for v in value]
        return value if all(map(operator.is_, items, value)) else items
    if not isinstance(value, dict):
        return value
    changed = False
    result = {}
    for key, item in value.items():
        new_key = clean(key) if multiline and isinstance(key, str) else key
        new_item = clean_data(item, multiline=multiline or key in _STORED_MULTILINE)
        changed = changed or new_key is not key or new_item is not item
        result[new_key] = new_item
    return result if changed else value


_STORED_MULTILINE = frozenset({"summary", "notes", "sections", "agenda_source"})
"""The keys of meeting data whose strings keep their lines (see :data:`MULTILINE`)."""


_PLAIN = frozenset({str, bool, int, float, type(None)})


def _flat_and_safe(documents: list) -> bool:
    """Whether ``documents`` are plain values or dicts of them (no list, no dict inside), no string needing cleaning.

    Written for speed (2,000 events in about 2 ms): the loops run in C, and
    ``isprintable`` passes most text without the regular expression.
    """
    dicts = [d for d in documents if isinstance(d, dict)]  # TinyDB's documents are dicts of their own class
    values = [d for d in documents if not isinstance(d, dict)]
    values += chain.from_iterable(map(dict.values, dicts))
    if not set(map(type, values)) <= _PLAIN:
        return False
    joined = " ".join([v for v in values if v.__class__ is str])
    return joined.isprintable() or _UNSAFE.search(joined) is None
