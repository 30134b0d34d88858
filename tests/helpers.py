"""What many test files need: a clock that moves only when told, a meeting on disk, typing, and plain text."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from textual import events

from pmtui.demo import demo_meeting
from pmtui.model import Meeting, to_data
from pmtui.store import MeetingFile

FIXED_EPOCH = 1_800_000_000.0


class FixedClock:
    """A ``now()`` for sessions and apps: it moves only when the test calls ``advance``, and counts its reads."""

    def __init__(self, t: float = FIXED_EPOCH) -> None:
        self.t = t
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self.t

    def advance(self, seconds: float = 0, *, minutes: float = 0) -> None:
        self.t += minutes * 60 + seconds


def create_meeting(data_dir: Path, meeting: Meeting | None = None, *, phase: int | None = None) -> str:
    """Write ``meeting`` (by default the demo meeting at FIXED_EPOCH) to ``data_dir``, in ``phase`` if given.

    Returns its id; the file is closed, ready for an app or a session to open it.
    """
    meeting = meeting if meeting is not None else demo_meeting(now=FIXED_EPOCH)
    if phase is not None:
        meeting.clock.phase_index = phase
    MeetingFile.create(data_dir, to_data(meeting)).close()
    return meeting.id


def unwritten(meeting: Meeting | None = None) -> Meeting:
    """``meeting`` (by default the demo) with its story not written yet, for tests of how screens behave, not of
    what the document says: the demo's nine written sections make each render of the review about a second longer."""
    meeting = meeting if meeting is not None else demo_meeting(now=FIXED_EPOCH)
    meeting.sections.clear()
    return meeting


async def show_phase(app, pilot, phase: int, view_type: type):
    """Jump to ``phase`` and return its view, which must be the one shown."""
    app.session.jump_to_phase(phase)
    await pilot.pause()
    view = app.screen.query_one(f"#phase-{phase}", view_type)
    assert app.screen.current_view is view
    return view


async def type_line(pilot, text: str) -> None:
    """Type ``text`` into the focused widget key by key, as a terminal sends typing, then press Enter."""
    await pilot.press(*text, "enter")
    await pilot.pause()


async def paste(pilot, text: str) -> None:
    """Paste ``text`` as a terminal sends a paste: one event to the app, which hands it to the focused widget.

    Through the app, not straight to ``app.focused``: a ``focus()`` takes effect only when the app handles it,
    so the widget focused a moment ago would not be ``app.focused`` yet, and the paste would land in the
    previous one. A terminal's paste queues behind the focus change, as here.
    """
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def paste_line(pilot, text: str) -> None:
    """Paste ``text`` and press Enter: a whole entry line where typing it key by key is not what the test is about."""
    pilot.app.post_message(events.Paste(text))  # queued before the key, so handled before it
    await pilot.press("enter")
    await pilot.pause()


async def type_head_paste_line(pilot, text: str) -> None:
    """Type ``text``'s first word key by key, paste the rest, press Enter.

    The first word is where a line's prefix or ``@name`` is: typed, its keys must reach the line and not a
    screen's key binding. The rest of the line takes the same path through the entry line as one paste,
    in a fraction of the time.
    """
    head, space, rest = text.partition(" ")
    await pilot.press(*head, *space)
    if rest:
        pilot.app.post_message(events.Paste(rest))
    await pilot.press("enter")
    await pilot.pause()


async def until(pilot, condition, what: str, timeout: float = 5.0) -> None:
    """Let the app run (its timers included) until ``condition()`` holds; fail naming ``what`` after ``timeout``."""
    for _ in range(int(timeout / 0.02)):
        await pilot.pause(0.02)  # let the app handle what is pending before each look
        if condition():
            await pilot.pause()  # and the screen painted what the condition saw
            return
    pytest.fail(f"timed out waiting until {what}")


def plain(renderable) -> str:
    """What a Rich renderable (or a string with markup) reads as, on one line."""
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(renderable)
    return " ".join(console.export_text().split())


def screen_text(app) -> str:
    """Everything on the app's screen as plain text, one terminal line per line."""
    found = re.findall(r'<text[^>]*? x="([\d.]+)" y="([\d.]+)" textLength="([\d.]+)"[^>]*>([^<]*)</text>',
                       app.export_screenshot())
    segments = [(float(x), float(y), float(length), html.unescape(t).replace("\xa0", " ")) for x, y, length, t in found]
    cell = min(length / len(text) for _, _, length, text in segments if text)
    lines: dict[float, str] = {}
    for x, y, _, text in segments:
        line, column = lines.get(y, ""), round(x / cell)
        lines[y] = line.ljust(column)[:column] + text + line[column + len(text):]
    return "\n".join(line.rstrip() for _, line in sorted(lines.items()))
