"""The home screen with archives: their meetings listed with a Source column, opened read-only."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from archive_factory import publish_record
from library_factory import fixed_meeting, write_meeting
from pmtui.tui.app import make_app
from pmtui.tui.screens.archived import ArchivedMeetingScreen
from pmtui.tui.screens.home import HomeScreen
from pmtui.tui.widgets.document_preview import DocumentPreview


async def settle(app, pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def rows(table: DataTable) -> dict[str, list[str]]:
    return {key.value: [str(cell) for cell in table.get_row(key)] for key in table.rows}


async def test_archived_meetings_are_listed_with_their_source_and_open_read_only(tmp_path, user_folders):
    user_folders.data.mkdir()
    write_meeting(user_folders.data, fixed_meeting(7))
    archive = tmp_path / "ops-archive"
    record = publish_record(archive, fixed_meeting(2))
    before = record.read_bytes()
    app = make_app(user_folders.data, archives=[archive], export_dir=tmp_path / "exports")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        table = home.query_one(DataTable)
        assert [c.label.plain for c in table.columns.values()][3:5] == ["ID", "Source"]
        listed = rows(table)
        assert listed["m02"][4] == "ops-archive" and listed["m07"][4] == "local"
        table.move_cursor(row=table.get_row_index("m02"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ArchivedMeetingScreen) and app.session is None  # no writer, no lock
        assert fixed_meeting(2).incident.title in app.screen.query_one(DocumentPreview).text
        assert "Read-only, from archive ops-archive" in str(app.screen.query_one("#archived-source", Static).render())
        await pilot.press("x")
        await settle(app, pilot)
        assert sorted(p.name for p in (tmp_path / "exports").iterdir())[0].endswith("-minutes.md")
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is home
    assert record.read_bytes() == before and sorted(p.name for p in record.parent.iterdir()) == ["meeting.json"]


async def test_an_archive_that_is_not_a_folder_is_one_line_and_the_data_dir_is_still_listed(tmp_path, user_folders):
    user_folders.data.mkdir()
    write_meeting(user_folders.data, fixed_meeting(7))
    app = make_app(user_folders.data, archives=[tmp_path / "gone"])
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        assert list(rows(app.screen.query_one(DataTable))) == ["m07"]
        errors = str(app.screen.query_one("#home-errors", Static).render())
        assert "gone does not exist" in errors and errors.count("\n") == 0


async def test_without_archives_the_home_screen_has_no_source_column(user_folders):
    user_folders.data.mkdir()
    write_meeting(user_folders.data, fixed_meeting(7))
    app = make_app(user_folders.data)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        assert "Source" not in [c.label.plain for c in app.screen.query_one(DataTable).columns.values()]


async def test_the_stats_screen_counts_the_archived_incidents_too(tmp_path, user_folders):
    user_folders.data.mkdir()
    write_meeting(user_folders.data, fixed_meeting(7))
    for k in (2, 5):
        publish_record(tmp_path / "ops-archive", fixed_meeting(k))
    app = make_app(user_folders.data, archives=[tmp_path / "ops-archive"])
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert str(app.screen.query_one("#stats-summary", Static).render()).startswith("3 incidents (all time)")
