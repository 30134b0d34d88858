"""A one-line summary of the incident metrics, kept in step with the session."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from ...analysis.metrics import IncidentMetrics, incident_metrics
from ...session import MeetingSession
from ...timeparse import format_duration

# (long label, short label, acronym) for each metric, in reading order.
_LABELS = (
    ("time_to_detect", "Time to detect", "Detect", "TTD"),
    ("time_to_acknowledge", "acknowledge", "Ack", "TTA"),
    ("time_to_mitigate", "mitigate", "Mitigate", "TTM"),
    ("time_to_resolve", "resolve", "Resolve", "TTR"),
    ("duration", "duration", "Duration", "Dur"),
)


class IncidentMetricsBar(Widget):
    """Time to detect / acknowledge / mitigate / resolve and duration, on one line.

    The labels shorten to fit the width it is given. Call :meth:`refresh_metrics`
    after the incident's milestone times change.
    """

    DEFAULT_CSS = """
    IncidentMetricsBar { height: 1; width: 1fr; }
    """

    def __init__(self, session: MeetingSession, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.session = session
        self.metrics: IncidentMetrics = incident_metrics(session.meeting.incident)
        self._shown = (self.metrics, session.meeting.incident.impact_start is None)

    def refresh_metrics(self) -> None:
        """Recompute the metrics from the session's incident; redraw only when they changed."""
        incident = self.session.meeting.incident
        metrics = incident_metrics(incident)
        shown = (metrics, incident.impact_start is None)
        if shown != self._shown:
            self.metrics, self._shown = metrics, shown
            self.refresh()

    @property
    def plain(self) -> str:
        """The metrics as one line of plain text with the full labels."""
        return self._line(0).plain

    def render(self) -> Text:
        if self.session.meeting.incident.impact_start is None:
            return Text("No impact start yet: metrics appear once it is set", style="italic")
        width = self.size.width
        for level in range(3):
            line = self._line(level)
            if line.cell_len <= width:
                return line
        return self._line(2)

    def _line(self, level: int) -> Text:
        text = Text()
        for index, (name, *labels) in enumerate(_LABELS):
            if index:
                text.append(" · " if level < 2 else "  ", style="dim")
            text.append(f"{labels[level]} ")
            text.append(format_duration(getattr(self.metrics, name)), style="bold")
        return text
