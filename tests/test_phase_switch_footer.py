"""A phase switch rebuilds the footer's keys at most once, and the keys shown are still the phase's own.

Textual's Footer recomposes (a new widget for every key, their styles, a layout of the whole screen) on
every change of focus or bindings: four times per phase switch, most of what a switch cost (see
benchmarks/phase_switch.py). Counted, never timed.
"""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import Footer

from helpers import FixedClock, create_meeting, until, unwritten
from pmtui.tui.app import make_app
from pmtui.tui.widgets.footer import FittingFooter
from test_view_timeline import FIXED, demo


@pytest.fixture
def composes(monkeypatch: pytest.MonkeyPatch) -> list[Footer]:
    """Every footer compose from now on (each one builds all of the footer's keys)."""
    calls: list[Footer] = []
    original = Footer.compose

    def counted(footer: Footer):
        calls.append(footer)
        return original(footer)

    monkeypatch.setattr(Footer, "compose", counted)
    return calls


def keys_on_show(app) -> list[tuple[str, str]]:
    """The footer's keys as (key, description), the palette's left out."""
    footer = app.screen.query_one(Footer)
    return [(key.key, key.description) for key in footer.children if not key.has_class("-command-palette")]


def keys_bound(app) -> list[tuple[str, str]]:
    """The keys Textual's Footer would show for the screen's bindings now (one per action, the first bound)."""
    first: dict[str, tuple[str, str]] = {}
    for key, (_, binding, _, _) in app.screen.active_bindings.items():
        if binding.show and key != app.COMMAND_PALETTE_BINDING:
            first.setdefault(binding.action, (binding.key, binding.description))
    return list(first.values())


async def settled(app, pilot) -> None:
    """Until the footer shows the keys bound now, then a few more turns (a later rebuild would be counted)."""
    await until(pilot, lambda: keys_on_show(app) == keys_bound(app), "the footer shows the phase's keys")
    for _ in range(3):
        await pilot.pause()


@pytest.mark.parametrize("size", [(160, 45), (80, 24)], ids=["160x45", "80x24"])
async def test_a_phase_switch_rebuilds_the_footer_at_most_once(tmp_path, composes, size):
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten(demo())), now=FixedClock(FIXED))
    async with app.run_test(size=size) as pilot:
        phases = len(app.session.agenda.phases)
        for key, end in (("ctrl+b", 0), ("ctrl+n", phases - 1)):  # to the first phase, then the last: all built
            while app.session.clock.phase_index != end:
                await pilot.press(key)
                await settled(app, pilot)
        for key in ["ctrl+b"] * (phases - 1) + ["ctrl+n"] * (phases - 1):
            before = app.session.clock.phase_index
            composes.clear()
            await pilot.press(key)
            await settled(app, pilot)
            assert app.session.clock.phase_index != before
            assert len(composes) <= 1, f"{key} to phase {app.session.clock.phase_index + 1} rebuilt the footer " \
                                       f"{len(composes)} times"
    app.close_session()


async def test_the_footer_follows_a_change_of_keys_within_a_phase(tmp_path):
    """From the entry line to the timeline's table and back: the footer shows each one's keys."""
    app = make_app(tmp_path, create_meeting(tmp_path, unwritten(demo())), now=FixedClock(FIXED))
    async with app.run_test(size=(160, 45)) as pilot:
        await settled(app, pilot)
        on_entry = keys_on_show(app)
        app.screen.current_view.query_one("#timeline-table").focus()
        await settled(app, pilot)
        assert keys_on_show(app) != on_entry, "the table's keys are not the entry line's"
        app.screen.current_view.query_one("Input").focus()
        await settled(app, pilot)
        assert keys_on_show(app) == on_entry
    app.close_session()


async def test_a_rebuild_that_comes_after_the_footer_left_its_screen_does_nothing():
    """Switching screens (home -> meeting) can leave a rebuild queued for the old screen's footer: it must not
    ask that footer's (gone) screen for its bindings (NoScreen, seen under CI load)."""
    class One(App):
        def compose(self):
            yield FittingFooter()

    app = One()
    async with app.run_test() as pilot:
        footer = app.query_one(FittingFooter)
        await footer.remove()
        await pilot.pause()
        await footer.recompose()  # raised NoScreen before
        assert not footer.is_attached
