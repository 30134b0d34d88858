"""The facilitator's dialog for the room's note-takers: pick one to remove from the room."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList
from textual.widgets.option_list import Option

from .dialogs import CANCEL

if TYPE_CHECKING:  # importing the server pulls in aiohttp; only sharing needs it
    from ...room.presence import Presence


class RemoveNoteTakerDialog(ModalScreen[str | None]):
    """Pick a connected note-taker; dismisses with their room identity (author id), or None on Escape."""

    BINDINGS = [CANCEL]

    def __init__(self, peers: list[Presence]) -> None:
        super().__init__()
        self.peers = peers

    def compose(self) -> ComposeResult:
        options = []
        for peer in self.peers:
            prompt = Text(peer.name or "")
            prompt.append(f"  {peer.address} · {peer.entries} entries in this meeting", style="dim")
            options.append(Option(prompt, id=peer.author))
        with Vertical(id="remove-note-taker-dialog", classes="dialog") as box:
            box.border_title = "Remove a note-taker from the room"
            yield OptionList(*options, id="remove-note-takers")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
