"""RoomStatus: the facilitator's view of the shared room (join link, join command and note-takers).

Each note-taker who joined is listed with their entries in this meeting
(counted from the meeting, so a reconnect does not reset them), when they
were last heard from, and "typing…" while they type (never what).

Mount it in the meeting screen's sidebar when the meeting is shared::

    yield RoomStatus(app.room_server, id="room-status")

It follows the :class:`~pmtui.room.server.RoomServer` through ``server.watch``
and redraws when note-takers come, go or add something: at once, then at most
every :data:`REDRAW_EVERY` seconds while changes keep coming (twenty
note-takers typing at once would otherwise redraw it for every event).

The facilitator's screen is usually shared (and recorded), so the join link
and the join command show the token hidden; "Show join token" reveals them for
:data:`REVEAL_SECONDS`, with the link's QR code for phones, in a dialog
(:class:`~pmtui.tui.screens.join_dialog.JoinDialog`) that closes when the time
is up. "Copy join link" and "Copy join command" put them on the facilitator's
own clipboard (OSC 52) without showing them.

Every line fits the sidebar's width: a note-taker whose line would wrap gets
their name on one line and their entries and last seen under it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import SystemCommand

from .text_line import TextLine

if TYPE_CHECKING:  # importing the server pulls in aiohttp; only sharing needs it
    from ...room.presence import Presence
    from ...room.server import RoomServer

REDRAW_EVERY = 0.25
REVEAL_SECONDS = 30.0
PANEL_WIDTH = 27
"""The sidebar's text width, for the lines drawn before the first layout."""


def seen(seconds: float) -> str:
    """How long ago a note-taker was last heard from, in the few columns of the sidebar."""
    if seconds < 5:
        return "active"
    if seconds < 60:
        return f"{seconds:.0f}s ago"
    if seconds < 3600:
        return f"{seconds // 60:.0f}m ago"
    return f"{seconds // 3600:.0f}h ago"


def presence_line(person: Presence, width: int = PANEL_WIDTH) -> Text:
    """One note-taker in the panel: here or gone, their entries in this meeting, typing or when last seen.

    One line when it fits ``width`` cells; else the name (cut with "…" if need be) and the rest under it.
    """
    name = Text()
    name.append("● " if person.connected else "○ ", style="green" if person.connected else "dim")
    name.append(person.name)
    details = Text(f"{person.entries} entr{'y' if person.entries == 1 else 'ies'}", style="dim")
    if person.typing:
        details.append(" · typing…", style="italic")
    else:
        ago = seen(person.seen_ago)
        details.append(f" · {ago}" if person.connected else " · left just now" if ago == "active" else f" · left {ago}",
                       style="dim")
    line = name + Text(" · ", style="dim") + details
    if line.cell_len <= width:
        return line
    name.truncate(width, overflow="ellipsis")
    details = Text("  ") + details
    details.truncate(width, overflow="ellipsis")
    return name + Text("\n") + details


class RoomStatus(TextLine):
    """How note-takers join, and who is connected (with how much they added)."""

    DEFAULT_CSS = """
    RoomStatus { width: 1fr; height: auto; margin-top: 1; }
    RoomStatus.-error { color: $error; }
    """

    def __init__(self, server: RoomServer, *, id: str | None = None, classes: str | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__("", id=id, classes=classes)
        self.server = server
        self.clock = clock
        self.revealed_until = 0.0
        self._unwatch = None
        self._drawn_at = 0.0
        self._timer = None
        self._unlock_timer = None

    def on_mount(self) -> None:
        self._unwatch = self.server.watch(lambda _server: self._server_changed())
        self.show()
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        """Age "last seen" and let "typing…" go (a redraw only while someone is listed)."""
        if self.server.running and self._timer is None and self.server.presence():
            self.show()

    def on_resize(self) -> None:
        self.show()  # the note-takers' lines fit the new width

    def on_unmount(self) -> None:
        if self._unwatch is not None:
            self._unwatch()
            self._unwatch = None

    def _server_changed(self) -> None:
        if self._timer is not None:
            return
        wait = self._drawn_at + REDRAW_EVERY - time.monotonic()
        if wait <= 0:
            self.show()
        else:
            self._timer = self.set_timer(wait, self.show)

    def render_text(self) -> Text:
        """The widget's text (also handy in tests)."""
        server = self.server
        text = Text()
        if server.error:
            text.append("Not shared\n", style="bold")
            text.append(server.error)
            return text
        if not server.running:
            text.append("Sharing… starting", style="italic")
            return text
        peers = server.peers
        people = server.presence()
        named = [p for p in people if p.connected]
        text.append(f"Note-takers ({len(named)})\n", style="bold")
        text.append("Join in a browser:\n", style="italic")
        revealed = self.token_revealed
        text.append(server.join_url(reveal=revealed).replace("/#", "/\n#", 1) + "\n")
        text.append("or in a terminal:\n", style="italic")
        text.append(server.join_command(reveal=revealed).replace(" pmtui join ", " \\\npmtui join \\\n") + "\n")
        if not revealed:
            text.append("ctrl+p Show join token\n", style="dim")
        for address in server.failures.locked():
            text.append(f"⚠ {address} locked out: wrong tokens\n", style="bold red")
        width = self.content_size.width or PANEL_WIDTH
        for person in people:
            text.append_text(presence_line(person, width))
            text.append("\n")
        joining = len(peers) - len(named)
        if joining:
            text.append(f"◌ {joining} joining…\n", style="dim")
        if not peers:
            text.append("nobody yet", style="dim")
        return text

    @property
    def token_revealed(self) -> bool:
        """Whether the join command shows the token now."""
        return self.clock() < self.revealed_until

    def reveal_token(self, seconds: float = REVEAL_SECONDS) -> None:
        """Show the token in the join link and command, and the link's QR code, for ``seconds``; then hide it."""
        if not self.server.running:
            self.app.notify("The room is not open (yet): no link to show", title="Room", severity="warning")
            return
        from ..screens.join_dialog import JoinDialog

        self.revealed_until = self.clock() + seconds
        self.show()
        self.app.push_screen(JoinDialog(self.server, until=self.revealed_until, clock=self.clock),
                             lambda _: self.hide_token())

    def hide_token(self) -> None:
        """Hide the token again (the join dialog closed: its time was up, or the facilitator pressed Escape)."""
        self.revealed_until = 0.0
        self.show()

    def copy_join_link(self) -> None:
        """Put the browser's join link (token included) on the facilitator's clipboard, without showing it."""
        self.app.copy_to_clipboard(self.server.join_url(reveal=True))
        self.app.notify("Join link copied (token included): send it to the note-takers privately",
                        title="Room", timeout=6)

    def copy_join_command(self) -> None:
        """Put the whole join command (token included) on the facilitator's clipboard, without showing it."""
        self.app.copy_to_clipboard(self.server.join_command(reveal=True))
        self.app.notify("Join command copied (token included): paste it to the note-takers privately",
                        title="Room", timeout=6)

    def new_token(self) -> None:
        """Rotate the join token (people already in the room stay)."""
        problem = self.server.rotate_token()
        self.revealed_until = 0.0
        self.app.notify(problem or "New join token: people already in the room stay; "
                        "anyone joining needs the new command", title="Room",
                        severity="warning" if problem else "information", timeout=8)
        self.show()

    def commands(self) -> Iterator[SystemCommand]:
        """The room's commands for the palette (ctrl+p)."""
        yield SystemCommand("Show join token", f"Show the join link, its QR code and the join command for "
                            f"{REVEAL_SECONDS:.0f} s (mind who sees the shared screen)", self.reveal_token)
        yield SystemCommand("Copy join link", "Copy the browser's join link with its token to your clipboard",
                            self.copy_join_link)
        yield SystemCommand("Copy join command", "Copy the join command with its token to your clipboard",
                            self.copy_join_command)
        yield SystemCommand("New join token", "Replace the room's token; people already in the room stay",
                            self.new_token)

    def show(self) -> None:
        """Redraw from the server's current state (a layout pass only when the text's shape changed)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._drawn_at = time.monotonic()
        self.set_class(bool(self.server.error), "-error")
        self.show_text(self.render_text())
        if self._unlock_timer is not None:
            self._unlock_timer.stop()
            self._unlock_timer = None
        locked = self.server.failures.locked()
        if locked:  # drawn again when the first lockout ends, to take its line away
            self._unlock_timer = self.set_timer(min(locked.values()) + 0.05, self.show)
