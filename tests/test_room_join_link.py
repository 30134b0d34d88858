"""The facilitator's join link: hidden on the shared screen, shown with its QR code only while revealed, copied.

Also the room panel's lines fitting the sidebar (a note-taker's line used to wrap there after a restart).
"""

from __future__ import annotations

import segno
from rich.text import Text

from helpers import FixedClock
from pmtui.room.config import RoomConfig
from pmtui.room.presence import Presence
from pmtui.tui.app import make_app
from pmtui.tui.screens.join_dialog import TOO_SMALL, JoinDialog
from pmtui.tui.widgets.room_status import PANEL_WIDTH, REVEAL_SECONDS, RoomStatus, presence_line
from test_qr_text import read_back
from test_room_support import new_meeting

TOKEN = "link-token-0123456789ab"


def shown(widget) -> str:
    """The plain text a Label or Static shows now."""
    content = widget.render()
    return content.plain if isinstance(content, Text) else str(content)


def qr_lines(dialog: JoinDialog) -> list[str]:
    return shown(dialog.query_one("#join-qr")).split("\n")


def matrix(link: str) -> list[list[bool]]:
    return [[bool(module) for module in row] for row in segno.make(link, error="l", micro=False).matrix]


async def started(pilot, app) -> tuple[RoomStatus, FixedClock]:
    status = app.screen.query_one("#room-status", RoomStatus)
    clock = FixedClock(100.0)
    status.clock = clock
    await pilot.pause()
    assert app.room_server.running
    return status, clock


async def test_the_link_shows_with_the_token_hidden_and_the_qr_code_only_while_revealed(tmp_path):
    app = make_app(tmp_path, new_meeting(tmp_path), room=RoomConfig(port=0, token=TOKEN))
    async with app.run_test(size=(160, 45)) as pilot:
        status, clock = await started(pilot, app)
        server = app.room_server
        text = status.render_text().plain
        assert f"Join in a browser:\n{server.url}/\n#t=••••••••\n" in text and TOKEN not in text
        assert not isinstance(app.screen, JoinDialog)

        status.reveal_token()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, JoinDialog)
        link = server.join_url(reveal=True)
        assert link == f"{server.url}/#t={TOKEN}"
        assert shown(dialog.query_one("#join-link")) == link
        assert shown(dialog.query_one("#join-command")) == server.join_command(reveal=True)
        assert read_back(qr_lines(dialog)) == matrix(link)  # the code of the link, whole
        assert f"{server.url}/\n#t={TOKEN}\n" in status.render_text().plain  # the panel shows it too

        clock.advance(REVEAL_SECONDS - 1)
        dialog.tick()
        await pilot.pause()
        assert app.screen is dialog and dialog.query_one("#join-dialog").border_subtitle == \
            "token hidden again in 1 s"
        clock.advance(1)
        dialog.tick()
        await pilot.pause()
        assert not isinstance(app.screen, JoinDialog)  # the link and its code are gone after 30 s
        assert not app.screen.query(JoinDialog) and TOKEN not in status.render_text().plain
    app.close_session()


async def test_escape_hides_the_link_and_code_before_the_time_is_up(tmp_path):
    app = make_app(tmp_path, new_meeting(tmp_path), room=RoomConfig(port=0, token=TOKEN))
    async with app.run_test(size=(160, 45)) as pilot:
        status, clock = await started(pilot, app)
        status.reveal_token()
        await pilot.pause()
        assert isinstance(app.screen, JoinDialog)
        await pilot.press("escape")
        assert not isinstance(app.screen, JoinDialog)
        assert TOKEN not in status.render_text().plain  # hidden again at once, not when the 30 s are up
    app.close_session()


async def test_the_qr_code_fits_80x24_and_a_smaller_terminal_says_to_make_it_bigger(tmp_path):
    app = make_app(tmp_path, new_meeting(tmp_path), room=RoomConfig(port=0, token=TOKEN))
    async with app.run_test(size=(80, 24)) as pilot:
        status, clock = await started(pilot, app)
        status.reveal_token()  # the sidebar is folded away at 80 columns; the palette's command still works
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, JoinDialog)
        assert read_back(qr_lines(dialog)) == matrix(app.room_server.join_url(reveal=True))
        box = dialog.query_one("#join-dialog").region
        qr = dialog.query_one("#join-qr").region
        assert box.bottom <= 23 and qr.height == len(qr_lines(dialog)) == 17  # above the footer, whole
        await pilot.resize_terminal(80, 20)
        await pilot.pause()
        assert shown(dialog.query_one("#join-qr")) == TOO_SMALL
        await pilot.resize_terminal(60, 40)
        await pilot.pause()
        assert read_back(qr_lines(dialog)) == matrix(app.room_server.join_url(reveal=True))  # the text wraps
        await pilot.resize_terminal(36, 40)
        await pilot.pause()
        assert shown(dialog.query_one("#join-qr")) == TOO_SMALL  # narrower than the code and the dialog's border
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert read_back(qr_lines(dialog)) == matrix(app.room_server.join_url(reveal=True))
    app.close_session()


async def test_copy_join_link_copies_the_link_without_showing_it(tmp_path):
    app = make_app(tmp_path, new_meeting(tmp_path), room=RoomConfig(port=0, token=TOKEN))
    async with app.run_test(size=(160, 45)) as pilot:
        status, clock = await started(pilot, app)
        assert [c.title for c in app.screen.commands() if "join" in c.title.lower()] == \
            ["Show join token", "Copy join link", "Copy join command", "New join token"]
        status.copy_join_link()
        await pilot.pause()
        assert app.clipboard == app.room_server.join_url(reveal=True) and TOKEN in app.clipboard
        assert not isinstance(app.screen, JoinDialog) and TOKEN not in status.render_text().plain
        assert all(TOKEN not in n.message for n in app._notifications)
    app.close_session()


def person(name: str, *, connected: bool = True, entries: int = 1, seen_ago: float = 0.0, typing: bool = False):
    return Presence(name=name, author="a" * 16, address="127.0.0.1", connected=connected, entries=entries,
                    seen_ago=seen_ago, typing=typing)


def test_a_note_takers_line_fits_the_sidebar_whatever_their_name_and_state():
    assert presence_line(person("frank")).plain == "● frank · 1 entry · active"
    gone = presence_line(person("frank", connected=False, entries=12, seen_ago=150)).plain
    assert gone == "○ frank\n  12 entries · left 2m ago"  # "○ frank · 12 entries · left 2m ago" would wrap
    for width in (PANEL_WIDTH, 23):
        for someone in (person("Priya Natarajan-Okonkwo", connected=False, entries=123, seen_ago=7200),
                        person("Lee", entries=4, typing=True), person("x" * 60)):
            lines = presence_line(someone, width).plain.split("\n")
            assert all(Text(line).cell_len <= width for line in lines), lines
            assert len(lines) <= 2


async def test_no_link_or_code_before_the_room_is_open(tmp_path):
    from pmtui.room.server import RoomServer

    app = make_app(tmp_path, new_meeting(tmp_path))
    async with app.run_test(size=(160, 45)) as pilot:
        server = RoomServer(app.session, port=0, token=TOKEN)  # not started: no port to put in a link
        status = RoomStatus(server, id="room-status")
        await app.screen.query_one("#sidebar").mount(status)
        status.reveal_token()
        await pilot.pause()
        assert not isinstance(app.screen, JoinDialog) and not status.token_revealed
        assert any("not open" in n.message for n in app._notifications)
    app.close_session()
