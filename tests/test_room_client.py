"""The note-taker's client and its outbox: pending only once on disk, written by one worker, sent in order."""

from __future__ import annotations

import json
import threading

import pytest

from pmtui.room.client import probe
from pmtui.room.outbox import Outbox, OutboxError
from test_room_support import TOKEN, events_by, room, until  # noqa: F401 (fixture)


async def test_a_change_is_pending_only_once_the_outbox_has_it_on_disk_written_by_one_worker(room, monkeypatch):
    """A note-taker's line was drawn pending (⧗) while its write was still on the worker, then lost on kill -9."""
    client = await room.client("ann")
    await until(lambda: client.connected and client._greeted, what="ann to join")
    writers: list[threading.Thread] = []
    seen_while_writing: list[list[str]] = []
    add = Outbox.add

    def watched_add(outbox: Outbox, message: dict) -> None:
        writers.append(threading.current_thread())
        seen_while_writing.append([m.id for m in client.pending])  # what the screen would draw as pending now
        add(outbox, message)

    monkeypatch.setattr(Outbox, "add", watched_add)
    first = client.add_event_line("14:37 first | ann")
    assert json.loads(client.outbox.path.read_text())["entries"][-1]["id"] == first.id  # on disk when it returns
    second = client.add_event_line("14:38 second | ann")
    assert [change.id in seen for change, seen in zip([first, second], seen_while_writing)] == [False, False]
    assert client.is_pending(second.id) or events_by(room.session.meeting, "ann") == ["first", "second"]
    await until(lambda: not client.pending, what="both stored")
    assert events_by(room.session.meeting, "ann") == ["first", "second"]
    assert threading.main_thread() not in writers and len(set(writers)) == 1


async def test_a_change_the_outbox_cannot_take_is_refused_at_once_and_never_pending(room, monkeypatch):
    client = await room.client("bea")

    def full_disk(outbox: Outbox, message: dict) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Outbox, "add", full_disk)
    with pytest.raises(OutboxError, match="No space left on device") as refused:
        client.add_observation("lucky", "the cache was warm")
    assert "\n" not in str(refused.value) and str(client.outbox.path) in str(refused.value)
    assert not client.pending


async def test_probe_knows_a_room_by_its_welcome(room):
    assert await probe(room.url, TOKEN) == ("ok", "")
    assert await probe(room.url, TOKEN + "x") == ("refused", "wrong room token")
    assert await probe(room.url, f" {TOKEN}\n") == ("ok", "")  # trimmed
