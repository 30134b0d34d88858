"""Who said it: a typed ``@name`` matched to an attendee, and the one rule for the author an entry shows.

An entry keeps two people apart: who typed it (``author``/``author_id``: the
facilitator, whose ``author_id`` is "", or a note-taker's room identity; edit
rights and the time reference use these) and who said it (``speaker``). The
facilitator types on behalf of the room, so what a screen or an export credits
is the speaker, else the note-taker who typed it, else nobody.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .model import Attendee, Meeting


def _key(name: str) -> str:
    """A name as matched: lower case, ``_`` read as a space (an ``@name`` is one word), spaces collapsed."""
    return " ".join(name.replace("_", " ").lower().split())


def resolve_speaker(typed: str, attendees: Iterable[Attendee]) -> str:
    """The attendee's full name that ``typed`` (``@priya``, ``ana_l``) names, else ``typed`` as it was typed.

    A name matches when it is a case-insensitive prefix of exactly one attendee's full name (so of their first
    name too); an exact full or first name wins over longer names it also starts. No match, or several, keeps
    the text (without its ``@``): review then lists it as not an attendee.
    """
    text = typed.strip().removeprefix("@").strip()
    key = _key(text)
    if not key:
        return ""
    names = list(dict.fromkeys(a.name for a in attendees if a.name.strip()))
    starting = [name for name in names if _key(name).startswith(key)]
    if len(starting) > 1:
        starting = [name for name in starting if key in (_key(name), _key(name).split(" ")[0])]
    return starting[0] if len(starting) == 1 else text


def shown_author(entry: object) -> str:
    """Who an entry (event, observation, why, factor) is credited to on screen and in exports.

    The speaker, else the note-taker who typed it (an author with a room identity), else nothing: never the
    facilitator merely for typing it.
    """
    speaker = getattr(entry, "speaker", "")
    if speaker:
        return speaker
    return getattr(entry, "author", "") if getattr(entry, "author_id", "") else ""


def mention(name: str, attendees: Iterable[Attendee]) -> str:
    """The shortest ``@`` word that names attendee ``name`` again: the first name, else the full name with ``_``."""
    attendees = list(attendees)
    first = name.split()[0] if name.split() else name
    for word in (first, name.replace(" ", "_")):
        if resolve_speaker(word, attendees) == name:
            return f"@{word}"
    return "@" + name.replace(" ", "_")


def complete_mention(line: str, attendees: Iterable[Attendee]) -> str | None:
    """``line`` completed while its leading ``@name`` is being typed (``@pri`` -> ``@Priya ``), else None.

    Each attendee is offered as the word that names them (see :func:`mention`), else their full name with ``_``;
    the first in attendee order that starts with what is typed wins.
    """
    start = len(line) - len(line.lstrip())
    typed = line[start:]
    if not typed.startswith("@") or any(c.isspace() for c in typed):
        return None
    attendees = list(attendees)
    key = typed[1:].casefold()
    for person in attendees:
        for word in (mention(person.name, attendees)[1:], person.name.replace(" ", "_")):
            if word.casefold().startswith(key) and " " not in word:
                return f"{line[:start]}@{word} "
    return None


def speakers_not_attending(meeting: Meeting) -> list[str]:
    """Speakers of the meeting's entries that are no attendee's name, in order of first appearance."""
    attending = {_key(a.name) for a in meeting.attendees}
    return list(dict.fromkeys(s for s in _speakers(meeting) if _key(s) not in attending))


def _speakers(meeting: Meeting) -> Iterator[str]:
    for entries in (meeting.sorted_events(), meeting.observations, meeting.factors):
        yield from (e.speaker for e in entries if e.speaker)
    yield from (w.speaker for c in meeting.chains for w in c.whys if w.speaker)
