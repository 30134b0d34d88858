"""What a note-taker's typed line adds: one reading, the same in ``pmtui join`` and in the room.

``pmtui join`` reads a line as it is typed (to show it at once and refuse a bad one before sending it,
:meth:`~pmtui.room.view.NotesView.read_line`); a browser page sends the raw line (``entry``) and the room reads
it (:class:`~pmtui.room.server.RoomServer`). Both call these two functions, so a line means the same wherever it
was typed, and a bad one gets the same one-line message.
"""

from __future__ import annotations

from typing import Any, cast

from ..entry_grammar import (
    OBSERVATION_WORDS,
    PLAIN,
    EventEntry,
    ObservationEntry,
    QuickEntryError,
    WhyEntry,
    mark,
    read_entry,
    split_speaker,
)
from ..session import FIVE_WHYS, five_whys_closed
from . import protocol
from .protocol import AddEvent, AddObservation, AddWhy

NOTE_TAKER_ENTRIES = ("event", "went_well", "why")
"""What a note-taker's unprefixed line can be: the phase's meaning when a note-taker can add it, else an event."""

NoteEntry = EventEntry | ObservationEntry | WhyEntry
"""What a note-taker's line can be read as."""


def read_note(line: str, phase_kind: str | None, **context: Any) -> NoteEntry:
    """``line`` read by the one grammar in a phase of ``phase_kind`` (None: not known yet, read as the timeline).

    ``context`` is the zone, day and reference time of a typed time (see
    :func:`~pmtui.entry_grammar.parse_event_line`). Raises QuickEntryError with a one-line reason.
    """
    kind = phase_kind or "timeline"
    plain = PLAIN.get(kind, "event")
    # the prefixes and the meanings allowed here read only these
    return cast(NoteEntry, read_entry(line, kind, plain=plain if plain in NOTE_TAKER_ENTRIES else "event", **context))


def note_change(entry: NoteEntry, line: str, change_id: str, *, phase_kind: str | None, phase_title: str,
                chain_id: str | None) -> AddEvent | AddObservation | AddWhy:
    """The change ``entry`` (read from ``line`` by :func:`read_note`) makes, with id ``change_id``.

    An event keeps its line (without the ``@name``): the room reads its time again on arrival, as the trust
    boundary. A why is a proposal on chain ``chain_id`` (the current one), refused when there is none or outside
    the Five Whys phase (``phase_kind`` None: not known yet, left to the room). Raises QuickEntryError or
    ProtocolError (the message's field checks) with a one-line reason.
    """
    data: dict[str, Any] = {"speaker": entry.speaker} if entry.speaker else {}
    if isinstance(entry, EventEntry):
        data.update(type="add_event", line=split_speaker(line)[1].strip())
    elif isinstance(entry, WhyEntry):
        if chain_id is None:
            raise QuickEntryError("no Five Whys chain yet: the facilitator starts one in the Five Whys phase")
        if phase_kind is not None and phase_kind != FIVE_WHYS:
            raise QuickEntryError(five_whys_closed(phase_title))
        data.update(type="add_why", text=entry.text, chain_id=chain_id)
    else:
        if not entry.text:
            raise QuickEntryError(f"type what {OBSERVATION_WORDS[entry.kind]} after the {mark(entry.kind)!r}")
        data.update(type="add_observation", kind=entry.kind, text=entry.text)
        if entry.by and not entry.speaker:
            data["speaker"] = entry.by
    return cast(AddEvent | AddObservation | AddWhy, protocol.read_client_message(dict(data, id=change_id)))
