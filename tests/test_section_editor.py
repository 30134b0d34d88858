"""The Markdown editor of the document's narrative sections: typing, preview, switching, a published document,
and its ways in (the review phase, the palette, ``pmtui edit``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList, TextArea

from helpers import FixedClock, create_meeting, paste, screen_text, until
from pmtui.model import Incident, Meeting, from_data
from pmtui.session import MeetingSession
from pmtui.store import MeetingFile
from pmtui.tui.app import make_app
from pmtui.tui.editor_app import make_editor_app
from pmtui.tui.screens.dialogs import ConfirmDialog
from pmtui.tui.screens.meeting import MeetingScreen
from pmtui.tui.screens.section_editor import SectionEditor
from pmtui.tui.screens.why_dialogs import PickDialog
from pmtui.tui.views.review import ReviewView
from pmtui.tui.widgets.document_preview import DocumentPreview


def standard_meeting(data_dir: Path, *, sections: dict[str, str] | None = None, published: bool = False,
                     phase: int | None = None) -> tuple[str, Path]:
    """A meeting on the standard agenda (its nine sections), closed; its id and file."""
    session = MeetingSession.create(data_dir, Incident("Replica lag", impact_start=None), now=FixedClock())
    for section_id, text in (sections or {}).items():
        session.set_section(section_id, text)
    if phase is not None:
        session.jump_to_phase(phase)
    if published:
        session.publish("2026-01-10")
    session.close()
    return session.meeting.id, session.file.path


def on_disk(path: Path) -> Meeting:
    with MeetingFile.open(path, write=False) as file:
        return from_data(Meeting, file.load())


def editor_of(app) -> SectionEditor:
    assert isinstance(app.screen, SectionEditor), app.screen
    return app.screen


def area_of(app) -> TextArea:
    return app.screen.query_one("#section-text", TextArea)


def preview_of(app) -> DocumentPreview:
    return app.screen.query_one("#section-preview", DocumentPreview)


# --- the editor --------------------------------------------------------------------------------------------------


async def test_typing_is_saved_as_typed_and_reaches_the_disk(tmp_path):
    meeting_id, path = standard_meeting(tmp_path)
    app = make_editor_app(tmp_path, meeting_id, "narrative", now=FixedClock())
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press(*"## The", "enter", *"failover")
            assert app.session.meeting.sections["narrative"] == "## The\nfailover"
            await pilot.press("backspace")
            assert app.session.meeting.sections["narrative"] == "## The\nfailove"  # every key, not on leaving
            assert app.session.flush(10)
            assert on_disk(path).sections["narrative"] == "## The\nfailove"
            text = screen_text(app)
            assert "What happened" in text and "section 3 of 9" in text and "The story of the incident" in text
    finally:
        app.close_session()


async def test_an_emptied_summary_stays_empty_while_typing(tmp_path):
    """An empty summary section reads as the incident's summary: it is shown to start from, never typed back."""
    session = MeetingSession.create(tmp_path, Incident("Replica lag", impact_start=None, summary="Lag."),
                                    now=FixedClock())
    session.close()
    app = make_editor_app(tmp_path, session.meeting.id, "summary", now=FixedClock())
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert area_of(app).text == "Lag."
            await pilot.press(*["backspace"] * 4)
            assert area_of(app).text == "" and app.session.meeting.sections["summary"] == ""
            await pilot.press(*"New")
            assert area_of(app).text == "New" and app.session.meeting.sections["summary"] == "New"
    finally:
        app.close_session()


async def test_without_a_section_it_starts_at_the_first_one_to_write(tmp_path):
    meeting_id, _ = standard_meeting(tmp_path, sections={"summary": "Lag.", "narrative": "It lagged."})
    app = make_editor_app(tmp_path, meeting_id, now=FixedClock())
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert editor_of(app).section.id == "response"
            assert "required, to write" in screen_text(app)
    finally:
        app.close_session()


async def test_markdown_is_highlighted(tmp_path):
    meeting_id, _ = standard_meeting(tmp_path, sections={"narrative": "# Heading\n\n*stress*"})
    app = make_editor_app(tmp_path, meeting_id, "narrative", now=FixedClock())
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            area = area_of(app)
            assert area.language == "markdown" and area.soft_wrap
            assert area._highlights, "tree-sitter's Markdown found nothing to highlight"
    finally:
        app.close_session()


async def test_without_the_markdown_grammar_the_text_is_plain(tmp_path, monkeypatch):
    import textual.widgets._text_area as text_area_module

    monkeypatch.setattr(text_area_module, "get_language", lambda name: None)  # tree-sitter-markdown not installed
    meeting_id, _ = standard_meeting(tmp_path, sections={"narrative": "# Heading"})
    app = make_editor_app(tmp_path, meeting_id, "narrative", now=FixedClock())
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert area_of(app).language is None and area_of(app).text == "# Heading"
            await pilot.press(*" typed")
            assert app.session.meeting.sections["narrative"] == "# Heading typed"
    finally:
        app.close_session()


async def test_preview_beside_the_text_when_wide_and_in_its_place_when_narrow(tmp_path):
    meeting_id, _ = standard_meeting(tmp_path, sections={"narrative": "# Failover\n\nThe **replica** lagged."})
    app = make_editor_app(tmp_path, meeting_id, "narrative", now=FixedClock())
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            assert area_of(app).display and preview_of(app).parent.display  # side by side from the start
            await pilot.press(*" More.")
            await until(pilot, lambda: preview_of(app).text.endswith("More."), "the preview follows the typing")
            await pilot.press("f2")
            assert not preview_of(app).parent.display and area_of(app).has_focus
    finally:
        app.close_session()

    app = make_editor_app(tmp_path, meeting_id, "narrative", now=FixedClock())
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert area_of(app).display and not preview_of(app).parent.display
            await pilot.press("f2")
            await pilot.pause()
            assert not area_of(app).display and preview_of(app).parent.display
            text = screen_text(app)
            assert "**" not in text and "replica" in text and "Failover" in text  # rendered, not the source
            await pilot.press("f2")
            assert area_of(app).display and area_of(app).has_focus
    finally:
        app.close_session()


async def test_the_preview_shows_raw_html_as_text(tmp_path):
    meeting_id, _ = standard_meeting(tmp_path, sections={"narrative": 'A <b onclick="x()">bold</b> claim'})
    app = make_editor_app(tmp_path, meeting_id, "narrative", now=FixedClock())
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f2")
            await pilot.pause()
            assert '<b onclick="x()">bold</b>' in screen_text(app)
    finally:
        app.close_session()


async def test_switching_to_the_next_and_previous_section(tmp_path):
    meeting_id, path = standard_meeting(tmp_path, sections={"background": "Two databases."})
    app = make_editor_app(tmp_path, meeting_id, "summary", now=FixedClock())
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+n")
            assert editor_of(app).section.id == "background" and area_of(app).text == "Two databases."
            assert "Background" in screen_text(app) and "section 2 of 9" in screen_text(app)
            await pilot.press(*" A primary.")
            await pilot.press("ctrl+b")
            await pilot.press(*"Lag")
            assert app.session.meeting.sections["background"] == "Two databases. A primary."
            assert app.session.meeting.sections["summary"] == "Lag"
            await pilot.press("ctrl+b")
            assert editor_of(app).section.id == "summary"
            for _ in range(9):
                await pilot.press("ctrl+n")
            assert editor_of(app).section.id == "supporting"
    finally:
        app.close_session()
    assert on_disk(path).sections == {"background": "Two databases. A primary.", "summary": "Lag"}


async def test_a_published_document_asks_once_and_dates_the_change(tmp_path):
    meeting_id, path = standard_meeting(tmp_path, sections={"summary": "Lag."}, published=True)
    clock = FixedClock()
    app = make_editor_app(tmp_path, meeting_id, "summary", now=clock)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("x")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmDialog)
            assert f"“Updated after publication: {app.session.today().isoformat()}”" in screen_text(app)
            await pilot.press("n")
            assert app.session.meeting.sections["summary"] == "Lag." and area_of(app).text == "Lag."
            await pilot.press("x")
            assert isinstance(app.screen, ConfirmDialog)  # still not allowed: asked again
            await pilot.press("y")
            assert app.session.meeting.sections["summary"] == "Lag.x", "the key that asked is typed"
            await pilot.press("backspace", *" Fixed.")
            assert app.session.meeting.sections["summary"] == "Lag. Fixed."
            assert app.session.meeting.updated_after_publication == app.session.today()
            await pilot.press("ctrl+n", *"Setup")
            assert isinstance(app.screen, SectionEditor)  # once per screen
            assert app.session.meeting.sections["background"] == "Setup"
    finally:
        app.close_session()
    assert on_disk(path).updated_after_publication is not None


async def test_a_paste_into_a_published_document_asks_too(tmp_path):
    meeting_id, _ = standard_meeting(tmp_path, published=True)
    app = make_editor_app(tmp_path, meeting_id, "lessons", now=FixedClock())
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await paste(pilot, "Pasted lesson.")
            assert isinstance(app.screen, ConfirmDialog) and "lessons" not in app.session.meeting.sections
            await pilot.press("y")
            await pilot.pause()
            assert app.session.meeting.sections["lessons"] == "Pasted lesson.", "the paste that asked is kept"
    finally:
        app.close_session()


@pytest.mark.parametrize(("keys", "written"), [
    (["N", *"o data was lost."], "Lag. No data was lost."),
    (["enter", *"More."], "Lag. \nMore."),
    (["backspace", "!"], "Lag.!"),
], ids=["letter", "enter", "backspace"])
async def test_the_key_that_asked_is_applied_once_the_answer_is_yes(tmp_path, keys, written):
    """Nothing typed is lost to the question: a user who typed N and said yes finds the N."""
    meeting_id, _ = standard_meeting(tmp_path, sections={"impact": "Lag. "}, published=True)
    app = make_editor_app(tmp_path, meeting_id, "impact", now=FixedClock())
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press(keys[0])
            assert isinstance(app.screen, ConfirmDialog)
            await pilot.press("y", *keys[1:])
            await pilot.pause()
            assert app.session.meeting.sections["impact"] == written == area_of(app).text
    finally:
        app.close_session()


async def test_a_paste_holding_a_control_code_is_refused(tmp_path):
    meeting_id, _ = standard_meeting(tmp_path)
    app = make_editor_app(tmp_path, meeting_id, "lessons", now=FixedClock())
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await paste(pilot, "copied \x1b]52;c;aGk=\x07 from a terminal")
            assert area_of(app).text == "" and "lessons" not in app.session.meeting.sections
            await paste(pilot, "line one\r\nline two\ttabbed")
            assert app.session.meeting.sections["lessons"] == "line one\nline two\ttabbed"
    finally:
        app.close_session()


async def test_a_paste_as_long_as_a_section_holds_is_kept(tmp_path):
    """A section holds more than a phase's notes: the app's check of pastes must not refuse what the section takes."""
    from pmtui.text import LIMITS

    long_text = ("The standby waited for a WAL segment that was recycled. " * 4000)[:LIMITS["section"] - 1]
    assert len(long_text) > LIMITS["note"]
    meeting_id, _ = standard_meeting(tmp_path)
    app = make_editor_app(tmp_path, meeting_id, "supporting", now=FixedClock())
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await paste(pilot, long_text)
            assert "nothing was pasted" not in screen_text(app)
            assert app.session.meeting.sections["supporting"] == long_text
    finally:
        app.close_session()


async def test_text_over_the_limit_is_shown_refused_and_kept_on_screen(tmp_path):
    from pmtui.text import LIMITS

    full = ("x" * 99 + "\n") * (LIMITS["section"] // 100)
    meeting_id, _ = standard_meeting(tmp_path, sections={"lessons": full})
    app = make_editor_app(tmp_path, meeting_id, "lessons", now=FixedClock())
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("y")
            assert app.session.meeting.sections["lessons"] == full and area_of(app).text == full + "y"
            assert "✗ not saved: the section is too long (200001 characters; at most 200000); shorten it" \
                in screen_text(app)
            await pilot.press("backspace")
            assert "too long" not in screen_text(app)
    finally:
        app.close_session()


async def test_escape_closes_the_editor_and_quits_pmtui_edit(tmp_path):
    meeting_id, path = standard_meeting(tmp_path)
    app = make_editor_app(tmp_path, meeting_id, "lessons", now=FixedClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*"Backups need tests.", "escape")
        await pilot.pause()
        assert not app.is_running
    app.close_session()
    assert on_disk(path).sections["lessons"] == "Backups need tests."
    MeetingSession.open(tmp_path, meeting_id).close()  # the lock was let go


# --- the review phase and the palette ---------------------------------------------------------------------------


async def test_the_review_lists_the_sections_and_opens_one(tmp_path):
    meeting_id, _ = standard_meeting(tmp_path, sections={"summary": "Lag.", "background": "Two."}, phase=5)
    app = make_app(tmp_path, meeting_id, now=FixedClock())
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            view = app.screen.query_one(ReviewView)
            options = view.query_one("#review-sections", OptionList)
            rows = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
            assert rows[:3] == ["✓ written   Summary", "✓ written   Background", "✎ to write  What happened"]
            assert rows[4] == "✎ to write  Response and recovery" and rows[5] == "  optional  Communication"
            named = "Sections · 3 to write: What happened, Response and recovery, Lessons learned · f4 writes one"
            assert named in screen_text(app)
            options.focus()
            options.highlighted = 2
            await pilot.press("enter")
            assert editor_of(app).section.id == "narrative"
            await pilot.press(*"It lagged.", "escape")
            assert isinstance(app.screen, MeetingScreen)
            await pilot.pause()
            assert str(options.get_option_at_index(2).prompt) == "✓ written   What happened"
            assert "2 to write: Response and recovery, Lessons learned" in screen_text(app)
            await pilot.press("f4")  # a section from anywhere in the review, the next to write chosen
            await pilot.pause()
            assert isinstance(app.screen, PickDialog)
            await pilot.press("enter")
            assert editor_of(app).section.id == "response"
    finally:
        app.close_session()


async def test_a_small_review_names_the_sections_to_write_and_f4_picks_one(tmp_path):
    meeting_id, _ = standard_meeting(tmp_path, sections={"summary": "Lag."}, phase=5)
    app = make_app(tmp_path, meeting_id, now=FixedClock())
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert not app.screen.query_one("#review-sections", OptionList).display  # the document keeps the room
            assert "Sections · 3 to write: What happened, Response" in screen_text(app)
            await pilot.press("f4")
            await pilot.pause()
            await pilot.press("down", "enter")
            assert editor_of(app).section.id == "detection"
    finally:
        app.close_session()


async def test_the_palette_picks_a_section_then_opens_the_editor(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            for section in ("narrative", "response"):  # the demo's story is written: two of it are not, here
                app.session.set_section(section, "")
            await pilot.pause()
            titles = [command.title for command in app.screen.commands()]
            assert "Edit section…" in titles
            app.screen.action_edit_section()
            await pilot.pause()
            assert isinstance(app.screen, PickDialog)
            assert "What happened · to write" in screen_text(app)
            await pilot.press("enter")  # the first one to write is highlighted
            assert editor_of(app).section.id == "narrative"
            await pilot.press("escape")
            assert isinstance(app.screen, MeetingScreen)
    finally:
        app.close_session()


async def test_a_yes_on_opening_a_published_meeting_lets_its_sections_change_without_asking_again(tmp_path):
    """One yes is enough for the session: the meeting screen asked on open, the editor it opens does not ask again."""
    meeting_id, _ = standard_meeting(tmp_path, sections={"summary": "Lag."}, published=True)
    app = make_app(tmp_path, meeting_id, now=FixedClock())
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ConfirmDialog), "opening a published meeting asks"
            await pilot.press("y")
            await pilot.pause()
            app.screen.action_edit_section()
            await pilot.pause()
            await pilot.press("enter")
            assert isinstance(editor_of(app), SectionEditor)
            await pilot.press(*"Done")
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmDialog), "asked again after the facilitator agreed"
            assert "Done" in area_of(app).text
    finally:
        app.close_session()


# --- pmtui edit: what it refuses ---------------------------------------------------------------------------------


def test_a_section_that_does_not_exist_is_refused_and_the_meeting_let_go(tmp_path):
    from pmtui.session import ValidationError

    meeting_id, path = standard_meeting(tmp_path)
    before = path.read_bytes()
    with pytest.raises(ValidationError, match="no section 'nope'; use one of summary, background"):
        make_editor_app(tmp_path, meeting_id, "nope")
    assert path.read_bytes() == before
    MeetingSession.open(tmp_path, meeting_id).close()
