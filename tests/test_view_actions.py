"""Pilot and snapshot tests for the action items phase view and its dialogs."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from textual import events
from textual.widgets import DataTable, Input, Label, OptionList

from helpers import FIXED_EPOCH, FixedClock, create_meeting, paste_line, screen_text, show_phase
from pmtui.demo import demo_meeting
from pmtui.model import ActionItem, Meeting, RootCause, Why, WhyChain
from pmtui.tui.app import make_app
from pmtui.tui.screens.action_dialogs import EditActionDialog, LinkRootCauseDialog
from pmtui.tui.views.actions import COLUMNS, ActionsView
from pmtui.tui.widgets.quick_entry import QuickEntry

PHASE = 4  # "Action items" in standard-90


def with_more_items() -> Meeting:
    """The demo meeting plus a second root cause and three more items."""
    meeting = demo_meeting(now=FIXED_EPOCH)
    meeting.chains.append(WhyChain(
        "The pool change was not noticed in review",
        whys=[Why("The deploy diff summary leaves out configuration files")],
        root_cause=RootCause("Deploy summaries hide configuration changes", "process gap"),
    ))
    meeting.chains.append(WhyChain("Nobody looked at the pool metrics"))
    meeting.actions += [
        ActionItem("Show config changes in the deploy diff summary", owner="Jo Okafor", priority="medium",
                   due=date(2026, 12, 31), success_criteria="Config diffs appear in every deploy summary",
                   kinds=["improves detection"]),
        ActionItem("Add a connection pool exhaustion alert", priority="critical", due=date(2026, 11, 26)),
        ActionItem("Runbook: roll back before tuning live", owner="Priya Nair", priority="low",
                   due=date(2027, 2, 1), status="done"),
    ]
    return meeting


def row_cells(view: ActionsView, item_id: str) -> list[str | None]:
    """The plain text of each cell of an item's row, in the order of every column; None where a column is
    hidden to fit the pane."""
    table = view.query_one(DataTable)
    shown = {key.value: str(cell) for key, cell in zip(table.columns, table.get_row(item_id))}
    return [shown.get(column.key) for column in COLUMNS]


def items(app) -> dict[str, ActionItem]:
    """The meeting's action items by description."""
    return {a.description: a for a in app.session.meeting.actions}


async def select_row(app, pilot, view: ActionsView, index: int) -> str:
    """Go from the entry line to the table, put the cursor on row ``index``; returns its item id."""
    await pilot.press("down")
    table = view.query_one(DataTable)
    assert app.focused is table
    await pilot.press(*["down"] * index)
    return app.session.meeting.actions[index].id


async def test_typing_items_in_a_stream(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, with_more_items()), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, ActionsView)
        entry = view.query_one(QuickEntry)
        assert app.focused is entry.input
        await paste_line(pilot, "Alert on pool wait time | Priya Nair | high | 2026-12-15 | pages within 2 minutes")
        await paste_line(pilot, "Per-environment config files | Jo Okafor | p2 | 2027-01-20")
        added = app.session.meeting.actions[-2:]
        assert [(a.description, a.owner, a.priority, a.due, a.success_criteria) for a in added] == [
            ("Alert on pool wait time", "Priya Nair", "high", date(2026, 12, 15), "pages within 2 minutes"),
            ("Per-environment config files", "Jo Okafor", "medium", date(2027, 1, 20), ""),
        ]
        assert entry.input.value == "" and app.focused is entry.input
        table = view.query_one(DataTable)
        assert table.row_count == 6
        assert row_cells(view, added[0].id)[:5] == [  # the criteria: in the detail at 80 columns
            "high", "Alert on pool wait time", "Priya Nair", "2026-12-15", None]
        assert table.cursor_row == 5, "the newest item is highlighted while typing"
        text = screen_text(app)
        assert "Per-environment config" in text and "Alert on pool wait time" in text
    app.close_session()


async def test_due_date_defaults_from_priority(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, with_more_items()), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, PHASE, ActionsView)
        for priority in ("critical", "high", "medium", "low"):
            await paste_line(pilot, f"{priority} item | Ana Costa | {priority}")
        await paste_line(pilot, "no priority given")
        today = app.session.today()
        expected = {"critical": 7, "high": 21, "medium": 42, "low": 84}
        for priority, days in expected.items():
            item = items(app)[f"{priority} item"]
            assert item.due == today + timedelta(days=days)
            assert row_cells(view, item.id)[3] == item.due.isoformat()
        assert items(app)["no priority given"].priority == "medium"
        assert items(app)["no priority given"].due == today + timedelta(days=42)
        assert (today + timedelta(days=84)).isoformat() in screen_text(app)
    app.close_session()


async def test_bad_priority_or_due_shows_error_and_keeps_text(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, with_more_items()), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, ActionsView)
        entry = view.query_one(QuickEntry)
        before = len(app.session.meeting.actions)
        await paste_line(pilot, "Tune the pool | Jo | urgent")
        assert entry.has_class("-error")
        assert entry.input.value == "Tune the pool | Jo | urgent"
        assert "priority 'urgent' is not one of" in str(entry.query_one("Label.error", Label).render())
        assert "priority 'urgent' is not one of" in screen_text(app)
        await pilot.press("ctrl+u")
        await paste_line(pilot, "Tune the pool | Jo | high | next friday")
        assert "cannot read date 'next friday'" in str(entry.query_one("Label.error", Label).render())
        assert entry.input.value == "Tune the pool | Jo | high | next friday"
        assert len(app.session.meeting.actions) == before
        assert view.query_one(DataTable).row_count == before
        assert app.focused is entry.input
    app.close_session()


async def test_edit_in_dialog_keeps_it_open_on_error(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, with_more_items()), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, ActionsView)
        item_id = await select_row(app, pilot, view, 2)
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, EditActionDialog)
        assert dialog.query_one("#edit-description", Input).value == "Add a connection pool exhaustion alert"
        await pilot.press("tab", *"Ana", "tab", "tab", *"soon", "enter")
        assert app.screen is dialog, "a refused due date keeps the dialog open"
        error = dialog.query_one("#edit-error", Label)
        assert error.display and str(error.render()).startswith("✗ cannot read date 'soon'")
        assert "cannot read date 'soon'" in screen_text(app)
        assert items(app)["Add a connection pool exhaustion alert"].owner == "", "nothing is saved on a refusal"
        await pilot.press("ctrl+u")
        dialog.query_one("#edit-due", Input).post_message(events.Paste("2027-01-31"))
        await pilot.press("tab")
        await paste_line(pilot, "pages fire in a load test")
        await pilot.pause()
        assert app.screen is not dialog
        item = items(app)["Add a connection pool exhaustion alert"]
        assert (item.owner, item.due, item.success_criteria, item.priority) == (
            "Ana", date(2027, 1, 31), "pages fire in a load test", "critical")
        assert row_cells(view, item_id)[2:4] == ["Ana", "2027-01-31"]
        assert app.focused is view.query_one(DataTable)
    app.close_session()


async def test_enter_on_a_row_edits_and_priority_is_a_select(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, with_more_items()), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, PHASE, ActionsView)
        item_id = await select_row(app, pilot, view, 1)
        await pilot.press("enter")
        assert isinstance(app.screen, EditActionDialog)
        await pilot.press("tab", "tab", "enter", "down", "enter")
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, EditActionDialog)
        assert app.session.meeting.actions[1].priority == "low"
        assert row_cells(view, item_id)[0] == "low"
        await pilot.press("e", "escape")
        assert not isinstance(app.screen, EditActionDialog)
        assert app.session.meeting.actions[1].priority == "low"
    app.close_session()


async def test_link_to_a_root_cause(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, with_more_items()), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, PHASE, ActionsView)
        item_id = await select_row(app, pilot, view, 1)
        chains = app.session.meeting.chains
        await pilot.press("l")
        dialog = app.screen
        assert isinstance(dialog, LinkRootCauseDialog)
        options = dialog.query_one(OptionList)
        assert options.option_count == 3, "no link + the two chains that have a root cause"
        assert options.highlighted == 0
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert app.session.meeting.actions[1].root_cause_id == chains[1].id
        assert row_cells(view, item_id)[6] == "2. Deploy summaries hide configuration changes"
        assert "Root cause: 2. Deploy summaries hide configuration changes" in screen_text(app)
        await pilot.press("l")
        assert app.screen.query_one(OptionList).highlighted == 2, "the current link is highlighted"
        await pilot.press("home", "enter")
        await pilot.pause()
        assert app.session.meeting.actions[1].root_cause_id is None
        assert row_cells(view, item_id)[6] == "—"
        await pilot.press("l", "escape")
        assert app.session.meeting.actions[1].root_cause_id is None
    app.close_session()


async def test_flags_toggle_with_1_2_3(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, with_more_items()), now=FixedClock())
    async with app.run_test(size=(120, 36)) as pilot:  # at 80 columns the Type column gives way to the description
        view = await show_phase(app, pilot, PHASE, ActionsView)
        item_id = await select_row(app, pilot, view, 2)
        await pilot.press("1", "3")
        await pilot.pause()
        assert app.session.meeting.actions[2].kinds == ["prevents recurrence", "improves response"]
        assert row_cells(view, item_id)[5] == "prev resp"
        await pilot.press("1", "2")
        await pilot.pause()
        assert app.session.meeting.actions[2].kinds == ["improves detection", "improves response"]
        assert row_cells(view, item_id)[5] == "det resp"
        assert "improves detection, improves response" in " ".join(screen_text(app).split())  # wrapped anywhere
        await pilot.press("escape")
        assert app.focused is view.query_one(QuickEntry).input
        await pilot.press("1")
        assert view.query_one(QuickEntry).input.value == "1", "digits are text in the entry line"
        assert app.session.meeting.actions[2].kinds == ["improves detection", "improves response"]
    app.close_session()


async def test_the_type_column_says_the_types_in_words(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, with_more_items()), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, PHASE, ActionsView)
        item_id = await select_row(app, pilot, view, 2)
        assert row_cells(view, item_id)[5] == "—"
        await pilot.press("1", "2", "3")
        await pilot.pause()
        assert row_cells(view, item_id)[5] == "prev det resp", "abbreviated while the table would not fit"
        await pilot.resize_terminal(220, 45)
        await pilot.pause()
        assert row_cells(view, item_id)[5] == "prevent detect respond"
        table = view.query_one(DataTable)
        assert table.columns["type"].width == len("prevent detect respond")
        assert table.cursor_row == 2, "the cursor stays on its item"
    app.close_session()


async def test_home_and_end_go_to_the_first_and_last_item(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, with_more_items()), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, PHASE, ActionsView)
        await select_row(app, pilot, view, 0)
        table = view.query_one(DataTable)
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("pagedown")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("pageup")
        assert table.cursor_row == 0
    app.close_session()


async def test_space_marks_done_and_open_again(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, with_more_items()), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, ActionsView)
        item_id = await select_row(app, pilot, view, 0)
        await pilot.press("space")
        await pilot.pause()
        item = app.session.meeting.actions[0]
        assert item.status == "done" and item.status_changed is not None
        assert row_cells(view, item_id)[7] == "done"
        await pilot.press("space")
        await pilot.pause()
        assert item.status == "open"
        assert row_cells(view, item_id)[7] == "open"
    app.close_session()


async def test_delete_asks_nothing_and_ctrl_z_brings_the_item_back_in_its_place(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, with_more_items()), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, ActionsView)
        table = view.query_one(DataTable)
        order = [a.id for a in app.session.meeting.actions]
        item_id = await select_row(app, pilot, view, 1)
        await pilot.press("x")
        await pilot.pause()
        assert not app.screen.is_modal
        assert item_id not in {a.id for a in app.session.meeting.actions}
        assert table.row_count == 3
        assert "Show config changes" not in screen_text(app)
        assert app.focused is table
        assert list(app._notifications)[-1].message == (
            "Removed action item “Show config changes in the deploy diff…” · ctrl+z undoes")

        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [a.id for a in app.session.meeting.actions] == order
        assert [table.get_row_index(key) for key in order] == [0, 1, 2, 3]
        assert table.cursor_row == 1
        await pilot.press("delete")
        await pilot.pause()
        assert table.row_count == 3 and not app.screen.is_modal
    app.close_session()


async def test_changes_from_elsewhere_update_rows_in_place(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, with_more_items()), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, PHASE, ActionsView)
        table = view.query_one(DataTable)
        keys = [row.key for row in table.ordered_rows]
        first = app.session.meeting.actions[0]
        app.session.update_action(first.id, owner="Lee Chen")
        await pilot.pause()
        assert [row.key for row in table.ordered_rows] == keys
        assert row_cells(view, first.id)[2] == "Lee Chen"
        app.session.delete_chain(app.session.meeting.chains[0].id)
        await pilot.pause()
        assert row_cells(view, first.id)[6] == "—", "deleting a chain unlinks its actions"
        assert table.row_count == 4
    app.close_session()


async def test_empty_meeting_explains_what_to_do(tmp_path):
    meeting = demo_meeting(now=FIXED_EPOCH)
    meeting.actions = []
    app = make_app(tmp_path, create_meeting(tmp_path, meeting), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, ActionsView)
        assert "No action items yet" in screen_text(app)
        await pilot.press("down", "e", "space", "x")
        assert app.focused is view.query_one(QuickEntry).input
        assert view.query_one(QuickEntry).input.value == "e x"
        assert app.session.meeting.actions == []
    app.close_session()


# --- snapshots ------------------------------------------------------------------


def snapshot_app(data_dir: Path, *keys: str):
    """The app at the action items phase with ``keys`` pressed, and its run_before."""
    app = make_app(data_dir, create_meeting(data_dir, with_more_items()), now=FixedClock(), export_dir=data_dir)

    async def run_before(pilot) -> None:
        app.session.jump_to_phase(PHASE)
        await pilot.pause()
        await pilot.press(*keys)
        for widget in app.screen.query(Input):
            widget.cursor_blink = False
        app.session.flush()
        await pilot.pause()

    return app, run_before


def test_snapshot_80x24(snap_compare, tmp_path):
    app, run_before = snapshot_app(tmp_path, "down", "down")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
    app.close_session()


def test_snapshot_160x45(snap_compare, tmp_path):
    app, run_before = snapshot_app(tmp_path)
    assert snap_compare(app, terminal_size=(160, 45), run_before=run_before)
    app.close_session()


def test_snapshot_edit_dialog_80x24(snap_compare, tmp_path):
    app, run_before = snapshot_app(tmp_path, "down", "e")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
    app.close_session()


def test_snapshot_link_dialog_80x24(snap_compare, tmp_path):
    app, run_before = snapshot_app(tmp_path, "down", "l")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
    app.close_session()
