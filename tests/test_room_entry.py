"""A browser page's ``entry`` (the raw line as typed), attacked on loopback: a real RoomServer, the page's protocol
spoken over aiohttp's WebSocket with the token as a subprotocol, and ``pmtui join`` (RoomClient + NotesView) beside
it as the yardstick.

Each test is one attack class of issue #14: what a line becomes (the one grammar, in every phase), the one-line
refusals, unsafe characters, markup, oversized and malformed messages, another person's name and entries, an
entry sent twice, the rate limit, and typed times read near this note-taker's own previous event.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime

import aiohttp
import pytest

from pmtui.entry_grammar import QuickEntryError
from pmtui.room.client import RoomClient
from pmtui.room.protocol import ProtocolError
from pmtui.room.view import NotesView
from pmtui.session import MeetingSession
from pmtui.timeparse import TimeFormatError
from test_room_support import TOKEN, Room, open_five_whys, room, until  # noqa: F401 (fixture)

BOUND = 10.0
"""Seconds any one wait in these tests may take before it fails."""


def new_id() -> str:
    return uuid.uuid4().hex


class Page:
    """A browser note-taker as the page speaks to the room: the token as a subprotocol, then hello and entries."""

    def __init__(self, http: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.http = http
        self.ws = ws
        self.author = ""
        self.key: str | None = None

    @classmethod
    async def join(cls, room: Room, name: str, key: str | None = None) -> Page:
        http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=BOUND))
        token = base64.urlsafe_b64encode(TOKEN.encode()).decode().rstrip("=")
        ws = await http.ws_connect(room.url + "/ws", protocols=["pmtui", f"pmtui.token.{token}"],
                                   headers={"Origin": room.url})
        page = cls(http, ws)
        assert (await page.receive())["type"] == "welcome"
        if name:
            hello = {"type": "hello", "name": name, **({"key": key} if key else {})}
            joined = await page.send(hello, until=("joined", "refused"))
            assert joined["type"] == "joined", joined
            page.author, page.key = joined["author"], joined.get("key", key)
        return page

    async def receive(self) -> dict:
        message = await self.ws.receive(timeout=BOUND)
        assert message.type == aiohttp.WSMsgType.TEXT, f"the room closed the page's socket: {message}"
        return json.loads(message.data)

    async def send(self, message: dict | str, until: tuple[str, ...] = ("ack", "error", "slow_down")) -> dict:
        """Send a frame (a dict as JSON, with every non-ASCII character escaped; a str as it is); the reply."""
        await self.ws.send_str(message if isinstance(message, str) else json.dumps(message))
        while True:
            reply = await self.receive()
            if reply["type"] in until:
                return reply

    async def entry(self, line: str, change_id: str | None = None) -> dict:
        change_id = change_id or new_id()
        reply = await self.send({"type": "entry", "id": change_id, "line": line})
        assert reply.get("ref") == change_id, reply
        return reply

    async def close(self) -> None:
        await self.ws.close()
        await self.http.close()


@pytest.fixture
async def pages(room):
    """``await pages("ana")``: a joined page (closed afterwards)."""
    opened: list[Page] = []

    async def join(name: str, key: str | None = None) -> Page:
        page = await Page.join(room, name, key)
        opened.append(page)
        return page

    try:
        yield join
    finally:
        for page in opened:
            await page.close()


async def without_rate_limit(room: Room) -> None:
    """Restart the room with a rate no test line reaches (the rate limit has its own test)."""
    await room.stop_server()
    await room.start_server(entry_rate=10_000)


async def terminal(room: Room, name: str) -> tuple[RoomClient, NotesView]:
    """``pmtui join`` in the same room: its client and the view that reads its typed lines."""
    client = await room.client(name)
    await until(lambda: client.state.status == "connected" and client.room.clock is not None, BOUND, "joined")
    return client, NotesView(client)


async def typed_on_terminal(client: RoomClient, view: NotesView, line: str) -> str | None:
    """Type ``line`` in ``pmtui join``: its one-line refusal, or None once the room stored it."""
    try:
        change = client.submit(view.read_line(line))
    except (QuickEntryError, TimeFormatError, ProtocolError) as exc:
        return str(exc)
    await until(lambda: not client.is_pending(change.id), BOUND, f"{line!r} to be acknowledged")
    return None


async def in_phase(room: Room, client: RoomClient, kind: str) -> None:
    """Move the meeting to its first phase of ``kind``; wait until ``pmtui join`` heard it."""
    session = room.session
    session.jump_to_phase(next(i for i, p in enumerate(session.agenda.phases) if p.kind == kind))
    await until(lambda: client.room.clock.kind == kind, BOUND, f"the {kind} phase")


def stored(session: MeetingSession, author: str) -> list[tuple]:
    """What ``author`` added, in order, as fields that do not depend on who typed it."""
    meeting = session.meeting
    events = [("event", e.time, e.description, e.actor, e.evidence, e.speaker) for e in meeting.events
              if e.author == author]
    observations = [("observation", o.kind, o.text, o.speaker) for o in meeting.observations if o.author == author]
    whys = [("why", w.text, w.speaker) for c in meeting.chains for w in c.proposals if w.author == author]
    return events + observations + whys


LINES = {
    "timeline": ["14:37 checkout errors start | alice | grafana link", "@priya 14:41 paged the on-call",
                 "+ the alert fired at once", "- the runbook was stale | bob", "! the cache was warm",
                 "@alice + rollback was quick", "+ @alice rollback was quick", "14:50\ta tab | b"],
    "observations": ["the dashboards helped", "@priya retro notes were ready", "- slow paging", "15:02 a late event"],
    "five_whys": ["the deploy skipped the canary", "? @priya nobody owned the canary", "+ blameless tone"],
    "actions": ["15:10 an event typed during actions", "! lucky again"],
}


async def test_every_line_is_stored_as_pmtui_join_stores_it_in_every_phase(room, pages):
    room.session.add_attendee("Priya Raman")
    room.session.start_chain("Why did checkout fail?")
    await without_rate_limit(room)
    client, view = await terminal(room, "lee")
    page = await pages("ana")
    for kind, lines in LINES.items():
        await in_phase(room, client, kind)
        for line in lines:
            change_id = new_id()
            assert await page.entry(line, change_id) == {"type": "ack", "ref": change_id, "duplicate": False}, line
            assert await typed_on_terminal(client, view, line) is None, line
            assert change_id in {e.id for e in room.session.meeting.events} | {
                o.id for o in room.session.meeting.observations} | {
                w.id for c in room.session.meeting.chains for w in c.proposals}, "the entry takes the message's id"
    assert stored(room.session, "ana") == stored(room.session, "lee")
    assert len(stored(room.session, "ana")) == sum(map(len, LINES.values()))
    meeting = room.session.meeting
    assert {e.author_id for e in meeting.events if e.author == "ana"} == {page.author}
    assert [e.speaker for e in meeting.events if e.author == "ana"][:2] == ["", "Priya Raman"]


BAD_LINES = ["? why did it fail", "25:99 impossible time", "14:00", "+", "- ", "!", "?", "", "   ",
             "@priya", "@priya +", "yesterday noon something", "14:00 | only actor", "@ 14:00 x"]


async def test_a_bad_line_gets_the_one_line_message_pmtui_join_shows_and_nothing_is_stored(room, pages):
    await without_rate_limit(room)
    client, view = await terminal(room, "lee")
    page = await pages("ana")
    for stage in ("no chain", "chain, timeline phase", "actions phase", "five whys phase"):
        if stage == "chain, timeline phase":
            room.session.start_chain("Why did checkout fail?")
            await until(lambda: client.room.chain is not None, BOUND, "the chain")
        elif stage == "actions phase":
            await in_phase(room, client, "actions")
        elif stage == "five whys phase":
            await in_phase(room, client, "five_whys")
        for line in BAD_LINES:
            shown = await typed_on_terminal(client, view, line)
            reply = await page.entry(line)
            if shown is None:
                assert reply["type"] == "ack", f"{line!r} ({stage}): stored from the terminal, refused here: {reply}"
                continue
            assert reply["type"] == "error", f"{line!r} ({stage}) is refused on the terminal: {shown}"
            assert reply["message"] == shown, f"{line!r} ({stage})"
            assert "\n" not in reply["message"]
    assert stored(room.session, "ana") == stored(room.session, "lee")
    assert any(r for r in stored(room.session, "ana") if r[0] == "why")  # "?" lines were taken in the Five Whys


UNSAFE = {"a control character": "\x07", "an escape sequence": "\x1b[31m", "NUL": "\x00", "a DEL": "\x7f",
          "a C1 control": "\x9b", "a bidi override": "\u202e", "a bidi isolate": "\u2066",
          "a zero-width space": "\u200b", "a word joiner": "\u2060", "a BOM": "\ufeff", "a lone surrogate": "\ud800",
          "a newline": "\n", "a carriage return": "\r", "a line separator": "\u2028"}


async def test_control_bidi_and_zero_width_characters_are_refused_as_on_the_terminal(room, pages):
    await without_rate_limit(room)
    client, view = await terminal(room, "lee")
    page = await pages("ana")
    for what, char in UNSAFE.items():
        for line in (f"14:00 errors{char}start | alice | link", f"14:00 errors | al{char}ice", f"+ good{char}news",
                     f"@pri{char}ya + good", f"- bad | b{char}ob"):
            shown = await typed_on_terminal(client, view, line)
            reply = await page.entry(line)
            if shown is None:  # e.g. a separator the rule allows: stored as the terminal stores it
                assert reply["type"] == "ack", f"{what} in {line!r}: {reply}"
                continue
            assert reply == {"type": "error", "ref": reply["ref"], "message": shown}, f"{what} in {line!r}"
    assert stored(room.session, "ana") == stored(room.session, "lee")
    for row in stored(room.session, "ana"):
        text = "".join(str(field) for field in row)
        assert not any(char in text for char in "\x00\x07\x1b\x7f\x9b\u202e\u2066\u200b\u2060\ufeff"), row
    change_id = new_id()
    assert await page.entry("14:05 the socket still works", change_id) == {"type": "ack", "ref": change_id,
                                                                          "duplicate": False}


async def test_markup_is_stored_as_the_text_typed(room, pages):
    await without_rate_limit(room)
    client, view = await terminal(room, "lee")
    page = await pages("ana")
    lines = ["14:00 <script>alert(1)</script> | <img src=x onerror=alert(1)> | [bold]evidence[/bold]",
             "+ [red]went well[/red] & <b>bold</b>", "- \"quotes\" 'and' `ticks` ${x} {{y}} %s",
             "@<script>x</script> ! lucky"]
    for line in lines:
        assert (await page.entry(line))["type"] == "ack", line
        assert await typed_on_terminal(client, view, line) is None, line
    assert stored(room.session, "ana") == stored(room.session, "lee")
    event = next(e for e in room.session.meeting.events if e.author == "ana")
    assert (event.description, event.actor, event.evidence) == (
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[bold]evidence[/bold]")
    said = [o for o in room.session.meeting.observations if o.author == "ana"]
    assert [o.text for o in said][:2] == ["[red]went well[/red] & <b>bold</b>",
                                          "\"quotes\" 'and' `ticks` ${x} {{y}} %s"]
    assert said[2].speaker == "<script>x</script>"


async def test_oversized_and_malformed_entries_are_refused_and_the_socket_stays(room, pages):
    page = await pages("ana")
    good = new_id()
    too_long = "+ " + "x" * 2100
    frames = {
        "a line over 16 KB": json.dumps({"type": "entry", "id": good, "line": "+ " + "x" * (17 * 1024)}),
        "a line over the text limit": json.dumps({"type": "entry", "id": new_id(), "line": too_long}),
        "not JSON": '{"type": "entry", "id": ',
        "NaN": '{"type": "entry", "id": "' + new_id() + '", "line": NaN}',
        "a duplicate key": '{"type": "entry", "id": "' + new_id() + '", "line": "+ a", "line": "+ b"}',
        "no id": json.dumps({"type": "entry", "line": "+ a"}),
        "an upper-case id": json.dumps({"type": "entry", "id": new_id().upper(), "line": "+ a"}),
        "a short id": json.dumps({"type": "entry", "id": new_id()[:31], "line": "+ a"}),
        "a numeric id": json.dumps({"type": "entry", "id": 12345, "line": "+ a"}),
        "no line": json.dumps({"type": "entry", "id": new_id()}),
        "a line that is a list": json.dumps({"type": "entry", "id": new_id(), "line": ["+ a"]}),
        "a line that is null": json.dumps({"type": "entry", "id": new_id(), "line": None}),
        "an extra field": json.dumps({"type": "entry", "id": new_id(), "line": "+ a", "author": "bob"}),
        "a list": json.dumps([{"type": "entry", "id": new_id(), "line": "+ a"}]),
    }
    for what, frame in frames.items():
        reply = await page.send(frame)
        assert reply["type"] == "error", what
        assert "\n" not in reply["message"] and len(reply["message"]) < 300, what
    assert reply["message"].startswith("a message must be a JSON object")
    assert room.session.meeting.observations == [] and room.session.meeting.events == []
    assert await page.entry("+ after all that", good) == {"type": "ack", "ref": good, "duplicate": False}
    stranger = await pages("")  # connected, never said hello
    refused = await stranger.send({"type": "entry", "id": new_id(), "line": "+ sneaky"})
    assert refused["type"] == "error" and "hello" in refused["message"]
    assert [o.text for o in room.session.meeting.observations] == ["after all that"]


async def test_another_persons_name_is_a_label_and_the_author_stays_the_sender(room, pages):
    room.session.add_attendee("Bob Marley")
    ana, bob = await pages("ana"), await pages("bob")
    for line in ("@bob 14:00 bob said it", "@bob + bob liked it", "@mallory - nobody here"):
        assert (await ana.entry(line))["type"] == "ack"
    meeting = room.session.meeting
    event, liked, nobody = meeting.events[-1], *meeting.observations[-2:]
    assert (event.author, event.author_id, event.speaker) == ("ana", ana.author, "Bob Marley")
    assert (liked.author, liked.author_id, liked.speaker) == ("ana", ana.author, "Bob Marley")
    assert (nobody.author, nobody.speaker) == ("ana", "mallory")  # kept as typed: not an attendee
    reply = await bob.send({"type": "remove", "id": new_id(), "item": event.id})
    assert reply["type"] == "error" and "ana's entry" in reply["message"]
    assert event in room.session.meeting.events


async def test_another_persons_entries_cannot_be_edited_or_removed_from_a_page(room, pages):
    ana, bob = await pages("ana"), await pages("bob")
    theirs = new_id()
    assert (await bob.entry("14:00 bob's event", theirs))["type"] == "ack"
    said = new_id()
    assert (await bob.entry("+ bob's observation", said))["type"] == "ack"
    facilitators = room.session.add_event("14:01", "the facilitator's event").id
    for item in (theirs, said, facilitators):
        for change in ({"type": "edit", "id": new_id(), "item": item, "line": "14:02 ana was here"},
                       {"type": "remove", "id": new_id(), "item": item}):
            reply = await ana.send(change)
            assert reply["type"] == "error" and "note-takers change only what they added" in reply["message"]
    meeting = room.session.meeting
    assert [e.description for e in meeting.events] == ["bob's event", "the facilitator's event"]
    assert [o.text for o in meeting.observations] == ["bob's observation"]
    mine = new_id()
    assert (await ana.entry("14:03 ana's event", mine))["type"] == "ack"
    assert (await ana.send({"type": "edit", "id": new_id(), "item": mine, "line": "14:04 ana's, edited"}))[
        "type"] == "ack"
    assert (await ana.send({"type": "remove", "id": new_id(), "item": mine}))["type"] == "ack"
    assert [e.description for e in room.session.meeting.events] == ["bob's event", "the facilitator's event"]


async def test_an_entry_sent_again_is_stored_once_even_when_it_would_read_otherwise_now(room, pages):
    room.session.start_chain("Why did checkout fail?")
    open_five_whys(room.session)
    page = await pages("ana")
    ids = {line: new_id() for line in ("? nobody owned the canary", "14:00 a why, in this phase", "+ went well")}
    for line, change_id in ids.items():
        assert await page.entry(line, change_id) == {"type": "ack", "ref": change_id, "duplicate": False}
    room.session.jump_to_phase(0)  # the Five Whys are closed now: a new "?" line would be refused
    for line, change_id in ids.items():  # the ack was lost: sent again on the same socket
        assert await page.entry(line, change_id) == {"type": "ack", "ref": change_id, "duplicate": True}, line
    await page.close()
    again = await pages("ana", page.key)  # a reload: the same identity on a new socket
    assert again.author == page.author
    for line, change_id in ids.items():
        assert await again.entry(line, change_id) == {"type": "ack", "ref": change_id, "duplicate": True}, line
    meeting = room.session.meeting
    assert meeting.events == [] and len(meeting.observations) == 1
    assert [w.text for w in meeting.chains[-1].proposals] == ["nobody owned the canary", "14:00 a why, in this phase"]


async def test_entries_beyond_the_rate_are_told_to_slow_down_and_nothing_overtakes(room):
    await room.stop_server()
    await room.start_server(entry_rate=2)
    page = await Page.join(room, "ana")
    try:
        ids = [new_id() for _ in range(4)]
        for n, change_id in enumerate(ids):
            await page.ws.send_str(json.dumps({"type": "entry", "id": change_id, "line": f"+ note {n}"}))
        seen: list[dict] = []
        while not any(r["type"] == "slow_down" for r in seen):
            reply = await page.receive()
            if reply["type"] in ("ack", "slow_down", "error"):
                seen.append(reply)
        slow = next(r for r in seen if r["type"] == "slow_down")
        assert slow["ref"] == ids[2] and slow["retry_after"] > 0
        assert [o.text for o in room.session.meeting.observations] == ["note 0", "note 1"]
    finally:
        await page.close()


async def test_a_typed_time_is_read_near_this_note_takers_previous_event_else_the_impact_start(room, pages):
    ana, bob = await pages("ana"), await pages("bob")  # the impact started 2026-03-14 14:00 UTC
    assert (await ana.entry("23:50 late at night"))["type"] == "ack"
    assert (await ana.entry("02:30 after midnight"))["type"] == "ack"
    assert (await bob.entry("02:30 early in the morning"))["type"] == "ack"
    times = {e.description: e.time for e in room.session.meeting.events}
    assert times["late at night"] == datetime(2026, 3, 14, 23, 50, tzinfo=UTC)
    assert times["after midnight"] == datetime(2026, 3, 15, 2, 30, tzinfo=UTC)  # within 12 h of her 23:50
    assert times["early in the morning"] == datetime(2026, 3, 14, 2, 30, tzinfo=UTC)  # within 12 h of 14:00

