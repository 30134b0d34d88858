"""A one-line entry for typing items in a stream, with its error shown beside it."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Self

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Label

from ...entry_grammar import PREFIX_HINT, PREFIX_HINT_SHORT
from ...model import Attendee
from ...speakers import complete_mention

EDITING_KEYS = {key.strip(): binding.action for binding in Input.BINDINGS if binding.action != "submit"
                for key in binding.key.split(",")}
"""Input's own keys (backspace, ctrl+u, arrows…) and their actions, which EntryLine runs as keys."""


class EntryLine(Input):
    """An Input that takes the line and clears itself the moment Enter arrives.

    Textual runs the Enter binding only after keys already queued behind it
    were typed into the line; a fast typist or a burst from a remote terminal
    would then merge two lines. Handling Enter as a key keeps them apart.

    The same goes for the line's editing keys (backspace, ctrl+u, arrows…):
    as bindings they would run after the letters queued behind them, so a
    burst such as ctrl+u then "new text" would wipe the new text. Here they
    run in the order they were typed.

    Input also sets its virtual size (the text's width, for its own scrolling)
    on every change, and that reactive lays out the whole screen: one layout
    per keystroke. The line's size never depends on its text, so here the
    virtual size changes without a layout.

    The cleared line is painted together with what the Enter produced (the
    new row): repainting it at once put the cleared line on screen a frame
    before the row, and the row then waited a whole frame period more.
    :meth:`answered` ends the hold; :data:`HOLD_LIMIT` bounds it.
    """

    HOLD_LIMIT = 0.1
    """Seconds after which a held repaint happens even if the line was never answered."""

    _unanswered = 0
    _repaint_held = False

    def _watch_value(self, value: str) -> None:
        size = Size(self.content_width, 1)
        if self.is_mounted and size != self.virtual_size:
            self.set_reactive(Input.virtual_size, size)
            self._scroll_update(size)
        super()._watch_value(value)

    async def _on_key(self, event: events.Key) -> None:
        action = EDITING_KEYS.get(event.key)
        if event.key != "enter" and action is None:
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        if action is not None:
            await self.run_action(action)
            return
        value = self.value
        if value.strip():
            self._unanswered += 1
            self.set_timer(self.HOLD_LIMIT, self._release)
            self.value = ""
        self.post_message(self.Submitted(self, value))

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Self:
        if self._unanswered and repaint and not (layout or recompose):
            self._repaint_held = True
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def answered(self) -> None:
        """A submitted line was taken or refused: paint the line with it once none is left open."""
        self._unanswered = max(0, self._unanswered - 1)
        if not self._unanswered:
            self._release()

    def _release(self) -> None:
        self._unanswered = 0
        if self._repaint_held:
            self._repaint_held = False
            self.refresh()


class SpeakerSuggester(Suggester):
    """Completes a leading ``@name`` with an attendee's name (the right arrow at the line's end takes it).

    The attendees are read on every keystroke (no cache): someone added on f7 is offered at once.
    """

    def __init__(self, attendees: Callable[[], Iterable[Attendee]]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self._attendees = attendees

    async def get_suggestion(self, value: str) -> str | None:
        return complete_mention(value, self._attendees())


class QuickEntry(Vertical):
    """A line that reports each Enter and puts refused text back with the reason.

    Every :class:`Submitted` must be answered, in order, by :meth:`accept`
    or :meth:`reject`.
    """

    DEFAULT_CSS = """
    QuickEntry { height: auto; }
    QuickEntry > Label.hint { color: $text-muted; padding: 0 1; }
    QuickEntry > Label.error { color: $error; text-style: bold; padding: 0 1; display: none; }
    QuickEntry.-error > Label.error { display: block; }
    QuickEntry.-error > Label.hint { display: none; }
    QuickEntry.-error > Input { border: tall $error; }
    """

    @dataclass
    class Submitted(Message):
        """Enter was pressed on a non-empty line."""

        entry: QuickEntry
        value: str

        @property
        def control(self) -> QuickEntry:
            """The entry that was submitted."""
            return self.entry

    def __init__(self, placeholder: str, hint: str = "", *, id: str | None = None, prefixes: bool = False) -> None:
        super().__init__(id=id)
        self._placeholder = placeholder
        self._hint = hint
        self._prefixes = prefixes  # the help line also shows the quick-entry prefixes (+ - ! ? @name)
        self._unresolved: deque[str] = deque()
        self._restored: str | None = None

    def compose(self) -> ComposeResult:
        # Back in a line with half-typed text, a key must add to it, not replace it all (Input selects on focus).
        yield EntryLine(placeholder=self._placeholder, select_on_focus=False)
        yield Label(self._hint, classes="hint")
        yield Label("", classes="error")

    @property
    def input(self) -> Input:
        """The Input inside."""
        return self.query_one(EntryLine)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self._unresolved.append(event.value)
            self.post_message(self.Submitted(self, event.value))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value and event.value != self._restored:
            self.remove_class("-error")
            self._restored = None

    def accept(self) -> None:
        """The oldest submitted line was taken: forget it and clear any error."""
        if self._unresolved:
            self._unresolved.popleft()
        self.remove_class("-error")
        self.query_one(EntryLine).answered()

    def reject(self, message: str) -> None:
        """Show what is wrong next to the line and put the refused text back."""
        self.query_one(EntryLine).answered()
        if self._unresolved:
            refused = self._unresolved.popleft()
            typed_since = self.input.value
            self._restored = f"{refused} {typed_since}" if typed_since else refused
            self.input.value = self._restored
            self.input.cursor_position = len(refused)
        self.query_one("Label.error", Label).update(Text(f"✗ {message}"))
        self.add_class("-error")

    def set_hint(self, hint: str, *, prefixes: bool | None = None) -> None:
        """Change the help text under the line (and whether the prefixes follow it, when ``prefixes`` is given)."""
        self._hint = hint
        if prefixes is not None:
            self._prefixes = prefixes
        self._show_hint()

    def on_resize(self) -> None:
        self._show_hint()

    def _show_hint(self) -> None:
        """The help text, with the prefixes spelled out when they fit and as bare signs when narrow."""
        text = self._hint
        if self._prefixes:
            width = self.size.width - 2  # the hint's padding
            for prefixes in (PREFIX_HINT, PREFIX_HINT_SHORT):
                text = f"{self._hint} · {prefixes}" if self._hint else prefixes
                if len(text) <= width:
                    break
        self.query_one("Label.hint", Label).update(text)

    def focus_input(self) -> None:
        """Put the keyboard focus on the line."""
        self.input.focus()
