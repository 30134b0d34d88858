"""The note-taker's app: follow the meeting and add timeline events, observations and whys live.

Started by ``pmtui join URL --name NAME --token T`` (and, per browser, by
``pmtui serve``). It shows the current phase and its countdown (counted
locally from the facilitator's last clock message), the timeline as it grows,
the observations and the current Five Whys chain, and one quick-entry line:

* ``14:37 checkout errors | alice | grafana``  a timeline event
* ``+ text`` went well · ``- text`` went poorly · ``! text`` lucky
* ``? text`` an answer for the current Five Whys chain

What is typed goes to the on-disk outbox first and shows ``⧗`` until the
facilitator has stored it. In the timeline or the observations (Tab), ``e`` or
Enter puts one of your own entries back in the line to edit, ``x`` or Delete
removes it; other people's entries cannot be changed from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

from ..clock import format_remaining
from ..entry_grammar import EventEntry, QuickEntryError, parse_event_line
from ..room import protocol
from ..room.client import ConnectionState, RoomClient
from ..room.outbox import Outbox, OutboxError
from ..room.protocol import ProtocolError
from ..timeparse import TimeFormatError, local
from ..heap import release, settle
from .screens.dialogs import ConfirmDialog
from .widgets.event_table import Column, EventTable
from .widgets.quick_entry import QuickEntry
from .widgets.text_line import TextLine

PENDING = "⧗"
KIND_MARKS = {"went_well": "+", "went_poorly": "−", "lucky": "!"}
HINT = "TIME what happened | actor | evidence  ·  + went well  - went poorly  ! lucky  ? why (Five Whys)"
EDIT_HINT = "Editing your entry: Enter saves the change, Esc puts back what you were typing"
WHY_HINT = "? your answer to the current why  ·  TIME event | actor | evidence  ·  + well  - poorly  ! lucky"
OBSERVATION_WORDS = {"went_well": "went well", "went_poorly": "went poorly", "lucky": "was lucky"}
CLIP = {"event": 70, "actor": 16, "author": 14, "text": 60}


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


TIMELINE_COLUMNS = (Column(PENDING, "st", width=1), Column("Time", "time"), Column("What happened", "event"),
                    Column("Actor", "actor"), Column("By", "author"))


@dataclass
class RoomMessage(Message):
    """Something arrived from the facilitator (``kind`` as in RoomClient's updates)."""

    kind: str
    data: dict


@dataclass
class ConnectionChanged(Message):
    """The connection to the facilitator changed state."""

    state: ConnectionState


class NameScreen(ModalScreen[str]):
    """Ask the note-taker for the name shown next to what they add."""

    BINDINGS = [Binding("escape", "app.quit", "Quit")]
    AUTO_FOCUS = "#nt-name-input"

    def __init__(self, check) -> None:
        super().__init__()
        self._check = check

    def compose(self) -> ComposeResult:
        with Vertical(id="nt-name-box"):
            yield Label("Join the post-mortem as a note-taker", id="nt-name-title")
            yield Label("Your name is shown next to everything you add.", classes="nt-muted")
            yield Input(placeholder="Your name", max_length=protocol.MAX_NAME, id="nt-name-input")
            yield Label("", id="nt-name-error")

    @on(Input.Submitted, "#nt-name-input")
    def _submitted(self, event: Input.Submitted) -> None:
        problem = self._check(event.value)
        if problem:
            self.query_one("#nt-name-error", Label).update(f"✗ {problem}")
            return
        self.dismiss(event.value.strip())


class NoteTakerScreen(Screen):
    """Phase and countdown on top, timeline left, observations and whys right, one entry line."""

    BINDINGS = [
        Binding("ctrl+r", "reconnect", "Reconnect now"),
        Binding("enter,e", "edit_mine", "Edit yours"),
        Binding("delete,x", "remove_mine", "Remove yours"),
        Binding("escape", "focus_entry", "Back to typing", show=False),
    ]

    def __init__(self, client: RoomClient) -> None:
        super().__init__()
        self.client = client
        self._seq = 0
        self._notice = Text()
        self._editing: str | None = None  # the id of the own entry in the line, while editing
        self._stash = ""  # what was in the line before editing started

    def compose(self) -> ComposeResult:
        with Horizontal(id="nt-top"):
            yield TextLine("Waiting for the facilitator…", id="nt-phase")
            yield TextLine("", id="nt-countdown")
            yield TextLine("", id="nt-connection")
        with Horizontal(id="nt-body"):
            yield EventTable(TIMELINE_COLUMNS, id="nt-timeline")
            with Vertical(id="nt-side"):
                yield Label("Observations", classes="nt-heading")
                yield DataTable(id="nt-observations", cursor_type="row", show_header=False)
                yield Label("Five Whys", classes="nt-heading")
                yield Static("", id="nt-chain")
        yield TextLine("", id="nt-status")
        yield QuickEntry("e.g. 14:37 checkout errors start | alice | grafana link", HINT, id="nt-entry")
        yield Footer()

    def on_mount(self) -> None:
        observations = self.observations
        observations.add_column(PENDING, key="st", width=1)
        observations.add_column("", key="kind", width=1)
        observations.add_column("Observation", key="text")
        observations.add_column("By", key="author")
        self.rebuild()
        self.tick()
        self.set_interval(0.25, self.tick)
        self.entry.focus_input()

    # --- widgets ------------------------------------------------------------------------

    @property
    def timeline(self) -> EventTable:
        """The timeline table, one row per event keyed by its id, in time order."""
        return self.query_one("#nt-timeline", EventTable)

    @property
    def observations(self) -> DataTable:
        """The observations table, keyed by id."""
        return self.query_one("#nt-observations", DataTable)

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
        if remaining is None:
            countdown.show_text("")
        else:
            clock = room.clock
            text = format_remaining(remaining)
            if not clock.get("started"):
                text += " not started"
            elif not clock.get("running"):
                text += " ⏸ paused"
            countdown.show_text(text)
            countdown.set_class(remaining <= 120 and remaining > 0, "-warning")
            countdown.set_class(remaining <= 0, "-overrun")
        self._show_connection(self.client.state)

    def _show_connection(self, state: ConnectionState) -> None:
        label = self.query_one("#nt-connection", TextLine)
        mark = {"connected": "●", "refused": "✗", "stopped": "■"}.get(state.status, "◌")
        label.show_text(f"{mark} {state.describe()}")
        for status in ("connected", "reconnecting", "refused", "connecting"):
            label.set_class(state.status == status, f"-{status}")

    @on(ConnectionChanged)
    def _connection_changed(self, message: ConnectionChanged) -> None:
        self._show_connection(message.state)
        if message.state.status == "refused":
            self.notify(message.state.describe(), severity="error", timeout=15)

    def _show_phase(self) -> None:
        clock = self.client.room.clock
        if not clock:
            return
        title = Text()
        title.append(f"Phase {clock.get('index', 0) + 1}/{clock.get('count', 1)}: ", style="bold")
        title.append(str(clock.get("title", "")))
        incident = self.client.room.incident
        if incident.get("title"):
            title.append(f"  ·  {incident['title']}", style="italic")
        self.query_one("#nt-phase", TextLine).show_text(title)
        self.entry.set_hint(WHY_HINT if clock.get("kind") == "five_whys" else HINT)

    def _show_status(self) -> None:
        status = Text()
        name = self.client.name
        status.append(f"You: {name}" if name else "Who are you? (asked when you join)", style="bold")
        pending = len(self.client.pending)
        if pending:
            status.append(f"  ·  {PENDING} {pending} pending — kept on disk until the facilitator has them")
        elif name:
            status.append("  ·  all stored ✓")
        if self._notice:
            status.append("  ·  ")
            status.append_text(self._notice)
        self.query_one("#nt-status", TextLine).show_text(status)

    # --- applying what arrives ---------------------------------------------------------------

    @on(RoomMessage)
    def _room_message(self, message: RoomMessage) -> None:
        kind, data = message.kind, message.data
        if kind in ("snapshot", "incident"):
            self.rebuild()
            if kind == "snapshot":  # the meeting's events are all here now: out of the collector's way
                self.call_after_refresh(settle)
        elif kind == "event":
            self._put_event(data["id"], data)
        elif kind == "events":
            for event in data["events"]:
                self._put_event(event["id"], event)
        elif kind == "event_removed":
            self.timeline.remove_row(data["id"])
        elif kind == "observation":
            self._put_observation(data["id"], data)
        elif kind == "observation_removed":
            if data["id"] in self.observations.rows:
                self.observations.remove_row(data["id"])
        elif kind == "chain":
            self._show_chain()
        elif kind == "clock":
            self._show_phase()
            self.tick()
        elif kind == "ack":
            self._acked(data["ref"], data.get("entry"))
        elif kind == "rejected":
            self._rejected(data)
        elif kind == "error":
            self._notice = Text(f"⚠ {data['message']}", style="bold")
            self.notify(data["message"], severity="warning", timeout=6)
        elif kind == "bye":
            self._notice = Text("the facilitator stopped sharing; waiting for them to come back")
        self._show_status()

    def rebuild(self) -> None:
        """Redraw everything from the room state and the outbox (on join and reconnect)."""
        room = self.client.room
        changes = self._changes()
        rows = [(event_id, *self._event_row(event_id, event, changes)) for event_id, event in room.events.items()]
        rows += [(entry["id"], *self._event_row(entry["id"], entry, changes)) for entry in self.client.pending
                 if entry["type"] == "add_event" and entry["id"] not in room.events]
        self.timeline.load(rows)
        observations = self.observations
        observations.clear()
        for observation_id, observation in room.observations.items():
            self._put_observation(observation_id, observation, changes)
        for entry in self.client.pending:
            if entry["type"] == "add_observation" and entry["id"] not in room.observations:
                self._put_observation(entry["id"], self._pending_observation(entry), changes)
        self._show_chain()
        self._show_phase()
        self.tick()
        self._show_status()

    def _time_cell(self, moment: datetime | None, fallback: str = "") -> tuple[Text, tuple[float, int]]:
        """The time as shown, and the row's place in the table (untimed rows go last)."""
        self._seq += 1
        if moment is None:
            return Text(fallback or "?", style="italic"), (float("inf"), self._seq)
        incident = self.client.room.incident
        tz = incident.get("tz") or "UTC"
        try:
            shown = local(moment, tz)
        except TimeFormatError:
            shown = moment
        same_day = incident.get("date") == shown.date().isoformat()
        text = shown.strftime("%H:%M:%S" if same_day else "%b %d %H:%M")
        return Text(text), (moment.timestamp(), self._seq)

    def _row(self, moment: datetime | None, time_text: str, description: str, actor: str, author: str,
             pending: bool) -> tuple[list[Text], tuple[float, int]]:
        shown, order = self._time_cell(moment, time_text)
        cells = [
            Text(PENDING if pending else "", style="bold"),
            shown,
            Text(_clip(description, CLIP["event"])),
            Text(_clip(actor, CLIP["actor"])),
            Text(_clip(author, CLIP["author"])),
        ]
        return cells, order

    def _changes(self) -> dict[str, dict]:
        """The newest pending edit or removal of each entry, by the entry's id."""
        return {entry["item"]: entry for entry in self.client.pending if entry["type"] in ("edit", "remove")}

    def _event_row(self, event_id: str, event: dict,
                   changes: dict[str, dict] | None = None) -> tuple[list[Text], tuple[float, int]]:
        """The row of a stored event, or of a pending ``add_event`` entry, as this note-taker's changes leave it."""
        change = (self._changes() if changes is None else changes).get(event_id)
        if change is not None and change["type"] == "edit":
            return self._pending_event_row(change)
        if event.get("type") == "add_event":
            cells, order = self._pending_event_row(event)
        else:
            try:
                moment = datetime.fromisoformat(event["time"])
            except (ValueError, TypeError, KeyError):
                moment = None
            cells, order = self._row(moment, str(event.get("time", "")), str(event.get("description", "")),
                                     str(event.get("actor", "")), str(event.get("author", "")),
                                     change is not None or event_id in (self.client.outbox or ()))
        if change is not None:  # a removal on its way
            for cell in cells[1:]:
                cell.stylize("strike dim")
        return cells, order

    def _put_event(self, event_id: str, event: dict) -> None:
        self.timeline.set_row(event_id, *self._event_row(event_id, event))

    def _parse_event(self, line: str) -> EventEntry:
        """Read a typed event line in the meeting's time zone and day, as the facilitator will."""
        incident = self.client.room.incident
        return parse_event_line(line, tz=incident.get("tz") or "UTC", on=_date(incident.get("date")))

    def _pending_event_row(self, entry: dict) -> tuple[list[Text], tuple[float, int]]:
        moment = None
        description, actor = entry.get("description", ""), entry.get("actor", "")
        try:
            if "line" in entry:
                parsed = self._parse_event(entry["line"])
                moment, description, actor = parsed.time, parsed.description, parsed.actor
        except (QuickEntryError, TimeFormatError):
            description = entry.get("line", "")
        return self._row(moment, entry.get("time", ""), description, actor, self.client.name or "", True)

    def _pending_observation(self, entry: dict) -> dict:
        return {"kind": entry["kind"], "text": entry["text"], "author": self.client.name or ""}

    def _put_observation(self, observation_id: str, observation: dict, changes: dict[str, dict] | None = None) -> None:
        change = (self._changes() if changes is None else changes).get(observation_id)
        kind, text = str(observation.get("kind", "")), str(observation.get("text", ""))
        if change is not None and change["type"] == "edit":
            kind, text = protocol.observation_edit(kind, change["line"])
        cells = [
            Text(PENDING if change is not None or observation_id in (self.client.outbox or ()) else "", style="bold"),
            Text(KIND_MARKS.get(kind, "?"), style="bold"),
            Text(_clip(text, CLIP["text"])),
            Text(_clip(str(observation.get("author", "")), CLIP["author"])),
        ]
        if change is not None and change["type"] == "remove":
            for cell in cells[1:]:
                cell.stylize("strike dim")
        table = self.observations
        if observation_id in table.rows:
            for column, value in zip(("st", "kind", "text", "author"), cells):
                table.update_cell(observation_id, column, value, update_width=True)
        else:
            table.add_row(*cells, key=observation_id)

    def _show_chain(self) -> None:
        chain = self.client.room.chain
        text = Text()
        if chain is None:
            text.append("No chain yet: the facilitator starts one in the Five Whys phase.", style="italic")
        else:
            text.append(f"Problem: {chain.get('problem', '')}\n", style="bold")
            for number, why in enumerate(chain.get("whys", []), start=1):
                pending = PENDING + " " if why.get("id") in (self.client.outbox or ()) else ""
                by = f" — {why['author']}" if why.get("author") else ""
                text.append(f"{number}. {pending}{why.get('text', '')}{by}\n")
            known = {w.get("id") for w in chain.get("whys", [])}
            for entry in self.client.pending:
                if entry["type"] == "add_why" and entry["id"] not in known:
                    text.append(f"{PENDING} {entry['text']} — {self.client.name}\n", style="italic")
            root = chain.get("root_cause")
            if root:
                text.append(f"Root cause ({root.get('category', '')}): {root.get('text', '')}", style="bold")
        self.query_one("#nt-chain", Static).update(text)

    def _pending_add(self, item: str) -> dict | None:
        """The outbox entry that adds ``item``, while the facilitator does not have it yet."""
        return next((e for e in self.client.pending if e["id"] == item and e["type"].startswith("add_")), None)

    def _refresh(self, item: str) -> None:
        """Redraw the row of entry ``item`` from the room and the outbox (or take it out when it is in neither)."""
        room = self.client.room
        added = self._pending_add(item)
        if item in room.events or (added is not None and added["type"] == "add_event"):
            self._put_event(item, room.events.get(item) or added)
        else:
            self.timeline.remove_row(item)
        if item in room.observations:
            self._put_observation(item, room.observations[item])
        elif added is not None and added["type"] == "add_observation":
            self._put_observation(item, self._pending_observation(added))
        elif item in self.observations.rows:
            self.observations.remove_row(item)

    def _acked(self, ref: str, entry: dict | None) -> None:
        entry = entry or {}
        self._refresh(entry.get("item", ref))
        if entry.get("type") == "add_why":
            self._show_chain()

    def _rejected(self, data: dict) -> None:
        entry = data.get("entry") or {}
        self._refresh(entry.get("item", data["ref"]))
        typed = _typed_text(entry)
        self._notice = Text(f"✗ not stored: {data['message']}", style="bold")
        self.notify(f"{data['message']}\n{typed}", title="Not stored", severity="error", timeout=10)
        entry_input = self.entry.input
        if typed and not entry_input.value:
            entry_input.value = typed  # nothing typed is lost: fix it and press Enter again (an edit: as a new entry)
            entry_input.cursor_position = len(typed)
        if entry.get("type") == "add_why":
            self._show_chain()

    # --- typing -------------------------------------------------------------------------------

    @on(QuickEntry.Submitted, "#nt-entry")
    def _submitted(self, message: QuickEntry.Submitted) -> None:
        entry, editing = message.entry, self._editing
        if self.client.outbox is None:
            entry.reject("say who you are first")
            return
        try:
            if editing is None:
                self._send_new(message.value)
            else:
                self._send_edit(editing, message.value)
        except (QuickEntryError, TimeFormatError, ProtocolError) as exc:
            entry.reject(str(exc))
            return
        except (OutboxError, OSError) as exc:
            entry.reject(f"cannot save to the outbox: {getattr(exc, 'strerror', None) or exc}")
            return
        entry.accept()
        if editing is not None:
            self._stop_editing()
            self._refresh(editing)
        self._notice = Text()
        self._show_status()

    def _send_new(self, value: str) -> None:
        """Queue a typed line as an event, observation or why (raises with a one-line reason)."""
        client = self.client
        kind, text = protocol.split_entry(value)
        if kind == "event":
            self._parse_event(text)
            sent = client.add_event_line(text)
            self.timeline.set_row(sent["id"], *self._pending_event_row(sent))
        elif kind == "why":
            chain = client.room.chain
            if not text:
                raise QuickEntryError("type your answer after the '?'")
            if chain is None:
                raise QuickEntryError("no Five Whys chain yet: the facilitator starts one in the Five Whys phase")
            client.add_why(text, chain["id"])
            self._show_chain()
        else:
            if not text:
                raise QuickEntryError(f"type what {OBSERVATION_WORDS[kind]} after the {_mark(kind)!r}")
            sent = client.add_observation(kind, text)
            self._put_observation(sent["id"], self._pending_observation(sent))

    def _send_edit(self, item: str, line: str) -> None:
        """Queue the rewrite of own entry ``item`` (raises with a one-line reason)."""
        if item in self.timeline:
            self._parse_event(line)
        elif not protocol.observation_edit("went_well", line)[1]:
            raise QuickEntryError("type the observation's text")
        self.client.edit(item, line)

    # --- editing and removing one's own entries ---------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit_mine", "remove_mine"):
            return self.focused is self.timeline or self.focused is self.observations
        return True

    def _selected(self) -> str | None:
        """The id of the entry under the cursor of the focused table."""
        if self.focused is self.timeline:
            return self.timeline.cursor_key
        table = self.observations
        if self.focused is table and table.row_count:
            return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None

    def _own_line(self, item: str) -> str | None:
        """The line that rewrites entry ``item`` as it stands, or None (with a notice) when it is not yours."""
        client, room = self.client, self.client.room
        added = self._pending_add(item)
        stored = room.events.get(item) or room.observations.get(item)
        author = str((stored or {}).get("author", "")) if added is None else (client.name or "")
        if not client.owns(item, author):
            whose = f"{author}'s" if author else "the facilitator's"
            self.notify(f"That is {whose} entry: you can change only what you added.", severity="warning")
            return None
        change = self._changes().get(item)
        if change is not None and change["type"] == "edit":
            return change["line"]
        if added is not None:
            return _typed_text(added)
        if item in room.events:
            return _event_line(room.events[item], room.incident)
        return f"{_mark(stored.get('kind', ''))} {stored.get('text', '')}"

    def action_edit_mine(self) -> None:
        item = self._selected()
        line = None if item is None else self._own_line(item)
        if line is None:
            return
        entry_input = self.entry.input
        if self._editing is None:
            self._stash = entry_input.value
        self._editing = item
        entry_input.value = line
        entry_input.cursor_position = len(line)
        self.entry.set_hint(EDIT_HINT)
        self.entry.add_class("-editing")
        self.set_focus(entry_input)  # now, not after the keys already queued: they are the edit's

    def _stop_editing(self) -> None:
        """Leave editing: the line gets back what was being typed before."""
        self._editing = None
        entry_input = self.entry.input
        entry_input.value = self._stash
        entry_input.cursor_position = len(self._stash)
        self._stash = ""
        self.entry.remove_class("-editing")
        self._show_phase()
        if not self.client.room.clock:
            self.entry.set_hint(HINT)

    def action_remove_mine(self) -> None:
        item = self._selected()
        line = None if item is None else self._own_line(item)
        if line is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.client.remove(item)
            except (OutboxError, OSError) as exc:
                self.notify(f"cannot save to the outbox: {getattr(exc, 'strerror', None) or exc}", severity="error")
                return
            self._refresh(item)
            self._show_status()

        self.app.push_screen(ConfirmDialog("Remove this entry of yours?", title="Remove?", detail=line), answered)

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


def _mark(kind: str) -> str:
    return {v: k for k, v in protocol.OBSERVATION_PREFIXES.items()}.get(kind, "+")


def _typed_text(entry: dict) -> str:
    kind = entry.get("type")
    if kind == "add_event":
        if "line" in entry:
            return entry["line"]
        extra = " | ".join(p for p in (entry.get("actor", ""), entry.get("evidence", "")) if p)
        return f"{entry.get('time', '')} {entry.get('description', '')}" + (f" | {extra}" if extra else "")
    if kind == "add_observation":
        return f"{_mark(entry.get('kind', ''))} {entry.get('text', '')}"
    if kind == "add_why":
        return f"{protocol.WHY_PREFIX} {entry.get('text', '')}"
    if kind == "edit":
        return entry.get("line", "")
    return ""


def _event_line(event: dict, incident: dict) -> str:
    """A stored event as a quick-entry line (the date only when it is not the incident's day)."""
    try:
        shown = local(datetime.fromisoformat(event["time"]), incident.get("tz") or "UTC")
        when = shown.strftime("%H:%M:%S" if shown.date().isoformat() == incident.get("date") else "%Y-%m-%d %H:%M:%S")
    except (ValueError, TypeError, KeyError, TimeFormatError):
        when = str(event.get("time", ""))
    line = f"{when} {event.get('description', '')}"
    actor, evidence = str(event.get("actor", "")), str(event.get("evidence", ""))
    if evidence:
        return f"{line} | {actor} | {evidence}"
    return f"{line} | {actor}" if actor else line


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


class NoteTakerApp(App):
    """``pmtui join``: a compact app for adding to the facilitator's meeting from another machine."""

    CSS_PATH = "pmtui.tcss"
    TITLE = "pmtui note-taker"

    def __init__(
        self,
        url: str,
        token: str,
        *,
        name: str | None = None,
        outbox_dir: str | Path | None = None,
        client: RoomClient | None = None,
    ) -> None:
        super().__init__()
        self.url = url
        self.token = token
        self.outbox_dir = outbox_dir
        self.outbox: Outbox | None = None
        self._initial_name = name
        self._notes: NoteTakerScreen | None = None
        self.client = client or RoomClient(url, token)
        self.client.on_update = self._update
        self.client.on_state = self._state

    @property
    def notes(self) -> NoteTakerScreen:
        """The main screen (phase, timeline, entry line)."""
        assert self._notes is not None
        return self._notes

    async def on_mount(self) -> None:
        self._notes = NoteTakerScreen(self.client)
        await self.push_screen(self._notes)
        if self._initial_name:
            problem = self._use_name(self._initial_name)
            if problem:
                self.exit(return_code=2, message=f"pmtui: {problem}")
                return
        else:  # the question comes first, with the keyboard on it; the meeting loads behind it
            await self.push_screen(NameScreen(self._use_name), self._named)
        await self.client.start()

    def _use_name(self, value: str) -> str | None:
        """Open the outbox for ``value``; a one-line problem, or None when it worked."""
        if self.outbox is not None:
            return None  # already joined (a second Enter on the name box)
        try:
            name = protocol.check_name(value)
            outbox = Outbox.for_room(self.url, name, self.outbox_dir)
        except (ProtocolError, OutboxError) as exc:
            return str(exc)
        self.outbox = outbox
        self.client.introduce(name, outbox)
        return None

    def _named(self, name: str | None) -> None:
        screen = self.notes
        screen.rebuild()
        screen.entry.focus_input()

    def _update(self, kind: str, data: dict) -> None:
        if self._notes is not None:
            self._notes.post_message(RoomMessage(kind, data))

    def _state(self, state: ConnectionState) -> None:
        if self._notes is not None:
            self._notes.post_message(ConnectionChanged(state))

    async def on_unmount(self) -> None:
        await self.client.stop()
        if self.outbox is not None:
            self.outbox.close()
        release()
