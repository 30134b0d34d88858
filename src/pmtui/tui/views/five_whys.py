"""Five Whys: chains from a problem to a root cause, and contributing factors."""

from __future__ import annotations

from typing import assert_never

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.events import Resize
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...agenda import Phase
from ...analysis.blameless import default_lexicon
from ...analysis.depth import chain_flags
from ...changes import Change, Entity, Op
from ...entry_grammar import FactorEntry, ProblemEntry, WhyEntry
from ...model import (
    FISHBONE_CATEGORIES,
    OBSERVATION_LABELS,
    ROOT_CAUSE_CATEGORIES,
    ContributingFactor,
    Meeting,
    WhyChain,
)
from ...session import MeetingSession
from ...speakers import shown_author
from ..screens.why_dialogs import PickDialog
from ..widgets.guidance import MARKER, GuidancePanel, depth_content
from ..widgets.quick_entry import QuickEntry
from .base import PhaseView

NARROW_WIDTH = 100
"""Below this many columns the chain list, the chain and the factors are stacked."""

MODES = {
    "why": ("F1 Next why", "^z undo · ^r root cause · alt+↑/↓ other chain"),
    "chain": ("F2 New chain", "Enter starts it · ^f from a “went poorly” item"),
    "factor": ("F3 Contributing factor", "text | " + " / ".join(FISHBONE_CATEGORIES)),
}
"""Entry modes: the title over the entry line and the hint under it."""


class ChainList(OptionList):
    """The meeting's Five Whys chains; option ids are chain ids."""


class FactorList(OptionList):
    """Contributing factors grouped under their fishbone category."""


class ProposalList(OptionList):
    """Note-takers' proposed answers for the selected chain, oldest first; option ids are proposal ids.

    Enter or ``a`` places the highlighted one as the chain's next why, ``s`` puts it aside.
    """

    BINDINGS = [
        Binding("a", "accept", "Place as next why", id="why_accept_proposal"),
        Binding("s", "set_aside", "Put aside", id="why_set_aside_proposal"),
    ]

    def action_accept(self) -> None:
        self.action_select()

    def action_set_aside(self) -> None:
        option = self.highlighted_option
        view = next((a for a in self.ancestors if isinstance(a, FiveWhysView)), None)
        if option is not None and view is not None:
            view.set_aside(option.id)


def proposal_prompt(text: str, author: str) -> Text:
    """A proposed answer in the list under the chain: its text and who proposed it."""
    prompt = Text(text)
    if author:
        prompt.append(f" — {author}", style="dim")
    return prompt


def chain_prompt(number: int, chain: WhyChain) -> Text:
    """A chain in the chain list: its number, problem, and how far it got."""
    prompt = Text(f"{number}. ", style="bold")
    prompt.append(chain.problem)
    answers = len(chain.whys)
    status = f"\n{answers} why{'s' if answers != 1 else ''}"
    if chain.proposals:
        status += f" · {len(chain.proposals)} proposed"
    if chain.root_cause:
        status += f" · ✓ {chain.root_cause.category}"
    prompt.append(status, style="dim")
    return prompt


def chain_steps(
    chain: WhyChain, *, asking: bool, flagged: frozenset[tuple[str, str]] = frozenset(), flag_style: str = "bold"
) -> RenderableType:
    """The numbered progression of a chain; ``asking`` adds the pending next why.

    Texts listed in ``flagged`` as ``(item id, field)`` get the hint marker in ``flag_style``.
    """

    def text(item: str, field: str, value: str, style: str = "") -> Text:
        shown = Text()
        if (item, field) in flagged:
            shown.append(f"{MARKER} ", style=flag_style)
        return shown.append(value, style=style)

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(ratio=1)
    grid.add_row(Text("Problem", style="bold"), text(chain.id, "problem", chain.problem, "bold"))
    for number, why in enumerate(chain.whys, 1):
        row = text(why.id, "text", why.text)
        if author := shown_author(why):
            row.append(f"  — {author}", style="italic dim")
        grid.add_row(Text(f"{number}. Why?", style="dim"), row)
    if chain.root_cause:
        cause = text(chain.id, "root_cause", chain.root_cause.text, "bold")
        cause.append(f"  [{chain.root_cause.category}]", style="italic")
        grid.add_row(Text("Root cause", style="bold reverse"), cause)
    elif asking:
        grid.add_row(Text(f"{len(chain.whys) + 1}. Why?", style="bold"), Text("… type the answer below", style="dim"))
        if len(chain.whys) >= 5:
            nudge = "Can the team change the last answer? ^r marks it as the root cause."
            grid.add_row("", Text(nudge, style="italic"))
    return grid


def factor_prompt(factor: ContributingFactor, flag_style: str | None = None) -> Table:
    """A factor under its category heading: indented, with a bullet (the hint marker in ``flag_style``), who said it."""
    text = Text(factor.text)
    if author := shown_author(factor):
        text.append(f"  — {author}", style="italic dim")
    grid = Table.grid()
    grid.add_column(width=4)
    grid.add_column(ratio=1)
    grid.add_row(Text(f"  {MARKER}", style=flag_style) if flag_style else "  •", text)
    return grid


def _chain_item_ids(meeting: Meeting) -> list[str]:
    """The chains, their answers and the contributing factors: the texts this view shows."""
    ids = [chain.id for chain in meeting.chains]
    ids += [why.id for chain in meeting.chains for why in chain.whys]
    return ids + [factor.id for factor in meeting.factors]


class FiveWhysView(PhaseView):
    """Chain list, the selected chain as numbered whys, factors; one entry line in three modes."""

    SHOWS = (WhyEntry, ProblemEntry, FactorEntry)

    BINDINGS = [
        Binding("f1,alt+1", "mode('why')", "Next why", id="why_mode_why", key_display="F1", priority=True),
        Binding("f2,alt+2", "mode('chain')", "New chain", id="why_mode_chain", key_display="F2", priority=True),
        Binding("f3,alt+3", "mode('factor')", "Factor", id="why_mode_factor", key_display="F3", priority=True),
        Binding("f4,alt+4", "proposals", "Proposed", id="why_proposals", key_display="F4", priority=True),
        Binding("ctrl+r", "root_cause", "Root cause", id="why_root_cause"),
        Binding("ctrl+f", "from_observation", "From “poorly”", id="why_from_observation", show=False),
        Binding("alt+up", "select_chain(-1)", "Previous chain", id="why_previous_chain", show=False),
        Binding("alt+down", "select_chain(1)", "Next chain", id="why_next_chain", show=False),
        Binding("delete,x", "delete_item", "Delete", id="why_delete"),
        Binding("escape", "back", "Back", id="why_back", show=False),
        Binding("f8", "guidance", "Hints", id="why_guidance"),
    ]

    mode: str = "why"
    """What Enter on the entry line does: 'why', 'chain' or 'factor'."""

    chain_id: str | None = None
    """The selected chain."""

    def __init__(self, session: MeetingSession, phase: Phase, *, id: str | None = None) -> None:
        super().__init__(session, phase, id=id)
        self.guidance = GuidancePanel(session, _chain_item_ids, id="why-guidance")

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="why-main"):
            yield ChainList(id="why-chains")
            with VerticalScroll(id="why-steps-box"):
                yield Static(id="why-steps")
                yield Static(id="why-depth")
                yield ProposalList(id="why-proposals")
            yield FactorList(id="why-factors")
        yield self.guidance
        yield QuickEntry("", "", id="why-entry", prefixes=True)

    def on_mount(self) -> None:
        chains = self.session.meeting.chains
        self._chains.add_options(Option(chain_prompt(n, c), id=c.id) for n, c in enumerate(chains, 1))
        self._select(chains[0].id if chains else None)
        self._show_factors()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    # --- widgets -------------------------------------------------------------

    @property
    def entry(self) -> QuickEntry:
        """The entry line at the bottom."""
        return self.query_one("#why-entry", QuickEntry)

    @property
    def _chains(self) -> ChainList:
        return self.query_one("#why-chains", ChainList)

    @property
    def _factors(self) -> FactorList:
        return self.query_one("#why-factors", FactorList)

    @property
    def chain(self) -> WhyChain | None:
        """The selected chain, if any."""
        return next((c for c in self.session.meeting.chains if c.id == self.chain_id), None)

    @property
    def effective_mode(self) -> str:
        """The entry mode in force: a new chain when there is none to add whys to."""
        return "chain" if self.mode == "why" and self.chain is None else self.mode

    # --- rendering -----------------------------------------------------------

    def _select(self, chain_id: str | None) -> None:
        self.chain_id = chain_id
        if chain_id is not None:
            self._chains.highlighted = self._chains.get_option_index(chain_id)
        self._show_chain()

    def _show_chain(self) -> None:
        """The selected chain's steps, the list's title and the entry line's mode."""
        chains = self.session.meeting.chains
        chain = self.chain
        mode = self.effective_mode
        self._chains.border_title = f"Chains ({len(chains)})"
        box = self.query_one("#why-steps-box", VerticalScroll)
        steps = self.query_one("#why-steps", Static)
        if chain is None:
            box.border_title = "No chain yet"
            steps.update(Text(
                "Type the problem statement below (the observable impact, one sentence) and press Enter, "
                "or press ^f to start from a “went poorly” observation.",
                style="italic",
            ))
        else:
            box.border_title = f"Chain {chains.index(chain) + 1} of {len(chains)}"
            style = f"bold {self.app.theme_variables['warning']}"
            steps.update(chain_steps(chain, asking=mode == "why", flagged=self.guidance.flagged, flag_style=style))
            box.scroll_end(animate=False)
        self._show_depth()
        self._show_proposals()
        title, hint = MODES[mode]
        self.set_class(mode == "factor", "-factor-mode")
        entry = self.entry
        entry.input.border_title = title
        entry.set_hint(hint)
        if mode == "why":
            entry.input.placeholder = f"Why #{len(chain.whys) + 1}? Type the answer, Enter adds it"
        elif mode == "chain":
            entry.input.placeholder = "Problem: what users saw, in one sentence"
        else:
            entry.input.placeholder = "Contributing factor | category"

    def _show_depth(self) -> None:
        """The depth flags of the selected chain, under its steps."""
        chain = self.chain
        meeting = self.session.meeting
        flags = chain_flags(chain, meeting.chains.index(chain) + 1, meeting, default_lexicon()[0]) if chain else []
        depth = self.query_one("#why-depth", Static)
        depth.update(depth_content(flags))
        depth.display = bool(flags)

    @property
    def proposals(self) -> ProposalList:
        """Note-takers' answers for the selected chain, waiting to be placed."""
        return self.query_one("#why-proposals", ProposalList)

    def _show_proposals(self) -> None:
        """The selected chain's proposed answers under it (hidden when there are none)."""
        chain, proposals = self.chain, self.proposals
        waiting = chain.proposals if chain is not None else []
        kept = proposals.highlighted_option.id if proposals.highlighted_option else None
        proposals.set_options(Option(proposal_prompt(w.text, w.author), id=w.id) for w in waiting)
        proposals.border_title = f"Proposed by note-takers ({len(waiting)}) · F4"
        proposals.border_subtitle = "Enter places as next why · s puts aside"
        ids = [w.id for w in waiting]
        if ids:
            proposals.highlighted = ids.index(kept) if kept in ids else 0
        proposals.display = bool(waiting)
        if not waiting and self.screen.focused is proposals:
            self.entry.focus_input()

    def _show_factors(self) -> None:
        """List factors under their category headings (the list stays short)."""
        factors = self._factors
        kept = factors.highlighted_option.id if factors.highlighted_option else None
        options: list[Option] = []
        for category in FISHBONE_CATEGORIES:
            group = [f for f in self.session.meeting.factors if f.category == category]
            if group:
                heading = Text(category.capitalize(), style="bold")
                options.append(Option(heading, id=f"category:{category}", disabled=True))
                options.extend(Option(factor_prompt(f, self._flag_style(f.id)), id=f.id) for f in group)
        factors.set_options(options)
        factors.border_title = f"Contributing factors ({len(self.session.meeting.factors)})"
        factors.border_subtitle = "" if options else "F3 adds one"
        ids = [o.id for o in options]
        if kept in ids:
            factors.highlighted = ids.index(kept)

    def _flag_style(self, item: str) -> str | None:
        return f"bold {self.app.theme_variables['warning']}" if self.guidance.is_flagged(item) else None

    def on_session_change(self, change: Change) -> None:
        self.guidance.on_session_change(change)
        match change.entity:
            case Entity.FACTOR:
                self._show_factors()
            case Entity.ACTION | Entity.ATTENDEE:
                self._show_depth()
            case Entity.CHAIN:
                self._chain_changed(change)
            case _:
                pass

    def _chain_changed(self, change: Change) -> None:
        chains = self.session.meeting.chains
        chain = next((c for c in chains if c.id == change.id), None)
        match change.op:
            case Op.ADDED if chain is not None:
                if chains[-1] is chain:
                    self._chains.add_option(Option(chain_prompt(len(chains), chain), id=chain.id))
                else:  # put back in its place by ctrl+z
                    self._chains.set_options(Option(chain_prompt(n, c), id=c.id) for n, c in enumerate(chains, 1))
                if change.id == self.chain_id or self.chain is None:
                    self._select(chain.id)
            case Op.CHANGED if chain is not None:
                self._chains.replace_option_prompt(chain.id, chain_prompt(chains.index(chain) + 1, chain))
            case Op.DELETED:
                self._chains.remove_option(change.id)
                for number, other in enumerate(chains, 1):
                    self._chains.replace_option_prompt(other.id, chain_prompt(number, other))
                option = self._chains.highlighted_option
                self._select(self.chain_id if self.chain else option.id if option else None)
            case Op.ADDED | Op.CHANGED | Op.IMPORTED:
                pass  # gone again already, or never imported in bulk
            case _:
                assert_never(change.op)
        self._show_chain()

    def on_phase_shown(self) -> None:
        self.entry.focus_input()
        self.guidance.view_shown()

    @on(GuidancePanel.Updated)
    def _hints_moved(self, message: GuidancePanel.Updated) -> None:
        """Redraw the selected chain and the factors when the hint markers on them change."""
        meeting = self.session.meeting
        if any(factor.id in message.items for factor in meeting.factors):
            self._show_factors()
        chain = self.chain
        if chain is not None and message.items & {chain.id, *(why.id for why in chain.whys)}:
            self._show_chain()

    @on(GuidancePanel.Selected)
    def _hint_chosen(self, message: GuidancePanel.Selected) -> None:
        """Enter on a hint: select its chain, or highlight its factor."""
        meeting = self.session.meeting
        chain = next((c for c in meeting.chains if message.item in {c.id, *(w.id for w in c.whys)}), None)
        if chain is not None:
            self._select(chain.id)
            self.entry.focus_input()
        elif any(factor.id == message.item for factor in meeting.factors):
            self._factors.focus()
            self._factors.highlighted = self._factors.get_option_index(message.item)

    # --- entering ------------------------------------------------------------

    @on(QuickEntry.Submitted, "#why-entry")
    def _submitted(self, message: QuickEntry.Submitted) -> None:
        plain = {"chain": "problem", "why": "why", "factor": "factor"}[self.effective_mode]
        added = self.attempt(message.entry, self.add_line, message.value, plain=plain, chain_id=self.chain_id)
        if isinstance(added, WhyChain):
            self._chain_started(added)

    def _start_chain(self, entry: QuickEntry | None, problem: str) -> None:
        chain = self.attempt(entry, self.session.start_chain, problem, author=self.session.meeting.facilitator)
        if chain is not None:
            self._chain_started(chain)

    def _chain_started(self, chain: WhyChain) -> None:
        """A new chain: select it, and the line asks for its first why."""
        self.mode = "why"
        self._select(chain.id)

    @on(OptionList.OptionHighlighted, "#why-chains")
    def _chain_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id != self.chain_id:
            self.chain_id = event.option.id
            self._show_chain()

    @on(OptionList.OptionSelected, "#why-chains")
    def _chain_chosen(self, event: OptionList.OptionSelected) -> None:
        self.action_mode("why")

    # --- actions -------------------------------------------------------------

    @on(OptionList.OptionSelected, "#why-proposals")
    def _proposal_chosen(self, event: OptionList.OptionSelected) -> None:
        """Enter on a proposed answer: it becomes the chain's next why, with its author."""
        event.stop()
        chain = self.chain
        if chain is not None:
            self.attempt(None, self.session.accept_proposal, chain.id, event.option.id)

    def set_aside(self, proposal_id: str) -> None:
        """Put a proposed answer aside: kept in the meeting, not part of the chain."""
        chain = self.chain
        if chain is not None:
            self.attempt(None, self.session.set_aside_proposal, chain.id, proposal_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "proposals":
            return self.chain is not None and bool(self.chain.proposals)
        if action == "delete_item":
            return isinstance(self.screen.focused, (ChainList, FactorList))
        if action == "guidance":
            return bool(self.guidance.findings)
        return True

    def action_guidance(self) -> None:
        """Open the hints panel to read or dismiss blame and hindsight hints."""
        self.guidance.open()

    def action_mode(self, mode: str) -> None:
        """Switch what the entry line adds: the next why, a new chain, or a factor."""
        self.mode = mode
        self._show_chain()
        self.entry.focus_input()

    def action_proposals(self) -> None:
        """Go to the answers note-takers proposed for the selected chain, to place them or put them aside."""
        self.proposals.focus()

    def action_back(self) -> None:
        """Escape: from a list back to typing, or from another mode back to whys."""
        if self.screen.focused is self.entry.input:
            self.mode = "why"
            self._show_chain()
        else:
            self.entry.focus_input()

    def action_select_chain(self, step: int) -> None:
        """Select the chain above (-1) or below (+1) the current one."""
        chains = self.session.meeting.chains
        if not chains:
            return
        index = chains.index(self.chain) + step if self.chain else 0
        self._select(chains[max(0, min(index, len(chains) - 1))].id)

    def action_root_cause(self) -> None:
        """Mark the last answer as the root cause, picking its category."""
        chain = self.chain
        if chain is None or not chain.whys:
            self.notify("Answer at least one “why?” first; the last answer becomes the root cause.",
                        severity="warning")
            return

        def chosen(category: str | None) -> None:
            if category is not None:
                self.attempt(None, self.session.set_root_cause, chain.id, category)

        self.app.push_screen(
            PickDialog(
                "Root cause category",
                [(c, c) for c in ROOT_CAUSE_CATEGORIES],
                subtitle=f"Root cause: {chain.whys[-1].text}",
                current=chain.root_cause.category if chain.root_cause else None,
            ),
            chosen,
        )

    def action_from_observation(self) -> None:
        """Start a chain from one of the “went poorly” observations."""
        poorly = [o for o in self.session.meeting.observations if o.kind == "went_poorly"]
        label = OBSERVATION_LABELS["went_poorly"]
        if not poorly:
            self.notify(f"No “{label}” observations yet.", severity="warning")
            return

        def chosen(observation_id: str | None) -> None:
            observation = next((o for o in poorly if o.id == observation_id), None)
            if observation is not None:
                self._start_chain(None, observation.text)
                self.entry.focus_input()

        self.app.push_screen(
            PickDialog(f"Start a chain from “{label}”", [(o.id, o.text) for o in poorly]),
            chosen,
        )

    def action_delete_item(self) -> None:
        """Delete the highlighted chain (whys and all) or factor of the focused list; ctrl+z brings it back."""
        focused = self.screen.focused
        if isinstance(focused, FactorList):
            option = focused.highlighted_option
            if option is not None and not option.disabled:
                self.delete(self.session.delete_factor, option.id)
            return
        chain = self.chain
        if chain is not None:
            self.delete(self.session.delete_chain, chain.id)
