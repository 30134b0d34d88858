"""The note-taker's view: the room's state merged with the changes still in the outbox (no Textual, no network)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from pmtui.entry_grammar import QuickEntryError
from pmtui.room.client import RoomState, new_change_id
from pmtui.room.protocol import (
    AddEvent,
    AddObservation,
    AddWhy,
    EditEntry,
    ProtocolError,
    RemoveEntry,
    parse_server_message,
)
from pmtui.room.view import NotesView, NotYours, typed_text

MINE, THEIRS = "a" * 32, "b" * 32
IDENTITIES = {"ana": "d" * 32, "Lee": "e" * 32}
"""The room identity (author id) of each note-taker in these tests."""


class Notes:
    """A note-taker's side of the room without a connection: the room as told, and the outbox in order."""

    def __init__(self, name: str | None = "ana") -> None:
        self.room = RoomState()
        self.name = name
        self.identity = IDENTITIES.get(name or "")
        self.outbox: list = []

    @property
    def pending(self) -> list:
        return list(self.outbox)

    def is_pending(self, change_id: str) -> bool:
        return any(m.id == change_id for m in self.outbox)

    def hear(self, **message) -> None:
        """A facilitator message, through the same parser as the wire."""
        self.room.apply(parse_server_message(json.dumps(message)))

    def acked(self, change_id: str) -> None:
        self.outbox = [m for m in self.outbox if m.id != change_id]


def event(event_id: str, time: str, description: str, author: str, actor: str = "") -> dict:
    return {"id": event_id, "time": f"2026-03-14T{time}+00:00", "description": description, "actor": actor,
            "evidence": "", "author": author, "author_id": IDENTITIES.get(author, ""), "decision_point": False}


def welcome(*events: dict, observations: tuple = (), chain: dict | None = None) -> dict:
    return {"type": "welcome", "version": 1,
            "incident": {"title": "Checkout errors", "severity": "SEV2", "tz": "UTC", "date": "2026-03-14"},
            "clock": {"index": 0, "count": 5, "id": "p", "title": "Timeline", "kind": "timeline", "remaining": 600,
                      "planned": 600, "running": False, "started": False, "server_time": 0.0},
            "events": list(events), "observations": list(observations), "chain": chain}


@pytest.fixture
def notes() -> Notes:
    notes = Notes()
    notes.hear(**welcome(event(THEIRS, "14:30:00", "deploy starts", "Lee")))
    return notes


def test_a_typed_event_shows_pending_in_time_order_and_the_ack_clears_it(notes):
    view = NotesView(notes)
    sent = view.read_line("14:37 checkout errors | bob")
    notes.outbox.append(sent)
    assert isinstance(sent, AddEvent) and sent.line == "14:37 checkout errors | bob"
    rows = {row.id: row for row in view.event_rows()}
    assert (rows[sent.id].time, rows[sent.id].description, rows[sent.id].actor, rows[sent.id].author,
            rows[sent.id].pending) == ("14:37:00", "checkout errors", "bob", "ana", True)
    assert rows[sent.id].moment == datetime(2026, 3, 14, 14, 37, tzinfo=UTC)
    assert not rows[THEIRS].pending
    # the facilitator stores it (the broadcast comes before the ack): shown once, still pending
    notes.hear(type="event", event=event(sent.id, "14:37:00", "checkout errors", "ana", actor="bob"))
    assert [(row.id, row.pending) for row in view.event_rows()] == [(THEIRS, False), (sent.id, True)]
    notes.acked(sent.id)
    assert view.event_row(sent.id).pending is False


def five_whys_clock(notes: Notes, kind: str = "five_whys", title: str = "Five Whys") -> None:
    notes.hear(type="clock", clock={"index": 3, "count": 5, "id": kind, "title": title, "kind": kind, "remaining": 600,
                                    "planned": 600, "running": True, "started": True})


def test_pending_observations_and_whys_show_until_stored(notes):
    view = NotesView(notes)
    with pytest.raises(QuickEntryError, match="no Five Whys chain"):
        view.read_line("? nobody reviewed it")
    notes.hear(type="chain", chain={"id": "c1", "problem": "Why?", "author": "Lee", "whys": [], "root_cause": None})
    five_whys_clock(notes)
    why, observation = view.read_line("? nobody reviewed it"), view.read_line("- alerts were noisy")
    notes.outbox += [why, observation]
    assert isinstance(why, AddWhy) and why.chain_id == "c1"
    assert view.chain().waiting == ("nobody reviewed it",) and view.chain().whys == ()
    [row] = view.observation_rows()
    assert (row.kind, row.text, row.author, row.pending) == ("went_poorly", "alerts were noisy", "ana", True)
    notes.hear(type="chain", chain={"id": "c1", "problem": "Why?", "author": "Lee", "root_cause": None,
                                    "whys": [{"id": why.id, "text": "nobody reviewed it", "author": "ana"}]})
    assert view.chain().waiting == () and view.chain().whys[0].pending
    notes.acked(why.id)
    assert not view.chain().whys[0].pending


def test_a_why_outside_the_five_whys_phase_is_refused_before_it_is_sent(notes):
    view = NotesView(notes)
    notes.hear(type="chain", chain={"id": "c1", "problem": "Why?", "author": "Lee", "whys": [], "root_cause": None})
    five_whys_clock(notes, "actions", "Action items")
    with pytest.raises(QuickEntryError, match="^the Five Whys are not open: the meeting is in Action items; send"):
        view.read_line("? nobody reviewed it")
    assert view.read_line("- alerts were noisy")  # everything else still goes


def test_a_stored_why_shows_as_proposed_until_placed_and_own_set_aside_ones_stay_visible(notes):
    view = NotesView(notes)
    notes.hear(type="chain", chain={"id": "c1", "problem": "Why?", "author": "Lee", "whys": [], "root_cause": None})
    five_whys_clock(notes)
    why = view.read_line("? nobody reviewed it")
    notes.outbox.append(why)
    mine = {"id": why.id, "text": "nobody reviewed it", "author": "ana", "author_id": IDENTITIES["ana"]}
    theirs = {"id": THEIRS, "text": "the alert was muted", "author": "Lee", "author_id": IDENTITIES["Lee"]}
    notes.hear(type="chain", chain={"id": "c1", "problem": "Why?", "author": "Lee", "whys": [], "root_cause": None,
                                    "proposals": [mine, theirs]})
    notes.acked(why.id)
    chain = view.chain()
    assert chain.waiting == () and chain.whys == ()
    assert [(w.text, w.author, w.pending) for w in chain.proposed] == [("nobody reviewed it", "ana", False),
                                                                      ("the alert was muted", "Lee", False)]
    notes.hear(type="chain", chain={"id": "c1", "problem": "Why?", "author": "Lee", "root_cause": None,
                                    "whys": [mine], "proposals": [], "set_aside": [theirs]})
    chain = view.chain()
    assert [(w.text, w.author) for w in chain.whys] == [("nobody reviewed it", "ana")]
    assert chain.proposed == () and chain.set_aside == ()  # Lee's answer put aside: Lee sees it, ana does not
    notes.hear(type="chain", chain={"id": "c1", "problem": "Why?", "author": "Lee", "root_cause": None,
                                    "whys": [theirs], "proposals": [], "set_aside": [mine]})
    assert [w.text for w in view.chain().set_aside] == ["nobody reviewed it"]


def test_pending_edits_show_as_typed_and_removals_struck_through(notes):
    notes.hear(type="events", events=[event(MINE, "14:37:00", "checkout errors", "ana")])
    notes.hear(type="observation", observation={"id": "c" * 32, "kind": "went_well", "text": "paging", "author": "ana",
                                                "author_id": IDENTITIES["ana"]})
    view = NotesView(notes)
    edit = view.read_line("14:38 checkout errors start | api", editing=MINE)
    moved = view.read_line("! paging at all", editing="c" * 32)
    notes.outbox += [edit, moved]
    assert isinstance(edit, EditEntry) and edit.item == MINE
    row = view.event_row(MINE)
    assert (row.time, row.description, row.actor, row.pending, row.removing) == (
        "14:38:00", "checkout errors start", "api", True, False)
    assert view.own_line(MINE) == "14:38 checkout errors start | api"  # editing again starts from the edit
    observation = view.observation_row("c" * 32)
    assert (observation.kind, observation.text, observation.pending) == ("lucky", "paging at all", True)
    notes.outbox.append(RemoveEntry(new_change_id(), MINE))
    row = view.event_row(MINE)
    assert row.removing and row.pending and row.description == "checkout errors"  # the stored one, struck through


def test_a_refused_edit_gives_its_line_back_and_the_row_returns_to_what_is_stored(notes):
    notes.hear(type="event", event=event(MINE, "14:37:00", "checkout errors", "ana"))
    view = NotesView(notes)
    edit = view.read_line("14:38 errors start", editing=MINE)
    notes.outbox.append(edit)
    assert view.event_row(MINE).description == "errors start"
    notes.acked(edit.id)  # refused: out of the outbox
    view.forget(edit.id)
    assert typed_text(edit) == "14:38 errors start"
    row = view.event_row(MINE)
    assert (row.description, row.pending) == ("checkout errors", False)


def test_a_snapshot_after_a_reconnect_merges_with_the_outbox_without_doubling(notes):
    view = NotesView(notes)
    stored = view.read_line("14:37 stored but not acknowledged")
    waiting = view.read_line("14:40 typed while cut off")
    notes.outbox += [stored, waiting]
    notes.hear(**welcome(event(THEIRS, "14:30:00", "deploy starts", "Lee"),
                         event(stored.id, "14:37:00", "stored but not acknowledged", "ana")))
    rows = view.event_rows()
    assert [row.id for row in rows] == [THEIRS, stored.id, waiting.id]
    assert [row.pending for row in rows] == [False, True, True]
    notes.hear(**welcome(event(THEIRS, "14:30:00", "deploy starts", "Lee"),
                         event(stored.id, "14:37:00", "stored but not acknowledged", "ana"),
                         event(waiting.id, "14:40:00", "typed while cut off", "ana")))
    notes.acked(stored.id)
    assert [(row.id, row.pending) for row in view.event_rows()] == [
        (THEIRS, False), (stored.id, False), (waiting.id, True)]


def test_only_own_entries_give_a_line_to_edit(notes):
    notes.hear(type="event", event=event(MINE, "14:37:00", "checkout errors", "ana", actor="api"))
    notes.hear(type="event", event=event("short1", "14:39:00", "typed on the facilitator's screen", "ana"))
    view = NotesView(notes)
    assert view.own_line(MINE) == "14:37:00 checkout errors | api"
    with pytest.raises(NotYours, match="Lee's entry"):
        view.own_line(THEIRS)
    with pytest.raises(NotYours, match="ana's entry"):  # same name, but not added from a note-taker app
        view.own_line("short1")
    impostor = dict(event("c" * 32, "14:41:00", "added by another ana", "ana"), author_id="f" * 32)
    notes.hear(type="event", event=impostor)
    with pytest.raises(NotYours, match="ana's entry"):  # same name, another identity
        view.own_line("c" * 32)
    added = AddObservation(new_change_id(), "went_well", "fast page")
    notes.outbox.append(added)
    assert view.own_line(added.id) == "+ fast page"


def test_a_typed_line_is_refused_here_with_a_reason(notes):
    view = NotesView(notes)
    with pytest.raises(QuickEntryError, match="start with a time"):
        view.read_line("checkout broke")
    with pytest.raises(QuickEntryError, match="went poorly"):
        view.read_line("-   ")
    with pytest.raises(ProtocolError, match="too long"):
        view.read_line("+ " + "x" * 3000)
    with pytest.raises(QuickEntryError, match="observation's text"):
        notes.hear(type="observation", observation={"id": MINE, "kind": "lucky", "text": "t", "author": "ana",
                                                    "author_id": IDENTITIES["ana"]})
        view.read_line("!", editing=MINE)
