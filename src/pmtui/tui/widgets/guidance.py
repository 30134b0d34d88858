"""Guidance beside the text: blameless-language hints, depth flags, action grades, the checklist.

These widgets only show what :mod:`pmtui.analysis` finds and pass a dismissal
to the session; they never change what people typed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, assert_never

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.events import Click, DescendantBlur, DescendantFocus
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...changes import Change, Entity
from ...model import Meeting
from ...session import MeetingSession
from .text_line import TextLine

if TYPE_CHECKING:  # pmtui.analysis is imported when hints are first checked, after the first frame
    from ...analysis.action_scores import ActionScore
    from ...analysis.blameless import Lexicon
    from ...analysis.checklist import CheckItem
    from ...analysis.depth import DepthFlag
    from ...analysis.findings import Finding, MeetingText
    from ...analysis.guidance import Review

MARKER = "⚑"
"""Shown beside a text that has an undismissed hint."""

CHECK_DELAY = 0.3
"""Seconds a change waits before the hints are checked again (changes in between join it)."""

SCAN_SLICE = 0.005
"""Seconds of scanning new texts per event-loop pass: a burst of thousands of new entries is checked
over several passes, each text once, and never holds the loop much longer than a frame."""
SCAN_PAUSE = 0.005
"""Seconds the loop gets between two slices of one check."""

LIST_LIMIT = 50
"""At most this many hints are listed at a time (the count covers all); dismissing one brings the next in."""


GRADE_STYLES = {"A": "green", "B": "", "C": "yellow", "D": "bold red"}
"""Rich styles of the action item grades, from ready (A) to needs rewriting (D)."""

Scope = Callable[[Meeting], Iterable[str]]
"""The ids of the items a view shows (events, observations…), whose texts its panel checks."""


def text_findings(text: str, **kwargs) -> list[Finding]:
    """The hints of one text: :func:`pmtui.analysis.findings.text_findings`, imported on first use.

    The import waits until hints are first checked, after the first frame.
    """
    from ...analysis.findings import text_findings as scan

    return scan(text, **kwargs)


def item_field(finding: Finding) -> tuple[str, str]:
    """The item id and field a meeting finding is about, read from its key ``item:field:rule:phrase``."""
    item, field, _ = finding.key.split(":", 2)
    return item, field


def finding_prompt(finding: Finding) -> Content:
    """One hint in a list: where and the phrase, why it matters, a systemic rewording prompt."""
    return Content.assemble(
        (f"{MARKER} {finding.where}: ", "$warning bold"),
        (f"“{finding.excerpt}”", "bold"),
        "\n",
        (finding.message, "$text-muted"),
        "\n",
        (f"→ {finding.suggestion}", "italic"),
    )


def depth_content(flags: Iterable[DepthFlag]) -> Content:
    """Depth flags of a Five Whys chain, one line each."""
    return Content("\n").join(Content.assemble(("⚠ ", "$warning bold"), (f.message, "$warning")) for f in flags)


def grade_text(score: ActionScore) -> Text:
    """An action item's grade letter, coloured from ready (A) to needs rewriting (D)."""
    return Text(score.grade, style=f"bold {GRADE_STYLES[score.grade]}")


def score_text(score: ActionScore) -> Text:
    """An action item's grade and score, then what lowers it, one line each."""
    text = Text.assemble(("Quality ", "bold"), grade_text(score), f" ({score.score}/100)")
    if not score.issues:
        text.append(" · specific, owned and checkable", style="dim")
    for issue in score.issues:
        text.append("\n✗ ", style="yellow")
        text.append(issue.message)
    return text


def checklist_content(review: Review) -> Content:
    """The quality checklist with ✓/✗ and reasons, then the severity policy notes and any problems."""
    parts = [Content.styled(f"Quality checklist · {review.passed} of {len(review.checklist)} pass", "bold")]
    parts += [_check_line(item) for item in review.checklist]
    if review.policy:
        parts.append(Content.styled("Severity policy", "bold"))
        parts += [Content(f"• {note}") for note in review.policy]
    parts += [Content.styled(f"⚠ {problem}", "$error") for problem in review.problems]
    return Content("\n").join(parts)


def _check_line(item: CheckItem) -> Content:
    mark = ("✓ ", "$success bold") if item.passed else ("✗ ", "$error bold")
    return Content.assemble(mark, (item.name, "bold"), (f" — {item.reason}", "$text-muted"))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class QualityReport(Static):
    """The quality checklist and the severity policy notes of a :class:`~pmtui.analysis.guidance.Review`."""

    DEFAULT_CSS = "QualityReport { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Content.styled("Checking the post-mortem…", "$text-muted italic"), id=id)

    def show(self, review: Review) -> None:
        """Show ``review``'s checklist and policy notes."""
        self.update(checklist_content(review))


class FindingList(OptionList):
    """The hints of a :class:`GuidancePanel`; option ids are finding keys.

    It takes the focus only when the panel is opened (f8 or a click), so the
    Tab order of the view around it stays as it was.
    """

    def allow_focus(self) -> bool:
        return self.parent is not None and self.parent.has_class("-open")


class GuidancePanel(Vertical):
    """A compact panel of blameless-language hints with a one-line count, dismissed with a key.

    With a ``scope`` the panel checks the texts of those items itself, a short
    while after each change (only while its view is on screen; call
    :meth:`view_shown` when it appears). Without one, the owner hands it
    hints with :meth:`show`. Views forward every session change to
    :meth:`on_session_change` and mark items listed in :attr:`flagged`.
    """

    DEFAULT_CSS = """
    GuidancePanel { height: auto; display: none; }
    GuidancePanel.-shown { display: block; }
    GuidancePanel > .guidance-summary {
        width: 100%;
        padding: 0 1;
        color: $warning;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    GuidancePanel.-clear > .guidance-summary { color: $text-muted; }
    GuidancePanel.-open > .guidance-summary { text-style: bold; background: $boost; }
    GuidancePanel > FindingList, GuidancePanel > FindingList:focus {
        height: auto;
        max-height: 6;
        border: none;
        padding: 0;
        background: transparent;
    }
    GuidancePanel > FindingList > .option-list--option { padding: 0 1; }
    GuidancePanel.-open > FindingList { max-height: 12; }
    """

    BINDINGS = [
        Binding("d,delete", "dismiss", "Dismiss hint", id="guidance.dismiss"),
        Binding("r", "restore", "Restore dismissed", id="guidance.restore"),
        Binding("escape", "close", "Back", id="guidance.back"),
    ]

    @dataclass
    class Updated(Message):
        """The hints changed; ``items`` are the ids whose markers may have to change."""

        panel: GuidancePanel
        items: frozenset[str]

    @dataclass
    class Selected(Message):
        """Enter on a hint: the view may show ``item`` (an event, an observation…)."""

        panel: GuidancePanel
        item: str

    def __init__(
        self,
        session: MeetingSession,
        scope: Scope | None = None,
        *,
        noun: str = "blame/hindsight hint",
        always: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.session = session
        self.noun = noun
        self.always = always
        self._scope = scope
        self._all: tuple[Finding, ...] = ()
        self._earlier_dismissed = 0
        self._visible: tuple[Finding, ...] = ()
        self._listed: tuple[tuple[Finding, ...], int] = ((), 0)
        self._flagged: frozenset[tuple[str, str]] = frozenset()
        self._flagged_items: frozenset[str] = frozenset()
        self._cache: dict[tuple[str, str], tuple[str, list[Finding]]] = {}
        self._pass: _Pass | None = None
        self._lexicon: Lexicon | None = None
        self._stale = scope is not None
        self._timer: Timer | None = None
        self._return_to: Widget | None = None

    def compose(self) -> ComposeResult:
        yield TextLine("", classes="guidance-summary")
        yield FindingList()

    def on_mount(self) -> None:
        self._redraw()

    # --- what the view reads -------------------------------------------------

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The hints shown (dismissed ones left out)."""
        return self._visible

    @property
    def dismissed(self) -> int:
        """How many hints were dismissed."""
        return self._earlier_dismissed + len(self._all) - len(self._visible)

    @property
    def flagged(self) -> frozenset[tuple[str, str]]:
        """``(item id, field)`` of every text with a hint shown."""
        return self._flagged

    def is_flagged(self, item: str, field: str | None = None) -> bool:
        """Whether ``item`` (or its ``field``) has a hint shown."""
        return (item, field) in self._flagged if field is not None else item in self._flagged_items

    # --- keeping up with the meeting -----------------------------------------

    def on_session_change(self, change: Change) -> None:
        """Dismissals show at once; other changes are checked after :data:`CHECK_DELAY`."""
        match change.entity:
            case Entity.FINDING:
                self._refilter()
                return
            case Entity.CLOCK | Entity.PHASE | Entity.REVIEW | Entity.MEETING | Entity.ATTENDEE:
                return  # no text a panel checks
            case (Entity.INCIDENT | Entity.EVENT | Entity.OBSERVATION | Entity.CHAIN | Entity.FACTOR | Entity.ACTION
                  | Entity.NOTE | Entity.SECTION | Entity.RELATED):
                if self._scope is None:
                    return
            case _:
                assert_never(change.entity)
        self._stale = True
        if self._timer is None and self._on_screen():
            self._timer = self.set_timer(CHECK_DELAY, self._check_due)

    def view_shown(self) -> None:
        """The view came on screen: check what changed while it was away."""
        if not self._stale:
            return
        if getattr(self.screen, "painted", True):
            self.call_after_refresh(self._check_due)  # the view is painted first, then its hints
        else:  # the screen's first frame: one refresh later, else the first check (~60 ms) comes before it
            self.call_after_refresh(self.call_after_refresh, self._check_due)

    def check_now(self) -> None:
        """Check the texts of the scope's items now, all at once; unchanged texts are not scanned again."""
        if self._scope is None:
            return
        self._stop_timer()
        self._start_pass()
        self._scan(budget=None)

    def _start_pass(self) -> None:
        from ...analysis.blameless import default_lexicon
        from ...analysis.findings import iter_meeting_texts

        self._stale = False
        meeting = self.session.meeting
        lexicon = default_lexicon()[0]
        if lexicon is not self._lexicon:
            self._cache.clear()
            self._lexicon = lexicon
        ids = set(self._scope(meeting))
        self._pass = _Pass(lexicon, (text for text in iter_meeting_texts(meeting) if text.item in ids))

    def _scan(self, *, budget: float | None) -> bool:
        """Go on with the check for up to ``budget`` seconds of scanning (None: to the end); True when done.

        What is scanned goes into the cache at once, so a check that starts over loses no work.
        """
        work = self._pass
        assert work is not None
        deadline = None if budget is None else time.perf_counter() + budget
        cache = self._cache
        while (text := work.peek()) is not None:
            key = (text.item, text.field)
            cached = cache.get(key)
            stale = cached is None or cached[0] != text.text
            if deadline is not None and (stale or work.index % 256 == 0) and time.perf_counter() >= deadline:
                return False
            if stale:
                findings = text_findings(text.text, where=text.where, item=text.item, field=text.field,
                                         lexicon=work.lexicon)
            else:
                findings = cached[1]
                if findings and findings[0].where != text.where:
                    findings = [replace(f, where=text.where) for f in findings]
            cache[key] = work.seen[key] = (text.text, findings)
            work.found += findings
            work.advance()
        self._pass = None
        self._cache = work.seen
        self._set_findings(tuple(work.found), 0)
        return True

    def show(self, findings: Iterable[Finding], dismissed: int) -> None:
        """Show ``findings`` (undismissed) and the count of those dismissed before."""
        self._set_findings(tuple(findings), dismissed)

    def _check_due(self) -> None:
        """Check in slices of :data:`SCAN_SLICE`; changes made meanwhile get a check of their own after it."""
        self._stop_timer()
        if self._pass is None:
            if not (self._stale and self._on_screen()):
                return
            self._start_pass()
        if not self._scan(budget=SCAN_SLICE):
            self._timer = self.set_timer(SCAN_PAUSE, self._check_due)
        elif self._stale and self._on_screen():
            self._timer = self.set_timer(CHECK_DELAY, self._check_due)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _on_screen(self) -> bool:
        return all(node.display for node in self.ancestors if isinstance(node, Widget))

    def _set_findings(self, findings: tuple[Finding, ...], dismissed: int) -> None:
        self._all = findings
        self._earlier_dismissed = dismissed
        self._refilter()

    def _refilter(self) -> None:
        """Leave out what the facilitator dismissed, then redraw and tell the view what moved."""
        dismissed = set(self.session.meeting.dismissed_findings)
        self._visible = tuple(f for f in self._all if f.key not in dismissed)
        flagged = frozenset(item_field(f) for f in self._visible)
        moved = frozenset(item for item, _ in flagged ^ self._flagged)
        self._flagged = flagged
        self._flagged_items = frozenset(item for item, _ in flagged)
        self._redraw()
        if moved:
            self.post_message(self.Updated(self, moved))

    # --- drawing -------------------------------------------------------------

    def _redraw(self) -> None:
        if not self.is_mounted:
            return
        count = len(self._visible)
        self.set_class(bool(count) or self.always, "-shown")
        self.set_class(not count, "-clear")
        self.query_one(".guidance-summary", TextLine).show_text(self._summary_text())
        options = self.query_one(FindingList)
        listed = (self._visible[:LIST_LIMIT], count)
        if self._listed != listed:
            self._listed = listed
            keys = [f.key for f in listed[0]]
            index = options.highlighted
            kept = options.highlighted_option.id if options.highlighted_option else None
            prompts = [Option(finding_prompt(f), id=f.key) for f in listed[0]]
            if count > LIST_LIMIT:
                more = f"… and {count - LIST_LIMIT} more: reword or dismiss the ones above to see them"
                prompts.append(Option(Content.styled(more, "$text-muted italic"), disabled=True))
            options.set_options(prompts)
            if kept in keys:
                options.highlighted = keys.index(kept)
            elif keys and index is not None:
                options.highlighted = min(index, len(keys) - 1)
        if not count and self.has_class("-open") and not self.always:
            self.action_close()

    def _summary_text(self) -> str:
        count, dismissed = len(self._visible), self.dismissed
        text = f"{MARKER} {_plural(count, self.noun)}" if count else f"✓ no {self.noun}s"
        if dismissed:
            text += f", {dismissed} dismissed"
        if self.has_class("-open"):
            return text + (" · d dismisses" if count else " · r restores" if dismissed else "") + " · Esc back"
        return text + " · f8 to review"

    # --- opening, keys -------------------------------------------------------

    def open(self) -> None:
        """Expand the panel and put the keyboard on its hints (Escape goes back)."""
        focused = self.screen.focused
        if focused is not None and focused not in self.query(FindingList):
            self._return_to = focused
        self.add_class("-open")
        options = self.query_one(FindingList)
        if options.highlighted is None and options.option_count:
            options.highlighted = 0
        options.focus()
        self._redraw()

    def on_click(self, event: Click) -> None:
        if not self.has_class("-open"):
            self.open()

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        self._redraw()

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        self.call_after_refresh(self._closed_if_left)

    def _closed_if_left(self) -> None:
        if self.has_class("-open") and not self.has_focus_within:
            self.remove_class("-open")
            self._redraw()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "dismiss":
            return bool(self._visible)
        if action == "restore":
            return self.dismissed > 0
        return True

    def action_dismiss(self) -> None:
        """Dismiss the highlighted hint for this meeting (it stays in the text)."""
        option = self.query_one(FindingList).highlighted_option
        if option is not None and option.id:
            self.session.dismiss_finding(option.id)

    def action_restore(self) -> None:
        """Show every dismissed hint of the meeting again."""
        self.session.restore_findings()

    def action_close(self) -> None:
        """Back to where the keyboard was before the panel opened."""
        self.remove_class("-open")
        target = self._return_to
        self._return_to = None
        if target is not None and target.is_attached and target.focusable:
            target.focus()
        else:
            self.screen.focus_next()
        self._redraw()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        finding = next((f for f in self._visible if f.key == event.option.id), None)
        if finding is not None:
            self.post_message(self.Selected(self, item_field(finding)[0]))


@dataclass
class _Pass:
    """One check of a panel's texts in progress: where it is and what it found so far."""

    lexicon: Lexicon
    texts: Iterator[MeetingText]
    """Read as the check goes: listing 10,000 events' texts up front stalled the loop 20-58 ms."""
    index: int = 0
    found: list[Finding] = field(default_factory=list)
    seen: dict[tuple[str, str], tuple[str, list[Finding]]] = field(default_factory=dict)
    _next: MeetingText | None = None

    def peek(self) -> MeetingText | None:
        """The text to check next (None: all checked)."""
        if self._next is None:
            self._next = next(self.texts, None)
        return self._next

    def advance(self) -> None:
        """The text from :meth:`peek` is checked."""
        self._next = None
        self.index += 1
