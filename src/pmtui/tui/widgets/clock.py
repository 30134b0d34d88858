"""The always-visible meeting clock: phase countdown, progress, agenda (or all in one line when narrow)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, ProgressBar, Static

from ...agenda import Agenda
from ...clock import ClockSnapshot, PhaseStatus, format_delta, format_planned, format_remaining
from ...timeparse import format_clock
from .text_line import TextLine

TITLE_ROOM = 20
"""Cells the narrow title bar keeps for the severity and incident title: the clock line shortens before it
takes them (a title cut to "SEV2  H…" names nothing)."""


class ClockPanel(Vertical):
    """Large countdown of the current phase, its progress, and the meeting clock."""

    DEFAULT_CSS = """
    ClockPanel { height: auto; }
    ClockPanel Digits { width: auto; }
    ClockPanel ProgressBar Bar { width: 1fr; }
    ClockPanel ProgressBar { width: 100%; }
    """

    def compose(self) -> ComposeResult:
        yield TextLine("", id="clock-state")
        yield Digits("00:00", id="countdown")
        yield ProgressBar(total=1.0, show_eta=False, show_percentage=False, id="phase-progress")
        yield TextLine("", id="meeting-clock")

    _shown: tuple | None = None

    def show(self, snap: ClockSnapshot, ended: str = "") -> None:
        """Render ``snap``: colours follow the phase status and the pause state; ``ended`` says the meeting is over.

        Nothing is redrawn when what the panel would show has not changed.
        """
        room = self.content_size.width
        key = (format_remaining(snap.remaining), round(snap.progress, 3), snap.status, snap.running, snap.started,
               int(snap.meeting_elapsed), int(snap.schedule_delta), snap.meeting_warning, snap.meeting_planned, room,
               ended)
        if key == self._shown:
            return
        self._shown = key
        self.query_one("#countdown", Digits).update(format_remaining(snap.remaining))
        self.query_one("#phase-progress", ProgressBar).update(total=1.0, progress=snap.progress)
        status = snap.status
        self.set_class(status == PhaseStatus.WARNING, "-warning")
        self.set_class(status == PhaseStatus.OVERRUN, "-overrun")
        self.set_class(not snap.running, "-paused")
        self.set_class(bool(ended), "-ended")
        if ended:
            state = f"■ {ended}"
        elif not snap.started:
            state = "Not started — ctrl+t starts the clock"
        elif not snap.running:
            state = "⏸ Paused — ctrl+t resumes"
        elif status == PhaseStatus.OVERRUN:
            state = f"⏰ Time's up — over by {format_clock(snap.overrun)}"
        elif status == PhaseStatus.WARNING:
            state = "Less than 2 minutes left"
        else:
            state = "Phase time left"
        self.query_one("#clock-state", TextLine).show_text(state)
        meeting = Text(_fitting(meeting_clock_forms(snap), room))
        if snap.meeting_warning:
            left = max(0.0, snap.meeting_remaining)
            meeting.append(f"\n⚠ {format_clock(left)} to scheduled end", style="bold")
        label = self.query_one("#meeting-clock", TextLine)
        label.show_text(meeting)
        label.set_class(snap.meeting_warning, "-warning")


def meeting_clock_forms(snap: ClockSnapshot) -> list[str]:
    """The meeting clock, longest first: '11:50 / 90:00  -04:49 ahead', then with fewer spaces, then
    '11:50/90:00 -04:49' (the sign still says ahead or behind)."""
    delta = format_delta(snap.schedule_delta)
    drift = "on time" if delta == "on time" else f"{delta} {'behind' if snap.schedule_delta > 0 else 'ahead'}"
    elapsed, planned = format_clock(snap.meeting_elapsed), format_clock(snap.meeting_planned)
    return [f"{elapsed} / {planned}  {drift}", f"{elapsed} / {planned} {drift}", f"{elapsed}/{planned} {drift}",
            f"{elapsed}/{planned} {delta}"]


def _fitting(forms: list[str], room: int) -> str:
    """The first of ``forms`` no wider than ``room`` cells (the last when none is; any when room is unknown)."""
    return next((form for form in forms if not room or cell_len(form) <= room), forms[-1])


class ClockLine(TextLine):
    """The sidebar's clock in the title bar, for screens too narrow for the sidebar.

    Phase number, countdown and meeting clock; the phase's title is the heading of the view below.
    """

    DEFAULT_CSS = """
    ClockLine { width: auto; padding: 0 1; text-wrap: nowrap; }
    """

    _key: tuple | None = None

    def _room(self) -> int:
        """The cells the line may take: the title bar less its other labels and TITLE_ROOM for the title."""
        parent = self.parent
        if parent is None or not parent.size.width:
            return 0
        others = sum(widget.outer_size.width for widget in parent.children
                     if widget is not self and widget.display and widget.id != "incident-title")
        return max(1, parent.size.width - others - TITLE_ROOM - self.styles.gutter.width)

    def show(self, agenda: Agenda, snap: ClockSnapshot, ended: bool = False) -> None:
        """Render ``snap`` for the phase of ``agenda`` it is in, in the longest form that leaves the title its room
        (``ended``: the meeting is over); nothing is redrawn when nothing changed."""
        room = self._room()
        key = (len(agenda.phases), snap.phase_index, format_remaining(snap.remaining), snap.status, snap.running,
               snap.started, int(snap.meeting_elapsed), int(snap.schedule_delta), snap.meeting_planned,
               snap.meeting_warning, room, ended)
        if key == self._key:
            return
        self._key = key
        colours = self.app.theme_variables
        colour = {PhaseStatus.WARNING: "warning", PhaseStatus.OVERRUN: "error"}.get(snap.status, "success")
        head = Text(f"{snap.phase_index + 1}/{len(agenda.phases)} ")
        head.append(format_remaining(snap.remaining), style=f"bold {colours[colour]}" if snap.running else "bold")
        if ended:
            state, short = " ■ ended", " ■"
        elif not snap.started:
            state, short = " not started", ""
        elif not snap.running:
            state, short = " ⏸ paused", " ⏸"
        elif snap.status == PhaseStatus.OVERRUN:
            state, short = " over", " over"
        else:
            state, short = " left", ""
        full, *shorter = meeting_clock_forms(snap)
        style = "bold" if snap.meeting_warning else ""
        lines = [head + state + Text(f" · meeting {full}", style=style)]
        lines += [head + state + Text(f" · {form}", style=style) for form in shorter]
        lines.append(head + short + Text(f" · {shorter[-1]}", style=style))
        self.show_text(next((line for line in lines if line.cell_len <= room), lines[-1]))


class AgendaList(Static):
    """Every phase with planned minutes, marked done / current / upcoming."""

    _shown: tuple | None = None

    def show(self, agenda: Agenda, snap: ClockSnapshot) -> None:
        """Render the agenda against the clock ``snap``; finished phases show actual minutes."""
        key = (id(agenda), snap.phase_index, tuple(round(e / 60) for e in snap.elapsed), snap.extended)
        if key == self._shown:
            return
        self._shown = key
        table = Table.grid(expand=True, padding=(0, 0, 0, 1), pad_edge=False)  # a space before the minutes
        table.add_column(width=1)
        table.add_column(ratio=1, overflow="ellipsis", no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        for index, phase in enumerate(agenda.phases):
            actual = snap.elapsed[index] / 60
            planned = format_planned(phase.minutes, snap.extended[index])
            minutes = f"{planned}m"
            if index < snap.phase_index:
                mark, style = "✓", "dim"
                minutes = f"{actual:.0f}/{planned}m"
            elif index == snap.phase_index:
                mark, style = "▶", "bold reverse"
            else:
                mark, style = " ", ""
                if actual >= 0.5:
                    minutes = f"{actual:.0f}/{planned}m"
            done = index < snap.phase_index
            table.add_row(mark, Text(phase.title, style=style), Text(minutes, style="dim" if done else ""))
        self.update(table)
