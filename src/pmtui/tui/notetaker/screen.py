"""The note-taker's screen: follow the meeting and add timeline events, observations and whys live.

It shows the current phase and its countdown (counted locally from the
facilitator's last clock message), the timeline as it grows, the observations
and the current Five Whys chain, and one quick-entry line:

* ``14:37 checkout errors | alice | grafana``  a timeline event
* ``+ text`` went well · ``- text`` went poorly · ``! text`` lucky
* ``? text`` an answer for the current Five Whys chain

What is typed goes to the on-disk outbox first and shows ``⧗`` until the
facilitator has stored it. In the timeline or the observations (Tab), Enter
puts one of your own entries back in the line to edit and Delete removes it;
other people's entries cannot be changed from here. The lists have no letter
keys: whatever is typed while one has the focus goes into the line (a line typed
after a removal once ran ``x``, ``y`` and ``e`` as commands on other entries),
and after an edit or a removal, answered or not, the focus is back in the line.
What to show comes from :class:`~pmtui.room.view.NotesView`; this module only draws it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Static

from ...clock import format_remaining
from ...entry_grammar import QuickEntryError
from ...heap import settle
from ...room.client import Acked, ConnectionState, Notice, Rejected, RoomClient, RoomUpdate
from ...room.outbox import OutboxError
from ...room.protocol import (
    AddWhy,
    Bye,
    ChainChanged,
    ClientMessage,
    ClockChanged,
    Ended,
    EventRemoved,
    EventsChanged,
    IncidentChanged,
    Joined,
    ObservationChanged,
    ObservationRemoved,
    ProtocolError,
    Refused,
    Welcome,
)
from ...room.view import EventRow, NotesView, NotYours, ObservationRow, typed_text
from ...timeparse import TimeFormatError
from ..widgets.event_table import Column, EventTable
from ..widgets.quick_entry import QuickEntry
from ..widgets.text_line import TextLine
from .dialogs import RemoveOwnDialog
from .observation_table import ObservationTable

PENDING = "⧗"
KIND_MARKS = {"went_well": "+", "went_poorly": "−", "lucky": "!"}
HINT = "TIME what happened | actor | evidence"
EDIT_HINT = "Editing your entry: Enter saves the change, Esc puts back what you were typing"
PHASE_HINTS = {"five_whys": "your answer to the current why", "observations": "what went well"}
"""What an unprefixed line is in these phases (room/view.py's reading); an event in the others."""
TIMELINE_COLUMNS = (Column(PENDING, "st", width=1), Column("Time", "time"),
                    Column("What happened", "event", min_width=24, fill=True),
                    Column("Actor", "actor", max_width=16, min_width=8, drop=1),
                    Column("By", "author", max_width=14, min_width=6, drop=2))
"""Like the facilitator's timeline: the description takes the width the pane leaves; By, then Actor, shrink
and then hide (the header says so) rather than the table scrolling sideways."""


def ended_line(ended: Ended) -> str:
    """What the note-taker reads when the meeting ends: that it did, and what they added to it."""
    counts = ", ".join(f"{n} {word if n == 1 else word + 's'}" for n, word in
                       ((ended.events, "event"), (ended.observations, "observation"), (ended.whys, "why")))
    return f"{ended.message or 'the meeting ended'}. You added {counts}."


def _one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass
class RoomUpdated(Message):
    """Something arrived from the facilitator, or became of one of this note-taker's changes."""

    update: RoomUpdate


@dataclass
class ConnectionChanged(Message):
    """The connection to the facilitator changed state."""

    state: ConnectionState


class NoteTakerScreen(Screen):
    """Phase and countdown on top, timeline left, observations and whys right, one entry line."""

    BINDINGS = [
        Binding("ctrl+r", "reconnect", "Reconnect now"),
        Binding("enter", "edit_mine", "Edit yours"),
        Binding("delete", "remove_mine", "Remove yours"),
        Binding("escape", "focus_entry", "Back to typing", show=False),
    ]

    def __init__(self, client: RoomClient) -> None:
        super().__init__()
        self.client = client
        self.view = NotesView(client)
        self._seq = 0
        self._notice = Text()
        self._editing: str | None = None  # the id of the own entry in the line, while editing
        self._stash = ""  # what was in the line before editing started
        self._answers_shown: set[object] = set()  # whys (and root cause) in the Five Whys pane, to follow the newest

    def compose(self) -> ComposeResult:
        with Horizontal(id="nt-top"):
            yield TextLine("Waiting for the facilitator…", id="nt-phase")
            yield TextLine("", id="nt-countdown")
            yield TextLine("", id="nt-connection")
        with Horizontal(id="nt-body"):
            yield EventTable(TIMELINE_COLUMNS, id="nt-timeline")
            with Vertical(id="nt-side"):
                yield Label("Observations", classes="nt-heading")
                yield ObservationTable(id="nt-observations")
                yield Label("Five Whys", classes="nt-heading")
                with VerticalScroll(id="nt-chain-pane"):
                    yield Static("", id="nt-chain")
        yield TextLine("", id="nt-status")
        yield QuickEntry("e.g. 14:37 checkout errors start | alice | grafana link", HINT, id="nt-entry", prefixes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.rebuild()
        self.tick()
        self.set_interval(0.25, self.tick)
        self.watch(self.entry.input, "value", self._typed, init=False)
        self.entry.focus_input()

    # --- widgets ------------------------------------------------------------------------

    @property
    def timeline(self) -> EventTable:
        """The timeline table, one row per event keyed by its id, in time order."""
        return self.query_one("#nt-timeline", EventTable)

    @property
    def observations(self) -> ObservationTable:
        """The observations table, keyed by id."""
        return self.query_one("#nt-observations", ObservationTable)

    @property
    def entry(self) -> QuickEntry:
        """The one quick-entry line (never recreated, so half-typed text survives)."""
        return self.query_one("#nt-entry", QuickEntry)

    # --- clock and connection -------------------------------------------------------------

    def tick(self) -> None:
        """Redraw the countdown from the last clock message and the local monotonic clock."""
        room = self.client.room
        countdown = self.query_one("#nt-countdown", TextLine)
        remaining = room.remaining()
        if remaining is None or room.clock is None:
            countdown.show_text("")
        else:
            text = format_remaining(remaining)
            if not room.clock.started:
                text += " not started"
            elif not room.clock.running:
                text += " ⏸ paused"
            countdown.show_text(text)
            countdown.set_class(remaining <= 120 and remaining > 0, "-warning")
            countdown.set_class(remaining <= 0, "-overrun")
        self._show_connection(self.client.state)

    def _show_connection(self, state: ConnectionState) -> None:
        label = self.query_one("#nt-connection", TextLine)
        mark = {"connected": "●", "refused": "✗", "ended": "■", "stopped": "■"}.get(state.status, "◌")
        label.show_text(Text(f"{mark} {state.describe()}"))  # may quote the facilitator or the network: text
        for status in ("connected", "reconnecting", "refused", "connecting"):
            label.set_class(state.status == status, f"-{status}")

    @on(ConnectionChanged)
    def _connection_changed(self, message: ConnectionChanged) -> None:
        self._show_connection(message.state)
        self._show_status()
        if message.state.status == "refused":
            self.notify(message.state.describe(), severity="error", timeout=15)

    def _show_phase(self) -> None:
        clock, incident = self.client.room.clock, self.client.room.incident
        if clock is None:
            return
        title = Text()
        title.append(f"Phase {clock.index + 1}/{clock.count}: ", style="bold")
        title.append(clock.title)
        if incident is not None and incident.title:
            title.append(f"  ·  {incident.title}", style="italic")
        self.query_one("#nt-phase", TextLine).show_text(title)
        self.entry.set_hint(PHASE_HINTS.get(clock.kind, HINT), prefixes=True)

    def _show_status(self) -> None:
        status = Text()
        name = self.client.name
        status.append(f"You: {name}" if name else "Who are you? (asked when you join)", style="bold")
        pending = len(self.client.pending)
        unreached = self.client.room.incident is None and self.client.state.status == "reconnecting"
        if unreached:  # started while the facilitator is down: say what happens to what is typed
            status.append(f"  ·  {PENDING} {pending} pending" if pending else "")
            status.append("  ·  the facilitator is not reachable yet: entries wait on disk until it is")
        elif pending:
            status.append(f"  ·  {PENDING} {pending} pending — kept on disk until the facilitator has them")
        elif name:
            status.append("  ·  all stored ✓")
        if self._notice:
            status.append("  ·  ")
            status.append_text(self._notice)
        self.query_one("#nt-status", TextLine).show_text(status)

    # --- applying what arrives ---------------------------------------------------------------

    @on(RoomUpdated)
    def _room_updated(self, message: RoomUpdated) -> None:
        update = message.update
        match update:
            case Welcome() | IncidentChanged():
                self.rebuild()
                if isinstance(update, Welcome):  # the meeting's events are all here now: out of the collector's way
                    self.call_after_refresh(settle)
            case EventsChanged():
                for event in update.events:
                    self._put_event(event.id)
            case EventRemoved():
                self.timeline.remove_row(update.id)
            case ObservationChanged():
                self._put_observation(update.observation.id)
            case ObservationRemoved():
                self.observations.drop(update.id)
            case ChainChanged():
                self._show_chain()
            case ClockChanged():
                self._show_phase()
                self.tick()
            case Acked():
                self._settled(update.ref, update.entry)
            case Rejected():
                self._rejected(update)
            case Notice():
                self._notice = Text(f"⚠ {update.message}", style="bold")
                self.notify(update.message, severity="warning", timeout=6)
            case Bye():
                self._notice = Text("the facilitator paused the meeting; what you type waits until they are back")
            case Ended():
                self._notice = Text(f"■ {ended_line(update)}", style="bold")
                self.notify(ended_line(update), title="The meeting ended", timeout=30)
            case Joined():
                self._notice = Text()
            case Refused():
                self._notice = Text(f"✗ {update.message}", style="bold")
            case _:
                assert_never(update)
        self._show_status()

    def rebuild(self) -> None:
        """Redraw everything from the room state and the outbox (on join and reconnect)."""
        self.timeline.load((row.id, *self._event_cells(row)) for row in self.view.event_rows())
        self.observations.show((row.id, self._observation_cells(row)) for row in self.view.observation_rows())
        self._show_chain()
        self._show_phase()
        self.tick()
        self._show_status()

    def _event_cells(self, row: EventRow) -> tuple[list[Text], tuple[float, int]]:
        """The cells of a timeline row, and its place in the table (untimed rows go last, in arrival order)."""
        self._seq += 1
        cells = [
            Text(PENDING if row.pending else "", style="bold"),
            Text(row.time, style="" if row.moment else "italic"),
            Text(_one_line(row.description)),
            Text(_one_line(row.actor)),
            Text(_one_line(row.author)),
        ]
        if row.removing:  # a removal on its way
            for cell in cells[1:]:
                cell.stylize("strike dim")
        return cells, (row.moment.timestamp() if row.moment else float("inf"), self._seq)

    def _observation_cells(self, row: ObservationRow) -> list[Text]:
        """The marks (pending, kind), and the whole text followed by its author (the row wraps to fit)."""
        text = Text(_one_line(row.text))
        if row.author:
            text.append(f" — {_one_line(row.author)}", style="dim italic")
        marks = Text(PENDING if row.pending else " ", style="bold")
        marks.append(KIND_MARKS.get(row.kind, "?"), style="bold" + (" strike dim" if row.removing else ""))
        if row.removing:
            text.stylize("strike dim")
        return [marks, text]

    def _put_event(self, item: str) -> None:
        """Draw event ``item`` as it stands (or take it out of the timeline when it is gone)."""
        row = self.view.event_row(item)
        if row is None:
            self.timeline.remove_row(item)
        else:
            self.timeline.set_row(item, *self._event_cells(row))

    def _put_observation(self, item: str) -> None:
        """Draw observation ``item`` as it stands (or take it out when it is gone)."""
        row = self.view.observation_row(item)
        if row is None:
            self.observations.drop(item)
        else:
            self.observations.put(item, self._observation_cells(row))

    def _show_chain(self) -> None:
        chain = self.view.chain()
        text = Text()
        if chain is None:
            text.append("No chain yet: the facilitator starts one in the Five Whys phase.", style="italic")
        else:
            text.append(f"Problem: {chain.problem}\n", style="bold")
            for number, why in enumerate(chain.whys, start=1):
                pending = PENDING + " " if why.pending else ""
                by = f" — {why.author}" if why.author else ""
                text.append(f"{number}. {pending}{why.text}{by}\n")
            for why in chain.proposed:
                text.append(f"proposed: {why.text} — {why.author}\n", style="italic")
            for why in chain.set_aside:
                text.append(f"set aside: {why.text} — {why.author}\n", style="dim italic")
            for answer in chain.waiting:
                text.append(f"{PENDING} {answer} — {self.client.name}\n", style="italic")
            if chain.root_cause:
                text.append(f"Root cause ({chain.root_cause.category}): {chain.root_cause.text}", style="bold")
        self.query_one("#nt-chain", Static).update(text)
        self._follow_chain(set() if chain is None else {*((w.text, w.author) for w in chain.whys),
                                                        *chain.waiting, chain.root_cause})

    def _follow_chain(self, answers: set[object]) -> None:
        """A new why (or the root cause) is at the bottom of the pane: scroll to it and stay there while the
        pane lays out, as a chat does (until the reader scrolls away, and again at the next new why)."""
        if answers - self._answers_shown:
            self.query_one("#nt-chain-pane", VerticalScroll).anchor()
        self._answers_shown = answers

    def _refresh(self, item: str) -> None:
        """Redraw entry ``item`` from the room and the outbox (or take it out when it is in neither)."""
        self._put_event(item)
        self._put_observation(item)

    def _settled(self, ref: str, entry: ClientMessage | None) -> None:
        """The change ``ref`` is stored or refused: redraw what it touched."""
        self.view.forget(ref)
        self._refresh(getattr(entry, "item", ref))
        if isinstance(entry, AddWhy):
            self._show_chain()

    def _rejected(self, rejected: Rejected) -> None:
        self._settled(rejected.ref, rejected.entry)
        typed = typed_text(rejected.entry)
        self._notice = Text(f"✗ not stored: {rejected.message}", style="bold")
        self.notify(f"{rejected.message}\n{typed}", title="Not stored", severity="error", timeout=10)
        entry_input = self.entry.input
        if typed and not entry_input.value:
            entry_input.value = typed  # nothing typed is lost: fix it and press Enter again (an edit: as a new entry)
            entry_input.cursor_position = len(typed)

    # --- typing -------------------------------------------------------------------------------

    @on(QuickEntry.Submitted, "#nt-entry")
    def _submitted(self, message: QuickEntry.Submitted) -> None:
        entry, editing = message.entry, self._editing
        if self.client.outbox is None:
            entry.reject("say who you are first")
            return
        if self.client.state.status == "ended":
            entry.reject("the meeting has ended: nothing more is taken; keep this note elsewhere")
            return
        try:
            change = self.client.submit(self.view.read_line(message.value, editing))  # on disk when it returns
        except (QuickEntryError, TimeFormatError, ProtocolError, OutboxError) as exc:
            entry.reject(str(exc))
            return
        entry.accept()
        if editing is not None:
            self._stop_editing()
        if isinstance(change, AddWhy):
            self._show_chain()
        else:
            self._refresh(editing or change.id)
        self._notice = Text()
        self._show_status()

    # --- editing and removing one's own entries ---------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit_mine", "remove_mine"):
            return self.focused is self.timeline or self.focused is self.observations
        return True

    def _selected(self) -> str | None:
        """The id of the entry under the cursor of the focused table."""
        if self.focused is self.timeline:
            return self.timeline.cursor_key
        if self.focused is self.observations:
            return self.observations.selected
        return None

    def _own_line(self) -> tuple[str, str] | None:
        """The selected entry and the line that rewrites it, or None (with a notice) when it is not yours."""
        item = self._selected()
        if item is None:
            return None
        try:
            return item, self.view.own_line(item)
        except NotYours as exc:
            self.notify(str(exc), severity="warning")
            return None

    def action_edit_mine(self) -> None:
        own = self._own_line()
        if own is None:
            return
        item, line = own
        entry_input = self.entry.input
        if self._editing is None:
            self._stash = entry_input.value
        self._editing = item
        entry_input.value = line
        entry_input.cursor_position = len(line)
        self.entry.set_hint(EDIT_HINT, prefixes=False)
        self.entry.add_class("-editing")
        self.set_focus(entry_input)  # now, not after the keys already queued: they are the edit's

    def _typed(self, value: str) -> None:
        """Tell the room this note-taker is typing (the client sends at most one a second, never the text)."""
        if value:
            self.client.typing()

    def _stop_editing(self) -> None:
        """Leave editing: the line gets back what was being typed before."""
        self._editing = None
        entry_input = self.entry.input
        entry_input.value = self._stash
        entry_input.cursor_position = len(self._stash)
        self._stash = ""
        self.entry.remove_class("-editing")
        self._show_phase()
        if self.client.room.clock is None:
            self.entry.set_hint(HINT, prefixes=True)

    def action_remove_mine(self) -> None:
        own = self._own_line()
        if own is None:
            return
        item, line = own

        def answered(yes: bool | None) -> None:
            self.entry.focus_input()  # whatever the answer: the next keys are typing
            if not yes:
                return
            self.client.remove(item)
            self._refresh(item)
            self._show_status()

        self.app.push_screen(RemoveOwnDialog(line, self._type_into_line), answered)

    # --- what is typed goes into the line, wherever the focus is -----------------------------------

    def _in_a_list(self) -> bool:
        focused = self.focused
        return focused is not None and (focused is self.timeline or focused is self.observations)

    def _type_into_line(self, text: str) -> None:
        """Put ``text`` in the line where its cursor is, and the focus with it (the keys after it follow)."""
        entry_input = self.entry.input
        entry_input.insert_text_at_cursor(text)
        self.set_focus(entry_input)

    def on_key(self, event: events.Key) -> None:
        """A character typed while a list has the focus is text for the line: it goes there, never to the list."""
        if event.is_printable and self._in_a_list():
            event.stop()
            event.prevent_default()
            self._type_into_line(event.character or "")

    def on_paste(self, event: events.Paste) -> None:
        """A paste into a list is a paste into the line."""
        if self._in_a_list():
            event.stop()
            event.prevent_default()
            self._type_into_line(event.text)

    @on(DataTable.RowSelected, "#nt-observations")
    def _observation_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_mine()

    def action_reconnect(self) -> None:
        self.client.reconnect_now()

    def action_focus_entry(self) -> None:
        if self._editing is not None and self.entry.input.has_focus:
            self._stop_editing()
        self.entry.focus_input()
