"""Arbitrary Unicode, control characters included, through import, quick entry and the room (issue #12).

Whatever is refused or cleaned on the way, no control, bidi or invisible character reaches the store, the
screen's rendered segments, or what ``pmtui export`` and ``pmtui search`` print.
"""

from __future__ import annotations

import asyncio
import json
import uuid

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events

from helpers import FixedClock
from pmtui.cli import main
from pmtui.importer import ImportError_, read_events
from pmtui.room.protocol import ProtocolError, parse_client_message
from pmtui.session import MeetingSession
from pmtui.tui.app import make_app
from test_room_fuzz import LoopThread
from test_room_support import open_five_whys
from test_text_rule import UNSAFE, assert_clean_store, assert_terminal_safe, new_meeting
from test_text_screens import rendered_lines

PIECES = ["\x1b]0;PWNED\x07", "\x1b]52;c;cm0gLXJmIH4=\x07", "\x1b[2J", "\x9b", "\x85", "\x00", "\r", "\n", "\t",
          "\x7f", "\u202e", "\u2066", "\u200f", "\u061c", "\u200b", "\u2060", "\ufeff", "\u200d", "\u200c",
          "\U000e0067", "[bold]", "[/]", "[@click=app.quit]", " "]
hostile = st.lists(st.one_of(st.text(st.characters(codec="utf-8"), max_size=8), st.sampled_from(PIECES)),
                   max_size=6).map("".join)
FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


def assert_terminal_output_clean(data, meeting_id: str) -> None:
    runner = CliRunner()
    for args in (["export", meeting_id], ["export", meeting_id, "--minutes"], ["search", "x"],
                 ["search", "--json", "a"]):
        result = runner.invoke(main, [*args, "--data-dir", str(data)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert_terminal_safe(result.output, " ".join(args))


def test_imported_files_of_any_text_store_and_print_no_control_character(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    session = new_meeting(data)
    source = tmp_path / "events.json"

    @FAST
    @given(rows=st.lists(st.tuples(hostile, hostile, hostile, hostile), min_size=1, max_size=4))
    def import_file(rows):
        source.write_text(json.dumps([{"time": f"14:{n:02d} {time}".strip() if n % 2 else "14:37",
                                       "description": description, "actor": actor, "evidence": evidence}
                                      for n, (time, description, actor, evidence) in enumerate(rows)]))
        try:
            events = read_events(source, tz="UTC", on=session.incident_date())
        except ImportError_:
            return
        session.import_events(events)
        assert all(UNSAFE.search(f"{e.description}{e.actor}{e.evidence}") is None for e in events)

    try:
        import_file()
    finally:
        session.close()
    assert_clean_store(session.file.path)
    assert_terminal_output_clean(data, session.meeting.id)


def test_the_room_stores_no_control_character_whatever_note_takers_send(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    room = LoopThread(data)
    try:
        @FAST
        @given(kind=st.sampled_from(["line", "fields", "observation", "why"]), text=hostile, other=hostile)
        def send(kind, text, other):
            change = uuid.uuid4().hex
            message = {
                "line": {"type": "add_event", "id": change, "line": f"14:37 {text} | {other}"},
                "fields": {"type": "add_event", "id": change, "time": "14:38", "description": text, "actor": other},
                "observation": {"type": "add_observation", "id": change, "kind": "lucky", "text": text},
                "why": {"type": "add_why", "id": change, "text": text},
            }[kind]
            try:
                parse_client_message(json.dumps(message))
            except ProtocolError as exc:
                ref = exc.ref
            else:
                ref = change
            replies = room.run(room.exchange(json.dumps(message), ref))
            assert replies and replies[-1]["type"] in ("ack", "error")

        room.session.start_chain("Why did checkout fail?")
        open_five_whys(room.session)  # whys are proposals, taken in the Five Whys phase only
        send()
    finally:
        room.shutdown()
    assert_clean_store(data / f"{room.meeting_id}.json")
    assert_terminal_output_clean(data, room.meeting_id)


def test_quick_entry_of_any_pasted_text_draws_and_stores_no_control_character(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    session = new_meeting(data)
    session.next_phase()  # the timeline
    session.close()

    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(lines=st.lists(hostile, min_size=1, max_size=3))
    def type_lines(lines):
        async def run() -> None:
            app = make_app(data, session.meeting.id, now=FixedClock())
            async with app.run_test(size=(120, 34)) as pilot:
                for line in lines:
                    app.post_message(events.Paste(f"14:37 {line}"))  # as a terminal sends a paste
                    await pilot.press("enter")
                    await pilot.pause()
                    for drawn in rendered_lines(app):
                        assert UNSAFE.search(drawn) is None, repr(drawn)
                    app.screen.current_view.entry.input.value = ""
            app.close_session()

        asyncio.run(run())

    type_lines()
    reopened = MeetingSession.open(data, session.meeting.id)
    reopened.close()
    assert_clean_store(session.file.path)
    assert_terminal_output_clean(data, session.meeting.id)
