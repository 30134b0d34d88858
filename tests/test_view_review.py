"""Pilot and snapshot tests for the review phase view."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from textual.containers import VerticalScroll
from textual.widgets import Input, Label

from helpers import FixedClock, create_meeting, paste, paste_line, screen_text, show_phase, until, unwritten
from pmtui.export.markdown import render_postmortem
from pmtui.tui.app import make_app
from pmtui.tui.views import review
from pmtui.tui.views.review import ReviewView
from pmtui.tui.widgets.document_preview import DocumentMarkdown, split_sections

PHASE = 5  # "Review and next steps" in standard-90
ACTIONS_PHASE = 4


async def settle(app, pilot) -> None:
    """Let pending renders of the document finish."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def show_view(app, pilot) -> ReviewView:
    """Jump to the review phase and return its view, document rendered."""
    view = await show_phase(app, pilot, PHASE, ReviewView)
    await settle(app, pilot)
    return view


async def test_shows_the_rendered_post_mortem(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_view(app, pilot)
        assert view.document_text.startswith("# Checkout errors after connection pool change\n")
        assert "Validate production connection pool settings against a minimum in CI" in view.document_text
        assert "Checkout errors after connection pool change" in screen_text(app)
        assert app.focused is view.query_one("#review-owner", Input)
        scroll = view.query_one("#review-scroll", VerticalScroll)
        await pilot.press("pagedown")
        await pilot.wait_for_scheduled_animations()
        assert scroll.scroll_y > 0, "page down scrolls the document from the owner field"
        assert "Milestones" in screen_text(app)
        assert "| open (overdue) |" in view.document_text, "the action's row, overdue by the meeting's clock"
        await pilot.press("pageup")
        await pilot.pause()
        assert app.focused is view.query_one("#review-owner", Input)
    app.close_session()


def count_renders(monkeypatch) -> list[str]:
    """Count the documents the review view renders (one title per render)."""
    calls: list[str] = []
    render_postmortem = review.render_postmortem

    def counting(meeting, **kwargs):
        calls.append(meeting.incident.title)
        return render_postmortem(meeting, **kwargs)

    monkeypatch.setattr(review, "render_postmortem", counting)
    return calls


async def test_renders_only_when_visible(tmp_path, monkeypatch):
    calls = count_renders(monkeypatch)
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten()), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        app.session.jump_to_phase(ACTIONS_PHASE)
        await settle(app, pilot)
        for n in range(5):
            app.session.add_action(f"Follow-up item {n}", due="2027-01-01")
            await pilot.pause()
        await settle(app, pilot)
        assert calls == [], "nothing is rendered while the review is not on screen"
        view = await show_view(app, pilot)
        assert len(calls) == 1, "showing the view renders every change so far at once"
        assert "Follow-up item 4" in view.document_text
    app.close_session()


async def test_changes_on_screen_wait_for_the_delay(tmp_path, monkeypatch):
    calls = count_renders(monkeypatch)
    monkeypatch.setattr(review, "RENDER_DELAY", 60)
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten()), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_view(app, pilot)
        app.session.add_action("Typed while reviewing", due="2027-01-01")
        await settle(app, pilot)
        assert len(calls) == 1 and "Typed while reviewing" not in view.document_text
    app.close_session()


async def test_changes_on_screen_are_rendered_after_the_delay(tmp_path, monkeypatch):
    monkeypatch.setattr(review, "RENDER_DELAY", 0.01)
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten()), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_view(app, pilot)
        app.session.add_action("Typed while reviewing", due="2027-01-01")
        app.session.update_incident(title="Checkout errors after pool change")
        for _ in range(20):
            await settle(app, pilot)
            if "Typed while reviewing" in view.document_text:
                break
        assert "Typed while reviewing" in view.document_text
        assert view.document_text.startswith("# Checkout errors after pool change\n")
        assert "Checkout errors after pool change" in screen_text(app)
    app.close_session()


def count_section_renders(monkeypatch) -> list[str]:
    """Count the sections of the document drawn (the first line of each text drawn), mounted or updated."""
    calls: list[str] = []
    init = DocumentMarkdown.__init__

    def counting(markdown, markup):
        calls.append(markup.partition("\n")[0])
        init(markdown, markup)

    monkeypatch.setattr(DocumentMarkdown, "__init__", counting)
    return calls


def exported(app) -> str:
    """The post-mortem as `pmtui export` writes it now."""
    return render_postmortem(app.session.snapshot(), today=app.session.today())


async def test_a_change_renders_only_the_sections_it_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(review, "RENDER_DELAY", 0.01)
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten()), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_view(app, pilot)
        assert view.document_text == exported(app)
        calls = count_section_renders(monkeypatch)
        app.session.add_observation("went_well", "The rollback runbook was current", author="Lee Chen")
        await until(pilot, lambda: "The rollback runbook was current" in view.document_text, "the preview shows it")
        await settle(app, pilot)
        assert calls == ["## What went well"], "the list, no more"
        assert view.document_text == exported(app), "exactly the export"
        calls.clear()
        view.query_one("#review-entry").focus_input()
        await paste_line(pilot, "the owner circulates the draft on Friday")
        await settle(app, pilot)
        assert app.session.meeting.notes, "the note was kept"
        assert calls == [], "a note is not in the post-mortem: nothing renders"
    app.close_session()


async def test_a_burst_of_changes_is_one_render(tmp_path, monkeypatch):
    monkeypatch.setattr(review, "RENDER_DELAY", 0.05)
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten()), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_view(app, pilot)
        calls = count_section_renders(monkeypatch)
        for n in range(5):
            app.session.add_observation("went_poorly", f"Burst item {n}", author="Lee Chen")
        await until(pilot, lambda: "Burst item 4" in view.document_text, "the preview shows the burst")
        await settle(app, pilot)
        assert calls == ["## What went poorly"]
        assert view.document_text == exported(app)
    app.close_session()


async def test_nothing_renders_while_the_guidance_is_up_in_place_of_the_document(tmp_path, monkeypatch):
    monkeypatch.setattr(review, "RENDER_DELAY", 0.01)
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten()), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_view(app, pilot)
        await pilot.press("f8")
        await pilot.pause()
        assert view.has_class("-guidance") and not view.query_one("#review-scroll").display
        calls = count_section_renders(monkeypatch)
        app.session.add_observation("went_poorly", "Nobody owned the pool size", author="Lee Chen")
        await until(pilot, lambda: "2 went well, 2 went poorly" in screen_text(app), "the checklist counts it")
        await settle(app, pilot)
        assert calls == [], "the document is hidden: nothing renders"
        assert "Nobody owned the pool size" not in view.document_text
        await pilot.press("escape")
        await until(pilot, lambda: "Nobody owned the pool size" in view.document_text, "the document shows it")
        await settle(app, pilot)
        assert calls == ["## What went poorly"]
        assert view.document_text == exported(app)
    app.close_session()


def test_sections_of_the_post_mortem(tmp_path):
    text = "# Title\n\nline\n\n## One\n\n```\n## not a section\n```\n\n## Two\n\n- item\n"
    assert split_sections(text) == ["# Title\n\nline\n\n", "## One\n\n```\n## not a section\n```\n\n",
                                    "## Two\n\n- item\n"]
    assert split_sections("") == [""]
    assert split_sections("~~~~\n## in\n~~~\n## still in\n~~~~\n## out\n") == [
        "~~~~\n## in\n~~~\n## still in\n~~~~\n", "## out\n"]


async def test_owner_and_dates(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten()), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_view(app, pilot)
        await paste_line(pilot, "Sam Rivera")
        assert app.session.meeting.document_owner == "Sam Rivera"
        assert app.focused is view.query_one("#review-owner", Input)
        await pilot.press("tab")
        await paste_line(pilot, "2026-12-01")
        await pilot.press("tab")
        await paste_line(pilot, "+2w")
        meeting = app.session.meeting
        assert meeting.publication_date == date(2026, 12, 1)
        assert meeting.follow_up_date == app.session.today() + timedelta(weeks=2)
        assert view.query_one("#review-follow-up", Input).value == meeting.follow_up_date.isoformat()
        view.refresh_document()
        await settle(app, pilot)
        assert ("**Document owner:** Sam Rivera · **Publication planned:** 2026-12-01 · **Follow-up review:**"
                in view.document_text)
        assert "Document owner: Sam Rivera" in screen_text(app)
    app.close_session()


async def test_leaving_a_field_saves_it(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten()), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await show_view(app, pilot)
        await paste(pilot, "Lee Chen")
        await pilot.press("tab")
        await pilot.pause()
        assert app.session.meeting.document_owner == "Lee Chen"
    app.close_session()


async def test_bad_date_shows_error_next_to_the_field(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten()), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_view(app, pilot)
        await pilot.press("tab")
        await paste_line(pilot, "next week")
        field = view.query_one("#review-published", Input)
        error = view.query_one("#review-error", Label)
        assert field.value == "next week" and field.has_class("-error")
        assert error.display and str(error.render()).startswith("✗ Published: cannot read date 'next week'")
        assert "Published: cannot read date" in screen_text(app)
        assert app.session.meeting.publication_date is None
        await pilot.press("ctrl+u")
        await paste_line(pilot, "2026-12-04")
        assert app.session.meeting.publication_date == date(2026, 12, 4)
        assert not field.has_class("-error") and not error.display
    app.close_session()


async def test_export_writes_two_files_and_shows_their_paths(tmp_path):
    export_dir = tmp_path / "out"
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten()), now=FixedClock(), export_dir=export_dir)
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_view(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        files = sorted(p.name for p in export_dir.iterdir())
        assert files == ["checkout-errors-after-connection-pool-change-minutes.md",
                         "checkout-errors-after-connection-pool-change-postmortem.md"]
        shown = str(view.query_one("#review-exported", Label).render())
        assert shown == f"✓ Exported to {export_dir}\n  {files[1]}\n  {files[0]}"
        assert f"Exported to {export_dir}" in screen_text(app) and files[1] in screen_text(app)
        (export_dir / files[0]).unlink()
        await pilot.click("#review-export")
        await settle(app, pilot)
        assert (export_dir / files[0]).exists()
    app.close_session()


async def test_export_failure_is_shown(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten()), now=FixedClock(), export_dir=blocker)
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_view(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        label = view.query_one("#review-exported", Label)
        assert label.has_class("-error") and "cannot write the export" in str(label.render())
    app.close_session()


# --- snapshots ------------------------------------------------------------------


def snapshot_app(data_dir: Path):
    """The app at the review phase with the owner and dates set, and its run_before."""
    meeting_id = create_meeting(data_dir)
    app = make_app(data_dir, meeting_id, now=FixedClock(), export_dir=data_dir)

    async def run_before(pilot) -> None:
        app.session.set_review(document_owner="Sam Rivera", publication_date="2026-11-24",
                               follow_up_date="2027-01-12")
        app.session.jump_to_phase(PHASE)
        await settle(app, pilot)
        hint = app.screen.query_one("#review-entry Label.hint", Label)
        # the help line is fitted to its width once laid out (a resize, which a loaded machine delivers late)
        await until(pilot, lambda: "@name" in str(hint.render()), "the note line's help fitted to its width")
        for widget in app.screen.query(Input):
            widget.cursor_blink = False
        app.session.flush()
        await pilot.pause()

    return app, run_before


def test_snapshot_80x24(snap_compare, tmp_path):
    app, run_before = snapshot_app(tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
    app.close_session()


def test_snapshot_160x45(snap_compare, tmp_path):
    app, run_before = snapshot_app(tmp_path)
    assert snap_compare(app, terminal_size=(160, 45), run_before=run_before)
    app.close_session()
