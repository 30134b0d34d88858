"""What went well, what went poorly, where we got lucky: three lists, one entry line."""

from __future__ import annotations

from typing import assert_never

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import DescendantFocus, Resize
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from ...agenda import Phase
from ...changes import Change, Entity, Op
from ...entry_grammar import ObservationEntry, read_observation_edit
from ...model import OBSERVATION_KINDS, OBSERVATION_LABELS, Meeting, Observation
from ...session import MeetingSession
from ...speakers import shown_author
from ..screens.why_dialogs import TextDialog
from ..widgets.guidance import MARKER, GuidancePanel
from ..widgets.quick_entry import QuickEntry
from .base import PhaseView

NARROW_WIDTH = 72
"""Below this many columns the three lists are stacked instead of side by side."""

TARGET_KEYS = {"went_well": "F1", "went_poorly": "F2", "lucky": "F3"}
ENTRY_HINT = "text | who said it (optional) · ↑ edit or delete"
MOVE_HINT = "start with + - ! to move it"


class ObservationList(OptionList):
    """The observations of one kind; option ids are observation ids."""

    def __init__(self, kind: str) -> None:
        super().__init__(id=f"obs-{kind}")
        self.kind = kind


def observation_prompt(observation: Observation, flag_style: str | None = None) -> Table:
    """How one observation reads in its list: a bullet, the text, who said it.

    With ``flag_style`` the bullet is the hint marker in that style.
    """
    text = Text(observation.text)
    author = shown_author(observation)
    if author:
        text.append(f"  — {author}", style="italic dim")
    grid = Table.grid()
    grid.add_column(width=2)
    grid.add_column(ratio=1)
    grid.add_row(Text(MARKER, style=flag_style) if flag_style else "•", text)
    return grid


def _observation_ids(meeting: Meeting) -> list[str]:
    return [observation.id for observation in meeting.observations]


class ObservationsView(PhaseView):
    """Three lists side by side (stacked when narrow); the entry adds to the target one."""

    SHOWS = (ObservationEntry,)

    BINDINGS = [
        Binding("f1,alt+1", "target('went_well')", "Went well", id="obs_target_went_well",
                key_display="F1", priority=True),
        Binding("f2,alt+2", "target('went_poorly')", "Poorly", id="obs_target_went_poorly",
                key_display="F2", priority=True),
        Binding("f3,alt+3", "target('lucky')", "Lucky", id="obs_target_lucky",
                key_display="F3", priority=True),
        Binding("up", "focus_items", "Items", id="obs_focus_items", show=False),
        Binding("delete,x", "delete_item", "Delete", id="obs_delete"),
        Binding("e", "reword_item", "Reword", id="obs_reword"),
        Binding("m", "move_item", "Move", id="obs_move"),
        Binding("escape", "focus_entry", "Type", id="obs_focus_entry"),
        Binding("f8", "guidance", "Hints", id="obs_guidance"),
    ]

    target_kind: str = "went_well"
    """The kind of observation the entry line adds."""

    _following: str | None = None
    """An observation the facilitator moved to another kind: its new list takes the keyboard when it moves."""

    def __init__(self, session: MeetingSession, phase: Phase, *, id: str | None = None) -> None:
        super().__init__(session, phase, id=id)
        self.guidance = GuidancePanel(session, _observation_ids, id="obs-guidance")

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="obs-columns"):
            for kind in OBSERVATION_KINDS:
                yield ObservationList(kind)
        yield self.guidance
        yield QuickEntry("", ENTRY_HINT, id="obs-entry", prefixes=True)

    def on_mount(self) -> None:
        by_kind = {kind: [] for kind in OBSERVATION_KINDS}
        for observation in self.session.meeting.observations:
            by_kind[observation.kind].append(Option(self._prompt(observation), id=observation.id))
        for kind, options in by_kind.items():
            self._list(kind).add_options(options)
        self._show_target()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    # --- rendering -----------------------------------------------------------

    def _prompt(self, observation: Observation) -> Table:
        flagged = self.guidance.is_flagged(observation.id)
        return observation_prompt(observation, f"bold {self.app.theme_variables['warning']}" if flagged else None)

    def _list(self, kind: str) -> ObservationList:
        return self.query_one(f"#obs-{kind}", ObservationList)

    @property
    def entry(self) -> QuickEntry:
        """The entry line at the bottom."""
        return self.query_one("#obs-entry", QuickEntry)

    def _show_target(self) -> None:
        """Titles with counts; the target list is highlighted and named on the entry line."""
        for kind in OBSERVATION_KINDS:
            options = self._list(kind)
            is_target = kind == self.target_kind
            options.set_class(is_target, "-target")
            options.border_title = f"{OBSERVATION_LABELS[kind]} ({options.option_count})"
            options.border_subtitle = "▲ adding here" if is_target else TARGET_KEYS[kind]
        label = OBSERVATION_LABELS[self.target_kind]
        self.entry.input.placeholder = f"Add to “{label}” — Enter adds it"
        self.entry.input.border_title = f"{TARGET_KEYS[self.target_kind]} {label}"

    def on_session_change(self, change: Change) -> None:
        self.guidance.on_session_change(change)
        if change.entity is not Entity.OBSERVATION:
            return
        observation = next((o for o in self.session.meeting.observations if o.id == change.id), None)
        match change.op:
            case Op.ADDED if observation is not None:
                options = self._list(observation.kind)
                if self.session.meeting.observations[-1] is observation:
                    options.add_option(Option(self._prompt(observation), id=observation.id))
                else:  # put back in its place by ctrl+z
                    kind = [o for o in self.session.meeting.observations if o.kind == observation.kind]
                    options.set_options(Option(self._prompt(o), id=o.id) for o in kind)
                options.highlighted = options.get_option_index(observation.id)
            case Op.CHANGED if observation is not None:
                options = self._list(observation.kind)
                try:
                    options.replace_option_prompt(observation.id, self._prompt(observation))
                except OptionDoesNotExist:  # moved to another kind (m, the edit dialog, a note-taker's "! text")
                    self._take_out(observation.id)
                    options.add_option(Option(self._prompt(observation), id=observation.id))
                    if self._following == observation.id:
                        self._following = None
                        options.focus()
                        options.highlighted = options.option_count - 1
            case Op.DELETED:
                self._take_out(change.id)
            case Op.ADDED | Op.CHANGED | Op.IMPORTED:
                pass  # gone again already, or never imported in bulk
            case _:
                assert_never(change.op)
        self._show_target()

    def _take_out(self, observation_id: str) -> None:
        """Remove the observation's option from whichever list shows it."""
        for kind in OBSERVATION_KINDS:
            try:
                self._list(kind).remove_option(observation_id)
            except OptionDoesNotExist:
                continue

    def on_phase_shown(self) -> None:
        self.entry.focus_input()
        self.guidance.view_shown()

    @on(GuidancePanel.Updated)
    def _hints_moved(self, message: GuidancePanel.Updated) -> None:
        """Put the hint marker on (or take it off) the observations whose hints changed."""
        for observation in self.session.meeting.observations:
            if observation.id in message.items:
                self._list(observation.kind).replace_option_prompt(observation.id, self._prompt(observation))

    @on(GuidancePanel.Selected)
    def _hint_chosen(self, message: GuidancePanel.Selected) -> None:
        """Enter on a hint: its list gets the keyboard, with the observation highlighted."""
        observation = next((o for o in self.session.meeting.observations if o.id == message.item), None)
        if observation is not None:
            options = self._list(observation.kind)
            options.focus()
            options.highlighted = options.get_option_index(observation.id)

    # --- entering ------------------------------------------------------------

    @on(QuickEntry.Submitted, "#obs-entry")
    def _submitted(self, message: QuickEntry.Submitted) -> None:
        self.attempt(message.entry, self.add_line, message.value, plain=self.target_kind)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        widget = event.widget
        if isinstance(widget, ObservationList):
            if widget.highlighted is None and widget.option_count:
                widget.highlighted = 0
            if widget.kind != self.target_kind:
                self.target_kind = widget.kind
                self._show_target()

    # --- actions -------------------------------------------------------------

    def _focused_list(self) -> ObservationList | None:
        focused = self.screen.focused
        return focused if isinstance(focused, ObservationList) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("delete_item", "reword_item", "move_item", "focus_entry"):
            return self._focused_list() is not None
        if action == "focus_items":
            return self._focused_list() is None
        if action == "guidance":
            return bool(self.guidance.findings)
        return True

    def action_target(self, kind: str) -> None:
        """Make ``kind`` the list the entry line adds to (focus follows if on a list)."""
        self.target_kind = kind
        self._show_target()
        if self._focused_list() is not None:
            self._list(kind).focus()

    def action_focus_items(self) -> None:
        """Move from the entry line into the target list."""
        self._list(self.target_kind).focus()

    def action_focus_entry(self) -> None:
        """Back to typing."""
        self.entry.focus_input()

    def action_guidance(self) -> None:
        """Open the hints panel to read or dismiss blame and hindsight hints."""
        self.guidance.open()

    def _selected(self) -> Observation | None:
        options = self._focused_list()
        option = options.highlighted_option if options is not None else None
        if option is None:
            return None
        return next((o for o in self.session.meeting.observations if o.id == option.id), None)

    def action_delete_item(self) -> None:
        """Delete the highlighted observation of the focused list."""
        observation = self._selected()
        if observation is not None:
            self.delete(self.session.delete_observation, observation.id)

    def action_move_item(self) -> None:
        """Move the highlighted observation to the next kind (went well → went poorly → lucky → went well)."""
        observation = self._selected()
        if observation is None:
            return
        kind = OBSERVATION_KINDS[(OBSERVATION_KINDS.index(observation.kind) + 1) % len(OBSERVATION_KINDS)]
        self._following = observation.id
        self.attempt(None, self.session.update_observation, observation.id, observation.text, kind=kind)

    def action_reword_item(self) -> None:
        """Reword the highlighted observation in a small dialog; a + - ! prefix there moves it to that kind."""
        observation = self._selected()
        if observation is None:
            return

        def save(line: str) -> object:
            edit = read_observation_edit(observation.kind, line)
            self._following = observation.id if edit.kind != observation.kind else None
            return self.session.update_observation(observation.id, edit.text, kind=edit.kind)

        self.app.push_screen(TextDialog(f"Reword: {OBSERVATION_LABELS[observation.kind]}", observation.text, save,
                                        hint=f"Enter saves · {MOVE_HINT} · Esc cancels"))
