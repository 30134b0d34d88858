"""The note-taker app (Pilot) against a real RoomServer, and the facilitator's RoomStatus."""

from __future__ import annotations

from textual.widgets import Input, Label

from helpers import paste
from pmtui.clock import format_remaining
from pmtui.room.server import RoomServer
from pmtui.tui.app import make_app
from pmtui.tui.notetaker.app import NoteTakerApp
from pmtui.tui.notetaker.dialogs import NameScreen
from pmtui.tui.notetaker.screen import PENDING
from pmtui.tui.widgets.room_status import RoomStatus
from test_room_support import TOKEN, new_meeting, open_five_whys, room, until  # noqa: F401 (fixture)


def _text(app: NoteTakerApp, selector: str) -> str:
    return str(app.notes.query_one(selector, Label).render())


def _cell(table, key: str, column: str) -> str:
    value = table.get_cell(key, column)
    return str(getattr(value, "text", value))


async def _joined(app: NoteTakerApp, pilot) -> None:
    await until(lambda: app.client.connected and app.client._greeted, what="note-taker joined")
    await pilot.pause()


async def _type(pilot, app: NoteTakerApp, text: str, *keys: str) -> None:
    """Paste ``text`` in the entry line (pressing every key is slow under Pilot), then press ``keys``."""
    assert app.focused is app.notes.entry.input
    await paste(pilot, text)
    if keys:
        await pilot.press(*keys)
    await pilot.pause()


async def test_typed_event_shows_pending_then_stored_in_table_and_session(room):
    app = NoteTakerApp(room.url, TOKEN, name="alice", outbox_dir=room.outbox_dir)
    async with app.run_test(size=(120, 32)) as pilot:
        await _joined(app, pilot)
        await _type(pilot, app, "14:37 checkout errors start | bob | grafana", "enter")
        entry = app.client.pending[0] if app.client.pending else None
        table = app.notes.timeline
        if entry is not None:  # still waiting for the facilitator: the row says so
            assert _cell(table, entry.id, "st") == PENDING
        await until(lambda: not app.client.pending, what="ack")
        await pilot.pause()
        events = room.session.meeting.events
        assert [(e.description, e.actor, e.evidence, e.author) for e in events] == [
            ("checkout errors start", "bob", "grafana", "alice")]
        key = events[0].id
        assert _cell(table, key, "event") == "checkout errors start"
        assert _cell(table, key, "time") == "14:37:00"
        assert _cell(table, key, "st") == ""
        assert app.notes.entry.input.value == ""
        assert "all stored" in _text(app, "#nt-status")


async def test_half_typed_text_survives_a_phase_change_and_the_clock_follows(room):
    app = NoteTakerApp(room.url, TOKEN, name="bo", outbox_dir=room.outbox_dir)
    async with app.run_test(size=(120, 32)) as pilot:
        await _joined(app, pilot)
        line = app.notes.entry.input
        await _type(pilot, app, "14:50 the fix is ")
        await pilot.press(*"half")
        room.session.next_phase()
        room.session.start_clock()
        await until(lambda: app.client.room.clock.index == 1 and app.client.room.clock.running)
        await pilot.pause()
        assert "Phase 2/" in _text(app, "#nt-phase") and room.session.phase.title in _text(app, "#nt-phase")
        assert app.notes.query_one("#nt-entry Input", Input) is line
        assert line.value == "14:50 the fix is half" and line.has_focus
        remaining = room.session.clock.remaining()
        shown = _text(app, "#nt-countdown")
        assert shown.startswith((format_remaining(remaining), format_remaining(remaining + 1))), shown
        await pilot.press(*" typed")
        assert line.value == "14:50 the fix is half typed"


async def test_observations_whys_local_errors_and_refusals_keep_what_was_typed(room):
    app = NoteTakerApp(room.url, TOKEN, name="cy", outbox_dir=room.outbox_dir)
    async with app.run_test(size=(120, 32)) as pilot:
        await _joined(app, pilot)
        entry = app.notes.entry
        await _type(pilot, app, "+ paging was fast", "enter")
        await _type(pilot, app, "! the cache was warm", "enter")
        await until(lambda: len(room.session.meeting.observations) == 2 and not app.client.pending)
        assert [(o.kind, o.text, o.author) for o in room.session.meeting.observations] == [
            ("went_well", "paging was fast", "cy"), ("lucky", "the cache was warm", "cy")]
        # a line without a time: refused locally, nothing sent, text kept
        await _type(pilot, app, "checkout broke", "enter")
        assert entry.input.value == "checkout broke"
        assert "start with a time" in str(entry.query_one(".error", Label).render())
        assert not app.client.pending
        entry.input.value = ""
        await _type(pilot, app, "? nobody reviewed the config", "enter")
        assert entry.input.value == "? nobody reviewed the config"
        assert "no Five Whys chain" in str(entry.query_one(".error", Label).render())
        chain = room.session.start_chain("Why did checkout fail?")
        open_five_whys(room.session)
        await until(lambda: app.client.room.chain is not None and app.client.room.clock.kind == "five_whys")
        entry.input.value = ""
        await _type(pilot, app, "? nobody reviewed the config", "enter")
        await until(lambda: len(chain.proposals) == 1 and not app.client.pending)
        await pilot.pause()
        assert "proposed: nobody reviewed the config — cy" in str(app.notes.query_one("#nt-chain").render())
        room.session.accept_proposal(chain.id, chain.proposals[0].id)
        assert (chain.whys[0].text, chain.whys[0].author) == ("nobody reviewed the config", "cy")
        await until(lambda: len(app.client.room.chain.whys) == 1)
        await pilot.pause()
        shown = str(app.notes.query_one("#nt-chain").render())
        assert "1. nobody reviewed the config — cy" in shown and "proposed" not in shown
        # the facilitator refuses one (its chain was deleted meanwhile): the text comes back to the line
        room.session.delete_chain(chain.id)
        await until(lambda: app.client.room.chain is None)
        app.client.add_why("it was friday", chain.id)
        await until(lambda: not app.client.pending)
        await pilot.pause()
        assert entry.input.value == "? it was friday"
        assert "not stored" in _text(app, "#nt-status")


async def test_without_a_name_the_app_asks_for_it_then_joins(room):
    app = NoteTakerApp(room.url, TOKEN, outbox_dir=room.outbox_dir)
    async with app.run_test(size=(120, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NameScreen)
        await until(lambda: app.client.room.incident is not None)  # the meeting shows behind the question
        await pilot.press("enter")
        assert "empty" in str(app.screen.query_one("#nt-name-error", Label).render())
        app.screen.query_one("#nt-name-input", Input).value = "Dana"
        await pilot.press("enter")
        await until(lambda: any(p.name == "Dana" for p in room.server.peers), what="hello")
        await pilot.pause()
        assert not isinstance(app.screen, NameScreen)
        assert "You: Dana" in _text(app, "#nt-status")


async def test_connection_state_and_pending_are_shown_while_the_facilitator_is_away(room):
    app = NoteTakerApp(room.url, TOKEN, name="eve", outbox_dir=room.outbox_dir)
    app.client.backoff_base, app.client.backoff_cap = 0.05, 0.2
    async with app.run_test(size=(120, 32)) as pilot:
        await _joined(app, pilot)
        assert "connected" in _text(app, "#nt-connection")
        await room.stop_server()
        await until(lambda: app.client.state.status == "reconnecting")
        await _type(pilot, app, "14:55 typed offline | eve", "enter")
        await pilot.pause()
        assert "reconnecting" in _text(app, "#nt-connection")
        assert f"{PENDING} 1 pending" in _text(app, "#nt-status")
        pending_id = app.client.pending[0].id
        assert _cell(app.notes.timeline, pending_id, "st") == PENDING
        await room.start_server()
        await until(lambda: not app.client.pending, what="delivered after the facilitator came back")
        await pilot.pause()
        assert [e.description for e in room.session.meeting.events] == ["typed offline"]
        assert _cell(app.notes.timeline, pending_id, "st") == ""


async def test_room_status_in_the_facilitators_sidebar_lists_note_takers(tmp_path):
    meeting_id = new_meeting(tmp_path)
    facilitator = make_app(tmp_path, meeting_id)
    async with facilitator.run_test(size=(160, 48)) as pilot:
        server = RoomServer(facilitator.session, port=0, token=TOKEN)
        await server.start()
        status = RoomStatus(server, id="room-status")
        await facilitator.screen.query_one("#sidebar").mount(status)
        await pilot.pause()
        text = status.render_text().plain
        assert f"pmtui join \\\n{server.url}" in text and TOKEN not in text and "nobody yet" in text
        notetaker = NoteTakerApp(server.url, TOKEN, name="frank", outbox_dir=tmp_path / "outbox")
        async with notetaker.run_test(size=(100, 30)) as note_pilot:
            await until(lambda: "frank" in status.render_text().plain)
            await _type(note_pilot, notetaker, "15:00 frank was here", "enter")
            await until(lambda: "frank · 1 entry" in status.render_text().plain)
            assert [e.author for e in facilitator.session.meeting.events] == ["frank"]
        await until(lambda: "○ frank\n  1 entry · left just now" in status.render_text().plain)  # fits 27 columns
        await server.stop()
    facilitator.close_session()
