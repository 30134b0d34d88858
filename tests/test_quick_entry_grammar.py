"""The one quick-entry grammar: every phase x every prefix, @name, and what the text rule still refuses."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pmtui.agenda import PHASE_KINDS
from pmtui.entry_grammar import (
    PLAIN,
    ActionEntry,
    AttendeeEntry,
    EventEntry,
    FactorEntry,
    NoteEntry,
    ObservationEntry,
    ProblemEntry,
    QuickEntryError,
    WhyEntry,
    read_entry,
    read_observation_edit,
)
from pmtui.model import Incident
from pmtui.session import MeetingSession, ValidationError

DAY = date(2017, 1, 31)
NEAR = datetime(2017, 1, 31, 23, 27, tzinfo=UTC)
CONTEXT = {"tz": "UTC", "on": DAY, "near": NEAR, "today": DAY}

PREFIXED = {
    "+ the delayed replica worked": ObservationEntry("went_well", "the delayed replica worked"),
    "- pg_dump failed silently": ObservationEntry("went_poorly", "pg_dump failed silently"),
    "-pg_dump failed silently": ObservationEntry("went_poorly", "pg_dump failed silently"),
    "! the snapshot was 6 hours old": ObservationEntry("lucky", "the snapshot was 6 hours old"),
    "? nobody owned backup testing": WhyEntry("nobody owned backup testing"),
}


@pytest.mark.parametrize("phase_kind", PHASE_KINDS)
@pytest.mark.parametrize("line", PREFIXED)
def test_a_prefix_means_the_same_in_every_phase(phase_kind, line):
    assert read_entry(line, phase_kind, **CONTEXT) == PREFIXED[line]


@pytest.mark.parametrize("phase_kind", PHASE_KINDS)
@pytest.mark.parametrize("line", PREFIXED)
def test_a_leading_at_name_is_the_speaker_before_or_after_the_prefix(phase_kind, line):
    expected = PREFIXED[line]
    head, rest = line[0], line[1:].strip()
    assert read_entry(f"@priya {line}", phase_kind, **CONTEXT).speaker == "priya"
    assert read_entry(f"{head} @priya {rest}", phase_kind, **CONTEXT) == type(expected)(
        **{**vars(expected), "speaker": "priya"})


UNPREFIXED = {
    "timeline": EventEntry(datetime(2017, 2, 1, 0, 36, tzinfo=UTC), "replication stops", "db1", "", "ana"),
    "observations": ObservationEntry("went_well", "00:36 replication stops", "db1", "ana"),
    "five_whys": WhyEntry("00:36 replication stops | db1", "ana"),
    "actions": ActionEntry("00:36 replication stops", "db1", speaker="ana"),
    "follow_ups": NoteEntry("00:36 replication stops | db1", "ana"),
    "review": NoteEntry("00:36 replication stops | db1", "ana"),
    "notes": NoteEntry("00:36 replication stops | db1", "ana"),
    "safety": AttendeeEntry("00:36 replication stops", "db1", "ana"),
}


def test_every_phase_kind_says_what_an_unprefixed_line_is():
    assert set(PLAIN) == set(PHASE_KINDS)


@pytest.mark.parametrize("phase_kind", PHASE_KINDS)
def test_an_unprefixed_line_is_what_the_phase_is_for(phase_kind):
    assert read_entry("@ana 00:36 replication stops | db1", phase_kind, **CONTEXT) == UNPREFIXED[phase_kind]


def test_the_view_s_own_mode_decides_an_unprefixed_line_and_a_prefix_still_wins():
    assert read_entry("one region only", "observations", plain="lucky") == ObservationEntry("lucky", "one region only")
    assert read_entry("Backups never restored", "five_whys", plain="problem") == ProblemEntry("Backups never restored")
    assert read_entry("no restore drill | process", "five_whys", plain="factor") == FactorEntry(
        "no restore drill", "process")
    assert read_entry("- alerts were noisy", "five_whys", plain="factor") == ObservationEntry(
        "went_poorly", "alerts were noisy")


@pytest.mark.parametrize("line, message", [
    ("-   ", "type what went poorly after the '-'"),
    ("@priya !", "type what was lucky after the '!'"),
    ("?", "type your answer after the '?'"),
])
def test_a_prefix_with_nothing_after_it_is_refused_with_what_to_type(line, message):
    with pytest.raises(QuickEntryError, match=message):
        read_entry(line, "timeline")


def test_an_unprefixed_timeline_line_without_a_time_says_so():
    with pytest.raises(QuickEntryError, match="start with a time"):
        read_entry("checkout broke", "timeline")


def test_an_edit_line_moves_an_observation_only_with_a_prefix():
    assert read_observation_edit("went_well", "! paging at all") == ObservationEntry("lucky", "paging at all")
    assert read_observation_edit("lucky", " paging at all ") == ObservationEntry("lucky", "paging at all")


@pytest.mark.parametrize("line", [
    "- pg_dump \u202efailed",  # a bidi override in the text
    "@pri\u200bya - pg_dump failed",  # an invisible character in the speaker's name
    "+ restore\x1b[2J worked",  # a terminal escape
])
def test_hostile_text_read_by_the_grammar_is_still_refused_by_the_text_rule(tmp_path, line):
    session = MeetingSession.create(tmp_path, Incident("Backups lost"))
    entry = read_entry(line, "timeline")
    assert isinstance(entry, ObservationEntry)
    with pytest.raises(ValidationError):
        session.add_observation(entry.kind, entry.text, speaker=entry.speaker)
    assert session.meeting.observations == []
    session.close()
