"""`pmtui join` while the facilitator is down: the app opens on the outbox, takes new entries, delivers them later.

In a live meeting a note-taker whose app crashed could not restart while the
facilitator was down ("connection refused"), so the entries waiting on disk
could be neither seen nor added to.
"""

from __future__ import annotations

from click.testing import CliRunner
from textual.widgets import Input, Label

from pmtui.cli import room as room_cli
from pmtui.room.outbox import Outbox, names_in_room
from pmtui.tui.notetaker.app import NoteTakerApp
from pmtui.tui.notetaker.dialogs import NameScreen
from pmtui.tui.notetaker.screen import PENDING
from test_room_notetaker import _cell, _text, _type
from test_room_support import TOKEN, events_by, free_port, room, until  # noqa: F401 (fixture)

CRASHED = [("a" * 32, "14:05 proxy pool full | db"), ("b" * 32, "14:06 alerts fire")]
"""What alice's app had typed and not sent when it crashed."""


async def _alice_joined_once_then_the_facilitator_went_down(room) -> None:
    first = await room.client("alice")
    await until(lambda: first.connected and first.outbox.key, what="alice's first join")
    await first.stop()
    first.outbox.close()
    await room.stop_server()
    outbox = Outbox.for_room(room.url, "alice", room.outbox_dir)
    for change_id, line in CRASHED:
        outbox.add({"type": "add_event", "id": change_id, "line": line})
    outbox.close()


def _offline_app(room, **options) -> NoteTakerApp:
    app = NoteTakerApp(room.url, TOKEN, outbox_dir=room.outbox_dir, **options)
    app.client.backoff_base, app.client.backoff_cap = 0.05, 0.2
    return app


async def test_join_opens_on_the_outbox_while_the_facilitator_is_down_and_delivers_when_it_is_back(room):
    await _alice_joined_once_then_the_facilitator_went_down(room)
    app = _offline_app(room)  # no --name: the one this machine joined this meeting under
    async with app.run_test(size=(120, 36)) as pilot:
        await until(lambda: app.client.state.status == "reconnecting", what="a refused first attempt")
        await pilot.pause()
        assert not isinstance(app.screen, NameScreen) and app.client.name == "alice"
        table = app.notes.timeline
        assert table.keys == [change_id for change_id, _ in CRASHED]
        assert [(_cell(table, k, "time"), _cell(table, k, "st")) for k in table.keys] == [
            ("14:05:00", PENDING), ("14:06:00", PENDING)]
        status = _text(app, "#nt-status")
        assert "You: alice" in status and f"{PENDING} 2 pending" in status and "not reachable yet" in status
        assert "reconnecting" in _text(app, "#nt-connection")
        await _type(pilot, app, "23:58 typed while the facilitator is down", "enter")
        await _type(pilot, app, "00:02 and after midnight", "enter")
        assert len(app.client.pending) == 4 and table.row_count == 4
        assert [_cell(table, k, "time") for k in table.keys][-2:] == ["23:58:00", "00:02:00"]  # in typed order
        await room.start_server()  # on the same port
        await until(lambda: not app.client.pending, what="the outbox delivered")
        await pilot.pause()
        assert events_by(room.session.meeting, "alice") == [
            "proxy pool full", "alerts fire", "typed while the facilitator is down", "and after midnight"]
        assert {e.author_id for e in room.session.meeting.events} == {app.client.identity}  # the same person
        assert "all stored" in _text(app, "#nt-status") and "not reachable" not in _text(app, "#nt-status")
        assert all(_cell(table, k, "st") == "" for k in table.keys)


async def test_a_first_join_while_the_facilitator_is_down_asks_the_name_and_says_what_is_happening(room):
    await room.stop_server()
    app = _offline_app(room)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(lambda: app.client.state.status == "reconnecting", what="a refused first attempt")
        await pilot.pause()
        assert isinstance(app.screen, NameScreen)
        said = str(app.screen.query_one("#nt-name-connection", Label).render())
        assert "not reachable yet" in said and room.url in said and "Join anyway" in said
        app.screen.query_one("#nt-name-input", Input).value = "dana"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, NameScreen)
        await _type(pilot, app, "14:09 first entry, offline", "enter")
        assert f"{PENDING} 1 pending" in _text(app, "#nt-status")
        await room.start_server()
        await until(lambda: not app.client.pending, what="delivered")
        assert events_by(room.session.meeting, "dana") == ["first entry, offline"]


async def test_with_several_names_joined_before_the_app_asks_and_lists_them(room):
    for name in ("alice", "bo"):
        Outbox.for_room(room.url, name, room.outbox_dir).set_key("k" * 43)
    Outbox.for_room("http://127.0.0.1:1", "carl", room.outbox_dir).set_key("k" * 43)  # another meeting
    assert sorted(names_in_room(room.url, room.outbox_dir)) == ["alice", "bo"]
    app = _offline_app(room)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NameScreen)
        labels = [str(label.render()) for label in app.screen.query(Label)]
        assert any("joined this meeting before as: " in text and "alice" in text and "bo" in text
                   and "carl" not in text for text in labels)


def test_join_cli_opens_the_app_when_the_room_is_unreachable(monkeypatch, user_folders):
    """`pmtui join` to a port nobody listens on starts the app instead of exiting "connection refused"."""
    started = []

    class App:
        return_code = 0

        def __init__(self, url, token, *, name, client) -> None:
            started.append((url, name))

        def run(self) -> None:
            pass

    monkeypatch.setattr("pmtui.tui.notetaker.NoteTakerApp", App)
    monkeypatch.setattr(room_cli, "require_terminal", lambda: None)  # CliRunner has no terminal; the app is a fake
    url = f"http://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(room_cli.join, [url, "--name", "alice", "--token", TOKEN])
    assert result.exit_code == 0, result.output
    assert started == [(url, "alice")]
    result = CliRunner().invoke(room_cli.join, ["ftp://nowhere", "--name", "x", "--token", TOKEN])
    assert result.exit_code == 2 and not started[1:]
