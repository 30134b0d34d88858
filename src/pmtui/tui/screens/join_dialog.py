"""The facilitator's "Show join token" dialog: the join link, its QR code for phones, and the join command.

The facilitator's screen is usually shared, so this is the only place the token
shows, and only until ``until`` on the room panel's clock (30 s): then the
dialog closes by itself; Escape closes it sooner. The QR code is drawn in half
blocks, black on white whatever the theme (see :mod:`pmtui.qr_text`); a
terminal too small to show it whole says so instead of drawing a code no phone
can read.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from ...qr_text import draw, qr_matrix

if TYPE_CHECKING:  # importing the server pulls in aiohttp; only sharing needs it
    from ...room.server import RoomServer

TOO_SMALL = "make the terminal bigger to show the QR code"
DIALOG_WIDTH = 80
"""As wide as the join command of a LAN address, and no wider than the smallest terminal pmtui fits."""
CHROME = (4, 3)
"""Columns (border and padding) and lines (border and the footer) the dialog takes around its text."""


class JoinDialog(ModalScreen[None]):
    """The join link, its QR code and the join command, token shown, until the reveal ends or Escape."""

    BINDINGS = [Binding("escape", "hide", "Hide the token", id="hide_token")]

    def __init__(self, server: RoomServer, *, until: float, clock: Callable[[], float]) -> None:
        super().__init__()
        self.until = until
        self.clock = clock
        self.link = server.join_url(reveal=True)
        self.command = server.join_command(reveal=True)
        self.code = draw(qr_matrix(self.link))
        self._over = False

    def compose(self) -> ComposeResult:
        with Vertical(id="join-dialog", classes="dialog") as box:
            box.border_title = "Join this room: open the link, scan the code, or run the command"
            yield Label(self.link, id="join-link", markup=False)
            yield Label(self.command, id="join-command", markup=False)
            yield Static(self.code_text(), id="join-qr")
        yield Footer()

    def on_mount(self) -> None:
        self.tick()
        if not self._over:
            self.set_interval(1.0, self.tick)
            self.set_timer(self.until - self.clock(), self.tick)  # on time, not up to a second late

    def on_resize(self) -> None:
        for qr in self.query("#join-qr").results(Static):
            qr.update(self.code_text())

    def tick(self) -> None:
        """Count the reveal down in the border; close when it is over."""
        left = self.until - self.clock()
        if left <= 0:
            self.action_hide()
            return
        for box in self.query("#join-dialog"):
            box.border_subtitle = f"token hidden again in {math.ceil(left)} s"

    def code_fits(self) -> bool:
        """Whether the whole code, its quiet zone included, fits under the link and the command now."""
        columns, lines = self.app.size
        inner = min(DIALOG_WIDTH, columns) - CHROME[0]
        if inner < len(self.code[0]):
            return False
        text_lines = sum(math.ceil(cell_len(text) / inner) for text in (self.link, self.command))
        return text_lines + len(self.code) + CHROME[1] <= lines

    def code_text(self) -> Text:
        """The code, black on white, or one line saying to make the terminal bigger."""
        if self.code_fits():
            return Text("\n".join(self.code), style="#000000 on #ffffff")
        return Text(TOO_SMALL, style="italic")

    def action_hide(self) -> None:
        if not self._over:  # once: the countdown and Escape may both end it
            self._over = True
            self.dismiss()
