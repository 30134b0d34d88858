"""A note-taker's typed lines go through the same grammar as the facilitator's: same entries, same speaker."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pmtui.entry_grammar import EventEntry, ObservationEntry, WhyEntry, read_entry
from pmtui.room.view import NotesView
from test_room_support import room, until  # noqa: F401 (fixture)

TIMELINE, OBSERVATIONS, FIVE_WHYS = 1, 2, 3  # standard-90 without follow-ups
CONTEXT = {"tz": "UTC", "on": date(2026, 3, 14), "near": datetime(2026, 3, 14, 14, 0, tzinfo=UTC)}

TYPED = {
    TIMELINE: ["14:37 checkout errors start | api", "@priya 14:41 acknowledged the page", "- pg_dump failed silently",
               "! the snapshot was 6 hours old", "@jo + the replica was there", "- @ana nobody restored a backup"],
    OBSERVATIONS: ["the runbook was current", "@lee alerts were clear", "! one region only"],
    FIVE_WHYS: ["@lee nobody owned backup testing", "? restores were never practised"],
}
KINDS = {TIMELINE: "timeline", OBSERVATIONS: "observations", FIVE_WHYS: "five_whys"}


def stored(meeting, entry):
    """What the facilitator stored for a note-taker's entry, as the grammar's fields."""
    match entry:
        case EventEntry():
            event = meeting.events[-1]
            return EventEntry(event.time, event.description, event.actor, event.evidence, event.speaker)
        case ObservationEntry():
            observation = meeting.observations[-1]
            return ObservationEntry(observation.kind, observation.text, speaker=observation.speaker)
        case WhyEntry():
            why = meeting.chains[-1].proposals[-1]  # a note-taker's why waits for the facilitator to place it
            return WhyEntry(why.text, why.speaker)


async def test_the_note_taker_s_lines_give_the_entries_the_facilitator_s_grammar_reads(room):
    session = room.session
    session.start_chain("Backups could not be restored")
    client = await room.client("carol")
    view = NotesView(client)
    for phase, lines in TYPED.items():
        session.jump_to_phase(phase)
        await until(lambda at=phase: client.room.clock is not None and client.room.clock.index == at, what="phase")
        for line in lines:
            client.submit(view.read_line(line))
            await until(lambda: not client.pending, what=f"{line!r} stored")
            assert stored(session.meeting, read_entry(line, KINDS[phase], **CONTEXT)) == read_entry(
                line, KINDS[phase], **CONTEXT), line
    assert [o.author for o in session.meeting.observations] == ["carol"] * 7
