"""The note-taker's keys: no key typed for the entry line ever acts on a list, and nothing typed is lost.

In a live meeting a note-taker removed an entry, the cursor stayed on the
timeline, and the next typed line "14:25 Proxy ready" ran the list's shortcuts:
``x`` opened Remove for another entry, ``y`` confirmed it, ``e`` + Enter edited
an older one, and the line itself was lost.
"""

from __future__ import annotations

from pmtui.tui.notetaker.app import NoteTakerApp
from test_room_notetaker import _joined, _type
from test_room_support import TOKEN, room, until  # noqa: F401 (fixture)


async def _alice_with_two_events(room, pilot, app: NoteTakerApp) -> tuple[str, str]:
    """Alice joins and adds two events; their ids, oldest first."""
    await _joined(app, pilot)
    await _type(pilot, app, "14:10 proxy restarted | ops", "enter")
    await _type(pilot, app, "14:20 config pushed | ops", "enter")
    await until(lambda: len(room.session.meeting.events) == 2 and not app.client.pending, what="both stored")
    await pilot.pause()
    first, second = (e.id for e in room.session.meeting.events)
    return first, second


async def _select(pilot, app: NoteTakerApp, item: str):
    """Tab from the entry line into the timeline and put its cursor on ``item``; the timeline."""
    timeline = app.notes.timeline
    await pilot.press("tab")
    assert app.focused is timeline
    timeline.move_cursor(row=timeline.get_row_index(item))
    return timeline


def _stored(room) -> list[tuple[str, str, str]]:
    return [(e.time.strftime("%H:%M"), e.description, e.evidence) for e in room.session.meeting.events]


async def test_a_line_typed_right_after_a_removal_goes_into_the_line_and_touches_no_entry(room):
    app = NoteTakerApp(room.url, TOKEN, name="alice", outbox_dir=room.outbox_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        first, second = await _alice_with_two_events(room, pilot, app)
        await _type(pilot, app, "+ rollback was quick", "enter")
        await until(lambda: room.session.meeting.observations and not app.client.pending, what="observation")
        line = app.notes.entry.input
        timeline = await _select(pilot, app, second)
        await pilot.press("delete")
        assert app.screen.is_modal
        await pilot.press("y")
        await pilot.pause()
        assert app.focused is line  # back in the line, where the next words go
        await until(lambda: len(room.session.meeting.events) == 1 and not app.client.pending, what="the removal")
        await pilot.pause()
        await pilot.press(*"14:25 Proxy ready", "enter")  # typed key by key, as the note-taker did
        await pilot.pause()
        assert not app.screen.is_modal
        await until(lambda: len(room.session.meeting.events) == 2 and not app.client.pending, what="the new line")
        assert _stored(room) == [("14:10", "proxy restarted", ""), ("14:25", "Proxy ready", "")]
        assert [o.text for o in room.session.meeting.observations] == ["rollback was quick"]
        assert line.value == "" and app.focused is line
        assert first in timeline


async def test_answering_no_also_gives_the_line_back(room):
    app = NoteTakerApp(room.url, TOKEN, name="alice", outbox_dir=room.outbox_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        _, second = await _alice_with_two_events(room, pilot, app)
        await _select(pilot, app, second)
        await pilot.press("delete", "n")
        await pilot.pause()
        assert app.focused is app.notes.entry.input
        assert len(room.session.meeting.events) == 2


async def test_letters_typed_while_a_list_has_the_focus_go_into_the_line(room):
    """After an explicit move to a list, typing still types: the keys land in the line, in order, none lost."""
    app = NoteTakerApp(room.url, TOKEN, name="alice", outbox_dir=room.outbox_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        await _alice_with_two_events(room, pilot, app)
        await _type(pilot, app, "+ paging was fast", "enter")
        await until(lambda: room.session.meeting.observations and not app.client.pending, what="observation")
        line = app.notes.entry.input
        for hops in (1, 2):  # the timeline, then the observations
            await _type(pilot, app, "14:3")
            await pilot.press(*["tab"] * hops)
            assert app.focused is not line
            await pilot.press(*"0 every exec xy retried", "enter")
            await pilot.pause()
            assert not app.screen.is_modal and app.focused is line
            await until(lambda: not app.client.pending, what="the typed line")
        assert _stored(room)[-2:] == [("14:30", "every exec xy retried", "")] * 2
        assert len(room.session.meeting.events) == 4 and len(room.session.meeting.observations) == 1


async def test_a_paste_into_a_list_lands_in_the_line(room):
    from helpers import paste

    app = NoteTakerApp(room.url, TOKEN, name="alice", outbox_dir=room.outbox_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        await _alice_with_two_events(room, pilot, app)
        await _type(pilot, app, "14:4")
        await pilot.press("tab")
        await paste(pilot, "0 pasted line xe")
        line = app.notes.entry.input
        assert app.focused is line and line.value == "14:40 pasted line xe"
        assert len(room.session.meeting.events) == 2 and not app.client.pending


async def test_enter_on_an_own_entry_still_edits_it_in_the_line(room):
    """The list keys that stay are ones no typed text contains: Enter edits, Delete removes."""
    app = NoteTakerApp(room.url, TOKEN, name="alice", outbox_dir=room.outbox_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        first, _ = await _alice_with_two_events(room, pilot, app)
        line = app.notes.entry.input
        await _select(pilot, app, first)
        await pilot.press("enter")
        assert app.focused is line and line.value == "14:10:00 proxy restarted | ops"


async def test_typing_into_the_remove_question_answers_no_and_the_text_goes_into_the_line(room):
    app = NoteTakerApp(room.url, TOKEN, name="alice", outbox_dir=room.outbox_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        _, second = await _alice_with_two_events(room, pilot, app)
        line = app.notes.entry.input
        await _select(pilot, app, second)
        await pilot.press("delete")
        assert app.screen.is_modal
        await pilot.press(*"14:26 yes, retry now")
        await pilot.pause()
        assert not app.screen.is_modal and app.focused is line and line.value == "14:26 yes, retry now"
        assert len(room.session.meeting.events) == 2 and not app.client.pending
