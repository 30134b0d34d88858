"""The action items phase: type items in a stream, then refine them in a table."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from ...agenda import Phase
from ...analysis.action_scores import ActionScore, focus_note, score_action
from ...analysis.blameless import default_lexicon
from ...analysis.depth import chain_flags
from ...changes import Change, Entity, Op
from ...entry_grammar import ACTION_HINT, ActionEntry
from ...model import ACTION_KINDS, ActionItem, Meeting
from ...session import MeetingSession
from ..screens.action_dialogs import EditActionDialog, LinkRootCauseDialog
from ..widgets.event_table import (
    CELL_PADDING,
    Column,
    add_fitted_columns,
    fill_a_third,
    fit_widths,
    natural_widths,
    pane_room,
    shown_cells,
)
from ..widgets.guidance import MARKER, GuidancePanel, grade_text, score_text
from ..widgets.list_table import ListTable
from ..widgets.quick_entry import QuickEntry
from .base import PhaseView

KIND_WORDS = {"prevents recurrence": ("prevent", "prev"), "improves detection": ("detect", "det"),
              "improves response": ("respond", "resp")}
"""Each action type as the Type column says it, in ACTION_KINDS order: the word, and its short form when narrow."""

_PRIORITY_STYLES = {"critical": "bold red", "high": "bold yellow", "medium": "", "low": "dim"}
COLUMNS = (  # fitted to the pane like the timeline's (see event_table.fit_widths); what hides is in the detail
    Column("Priority", "priority", width=8),
    Column("Action", "action", fill=True, min_width=28),  # and at least a third of the pane, see _layout
    Column("Owner", "owner", max_width=16, min_width=10, drop=1),
    Column("Due", "due", width=10),
    Column("Criteria", "criteria", max_width=24, min_width=16, drop=5),
    Column("Type", "type", min_width=13, drop=3),  # words, or their short forms when the words do not fit
    Column("Root cause", "root_cause", max_width=24, min_width=16, drop=4),
    Column("Status", "status", min_width=6, drop=2),
    Column("Q", "quality", width=1),
)
_HINT = "↓ list · due: crit 1w, high 3w, med 6w, low 12w"


def _action_ids(meeting: Meeting) -> list[str]:
    return [action.id for action in meeting.actions]


class ActionsView(PhaseView):
    """Action items: a quick-entry line for new ones and a table to edit, link and flag them."""

    SHOWS = (ActionEntry,)

    BINDINGS = [
        Binding("down", "focus_table", "Items", id="actions.focus_table", show=False),
        Binding("escape", "focus_entry", "New item", id="actions.focus_entry"),
        Binding("e", "edit", "Edit", id="actions.edit"),
        Binding("l", "link", "Link cause", id="actions.link"),
        Binding("1", "toggle_kind(0)", "Recurrence", id="actions.kind_recurrence"),
        Binding("2", "toggle_kind(1)", "Detection", id="actions.kind_detection"),
        Binding("3", "toggle_kind(2)", "Response", id="actions.kind_response"),
        Binding("space", "toggle_done", "Done", id="actions.toggle_done"),
        Binding("delete,x", "delete", "Delete", id="actions.delete"),
        Binding("f8", "guidance", "Hints", id="actions.guidance"),
    ]

    def __init__(self, session: MeetingSession, phase: Phase, *, id: str | None = None) -> None:
        super().__init__(session, phase, id=id)
        self._cells: dict[str, tuple] = {}
        """The cells each row shows now, by item id, to update only what changed."""
        self._narrow = False
        """Whether the Type column uses the short forms (the table would not fit its pane with the words)."""
        self._widths: list[int] = []
        """Each column's width as shown (0: hidden to fit the pane), in COLUMNS order."""
        self.guidance = GuidancePanel(session, _action_ids, id="action-guidance")

    def compose_body(self) -> ComposeResult:
        yield QuickEntry(ACTION_HINT, _HINT, id="action-entry", prefixes=True)
        yield ListTable(id="action-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="action-notes")
        yield Static("", id="action-detail")
        yield self.guidance

    def on_mount(self) -> None:
        self._narrow, self._widths = self._layout()
        self._add_columns()
        self._sync()
        self._show_notes()
        self.call_after_refresh(self._fit_columns)  # the pane's width is known only once laid out

    def _add_columns(self) -> None:
        hidden = [column.label for column, width in zip(COLUMNS, self._widths) if not width]
        add_fitted_columns(self._table, COLUMNS, self._widths, hidden)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_columns)  # once the table has its new size

    def _layout(self) -> tuple[bool, list[int]]:
        """Whether the Type column uses short forms, and each column's width in the pane (0: hidden).

        The description gets at least a third of the pane; the words are used when every column fits at its
        widest cell beside that.
        """
        room = pane_room(self._table, self)
        columns = fill_a_third(COLUMNS, room)
        words = self._natural(narrow=False)
        wanted = [column.min_width if column.fill else min(width, column.max_width or width)
                  for column, width in zip(columns, words)]
        narrow = sum(width + 2 * CELL_PADDING for width in wanted) > room
        return narrow, fit_widths(columns, self._natural(narrow=True) if narrow else words, room)

    def _natural(self, *, narrow: bool) -> list[int]:
        """Each column's width at its widest cell (or label; a fixed width as given)."""
        return natural_widths(COLUMNS, (self._row(item, narrow) for item in self.session.meeting.actions))

    def _fit_columns(self) -> None:
        """Redo the columns when their widths or the Type column's words must change (the cursor stays)."""
        if not self.is_mounted:
            return
        layout = self._layout()
        if layout == (self._narrow, self._widths):
            return
        self._narrow, self._widths = layout
        table = self._table
        row = table.cursor_row
        table.clear(columns=True)
        self._cells.clear()
        self._add_columns()
        self._sync()
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))

    def _kinds_text(self, item: ActionItem, narrow: bool | None = None) -> str:
        """The item's types in words ('prevent detect'), short ones when narrow; '—' for none."""
        short = self._narrow if narrow is None else narrow
        words = [pair[1 if short else 0] for kind, pair in KIND_WORDS.items() if kind in item.kinds]
        return " ".join(words) or "—"

    @property
    def _table(self) -> DataTable:
        return self.query_one("#action-table", DataTable)

    # --- rendering -----------------------------------------------------------

    def _row(self, item: ActionItem, narrow: bool | None = None) -> tuple[Text, ...]:
        """The table cells of ``item``, in COLUMNS order; a cell cut to its column ends in an ellipsis."""
        done = item.status == "done"
        description = Text()
        if self.guidance.is_flagged(item.id):
            description.append(f"{MARKER} ", style="bold yellow")
        description.append(item.description, style="strike dim" if done else "")
        cells = (
            Text(item.priority, style=_PRIORITY_STYLES.get(item.priority, "")),
            description,
            Text(item.owner) if item.owner else Text("unassigned", style="italic yellow"),
            Text(item.due.isoformat() if item.due else "—"),
            Text(item.success_criteria or "—"),  # people's text: a Text, never read as markup
            Text(self._kinds_text(item, narrow)),
            Text(self._root_cause_text(item) or "—"),
            Text("done", style="green") if done else Text("open"),
            grade_text(self._score(item)),
        )
        for cell in cells:
            cell.overflow = "ellipsis"
        return cells

    def _score(self, item: ActionItem) -> ActionScore:
        """How specific, owned and checkable ``item`` is (see :mod:`pmtui.analysis.action_scores`)."""
        meeting = self.session.meeting
        return score_action(item, meeting.actions.index(item) + 1, meeting)

    def _root_cause_text(self, item: ActionItem) -> str:
        for number, chain in enumerate(self.session.meeting.chains, 1):
            if chain.id == item.root_cause_id:
                return f"{number}. {chain.root_cause.text if chain.root_cause else chain.problem}"
        return ""

    def _upsert(self, item: ActionItem, *, follow: bool = False) -> None:
        """Add ``item``'s row, or update the cells of it that changed.

        With ``follow`` a new row gets the cursor, unless the table has the focus.
        """
        table = self._table
        cells = self._row(item)
        shown = self._cells.get(item.id)
        if shown is None:
            table.add_row(*shown_cells(cells, self._widths), key=item.id)
            if follow and not table.has_focus:
                table.move_cursor(row=table.row_count - 1)
        else:
            for column, width, old, new in zip(COLUMNS, self._widths, shown, cells):
                if width and old != new:
                    table.update_cell(item.id, column.key, new)
        self._cells[item.id] = cells

    def _remove(self, item_id: str) -> None:
        if self._cells.pop(item_id, None) is not None:
            self._table.remove_row(item_id)

    def _sync(self) -> None:
        """Bring every row in line with the meeting (only what differs is touched)."""
        actions = self.session.meeting.actions
        for item_id in set(self._cells) - {a.id for a in actions}:
            self._remove(item_id)
        for item in actions:
            self._upsert(item)
        self._show_detail()

    def _show_detail(self) -> None:
        """Spell out the highlighted item in full, below the table."""
        detail = self.query_one("#action-detail", Static)
        item = self._selected()
        if item is None:
            detail.update(Text("No action items yet: type the first one above.", style="italic"))
            return
        text = Text()
        text.append(item.description, style="bold")
        kinds = ", ".join(item.kinds) or "no type yet (1/2/3)"
        due = item.due.isoformat() if item.due else "no due date"
        text.append(f"\n{item.owner or 'unassigned'} · {item.priority} · due {due} · {item.status} · {kinds}")
        text.append("\n")
        text.append_text(score_text(self._score(item)))
        if item.success_criteria:
            text.append(f"\nDone when: {item.success_criteria}")
        cause = self._root_cause_text(item)
        text.append(f"\nRoot cause: {cause}" if cause else "\nNo root cause linked (l)", style="dim")
        detail.update(text)

    def _show_notes(self) -> None:
        """Too many urgent items, and root causes no action item addresses."""
        meeting = self.session.meeting
        lexicon = default_lexicon()[0]
        notes = Text()
        focus = focus_note(meeting)
        if focus:
            notes.append(f"⚠ {focus}", style="yellow")
        for number, chain in enumerate(meeting.chains, 1):
            for flag in chain_flags(chain, number, meeting, lexicon):
                if flag.rule == "no-action":
                    notes.append("\n" if notes else "")
                    notes.append(f"⚠ Root cause {number} “{chain.root_cause.text}”: ", style="yellow")
                    notes.append(flag.message, style="dim")
        widget = self.query_one("#action-notes", Static)
        widget.update(notes)
        widget.display = bool(notes)

    def on_session_change(self, change: Change) -> None:
        self.guidance.on_session_change(change)
        match change.entity:
            case Entity.ACTION if change.id is not None:
                self._show_notes()
                self._fit_columns()
                item = next((a for a in self.session.meeting.actions if a.id == change.id), None)
                if item is None:
                    self._remove(change.id)
                elif change.op is Op.ADDED and self.session.meeting.actions[-1] is not item:
                    self._table.clear()  # put back in its place by ctrl+z: the rows again, in order
                    self._cells.clear()
                    self._sync()
                    self._table.move_cursor(row=self._table.get_row_index(item.id))
                else:
                    self._upsert(item, follow=change.op is Op.ADDED)
                self._show_detail()
            case Entity.ACTION | Entity.CHAIN:
                self._show_notes()
                self._fit_columns()
                self._sync()
            case Entity.ATTENDEE:  # a root cause naming an attendee is flagged in the notes
                self._show_notes()
            case _:
                pass

    def on_phase_shown(self) -> None:
        super().on_phase_shown()
        self.guidance.view_shown()

    @on(GuidancePanel.Updated)
    def _hints_moved(self, message: GuidancePanel.Updated) -> None:
        """Put the hint marker on (or take it off) the rows whose hints changed."""
        for item in self.session.meeting.actions:
            if item.id in message.items:
                self._upsert(item)

    @on(GuidancePanel.Selected)
    def _hint_chosen(self, message: GuidancePanel.Selected) -> None:
        """Enter on a hint: the table's cursor goes to its item."""
        table = self._table
        if message.item in table.rows:
            table.move_cursor(row=table.get_row_index(message.item))
            table.focus()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    # --- typing new items ----------------------------------------------------

    @on(QuickEntry.Submitted)
    def _submitted(self, event: QuickEntry.Submitted) -> None:
        event.stop()
        self.attempt(event.entry, self.add_line, event.value)

    # --- working on the highlighted item ------------------------------------

    def _selected(self) -> ActionItem | None:
        """The item under the table cursor, if any."""
        table = self._table
        if not table.row_count:
            return None
        item_id = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return next((a for a in self.session.meeting.actions if a.id == item_id), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_table":
            return self._table.row_count > 0 and not self._table.has_focus
        if action in ("focus_entry", "edit", "link", "toggle_kind", "toggle_done", "delete"):
            return self._table.has_focus
        if action == "guidance":
            return bool(self.guidance.findings)
        return True

    def action_guidance(self) -> None:
        """Open the hints panel to read or dismiss blame and hindsight hints."""
        self.guidance.open()

    def action_focus_table(self) -> None:
        """Move from the entry line to the table of items."""
        self._table.focus()

    def action_focus_entry(self) -> None:
        """Back to typing new items."""
        self.query_one(QuickEntry).focus_input()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        """Edit the highlighted item in a form."""
        item = self._selected()
        if item is not None:
            self.app.push_screen(EditActionDialog(self.session, item.id))

    def action_link(self) -> None:
        """Link the highlighted item to one of the meeting's root causes."""
        item = self._selected()
        if item is None:
            return

        def chosen(chain_id: str | None) -> None:
            if chain_id is not None:
                self.attempt(None, self.session.update_action, item.id, root_cause_id=chain_id or None)

        self.app.push_screen(LinkRootCauseDialog(self.session.meeting.chains, item.root_cause_id), chosen)

    def action_toggle_kind(self, index: int) -> None:
        """Flag or unflag the highlighted item as one of the ACTION_KINDS."""
        item = self._selected()
        if item is not None:
            self.attempt(None, self.session.toggle_action_kind, item.id, ACTION_KINDS[index])

    def action_toggle_done(self) -> None:
        """Mark the highlighted item done, or open again."""
        item = self._selected()
        if item is not None:
            self.attempt(None, self.session.set_action_status, item.id, "open" if item.status == "done" else "done")

    def action_delete(self) -> None:
        """Delete the highlighted item (ctrl+z brings it back)."""
        item = self._selected()
        if item is not None:
            self.delete(self.session.delete_action, item.id)
