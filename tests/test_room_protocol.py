"""Message validation, the outbox on disk, backoff and addresses: the room's pure parts."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmtui.room import protocol
from pmtui.room.client import ConnectionState, backoff_delay, ws_url
from pmtui.room.outbox import Outbox, OutboxError, outbox_path
from pmtui.room.protocol import AddEvent, AddObservation, AddWhy, Hello, ProtocolError, parse_client_message

ID = "0123456789abcdef0123456789abcdef"


def msg(**fields) -> str:
    return json.dumps(fields)


def test_valid_messages_parse_into_their_types():
    assert parse_client_message(msg(type="hello", name="  alice ")) == Hello("alice")
    assert parse_client_message(msg(type="add_event", id=ID, line="14:37 x | a | e")) == AddEvent(
        ID, line="14:37 x | a | e")
    assert parse_client_message(msg(type="add_event", id=ID, time="14:37", description="x")) == AddEvent(
        ID, time="14:37", description="x")
    assert parse_client_message(msg(type="add_observation", id=ID, kind="lucky", text="phew")) == AddObservation(
        ID, "lucky", "phew")
    assert parse_client_message(msg(type="add_why", id=ID, text="because")) == AddWhy(ID, "because")
    assert parse_client_message(msg(type="add_why", id=ID, text="b", chain_id="abc123")).chain_id == "abc123"


@pytest.mark.parametrize(
    ("payload", "ref", "words"),
    [
        ("{", None, "not valid JSON"),
        ('"text"', None, "JSON object"),
        (msg(id=ID, line="x"), ID, "'type'"),
        (msg(type="edit_event", id=ID), ID, "unknown message type"),
        (msg(type="add_event", id=ID, line="x", author="bob"), ID, "unknown field 'author'"),
        (msg(type="add_event", line="x"), None, "needs the field 'id'"),
        (msg(type="add_event", id=ID.upper(), line="x"), None, "32 lowercase hex"),
        (msg(type="add_event", id=ID, line=["x"]), ID, "must be a string, not a list"),
        (msg(type="add_event", id=ID, line="   "), ID, "empty"),
        (msg(type="add_event", id=ID, line="x" * (protocol.MAX_LINE + 1)), ID, "too long"),
        (msg(type="add_event", id=ID, line="x\u202ey"), ID, "text-direction"),
        (msg(type="add_event", id=ID, line="x\ny"), ID, "control character"),
        (msg(type="add_event", id=ID, line="14:00 x", time="14:00", description="y"), ID, "either 'line'"),
        (msg(type="add_event", id=ID, time="14:00"), ID, "both 'time' and 'description'"),
        (msg(type="add_event", id=ID), ID, "either 'line'"),
        (msg(type="add_observation", id=ID, kind="went_badly", text="x"), ID, "must be one of"),
        (msg(type="add_why", id=ID, text="x", chain_id="../../etc"), ID, "chain id"),
        (msg(type="hello", name=""), None, "empty"),
        (msg(type="hello", name="x" * 41), None, "too long"),
        (msg(type="hello", name=True), None, "a boolean"),
        (msg(type="hello", name="a", version=99), None, "not supported"),
        ('{"type": "hello", "name": "a", "name": "b"}', None, "duplicate key"),
        (f'{{"type": "add_event", "id": "{ID}", "time": Infinity, "description": "x"}}', None, "not JSON"),
        ('"\\ud800"', None, "JSON object"),
        (msg(type="add_event", id=ID, line="14:00 \ud800"), ID, "surrogate"),
        ("[" * 100_000, None, "too large"),
        ("[" * 10_000 + "]" * 10_000, None, "too large"),
        ("[" * 8_000 + "]" * 8_000, None, "nested too deeply"),
    ],
)
def test_invalid_messages_are_refused_with_a_reason_and_their_id(payload, ref, words):
    with pytest.raises(ProtocolError) as refused:
        parse_client_message(payload)
    assert words in str(refused.value)
    assert refused.value.ref == ref
    assert "\n" not in str(refused.value)


def test_binary_frames_are_refused():
    with pytest.raises(ProtocolError, match="text frame"):
        parse_client_message(b'{"type": "hello", "name": "x"}')


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300) | st.binary(max_size=300))
def test_any_input_is_either_a_message_or_a_protocol_error(raw):
    try:
        parsed = parse_client_message(raw)
    except ProtocolError as exc:
        assert str(exc)
    else:
        assert isinstance(parsed, (Hello, AddEvent, AddObservation, AddWhy))


# --- outbox -----------------------------------------------------------------------------------


def test_outbox_survives_a_restart_in_order_and_is_written_atomically(tmp_path):
    box = Outbox.for_room("http://h:1", "alice", tmp_path)
    for n in range(3):
        box.add({"type": "add_event", "id": f"{n}" * 32, "line": f"14:0{n} x"})
    box.remove("1" * 32)
    box.close()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
    again = Outbox.for_room("http://h:1", "alice", tmp_path)
    assert [e["id"] for e in again] == ["0" * 32, "2" * 32]
    again.remove("0" * 32, defer=True)
    assert again.dirty
    again.close()  # deferred removals are written on close
    assert [e["id"] for e in Outbox.for_room("http://h:1", "alice", tmp_path)] == ["2" * 32]


def test_outbox_is_per_meeting_and_name_and_locked_against_a_second_join(tmp_path):
    assert outbox_path("http://h:1", "alice", tmp_path) != outbox_path("http://h:2", "alice", tmp_path)
    assert outbox_path("http://h:1", "alice", tmp_path) == outbox_path("ws://h:1/ws", "alice", tmp_path)
    assert outbox_path("http://h:1", "alice", tmp_path) == outbox_path("h:1/", "alice", tmp_path)
    assert outbox_path("http://h:1", "alice", tmp_path) != outbox_path("http://h:1", "bob", tmp_path)
    first = Outbox.for_room("http://h:1", "alice", tmp_path)
    with pytest.raises(OutboxError, match="already running"):
        Outbox.for_room("http://h:1", "alice", tmp_path)
    first.close()
    Outbox.for_room("http://h:1", "alice", tmp_path).close()


def test_a_damaged_outbox_is_kept_aside_not_lost(tmp_path):
    path = outbox_path("http://h:1", "alice", tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{half a file")
    box = Outbox.for_room("http://h:1", "alice", tmp_path)
    assert len(box) == 0 and box.recovered is not None and box.recovered.read_text() == "{half a file"
    box.close()


def test_outbox_dir_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PMTUI_OUTBOX_DIR", str(tmp_path / "elsewhere"))
    assert outbox_path("http://h:1", "Zoë Q", None).parent == tmp_path / "elsewhere"


# --- reconnecting --------------------------------------------------------------------------------


def test_backoff_starts_at_half_a_second_doubles_and_caps_at_five_with_jitter():
    middle = [backoff_delay(n, rand=lambda: 0.5) for n in range(8)]
    assert middle == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0, 5.0]
    low = [backoff_delay(n, rand=lambda: 0.0) for n in range(5)]
    high = [backoff_delay(n, rand=lambda: 1.0) for n in range(5)]
    assert low[0] == pytest.approx(0.4) and high[0] == pytest.approx(0.6)
    assert max(high) == 5.0 and all(lo < hi for lo, hi in zip(low[:3], high[:3]))


def test_join_addresses_become_websocket_urls():
    assert ws_url("http://10.0.0.5:8765") == "ws://10.0.0.5:8765/ws"
    assert ws_url("https://pm.example.com/") == "wss://pm.example.com/ws"
    assert ws_url("10.0.0.5:8765") == "ws://10.0.0.5:8765/ws"
    assert ws_url("ws://[::1]:8765/ws") == "ws://[::1]:8765/ws"
    for bad in ("ftp://x", "http://", "http://h:port"):
        with pytest.raises(ValueError):
            ws_url(bad)


def test_connection_state_reads_as_one_line():
    assert ConnectionState("connected").describe() == "connected"
    assert ConnectionState("reconnecting", "connection lost", 103.2).describe(now=100.0) == \
        "reconnecting in 3s (connection lost)"
    assert ConnectionState("refused", "wrong room token").describe() == "refused: wrong room token"


def test_facilitator_messages_parse_into_their_types():
    event = {"id": "e1", "time": "2026-03-14T14:37:00+00:00", "description": "errors", "actor": "api",
             "evidence": "", "author": "Lee", "kind": "event", "decision_point": False}
    assert protocol.parse_server_message(json.dumps({"type": "event", "event": event})) == protocol.EventsChanged(
        (protocol.RoomEvent("e1", datetime(2026, 3, 14, 14, 37, tzinfo=UTC), "errors", "api", "", "Lee"),))
    assert protocol.parse_server_message(msg(type="ack", ref=ID, duplicate=True)) == protocol.Ack(ID, True)
    assert protocol.parse_server_message(msg(type="error", ref=None, message="no")) == protocol.Error(None, "no")
    assert protocol.parse_server_message(msg(type="chain", chain=None)) == protocol.ChainChanged(None)
    assert protocol.parse_server_message(msg(type="incident", incident={"title": "t", "tz": "Europe/Berlin",
                                                                         "date": "2026-03-14"})).incident == (
        protocol.RoomIncident("t", "", "Europe/Berlin", date(2026, 3, 14)))


@pytest.mark.parametrize(("raw", "words"), [
    (b"{}", "binary"),
    ("{", "invalid JSON"),
    ("[]", "not an object"),
    (msg(type="welcome_back"), "does not know"),
    (msg(type="event", event={"id": "e1", "time": "yesterday", "description": "x"}), "not an ISO time"),
    (msg(type="events", events=[{"id": 5}]), "'id' is a number"),
    (msg(type="event_removed"), "'id' is null"),
    (msg(type="clock", clock={"index": True, "count": 1}), "'index' is a boolean"),
    (msg(type="observation", observation="went well"), "not an object"),
    (msg(type="ack", ref=ID, duplicate="yes"), "'duplicate' is a string"),
    (msg(type="incident", incident={"title": "t", "date": "14.03."}), "not a date"),
])
def test_facilitator_messages_that_cannot_be_read_are_a_protocol_error(raw, words):
    with pytest.raises(ProtocolError, match=words):
        protocol.parse_server_message(raw)


def test_a_note_takers_message_goes_out_as_it_is_read_back():
    for message in (AddEvent(ID, line="14:37 x"), AddEvent(ID, time="14:37", description="x", actor="bob"),
                    AddWhy(ID, "because"), AddWhy(ID, "because", "c1"), AddObservation(ID, "lucky", "phew")):
        assert protocol.read_client_message(protocol.client_message_data(message)) == message
