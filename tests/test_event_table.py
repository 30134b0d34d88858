"""EventTable: rows kept in order as they come, the cursor and the viewport stay put, only changed lines repaint."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Offset, Region, Size
from textual.scrollbar import ScrollBarRender
from textual.widget import Widget

from pmtui.tui.widgets.event_table import Column, EventTable, fit_widths
from pmtui.tui.widgets.steady_scrollbar import SteadyScrollBar
from pmtui.tui.widgets.text_line import TextLine

COLUMNS = (Column("Time", "time"), Column("What", "what"), Column("", "st", width=1))


class TableApp(App):
    def compose(self) -> ComposeResult:
        yield EventTable(COLUMNS, id="table")


def row(minute: int, text: str = "") -> tuple[list[Text], tuple[int, int]]:
    return [Text(f"t{minute:03d}"), Text(text or f"event at {minute:03d}"), Text("")], (minute, 1)


def fill(table: EventTable, minutes) -> None:
    for minute in minutes:
        cells, order = row(minute)
        table.set_row(f"m{minute}", cells, order)


def visible_text(table: EventTable) -> list[str]:
    return [table.render_line(y).text.rstrip() for y in range(table.scrollable_content_region.height)]


async def test_rows_land_in_order_ties_keep_arrival_order_and_cells_update():
    async with TableApp().run_test(size=(60, 12)) as pilot:
        table = pilot.app.query_one(EventTable)
        fill(table, [30, 10, 20])
        table.set_row("tie", *row(20, "second at 20"))
        assert table.keys == ["m10", "m20", "tie", "m30"]
        assert table.get_row_index("tie") == 2 and "tie" in table and "nope" not in table

        table.set_row("m10", *row(40, "moved to 40"))  # a change of time moves the row
        assert table.keys == ["m20", "tie", "m30", "m10"]
        assert table.get_cell("m10", "what").plain == "moved to 40"

        table.set_row("tie", [Text("t020"), Text("second at 20", style="bold red"), Text("")], (20, 1))
        assert table.get_cell("tie", "what").style == "bold red"  # a new colour alone is a change too

        table.remove_row("m20")
        table.remove_row("not there")  # nothing happens
        assert table.keys == ["tie", "m30", "m10"] and table.row_count == 3
        await pilot.pause()
        lines = visible_text(table)
        assert lines[0].split() == ["Time", "What"]
        assert lines[1].split()[:3] == ["t020", "second", "at"]


async def test_load_sorts_once_and_columns_grow_to_the_widest_cell():
    async with TableApp().run_test(size=(60, 12)) as pilot:
        table = pilot.app.query_one(EventTable)
        table.load([("b", *row(5, "a much longer description")), ("a", *row(1))])
        assert table.keys == ["a", "b"]
        assert table.column_widths == [4, len("a much longer description"), 1]
        table.set_row("c", [Text("t007"), Text("x" * 40), Text("⧗")], (7, 1))
        assert table.column_widths[1] == 40
        await pilot.pause()
        assert visible_text(table)[3].endswith("⧗")  # the fixed column is still in line
        table.clear()
        assert table.row_count == 0 and table.cursor_key is None and table.column_widths == [4, 4, 1]


async def test_cursor_stays_on_its_row_and_the_viewport_on_its_rows_when_rows_land_above():
    async with TableApp().run_test(size=(60, 12)) as pilot:
        table = pilot.app.query_one(EventTable)
        fill(table, range(0, 200, 2))
        table.focus()
        table.reveal("m150")
        await pilot.pause()
        before = visible_text(table)
        top = table.scroll_y
        assert any("t150" in line for line in before) and table.scroll_y > 0

        fill(table, [1, 3, 5])  # three note-takers' events far above the viewport
        await pilot.pause()
        assert table.cursor_key == "m150"
        assert table.scroll_y == top + 3
        assert visible_text(table) == before  # nothing on screen moved

        await pilot.press("down")
        assert table.cursor_key == "m152"
        await pilot.press("home")
        assert table.cursor_row == 0 and table.scroll_y == 0
        await pilot.press("end")
        assert table.cursor_key == "m198"
        table.remove_row("m198")
        assert table.cursor_key == "m196"  # the cursor's row went: it stays at the end


async def test_a_row_below_the_viewport_repaints_nothing_in_view():
    async with TableApp().run_test(size=(60, 12)) as pilot:
        table = pilot.app.query_one(EventTable)
        fill(table, range(100))
        await pilot.pause()
        rendered: list[int] = []
        original = table.render_lines
        table.render_lines = lambda crop: rendered.extend(crop.line_range) or original(crop)
        fill(table, [150, 151])
        await pilot.pause()
        assert rendered == []
        kept = {key: line for key, (_, line) in table._finished.items()}
        table.set_row("new", *row(2, "another at 2"))  # row 3, in view: lines from there down move
        await pilot.pause()
        assert rendered, "the table repainted"
        made = {key for key, (_, line) in table._finished.items() if kept.get(key) is not line}
        assert ("new", "plain") in made or ("new", "even") in made
        assert not made & {("", "header"), ("m0", "cursor"), ("m1", "plain"), ("m2", "even")}, made


async def test_click_moves_the_cursor():
    async with TableApp().run_test(size=(60, 12)) as pilot:
        table = pilot.app.query_one(EventTable)
        fill(table, range(10))
        await pilot.pause()
        await pilot.click(EventTable, offset=(3, 4))  # line 4 is the fourth row (the header is line 0)
        assert table.cursor_key == "m3"
        await pilot.click(EventTable, offset=(3, 0))  # the header is not a row
        assert table.cursor_key == "m3"


class LineApp(App):
    def compose(self) -> ComposeResult:
        yield TextLine("", id="line")


async def test_text_line_lays_out_only_when_its_size_changes():
    async with LineApp().run_test(size=(40, 5)) as pilot:
        line = pilot.app.query_one(TextLine)
        calls: list[bool] = []
        original = line.update
        line.update = lambda content, layout=True: calls.append(layout) or original(content, layout=layout)
        line.show_text("2001 events")
        line.show_text("2002 events")
        line.show_text("2002 events")  # unchanged: nothing at all
        line.show_text(Text("12 events"))
        line.show_text(Text("12 events", style="bold"))  # the same text in another style is a change
        line.show_text("a\nb")
        assert calls == [True, False, True, False, True]
        await pilot.pause()
        assert str(line.render()) == "a\nb"


# --- fitting the pane -------------------------------------------------------------------------------

FIT = (Column("Time", "time"), Column("Event", "event", min_width=20, fill=True),
       Column("Actor", "actor", max_width=10, min_width=5, drop=1),
       Column("Evidence", "evidence", max_width=12, min_width=8, drop=2))


def test_fit_gives_the_rest_to_the_filling_column_and_caps_the_others():
    # widths plus one cell of padding each side: 6 + 22 + 12 + 14 = 54
    assert fit_widths(FIT, [4, 80, 30, 30], 100) == [4, 20 + 46, 10, 12]


def test_fit_shrinks_then_hides_the_highest_drop_first_and_never_the_time():
    assert fit_widths(FIT, [4, 80, 30, 30], 54) == [4, 20, 10, 12]
    assert fit_widths(FIT, [4, 80, 30, 30], 50) == [4, 20, 10, 8], "evidence shrinks first"
    assert fit_widths(FIT, [4, 80, 30, 30], 45) == [4, 20, 5, 8], "then the actor"
    assert fit_widths(FIT, [4, 80, 30, 30], 44) == [4, 20 + 4, 10, 0], "then evidence hides, and actor grows back"
    assert fit_widths(FIT, [4, 80, 30, 30], 35) == [4, 20, 5, 0]
    assert fit_widths(FIT, [4, 80, 30, 30], 33) == [4, 20 + 5, 0, 0]
    assert fit_widths(FIT, [4, 80, 30, 30], 20) == [4, 20, 0, 0], "too narrow: only the time and the event"


class FitApp(App):
    def compose(self) -> ComposeResult:
        yield EventTable(FIT, id="table")


async def test_a_fitting_table_refits_on_resize_and_says_what_it_hides():
    app = FitApp()
    async with app.run_test(size=(46, 10)) as pilot:
        table = app.query_one(EventTable)
        table.set_row("a", [Text("14:00"), Text("the pool runs dry " * 4), Text("db team"),
                            Text("https://grafana.example.com/d/pool")], order=1)
        await pilot.pause()
        assert table.hidden_columns == ["Evidence"]
        assert "Event  +1 hidden: Evidence  Actor" in table.render_line(0).text
        assert table.virtual_size.width <= table.scrollable_content_region.width
        strip = table._strips["a"]
        table.update_cell("a", "actor", Text("db"))
        assert table._strips.get("a") is None and table.column_widths[2] == 7, "a changed row is drawn again"
        table.render_line(1)
        strip = table._strips["a"]
        table.set_row("b", [Text("14:01"), Text("x"), Text("ops"), Text("")], order=2)
        assert table._strips["a"] is strip, "a row that does not widen a column keeps the others' lines"

        await pilot.resize_terminal(120, 10)
        await pilot.pause()
        assert table.hidden_columns == []
        assert "https://gra…" in table.render_line(1).text, "at most max_width"
        assert table.column_widths[1] == 120 - 2 - (5 + 2) - (7 + 2) - (12 + 2) - 2


async def test_the_scrollbar_repaints_only_when_its_thumb_moves_and_always_then():
    async with TableApp().run_test(size=(60, 12)) as pilot:
        table = pilot.app.query_one(EventTable)
        table.load([(f"m{minute}", *row(minute)) for minute in range(2000)])
        await pilot.pause()
        bar = table.vertical_scrollbar
        assert isinstance(bar, SteadyScrollBar) and bar.display
        repaints = []
        refresh = bar.refresh
        bar.refresh = lambda *args, **kwargs: repaints.append(bar.position) or refresh(*args, **kwargs)
        moved = 0
        for step in range(1, 121):  # one row further down at a time, as rows arrive at the end
            before, asked = bar.thumb(), len(repaints)
            table.scroll_to(y=step, animate=False, immediate=True)
            assert (len(repaints) > asked) == (bar.thumb() != before), f"row {step}: a repaint iff the thumb moved"
            if len(repaints) > asked:
                moved += 1
                await pilot.pause()
                assert bar._drawn == bar.thumb()
        assert 0 < len(repaints) == moved < 12  # 120 positions; the thumb moved a few eighths of a cell


class SizedBar(SteadyScrollBar):
    def __init__(self, height: int) -> None:
        super().__init__()
        self.height = height

    @property
    def size(self) -> Size:
        return Size(1, self.height)


def test_the_steady_thumb_is_where_textual_draws_it():
    for size, virtual, window, position in [(10, 2000, 10, 0), (10, 2000, 10, 995), (29, 2030, 29, 2001),
                                            (29, 40, 29, 11), (5, 9, 5, 4), (12, 13, 12, 1)]:
        bar = SizedBar(size)
        bar.window_virtual_size, bar.window_size, bar.position = virtual, window, position
        _, start, end = bar.thumb()
        drawn = ScrollBarRender.render_bar(size=size, virtual_size=virtual, window_size=window,
                                           position=bar.position)
        cells = [index for index, segment in enumerate(drawn.segments)
                 if segment.style and segment.style.meta.get("@mouse.down") == "grab"]
        assert (cells[0], cells[-1]) == (start // 8, min(size - 1, (end - 1) // 8)), (size, virtual, position)


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "NO_COLOR"])
async def test_the_steady_scrollbar_draws_what_textual_draws(monkeypatch, no_color):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")  # the app then filters every line to monochrome
    async with TableApp().run_test(size=(60, 12)) as pilot:
        table = pilot.app.query_one(EventTable)
        table.load([(f"m{minute}", *row(minute)) for minute in range(300)])
        await pilot.pause()
        bar = table.vertical_scrollbar
        width, height = bar.size

        def cells(strips) -> list[list[tuple[str, object]]]:
            return [[(char, segment.style) for segment in strip for char in segment.text] for strip in strips]

        for theme in ("textual-dark", "textual-light", "nord"):
            pilot.app.theme = theme
            for state in ("normal", "hover", "grabbed"):
                bar.mouse_over, bar.grabbed = state == "hover", Offset(0, 0) if state == "grabbed" else None
                for y in (None, 0, 1, 137, 288):  # None: the state changed, the thumb did not
                    if y is not None:
                        table.scroll_to(y=y, animate=False, immediate=True)
                    await pilot.pause()
                    for crop in (Region(0, 0, width, height), Region(0, 2, width, 3), Region(1, 0, 1, height)):
                        drawn = bar.render_lines(crop)
                        assert cells(drawn) == cells(Widget.render_lines(bar, crop)), (theme, state, y, crop)


class WideApp(App):
    def compose(self) -> ComposeResult:
        yield EventTable(COLUMNS, id="table")
        yield TextLine("below", id="below")  # something else to take the focus


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "NO_COLOR"])
async def test_the_table_draws_what_textual_draws_from_its_lines(monkeypatch, no_color):
    """EventTable finishes its lines itself (kept per row); they must be what Textual's styles cache makes of
    render_line, in every state a facilitator sees, and change when a row's cells, the columns or the theme do."""
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    async with WideApp().run_test(size=(40, 12)) as pilot:
        table = pilot.app.query_one(EventTable)
        table.load([(f"m{minute}", *row(minute)) for minute in range(60)])
        await pilot.pause()

        def cells(strips) -> list[list[tuple[str, object]]]:
            return [[(char, segment.style) for segment in strip for char in segment.text] for strip in strips]

        async def same(why: str) -> None:
            await pilot.pause()
            width, height = table.size
            for crop in (Region(0, 0, width, height), Region(0, 3, width, 4), Region(2, 0, width - 5, height)):
                assert cells(table.render_lines(crop)) == cells(Widget.render_lines(table, crop)), (why, crop)

        for theme in ("textual-dark", "textual-light", "nord"):
            pilot.app.theme = theme
            table.focus()
            await same(f"{theme}: focused (background tinted)")
            table.move_cursor(row=7)
            table.scroll_to(y=3, animate=False, immediate=True)
            await same(f"{theme}: cursor moved, scrolled")
            pilot.app.set_focus(None)
            await same(f"{theme}: not focused")
            table.scroll_to(x=4, animate=False, immediate=True)
            await same(f"{theme}: scrolled sideways")
            table.scroll_to(x=0, animate=False, immediate=True)
            table.set_row("m5", *row(5, "changed text"))
            await same(f"{theme}: a row's cells changed")
            table.set_row("wide", *row(6, "a description far wider than the column was until now"))
            await same(f"{theme}: a wider cell widened the column")
            table.zebra_stripes = not table.zebra_stripes
            table.refresh()
            await same(f"{theme}: zebra stripes toggled")
            table.styles.tint = "red 20%"
            await same(f"{theme}: tinted")
            table.styles.tint = None


async def test_every_row_is_finished_ahead_as_stripe_and_plain_so_a_jump_makes_no_line():
    async with WideApp().run_test(size=(40, 12)) as pilot:
        table = pilot.app.query_one(EventTable)
        table.load([(f"m{minute}", *row(minute)) for minute in range(300)])
        for _ in range(100):
            await pilot.pause()
            if table._warm_index is None and len(table._finished) >= 600:
                break
        assert {(f"m{minute}", kind) for minute in range(300) for kind in ("even", "plain")} <= set(table._finished)
        kept = {key: line for key, (_, line) in table._finished.items()}
        table.set_row("inserted", *row(150, "mid"))  # no wider than the others; every row below changes stripe
        table.scroll_to(y=140, animate=False, immediate=True)
        await pilot.pause()
        made = {key for key, (_, line) in table._finished.items() if kept.get(key) is not line}
        assert made <= {("inserted", "even"), ("inserted", "plain")}, made

        assert table.has_focus
        pilot.app.set_focus(None)  # unfocused, it is drawn on another background: its lines are finished again
        wanted = {(f"m{minute}", kind) for minute in range(300) for kind in ("even", "plain")}
        for _ in range(100):
            await pilot.pause()
            redone = {key for key, (_, line) in table._finished.items() if line is not kept.get(key)}
            if wanted <= redone:
                break
        assert wanted <= redone
