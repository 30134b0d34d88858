"""Live note-takers: a WebSocket room inside the facilitator's process.

* :mod:`pmtui.room.protocol` — the JSON messages, their field-by-field validation, and
  the typed messages both ends read them into.
* :mod:`pmtui.room.server` — :class:`RoomServer`, run on the facilitator's event loop;
  it hands note-takers' changes to the :class:`~pmtui.session.MeetingSession`
  (still the single writer) and broadcasts the results.
* :mod:`pmtui.room.client` — :class:`RoomClient`, a note-taker's connection with
  reconnect and backoff, sending from the on-disk :class:`~pmtui.room.outbox.Outbox`
  (written by one worker thread, never on the event loop).
* :mod:`pmtui.room.view` — :class:`~pmtui.room.view.NotesView`, what a note-taker sees:
  the room merged with their changes still on their way (drawn by ``pmtui.tui.notetaker``).
* :mod:`pmtui.room.lines` — what a note-taker's typed line adds, read the same way by
  ``pmtui join`` and by the room for a browser page's raw ``entry``.
* :mod:`pmtui.room.pages` — the browser note-taker's page (``web/``) as the room serves it,
  and the security headers of every answer.
* :mod:`pmtui.room.identity`, :mod:`pmtui.room.names`, :mod:`pmtui.room.rate` — who a
  note-taker is (the key the room issues, the author id stored), when two display names
  are one name, and how many changes a note-taker may send a second.
"""

