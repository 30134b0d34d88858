"""RoomStatus: the facilitator's view of the shared room (join command and note-takers).

Mount it in the meeting screen's sidebar when the meeting is shared::

    yield RoomStatus(app.room_server, id="room-status")

It follows the :class:`~pmtui.room.server.RoomServer` through ``server.watch``
and redraws when note-takers come, go or add something: at once, then at most
every :data:`REDRAW_EVERY` seconds while changes keep coming (twenty
note-takers typing at once would otherwise redraw it for every event).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text

from .text_line import TextLine

if TYPE_CHECKING:  # importing the server pulls in aiohttp; only sharing needs it
    from ...room.server import RoomServer

REDRAW_EVERY = 0.25


class RoomStatus(TextLine):
    """How note-takers join, and who is connected (with how much they added)."""

    DEFAULT_CSS = """
    RoomStatus { width: 1fr; height: auto; margin-top: 1; }
    RoomStatus.-error { color: $error; }
    """

    def __init__(self, server: RoomServer, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self.server = server
        self._unwatch = None
        self._drawn_at = 0.0
        self._timer = None

    def on_mount(self) -> None:
        self._unwatch = self.server.watch(lambda _server: self._server_changed())
        self.show()

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
        named = [p for p in peers if p.name]
        text.append(f"Note-takers ({len(named)})\n", style="bold")
        text.append("Join with:\n", style="italic")
        text.append(f"pmtui join {server.url}\n--token {server.token}\n")
        for peer in named:
            text.append("● ", style="green")
            text.append(peer.name or "")
            if peer.added:
                text.append(f" · {peer.added}", style="dim")
            text.append("\n")
        joining = len(peers) - len(named)
        if joining:
            text.append(f"◌ {joining} joining…\n", style="dim")
        if not peers:
            text.append("nobody yet", style="dim")
        return text

    def show(self) -> None:
        """Redraw from the server's current state (a layout pass only when the text's shape changed)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._drawn_at = time.monotonic()
        self.set_class(bool(self.server.error), "-error")
        self.show_text(self.render_text())
