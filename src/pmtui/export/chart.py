"""The incident's phases as a chart: a plan any format can draw, and the Mermaid gantt the Markdown carries.

The chart must not mislead a reader who only glances at it: every bar is the time between two recorded
moments, its label says how long it was (a 1-minute bar beside an 18-hour one is a hairline, the label is
not), a phase of no length is left out with a note saying why, and the axis shows the day when the incident
crosses midnight. Labels are fixed words and durations, never a person's text, so nothing typed can break
the chart's syntax.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..model import MILESTONE_LABELS, MILESTONES, Meeting
from ..timeparse import local
from .escape import Markdown

LEAD_UP = "Lead-up"
# The phase that ends at each milestone; a bar spanning unrecorded milestones names every phase it covers.
_PHASE_ENDING_AT = {
    "detected": "Detection",
    "acknowledged": "Acknowledgement",
    "mitigated": "Mitigation",
    "resolved": "Recovery",
}
_DATE_FORMAT = "YYYY-MM-DDTHH:mm:ss"  # dayjs tokens, as Mermaid reads task dates
_PYTHON_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"  # the same format for strftime
_SHORT_SPAN_SECONDS = 10 * 60  # below this an axis of whole minutes would repeat the same label


@dataclass(frozen=True)
class ChartBar:
    """One phase of the incident: a fixed label ("Detection") and the two recorded moments it runs between."""

    label: str
    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    @property
    def title(self) -> str:
        """The label with the phase's length, e.g. "Detection (2h 05m)"."""
        return f"{self.label} ({chart_duration(self.seconds)})"


@dataclass(frozen=True)
class ChartPlan:
    """What the chart shows, for any format to draw: bars in time order, notes to print under the chart."""

    bars: tuple[ChartBar, ...]
    notes: tuple[str, ...]
    multi_day: bool  # the bars span more than one day in ``tz``: the axis needs the date
    tz: str

    @property
    def start(self) -> datetime:
        return min(bar.start for bar in self.bars)

    @property
    def end(self) -> datetime:
        return max(bar.end for bar in self.bars)


def chart_plan(meeting: Meeting) -> ChartPlan | None:
    """The phases between the incident's recorded milestones, after a lead-up from the first timeline event.

    ``None`` when there is nothing honest to draw: fewer than two milestones are recorded, or every
    phase between them has no length (the notes would then be all the chart says).
    """
    incident = meeting.incident
    known = [(name, _second(getattr(incident, name))) for name in MILESTONES if getattr(incident, name)]
    if len(known) < 2:
        return None
    notes: list[str] = []
    phases: list[ChartBar] = []
    for (first, start), (last, end) in zip(known, known[1:]):
        covered = MILESTONES[MILESTONES.index(first) + 1 : MILESTONES.index(last) + 1]
        label = _phase_label(covered, known=[name for name, _ in known])
        if end > start:
            phases.append(ChartBar(label, start, end))
        elif end == start:
            notes.append(f"{label} is not shown: {_milestone(first)} and {_milestone(last)} are the same moment "
                         f"({_moment(start, incident.tz)}).")
        else:
            notes.append(f"{label} is not shown: {_milestone(last)} ({_moment(end, incident.tz)}) is recorded "
                         f"before {_milestone(first)} ({_moment(start, incident.tz)}).")
    if not phases:
        return None
    bars = (*_lead_up(meeting), *phases)
    tz = incident.tz or "UTC"
    days = {local(moment, tz).date() for bar in bars for moment in (bar.start, bar.end)}
    return ChartPlan(bars, (*notes, *_clock_change(bars, tz)), multi_day=len(days) > 1, tz=tz)


def _second(moment: datetime) -> datetime:
    """``moment`` to the whole second: the chart's dates have seconds, so bars are compared as drawn."""
    return moment.replace(microsecond=0)


def _phase_label(covered: tuple[str, ...], known: list[str]) -> str:
    """The phases a bar covers; an unrecorded acknowledgement is part of the next phase, not a phase of its own."""
    names = [_PHASE_ENDING_AT[name] for name in covered if name != "acknowledged" or name in known]
    words = [names[0], *(name.lower() for name in names[1:])]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _milestone(name: str) -> str:
    return MILESTONE_LABELS[name].lower()


def _moment(moment: datetime, tz: str) -> str:
    shown = local(moment, tz)
    return shown.strftime("%Y-%m-%d %H:%M:%S" if shown.second else "%Y-%m-%d %H:%M")


def _lead_up(meeting: Meeting) -> list[ChartBar]:
    """What led up to the impact, from the first timeline event, when the timeline starts before the impact."""
    impact_start = meeting.incident.impact_start
    if impact_start is None or not meeting.events:
        return []
    first = _second(min(event.time for event in meeting.events))
    return [ChartBar(LEAD_UP, first, _second(impact_start))] if first < _second(impact_start) else []


def _clock_change(bars: tuple[ChartBar, ...], tz: str) -> list[str]:
    """A note when the zone's clocks moved during the chart: its bars follow the wall clock, its labels do not."""
    offsets = {local(moment, tz).utcoffset() for bar in bars for moment in (bar.start, bar.end)}
    if len(offsets) == 1:
        return []
    return [f"The clocks in {tz} changed during the incident: the bars follow the wall clock, "
            "the durations in the labels are the time that passed."]


def chart_duration(seconds: float) -> str:
    """A phase's length for its label: '45s', '1m', '14m 05s', '2h 05m', '1d 0h 54m' (seconds only below an hour)."""
    total = int(round(seconds))
    if total < 60:
        return f"{total}s"
    if total < 3600:
        minutes, secs = divmod(total, 60)
        return f"{minutes}m {secs:02d}s" if secs else f"{minutes}m"
    hours, minutes = divmod(int(round(total / 60)), 60)
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h {minutes:02d}m" if days else f"{hours}h {minutes:02d}m"


def mermaid_gantt(plan: ChartPlan) -> str:
    """The plan as a Mermaid gantt chart (without the code fence); times are wall-clock times in ``plan.tz``."""
    span = (plan.end - plan.start).total_seconds()
    clock = "%H:%M:%S" if span < _SHORT_SPAN_SECONDS else "%H:%M"
    lines = [
        "gantt",
        "    title Incident phases",
        f"    dateFormat {_DATE_FORMAT}",
        f"    axisFormat {'%b %d ' if plan.multi_day else ''}{clock}",
        "    todayMarker off",
    ]
    section = None
    for bar in plan.bars:
        name = "Before" if bar.label == LEAD_UP else "Incident"  # short: Mermaid gives section names 75px
        if name != section:
            section = name
            lines.append(f"    section {name}")
        lines.append(f"    {bar.title}: {_chart_time(bar.start, plan.tz)}, {_chart_time(bar.end, plan.tz)}")
    return "\n".join(lines) + "\n"


def _chart_time(moment: datetime, tz: str) -> str:
    return local(moment, tz).strftime(_PYTHON_DATE_FORMAT)


def impact_chart(meeting: Meeting) -> Markdown | None:
    """The chart as a fenced Mermaid block and the notes under it, as Markdown; ``None`` when there is no chart."""
    plan = chart_plan(meeting)
    if plan is None:
        return None
    notes = Markdown(" ").join([f"Times are in {plan.tz}.", *plan.notes])
    return Markdown(f"```mermaid\n{mermaid_gantt(plan)}```\n\n_{notes}_")

