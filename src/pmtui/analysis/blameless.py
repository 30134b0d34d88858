"""Blame and hindsight phrasing in free text, found with word lists and a little grammar.

No language model: every rule is a phrase list from ``data/blameless.toml``
(plus the user's additions) and three simple questions about the clause a
phrase sits in: is its subject a person (a pronoun, a role such as "the
on-call", an @handle or a capitalised first name), is its verb passive, and
does a participle follow "should have". :func:`scan` only reports spans; it
never changes the text.

"Should have" about a system ("the alert should have fired") is deliberately
not reported: it names a gap in the system, which is the framing we want.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..paths import config_dir
from ..text import clean

RULES: dict[str, tuple[str, str]] = {
    "human-error": (
        "'human error' ends the analysis where it should start",
        "Ask what let this happen: which design, tool or process made the slip easy and its effect large?",
    ),
    "blame-person": (
        "names a person as the cause; people act sensibly given what they knew and what the system let them do",
        "Ask what made this easy or likely: which tool, default or missing safeguard? "
        "e.g. 'the deploy tool allowed … without a check'",
    ),
    "hindsight": (
        "judges a decision with hindsight; the outcome was not known at the time",
        "Describe what people saw and knew then, and what would have made the risk visible.",
    ),
    "passive-actor": (
        "the passive voice hides who acted and why it made sense to them",
        "Name the step or tool that did it and ask what let it through: "
        "'the pipeline deployed a config that no check had validated'",
    ),
    "judgement-word": (
        "judges someone's care or competence instead of describing the system",
        "Drop the judgement and describe the conditions: time pressure, missing information, confusing tooling.",
    ),
}
"""Rule id -> (why it matters, a systemic rewording prompt); earlier rules win overlaps."""

LEXICON_FILE = "blameless.toml"


@dataclass(frozen=True)
class Hit:
    """One match of a rule: ``text[start:end]`` is the phrasing it objects to."""

    rule: str
    start: int
    end: int


# --- word lists ------------------------------------------------------------------


class LexiconError(Exception):
    """A word-list file that cannot be used; ``str()`` is one line naming the file."""


def user_lexicon_path() -> Path:
    """The user's word-list additions: ``<config dir>/blameless.toml``."""
    return config_dir() / LEXICON_FILE


@lru_cache(maxsize=1)
def _shipped_tables() -> dict[str, dict[str, tuple[str, ...]]]:
    raw = resources.files("pmtui").joinpath("data", LEXICON_FILE).read_text(encoding="utf-8")
    return {table: {key: tuple(words) for key, words in keys.items()} for table, keys in tomllib.loads(raw).items()}


@lru_cache(maxsize=1)
def shipped_lexicon() -> Lexicon:
    """The word lists that ship with pmtui, without the user's additions."""
    return Lexicon(_shipped_tables())


def load_lexicon(user_file: Path | None = None) -> Lexicon:
    """The shipped word lists plus ``user_file`` (default: :func:`user_lexicon_path`) if it exists.

    Raises :class:`LexiconError` when the user's file is unreadable or malformed.
    """
    path = user_lexicon_path() if user_file is None else user_file
    if not path.is_file():
        return shipped_lexicon()
    merged = {table: dict(keys) for table, keys in _shipped_tables().items()}
    for table, keys in _read_user_file(path).items():
        for key, words in keys.items():
            merged[table][key] = merged[table][key] + tuple(
                word for w in words if (word := clean(w).strip()))  # a file: see pmtui.text
    return Lexicon(merged)


def default_lexicon() -> tuple[Lexicon, str | None]:
    """The lexicon to use now, and the one-line error of a bad user file (then the shipped lists are used).

    It is re-read only when the user's file changes.
    """
    path = user_lexicon_path()
    try:
        stat = path.stat()
    except OSError:
        return shipped_lexicon(), None
    return _cached_lexicon(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _cached_lexicon(path: Path, _mtime: int, _size: int) -> tuple[Lexicon, str | None]:
    """:func:`default_lexicon` for one version of the user's file (``_mtime`` and ``_size`` key the cache)."""
    try:
        return load_lexicon(path), None
    except LexiconError as exc:
        return shipped_lexicon(), str(exc)


def _read_user_file(path: Path) -> dict[str, dict[str, list[str]]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        problem = exc.strerror or exc
        raise LexiconError(f"{path}: cannot read the word list ({problem}); check its permissions") from None
    except UnicodeDecodeError:
        raise LexiconError(f"{path}: the word list is not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        detail = " ".join(str(exc).split())
        raise LexiconError(f"{path}: not valid TOML ({detail}); fix the syntax there") from None
    shipped = _shipped_tables()
    for table, keys in data.items():
        if table not in shipped:
            known = ", ".join(f"[{t}]" for t in shipped)
            raise LexiconError(f"{path}: unknown table [{table}]; use {known}")
        if not isinstance(keys, dict):
            raise LexiconError(f"{path}: '{table}' must be a [{table}] table of word lists")
        for key, words in keys.items():
            if key not in shipped[table]:
                raise LexiconError(f"{path}: [{table}] has unknown key {key!r}; use {', '.join(shipped[table])}")
            if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                example = '["word", "two words"]'
                raise LexiconError(f"{path}: [{table}] {key} must be a list of quoted words, such as {example}")
    return data


# --- grammar helpers ---------------------------------------------------------------

_TOKEN = re.compile(r"@[\w.-]*\w|\w+(?:[-'’]\w+)*")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_SKIP = frozenset(
    "the a an our their his her its my your this these those one another every each some any all also then "
    "later finally eventually again so just even still both only".split()
)
_STOP = frozenset(
    "who whom whose that which on in at of for from with during by to into onto about after before over under "
    "via was were is are be been being had has have did does do didn't doesn't don't wasn't weren't hasn't "
    "hadn't should shouldn't should've could couldn't would wouldn't will won't must might can can't cannot "
    "never not".split()
)
_IRREGULAR_PAST = frozenset(
    "ran gave took made broke forgot went sent put set left got saw let wrote chose kept hit shut cut began did "
    "had was were read thought told caught brought bought found lost spent drove sat stood understood fell felt "
    "held knew led meant met paid said sold spoke threw tore won wore".split()
)
_IRREGULAR_PARTICIPLE = frozenset(
    "run read done seen made caught taken thought told sent put set kept left got gotten brought bought found "
    "lost spent hit shut cut paid said led held built sold understood stood begun gone come become meant spun "
    "split spread hung won dealt felt heard let shot fed lent slept swept struck taught sought fought rebuilt "
    "rerun reset upset".split()
)
_NOT_VERBS = frozenset("need speed feed seed breed shed bleed embed".split())
_NOT_ADVERBS = frozenset("only supply reply apply assembly anomaly family july italy rally ally poly".split())
_NOUN_SUFFIXES = tuple("tion sion ment ness ity ing ance ence ure ism age ics ers ors".split())
_DETERMINERS = frozenset("the a an our their its this that these those".split())
_AFTER_THE = re.compile(r"(?<!\w)the\s+$", re.I)
_WE = re.compile(r"we(?!\w)", re.I)
_SUBJECT_REACH = 40  # characters: a nearer person subject is part of a finding's excerpt

_MASK = re.compile(
    r"^[ \t]*(```|~~~)[^\n]*\n.*?^[ \t]*\1[^\n]*$|`[^`\n]+`|https?://\S+|<!--.*?-->", re.S | re.M
)
_SENTENCE_BREAK = re.compile(
    r"[.!?]+(?=[\s\"'”’)\]]|$)|\n[ \t]*\n|\n(?=[ \t]*(?:[-*+>#]|\d+[.)])\s)|\|"
)
_CLAUSE_BREAK = re.compile(
    r"[,;:](?=\s|$)|[()\[\]\"“”—–]|\s-\s|"
    r"(?<!\w)(?:because|so|but|and|or|when|while|since|although|though|that|if|after|before|until|once|"
    r"whereas|unless|however)(?!\w)",
    re.I,
)
_PASSIVE = re.compile(
    r"(?<!\w)(?:was|were|is|are|be|been|being|got|gets|get)\s+((?:(?:not|never|then|also|just|all|\w+ly)\s+)*)"
    r"([\w-]+)",
    re.I,
)
_BY = re.compile(r"(?<!\w)by\s+", re.I)
_IF_HAD = re.compile(
    r"(?<!\w)if\s+((?:[\w@][\w'’-]*\s+){1,3}?)had\s+(?:(?:not|never|only|just|actually)\s+)?([\w-]+)", re.I
)
_HAD_FIRST = re.compile(r"(?<!\w)Had\s+((?:(?:the|a|an)\s+)?[\w@][\w'’-]*)\s+([\w-]+)")


def _phrase(entry: str) -> str:
    words = entry.lower().split()
    return r"\s+".join(re.sub(r"['’]", "['’]", re.escape(w)) for w in words)


def _alternation(entries) -> str:
    unique = sorted({e.lower().strip() for e in entries}, key=len, reverse=True)
    return "(?:" + "|".join(_phrase(e) for e in unique) + ")" if unique else "(?!x)x"


def _words(entries, before: str = "", after: str = "") -> re.Pattern:
    return re.compile(rf"(?<![\w@]){before}{_alternation(entries)}(?!\w){after}", re.I)


def _past(verb: str) -> str:
    irregular = {"read": "read", "think": "thought", "catch": "caught", "tell": "told", "understand": "understood"}
    head, _, rest = verb.partition(" ")
    if head in irregular:
        past = irregular[head]
    elif head.endswith("y") and head[-2:-1] not in ("a", "e", "o", "u"):
        past = head[:-1] + "ied"
    elif head.endswith("e"):
        past = head + "d"
    else:
        past = head + "ed"
    return f"{past} {rest}".strip()


def _is_adverb(token: str) -> bool:
    low = token.lower()
    return len(low) > 4 and low.endswith("ly") and low not in _NOT_ADVERBS


def _is_verbish(token: str) -> bool:
    low = token.lower()
    if low in _IRREGULAR_PAST or low.endswith(("n't", "n’t")):
        return True
    return token.islower() and len(low) > 4 and low.endswith("ed") and low not in _NOT_VERBS


def _is_participle(token: str) -> bool:
    low = token.lower()
    if low in ("been", "had"):
        return False
    if low in _IRREGULAR_PARTICIPLE or low.endswith("wn"):
        return True
    return len(low) > 4 and (low.endswith("ed") or low.endswith("en"))


# --- the checker ---------------------------------------------------------------------


class Lexicon:
    """The merged word lists with their patterns compiled once."""

    def __init__(self, tables: dict[str, dict[str, tuple[str, ...]]]) -> None:
        people = tables["people"]
        self.pronouns = frozenset(p.lower() for p in people["pronouns"])
        self.not_names = frozenset(n.lower() for n in people["not_names"])
        self.roles = sorted({tuple(r.lower().split()) for r in people["roles"]}, key=len, reverse=True)
        blame, hindsight = tables["blame"], tables["hindsight"]
        counterfactual = hindsight["counterfactual"]
        open_ended = [c for c in counterfactual if c.lower().endswith(("have", "'ve", "’ve"))]
        self.always = _words(blame["always"])
        self.with_person = _words(blame["with_person"])
        self.negated = _words(blame["negated"], before=r"(?:did\s+not|didn['’]t)\s+(?:even\s+)?")
        self.never = _words([_past(v) for v in blame["negated"]], before=r"never\s+(?:even\s+)?")
        gerund = rf"(?!{_alternation(blame['without_except'])}(?!\w))\w{{2,}}ing"
        self.without = re.compile(rf"(?<!\w)without\s+(?:{_alternation(blame['without'])}|{gerund})(?!\w)", re.I)
        self.judged = _words(blame["judged"], after=rf"(?!\s+{_alternation(blame['judged_not_before'])}(?!\w))")
        self.mistake_adverbs = _words(blame["mistake_adverbs"])
        self.judged_artifact = frozenset(w.lower() for w in blame["judged_artifact"])
        self.systemic_gap = _words(blame["systemic_gap"])
        nouns = _alternation(blame["possessive"])
        not_before = _alternation(tables["human_error"]["not_before"])
        self.possessive = re.compile(
            rf"(?<![\w@])(@?\w[\w-]*)(?:['’]s|s['’])\s+(?:[\w-]+\s+)?{nouns}(?!\w)(?!\s+{not_before}(?!\w))", re.I
        )
        self.pronoun_possessive = re.compile(
            rf"(?<!\w)(?:his|her|their)\s+(?:own\s+)?{nouns}(?!\w)(?!\s+{not_before}(?!\w))", re.I
        )
        self.noun_by = re.compile(rf"(?<!\w){nouns}\s+(?:by|of|on\s+the\s+part\s+of)\s+", re.I)
        self.hindsight = _words(hindsight["phrases"])
        self.counterfactual_open = _words(open_ended, after=r"\s+([\w-]+)")
        self.counterfactual_closed = _words([c for c in counterfactual if c not in open_ended])
        self.human_error = _words(tables["human_error"]["phrases"], after=rf"(?!\s+{not_before}(?!\w))")
        judgement = tables["judgement"]
        self.judgement = _words(judgement["words"])
        self.about_person = _words(judgement["about_person"])
        self.remedies = re.compile(rf"{_alternation(tables['passive']['remedies'])}(?!\w)", re.I)

    def role_at(self, tokens: list[str], j: int) -> int:
        """How many tokens from ``j`` on name a role (0 when none do)."""
        lowered = tuple(t.lower() for t in tokens[j : j + 4])
        for role in self.roles:
            words = lowered[: len(role)]
            if len(words) < len(role):
                continue
            if words == role or (words[-1].endswith("s") and words[:-1] + (words[-1][:-1],) == role):
                return len(role)
        return 0

    def is_name(self, token: str, sentence_start: bool) -> bool:
        """Whether ``token`` looks like a person's first name."""
        low = token.lower()
        if not (token[0].isupper() and any(c.islower() for c in token[1:]) and _WORD.fullmatch(token)):
            return False
        if low.endswith(("'s", "’s")) or low in _SKIP or low in _STOP:
            return False  # a possessive or a function word
        if low in self.not_names or low in self.pronouns:
            return False
        return not (sentence_start and low.endswith(_NOUN_SUFFIXES))

    def person_subject(self, tokens: list[str], sentence_start: bool, *, names: bool = True) -> int | None:
        """Index of the first token of a person subject at the start of ``tokens``, or None.

        Without ``names`` only pronouns, roles and @handles count as people.
        """
        i = 0
        while i < len(tokens) and (tokens[i].lower() in _SKIP or _is_adverb(tokens[i])):
            i += 1
        if i == len(tokens):
            return None
        opening = [t.lower() for t in tokens[i : i + 2]]
        if tokens[i].startswith("@") or opening[0] in self.pronouns or " ".join(opening) in self.pronouns:
            return i
        for j in range(i, min(i + 5, len(tokens))):
            token = tokens[j]
            if token.lower() in _STOP:
                return None
            size = self.role_at(tokens, j)
            if size and self._ends_phrase(tokens, j + size):
                return i
            if not size and names and self.is_name(token, sentence_start and j == 0):
                after = j + 1
                if after < len(tokens) and self.is_name(tokens[after], False):
                    after += 1  # a surname
                if self._ends_phrase(tokens, after):
                    return i
            if j > i and _is_verbish(token):
                return None
        return None

    def _ends_phrase(self, tokens: list[str], k: int) -> bool:
        if k >= len(tokens):
            return True
        token = tokens[k]
        return token.lower() in _STOP or _is_adverb(token) or _is_verbish(token) or bool(self.role_at(tokens, k))


class _Text:
    """A text prepared for scanning: code and links masked, clause and sentence breaks known."""

    def __init__(self, text: str) -> None:
        self.text = _MASK.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), text)
        sentences = [(m.start(), m.end()) for m in _SENTENCE_BREAK.finditer(self.text)]
        self.sentence_starts = {0, *(self._skip_space(end) for _, end in sentences)}
        self.sentence_ends = sorted(start for start, _ in sentences)
        breaks = sorted(sentences + [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(self.text)])
        self.break_starts = [s for s, _ in breaks]
        self.clause_starts = [0, *(e for _, e in breaks)]

    def _skip_space(self, pos: int) -> int:
        while pos < len(self.text) and self.text[pos].isspace():
            pos += 1
        return pos

    def clause(self, pos: int) -> tuple[int, int]:
        """Start and end of the clause holding ``pos``."""
        start = self.clause_starts[bisect.bisect_right(self.clause_starts, pos) - 1]
        after = bisect.bisect_right(self.break_starts, pos)
        end = self.break_starts[after] if after < len(self.break_starts) else len(self.text)
        return start, end

    def tokens(self, start: int, end: int) -> list[re.Match]:
        return list(_TOKEN.finditer(self.text, start, end))

    def at_sentence_start(self, pos: int) -> bool:
        return self._skip_space(pos) in self.sentence_starts

    def sentence(self, pos: int) -> tuple[int, int]:
        """Start and end of the sentence holding ``pos``."""
        starts = sorted(self.sentence_starts)
        start = starts[bisect.bisect_right(starts, pos) - 1]
        after = bisect.bisect_right(self.sentence_ends, pos)
        end = self.sentence_ends[after] if after < len(self.sentence_ends) else len(self.text)
        return start, end


class _Scan:
    """One pass of every rule over one text."""

    def __init__(self, text: str, lexicon: Lexicon) -> None:
        self.t = _Text(text)
        self.lex = lexicon
        self.hits: list[Hit] = []

    def add(self, rule: str, start: int, end: int) -> None:
        self.hits.append(Hit(rule, start, end))

    def subject(self, start: int, end: int, *, names: bool = True) -> int | None:
        """Offset where a person subject begins in ``text[start:end]``, or None."""
        matches = self.t.tokens(start, end)
        index = self.lex.person_subject([m[0] for m in matches], self.t.at_sentence_start(start), names=names)
        return None if index is None else matches[index].start()

    def person_before(self, m: re.Match) -> int | None:
        """Where the person who is the subject of ``m``'s clause begins, or None."""
        clause_start, _ = self.t.clause(m.start())
        return self.subject(clause_start, m.start())

    def add_with_person(self, rule: str, m: re.Match, who: int | None) -> None:
        """Report ``m``, starting at its person subject ``who`` when that is near."""
        near = who is not None and m.start() - who <= _SUBJECT_REACH
        self.add(rule, who if near else m.start(), m.end())

    def blame_with_subject(self, rule: str, m: re.Match) -> None:
        """Report ``m`` when the clause before it has a person as its subject."""
        who = self.person_before(m)
        if who is not None and not (rule == "blame-person" and self.explained_by_system(who)):
            self.add_with_person(rule, m, who)

    def explained_by_system(self, who: int) -> bool:
        """Whether the subject at ``who`` is "we" in a sentence that names a systemic gap.

        "We had no performance test stage, so we never tested the regex" tells
        what the organisation lacked; the same verb without the gap still blames.
        """
        if not _WE.match(self.t.text, who):
            return False
        start, end = self.t.sentence(who)
        return bool(self.lex.systemic_gap.search(self.t.text, start, end))

    def run(self) -> list[Hit]:
        lex, text = self.lex, self.t.text
        for m in lex.human_error.finditer(text):
            self.add("human-error", m.start(), m.end())
        for m in lex.always.finditer(text):
            self.add_with_person("blame-person", m, self.person_before(m))
        for pattern in (lex.possessive, lex.pronoun_possessive):
            for m in pattern.finditer(text):
                if pattern is lex.pronoun_possessive or self.owner_is_person(m[1]):
                    self.add("blame-person", m.start(), m.end())
        for m in lex.noun_by.finditer(text):
            _, clause_end = self.t.clause(m.end())
            if self.subject(m.end(), clause_end) is not None:
                self.add("blame-person", m.start(), m.end())
        for pattern in (lex.with_person, lex.negated, lex.never):
            for m in pattern.finditer(text):
                self.blame_with_subject("blame-person", m)
        for m in lex.hindsight.finditer(text):
            self.add("hindsight", m.start(), m.end())
        for m in lex.counterfactual_open.finditer(text):
            if _is_participle(m[1]):
                self.blame_with_subject("hindsight", m)
        for m in lex.counterfactual_closed.finditer(text):
            self.blame_with_subject("hindsight", m)
        self.counterfactual_conditions()
        for m in lex.judgement.finditer(text):
            self.add("judgement-word", m.start(), m.end())
        for m in lex.about_person.finditer(text):
            self.about_person(m)
        for pattern in (lex.mistake_adverbs, lex.without, lex.judged):
            for m in pattern.finditer(text):
                self.contextual(m, passive_after=pattern is lex.judged)
        return _resolve_overlaps(self.hits)

    def owner_is_person(self, owner: str) -> bool:
        return owner.startswith("@") or bool(self.lex.role_at([owner], 0)) or self.lex.is_name(owner, False)

    def counterfactual_conditions(self) -> None:
        """'If <person> had <done>' and a sentence opening 'Had <person> <done>'."""
        for m in _IF_HAD.finditer(self.t.text):
            names = [t[0] for t in self.t.tokens(m.start(1), m.end(1))]
            if _is_participle(m[2]) and self.lex.person_subject(names, False) is not None:
                self.add("hindsight", m.start(), m.end())
        for m in _HAD_FIRST.finditer(self.t.text):
            names = [t[0] for t in self.t.tokens(m.start(1), m.end(1))]
            if (self.t.at_sentence_start(m.start()) and _is_participle(m[2])
                    and self.lex.person_subject(names, False) is not None):
                self.add("hindsight", m.start(), m.end())

    def about_person(self, m: re.Match) -> None:
        """'clearly' and the like: a judgement when they describe what a person did."""
        clause_start, clause_end = self.t.clause(m.start())
        before = self.t.tokens(clause_start, m.start())
        if self.subject(clause_start, m.start()) is not None or (
            not before and self.subject(m.end(), clause_end) is not None
        ):
            self.add("judgement-word", m.start(), m.end())

    def contextual(self, m: re.Match, *, passive_after: bool) -> None:
        """A mistake word: blame with a person as subject, a hidden actor in a passive clause."""
        clause_start, clause_end = self.t.clause(m.start())
        passive = self.passive(m.end() if passive_after else clause_start, clause_end)
        if passive is not None:
            rule = self.agent_rule(passive.end(), clause_end)
            if rule:
                self.add(rule, m.start(), passive.end() if passive_after else m.end())
            return
        who = self.subject(clause_start, m.start())
        if who is None or self.lex.remedies.search(self.t.text, clause_start, m.start()):
            return
        if passive_after and self.names_artifact(m):
            return
        if not self.explained_by_system(who):
            self.add_with_person("blame-person", m, who)

    def names_artifact(self, m: re.Match) -> bool:
        """'pushed the bad rule': after "the" the word names the incident's artifact, not a verdict on a person."""
        before = self.t.text[max(0, m.start() - 12) : m.start()]
        return m[0].lower() in self.lex.judged_artifact and bool(_AFTER_THE.search(before))

    def passive(self, start: int, end: int) -> re.Match | None:
        """The first passive verb in ``text[start:end]`` that is not a fix (such as 'rolled back')."""
        for m in _PASSIVE.finditer(self.t.text, start, end):
            if _is_participle(m[2]):
                return None if self.lex.remedies.match(self.t.text, m.start(2)) else m
        return None

    def agent_rule(self, start: int, end: int) -> str | None:
        """After a passive verb: who did it? A person, a named system, or nobody."""
        by = _BY.search(self.t.text, start, end)
        if by is None:
            return "passive-actor"
        if self.subject(by.end(), end) is not None:
            return "blame-person"
        first = self.t.tokens(by.end(), end)[:1]
        return None if first and first[0][0].lower() in _DETERMINERS else "passive-actor"


def _resolve_overlaps(hits: list[Hit]) -> list[Hit]:
    """Where hits overlap keep the one whose rule comes first in :data:`RULES`, then in text order."""
    order = {rule: n for n, rule in enumerate(RULES)}
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (order[h.rule], h.start, -h.end)):
        if all(hit.end <= k.start or hit.start >= k.end for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: (h.start, h.end))


def scan(text: str, lexicon: Lexicon | None = None) -> list[Hit]:
    """Every blame or hindsight phrasing in ``text``, in text order (code spans and links are skipped)."""
    return list(_scan(text, lexicon or default_lexicon()[0]))


@lru_cache(maxsize=32768)
def _scan(text: str, lexicon: Lexicon) -> tuple[Hit, ...]:
    """:func:`scan`, remembered: every hints panel re-reads the meeting's texts, most of them unchanged."""
    return tuple(_Scan(text, lexicon).run())
