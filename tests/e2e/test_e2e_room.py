"""Run B: a live room in real terminals (tmux): a facilitator and three `pmtui join` note-takers typing at once.

Each program runs in its own tmux window, as each person would in their own terminal. What counts is
what the facilitator's meeting file holds: every entry a note-taker saw acknowledged arrives there once,
also across a note-taker's `kill -9` and restart. Each step is one function, so steps can be added
(two whys at once, a note-taker started while the facilitator is down, the end of the meeting).
"""

from __future__ import annotations

import os
import re
import signal
import socket
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tmux_driver import Folders, Tmux

from pmtui.model import Meeting
from pmtui.store import read_meeting
from pmtui.tui.notetaker.screen import PENDING

NOTE_TAKERS = ("Ana", "Ben", "Caro")
TOKEN = "e2e-room-token-0123456789abcdef"
SIZE = (120, 36)
FIVE_WHYS_PHASE = 4
"""The Five Whys' number in the default agenda (ctrl+g then this number goes there)."""
PROBLEM = "Users could not log in for 40 minutes"
ENDED_COUNTS = re.compile(r"You added (\d+) events?, (\d+) observations?, (\d+) whys?")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Room:
    """What the steps share: the terminal, the folders, the meeting, where the room listens."""

    tmux: Tmux
    folders: Folders
    meeting_id: str
    port: int
    token_file: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def meeting(self) -> Meeting:
        return read_meeting(self.folders.data / f"{self.meeting_id}.json")

    def descriptions(self) -> Counter[str]:
        return Counter(event.description for event in self.meeting().events)

    def until(self, condition, what: str, window: str = "facilitator", timeout: float = 20):
        """Poll ``condition()`` (a read of the meeting file) until it holds; fails with ``window``'s screen."""
        return self.tmux.wait_while_on(window, condition, what, timeout)


# --- the steps ---------------------------------------------------------------------------------


def open_room(tmux: Tmux, folders: Folders) -> Room:
    """`pmtui new`, then `pmtui run --share` with a token file; the facilitator goes to the timeline."""
    made = folders.pmtui("new", "Login storms after the certificate rotation", "--started", "2026-05-02 14:00",
                         "--services", "auth")
    meeting_id = made.stdout.strip().splitlines()[-1]
    token_file = folders.root / "token"
    token_file.write_text(TOKEN + "\n")
    token_file.chmod(0o600)
    room = Room(tmux, folders, meeting_id, _free_port(), token_file)
    tmux.start("facilitator", "run", meeting_id, "--share", "--port", str(room.port), "--token-file", str(token_file))
    tmux.wait_for("facilitator", "Note-takers (0)")
    tmux.press("facilitator", "C-n")
    tmux.wait_for("facilitator", "Phase 2/")
    return room


def join(room: Room, name: str, *, restart: bool = False) -> None:
    """`pmtui join URL --name NAME --token-file F` in the note-taker's own window."""
    args = ("join", room.url, "--name", name, "--token-file", str(room.token_file))
    if restart:
        room.tmux.restart(name, *args)
    else:
        room.tmux.start(name, *args)
    room.tmux.wait_for(name, f"You: {name}", "connected")


def everyone_joins(room: Room) -> None:
    for name in NOTE_TAKERS:
        join(room, name)
    room.tmux.wait_for("facilitator", f"Note-takers ({len(NOTE_TAKERS)})")


def type_at_once(room: Room, lines_per_person: int, first_minute: int) -> list[str]:
    """Every note-taker types ``lines_per_person`` events, turn about, without waiting for one another."""
    typed = []
    for index in range(lines_per_person):
        for name in NOTE_TAKERS:
            text = f"{name.lower()} saw login error burst {first_minute + index}"
            room.tmux.line(name, f"14:{first_minute + index:02d} {text}")
            typed.append(text)
    return typed


def all_arrive_once(room: Room, typed: list[str]) -> None:
    try:
        room.until(lambda: all(room.descriptions()[text] for text in typed), "every typed event at the facilitator")
    except AssertionError as exc:
        missing = [text for text in typed if not room.descriptions()[text]]
        screens = "\n".join(f"--- {name}:\n{room.tmux.screen(name)}" for name in NOTE_TAKERS)
        raise AssertionError(f"missing {missing}\n{exc}\n{screens}") from None
    counts = room.descriptions()
    assert [text for text in typed if counts[text] != 1] == [], "an entry arrived more than once"
    authors = {event.description: event.author for event in room.meeting().events}
    assert all(authors[text].lower().startswith(text.split()[0]) for text in typed), "an entry has another author"


def kill_and_restart(room: Room, name: str) -> list[str]:
    """``name`` types five lines and is killed (SIGKILL) as soon as they show; `pmtui join` again, same name.

    The entries the facilitator had stored (acknowledged) by then are returned, to arrive once; a line
    still on its way may be lost with the process (its outbox write in flight), but never arrives twice.
    """
    tmux = room.tmux
    typed = [f"{name.lower()} typed before the crash {n}" for n in range(5)]
    for n, text in enumerate(typed):
        tmux.line(name, f"14:{40 + n:02d} {text}")
    tmux.wait_for(name, typed[-1])
    os.kill(tmux.pid(name), signal.SIGKILL)
    room.until(lambda: tmux.exited(name), f"{name}'s pmtui to die", window=name)
    acknowledged = [text for text in typed if room.descriptions()[text]]
    join(room, name, restart=True)
    room.tmux.wait_for(name, "all stored")  # whatever its outbox held is sent and stored
    counts = room.descriptions()
    assert [text for text in typed if counts[text] > 1] == [], "an entry arrived twice after the restart"
    return acknowledged


def remove_then_type(room: Room, name: str) -> None:
    """A note-taker removes their entry (Tab to the timeline, Delete, y) and types the next line at once.

    The line must arrive whole as their entry; nothing else may be removed or edited.
    """
    tmux = room.tmux
    mine = f"{name.lower()} entry to remove"
    tmux.line(name, f"14:59 {mine}")
    room.until(lambda: room.descriptions()[mine] == 1, "the entry to remove at the facilitator", name)
    before = {event.id: (event.description, event.evidence, event.actor) for event in room.meeting().events}
    index = [event.description for event in room.meeting().sorted_events()].index(mine)
    tmux.press(name, "Tab")
    tmux.wait_for(name, "Remove yours")
    tmux.press(name, "Home", *["Down"] * index, "Delete")
    tmux.wait_for(name, "Remove this entry of yours?")
    tmux.press(name, "y")
    room.until(lambda: room.descriptions()[mine] == 0, "the removal at the facilitator", name)
    line = "proxy ready, x-y checks done; e2e retry queue empty"  # x, y, e and Enter were once keys of the list
    tmux.line(name, f"15:01 {line}")
    room.until(lambda: room.descriptions()[line] == 1, "the line typed after the removal", name, timeout=10)
    assert [event.author for event in room.meeting().events if event.description == line] == [name]
    after = {event.id: (event.description, event.evidence, event.actor) for event in room.meeting().events}
    gone = {key: value for key, value in before.items() if value[0] != mine}
    assert {key: after.get(key) for key in gone} == gone, "another entry was removed or edited"


def go_to_phase(room: Room, number: int) -> None:
    """The facilitator's ctrl+g, the phase's number, Enter."""
    room.tmux.press("facilitator", "C-g")
    room.tmux.wait_for("facilitator", "◀ now")  # the dialog's; "Go to phase" is also the footer's label
    room.tmux.press("facilitator", str(number), "Enter")
    room.tmux.wait_for("facilitator", f"Phase {number}/")


def two_whys_at_once(room: Room, first: tuple[str, str], second: tuple[str, str]) -> None:
    """The facilitator opens the Five Whys and starts a chain; two note-takers send a `?` answer at the same moment.

    Both arrive as proposals (not yet in the chain, each with its author); the facilitator goes to them (F4) and
    places ``first`` then ``second`` (Enter on each), whatever order they arrived in (``second`` is sent first,
    so the wanted one is usually not on top). ``first`` and ``second`` are (note-taker, answer).
    """
    tmux = room.tmux
    go_to_phase(room, FIVE_WHYS_PHASE)
    tmux.wait_for("facilitator", "Type the problem statement below")
    tmux.line("facilitator", PROBLEM)
    room.until(lambda: [chain.problem for chain in room.meeting().chains] == [PROBLEM], "the chain in the file")
    for name, _ in (first, second):
        tmux.wait_for(name, f"Problem: {PROBLEM[:20]}")
    for name, answer in (second, first):
        tmux.type(name, f"? {answer}")
    for name, _ in (second, first):  # both Enters as close together as two people can manage
        tmux.press(name, "Enter")
    room.until(lambda: len(room.meeting().chains[0].proposals) == 2, "both proposals in the file")
    chain = room.meeting().chains[0]
    assert chain.whys == [], "a note-taker's answer went into the chain without the facilitator"
    assert sorted((p.author, p.text) for p in chain.proposals) == sorted((first, second))
    tmux.wait_for("facilitator", "Proposed by note-takers (2)")
    tmux.press("facilitator", "F4")
    tmux.wait_for("facilitator", "a Place as next why")
    for placed, (_, answer) in enumerate((first, second), 1):
        waiting = [p.text for p in room.meeting().chains[0].proposals]
        tmux.press("facilitator", "Home", *["Down"] * waiting.index(answer), "Enter")
        room.until(lambda n=placed: len(room.meeting().chains[0].whys) == n, f"why {placed} placed")
    chain = room.meeting().chains[0]
    assert [(why.text, why.author) for why in chain.whys] == [(answer, name) for name, answer in (first, second)]
    assert chain.proposals == []


def why_refused_outside_five_whys(room: Room, name: str) -> None:
    """The facilitator moves on to the action items; a `?` line then is refused on the note-taker's own screen."""
    go_to_phase(room, FIVE_WHYS_PHASE + 1)
    room.tmux.wait_for(name, f"Phase {FIVE_WHYS_PHASE + 1}/")
    whys = [why.text for why in room.meeting().chains[0].whys]
    room.tmux.line(name, "? the alert fired on the wrong dashboard")
    screen = room.tmux.wait_for(name, "the Five Whys are not open")
    assert "send your answer when the facilitator opens them" in " ".join(screen.split())
    assert [why.text for why in room.meeting().chains[0].whys] == whys and room.meeting().chains[0].proposals == []


def started_while_the_facilitator_is_down(room: Room, name: str) -> None:
    """The facilitator quits (confirming, as note-takers are connected); ``name`` runs `pmtui join` meanwhile.

    Their join opens on the outbox; a typed line shows pending (⧗); once the facilitator runs again on the same
    port with the same token file, the line arrives once, as theirs.
    """
    tmux = room.tmux
    tmux.press("facilitator", "C-q")
    tmux.wait_for("facilitator", "Quit?", "note-taker(s) connected", "Yes (y)")
    tmux.press("facilitator", "y")
    room.until(lambda: tmux.exited("facilitator"), "the facilitator's pmtui to quit")
    tmux.start(name, "join", room.url, "--name", name, "--token-file", str(room.token_file))
    tmux.wait_for(name, f"You: {name}", "the facilitator is not reachable yet")
    line = f"{name.lower()} typed while the facilitator was away"
    tmux.line(name, f"15:10 {line}")
    tmux.wait_for(name, f"{PENDING} 1 pending", line)
    assert room.descriptions()[line] == 0
    tmux.restart("facilitator", "run", room.meeting_id, "--share", "--port", str(room.port),
                 "--token-file", str(room.token_file))
    room.until(lambda: room.descriptions()[line], "the line typed while the facilitator was away", window=name)
    tmux.wait_for(name, "all stored")
    assert [event.author for event in room.meeting().events if event.description == line] == [name]


def end_of_the_meeting(room: Room, names: tuple[str, ...]) -> None:
    """The facilitator runs the palette's "End meeting"; every note-taker reads that it ended, with their counts."""
    tmux = room.tmux
    tmux.press("facilitator", "C-p")
    tmux.wait_for("facilitator", "🔎")
    tmux.type("facilitator", "End meeting")
    tmux.wait_for("facilitator", "Stop the clock, record the end time")
    tmux.press("facilitator", "Enter")
    room.until(lambda: room.meeting().status == "ended", "the meeting ended in the file")
    meeting = room.meeting()
    whys = [why.author for chain in meeting.chains for why in chain.whys]
    for name in names:
        counts = (sum(event.author == name for event in meeting.events),
                  sum(observation.author == name for observation in meeting.observations), whys.count(name))
        told = tmux.wait_until(name, lambda screen: ENDED_COUNTS.search(screen), "the meeting-ended notice")
        assert tuple(int(n) for n in ENDED_COUNTS.search(told).groups()) == counts, told
        assert "■ ended" in told


# --- the runs ----------------------------------------------------------------------------------


def test_b_three_note_takers_type_at_once_and_one_survives_kill_9(terminal, folders):
    room = open_room(terminal(*SIZE), folders)
    everyone_joins(room)
    typed = type_at_once(room, lines_per_person=5, first_minute=1)
    all_arrive_once(room, typed)
    typed += kill_and_restart(room, "Ben")
    typed += type_at_once(room, lines_per_person=2, first_minute=20)
    all_arrive_once(room, typed)


def test_b_a_line_typed_right_after_a_removal_arrives_whole(terminal, folders):
    room = open_room(terminal(*SIZE), folders)
    everyone_joins(room)
    all_arrive_once(room, type_at_once(room, lines_per_person=1, first_minute=1))
    remove_then_type(room, "Ana")


def test_b_two_whys_at_once_are_placed_in_order_then_refused_outside_and_the_meeting_ends(terminal, folders):
    room = open_room(terminal(*SIZE), folders)
    everyone_joins(room)
    all_arrive_once(room, type_at_once(room, lines_per_person=1, first_minute=1))
    two_whys_at_once(room, ("Ben", "the proxies kept serving the old certificate chain"),
                     ("Ana", "the rotation runbook has no step that checks the served chain"))
    why_refused_outside_five_whys(room, "Caro")
    end_of_the_meeting(room, NOTE_TAKERS)


def test_b_a_note_taker_started_while_the_facilitator_is_down(terminal, folders):
    room = open_room(terminal(*SIZE), folders)
    everyone_joins(room)
    started_while_the_facilitator_is_down(room, "Dev")
    room.tmux.wait_for("facilitator", "Note-takers (")
    all_arrive_once(room, type_at_once(room, lines_per_person=1, first_minute=30))
