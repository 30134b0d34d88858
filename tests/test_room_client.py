"""The note-taker's client and its outbox: written off the event loop, sent only once on disk, in order."""

from __future__ import annotations

import asyncio
import json
import threading

from pmtui.room.client import Rejected, probe
from pmtui.room.outbox import Outbox
from test_room_support import TOKEN, events_by, room, until  # noqa: F401 (fixture)


async def test_the_outbox_is_written_off_the_event_loop_and_a_change_is_sent_only_once_on_disk(room, monkeypatch):
    client = await room.client("ann")
    await until(lambda: client.connected and client._greeted, what="ann to join")
    writers: list[threading.Thread] = []
    written = threading.Event()
    add = Outbox.add

    def slow_add(outbox: Outbox, message: dict) -> None:
        writers.append(threading.current_thread())
        written.wait(10)  # the disk is slow
        add(outbox, message)

    monkeypatch.setattr(Outbox, "add", slow_add)
    first = client.add_event_line("14:37 first | ann")
    second = client.add_event_line("14:38 second | ann")
    assert [m.id for m in client.pending] == [first.id, second.id]  # pending at once, the loop not held up
    await until(lambda: writers, what="the worker to start writing")
    for _ in range(50):
        await asyncio.sleep(0)  # let any send that should not happen happen
    try:
        assert not client._sent and json.loads(client.outbox.path.read_text())["entries"] == []  # only the key
    finally:
        written.set()
    await until(lambda: not client.pending, what="both stored")
    assert events_by(room.session.meeting, "ann") == ["first", "second"]
    assert threading.main_thread() not in writers and len(set(writers)) == 1


async def test_a_change_the_outbox_cannot_take_comes_back_refused(room, monkeypatch):
    client = await room.client("bea")
    refused: list[Rejected] = []
    client.on_update = lambda update: refused.append(update) if isinstance(update, Rejected) else None

    def full_disk(outbox: Outbox, message: dict) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Outbox, "add", full_disk)
    sent = client.add_observation("lucky", "the cache was warm")
    await until(lambda: refused, what="the refusal")
    assert refused[0].entry == sent and "No space left on device" in refused[0].message
    assert not client.pending


async def test_probe_knows_a_room_by_its_welcome(room):
    assert await probe(room.url, TOKEN) == ("ok", "")
    assert await probe(room.url, TOKEN + "x") == ("refused", "wrong room token")
    assert await probe(room.url, f" {TOKEN}\n") == ("ok", "")  # trimmed
