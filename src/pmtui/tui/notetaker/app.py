"""``pmtui join``: the note-taker's app, a compact client of the facilitator's room.

It opens the note-taker's outbox once the name is known (given, else the one
name this machine joined this meeting under before, else asked for; asked
again when the room refuses it: the name is another note-taker's), starts the
:class:`~pmtui.room.client.RoomClient`, and hands what the client reports to
the :class:`~.screen.NoteTakerScreen` as messages, so every update is drawn on
the screen's own turn. None of this waits for the facilitator: with the room
unreachable the app opens on the outbox (pending entries shown, new ones
typed) while the client keeps trying to connect.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from ...heap import release
from ...room import protocol
from ...room.client import ConnectionState, RoomClient, RoomUpdate
from ...room.names import name_key
from ...room.outbox import Outbox, OutboxError, names_in_room
from ...room.protocol import ProtocolError, Refused
from ..plain import PlainApp
from .dialogs import NameScreen
from .screen import ConnectionChanged, NoteTakerScreen, RoomUpdated


class NoteTakerApp(PlainApp):
    """``pmtui join``: a compact app for adding to the facilitator's meeting from another machine."""

    CSS_PATH = "../pmtui.tcss"
    TITLE = "pmtui note-taker"

    def __init__(
        self,
        url: str,
        token: str,
        *,
        name: str | None = None,
        outbox_dir: str | Path | None = None,
        client: RoomClient | None = None,
    ) -> None:
        super().__init__()
        self.url = url
        self.token = token
        self.outbox_dir = outbox_dir
        self.outbox: Outbox | None = None
        self._initial_name = name
        self._notes: NoteTakerScreen | None = None
        self.client = client or RoomClient(url, token)
        self.client.on_update = self._update
        self.client.on_state = self._state

    @property
    def notes(self) -> NoteTakerScreen:
        """The main screen (phase, timeline, entry line)."""
        assert self._notes is not None
        return self._notes

    async def on_mount(self) -> None:
        self._notes = NoteTakerScreen(self.client)
        await self.push_screen(self._notes)
        if self._initial_name:
            problem = self._use_name(self._initial_name)
            if problem:
                self.exit(return_code=2, message=f"pmtui: {problem}")
                return
            self._notes.rebuild()  # what the outbox still holds shows at once, connected or not
        else:
            await self._name_from_outbox()
        await self.client.start()

    async def _name_from_outbox(self) -> None:
        """Start as the one name this machine joined this meeting under; else ask (naming the earlier ones).

        The question comes first, with the keyboard on it; the meeting loads behind it.
        """
        known = await asyncio.to_thread(names_in_room, self.url, self.outbox_dir)
        problem = self._use_name(known[0]) if len(known) == 1 else None
        if len(known) == 1 and problem is None:
            self._named(known[0])
            return
        await self.push_screen(NameScreen(self._use_name, problem or "", known=known), self._named)

    def _use_name(self, value: str) -> str | None:
        """Open the outbox for ``value`` (instead of the refused one's); a one-line problem, or None when it worked."""
        try:
            name = protocol.check_name(value)
            if self.outbox is not None and name_key(name) == name_key(self.client.name or ""):
                return "the room refused that name: type another"
            outbox = Outbox.for_room(self.url, name, self.outbox_dir)
        except (ProtocolError, OutboxError) as exc:
            return str(exc)
        if self.outbox is None:
            self.client.introduce(name, outbox)
        else:
            self.client.rename(name, outbox)  # moves what is pending, and closes the old outbox
        self.outbox = outbox
        return None

    async def _ask_name_again(self, problem: str) -> None:
        """The room refused the name: ask for another, the problem shown under the box."""
        if not isinstance(self.screen, NameScreen):
            await self.push_screen(NameScreen(self._use_name, problem), self._named)

    def _named(self, name: str | None) -> None:
        screen = self.notes
        screen.rebuild()
        screen.entry.focus_input()

    def _update(self, update: RoomUpdate) -> None:
        if isinstance(update, Refused) and update.reason == "name":
            self.call_later(self._ask_name_again, update.message)
        if self._notes is not None:
            self._notes.post_message(RoomUpdated(update))

    def _state(self, state: ConnectionState) -> None:
        if self._notes is not None:
            self._notes.post_message(ConnectionChanged(state))
        asking = self.screen_stack[-1] if self.screen_stack else None  # none left while the app closes
        if isinstance(asking, NameScreen) and asking.is_mounted:
            asking.show_connection(state, self.url)

    async def on_unmount(self) -> None:
        await self.client.stop()  # waits for the outbox's writes
        if self.outbox is not None:
            await asyncio.to_thread(self.outbox.close)
        release()
