"""Pilot and snapshot tests for the Five Whys phase view."""

from __future__ import annotations

import pytest
from textual.widgets import Label, OptionList, Static

from helpers import FIXED_EPOCH, FixedClock, create_meeting, plain, show_phase, type_line
from pmtui.demo import demo_meeting
from pmtui.model import ROOT_CAUSE_CATEGORIES, Meeting, RootCause, Why, WhyChain
from pmtui.tui.app import make_app
from pmtui.tui.screens.meeting import MeetingScreen
from pmtui.tui.screens.why_dialogs import PickDialog
from pmtui.tui.views.five_whys import ChainList, FactorList, FiveWhysView
from pmtui.tui.widgets.quick_entry import QuickEntry

PHASE = 3  # "Root cause analysis (Five Whys)" in standard-90
DEMO_PROBLEM = "Checkout requests failed for 23 minutes"
DEMO_POORLY = "The pool size change was not visible in the deploy diff summary"


def with_second_chain() -> Meeting:
    """The demo meeting with a second, unfinished chain."""
    meeting = demo_meeting(now=FIXED_EPOCH)
    meeting.chains.append(WhyChain(
        "Rollback took 11 minutes to start",
        whys=[Why("Nobody was sure a rollback was safe"), Why("The runbook does not cover config-only releases")],
    ))
    return meeting


def steps(view: FiveWhysView) -> str:
    """The selected chain as shown."""
    return plain(view.query_one("#why-steps", Static).content)


def chain_list(view: FiveWhysView) -> list[str]:
    options = view.query_one(ChainList)
    return [plain(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def factor_list(view: FiveWhysView) -> list[str]:
    options = view.query_one(FactorList)
    return [plain(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_start_a_chain_answer_five_whys_and_mark_the_root_cause(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, FiveWhysView)
        entry = view.query_one("#why-entry", QuickEntry)
        assert app.focused is entry.input
        await pilot.press("f2")
        assert entry.input.border_title == "F2 New chain"
        assert entry.input.placeholder.startswith("Problem: what users saw")
        await type_line(pilot, "Cart lost")

        chain = app.session.meeting.chains[-1]
        assert chain.problem == "Cart lost"
        assert view.chain_id == chain.id
        assert view.mode == "why"
        assert entry.input.border_title == "F1 Next why"
        assert entry.input.placeholder.startswith("Why #1?")
        for n in range(1, 6):
            await type_line(pilot, f"w{n}")
        assert [w.text for w in chain.whys] == ["w1", "w2", "w3", "w4", "w5"]
        assert all(w.author == "Sam Rivera" for w in chain.whys)
        shown = steps(view)
        assert shown.startswith("Problem Cart lost 1. Why? w1 2. Why? w2")
        assert "5. Why? w5 6. Why? … type the answer below" in shown
        assert "^r marks it as the root cause" in shown
        assert app.focused is entry.input

        await pilot.press("ctrl+r")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PickDialog)
        assert "Root cause: w5" in str(dialog.query_one(Label).render())
        assert dialog.query_one(OptionList).option_count == len(ROOT_CAUSE_CATEGORIES)
        await pilot.press("down", "down", "down", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert chain.root_cause == RootCause("w5", "process gap")
        assert steps(view).endswith("Root cause w5 [process gap]")
        assert chain_list(view)[-1] == "2. Cart lost 5 whys · ✓ process gap"
        assert app.focused is entry.input
    app.close_session()


async def test_ctrl_z_takes_back_the_last_why_typed_and_only_what_was_typed(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, FiveWhysView)
        chain = app.session.meeting.chains[0]
        await type_line(pilot, "Nobody reviewed the pool size")
        assert len(chain.whys) == 5
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(chain.whys) == 4
        assert chain_list(view)[0].endswith("4 whys · ✓ configuration error")
        assert list(app._notifications)[-1].message == "Undid: added why “Nobody reviewed the pool size”"
        await pilot.press("ctrl+z")  # the demo's whys were not typed in this meeting: they stay
        await pilot.pause()
        assert len(chain.whys) == 4

        await pilot.press("f2")
        await type_line(pilot, "P")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [c.problem for c in app.session.meeting.chains] == [DEMO_PROBLEM]
        assert view.chain is chain and chain_list(view) == [f"1. {DEMO_PROBLEM} 4 whys · ✓ configuration error"]
        assert list(app._notifications)[-1].message == "Undid: started chain “P”"
    app.close_session()


async def test_start_a_chain_from_a_went_poorly_observation(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, FiveWhysView)
        app.session.add_observation("went_well", "Not a problem")
        await pilot.press("ctrl+f")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PickDialog)
        options = dialog.query_one(OptionList)
        assert [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)] == [DEMO_POORLY]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        chain = app.session.meeting.chains[-1]
        assert chain.problem == DEMO_POORLY
        assert view.chain_id == chain.id
        assert steps(view).startswith(f"Problem {DEMO_POORLY} 1. Why? … type the answer below")
        assert app.focused is view.query_one("#why-entry", QuickEntry).input
        await type_line(pilot, "Hidden")
        assert [w.text for w in chain.whys] == ["Hidden"]
    app.close_session()


async def test_two_chains_and_switching_between_them(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, PHASE, FiveWhysView)
        first = app.session.meeting.chains[0]
        assert view.chain_id == first.id
        await pilot.press("f2")
        await type_line(pilot, "Slow")
        second = app.session.meeting.chains[1]
        assert view.chain_id == second.id
        assert view.query_one(ChainList).highlighted == 1
        assert view.query_one("#why-steps-box").border_title == "Chain 2 of 2"

        await pilot.press("alt+up")
        assert view.chain_id == first.id
        assert steps(view).startswith(f"Problem {DEMO_PROBLEM}")
        assert view.query_one("#why-steps-box").border_title == "Chain 1 of 2"
        await type_line(pilot, "w5")
        assert first.whys[-1].text == "w5"
        assert second.whys == []

        await pilot.press("shift+tab", "shift+tab", "shift+tab")
        assert app.focused is view.query_one(ChainList)
        await pilot.press("down", "enter")
        assert view.chain_id == second.id
        assert app.focused is view.query_one("#why-entry", QuickEntry).input
        await type_line(pilot, "w1")
        assert [w.text for w in second.whys] == ["w1"]
    app.close_session()


async def test_delete_a_chain_asks_nothing_and_ctrl_z_brings_it_back_linked(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, FiveWhysView)
        await pilot.press("shift+tab", "shift+tab", "shift+tab")
        assert app.focused is view.query_one(ChainList)
        await pilot.press("delete")
        await pilot.pause()
        assert not app.screen.is_modal
        assert app.session.meeting.chains == []
        assert app.session.meeting.actions[0].root_cause_id is None
        assert view.query_one(ChainList).option_count == 0
        entry = view.query_one("#why-entry", QuickEntry)
        assert view.effective_mode == "chain"
        assert entry.input.placeholder.startswith("Problem: what users saw")
        assert view.query_one("#why-steps-box").border_title == "No chain yet"
        assert list(app._notifications)[-1].message == (
            "Removed chain “Checkout requests failed for 23 minutes” · ctrl+z undoes")

        await pilot.press("ctrl+z")
        await pilot.pause()
        [chain] = app.session.meeting.chains
        assert len(chain.whys) == 4 and app.session.meeting.actions[0].root_cause_id == chain.id
        assert chain_list(view) == [f"1. {DEMO_PROBLEM} 4 whys · ✓ configuration error"]
        assert view.query_one("#why-steps-box").border_title == "Chain 1 of 1"
    app.close_session()


async def test_add_and_delete_contributing_factors(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, FiveWhysView)
        entry = view.query_one("#why-entry", QuickEntry)
        await pilot.press("f3")
        assert entry.input.border_title == "F3 Contributing factor"
        assert view.has_class("-factor-mode")
        await type_line(pilot, "No QA|proc")
        await type_line(pilot, "Tired | People")
        factors = app.session.meeting.factors
        assert [(f.text, f.category, f.author) for f in factors[2:]] == [
            ("No QA", "process", "Sam Rivera"),
            ("Tired", "people", "Sam Rivera"),
        ]
        assert factor_list(view) == [
            "People", "• Tired",
            "Process", "• Friday afternoon release with a reduced review rota", "• No QA",
            "Technology", "• Deploy diff summary hides config changes",
        ]
        assert view.query_one(FactorList).border_title == "Contributing factors (4)"
        assert view.mode == "factor"

        await pilot.press("shift+tab")
        factor_widget = view.query_one(FactorList)
        assert app.focused is factor_widget
        await pilot.press("down")
        assert factor_widget.highlighted_option.id == factors[3].id  # the header is skipped
        await pilot.press("delete")
        await pilot.pause()
        assert [f.text for f in app.session.meeting.factors] == [
            "Deploy diff summary hides config changes",
            "Friday afternoon release with a reduced review rota",
            "No QA",
        ]
        assert factor_list(view)[0] == "Process"

        await pilot.press("escape")
        assert app.focused is entry.input
        await pilot.press("escape")
        assert view.mode == "why"
        assert not view.has_class("-factor-mode")
    app.close_session()


async def test_bad_input_shows_the_error_and_keeps_the_text_and_focus(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, PHASE, FiveWhysView)
        entry = view.query_one("#why-entry", QuickEntry)
        error = entry.query_one("Label.error", Label)
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.session.meeting.chains[0].whys) == 4
        assert app.focused is entry.input

        await pilot.press("f3")
        await type_line(pilot, "Tired")
        assert entry.has_class("-error")
        assert "add a category after a bar" in str(error.render())
        assert entry.input.value == "Tired"
        assert app.focused is entry.input

        await type_line(pilot, "|x")
        assert "category 'x' is not one of" in str(error.render())
        await pilot.press("ctrl+u")
        await type_line(pilot, "|people")
        assert "the contributing factor is empty" in str(error.render())
        assert len(app.session.meeting.factors) == 2
        assert app.focused is entry.input
    app.close_session()


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
def test_snapshot(snap_compare, tmp_path, size):
    app = make_app(tmp_path, create_meeting(tmp_path, with_second_chain(), phase=PHASE), now=FixedClock())

    async def steady(pilot):
        await pilot.pause()
        pilot.app.screen.query_one("#why-entry", QuickEntry).input.cursor_blink = False

    assert snap_compare(app, press=["alt+down", *"Trust"], terminal_size=size, run_before=steady)
    app.close_session()
