"""What the screens draw holds no terminal control code and reads no markup from user text (issue #12, failure 3).

The rendered strips are what Textual writes to the terminal between its own cursor and style sequences: a
control character in them is one the terminal would obey.
"""

from __future__ import annotations

from datetime import UTC, datetime

from textual import events
from textual.widgets import Label, TextArea

from helpers import FixedClock, create_meeting, paste_line, screen_text, until
from pmtui.model import Incident, TimelineEvent
from pmtui.session import MeetingSession
from pmtui.tui.app import make_app
from pmtui.tui.notetaker.app import NoteTakerApp
from pmtui.tui.screens.actions_board import ActionsBoardScreen
from pmtui.tui.screens.event_dialogs import EditEventDialog
from pmtui.tui.screens.home import HomeScreen
from pmtui.tui.screens.stats import StatsScreen
from pmtui.tui.views.notes import NotesView
from pmtui.tui.views.timeline import TimelineView
from test_room_support import TOKEN, room  # noqa: F401 (fixture)
from test_text_rule import ATTACKS, MARKUP, UNSAFE, assert_clean_store, hostile_meeting

MARKERS = ("zqb", "zqc")
"""The words of :data:`MARKUP` that only its tags surround: drawn without them, the markup was read."""


def rendered_lines(app) -> list[str]:
    """Every line of the screen as Textual renders it for the terminal (the text of its segments)."""
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


def notices(app) -> list[str]:
    return [notification.message for notification in app._notifications]


def assert_screen_plain(app, where: str) -> None:
    for line in rendered_lines(app):
        found = UNSAFE.search(line)
        assert found is None, f"{where}: U+{ord(found.group()):04X} drawn in {line.strip()[:100]!r}"
    text = screen_text(app)
    for marker in MARKERS:
        assert text.count(marker) == text.count("]" + marker), f"{where}: markup read from user text\n{text}"


async def test_every_phase_and_screen_of_an_old_hostile_meeting_draws_text_not_codes_or_markup(tmp_path):
    meeting_id = create_meeting(tmp_path, hostile_meeting(" " + MARKUP))
    create_meeting(tmp_path, hostile_meeting(" " + MARKUP))  # a second meeting: the library screens list both
    app = make_app(tmp_path, meeting_id, now=FixedClock())
    async with app.run_test(size=(200, 60)) as pilot:
        seen = 0
        for index, phase in enumerate(app.session.agenda.phases):
            app.session.jump_to_phase(index)
            await pilot.pause()
            assert_screen_plain(app, f"phase {phase.title}")
            seen += screen_text(app).count("]zqb")
        assert seen > 20, "the phases show the hostile texts (as text)"
        for screen in (ActionsBoardScreen(tmp_path), StatsScreen(tmp_path)):
            app.push_screen(screen)
            await until(pilot, lambda: "Reading meetings" not in screen_text(app), "the library is read")
            assert_screen_plain(app, type(screen).__name__)
            app.pop_screen()
    app.close_session()
    home = make_app(tmp_path, now=FixedClock())
    async with home.run_test(size=(200, 40)) as pilot:
        await until(pilot, lambda: "]zqb" in screen_text(home), "the home screen lists the meetings")
        assert isinstance(home.screen, HomeScreen)
        assert_screen_plain(home, "home")


async def test_a_hostile_file_name_in_the_data_dir_is_shown_without_its_codes(tmp_path):
    (tmp_path / "x \x1b]0;PWNED\x07 \x9b2J.json").write_text("{not json", encoding="utf-8")
    app = make_app(tmp_path, now=FixedClock())
    async with app.run_test(size=(160, 30)) as pilot:
        await until(pilot, lambda: "x  .json" in screen_text(app), "the home screen reports the file")
        assert "PWNED" not in screen_text(app)
        assert_screen_plain(app, "home with a bad file")


def hostile_timeline_app(tmp_path):
    """The facilitator's app on the timeline phase of the hostile meeting, its events taken out."""
    meeting = hostile_meeting()
    meeting.events, meeting.clock.phase_index = [], 1
    return make_app(tmp_path, create_meeting(tmp_path, meeting), now=FixedClock())


async def test_a_pasted_escape_code_is_refused_before_any_entry_line_draws_it(tmp_path):
    app = hostile_timeline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        view = app.screen.current_view
        assert isinstance(view, TimelineView)
        for attack in ATTACKS.values():
            app.post_message(events.Paste(f"14:37 pasted {attack}"))  # as a terminal's paste arrives
            await pilot.pause()
            assert view.entry.input.value == "", "nothing was pasted"
            assert_screen_plain(app, "after a refused paste")
        assert "the pasted text holds a control character (U+001B); nothing was pasted" in notices(app)
        app.post_message(events.Paste("14:37 pasted fine\r\n"))  # a terminal's line break is no control code
        await pilot.pause()
        assert view.entry.input.value == "14:37 pasted fine"
        await pilot.press("enter")
        await pilot.pause()
        assert [e.description for e in app.session.meeting.events] == ["pasted fine"]
    app.close_session()


async def test_a_typed_line_holding_a_code_is_refused_in_one_line_and_kept_out_of_the_store(tmp_path):
    app = hostile_timeline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        view = app.screen.current_view
        # straight into the entry line, past the app's check of pastes (which keeps such a line from being drawn)
        view.entry.input.post_message(events.Paste("14:37 checkout \u202eerrors"))
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.meeting.events == []
        assert "holds a text-direction control character (U+202E)" in screen_text(app)
        view.entry.input.value = ""  # the refused line stays to be fixed; this test types another
        await paste_line(pilot, "14:38 checkout errors " + MARKUP)
        assert [e.description for e in app.session.meeting.events] == ["checkout errors " + MARKUP]
        assert_screen_plain(app, "timeline")
        assert view is app.screen.current_view
    app.close_session()
    assert_clean_store(tmp_path / f"{app.session.meeting.id}.json")


async def test_notes_pasted_with_a_code_are_refused_and_their_lines_stay(tmp_path):
    agenda = tmp_path / "notes.toml"
    agenda.write_text('name = "notes"\ndescription = ""\n[[phases]]\nid = "all"\ntitle = "All"\nminutes = 30\n'
                      'kind = "notes"\n', encoding="utf-8")
    session = MeetingSession.create(tmp_path, Incident("Checkout errors"), str(agenda))
    session.close()
    app = make_app(tmp_path, session.meeting.id, now=FixedClock())
    async with app.run_test(size=(140, 40)) as pilot:
        area = app.screen.query_one(NotesView).query_one(TextArea)
        area.focus()
        app.post_message(events.Paste("line one\x1b[2J\nline two"))
        await pilot.pause()
        assert area.text == ""
        assert "the pasted text holds a control character (U+001B); nothing was pasted" in notices(app)
        app.post_message(events.Paste("line one\r\nline two\tend"))
        await pilot.pause()
        assert area.text == "line one\nline two\tend" == app.session.meeting.notes["all"]
        assert_screen_plain(app, "notes")
    app.close_session()


async def test_the_note_takers_screen_draws_no_code_even_from_a_facilitator_that_sends_them(room):
    hostile = "".join(ATTACKS.values())
    room.session.meeting.events.append(  # straight into memory: a facilitator that does not clean
        TimelineEvent(datetime(2026, 3, 14, 14, 37, tzinfo=UTC), f"db down {hostile} {MARKUP}", hostile,
                      author=hostile))
    room.session.meeting.incident.title = f"Checkout {hostile}"
    app = NoteTakerApp(room.url, TOKEN, name="alice", outbox_dir=room.outbox_dir)
    async with app.run_test(size=(140, 36)) as pilot:
        await until(pilot, lambda: "db down" in screen_text(app), "the welcome is drawn")
        assert_screen_plain(app, "note-taker")
        app.post_message(events.Paste("14:40 \x1b]52;c;cm0gLXJmIH4=\x07"))
        await pilot.pause()
        assert app.notes.entry.input.value == ""
        assert_screen_plain(app, "note-taker after a refused paste")



async def test_a_refusal_quoting_typed_markup_shows_it_as_typed(tmp_path):
    """The edit dialog's error quotes the typed time: read as markup, ``[/]`` raised and ``[bold]`` vanished."""
    meeting = hostile_meeting()
    meeting.clock.phase_index = 1
    app = make_app(tmp_path, create_meeting(tmp_path, meeting), now=FixedClock())
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("down", "enter")
        dialog = app.screen
        assert isinstance(dialog, EditEventDialog)
        await pilot.press("end", "ctrl+u")
        await paste_line(pilot, "[bold]zqb[/] [/]")
        assert app.screen is dialog and dialog.has_class("-error")
        assert "cannot read time '[bold]zqb[/] [/]'" in str(dialog.query_one(".dialog-error", Label).render())
        assert_screen_plain(app, "edit dialog")
    app.close_session()
