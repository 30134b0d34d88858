"""Home, End, PageUp and PageDown in every list of pmtui (DataTable alone scrolls sideways with Home/End)."""

from __future__ import annotations

import ast
from pathlib import Path

from textual.app import App, ComposeResult

from pmtui.tui.widgets.list_table import ListTable

TUI = Path(__file__).resolve().parents[1] / "src" / "pmtui" / "tui"


class TableApp(App):
    def compose(self) -> ComposeResult:
        yield ListTable(cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(ListTable)
        table.add_column("n")
        for n in range(100):
            table.add_row(str(n))
        table.focus()


async def test_home_end_page_keys_move_through_the_rows():
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(ListTable)
        await pilot.press("end")
        assert table.cursor_row == 99
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("pagedown")
        assert 0 < table.cursor_row < 99
        await pilot.press("pageup")
        assert table.cursor_row == 0


def test_every_table_of_the_screens_is_a_list_table():
    """No screen uses a bare DataTable, whose Home/End do not move the cursor."""
    bare = []
    for path in TUI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "DataTable":
                bare.append(f"{path.name}:{node.lineno}")
            subclass = isinstance(node, ast.ClassDef) and node.name != "ListTable"
            if subclass and any(getattr(b, "id", None) == "DataTable" for b in node.bases):
                bare.append(f"{path.name}:{node.lineno} {node.name}")
    assert bare == []
