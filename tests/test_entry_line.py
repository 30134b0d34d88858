"""EntryLine: typing scrolls a long line as Input does, without laying out the whole screen per keystroke."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.screen import Screen

from pmtui.tui.widgets.quick_entry import EntryLine


class LineApp(App):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def compose(self) -> ComposeResult:
        yield EntryLine()

    def on_input_submitted(self, message: EntryLine.Submitted) -> None:
        self.lines.append(message.value)


async def test_typing_a_long_line_scrolls_it_without_a_layout_per_key(monkeypatch):
    async with LineApp().run_test(size=(30, 5)) as pilot:
        await pilot.pause()
        layouts = []
        original = Screen._refresh_layout
        monkeypatch.setattr(Screen, "_refresh_layout", lambda self, *a, **k: layouts.append(1) or original(self, *a, **k))
        line = pilot.app.query_one(EntryLine)
        await pilot.press(*"14:37 a line much longer than the thirty columns of this screen")
        await pilot.pause()
        assert line.value.endswith("this screen")
        assert line.virtual_size.width == len(line.value) + 1 and line.scroll_x > 0  # the cursor stays in view
        assert len(layouts) <= 1
        await pilot.press("enter")
        await pilot.pause()
        assert line.value == "" and line.scroll_x == 0
        assert pilot.app.lines == ["14:37 a line much longer than the thirty columns of this screen"]


def burst(app: App, keys: list[str]) -> None:
    """Keys that arrive at once, as from a paste, a fast typist or a laggy remote terminal."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_editing_keys_in_a_burst_act_in_the_order_they_were_typed():
    async with LineApp().run_test(size=(40, 5)) as pilot:
        await pilot.pause()
        line = pilot.app.query_one(EntryLine)
        burst(pilot.app, [*"old text", "ctrl+u", *"new"])
        await pilot.pause(0.2)
        assert line.value == "new"  # as a binding, ctrl+u ran after "new" and wiped it
        burst(pilot.app, ["backspace", "backspace", *"ws", "left", "left", "backspace", *"N", "end", *"!"])
        await pilot.pause(0.2)
        assert line.value == "Nws!"
        burst(pilot.app, [*"one", "enter", *"two", "ctrl+w", *"three", "enter"])
        await pilot.pause(0.2)
        assert pilot.app.lines == ["Nws!one", "three"] and line.value == ""
