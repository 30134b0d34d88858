"""Pilot and snapshot tests for the guidance shown in the phase views (widgets/guidance.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from helpers import FIXED_EPOCH, FixedClock, create_meeting, paste_line, screen_text, show_phase, until, unwritten
from pmtui.demo import demo_meeting
from pmtui.model import Meeting, Observation, TimelineEvent, Why, WhyChain
from pmtui.tui.app import make_app
from pmtui.tui.views.actions import ActionsView
from pmtui.tui.views.five_whys import FiveWhysView
from pmtui.tui.views.observations import ObservationsView
from pmtui.tui.views.review import ReviewView
from pmtui.tui.views.timeline import TimelineView
from pmtui.tui.widgets import guidance as guidance_widgets
from pmtui.tui.widgets.guidance import FindingList, GuidancePanel, QualityReport

TIMELINE, OBSERVATIONS, FIVE_WHYS, ACTIONS, REVIEW = 1, 2, 3, 4, 5  # phases of standard-90
BLAME = "Bob forgot to update the config"


@pytest.fixture(autouse=True)
def no_delay(monkeypatch):
    """Check hints at once instead of 0.3 s after a change."""
    monkeypatch.setattr(guidance_widgets, "CHECK_DELAY", 0.001)


def demo() -> Meeting:
    return demo_meeting(now=FIXED_EPOCH)


def event_cell(view: TimelineView, event_id: str) -> str:
    return view.table.get_cell(event_id, "event").plain


# --- timeline: marker, panel, dismissal that lasts ------------------------------------


async def test_a_blameful_line_gets_a_marker_and_a_hint_that_stays_dismissed(tmp_path):
    meeting_id = create_meeting(tmp_path, demo())
    app = make_app(tmp_path, meeting_id, now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, TIMELINE, TimelineView)
        panel = view.query_one(GuidancePanel)
        assert not panel.display, "nothing to say: no panel"
        await paste_line(pilot, f"14:37 {BLAME}")
        event = next(e for e in app.session.meeting.events if e.description == BLAME)
        await until(pilot, lambda: panel.findings, "the hint")

        assert event_cell(view, event.id).startswith("⚑ ")
        (finding,) = panel.findings
        assert (finding.rule, finding.excerpt, finding.where) == ("blame-person", "Bob forgot", "timeline 14:37")
        assert finding.suggestion.startswith("Ask what made this easy or likely")
        assert event.description == BLAME, "the text is never changed"
        text = screen_text(app)
        assert "⚑ 1 blame/hindsight hint · f8 to review" in text
        assert "Ask what made this easy" not in text, "one line at 80x24 until f8"
        assert app.focused is view.entry.input

        await pilot.press("f8")
        assert isinstance(app.focused, FindingList)
        text = screen_text(app)
        assert "timeline 14:37: “Bob forgot”" in text
        assert "names a person as the cause" in text
        assert "→ Ask what made this easy or likely" in text

        await pilot.press("d")
        await pilot.pause()
        assert app.session.meeting.dismissed_findings == [finding.key]
        assert not panel.findings and not panel.display
        assert not event_cell(view, event.id).startswith("⚑")
        assert app.focused is view.entry.input, "the keyboard goes back where it was"
    app.close_session()

    app = make_app(tmp_path, meeting_id, now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, TIMELINE, TimelineView)
        panel = view.query_one(GuidancePanel)
        await pilot.pause()
        assert app.session.meeting.dismissed_findings == [finding.key]
        assert not panel.findings and panel.dismissed == 1 and not panel.display
        assert event_cell(view, event.id) == f"[impact start] {BLAME}"
        review = await show_phase(app, pilot, REVIEW, ReviewView)
        await until(pilot, lambda: review.guidance.dismissed, "the review's count")
        assert "✓ no blameless-language hints, 1 dismissed" in screen_text(app)
    app.close_session()


async def test_rewording_clears_the_marker_and_enter_on_a_hint_selects_its_row(tmp_path):
    meeting = demo()
    meeting.events.append(TimelineEvent(meeting.events[3].time, "The on-call should have noticed the alert",
                                        id="late0001"))
    app = make_app(tmp_path, create_meeting(tmp_path, meeting), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, TIMELINE, TimelineView)
        panel = view.query_one(GuidancePanel)
        await until(pilot, lambda: panel.findings, "the hint")
        assert [f.rule for f in panel.findings] == ["hindsight"]
        assert event_cell(view, "late0001").startswith("⚑ ")
        assert "judges a decision with hindsight" in screen_text(app), "shown without f8 on a large screen"

        await pilot.press("f8", "enter")
        await pilot.pause()
        assert app.focused is view.table
        assert view.table.cursor_row == view.table.get_row_index("late0001")

        app.session.update_event("late0001", description="The alert fired in a channel nobody watched at night")
        await until(pilot, lambda: not panel.findings, "the hint to go")
        assert not event_cell(view, "late0001").startswith("⚑")
        assert not app.session.meeting.dismissed_findings
    app.close_session()


async def test_checks_wait_for_the_view_and_rescan_only_what_changed(tmp_path, monkeypatch):
    scanned: list[str] = []
    real = guidance_widgets.text_findings

    def counting(text, **kwargs):
        scanned.append(text)
        return real(text, **kwargs)

    monkeypatch.setattr(guidance_widgets, "text_findings", counting)
    app = make_app(tmp_path, create_meeting(tmp_path, demo()), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        opening = app.screen.current_view.query_one(GuidancePanel)  # the timeline: checked once the first frame is out
        await until(pilot, lambda: not opening._stale, "the first check")
        view = await show_phase(app, pilot, OBSERVATIONS, ObservationsView)
        scanned.clear()
        for n in range(3):
            app.session.add_event(f"14:5{n}", f"Priya forgot step {n}")
        await pilot.pause()
        assert scanned == [], "the timeline is not on screen: nothing is checked"

        view = await show_phase(app, pilot, TIMELINE, TimelineView)
        panel = view.query_one(GuidancePanel)
        assert len(panel.findings) == 3
        assert sorted(scanned) == [f"Priya forgot step {n}" for n in range(3)]

        scanned.clear()
        app.session.update_event(panel.findings[0].key.split(":")[0], actor="priya")
        await until(pilot, lambda: not panel._stale, "the check")
        assert scanned == [], "an unchanged text is not scanned again"
    app.close_session()


async def test_observations_get_the_marker_too(tmp_path):
    meeting = demo()
    meeting.observations.append(Observation("went_poorly", "Jo should have checked the diff", id="obs00001"))
    app = make_app(tmp_path, create_meeting(tmp_path, meeting), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, OBSERVATIONS, ObservationsView)
        panel = view.query_one(GuidancePanel)
        await until(pilot, lambda: panel.findings, "the hint")
        assert panel.findings[0].where == "what went poorly 2"
        assert "⚑ Jo should have checked the diff" in screen_text(app)
        assert "• The pool size change was not visible" in screen_text(app)
    app.close_session()


# --- five whys: depth flags ------------------------------------------------------------


async def test_a_chain_with_two_whys_says_keep_asking_why(tmp_path):
    meeting = demo()
    meeting.chains.append(WhyChain("Rollback took 11 minutes to start",
                                   whys=[Why("Nobody was sure a rollback was safe"),
                                         Why("The runbook does not cover config-only releases")]))
    app = make_app(tmp_path, create_meeting(tmp_path, meeting), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, FIVE_WHYS, FiveWhysView)
        depth = view.query_one("#why-depth", Static)
        assert not depth.display, "the demo chain is deep, systemic and has an action"
        await pilot.press("alt+down")
        await pilot.pause()
        assert depth.display
        assert "The chain stops after 2 whys; keep asking why, at least 3 times." in str(depth.content)
        assert "keep asking why" in screen_text(app)

        await paste_line(pilot, "Config-only releases were rare until this quarter")
        assert not depth.display
        second = app.session.meeting.chains[1]
        app.session.set_root_cause(second.id, "process gap")
        await pilot.pause()
        assert "No action item addresses this root cause" in str(depth.content)

        actions = await show_phase(app, pilot, ACTIONS, ActionsView)
        notes = str(actions.query_one("#action-notes", Static).content)
        assert "Root cause 2 “Config-only releases were rare until this quarter”" in notes
    app.close_session()


# --- action items: grade and issues -------------------------------------------------


async def test_a_vague_unowned_action_gets_a_low_grade_and_its_issues(tmp_path):
    meeting = demo()
    meeting.created = datetime.fromtimestamp(FIXED_EPOCH, UTC)  # the meeting is today
    app = make_app(tmp_path, create_meeting(tmp_path, meeting), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, ACTIONS, ActionsView)
        table = view.query_one(DataTable)
        first = app.session.meeting.actions[0]
        assert str(table.get_cell(first.id, "quality")) == "A"

        await paste_line(pilot, "improve monitoring")
        item = app.session.meeting.actions[-1]
        assert (item.description, item.owner) == ("improve monitoring", "")
        assert str(table.get_cell(item.id, "quality")) == "D"
        assert table.cursor_row == 1, "the new item is highlighted, its detail shown"
        detail = str(view.query_one("#action-detail", Static).content)
        assert "Quality D (25/100)" in detail
        assert "✗ Too short to act on; say what will change, and where." in detail
        assert "✗ No owner; name one person who will drive it." in detail
        assert "✗ No success criteria" in detail
        text = screen_text(app)
        assert "Quality D (25/100)" in text and "No owner; name one person" in text

        app.session.update_action(item.id, owner="Priya Nair", success_criteria="A pool alert pages within 2 min",
                                  description="Add a pool saturation alert to the checkout dashboard")
        await pilot.pause()
        assert str(table.get_cell(item.id, "quality")) == "A"
    app.close_session()


async def test_too_many_urgent_items_get_the_focus_note(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, demo()), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, ACTIONS, ActionsView)
        notes = view.query_one("#action-notes", Static)
        assert not notes.display
        for n in range(5):
            app.session.add_action(f"Add a pool alert number {n}", owner="Jo", priority="critical")
        await pilot.pause()
        assert "6 action items are critical or high priority; focus on the few" in str(notes.content)
    app.close_session()


# --- review: counts, checklist, policy ------------------------------------------------


def review_meeting() -> Meeting:
    """The demo, held 10 days after resolution, with three hints and one dismissed, and two failing checks."""
    meeting = demo()
    resolved = meeting.incident.resolved
    meeting.created = resolved + timedelta(days=10)
    meeting.events += [
        TimelineEvent(resolved - timedelta(minutes=20), "Bob forgot to update the config", id="blame001"),
        TimelineEvent(resolved - timedelta(minutes=18), "Human error by the release engineer", id="blame002"),
    ]
    meeting.observations.append(Observation("went_poorly", "Jo should have checked the diff", id="obs00001"))
    meeting.chains[0].whys[2].text = "Priya was careless with the test value"
    meeting.dismissed_findings = [f"{meeting.chains[0].whys[2].id}:text:judgement-word:careless"]
    meeting.factors = []
    return meeting


async def test_review_shows_counts_checklist_and_policy(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten(review_meeting())), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, REVIEW, ReviewView)
        await until(pilot, lambda: view.guidance.findings, "the review")
        text = screen_text(app)
        assert "⚑ 3 blameless-language hints, 1 dismissed · f8 to review" in text

        report = view.query_one(QualityReport)
        lines = str(report.content).splitlines()
        assert lines[0] == "Quality checklist · 5 of 7 pass"
        checks = lines[1:8]
        assert [line[0] for line in checks] == ["✗", "✓", "✓", "✗", "✓", "✓", "✓"]
        assert checks[0].startswith("✗ Blameless — 3 findings to reword or dismiss, first in timeline 14:40")
        assert checks[3] == "✗ Contributing factors listed — No contributing factors recorded."
        assert all(" — " in line for line in checks)
        assert lines[8:] == [
            "Severity policy",
            "• SEV2 requires a post-mortem; publish it and track its action items to done.",
            "• Held 10 days after resolution; aim for within 7, while memories and logs are fresh.",
            "• Resolved 59 days ago and not published yet; publish it soon.",
        ]
        for line in (checks[0], checks[3], lines[10]):
            assert line[:60] in text

        await pilot.press("f8", "down", "delete")
        await until(pilot, lambda: len(view.guidance.findings) == 2, "the dismissal")
        assert "⚑ 2 blameless-language hints, 2 dismissed" in screen_text(app)
        await until(pilot, lambda: "2 findings" in str(report.content), "the checklist to follow")
        await pilot.press("r")
        await until(pilot, lambda: len(view.guidance.findings) == 4, "the restore")
        assert app.session.meeting.dismissed_findings == []
        await pilot.press("escape")
        assert app.focused is view.query_one("#review-owner", Input)
    app.close_session()


async def test_review_guidance_comes_up_with_f8_on_a_small_screen(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten(review_meeting())), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, REVIEW, ReviewView)
        await until(pilot, lambda: view.guidance.findings, "the review")
        text = screen_text(app)
        assert "Quality checklist · 5 of 7 pass" in text
        assert "⚑ 3 blameless-language hints, 1 dismissed · f8" in text
        assert "Contributing factors listed" not in text
        assert "Incident date: 2026-11-17" in text

        await pilot.press("f8")
        await pilot.pause()
        assert view.has_class("-guidance")
        text = screen_text(app)
        assert "✗ Contributing factors listed" in text
        assert "Incident date:" not in text, "in place of the document"
        await pilot.press("escape")
        await pilot.pause()
        assert not view.has_class("-guidance")
    app.close_session()


# --- a large meeting --------------------------------------------------------


async def test_a_change_in_a_two_thousand_event_timeline_is_checked_and_listed_fifty_at_a_time(tmp_path):
    meeting = demo()
    start = meeting.incident.impact_start
    meeting.events = [TimelineEvent(start + timedelta(seconds=3 * n),
                                    BLAME if n % 25 == 0 else f"replica lag reading {n} from the dashboard")
                      for n in range(2000)]
    app = make_app(tmp_path, create_meeting(tmp_path, meeting), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, TIMELINE, TimelineView)
        panel = view.query_one(GuidancePanel)
        await until(pilot, lambda: len(panel.findings) == 80, "the first check")
        app.session.add_event(start, "Priya forgot to page the database team")
        panel.check_now()  # how long it takes: benchmarks/guidance_recheck.py
        assert len(panel.findings) == 81
        listed = panel.query_one(FindingList)
        assert listed.option_count == guidance_widgets.LIST_LIMIT + 1, "50 listed at a time, then a note"
        last = listed.get_option_at_index(guidance_widgets.LIST_LIMIT)
        assert last.disabled and str(last.prompt).startswith("… and 31 more")
    app.close_session()


# --- snapshots -------------------------------------------------------------------------


def snapshot_app(data_dir: Path, *keys: str):
    """The review phase of :func:`review_meeting` with ``keys`` pressed, and its run_before."""
    app = make_app(data_dir, create_meeting(data_dir, review_meeting()), now=FixedClock(), export_dir=data_dir)

    async def run_before(pilot) -> None:
        view = await show_phase(app, pilot, REVIEW, ReviewView)
        await until(pilot, lambda: view.guidance.findings, "the review")
        await pilot.press(*keys)
        for widget in app.screen.query(Input):
            widget.cursor_blink = False
        app.session.flush()
        await pilot.pause()

    return app, run_before


def test_snapshot_review_guidance_80x24(snap_compare, tmp_path):
    app, run_before = snapshot_app(tmp_path, "f8")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
    app.close_session()


def test_snapshot_review_guidance_160x45(snap_compare, tmp_path):
    app, run_before = snapshot_app(tmp_path)
    assert snap_compare(app, terminal_size=(160, 45), run_before=run_before)
    app.close_session()
