"""The note-taker's screen at 120x36 and 80x24, and the Five Whys pane following the newest why.

In a live meeting at 120x36 the note-taker saw only Time and What happened
(Actor and By off to the right), observations cut at about 30 characters
without their author, and a Five Whys pane that did not scroll to the newest why.
"""

from __future__ import annotations

import json

import pytest
from textual.containers import VerticalScroll
from textual.geometry import Region

from pmtui.room.protocol import parse_server_message
from pmtui.tui.notetaker.app import NoteTakerApp
from test_notetaker_snapshot import ReplayClient, welcome_with_own_entries
from test_room_support import TOKEN

LONG = "Grafana showed the pool at 5 of 5 connections on every checkout pod while the wait queue kept growing"


def _welcome(tmp_path) -> dict:
    welcome = welcome_with_own_entries(tmp_path)
    welcome["observations"].append({"id": "e" * 32, "kind": "went_poorly", "text": LONG, "author": "Priya Nair",
                                    "author_id": ""})
    return welcome


def _app(tmp_path, welcome: dict) -> NoteTakerApp:
    return NoteTakerApp("http://127.0.0.1:9", TOKEN, name="Ana", outbox_dir=tmp_path / "outbox",
                        client=ReplayClient(welcome))


def _words(widget) -> str:
    """What ``widget`` shows, its lines joined, with runs of spaces as one."""
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return " ".join(" ".join(strip.text for strip in strips).split())


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
async def test_the_timeline_fits_its_pane_and_observations_show_whole_with_their_author(tmp_path, size):
    app = _app(tmp_path, _welcome(tmp_path))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = app.notes.timeline
        widths = dict(zip((column.key for column in table.columns), table.column_widths))
        assert table.max_scroll_x == 0, widths  # no sideways scrolling
        assert widths["event"] >= 24
        if size == (120, 36):
            assert table.hidden_columns == [] and widths["actor"] >= 8 and widths["author"] >= 6, widths
        else:
            assert table.hidden_columns and "col" in _words(table).split(" Deploy")[0]  # the header says so
        observations = app.notes.observations
        assert observations.max_scroll_x == 0
        for key, whole in (("f" * 32, "No alert on pool exhaustion — Ana"), ("e" * 32, f"{LONG} — Priya Nair")):
            marks, text = observations.cells(key)
            assert text.plain == whole
            width = observations.columns["text"].width
            assert observations.rows[key].height == len(text.wrap(app.console, width)) > 1 or len(whole) <= width
        if size == (120, 36):  # on screen, whole
            observations.move_cursor(row=observations.get_row_index("e" * 32), animate=False)
            await pilot.pause()
            assert f"{LONG} — Priya Nair" in _words(observations)


async def test_the_five_whys_pane_follows_the_newest_why(tmp_path):
    welcome = _welcome(tmp_path)
    app = _app(tmp_path, welcome)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.notes.query_one("#nt-chain-pane", VerticalScroll)
        assert pane.max_scroll_y > 0 and pane.scroll_y == pane.max_scroll_y  # the chain as it was on joining
        pane.scroll_home(animate=False)
        await pilot.pause()
        chain = welcome["chain"]
        app.client._receive(parse_server_message(json.dumps({"type": "chain", "chain": chain})))
        await pilot.pause()
        assert pane.scroll_y == 0  # nothing new: the reader stays where they scrolled to
        chain = dict(chain, whys=[*chain["whys"], {"id": "f00d", "text": "Newest: nobody owned config checks",
                                                     "author": "Priya Nair", "author_id": ""}], root_cause=None)
        app.client._receive(parse_server_message(json.dumps({"type": "chain", "chain": chain})))
        await pilot.pause()
        await pilot.pause()
        assert pane.scroll_y == pane.max_scroll_y > 0
        assert "Newest: nobody owned config checks — Priya Nair" in _words(app.notes.query_one("#nt-chain"))
