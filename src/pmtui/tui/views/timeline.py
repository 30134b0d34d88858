"""The timeline view: events typed in a stream, shown in time order with gaps and metrics."""

from __future__ import annotations

import time
from collections import Counter, OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import assert_never

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.theme import Theme

from ...analysis.metrics import TimelineGap, TimelineOrder, timeline_gaps
from ...changes import Change, Entity, Op
from ...entry_grammar import EventEntry, split_speaker
from ...model import MILESTONE_LABELS, MILESTONES, Meeting, TimelineEvent
from ...speakers import shown_author
from ...timeparse import format_duration, format_on, is_clock_time, local, parse_time
from ..widgets.event_table import Column, EventTable
from ..widgets.guidance import MARKER, GuidancePanel
from ..widgets.metrics import IncidentMetricsBar
from ..widgets.quick_entry import QuickEntry
from ..widgets.text_line import TextLine
from .base import PhaseView

# The time is as wide as its widest cell; the event takes what is left; when the pane is narrow the
# evidence gives way first, then the author, then the actor.
COLUMNS = (Column("Time", "time"), Column("Event", "event", min_width=40, fill=True),
           Column("Actor", "actor", max_width=16, min_width=8, drop=1),
           Column("Evidence", "evidence", max_width=24, min_width=16, drop=3),
           Column("Author", "author", max_width=20, min_width=8, drop=2))
GAP_PREFIX = "gap:"
_EVENT_RANK, _GAP_RANK = 1, 0
ROW_SLICE = 0.005
"""Seconds of row updates per event-loop pass: a burst of thousands of entries (a room, a script)
reaches the table over several passes instead of holding the loop until the last one."""
ROW_PAUSE = 0.005
"""Seconds the loop gets between two slices of row updates."""


Row = tuple[tuple[Text, ...], tuple[datetime, int]]
"""A row's cells (in column order) and where it sorts."""


def _event_ids(meeting: Meeting) -> list[str]:
    return [event.id for event in meeting.events]


def _one_line(text: str) -> Text:
    """``text`` on one line (the table cuts it to its column)."""
    return Text(" ".join(text.split()))


def sourced_evidence(event: TimelineEvent) -> Text:
    """The evidence cell: an imported event's source first, dimmed (``slack:#inc-db · <evidence>``, as exported)."""
    evidence = _one_line(event.evidence)
    if not event.source:
        return evidence
    cell = Text(event.source, style="dim")
    if evidence:
        cell.append(" · ", style="dim")
        cell.append_text(evidence)
    return cell


class TimelineTable(EventTable):
    """The timeline's rows: one per event (keyed by its id) and one per long gap."""

    BINDINGS = [
        Binding("enter,e", "row('edit')", "Edit", id="timeline.edit"),
        Binding("delete,x", "row('delete')", "Delete", id="timeline.delete"),
        Binding("d", "row('decision')", "Decision point", id="timeline.decision"),
        Binding("m", "row('milestone')", "Milestone", id="timeline.milestone"),
    ]

    @dataclass
    class RowAction(Message):
        """A key asked for ``action`` on the row under the cursor."""

        action: str
        row_key: str

    def action_row(self, action: str) -> None:
        """Report ``action`` on the highlighted row to the view."""
        if self.cursor_key is not None:
            self.post_message(self.RowAction(action, self.cursor_key))


class TimelineView(PhaseView):
    """Build the shared sequence of events: type a line, see it land in time order."""

    SHOWS = (EventEntry,)

    BINDINGS = [
        Binding("tab", "toggle_focus", "Table ⇄ entry", id="timeline.toggle_focus"),
        Binding("down", "focus_table", "To the table", show=False, id="timeline.to_table"),
        Binding("escape", "focus_entry", "Back to typing", id="timeline.to_entry"),
        Binding("f8", "guidance", "Hints", id="timeline.guidance"),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.guidance = GuidancePanel(self.session, _event_ids, id="timeline-guidance")
        self._gaps: dict[str, TimelineGap] = {}
        self._day_of: dict[str, date] = {}  # event id -> its date in the incident's zone
        self._days: Counter[date] = Counter()
        self._multi_day = False
        self._waiting: OrderedDict[str, bool] = OrderedDict()  # changed event ids -> reveal the row once shown
        self._rows_due = False
        self._order = TimelineOrder()
        self._gaps_moved: set[str] = set()  # ids of events whose gap before them may have changed

    def compose_body(self) -> ComposeResult:
        yield IncidentMetricsBar(self.session, id="timeline-metrics")
        yield TimelineTable(COLUMNS, id="timeline-table")
        yield TextLine("", id="timeline-status")
        yield self.guidance
        yield QuickEntry(
            "e.g. 14:37 checkout errors start | alice | grafana link",
            "TIME description | actor | evidence · ↓/Tab selects a row",
            id="timeline-entry",
            prefixes=True,
        )

    def on_mount(self) -> None:
        self._reload()
        self._show_summary()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    @property
    def table(self) -> TimelineTable:
        """The table of events."""
        return self.query_one("#timeline-table", TimelineTable)

    @property
    def entry(self) -> QuickEntry:
        """The quick-entry line."""
        return self.query_one("#timeline-entry", QuickEntry)

    # --- reacting to the session ---------------------------------------------

    def on_session_change(self, change: Change) -> None:
        self.guidance.on_session_change(change)
        match change.entity:
            case Entity.EVENT:
                self._events_changed(change)
            case Entity.INCIDENT:  # zone, milestones or the date shown may have moved
                self._resync_all()
                self._show_summary()
            case (Entity.CLOCK | Entity.PHASE | Entity.ATTENDEE | Entity.OBSERVATION | Entity.CHAIN | Entity.FACTOR
                  | Entity.ACTION | Entity.NOTE | Entity.SECTION | Entity.REVIEW | Entity.RELATED | Entity.FINDING
                  | Entity.MEETING):
                pass  # not on the timeline (the guidance panel saw it above)
            case _:
                assert_never(change.entity)

    def _events_changed(self, change: Change) -> None:
        match change.op:
            case Op.ADDED | Op.CHANGED | Op.DELETED:
                reveal = change.op is Op.ADDED and change.author == self.event_author  # the facilitator's own entry
                self._waiting[change.id] = self._waiting.get(change.id, False) or reveal
                if not self._rows_due:  # once for a burst of changes (e.g. many note-takers at once)
                    self._rows_due = True
                    if reveal:  # typed here: the row goes in now, to be painted with the cleared line (EntryLine)
                        self._update_rows()
                    else:
                        self.screen.call_later(self._update_rows)
            case Op.IMPORTED:
                self._waiting.clear()  # the reload reads every event
                self._reload()
                self._show_summary()
            case _:
                assert_never(change.op)

    def _reload(self) -> None:
        """Fill the table from scratch (on mount and after an import)."""
        events = self.session.meeting.sorted_events()
        self._count_days(events)
        self._order = TimelineOrder(self.session.meeting.events)
        self._gaps_moved.clear()
        self._gaps.clear()
        self.table.load((event.id, *self._event_row(event)) for event in events)
        self._sync_gaps()

    def _update_rows(self) -> None:
        """Bring the rows of changed events up to date for up to :data:`ROW_SLICE`; the rest after a pause.

        Each row costs O(log n) in the table, and so does each gap row next to it, once all rows are in.
        """
        table = self.table
        multi_day = self._multi_day
        deadline = time.perf_counter() + ROW_SLICE
        while self._waiting and time.perf_counter() < deadline:
            event_id, reveal = self._waiting.popitem(last=False)
            event = self._event(event_id)
            self._track_day(event_id, event)
            if event is None:
                self._gaps_moved |= self._order.remove(event_id) | {event_id}
                table.remove_row(event_id)
                continue
            self._gaps_moved |= self._order.place(event_id, event.time)
            table.set_row(event.id, *self._event_row(event))
            if reveal and not table.has_focus:
                table.reveal(event.id)
        if self._multi_day != multi_day:
            self._resync_all()
        if self._waiting:
            self.set_timer(ROW_PAUSE, self._update_rows)
            return
        self._rows_due = False
        self._sync_gaps_near()
        self._show_summary()

    def _sync_gaps_near(self) -> None:
        """Add, update or remove the gap rows before the events that moved (see :class:`TimelineOrder`)."""
        for event_id in self._gaps_moved:
            key = f"{GAP_PREFIX}{event_id}"
            gap = self._order.gap_before(event_id)
            if gap is None:
                if self._gaps.pop(key, None) is not None:
                    self.table.remove_row(key)
            elif self._gaps.get(key) != gap:
                after, before = self._event(gap.after_id), self._event(event_id)
                self.table.set_row(key, *self._gap_row(gap, after, before))
                self._gaps[key] = gap
        self._gaps_moved.clear()

    def _resync_all(self) -> None:
        """Re-render every row (time zone, milestones, date display or theme changed)."""
        events = self.session.meeting.events
        self._count_days(events)
        for event in events:
            self.table.set_row(event.id, *self._event_row(event))
        self._sync_gaps(force=True)

    def _theme_changed(self, theme: Theme) -> None:
        self._resync_all()

    def on_phase_shown(self) -> None:
        super().on_phase_shown()
        self.guidance.view_shown()

    @on(GuidancePanel.Updated)
    def _hints_moved(self, message: GuidancePanel.Updated) -> None:
        """Put the hint marker on (or take it off) the rows whose hints changed."""
        for item in message.items:
            event = self._event(item)
            if event is not None and item in self.table:
                self.table.set_row(item, *self._event_row(event))

    @on(GuidancePanel.Selected)
    def _hint_chosen(self, message: GuidancePanel.Selected) -> None:
        """Enter on a hint: the table's cursor goes to its event."""
        table = self.table
        if message.item in table:
            table.reveal(message.item)
            table.focus()

    # --- rows ------------------------------------------------------------------

    def _event_row(self, event: TimelineEvent) -> Row:
        colours = self.app.theme_variables
        description = Text()
        if self.guidance.is_flagged(event.id):
            description.append(f"{MARKER} ", style=f"bold {colours['warning']}")
        if event.decision_point:
            description.append("◆ ", style=f"bold {colours['accent']}")
        for name in self._milestones_at(event.time):
            description.append(f"[{MILESTONE_LABELS[name].lower()}] ", style=f"bold {colours['success']}")
        description.append_text(_one_line(event.description))
        cells = (
            Text(self._format_time(event.time)),
            description,
            _one_line(event.actor),
            sourced_evidence(event),
            _one_line(shown_author(event)),
        )
        return cells, (event.time, _EVENT_RANK)

    def _sync_gaps(self, *, force: bool = False) -> None:
        """Add, update or remove the marker rows of gaps over 10 minutes."""
        events = self.session.meeting.events
        gaps = {f"{GAP_PREFIX}{gap.before_id}": gap for gap in timeline_gaps(events)}
        for key in [k for k in self._gaps if k not in gaps]:
            self.table.remove_row(key)
            del self._gaps[key]
        by_id = None
        for key, gap in gaps.items():
            if not force and self._gaps.get(key) == gap:
                continue
            by_id = by_id or {e.id: e for e in events}
            self.table.set_row(key, *self._gap_row(gap, by_id[gap.after_id], by_id[gap.before_id]))
            self._gaps[key] = gap

    def _gap_row(self, gap: TimelineGap, after: TimelineEvent, before: TimelineEvent) -> Row:
        style = f"bold {self.app.theme_variables['warning']}"
        minutes = round(gap.seconds / 60)
        length = f"{minutes} min" if minutes < 120 else format_duration(gap.seconds)
        tz, home = self.session.meeting.incident.tz, self.session.incident_date()
        text = Text(f"{length} gap: what happened between {format_on(after.time, tz, home, '%H:%M')} "
                    f"and {format_on(before.time, tz, home, '%H:%M')}?", style=style)
        return (Text("⋯", style=style), text, Text(), Text(), Text()), (before.time, _GAP_RANK)

    def _typed_time(self, moment: datetime) -> str:
        """``moment`` as the facilitator would type it: the bare HH:MM when that reads back as it, else with the date.

        No space after it, so deleting the time with backspace leaves nothing of it behind.
        """
        session = self.session
        tz = session.meeting.incident.tz
        moment = local(moment, tz).replace(second=0, microsecond=0)
        bare = f"{moment:%H:%M}"
        if parse_time(bare, tz, session.incident_date(), near=session.reference_time(self.event_author)) == moment:
            return bare
        return f"{moment:%Y-%m-%d %H:%M}"

    def _milestones_at(self, moment: datetime) -> list[str]:
        incident = self.session.meeting.incident
        return [name for name in MILESTONES if getattr(incident, name) == moment]

    def _format_time(self, moment: datetime) -> str:
        shown = local(moment, self.session.meeting.incident.tz)
        return shown.strftime("%b %d %H:%M:%S" if self._multi_day else "%H:%M:%S")

    def _count_days(self, events: list[TimelineEvent]) -> None:
        """Recount on which dates (in the incident's zone) the events fall."""
        tz = self.session.meeting.incident.tz
        self._day_of = {e.id: local(e.time, tz).date() for e in events}
        self._days = Counter(self._day_of.values())
        self._multi_day = len(self._days) > 1

    def _track_day(self, event_id: str | None, event: TimelineEvent | None) -> None:
        """Update the date count for one added, moved or deleted event."""
        old = self._day_of.pop(event_id, None)
        if old is not None:
            self._days[old] -= 1
            if not self._days[old]:
                del self._days[old]
        if event is not None:
            day = self._day_of[event.id] = local(event.time, self.session.meeting.incident.tz).date()
            self._days[day] += 1
        self._multi_day = len(self._days) > 1

    def _event(self, event_id: str | None) -> TimelineEvent | None:
        return self.session.find_event(event_id)

    def _show_summary(self) -> None:
        """Refresh the metrics line and the event and gap counts."""
        self.query_one(IncidentMetricsBar).refresh_metrics()
        count = len(self.session.meeting.events)
        gaps = len(self._gaps)
        status = Text()
        if not count:
            status.append("No events yet: type the first one below, starting with its time")
        else:
            status.append(f"{count} event{'s' if count != 1 else ''}")
        if gaps:
            status.append(f"  ·  {gaps} gap{'s' if gaps != 1 else ''} over 10 min", style="bold")
            status.append(" — select one and press Enter to fill it")
        label = self.query_one("#timeline-status", TextLine)
        label.show_text(status)
        label.set_class(bool(gaps), "-gaps")

    # --- typing and keys -----------------------------------------------------------

    @on(QuickEntry.Submitted, "#timeline-entry")
    def _add_line(self, message: QuickEntry.Submitted) -> None:
        self.attempt(message.entry, self._add_event, message.value)

    def _add_event(self, line: str) -> object:
        added = self.add_line(line)
        start = self.session.meeting.incident.impact_start
        if (isinstance(added, TimelineEvent) and start is not None and added.time < start
                and is_clock_time(split_speaker(line)[1].split()[0])):
            self._placed_before_start(added.time)
        return added

    def _placed_before_start(self, moment: datetime) -> None:
        """A bare time read near the previous entry fell before the impact start: say how to type the day after."""
        shown = local(moment, self.session.meeting.incident.tz)
        later = shown + timedelta(days=1)
        self.notify(f"{shown:%H:%M} went on {shown:%b %d}, before the impact start; for {later:%b %d} "
                    f"type {later:%Y-%m-%d %H:%M} (or edit it with Enter on its row)", timeout=8)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_table":
            return self.entry.input.has_focus
        if action == "focus_entry":
            return self.table.has_focus
        if action == "guidance":
            return bool(self.guidance.findings)
        return True

    def action_toggle_focus(self) -> None:
        """Tab: between the entry line and the table."""
        if self.table.has_focus:
            self.entry.focus_input()
        else:
            self.table.focus()

    def action_focus_table(self) -> None:
        """Move the keyboard to the table to act on a row."""
        self.table.focus()

    def action_focus_entry(self) -> None:
        """Back to the entry line to type events."""
        self.entry.focus_input()

    def action_guidance(self) -> None:
        """Open the hints panel to read or dismiss blame and hindsight hints."""
        self.guidance.open()

    @on(TimelineTable.RowAction)
    def _row_action(self, message: TimelineTable.RowAction) -> None:
        key = message.row_key
        if key.startswith(GAP_PREFIX):
            self._gap_action(message.action, key)
            return
        event = self._event(key)
        if event is None:
            return
        from ..screens.event_dialogs import EditEventDialog, MilestoneDialog  # not needed for the first frame

        if message.action == "edit":
            self.app.push_screen(EditEventDialog(self.session, key))
        elif message.action == "delete":
            self.delete(self.session.delete_event, event.id)
        elif message.action == "decision":
            self.attempt(None, self.session.toggle_decision_point, key)
        elif message.action == "milestone":
            self.app.push_screen(MilestoneDialog(self.session, key), lambda name: self._mark(key, name))

    def _mark(self, event_id: str, milestone: str | None) -> None:
        if milestone is not None:
            self.attempt(None, self.session.mark_milestone, event_id, milestone)

    def _gap_action(self, action: str, key: str) -> None:
        """Enter on a gap row starts a line at the gap's first minute; other keys explain."""
        if action != "edit":
            self.notify("That row marks a gap, not an event: press Enter on it to fill it", timeout=4)
            return
        gap_start = self._event(self._gaps[key].after_id)
        if gap_start is None:
            return
        entry = self.entry
        entry.input.value = self._typed_time(gap_start.time + timedelta(minutes=1))
        entry.focus_input()
        entry.input.cursor_position = len(entry.input.value)
