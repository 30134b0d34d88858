"""EntryLine: typing scrolls a long line as Input does, without laying out the whole screen per keystroke."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.screen import Screen

from pmtui.tui.widgets.quick_entry import EntryLine


class LineApp(App):
    def compose(self) -> ComposeResult:
        yield EntryLine()


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
        submitted = []
        pilot.app.on_input_submitted = lambda message: submitted.append(message.value)
        await pilot.press("enter")
        await pilot.pause()
        assert line.value == "" and line.scroll_x == 0
