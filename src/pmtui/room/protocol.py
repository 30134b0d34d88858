"""The room's JSON messages, their size limits and their field-by-field validation.

Every WebSocket frame is one JSON object with a ``"type"``.

Note-taker -> facilitator (validated by :func:`parse_client_message`; nothing
else is accepted, so a note-taker cannot move the agenda)::

    {"type": "hello", "name": "alice", "key": KEY}                    # once, before any change; KEY
                                                                      # only once the room issued one
    {"type": "add_event", "id": ID, "line": "14:37 errors | bob | grafana"}
    {"type": "add_event", "id": ID, "time": "14:37", "description": "...",
     "actor": "...", "evidence": "..."}                              # actor/evidence optional
    {"type": "add_observation", "id": ID, "kind": "went_well", "text": "..."}
    {"type": "add_why", "id": ID, "text": "...", "chain_id": "..."}   # chain_id optional; a proposal the
                                                                      # facilitator places (Five Whys phase only)
    {"type": "entry", "id": ID, "line": "@bob + the pager woke us"}   # a line as typed (a browser page):
                                                                      # the room reads it (see below)
    {"type": "edit", "id": ID, "item": ITEM, "line": "14:38 errors | bob"}  # an event, or "+ text" etc.
    {"type": "remove", "id": ID, "item": ITEM}
    {"type": "typing"}                    # the note-taker is typing (at most one a second; never the text)

``ID`` is the client-generated id of the change (uuid4 hex, 32 lowercase hex
digits); the facilitator applies an id at most once and acknowledges it every
time it sees it. An added event or observation takes its change id as its own
id; ``edit`` and ``remove`` name such an ``ITEM``, and the facilitator refuses
them for anything the note-taker did not add themselves (see :func:`owns`).
An edit sets the whole entry, so one sent again gives the same result.

``entry`` is a browser page's only way to add: the room reads the raw line
with the one grammar in the meeting's current phase, as ``pmtui join`` reads
what is typed in it (:mod:`pmtui.room.lines`: ``+ - ! ?`` prefixes, ``@name``,
an unprefixed line is what the phase is for when a note-taker may add that,
else a timeline event whose clock-only time is read within 12 hours of this
note-taker's previous event, else of the impact start), and applies it as the
matching ``add_event``, ``add_observation`` or ``add_why`` (a proposal on the
current chain) with the same id. A bad line gets ``error`` with the message
``pmtui join`` shows for it; an id applied before gets ``ack`` (duplicate),
whatever the line reads as now.

The room answers a hello with ``joined`` (with a new ``key`` when none was
given: the note-taker keeps it, see :mod:`pmtui.room.identity`) or ``refused``;
a note-taker sends changes only once joined. Changes beyond the room's rate
get ``slow_down``: the room ignores that connection's changes until the one
named comes again, and the note-taker sends it and those after it again once
``retry_after`` seconds have passed, so nothing is lost and nothing overtakes.

Facilitator -> note-taker (built by the helpers below; read into typed messages by
:func:`parse_server_message`, one dataclass per kind, ``event`` and ``events`` both as
:class:`EventsChanged`)::

    welcome   the full state on connect: incident, phase + clock, events, observations, chain
    event / events / event_removed              timeline deltas
    observation / observation_removed           observation deltas
    chain                                       the current (most recent) Five Whys chain, with the
                                                proposed answers waiting for the facilitator and those put aside
    clock                                       phase and clock state (phase change, pause, extend)
    incident                                    title, time zone, date
    joined    {"type": "joined", "name": "...", "author": AUTHOR_ID, "key": KEY}  the hello is accepted
              (``key`` only when the room issued a new one)
    refused   {"type": "refused", "reason": "name" | "removed" | "replaced", "message": "..."}
              "name": say hello again with another name; the others end this connection for good
    slow_down {"type": "slow_down", "ref": ID, "retry_after": seconds}   send ID and what follows again later
    ack       {"type": "ack", "ref": ID, "duplicate": bool}   the change is on disk
    error     {"type": "error", "ref": ID or null, "message": "..."}
    bye       {"type": "bye", "message": "..."}   the facilitator stopped sharing
    ended     {"type": "ended", "message": "...", "events": n, "observations": n, "whys": n}
              the meeting is over; the counts are this note-taker's entries in it
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..model import OBSERVATION_KINDS, Observation, TimelineEvent, Why, WhyChain
from ..speakers import shown_author
from ..text import LIMITS, TextError, clean
from ..text import check as check_text
from .identity import KEY_PATTERN

PROTOCOL_VERSION = 2
MAX_MESSAGE_BYTES = 16 * 1024
"""The largest message a note-taker may send; bigger ones get an error reply."""
TRANSPORT_MAX_BYTES = 64 * 1024
"""aiohttp's ``max_msg_size`` on the server: beyond this the socket is closed (1009)."""

MAX_NAME = LIMITS["name"]
MAX_LINE = LIMITS["line"]
MAX_TIME = LIMITS["time"]
MAX_DESCRIPTION = LIMITS["description"]
MAX_ACTOR = LIMITS["actor"]
MAX_EVIDENCE = LIMITS["evidence"]
MAX_TEXT = LIMITS["text"]
MAX_SPEAKER = LIMITS["person"]
MAX_CHAIN_ID = 64

ID_PATTERN = re.compile(r"[0-9a-f]{32}")
_ENTRY_ID_PATTERN = re.compile(r"[0-9A-Za-z_-]{1,64}")

ENDED_COUNTS = ("events", "observations", "whys")
"""What the ``ended`` message counts of a note-taker's entries."""


class ProtocolError(ValueError):
    """A message that is refused; ``ref`` is its change id when it had a readable one."""

    def __init__(self, message: str, ref: str | None = None) -> None:
        super().__init__(message)
        self.ref = ref


# --- note-taker messages ------------------------------------------------------


@dataclass(frozen=True)
class Hello:
    """A note-taker says who they are: the name shown, and the key the room issued them (None the first time)."""

    name: str
    key: str | None = None


@dataclass(frozen=True)
class AddEvent:
    """A timeline event, as a quick-entry ``line`` or as separate fields."""

    id: str
    line: str | None = None
    time: str | None = None
    description: str | None = None
    actor: str = ""
    evidence: str = ""
    speaker: str = ""  # who said it: an @name as typed (the facilitator's session matches it to an attendee)


@dataclass(frozen=True)
class AddObservation:
    """What went well / poorly / where we got lucky."""

    id: str
    kind: str
    text: str
    speaker: str = ""


@dataclass(frozen=True)
class AddWhy:
    """A suggested answer for a Five Whys chain (the most recent one unless ``chain_id``)."""

    id: str
    text: str
    chain_id: str | None = None
    speaker: str = ""


@dataclass(frozen=True)
class RawEntry:
    """A line as the note-taker typed it, for the room to read (a browser page's ``entry``): no field is split
    here, so the room's reading (:mod:`pmtui.room.lines`) and its one-line refusals are those of ``pmtui join``."""

    id: str
    line: str


@dataclass(frozen=True)
class EditEntry:
    """A note-taker rewrites an event or observation they added: the line as typed in the entry."""

    id: str
    item: str
    line: str


@dataclass(frozen=True)
class RemoveEntry:
    """A note-taker removes an event or observation they added."""

    id: str
    item: str


@dataclass(frozen=True)
class Typing:
    """The note-taker is typing: no text, no id; the room shows "typing…" next to their name for a moment."""


ClientMessage = Hello | AddEvent | AddObservation | AddWhy | RawEntry | EditEntry | RemoveEntry | Typing


def owns(identity: str | None, entry_id: str, author_id: str) -> bool:
    """Whether the note-taker with room identity ``identity`` may edit or remove the entry: they added it.

    The check is on the identity (an author id, see :mod:`pmtui.room.identity`),
    never on the display name. Entries made on the facilitator's screen, and
    entries stored before note-takers had identities, have no author id, so no
    note-taker can touch them; the facilitator can.
    """
    return bool(identity) and author_id == identity and ID_PATTERN.fullmatch(entry_id) is not None


def clean_text(value: str, what: str, limit: int, *, required: bool = True) -> str:
    """``value`` stripped, or ProtocolError: too long, empty, or against :mod:`pmtui.text`'s rule."""
    if len(value) > limit:
        raise ProtocolError(f"{what} is too long ({len(value)} characters; at most {limit})")
    try:
        text = check_text(value, what, "line")
    except TextError as exc:
        raise ProtocolError(str(exc)) from None
    if required and not text:
        raise ProtocolError(f"{what} is empty")
    return text


def check_name(value: object) -> str:
    """A note-taker's display name (1 to 40 printable characters)."""
    if not isinstance(value, str):
        raise ProtocolError(f"'name' must be a string, not {_json_type(value)}")
    return clean_text(value, "the name", MAX_NAME)


def _key(field: str, value: object) -> str:
    if not isinstance(value, str) or not KEY_PATTERN.fullmatch(value):
        raise ProtocolError(f"'{field}' must be the key this room issued (22 to 128 letters, digits, '-' or '_')")
    return value


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _string(limit: int, *, required: bool = True) -> Callable[[str, object], str]:
    def check(field: str, value: object) -> str:
        if not isinstance(value, str):
            raise ProtocolError(f"'{field}' must be a string, not {_json_type(value)}")
        return clean_text(value, f"'{field}'", limit, required=required)

    return check


def _raw_line(field: str, value: object) -> str:
    """A typed line as sent: its text is checked field by field once it is read (the message is size-limited)."""
    if not isinstance(value, str):
        raise ProtocolError(f"'{field}' must be a string, not {_json_type(value)}")
    return value


def _change_id(field: str, value: object) -> str:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise ProtocolError(f"'{field}' must be 32 lowercase hex digits (a uuid4 hex), got {_json_type(value)}")
    return value


def _item_id(field: str, value: object) -> str:
    if not isinstance(value, str) or not _ENTRY_ID_PATTERN.fullmatch(value):
        raise ProtocolError(f"'{field}' must be the id of an event or observation (up to {MAX_CHAIN_ID} letters, "
                            "digits, '-' or '_')")
    return value


def _kind(field: str, value: object) -> str:
    if not isinstance(value, str) or value not in OBSERVATION_KINDS:
        raise ProtocolError(f"'{field}' must be one of {', '.join(OBSERVATION_KINDS)}")
    return value


def _chain_id(field: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _ENTRY_ID_PATTERN.fullmatch(value):
        raise ProtocolError(f"'{field}' must be a chain id (up to {MAX_CHAIN_ID} letters, digits, '-' or '_') or null")
    return value


def _version(field: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ProtocolError(f"'{field}' must be an integer, not {_json_type(value)}")
    if value != PROTOCOL_VERSION:
        raise ProtocolError(f"protocol version {value} is not supported (this facilitator speaks {PROTOCOL_VERSION})")
    return value


# field name -> (validator, required)
_SCHEMAS: dict[str, dict[str, tuple[Callable[[str, object], Any], bool]]] = {
    "hello": {"name": (lambda f, v: check_name(v), True), "key": (_key, False), "version": (_version, False)},
    "add_event": {
        "id": (_change_id, True),
        "line": (_string(MAX_LINE), False),
        "time": (_string(MAX_TIME), False),
        "description": (_string(MAX_DESCRIPTION), False),
        "actor": (_string(MAX_ACTOR, required=False), False),
        "evidence": (_string(MAX_EVIDENCE, required=False), False),
        "speaker": (_string(MAX_SPEAKER, required=False), False),
    },
    "add_observation": {"id": (_change_id, True), "kind": (_kind, True), "text": (_string(MAX_TEXT), True),
                        "speaker": (_string(MAX_SPEAKER, required=False), False)},
    "add_why": {"id": (_change_id, True), "text": (_string(MAX_TEXT), True), "chain_id": (_chain_id, False),
                "speaker": (_string(MAX_SPEAKER, required=False), False)},
    "entry": {"id": (_change_id, True), "line": (_raw_line, True)},
    "edit": {"id": (_change_id, True), "item": (_item_id, True), "line": (_string(MAX_LINE), True)},
    "remove": {"id": (_change_id, True), "item": (_item_id, True)},
    "typing": {},
}
CLIENT_TYPES = tuple(_SCHEMAS)


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def decode(raw: str | bytes) -> Any:
    """Strict JSON: no NaN/Infinity, no duplicate keys, bounded nesting (ProtocolError)."""
    if isinstance(raw, (bytes, bytearray)):
        raise ProtocolError("send JSON as a text frame, not binary")
    size = len(raw.encode("utf-8", "surrogatepass"))
    if size > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message too large ({size} bytes; at most {MAX_MESSAGE_BYTES})")
    try:
        return json.loads(raw, parse_constant=_no_constants, object_pairs_hook=_no_duplicates)
    except RecursionError:
        raise ProtocolError("message is not valid JSON: nested too deeply") from None
    except ValueError as exc:
        raise ProtocolError(f"message is not valid JSON: {str(exc)[:120]}") from None


def parse_client_message(raw: str | bytes) -> ClientMessage:
    """Validate one frame from a note-taker into a message, or raise ProtocolError."""
    data = decode(raw)
    if not isinstance(data, dict):
        raise ProtocolError(f"a message must be a JSON object, not {_json_type(data)}")
    return read_client_message(data)


def read_client_message(data: dict) -> ClientMessage:
    """Validate one note-taker message given as a dict (from the wire, or typed on this machine)."""
    ref = data.get("id") if isinstance(data.get("id"), str) and ID_PATTERN.fullmatch(data["id"]) else None
    kind = data.get("type")
    if not isinstance(kind, str):
        raise ProtocolError("a message needs a string 'type'", ref)
    schema = _SCHEMAS.get(kind)
    if schema is None:
        shown = kind if len(kind) <= 40 else kind[:40] + "…"
        raise ProtocolError(f"unknown message type {shown!r}; known: {', '.join(CLIENT_TYPES)}", ref)
    unknown = sorted(str(k) for k in data if k != "type" and k not in schema)
    if unknown:
        shown = unknown[0] if len(unknown[0]) <= 40 else unknown[0][:40] + "…"
        raise ProtocolError(f"unknown field {shown!r} in {kind!r}", ref)
    values: dict[str, Any] = {}
    for field, (check, required) in schema.items():
        if field not in data:
            if required:
                raise ProtocolError(f"{kind!r} needs the field {field!r}", ref)
            continue
        try:
            values[field] = check(field, data[field])
        except ProtocolError as exc:
            raise ProtocolError(str(exc), ref) from None
    if kind == "hello":
        return Hello(values["name"], values.get("key"))
    if kind == "add_event":
        has_line = "line" in values
        has_fields = "time" in values or "description" in values
        if has_line == has_fields or (has_line and ("actor" in values or "evidence" in values)):
            raise ProtocolError("'add_event' needs either 'line', or 'time' and 'description' (with optional "
                                "'actor' and 'evidence')", ref)
        if has_fields and not ("time" in values and "description" in values):
            raise ProtocolError("'add_event' needs both 'time' and 'description'", ref)
        return AddEvent(**values)
    if kind == "add_observation":
        return AddObservation(**values)
    if kind == "entry":
        return RawEntry(**values)
    if kind == "edit":
        return EditEntry(**values)
    if kind == "remove":
        return RemoveEntry(**values)
    if kind == "typing":
        return Typing()
    return AddWhy(**values)


_CLIENT_TYPE_NAMES: dict[type, str] = {Hello: "hello", AddEvent: "add_event", AddObservation: "add_observation",
                                       AddWhy: "add_why", RawEntry: "entry", EditEntry: "edit", RemoveEntry: "remove",
                                       Typing: "typing"}


def client_message_data(message: ClientMessage) -> dict:
    """A note-taker message as sent (and kept in the outbox): empty optional fields are left out."""
    fields = {k: v for k, v in vars(message).items()
              if v is not None and not (k in ("actor", "evidence", "speaker") and v == "")}
    return {"type": _CLIENT_TYPE_NAMES[type(message)], **fields}


# --- facilitator messages -----------------------------------------------------


def dumps(message: dict) -> str:
    """Compact JSON for the wire."""
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def event_data(event: TimelineEvent) -> dict:
    """A timeline event as sent to note-takers; its ``author`` is who it is credited to (``shown_author``)."""
    return {
        "id": event.id,
        "time": event.time.isoformat(),
        "description": event.description,
        "actor": event.actor,
        "evidence": event.evidence,
        "author": shown_author(event),
        "author_id": event.author_id,
        "decision_point": event.decision_point,
    }


def observation_data(observation: Observation) -> dict:
    """An observation as sent to note-takers."""
    return {"id": observation.id, "kind": observation.kind, "text": observation.text,
            "author": shown_author(observation), "author_id": observation.author_id}


def chain_data(chain: WhyChain | None) -> dict | None:
    """A Five Whys chain as sent to note-takers (None when there is none)."""
    if chain is None:
        return None
    return {
        "id": chain.id,
        "problem": chain.problem,
        "author": shown_author(chain),
        "whys": [_why_data(w) for w in chain.whys],
        "proposals": [_why_data(w) for w in chain.proposals],
        "set_aside": [_why_data(w) for w in chain.set_aside],
        "root_cause": None if chain.root_cause is None else {"text": chain.root_cause.text,
                                                             "category": chain.root_cause.category},
    }


def _why_data(why: Why) -> dict:
    return {"id": why.id, "text": why.text, "author": shown_author(why), "author_id": why.author_id}


def ended(message: str, counts: Mapping[str, int]) -> dict:
    """The meeting is over: ``counts`` are this note-taker's events, observations and whys in it."""
    return {"type": "ended", "message": message, **{kind: counts.get(kind, 0) for kind in ENDED_COUNTS}}


def ack(ref: str, *, duplicate: bool = False) -> dict:
    """The change ``ref`` is stored (on disk); the note-taker may forget it."""
    return {"type": "ack", "ref": ref, "duplicate": duplicate}


def joined(name: str, author: str, key: str | None = None) -> dict:
    """The hello is accepted: the note-taker is ``author`` in this room (``key`` when newly issued)."""
    message = {"type": "joined", "name": name, "author": author}
    if key is not None:
        message["key"] = key
    return message


def refused(reason: str, message: str) -> dict:
    """A hello refused ("name"), or a note-taker sent away ("removed", "replaced")."""
    return {"type": "refused", "reason": reason, "message": message}


def slow_down(ref: str, retry_after: float) -> dict:
    """Too many changes: send ``ref`` and everything after it again in ``retry_after`` seconds."""
    return {"type": "slow_down", "ref": ref, "retry_after": round(retry_after, 3)}


def error(message: str, ref: str | None = None) -> dict:
    """A refusal: ``ref`` is the change id it concerns (null for the message as a whole)."""
    return {"type": "error", "ref": ref, "message": message}


# --- facilitator messages, as the note-taker reads them ----------------------------


@dataclass(frozen=True)
class RoomEvent:
    """A timeline event as a note-taker knows it."""

    id: str
    time: datetime
    description: str
    actor: str
    evidence: str
    author: str
    decision_point: bool = False
    author_id: str = ""


@dataclass(frozen=True)
class RoomObservation:
    """An observation as a note-taker knows it."""

    id: str
    kind: str
    text: str
    author: str
    author_id: str = ""


@dataclass(frozen=True)
class RoomWhy:
    """One answer of a Five Whys chain."""

    id: str
    text: str
    author: str
    author_id: str = ""


@dataclass(frozen=True)
class RoomRootCause:
    """Where a Five Whys chain ended."""

    text: str
    category: str


@dataclass(frozen=True)
class RoomChain:
    """The current Five Whys chain."""

    id: str
    problem: str
    author: str
    whys: tuple[RoomWhy, ...]
    root_cause: RoomRootCause | None
    proposals: tuple[RoomWhy, ...] = ()  # answers waiting for the facilitator to place them
    set_aside: tuple[RoomWhy, ...] = ()  # answers the facilitator put aside


@dataclass(frozen=True)
class RoomClock:
    """The current phase and its clock, at the moment the facilitator sent it."""

    index: int
    count: int
    id: str
    title: str
    kind: str
    remaining: float
    planned: float
    running: bool
    started: bool


@dataclass(frozen=True)
class RoomIncident:
    """What the note-taker needs of the incident: its title, and the zone and day typed times are read in."""

    title: str
    severity: str
    tz: str
    date: date | None
    impact_start: datetime | None = None  # what a first clock-only time is read near (as the facilitator does)


@dataclass(frozen=True)
class Welcome:
    """The whole meeting, sent once on every connection."""

    incident: RoomIncident
    clock: RoomClock
    events: tuple[RoomEvent, ...]
    observations: tuple[RoomObservation, ...]
    chain: RoomChain | None


@dataclass(frozen=True)
class EventsChanged:
    """Events added or changed (the wire's ``event`` and ``events``)."""

    events: tuple[RoomEvent, ...]


@dataclass(frozen=True)
class EventRemoved:
    """An event is gone."""

    id: str


@dataclass(frozen=True)
class ObservationChanged:
    """An observation was added or changed."""

    observation: RoomObservation


@dataclass(frozen=True)
class ObservationRemoved:
    """An observation is gone."""

    id: str


@dataclass(frozen=True)
class ChainChanged:
    """The most recent chain changed, or is gone (None)."""

    chain: RoomChain | None


@dataclass(frozen=True)
class ClockChanged:
    """The phase changed, or its clock (pause, extend)."""

    clock: RoomClock


@dataclass(frozen=True)
class IncidentChanged:
    """The incident's title, zone or day changed."""

    incident: RoomIncident


@dataclass(frozen=True)
class Joined:
    """The room accepted the hello: this note-taker is ``author``; ``key`` is set when it was just issued."""

    name: str
    author: str
    key: str | None


@dataclass(frozen=True)
class Refused:
    """The room refused the hello's name ("name": pick another), or sent this note-taker away for good."""

    reason: str
    message: str


@dataclass(frozen=True)
class SlowDown:
    """Too many changes: the room ignores this connection's changes until ``ref`` comes again."""

    ref: str
    retry_after: float


@dataclass(frozen=True)
class Ack:
    """The change ``ref`` is on the facilitator's disk."""

    ref: str
    duplicate: bool


@dataclass(frozen=True)
class Error:
    """A refusal of the change ``ref``, or of a message as a whole (``ref`` None)."""

    ref: str | None
    message: str


@dataclass(frozen=True)
class Bye:
    """The facilitator stopped sharing."""

    message: str


@dataclass(frozen=True)
class Ended:
    """The meeting is over: nothing more to wait for; this note-taker's entries in it."""

    message: str
    events: int
    observations: int
    whys: int


ServerMessage = (Welcome | EventsChanged | EventRemoved | ObservationChanged | ObservationRemoved | ChainChanged
                 | ClockChanged | IncidentChanged | Joined | Refused | SlowDown | Ack | Error | Bye | Ended)


class _Fields:
    """Typed reads of one object of a facilitator message; a wrong or missing field is a ProtocolError."""

    def __init__(self, data: object, what: str) -> None:
        if not isinstance(data, dict):
            raise ProtocolError(f"the facilitator sent {what} that is {_json_type(data)}, not an object")
        self.data = data
        self.what = what

    def _get(self, key: str, kinds: type | tuple[type, ...], default: object) -> Any:
        value = self.data.get(key, default)
        allowed = kinds if isinstance(kinds, tuple) else (kinds,)
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            raise ProtocolError(f"the facilitator sent {self.what} whose {key!r} is {_json_type(value)}")
        return value

    def text(self, key: str, default: str | None = None) -> str:
        return clean(self._get(key, str, default))  # whatever the facilitator's file held, see pmtui.text

    def number(self, key: str) -> float:
        return float(self._get(key, (int, float), None))

    def integer(self, key: str) -> int:
        return self._get(key, int, None)

    def flag(self, key: str, default: bool | None = None) -> bool:
        return self._get(key, bool, default)

    def items(self, key: str, default: list | None = None) -> list:
        return self._get(key, list, default)

    def count(self, key: str) -> int:
        return max(0, self._get(key, int, 0))

    def moment(self, key: str) -> datetime:
        try:
            return datetime.fromisoformat(self.text(key))
        except ValueError:
            raise ProtocolError(f"the facilitator sent {self.what} whose {key!r} is not an ISO time") from None

    def optional_moment(self, key: str) -> datetime | None:
        """An aware time, or None when missing, null or without an offset (an older or odd facilitator)."""
        moment = self.moment(key) if self._get(key, (str, type(None)), None) else None
        return moment if moment is not None and moment.tzinfo is not None else None

    def day(self, key: str) -> date | None:
        value = self._get(key, (str, type(None)), None)
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            raise ProtocolError(f"the facilitator sent {self.what} whose {key!r} is not a date") from None


def _room_event(data: object) -> RoomEvent:
    f = _Fields(data, "an event")
    return RoomEvent(f.text("id"), f.moment("time"), f.text("description"), f.text("actor", ""),
                     f.text("evidence", ""), f.text("author", ""), f.flag("decision_point", False),
                     f.text("author_id", ""))


def _room_observation(data: object) -> RoomObservation:
    f = _Fields(data, "an observation")
    return RoomObservation(f.text("id"), f.text("kind"), f.text("text"), f.text("author", ""), f.text("author_id", ""))


def _room_chain(data: object) -> RoomChain | None:
    if data is None:
        return None
    f = _Fields(data, "a Five Whys chain")
    root = None if f.data.get("root_cause") is None else _Fields(f.data["root_cause"], "a root cause")
    root_cause = None if root is None else RoomRootCause(root.text("text"), root.text("category", ""))
    return RoomChain(f.text("id"), f.text("problem"), f.text("author", ""), _room_whys(f.items("whys")), root_cause,
                     _room_whys(f.items("proposals", [])), _room_whys(f.items("set_aside", [])))


def _room_whys(items: list) -> tuple[RoomWhy, ...]:
    return tuple(RoomWhy(w.text("id"), w.text("text"), w.text("author", ""), w.text("author_id", ""))
                 for w in (_Fields(why, "a why") for why in items))


def _room_clock(data: object) -> RoomClock:
    f = _Fields(data, "a clock")
    return RoomClock(f.integer("index"), f.integer("count"), f.text("id"), f.text("title"), f.text("kind"),
                     f.number("remaining"), f.number("planned"), f.flag("running"), f.flag("started"))


def _room_incident(data: object) -> RoomIncident:
    f = _Fields(data, "an incident")
    return RoomIncident(f.text("title", ""), f.text("severity", ""), f.text("tz", "UTC") or "UTC", f.day("date"),
                        f.optional_moment("impact_start"))


def _read_server_message(f: _Fields) -> ServerMessage:
    match f.data.get("type"):
        case "welcome":
            return Welcome(_room_incident(f.data.get("incident")), _room_clock(f.data.get("clock")),
                           tuple(map(_room_event, f.items("events"))),
                           tuple(map(_room_observation, f.items("observations"))), _room_chain(f.data.get("chain")))
        case "event":
            return EventsChanged((_room_event(f.data.get("event")),))
        case "events":
            return EventsChanged(tuple(map(_room_event, f.items("events"))))
        case "event_removed":
            return EventRemoved(f.text("id"))
        case "observation":
            return ObservationChanged(_room_observation(f.data.get("observation")))
        case "observation_removed":
            return ObservationRemoved(f.text("id"))
        case "chain":
            return ChainChanged(_room_chain(f.data.get("chain")))
        case "clock":
            return ClockChanged(_room_clock(f.data.get("clock")))
        case "incident":
            return IncidentChanged(_room_incident(f.data.get("incident")))
        case "joined":
            key = f.data.get("key")
            return Joined(f.text("name"), f.text("author"), key if isinstance(key, str) else None)
        case "refused":
            return Refused(f.text("reason", ""), f.text("message", ""))
        case "slow_down":
            return SlowDown(f.text("ref"), max(0.0, f.number("retry_after")))
        case "ack":
            return Ack(f.text("ref"), f.flag("duplicate", False))
        case "error":
            ref = f.data.get("ref")
            return Error(ref if isinstance(ref, str) else None, f.text("message", ""))
        case "bye":
            return Bye(f.text("message", ""))
        case "ended":
            return Ended(f.text("message", ""), f.count("events"), f.count("observations"), f.count("whys"))
    raise ProtocolError("the facilitator sent a message this note-taker does not know")


def parse_server_message(raw: str | bytes) -> ServerMessage:
    """A facilitator frame as a typed message (ProtocolError when it is not one this note-taker can read)."""
    if isinstance(raw, (bytes, bytearray)):
        raise ProtocolError("the facilitator sent a binary frame")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"the facilitator sent invalid JSON: {str(exc)[:80]}") from None
    return _read_server_message(_Fields(data, "a message"))
