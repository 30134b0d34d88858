"""Live note-takers: a WebSocket room inside the facilitator's process.

* :mod:`pmtui.room.protocol` — the JSON messages and their field-by-field validation.
* :mod:`pmtui.room.server` — :class:`RoomServer`, run on the facilitator's event loop;
  it hands note-takers' changes to the :class:`~pmtui.session.MeetingSession`
  (still the single writer) and broadcasts the results.
* :mod:`pmtui.room.client` — :class:`RoomClient`, a note-taker's connection with
  reconnect and backoff, sending from the on-disk :class:`~pmtui.room.outbox.Outbox`.
"""

from __future__ import annotations

from .protocol import MAX_MESSAGE_BYTES, PROTOCOL_VERSION, ProtocolError

__all__ = ["MAX_MESSAGE_BYTES", "PROTOCOL_VERSION", "ProtocolError"]
