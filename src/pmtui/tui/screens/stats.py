"""The patterns screen: incidents by severity and root cause, factors, times, recurrences."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from ...analysis.stats import STATS_PARTS, IncidentStats, incident_stats
from ...library import Library, load_library
from ...store import StoreError
from ...timeparse import format_duration
from ..widgets.footer import FittingFooter

WINDOWS = (None, 365, 90)
"""The periods the screen cycles through: all time, then the last N days."""
BAR_WIDTH = 30


def bar_chart(counts: dict[str, int], *, title: str, width: int = BAR_WIDTH) -> Table:
    """A table of ``counts`` with a bar of █ per row, scaled to the largest count."""
    table = Table(title=title, title_justify="left", title_style="bold", show_header=False, box=None, padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(justify="right")
    table.add_column(no_wrap=True)
    largest = max(counts.values(), default=0)
    for label, count in counts.items():
        length = round(count / largest * width) if largest else 0
        table.add_row(label, str(count), Text("█" * length or ("·" if count == 0 else "▏"), style="cyan"))
    return table


def times_table(stats: IncidentStats) -> Table:
    """Mean and median time to detect and to resolve."""
    table = Table(title="Time from impact start", title_justify="left", title_style="bold", box=None, padding=(0, 1))
    for heading in ("", "mean", "median", "incidents"):
        table.add_column(heading, justify="left" if not heading else "right")
    for label, d in (("to detect", stats.time_to_detect), ("to resolve", stats.time_to_resolve)):
        table.add_row(label, format_duration(d.mean), format_duration(d.median), str(d.count))
    return table


def recurring_text(stats: IncidentStats) -> Text:
    """The recurring root-cause categories and the meetings behind each."""
    if not stats.recurring:
        return Text("No recurring root causes: no category is behind 3 or more of these incidents.", style="dim")
    text = Text()
    text.append("Recurring root causes\n", style="bold")
    for recurrence in stats.recurring:
        text.append(f"⚠ {recurrence.category}: {len(recurrence.meetings)} incidents\n", style="bold yellow")
        for meeting in recurrence.meetings:
            text.append(f"    {meeting.id}  {meeting.created.date()}  {meeting.incident.title}\n")
    return text


class StatsScreen(Screen):
    """Patterns across past incidents; w switches between all time and recent windows."""

    TITLE = "pmtui — patterns across incidents"
    BINDINGS = [
        Binding("w", "next_window", "Period", id="stats.window"),
        Binding("r", "reload", "Reload", id="stats.reload"),
        Binding("escape", "back", "Back", id="stats.back"),
    ]

    def __init__(
        self, data_dir: Path, *, today: Callable[[], date] = date.today, archives: Sequence[Path] = ()
    ) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.archives = archives  # counted too (the home screen's --archive)
        self.today = today
        self.window = 0
        self.library = Library()

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats-body"):
            yield Static("Reading meetings…", id="stats-summary", markup=False)
            yield Static("", id="stats-severity")
            yield Static("", id="stats-causes")
            yield Static("", id="stats-factors")
            yield Static("", id="stats-times")
            yield Static("", id="stats-recurring")
            yield Static("", id="stats-errors", markup=False)
        yield FittingFooter()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        """Read every meeting again."""
        self._load()

    @work(exclusive=True, group="stats-load")
    async def _load(self) -> None:
        try:
            self.library = await asyncio.to_thread(load_library, self.data_dir, STATS_PARTS, archives=self.archives)
        except StoreError as exc:
            self.library = Library(errors=[exc])
        self._show()

    def action_next_window(self) -> None:
        """Cycle between all time, the last 365 days and the last 90 days."""
        self.window = (self.window + 1) % len(WINDOWS)
        self._show()

    @property
    def since(self) -> date | None:
        """The first day counted, or None for all time."""
        days = WINDOWS[self.window]
        return None if days is None else self.today() - timedelta(days=days - 1)

    def _show(self) -> None:
        stats = incident_stats(self.library, self.since)
        period = "all time" if stats.since is None else f"last {WINDOWS[self.window]} days, since {stats.since}"
        self.sub_title = period
        self.query_one("#stats-summary", Static).update(
            f"{stats.incidents} incident{'' if stats.incidents == 1 else 's'} ({period}) · w: change the period"
        )
        self.query_one("#stats-severity", Static).update(bar_chart(stats.by_severity, title="By severity"))
        causes = bar_chart(stats.by_root_cause, title="By root cause (incidents)")
        self.query_one("#stats-causes", Static).update(causes)
        self.query_one("#stats-factors", Static).update(
            bar_chart(stats.factors, title="Contributing factors by fishbone category"))
        self.query_one("#stats-times", Static).update(times_table(stats))
        self.query_one("#stats-recurring", Static).update(recurring_text(stats))
        errors = self.query_one("#stats-errors", Static)
        errors.update("\n".join(f"⚠ skipped: {error}" for error in self.library.errors))
        errors.display = bool(self.library.errors)

    def action_back(self) -> None:
        """Back to where the screen was opened from."""
        self.app.pop_screen()
