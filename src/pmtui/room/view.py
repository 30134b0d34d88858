"""What a note-taker sees: the room's state merged with their own changes still on their way.

The facilitator's messages say what is stored; the outbox holds what this
note-taker typed and the facilitator has not acknowledged yet. This module
merges the two without Textual, so the rules are tested on their own: an add
shows (marked pending) until it is acknowledged, an edit shows as typed, a
removal shows struck through, a refused change comes back as the typed line,
and a snapshot after a reconnect shows each entry once. The note-taker's screen
only draws the rows.

A typed line is read here, once: its grammar (a timeline event's time, in the
meeting's zone and day) and the protocol's checks; the facilitator reads it
again on arrival, as the trust boundary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol, TypeVar

from ..entry_grammar import (
    WHY_PREFIX,
    EventEntry,
    QuickEntryError,
    mark,
    parse_event_line,
    read_observation_edit,
)
from ..timeparse import TimeFormatError, local
from . import protocol
from .client import RoomState, new_change_id
from .lines import note_change, read_note
from .protocol import (
    AddEvent,
    AddObservation,
    AddWhy,
    ClientMessage,
    EditEntry,
    RemoveEntry,
    RoomEvent,
    RoomIncident,
    RoomRootCause,
)

_Row = TypeVar("_Row")
_Changes = dict[str, EditEntry | RemoveEntry]
"""The newest pending edit or removal of each entry, by the entry's id (:meth:`NotesView.changes`)."""


class Notebook(Protocol):
    """The note-taker's side of the room (a :class:`~pmtui.room.client.RoomClient`)."""

    room: RoomState
    name: str | None
    identity: str | None  # this note-taker's author id in the room (None before the room issued one)

    @property
    def pending(self) -> list[ClientMessage]: ...

    def is_pending(self, change_id: str) -> bool: ...


class NotYours(Exception):
    """The entry was added by someone else (or on the facilitator's screen); the message is one line."""


@dataclass(frozen=True)
class EventRow:
    """One timeline row as the note-taker sees it."""

    id: str
    moment: datetime | None  # None: a typed time this machine cannot read (the facilitator will tell)
    time: str  # as shown: in the meeting's zone, with the date only when it is not the incident's day
    description: str
    actor: str
    author: str
    pending: bool  # a change of this note-taker's is on its way
    removing: bool  # ... and it is a removal


@dataclass(frozen=True)
class ObservationRow:
    """One observation as the note-taker sees it."""

    id: str
    kind: str
    text: str
    author: str
    pending: bool
    removing: bool


@dataclass(frozen=True)
class Why:
    """A stored answer of the current chain."""

    text: str
    author: str
    pending: bool


@dataclass(frozen=True)
class ChainView:
    """The current Five Whys chain, with the answers proposed (stored, for the facilitator to place), put aside,
    and this note-taker's answers on their way after the stored ones."""

    problem: str
    whys: tuple[Why, ...]
    waiting: tuple[str, ...]
    root_cause: RoomRootCause | None
    proposed: tuple[Why, ...] = ()
    set_aside: tuple[Why, ...] = ()


def typed_text(message: ClientMessage) -> str:
    """The line that would send ``message`` again ("" for a removal)."""
    said = f"@{message.speaker} " if isinstance(message, (AddEvent, AddObservation, AddWhy)) and message.speaker else ""
    match message:
        case AddEvent(line=str(line)):
            return said + line
        case AddEvent():
            extra = " | ".join(p for p in (message.actor, message.evidence) if p)
            return said + f"{message.time} {message.description}" + (f" | {extra}" if extra else "")
        case AddObservation():
            return said + f"{mark(message.kind)} {message.text}"
        case AddWhy():
            return said + f"{WHY_PREFIX} {message.text}"
        case EditEntry():
            return message.line
    return ""


def event_line(event: RoomEvent, incident: RoomIncident | None) -> str:
    """A stored event as an entry line (the date only when it is not the incident's day)."""
    try:
        shown = local(event.time, incident.tz if incident else "UTC")
    except TimeFormatError:
        shown = event.time
    same_day = incident is not None and shown.date() == incident.date
    line = f"{shown.strftime('%H:%M:%S' if same_day else '%Y-%m-%d %H:%M:%S')} {event.description}"
    if event.evidence:
        return f"{line} | {event.actor} | {event.evidence}"
    return f"{line} | {event.actor}" if event.actor else line


class NotesView:
    """The rows, chain and lines of a note-taker's screen, from the room and the pending changes."""

    def __init__(self, notes: Notebook) -> None:
        self.notes = notes
        self._readings: dict[str, tuple[tuple[Any, ...], EventEntry | None]] = {}
        self._last_typed: datetime | None = None  # this note-taker's latest event time, as the facilitator keeps it

    # --- typing ------------------------------------------------------------------------------

    def read_line(self, line: str, editing: str | None = None) -> ClientMessage:
        """The change a typed line makes (a new entry, or an edit of own entry ``editing``).

        The line is read by the one quick-entry grammar (:func:`~pmtui.entry_grammar.read_entry`), as on the
        facilitator's screen, through :mod:`pmtui.room.lines`, as the room reads a browser page's ``entry``.
        Raises QuickEntryError, TimeFormatError or ProtocolError with a one-line reason.
        """
        change_id = new_change_id()
        if editing is not None:
            if self.is_event(editing):
                stored = self.notes.room.events.get(editing)
                self._remember(change_id, self._read_event(line, stored.time if stored else None))
            elif not read_observation_edit("went_well", line).text:
                raise QuickEntryError("type the observation's text")
            return protocol.read_client_message({"type": "edit", "id": change_id, "item": editing, "line": line})
        clock = self.notes.room.clock
        phase_kind = clock.kind if clock is not None else None
        entry = read_note(line, phase_kind, **self._event_context())
        if isinstance(entry, EventEntry):
            self._remember(change_id, entry)
            self._last_typed = entry.time
        chain = self.notes.room.chain
        return note_change(entry, line, change_id, phase_kind=phase_kind, phase_title=clock.title if clock else "",
                           chain_id=chain.id if chain is not None else None)

    def forget(self, change_id: str) -> None:
        """The change is stored or refused: its reading is no longer needed."""
        self._readings.pop(change_id, None)

    def _read_event(self, line: str, near: datetime | None = None) -> EventEntry:
        """Read an event line as the facilitator will: in the meeting's zone, a clock-only time within 12 hours
        of ``near`` (the edited event), else of this note-taker's previous event, else of the impact start,
        else on the incident's day.

        The facilitator's reading is the one stored; this one places the row until it arrives.
        """
        return parse_event_line(line, **self._event_context(near))

    def _event_context(self, near: datetime | None = None) -> dict[str, Any]:
        """The zone, day and reference time a typed clock-only time is read in (see :meth:`_read_event`)."""
        incident = self.notes.room.incident
        if incident is None:  # not connected yet: at least keep a run of typed times in order across midnight
            return {"near": near or self._last_typed}
        return {"tz": incident.tz, "on": incident.date, "near": near or self._last_typed or incident.impact_start}

    def _context(self) -> tuple[Any, ...]:
        incident = self.notes.room.incident
        return (incident.tz, incident.date) if incident else ()

    def _remember(self, change_id: str, entry: EventEntry | None) -> None:
        self._readings[change_id] = (self._context(), entry)

    def _reading(self, message: AddEvent | EditEntry) -> EventEntry | None:
        """The typed event line of ``message`` as read (once per meeting zone and day); None if unreadable."""
        line = message.line
        if line is None:
            return None
        known = self._readings.get(message.id)
        if known is not None and known[0] == self._context():
            return known[1]
        stored = self.notes.room.events.get(message.item) if isinstance(message, EditEntry) else None
        try:
            entry: EventEntry | None = self._read_event(line, stored.time if stored else None)
        except (QuickEntryError, TimeFormatError):
            entry = None
        self._remember(message.id, entry)
        return entry

    # --- the merge ---------------------------------------------------------------------------

    def changes(self) -> _Changes:
        """The newest pending edit or removal of each entry, by the entry's id."""
        return {m.item: m for m in self.notes.pending if isinstance(m, (EditEntry, RemoveEntry))}

    def pending_add(self, item: str) -> AddEvent | AddObservation | AddWhy | None:
        """The change that adds ``item``, while the facilitator does not have it yet."""
        return next((m for m in self.notes.pending if m.id == item and isinstance(m, (AddEvent, AddObservation,
                                                                                      AddWhy))), None)

    def is_event(self, item: str) -> bool:
        """Whether ``item`` is a timeline event (stored, or added and on its way)."""
        return item in self.notes.room.events or isinstance(self.pending_add(item), AddEvent)

    def shown_time(self, moment: datetime) -> str:
        """A time in the meeting's zone: HH:MM:SS on the incident's day, else with the date.

        Before the meeting is known (started offline) the day is a guess: only the time typed shows.
        """
        incident = self.notes.room.incident
        if incident is None:
            return moment.strftime("%H:%M:%S")
        try:
            shown = local(moment, incident.tz if incident else "UTC")
        except TimeFormatError:
            shown = moment
        same_day = incident is not None and incident.date == shown.date()
        return shown.strftime("%H:%M:%S" if same_day else "%b %d %H:%M")

    def _rows(self, stored: Mapping[str, object], added_as: type[AddEvent | AddObservation],
              row: Callable[[str, _Changes], _Row | None]) -> list[_Row]:
        """The rows of the ``stored`` items in the room's order, then of this note-taker's ``added_as`` changes not
        stored yet, leaving out those with no row; one rule for the timeline and the observations, so an entry on
        its way shows in the same place in both."""
        changes = self.changes()
        added = [m.id for m in self.notes.pending if isinstance(m, added_as) and m.id not in stored]
        rows = (row(item, changes) for item in [*stored, *added])
        return [shown for shown in rows if shown is not None]

    def event_rows(self) -> list[EventRow]:
        """Every timeline row: the stored events, then this note-taker's events on their way."""
        return self._rows(self.notes.room.events, AddEvent, self._event_row)

    def event_row(self, item: str) -> EventRow | None:
        """The row of event ``item`` as it stands now, or None when it is not (or no longer) in the timeline."""
        return self._event_row(item, self.changes())

    def _event_row(self, item: str, changes: _Changes) -> EventRow | None:
        event = self.notes.room.events.get(item)
        added = self.pending_add(item) if event is None else None
        if event is None and not isinstance(added, AddEvent):
            return None
        change = changes.get(item)
        if isinstance(change, EditEntry):
            return self._typed_row(item, change)
        if isinstance(added, AddEvent):
            row = self._typed_row(item, added)
        else:
            row = EventRow(item, event.time, self.shown_time(event.time), event.description, event.actor,
                           event.author, change is not None or self.notes.is_pending(item), False)
        return replace(row, removing=True) if change is not None else row

    def _typed_row(self, item: str, message: AddEvent | EditEntry) -> EventRow:
        """The row of an event as this note-taker typed it (added or edited, not stored yet)."""
        entry = self._reading(message)
        if entry is not None:
            moment, time, description, actor = entry.time, self.shown_time(entry.time), entry.description, entry.actor
        elif isinstance(message, AddEvent) and message.line is None:
            moment, time, description, actor = None, message.time or "?", message.description or "", message.actor
        else:
            moment, time, description, actor = None, "?", message.line or "", ""
        return EventRow(item, moment, time, description, actor, self.notes.name or "", True, False)

    def observation_rows(self) -> list[ObservationRow]:
        """Every observation: the stored ones, then this note-taker's on their way."""
        return self._rows(self.notes.room.observations, AddObservation, self._observation_row)

    def observation_row(self, item: str) -> ObservationRow | None:
        """The row of observation ``item`` as it stands now, or None when there is none."""
        return self._observation_row(item, self.changes())

    def _observation_row(self, item: str, changes: _Changes) -> ObservationRow | None:
        stored = self.notes.room.observations.get(item)
        if stored is not None:
            kind, text, author = stored.kind, stored.text, stored.author
        else:
            added = self.pending_add(item)
            if not isinstance(added, AddObservation):
                return None
            kind, text, author = added.kind, added.text, self.notes.name or ""
        change = changes.get(item)
        if isinstance(change, EditEntry):
            edit = read_observation_edit(kind, change.line)
            kind, text = edit.kind, edit.text
        return ObservationRow(item, kind, text, author, change is not None or self.notes.is_pending(item),
                              isinstance(change, RemoveEntry))

    def chain(self) -> ChainView | None:
        """The current chain with this note-taker's answers on their way, or None before the first chain."""
        chain = self.notes.room.chain
        if chain is None:
            return None
        known = {why.id for why in (*chain.whys, *chain.proposals, *chain.set_aside)}

        def shown(whys: tuple[protocol.RoomWhy, ...]) -> tuple[Why, ...]:
            return tuple(Why(why.text, why.author, self.notes.is_pending(why.id)) for why in whys)

        return ChainView(
            chain.problem,
            shown(chain.whys),
            tuple(m.text for m in self.notes.pending if isinstance(m, AddWhy) and m.id not in known),
            chain.root_cause,
            shown(chain.proposals),
            shown(tuple(w for w in chain.set_aside if protocol.owns(self.notes.identity, w.id, w.author_id))),
        )

    # --- own entries -----------------------------------------------------------------------------

    def own_line(self, item: str) -> str:
        """The line that rewrites own entry ``item`` as it stands (NotYours when someone else added it)."""
        notes, room = self.notes, self.notes.room
        added = self.pending_add(item)
        stored = room.events.get(item) or room.observations.get(item)
        if added is None and (stored is None or not protocol.owns(notes.identity, item, stored.author_id)):
            author = stored.author if stored is not None else ""
            whose = f"{author}'s" if author else "the facilitator's"
            raise NotYours(f"That is {whose} entry: you can change only what you added.")
        change = self.changes().get(item)
        if isinstance(change, EditEntry):
            return change.line
        if added is not None:
            return typed_text(added)
        if isinstance(stored, RoomEvent):
            return event_line(stored, room.incident)
        return f"{mark(stored.kind)} {stored.text}"
