"""The facilitator app as a whole: clock, agenda, phase changes, palette, resume."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList
from textual.widgets import Digits, Label

from helpers import FixedClock, paste_line
from pmtui.clock import PhaseStatus
from pmtui.model import Incident
from pmtui.session import MeetingSession
from pmtui.tui.app import HIGH_CONTRAST, make_app
from pmtui.tui.screens.meeting import MeetingScreen
from pmtui.tui.views.base import PhaseView
from pmtui.tui.views.observations import ObservationList, ObservationsView
from pmtui.tui.widgets.clock import AgendaList, ClockPanel


@pytest.fixture
def meeting_id(tmp_path: Path) -> str:
    session = MeetingSession.create(tmp_path, Incident("Checkout errors", severity="SEV2"))
    session.close()
    return session.meeting.id


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Label).render())


async def test_meeting_screen_shows_title_phase_countdown_and_agenda(tmp_path, meeting_id):
    clock = FixedClock()
    app = make_app(tmp_path, meeting_id, now=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, MeetingScreen)
        title = _text(app, "#incident-title")
        assert "SEV2" in title and "Checkout errors" in title and "Phase 1/6" in title
        assert app.screen.query_one("#countdown", Digits).value == "05:00"
        assert "Not started" in _text(app, "#clock-state")
        agenda = app.screen.query_one(AgendaList).render()
        await pilot.pause()
        assert agenda is not None
        assert "00:00 / 90:00" in _text(app, "#meeting-clock")
    app.close_session()


async def test_timer_counts_down_warns_and_shows_overrun_without_advancing(tmp_path, meeting_id):
    clock = FixedClock()
    app = make_app(tmp_path, meeting_id, now=clock, bell=True)
    bells = []
    app.bell = lambda: bells.append(1)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await pilot.press("ctrl+t")
        await pilot.press("ctrl+n")  # timeline: 25 minutes
        clock.advance(minutes=10)
        screen.tick()
        assert screen.query_one("#countdown", Digits).value == "15:00"
        clock.advance(minutes=13, seconds=30)
        screen.tick()
        panel = screen.query_one(ClockPanel)
        assert panel.has_class("-warning") and not panel.has_class("-overrun")
        clock.advance(minutes=2, seconds=30)  # 26 minutes into a 25-minute phase
        screen.tick()
        await pilot.pause()
        assert panel.has_class("-overrun")
        assert screen.query_one("#countdown", Digits).value == "+01:00"
        assert "Time's up" in _text(app, "#clock-state")
        assert bells == [1]
        assert app.session.clock.phase_index == 1, "the timer never advances the meeting"
        assert app.session.clock.status() == PhaseStatus.OVERRUN
    app.close_session()


async def test_pause_extend_and_previous_phase(tmp_path, meeting_id):
    clock = FixedClock()
    app = make_app(tmp_path, meeting_id, now=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await pilot.press("ctrl+t")
        clock.advance(minutes=2)
        await pilot.press("ctrl+t")  # pause
        clock.advance(minutes=30)
        screen.tick()
        assert screen.query_one("#countdown", Digits).value == "03:00"
        assert "Paused" in _text(app, "#clock-state")
        await pilot.press("ctrl+o")
        screen.tick()
        assert screen.query_one("#countdown", Digits).value == "08:00"
        await pilot.press("ctrl+n")
        await pilot.press("ctrl+b")  # undo an accidental advance
        assert app.session.clock.phase_index == 0
        assert app.session.clock.phase_elapsed(0) == 120
    app.close_session()


async def test_an_extension_shows_in_the_agenda_the_go_to_list_the_clock_and_the_minutes(tmp_path, meeting_id):
    from textual.widgets import OptionList

    from pmtui.export.minutes import render_minutes

    clock = FixedClock()
    app = make_app(tmp_path, meeting_id, now=clock)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = app.screen
        await pilot.press("ctrl+t", "ctrl+n")  # timeline: 25 minutes
        await pilot.press("ctrl+o")
        clock.advance(minutes=27)
        screen.tick()
        await pilot.pause()
        agenda = str(screen.query_one(AgendaList).render_line(1).text)
        assert "25+5m" in agenda
        meeting_line = _text(app, "#meeting-clock")
        # the 5-minute first phase was skipped (5 ahead); 27 of the timeline's 25+5 is not behind
        assert "27:00 / 95:00  -05:00 ahead" in meeting_line
        await pilot.press("ctrl+g")
        await pilot.pause()
        prompts = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        assert prompts[1].startswith("2. ") and "(25+5 min)" in prompts[1] and "(5 min)" in prompts[0]
        await pilot.press("escape")
        await pilot.press("ctrl+n")
        phases = render_minutes(app.session.snapshot())
        assert "| Timeline reconstruction | 25+5 | 27.0 | -3.0 |" in phases and "| **Total** | 90+5 |" in phases
    app.close_session()


async def test_go_to_phase_takes_the_phase_number(tmp_path, meeting_id):
    app = make_app(tmp_path, meeting_id, now=FixedClock())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+g", "4", "enter")
        await pilot.pause()
        assert app.session.clock.phase_index == 3
        await pilot.press("ctrl+g", "9", "2", "enter")  # no phase 9: the 2 starts again
        await pilot.pause()
        assert app.session.clock.phase_index == 1
    app.close_session()


async def test_meeting_clock_warns_five_minutes_before_the_scheduled_end(tmp_path, meeting_id):
    clock = FixedClock()
    app = make_app(tmp_path, meeting_id, now=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+t")
        clock.advance(minutes=86)
        app.screen.tick()
        text = _text(app, "#meeting-clock")
        assert "86:00 / 90:00" in text and "to scheduled end" in text
        assert "behind" in text
    app.close_session()


TEXTUAL_COMMANDS = ["Theme", "Quit", "Keys", "Maximize", "Screenshot"]
FACILITATOR_COMMANDS = ["Next phase", "Previous phase", "Resume timer", "Extend phase by 5 minutes",
                        "Extend phase by 1 minute", "Jump to phase…", "Undo last change", "Export Markdown",
                        "Import timeline…", "Edit incident details", "Attendees", "Edit section…",
                        "Set current speaker", "End meeting", "Mark published",
                        "High-contrast theme"]


async def test_palette_offers_every_facilitator_command_by_name(tmp_path, meeting_id):
    app = make_app(tmp_path, meeting_id, now=FixedClock())
    async with app.run_test(size=(120, 36)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles == TEXTUAL_COMMANDS + FACILITATOR_COMMANDS
        await pilot.press("ctrl+t")
        running = [c.title for c in app.get_system_commands(app.screen)]
        assert running == [t if t != "Resume timer" else "Pause timer" for t in titles]
        contrast = next(c for c in app.get_system_commands(app.screen) if c.title == "High-contrast theme")
        contrast.callback()
        assert app.theme == HIGH_CONTRAST.name
    app.close_session()


async def test_palette_runs_a_command_by_name(tmp_path, meeting_id):
    app = make_app(tmp_path, meeting_id, now=FixedClock())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Next phase")
        commands = app.screen.query_one(CommandList)
        for _ in range(250):  # the palette searches in a worker: wait for its first hit
            if commands.highlighted is not None and str(
                    commands.get_option_at_index(commands.highlighted).prompt).startswith("Next phase"):
                break
            await pilot.pause(0.02)
        else:
            raise AssertionError("the palette never offered Next phase")
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.clock.phase_index == 1
    app.close_session()


async def test_restart_resumes_phase_and_pause_state(tmp_path, meeting_id):
    clock = FixedClock()
    app = make_app(tmp_path, meeting_id, now=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+t", "ctrl+n", "ctrl+n")
        clock.advance(minutes=4)
        await pilot.press("ctrl+t")  # paused 4 minutes into phase 3
    app.close_session()

    clock.advance(minutes=60)
    again = make_app(tmp_path, meeting_id, now=clock)
    async with again.run_test(size=(120, 36)):
        assert again.session.clock.phase_index == 2
        assert not again.session.clock.running
        assert again.screen.query_one("#countdown", Digits).value == "06:00"
    again.close_session()


async def test_export_at_any_moment_writes_postmortem_and_minutes(tmp_path, meeting_id):
    out = tmp_path / "out"
    app = make_app(tmp_path, meeting_id, now=FixedClock(), export_dir=out)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
    app.close_session()
    names = sorted(p.name for p in out.iterdir())
    assert names == ["checkout-errors-minutes.md", "checkout-errors-postmortem.md"]
    assert "## Timeline" in (out / "checkout-errors-postmortem.md").read_text()


async def test_full_walk_through_the_six_phases_of_standard_90(tmp_path, meeting_id):
    clock = FixedClock()
    out = tmp_path / "out"
    app = make_app(tmp_path, meeting_id, now=clock, export_dir=out)
    async with app.run_test(size=(120, 36)) as pilot:
        session = app.session
        await pilot.press("ctrl+t")  # 1. safety: add attendees
        await paste_line(pilot, "Sam | facilitator")
        await paste_line(pilot, "Priya | responder")
        assert [a.role for a in session.meeting.attendees] == ["facilitator", "responder"]
        clock.advance(minutes=5)

        await pilot.press("ctrl+n")  # 2. timeline
        assert session.phase.kind == "timeline"
        await paste_line(pilot, "14:37 checkout errors start | checkout-api")
        await paste_line(pilot, "14:39 alert pages on-call | alertmanager | https://alerts/1")
        await paste_line(pilot, "15:00 error rate back to normal | priya")
        assert [e.description for e in session.meeting.sorted_events()][0] == "checkout errors start"
        clock.advance(minutes=26)  # one minute over the 25 planned
        app.screen.tick()
        assert app.screen.query_one("#countdown", Digits).value == "+01:00"

        await pilot.press("ctrl+n")  # 3. observations
        assert session.phase.kind == "observations"
        await paste_line(pilot, "The alert paged within two minutes")
        await pilot.press("f2")
        await paste_line(pilot, "Config diff hid the pool change")
        kinds = sorted(o.kind for o in session.meeting.observations)
        assert kinds == ["went_poorly", "went_well"]
        clock.advance(minutes=10)

        await pilot.press("ctrl+n")  # 4. five whys
        assert session.phase.kind == "five_whys"
        await paste_line(pilot, "Checkout requests failed")
        for answer in ("Requests waited for connections", "The pool was lowered to 5",
                       "Test settings were copied to production"):
            await paste_line(pilot, answer)
        chain = session.meeting.chains[0]
        assert len(chain.whys) == 3
        session.set_root_cause(chain.id, "configuration error")
        clock.advance(minutes=15)

        await pilot.press("ctrl+n")  # 5. action items
        assert session.phase.kind == "actions"
        await paste_line(pilot, "Validate pool size in CI | Priya | high | 2026-12-10 | pool < 20 fails")
        item = session.meeting.actions[0]
        assert (item.owner, item.priority, str(item.due)) == ("Priya", "high", "2026-12-10")
        clock.advance(minutes=20)

        await pilot.press("ctrl+n")  # 6. review
        assert session.phase.kind == "review"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert session.clock.phase_index == 5
    app.close_session()

    postmortem = (out / "checkout-errors-postmortem.md").read_text()
    for text in ("checkout errors start", "Config diff hid the pool change", "Test settings were copied",
                 "Validate pool size in CI", "configuration error"):
        assert text in postmortem
    minutes = (out / "checkout-errors-minutes.md").read_text()
    assert "Timeline reconstruction" in minutes and "26" in minutes


def test_pmtui_without_a_command_opens_the_home_screen(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from pmtui import cli
    from pmtui.tui.screens.home import HomeScreen

    seen = []

    def fake_run(app):
        async def check():
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.pause()
                seen.append(type(app.screen))

        import asyncio

        asyncio.run(check())

    monkeypatch.setattr(cli, "run_app", fake_run)
    result = CliRunner().invoke(cli.main, ["--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert seen == [HomeScreen]


async def test_views_mount_on_first_visit_keep_half_typed_lines_and_get_each_change_once(tmp_path, meeting_id):
    """Only the current phase's view is there at start; the others come on their first visit and stay."""
    app = make_app(tmp_path, meeting_id, now=FixedClock())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen, session = app.screen, app.session
        assert [view.id for view in screen.query(PhaseView)] == ["phase-0"]

        await pilot.press("ctrl+n")
        await pilot.pause()
        assert [view.id for view in screen.query(PhaseView)] == ["phase-0", "phase-1"]
        timeline_entry = app.focused
        await pilot.press(*"14:37 checkout err")
        await pilot.press("ctrl+b", "ctrl+n")
        await pilot.pause()
        assert app.focused is timeline_entry and timeline_entry.value == "14:37 checkout err"

        session.add_observation("went_well", "The alert paged", author="Zoe")  # before its view exists
        session.next_phase()
        session.add_observation("lucky", "A quiet evening", author="Zoe")  # before the view is mounted
        await pilot.pause()
        view = screen.query_one("#phase-2", ObservationsView)
        session.add_observation("lucky", "Bo was online", author="Zoe")  # once it is there
        await pilot.pause()
        counts = [view.query_one(f"#obs-{kind}", ObservationList).option_count for kind in ("went_well", "lucky")]
        assert counts == [1, 2]
        assert len(screen.query(PhaseView)) == 3
