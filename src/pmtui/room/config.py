"""Where and with which token the facilitator's app shares its meeting."""

from __future__ import annotations

from dataclasses import dataclass

from .rate import DEFAULT_ENTRY_RATE

DEFAULT_SHARE_PORT = 8765


@dataclass(frozen=True)
class RoomConfig:
    """Where and with which token the facilitator's app shares its meeting."""

    host: str = "127.0.0.1"
    port: int = DEFAULT_SHARE_PORT
    token: str = ""
    entry_rate: int = DEFAULT_ENTRY_RATE  # changes one note-taker may send per second

    def server(self, session):
        """A RoomServer for ``session`` (start it with ``await server.start()`` on the app's loop)."""
        from .server import RoomServer

        return RoomServer(session, host=self.host, port=self.port, token=self.token or None,
                          entry_rate=self.entry_rate)
