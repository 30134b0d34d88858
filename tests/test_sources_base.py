"""What every timeline source shares: the window, and found events made into the meeting's events."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pmtui.model import Incident
from pmtui.sources import SourceError, SourceEvent, default_window, read_timeline, timeline_events
from pmtui.text import LIMITS

START = datetime(2026, 3, 14, 23, 30, tzinfo=UTC)


def test_the_window_opens_six_hours_before_impact_and_closes_an_hour_after_resolution():
    incident = Incident("x", impact_start=START, resolved=datetime(2026, 3, 15, 2, 0, tzinfo=UTC))
    assert default_window(incident) == (datetime(2026, 3, 14, 17, 30, tzinfo=UTC),
                                        datetime(2026, 3, 15, 3, 0, tzinfo=UTC))
    assert default_window(Incident("x")) == (None, None)
    assert default_window(Incident("x", detected=START)) == (datetime(2026, 3, 14, 17, 30, tzinfo=UTC), None)


def test_found_events_become_the_meetings_in_its_zone_with_their_source():
    found = [SourceEvent(START, "db-1 \x1b[31mdown\u202e", author="Ana Lima", evidence="slack:#inc C1/1.2",
                         source="slack:#inc-db"),
             SourceEvent(START, "   "),
             SourceEvent(START, "x" * 5000, actor="alertmanager")]
    events = timeline_events(found, "Europe/Berlin", author="Ben")
    assert [e.description for e in events[:1]] == ["db-1 down"]
    first, long = events
    assert first.time.utcoffset().total_seconds() == 3600 and first.time == START
    assert (first.actor, first.author, first.source) == ("Ana Lima", "Ben", "slack:#inc-db")
    assert len(long.description) == LIMITS["description"] and long.description.endswith("…")
    assert long.actor == "alertmanager"


def test_an_unknown_source_is_one_line(tmp_path):
    with pytest.raises(SourceError, match=r"unknown source 'irc'"):
        read_timeline(tmp_path / "x.log", "irc")
