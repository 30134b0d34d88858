"""The app's Import timeline…: palette → file picker → preview with checkboxes → the timeline (and the export).

The sources are other modules' business: a tiny fake source, registered under every source's name, stands in
for them, so these tests drive ``pmtui.sources.read_timeline``'s contract, not a file format.
"""

from __future__ import annotations

import sys
import threading
import types
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.command import CommandList
from textual.widgets import DirectoryTree, Input, Label, Select

from helpers import FixedClock, create_meeting, plain, until, unwritten
from pmtui import sources
from pmtui.export.markdown import render_postmortem
from pmtui.model import TimelineEvent
from pmtui.sources import BadRecord, SourceError, SourceEvent, SourceRead
from pmtui.sources.preview import Candidate, mark_choices
from pmtui.tui.app import make_app
from pmtui.tui.screens.import_timeline import CandidateList, ImportFileDialog, ImportPreviewDialog
from pmtui.tui.screens.meeting import MeetingScreen
from pmtui.tui.views.timeline import TimelineView

DAY = datetime(2027, 1, 15, tzinfo=UTC)
MARKER = "export.marker"
"""A folder holding this file is what the fake source reads whole (as a Slack export folder)."""


class FakeSource:
    """Reads ``*.fake`` files: one ``HH:MM:SS|description|author[|mark,mark]`` per line (marks as Slack's: ``pinned``,
    ``:pushpin:``); ``BAD`` lines are bad records, ``SKIP`` lines are outside the window, and a file starting
    ``BROKEN`` cannot be read at all. Remembers each request."""

    def __init__(self) -> None:
        self.requests: list[sources.ImportRequest] = []

    def detect(self, path: Path) -> bool:
        return path.suffix == ".fake" or (path.is_dir() and (path / MARKER).exists())

    def read(self, path: Path, request: sources.ImportRequest, progress) -> SourceRead:
        self.requests.append(request)
        if path.is_dir():
            path = path / MARKER
        text = path.read_text(encoding="utf-8")
        if text.startswith("BROKEN"):
            raise SourceError(path.name, "", "not a fake export: export it again")
        lines = text.splitlines()
        found = SourceRead("fake")
        for number, line in enumerate(lines, 1):
            progress(number, len(lines))
            if line == "SKIP":
                found.skipped += 1
                continue
            if line == "BAD":
                found.bad.append(BadRecord(path.name, f"line {number}", "no time"))
                continue
            clock, description, author, *marks = line.split("|")
            moment = datetime.combine(DAY.date(), datetime.strptime(clock, "%H:%M:%S").time(), UTC)
            found.events.append(SourceEvent(moment, description, author=author, evidence=f"msg {number}",
                                            source="fake:#inc-db", marks=tuple(marks[0].split(",")) if marks else ()))
        return found


class NoSource:
    """A source whose files are never these."""

    @staticmethod
    def detect(path: Path) -> bool:
        return False


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeSource:
    """The fake source under the last name ``auto`` tries; every other source detects nothing."""
    source = FakeSource()
    for kind in sources.SOURCES:
        module = types.ModuleType(f"pmtui.sources.{kind}")
        module.detect = source.detect if kind == sources.SOURCES[-1] else NoSource.detect
        module.read = lambda path, request, progress: source.read(path, request, progress)  # a test may swap it
        monkeypatch.setitem(sys.modules, module.__name__, module)
    return source


LINES = ["14:30:00|deploy of v2.31 starts|Alice Example",
         "14:37:00|checkout errors start|Bob Builder",
         "14:40:00|[bold]paged[/bold] the on-call|Alice Example",
         "14:45:00|rollback decided|Carol Chen"]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working folder the picker starts in, holding ``timeline.fake``."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "timeline.fake").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    monkeypatch.chdir(work)
    return work


def make(tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    meeting = unwritten()
    meeting.incident.impact_start = DAY.replace(hour=14, minute=37)
    meeting.incident.resolved = DAY.replace(hour=15)
    meeting.events = [TimelineEvent(time=DAY.replace(hour=14, minute=37), description="checkout errors start")]
    return make_app(data, create_meeting(data, meeting), now=FixedClock(DAY.timestamp()))


async def preview_of(app, pilot, path: Path) -> ImportPreviewDialog:
    app.push_screen(ImportPreviewDialog(app.session, path))
    await until(pilot, lambda: isinstance(app.screen, ImportPreviewDialog) and app.screen.preview is not None
                or "-error" in app.screen.query_one("#import-status").classes, "the file is read")
    return app.screen


def status(dialog) -> str:
    return plain(dialog.query_one("#import-status", Label).render())


def shown(dialog) -> list[str]:
    events = dialog.query_one(CandidateList)
    return [plain(events.get_option_at_index(i).prompt) for i in range(events.option_count)]


async def test_palette_picker_preview_import_reaches_the_timeline(tmp_path, folder, fake):
    app = make(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Import timeline")
        commands = app.screen.query_one(CommandList)
        await until(pilot, lambda: commands.highlighted is not None and str(
            commands.get_option_at_index(commands.highlighted).prompt).startswith("Import timeline"),
            "the palette offers Import timeline…")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ImportFileDialog), "the picker opens")
        tree = app.screen.query_one(DirectoryTree)
        assert Path(tree.path) == folder  # it starts in the current folder
        await until(pilot, lambda: tree.root.children, "the folder is listed")
        await pilot.press("down", "enter")  # the root, then its only file
        await until(pilot, lambda: isinstance(app.screen, ImportPreviewDialog) and app.screen.preview is not None,
                    "the preview has read the file")
        dialog = app.screen
        request = fake.requests[-1]
        window = (request.tz, request.start, request.end)
        assert window == ("UTC", DAY.replace(hour=8, minute=37), DAY.replace(hour=16))
        assert len(shown(dialog)) == 3  # 14:37 is already in the timeline
        assert "1 already in the timeline" in status(dialog)
        assert "3 checked" in status(dialog)
        await pilot.press("n", "space", "down", "space")  # none, then the first two
        assert "2 checked" in status(dialog)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MeetingScreen), "the preview closes")
        events = sorted(app.session.meeting.events, key=lambda e: e.time)
        assert [(e.description, e.actor, e.source) for e in events] == [
            ("deploy of v2.31 starts", "Alice Example", "fake:#inc-db"),
            ("checkout errors start", "", ""),
            ("[bold]paged[/bold] the on-call", "Alice Example", "fake:#inc-db"),
        ]
        view = app.screen.query_one(TimelineView)
        imported = events[0]
        assert plain(view.table.get_cell(imported.id, "evidence")) == "fake:#inc-db · msg 1"
    app.close_session()


async def test_filters_check_only_what_they_show(tmp_path, folder, fake):
    app = make(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        dialog = await preview_of(app, pilot, folder / "timeline.fake")
        dialog.query_one("#import-author", Select).value = "Alice Example"
        await pilot.pause()
        assert [line.split(" ", 2)[2] for line in shown(dialog)] == [
            "Alice Example: deploy of v2.31 starts", "Alice Example: [bold]paged[/bold] the on-call"]
        await pilot.press("n")  # clears the two shown; Carol's stays checked
        assert "1 checked" in status(dialog)
        dialog.query_one("#import-author", Select).value = Select.NULL
        dialog.query_one("#import-filter", Input).value = "PAGED"
        await until(pilot, lambda: len(shown(dialog)) == 1, "the filter shows what it matches")
        assert "2 shown" not in status(dialog) and "1 shown" in status(dialog)
        dialog.query_one(CandidateList).focus()
        await pilot.press("a")
        assert "2 checked" in status(dialog)
        await pilot.press("enter")
        await pilot.pause()
        assert sorted(e.description for e in app.session.meeting.events if e.source) == [
            "[bold]paged[/bold] the on-call", "rollback decided"]
    app.close_session()


async def test_a_filter_redrawing_the_list_right_after_a_keeps_what_a_checked(tmp_path, folder, fake):
    """A CI run under load: the filter's pause ended between `a` and the list's message, and `a` was lost."""
    app = make(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        dialog = await preview_of(app, pilot, folder / "timeline.fake")
        await pilot.press("n")
        dialog.action_check(True)
        dialog._show_candidates()  # what the filter's timer does, before the list's message is handled
        await pilot.pause()
        assert "3 checked" in status(dialog)
    app.close_session()


MARKED = ["14:20:00|disk alert fires|Alertmanager|:pushpin:",
          "14:30:00|deploy of v2.31 starts|Alice Example|pinned,:eyes:",
          "14:38:00|lag back to 0|Bob Builder|:pushpin:,:+1:",
          "14:40:00|lunch?|Carol Chen",
          "14:50:00|failover done|Alice Example|pinned,:pushpin:"]


async def test_pinned_and_reacted_messages_can_be_shown_alone(tmp_path, folder, fake):
    marked = folder / "marked.fake"
    marked.write_text("\n".join(MARKED) + "\n", encoding="utf-8")
    app = make(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        dialog = await preview_of(app, pilot, marked)
        choice = dialog.query_one("#import-mark", Select)
        assert choice.display
        choice.focus()
        await pilot.press("enter", "down", "enter")  # open it, the first mark after "every message"
        await until(pilot, lambda: choice.value == "pinned", "pinned is chosen")
        assert [line.split(" ", 1)[1] for line in shown(dialog)] == [
            "fake:#inc-db Alice Example: deploy of v2.31 starts", "fake:#inc-db Alice Example: failover done"]
        assert "2 shown · 5 checked" in status(dialog)
        dialog.query_one(CandidateList).focus()
        await pilot.press("n")  # clears the two pinned; the others stay checked
        assert "2 shown · 3 checked" in status(dialog)
        choice.value = ":pushpin:"
        dialog.query_one("#import-author", Select).value = "Alice Example"
        await pilot.pause()
        assert [line.split(": ", 1)[1] for line in shown(dialog)] == ["failover done"]  # both choices at once
        dialog.query_one("#import-author", Select).value = Select.NULL
        await pilot.pause()
        assert [line.split(": ", 1)[1] for line in shown(dialog)] == ["disk alert fires", "lag back to 0",
                                                                      "failover done"]
        choice.value = Select.NULL
        await pilot.pause()
        assert len(shown(dialog)) == 5 and "3 checked" in status(dialog)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MeetingScreen), "the preview closes")
        assert sorted(e.description for e in app.session.meeting.events if e.source) == [
            "disk alert fires", "lag back to 0", "lunch?"]
    app.close_session()


async def test_the_mark_choice_is_hidden_when_nothing_is_marked(tmp_path, folder, fake):
    app = make(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        dialog = await preview_of(app, pilot, folder / "timeline.fake")
        assert dialog.query_one("#import-author", Select).display
        assert not dialog.query_one("#import-mark", Select).display
    app.close_session()


async def test_reading_shows_a_progress_line_and_escape_leaves_it(tmp_path, folder, fake, monkeypatch):
    started, release = threading.Event(), threading.Event()
    read = fake.read

    def slow_read(path, request, progress):
        progress(2, 10)
        started.set()
        release.wait(10)  # bounded: the test lets it go
        return read(path, request, progress)

    monkeypatch.setattr(fake, "read", slow_read)
    app = make(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ImportPreviewDialog(app.session, folder / "timeline.fake"))
        await until(pilot, lambda: isinstance(app.screen, ImportPreviewDialog)
                    and status(app.screen) == "Reading timeline.fake… 2 of 10", "the progress line")
        await pilot.press("escape")
        await pilot.pause()
        release.set()
        assert isinstance(app.screen, MeetingScreen)
        await app.workers.wait_for_complete()
        assert len(app.session.meeting.events) == 1
    app.close_session()


async def test_events_over_several_days_show_their_date(tmp_path, folder, fake, monkeypatch):
    late = folder / "late.fake"
    late.write_text(LINES[0] + "\n" + "23:59:00|still failing|Bob Builder\n", encoding="utf-8")
    real_read = fake.read

    def next_day(path, request, progress):
        found = real_read(path, request, progress)
        found.events[1] = replace(found.events[1], time=found.events[1].time.replace(day=16))
        return found

    monkeypatch.setattr(fake, "read", next_day)
    app = make(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        dialog = await preview_of(app, pilot, late)
        assert [line.split(" ", 3)[:3] for line in shown(dialog)] == [["Jan", "15", "14:30:00"],
                                                                      ["Jan", "16", "23:59:00"]]
    app.close_session()


async def test_markup_in_an_event_is_shown_as_typed(tmp_path, folder, fake):
    app = make(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        dialog = await preview_of(app, pilot, folder / "timeline.fake")
        assert "[bold]paged[/bold] the on-call" in shown(dialog)[1]
    app.close_session()


async def test_a_file_that_cannot_be_read_is_one_line_and_imports_nothing(tmp_path, folder, fake):
    broken = folder / "broken.fake"
    broken.write_text("BROKEN\n", encoding="utf-8")
    app = make(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await preview_of(app, pilot, broken)
        assert status(dialog) == "broken.fake: not a fake export: export it again"
        assert dialog.query_one("#import-preview-dialog").border_subtitle == "Esc closes"
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.session.meeting.events) == 1
    app.close_session()


async def test_a_readers_bug_is_one_line_and_the_meeting_goes_on(tmp_path, folder, fake, monkeypatch):
    def buggy(path, request, progress):
        raise ValueError("unexpected shape")

    monkeypatch.setattr(fake, "read", buggy)
    app = make(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        dialog = await preview_of(app, pilot, folder / "timeline.fake")
        assert status(dialog).startswith(f"{folder / 'timeline.fake'}: cannot be imported (ValueError: unexpected "
                                         "shape): a bug in pmtui's reader")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen) and app.is_running
    app.close_session()


async def test_nothing_in_the_window_says_where_it_looked(tmp_path, folder, fake):
    empty = folder / "empty.fake"
    empty.write_text("SKIP\nSKIP\n", encoding="utf-8")
    app = make(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        dialog = await preview_of(app, pilot, empty)
        assert status(dialog) == ("0 new events from fake · 2 outside the window or noise · looked from Jan 15 08:37 "
                                  "to Jan 15 16:00, around the incident's times (f6 edits them) · none checked")
    app.close_session()


async def test_bad_records_refuse_the_whole_file_in_one_line(tmp_path, folder, fake):
    bad = folder / "bad.fake"
    bad.write_text("\n".join([LINES[0], "BAD", LINES[2], "BAD"]) + "\n", encoding="utf-8")
    app = make(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        dialog = await preview_of(app, pilot, bad)
        line = status(dialog)
        assert line.startswith("bad.fake: line 2: no time (and 1 more bad records); nothing imported")
        assert "\n" not in line and dialog.preview is None
        dialog.action_import_checked()
        assert len(app.session.meeting.events) == 1
    app.close_session()


async def test_a_file_of_no_known_kind_is_one_line(tmp_path, folder, fake):
    other = folder / "notes.txt"
    other.write_text("hello\n", encoding="utf-8")
    app = make(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        dialog = await preview_of(app, pilot, other)
        assert status(dialog).startswith(f"{other}: unknown file type: not a Slack export")
        assert "--from" not in status(dialog)  # the app has no such option
    app.close_session()


async def test_enter_on_an_export_folder_picks_it_and_other_folders_open(tmp_path, folder, fake):
    export = folder / "slack-export"
    export.mkdir()
    (export / MARKER).write_text(LINES[3] + "\n", encoding="utf-8")
    (folder / "plain").mkdir()
    app = make(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        picked = []
        await app.push_screen(ImportFileDialog(), picked.append)
        tree = app.screen.query_one(DirectoryTree)
        await until(pilot, lambda: len(tree.root.children) == 3, "the folder is listed")
        assert [str(node.label) for node in tree.root.children][:2] == ["plain", "slack-export"]
        await pilot.press("down", "enter")  # plain: opens
        await pilot.pause()
        assert isinstance(app.screen, ImportFileDialog) and tree.root.children[0].is_expanded
        await pilot.press("down", "enter")  # the export: picked
        await until(pilot, lambda: picked, "the export folder is picked")
        assert picked == [export]
    app.close_session()


async def test_a_typed_path_is_picked_or_refused_in_one_line(tmp_path, folder, fake):
    app = make(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        picked = []
        await app.push_screen(ImportFileDialog(), picked.append)
        app.screen.query_one("#import-path", Input).focus()
        await pilot.press(*"missing.fake", "enter")
        error = plain(app.screen.query_one("#import-file-error", Label).render())
        assert error == f"{folder / 'missing.fake'}: does not exist: choose a file, or a Slack export folder"
        app.screen.query_one("#import-path", Input).value = "timeline.fake"
        await pilot.press("enter")
        await pilot.pause()
        assert picked == [folder / "timeline.fake"]
    app.close_session()


def test_the_marks_offered_are_pinned_first_then_the_most_used_reactions():
    event = TimelineEvent(time=DAY, description="x")
    found = [Candidate(event, "a", marks) for marks in [(":pushpin:",), ("pinned", ":eyes:"), (":pushpin:", ":+1:"),
                                                         (), ("pinned", ":pushpin:")]]
    assert mark_choices(found) == [("pinned (2)", "pinned"), (":pushpin: (3)", ":pushpin:"), (":+1: (1)", ":+1:"),
                                   (":eyes: (1)", ":eyes:")]
    assert mark_choices([Candidate(event, "a")]) == []


def test_the_export_names_an_imported_events_source_in_its_evidence():
    meeting = unwritten()
    meeting.events = [
        TimelineEvent(time=DAY, description="paged", evidence="https://example.com/a?b|c", source="slack:#inc-db"),
        TimelineEvent(time=DAY.replace(hour=1), description="acked", source="pagerduty|x"),
        TimelineEvent(time=DAY.replace(hour=2), description="typed", evidence="grafana"),
    ]
    text = render_postmortem(meeting)
    assert "| slack:#inc-db · [link](https://example.com/a?b%7Cc) |" in text
    assert "| pagerduty\\|x |" in text  # a source cannot end the table cell
    assert "| grafana |" in text


def test_snapshot_import_preview_80x24(snap_compare, tmp_path, folder, fake):
    app = make(tmp_path)

    async def open_it(pilot):
        await preview_of(app, pilot, folder / "timeline.fake")
        await pilot.press("down", "space")

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_it)
    app.close_session()
