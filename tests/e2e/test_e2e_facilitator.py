"""Run A: one facilitator runs a meeting about an incident that crosses midnight, in a real terminal (tmux).

The meeting is made with ``pmtui new``, run with ``pmtui run`` and exported with ``pmtui export``, as
README.md tells a new facilitator to. An earlier meeting with an open action item is in the same data dir,
so the meeting has a follow-ups phase, which the facilitator goes through typing a note: that meeting's
file must come out byte for byte as it went in. The meeting has attendees; the facilitator credits what
they said with ``@name`` and with the current speaker (f9), and the export must credit exactly those, never
the facilitator for typing. Each step is one function, so a step can be added or changed on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from tmux_driver import Folders, Tmux

from pmtui.demo import create_demo
from pmtui.model import OBSERVATION_LABELS, Meeting
from pmtui.paths import data_dir
from pmtui.store import read_meeting

STARTED = "2026-03-14 23:27"
DAY_ONE, DAY_TWO = date(2026, 3, 14), date(2026, 3, 15)
ANA, BEN, FACILITATOR = "Ana Lima", "Ben Okoro", "Fay Dunn"
ATTENDEES = [f"{ANA}:incident commander", f"{BEN}:responder", f"{FACILITATOR}:facilitator"]


@dataclass(frozen=True)
class Typed:
    """One timeline line as typed (a bare time, maybe after an ``@name``), the day it must land on, and who
    the export must credit (the ``@name``, else the current speaker then, else nobody)."""

    time: str
    text: str
    day: date
    said: str = ""  # the @name typed before the time
    author: str = ""

    @property
    def line(self) -> str:
        return f"{self.said} {self.time} {self.text}".lstrip()


EVENTS = [
    Typed("23:27", "search latency alarms fire | search-api", DAY_ONE),
    Typed("23:31", "on-call engineer acknowledges the page", DAY_ONE, "@ana", ANA),
    Typed("23:38", "rollback of the index schema started", DAY_ONE),
    Typed("23:52", "rollback stalls waiting on a table lock", DAY_ONE),
    Typed("00:04", "replica lag passes ten minutes", DAY_TWO),
    Typed("00:12", "decision: fail over to replica b", DAY_TWO, "@ana", ANA),
    Typed("00:25", "failover complete, empty results continue", DAY_TWO),
    Typed("23:58", "support reports empty search results (late backfill)", DAY_ONE),
    Typed("00:41", "index rebuild from the nightly snapshot started", DAY_TWO, author=BEN),
    Typed("01:03", "index rebuilt, spot checks pass", DAY_TWO, author=BEN),
    Typed("01:20", "traffic shifted back to the primary", DAY_TWO, "@ana", ANA),  # an @name beats the speaker
    Typed("01:34", "error rate back to normal", DAY_TWO, author=BEN),
    Typed("01:50", "cache warm-up completes", DAY_TWO),
    Typed("02:15", "p99 latency normal on the dashboard", DAY_TWO),
    Typed("02:40", "incident declared resolved", DAY_TWO),
    Typed("03:05", "status page updated", DAY_TWO),
]
BEN_SPEAKS = (8, 12)
"""Ben is the current speaker (f9) from the 9th typed line up to the 12th; nobody before and after."""


@dataclass(frozen=True)
class Said:
    """One observation as typed on the entry line (a prefix, maybe an ``@name``), where it must end up, and
    who the export must credit."""

    line: str
    kind: str
    text: str
    author: str = ""


OBSERVATIONS = [
    Said("the failover runbook was current", "went_well", "the failover runbook was current"),
    Said("+ paging reached the on-call in a minute", "went_well", "paging reached the on-call in a minute"),
    Said("- the rollback had no lock timeout", "went_poorly", "the rollback had no lock timeout"),
    Said("! the nightly snapshot had finished an hour before", "lucky",
         "the nightly snapshot had finished an hour before"),
    Said("@ben - nobody watched the replica lag", "went_poorly", "nobody watched the replica lag", BEN),
]
MOVED = OBSERVATIONS[1]
"""Moved with ``m`` from the last of "went well" to the next kind, "went poorly"."""
MOVED_TO = "went_poorly"

FOLLOW_UP_NOTE = "done? x the old item, d and y are only letters here"


@dataclass
class Run:
    """What the steps share: the terminal, the folders, the meetings."""

    tmux: Tmux
    folders: Folders
    meeting_id: str
    earlier_id: str
    earlier_bytes: bytes

    @property
    def path(self) -> Path:
        return self.folders.data / f"{self.meeting_id}.json"

    def meeting(self) -> Meeting:
        return read_meeting(self.path)

    def until(self, condition, what: str):
        """Poll ``condition()`` (a read of the meeting file) until it holds; fails with the facilitator's screen."""
        return self.tmux.wait_while_on("facilitator", condition, what)

    @property
    def wide(self) -> bool:
        return self.tmux.width >= 110


# --- the steps ---------------------------------------------------------------------------------


def create_meetings(tmux: Tmux, folders: Folders, monkeypatch) -> Run:
    """An earlier meeting with an open action item (the demo), then this one with `pmtui new` and its attendees."""
    for name, value in folders.env().items():
        monkeypatch.setenv(name, value)
    earlier_id = create_demo(data_dir())
    earlier_bytes = (folders.data / f"{earlier_id}.json").read_bytes()
    made = folders.pmtui("new", "Search returns nothing across midnight", "--severity", "2", "--started", STARTED,
                         "--resolved", "2026-03-15 03:05", "--services", "search-api",
                         *(option for person in ATTENDEES for option in ("--attendee", person)))
    meeting_id = made.stdout.strip().splitlines()[-1]
    return Run(tmux, folders, meeting_id, earlier_id, earlier_bytes)


def open_meeting(run: Run) -> None:
    run.tmux.start("facilitator", "run", run.meeting_id)
    run.tmux.wait_for("facilitator", "Search returns", "We are here to learn")


def go_through_follow_ups(run: Run) -> None:
    """Next phase: the follow-ups of the earlier meeting; a typed note stays a note; look at the list; move on."""
    tmux = run.tmux
    tmux.press("facilitator", "C-n")
    tmux.wait_for("facilitator", "Validate production connection")
    tmux.line("facilitator", FOLLOW_UP_NOTE)
    run.until(lambda: FOLLOW_UP_NOTE in "".join(run.meeting().notes.values()), "the follow-up note on disk")
    tmux.press("facilitator", "Down")
    tmux.wait_for("facilitator", "esc Note")  # the list has the keys
    tmux.press("facilitator", "Escape")
    tmux.wait_until("facilitator", lambda screen: "esc Note" not in screen, "the entry line to have the keys",
                    times=3)
    tmux.press("facilitator", "C-n")
    tmux.wait_for("facilitator", "TIME description")


def type_timeline(run: Run) -> None:
    """Every event with a bare time, one line each, across midnight and back for the late backfill; some said by
    ``@ana``, a stretch while Ben is the current speaker (f9), the rest with nobody speaking."""
    for count, event in enumerate(EVENTS, 1):
        if count - 1 in BEN_SPEAKS:
            pick_speaker(run, BEN if count - 1 == BEN_SPEAKS[0] else "")
        run.tmux.line("facilitator", event.line)
        run.until(lambda count=count: len(run.meeting().events) == count, f"event {count} ({event.line!r}) on disk")
    run.tmux.wait_for("facilitator", "status page updated"[: 20 if run.wide else 12])


def pick_speaker(run: Run, name: str) -> None:
    """f9, then pick ``name`` in the list (the attendees in order, then "nobody" last; "" picks nobody)."""
    tmux = run.tmux
    tmux.press("facilitator", "F9")
    tmux.wait_for("facilitator", "Who is speaking?")
    if name:
        tmux.press("facilitator", "Home", *["Down"] * [p.split(":")[0] for p in ATTENDEES].index(name))
    else:
        tmux.press("facilitator", "End")
    tmux.press("facilitator", "Enter")
    run.until(lambda: run.meeting().current_speaker == name, f"the current speaker {name or 'nobody'!r} on disk")
    tmux.wait_until("facilitator", lambda screen: "Who is speaking?" not in screen, "the speaker list to close",
                    times=3)
    if name:
        tmux.wait_for("facilitator", f"▸ {name}")


def extend_phase(run: Run) -> None:
    """ctrl+o adds 5 minutes to the timeline phase; the go-to-phase list then plans it as 25+5."""
    tmux = run.tmux
    tmux.press("facilitator", "C-o")
    run.until(lambda: sum(run.meeting().clock.extended) == 300, "the 5-minute extension on disk")
    tmux.press("facilitator", "C-g")
    tmux.wait_for("facilitator", "(25+5 min)")
    tmux.press("facilitator", "Escape")  # a key right after Escape would be read as alt+key: wait for it to act
    tmux.wait_until("facilitator", lambda screen: "─ Go to phase ─" not in screen, "the go-to list to close", times=3)


def add_observations(run: Run) -> None:
    """Next phase: observations typed on the one entry line, their kind said by a prefix (none: went well), one
    said by ``@ben``; then ``m`` on the last of "went well" moves it to "went poorly"."""
    tmux = run.tmux
    tmux.press("facilitator", "C-n")
    tmux.wait_for("facilitator", "Went well")
    for count, said in enumerate(OBSERVATIONS, 1):
        tmux.line("facilitator", said.line)
        run.until(lambda count=count: len(run.meeting().observations) == count, f"observation {count} on disk")
    assert [(o.kind, o.text, o.speaker) for o in run.meeting().observations] == [
        (said.kind, said.text, said.author) for said in OBSERVATIONS]
    tmux.press("facilitator", "Up")  # into the list the entry line adds to: "went well"
    tmux.wait_for("facilitator", "m Move")  # the list's keys
    tmux.press("facilitator", "End", "m")
    run.until(lambda: [o.kind for o in run.meeting().observations if o.text == MOVED.text] == [MOVED_TO],
              f"{MOVED.text!r} moved to {MOVED_TO} on disk")
    kinds = {o.text: o.kind for o in run.meeting().observations}
    assert kinds == {said.text: MOVED_TO if said is MOVED else said.kind for said in OBSERVATIONS}


def quit_meeting(run: Run) -> None:
    run.tmux.press("facilitator", "C-q")
    run.until(lambda: run.tmux.exited("facilitator"), "pmtui to quit after ctrl+q")


def export_and_check(run: Run) -> None:
    """`pmtui export --minutes`: the timeline in time order, dated on both days, credited to who said each line
    (never the facilitator for typing it); each observation under its kind, credited only when said by someone;
    and the plan says 25+5."""
    out = run.folders.root / "postmortem.md"
    run.folders.pmtui("export", run.meeting_id, "--minutes", "-o", str(out))
    document = out.read_text()
    rows = _timeline_rows(document)
    expected = sorted(EVENTS, key=lambda e: (e.day, e.time))
    assert [text for _, text, _ in rows] == [e.text.split(" | ")[0] for e in expected], "timeline out of order"
    assert [when[:10] for when, _, _ in rows] == [e.day.isoformat() for e in expected], "wrong or missing dates"
    assert [(text, author) for _, text, author in rows] == [(e.text.split(" | ")[0], e.author) for e in expected], \
        "the Author column credits the wrong person"
    assert FACILITATOR not in _section(document, "Timeline"), "the facilitator is credited for typing"
    assert f"from {DAY_ONE.isoformat()} to {DAY_TWO.isoformat()}" in document
    assert re.search(r"\| Timeline reconstruction \| 25\+5 \|", document), "the minutes do not plan 25+5"
    for kind, label in OBSERVATION_LABELS.items():
        bullets = _bullets(document, label)
        wanted = [said for said in OBSERVATIONS if (MOVED_TO if said is MOVED else said.kind) == kind]
        assert bullets == [f"{s.text} ({s.author})" if s.author else s.text for s in wanted], f"{label} is wrong"


def earlier_meeting_untouched(run: Run) -> None:
    after = (run.folders.data / f"{run.earlier_id}.json").read_bytes()
    assert after == run.earlier_bytes, "the earlier meeting's file changed"


def _timeline_rows(document: str) -> list[tuple[str, str, str]]:
    """(time, event text, author) of each row of the exported timeline table (Time, Event, Decision or milestone,
    Actor, Evidence, then Author when anyone is credited)."""
    rows = []
    for line in _section(document, "Timeline").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 5 and re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d", cells[0]):
            rows.append((cells[0], cells[1].replace("\\", ""), cells[5] if len(cells) > 5 else ""))
    return rows


def _bullets(document: str, heading: str) -> list[str]:
    """The bullets of the exported section ``## heading``, unescaped."""
    return [line[2:].replace("\\", "") for line in _section(document, heading).splitlines() if line.startswith("- ")]


def _section(document: str, heading: str) -> str:
    """The text of the exported section ``## heading``, up to the next one."""
    return document.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


# --- the run ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(160, 45), (80, 24)], ids=["160x45", "80x24"])
def test_a_facilitator_runs_a_meeting_across_midnight(terminal, folders, monkeypatch, size):
    run = create_meetings(terminal(*size), folders, monkeypatch)
    open_meeting(run)
    go_through_follow_ups(run)
    type_timeline(run)
    extend_phase(run)
    add_observations(run)
    quit_meeting(run)
    export_and_check(run)
    earlier_meeting_untouched(run)
