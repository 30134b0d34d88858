"""The one-line quick-entry formats for timeline events and action items."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmtui.entry_grammar import (
    ActionEntry,
    EventEntry,
    QuickEntryError,
    parse_action_line,
    parse_event_line,
    parse_priority,
)
from pmtui.model import PRIORITIES

UTC = UTC
DAY = date(2026, 3, 14)


# --- timeline events ----------------------------------------------------------------


def test_event_line_with_all_fields():
    entry = parse_event_line("14:37 checkout errors start | alice | https://grafana", on=DAY)
    assert entry == EventEntry(datetime(2026, 3, 14, 14, 37, tzinfo=UTC), "checkout errors start", "alice", "https://grafana")


def test_event_line_with_a_date():
    entry = parse_event_line("2026-03-14 14:37 x", on=date(2020, 1, 1))
    assert entry.time == datetime(2026, 3, 14, 14, 37, tzinfo=UTC)
    assert entry.description == "x"
    assert (entry.actor, entry.evidence) == ("", "")


def test_event_line_with_iso_time():
    entry = parse_event_line("2026-03-14T16:37:05+02:00 failover | bob")
    assert entry.time == datetime(2026, 3, 14, 14, 37, 5, tzinfo=UTC)
    assert (entry.description, entry.actor, entry.evidence) == ("failover", "bob", "")
    assert parse_event_line("2026-03-14T14:37Z pager fires").time == datetime(2026, 3, 14, 14, 37, tzinfo=UTC)


def test_event_line_in_the_incident_zone():
    entry = parse_event_line("14:37:30 alert", tz="Europe/Berlin", on=DAY)
    assert entry.time == datetime(2026, 3, 14, 13, 37, 30, tzinfo=UTC)


def test_event_line_trims_whitespace_and_keeps_empty_fields():
    entry = parse_event_line("  09:05   db   restarted  |   | runbook  ", on=DAY)
    assert (entry.description, entry.actor, entry.evidence) == ("db   restarted", "", "runbook")


def test_extra_pipes_stay_in_the_evidence():
    entry = parse_event_line("14:37 errors | alice | https://logs?q=a|b | see also || c", on=DAY)
    assert entry.actor == "alice"
    assert entry.evidence == "https://logs?q=a|b | see also || c"


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("", "type a time"),
        ("   ", "type a time"),
        ("| alice | link", "type a time"),
        ("14:37", "describe what happened"),
        ("14:37   | alice", "describe what happened"),
        ("2026-03-14 14:37", "describe what happened"),
        ("checkout errors start", "start with a time"),
        ("no time here", "start with a time"),
        ("14:40 | bob", "describe what happened"),
        ("25:00 too late", "start with a time"),
        ("2026-02-30 10:00 no such day", "start with a time"),
        ("2026-03-14 later something", "start with a time"),
        ("14h37 errors", "start with a time"),
    ],
)
def test_bad_event_lines(line, fragment):
    with pytest.raises(QuickEntryError, match=fragment) as info:
        parse_event_line(line, on=DAY)
    assert "\n" not in str(info.value)


def test_bad_time_is_quoted_in_the_message():
    with pytest.raises(QuickEntryError, match="'25:00'"):
        parse_event_line("25:00 too late", on=DAY)


# --- action items --------------------------------------------------------------------


def test_action_line_with_all_fields():
    entry = parse_action_line("Add pool size check | priya | high | 2026-12-01 | CI fails below 20")
    assert entry == ActionEntry("Add pool size check", "priya", "high", date(2026, 12, 1), "CI fails below 20")


def test_action_line_with_only_a_description():
    assert parse_action_line("  Write runbook  ") == ActionEntry("Write runbook")


def test_action_line_with_relative_due_and_empty_middle_fields():
    entry = parse_action_line("Alert on pool saturation | | | +2w | alert fires in staging")
    assert entry.owner == "" and entry.priority is None
    assert entry.due == date.today() + timedelta(days=14)
    assert entry.success_criteria == "alert fires in staging"


def test_extra_pipes_stay_in_the_success_criteria():
    entry = parse_action_line("a | b | low | 2026-12-01 | p99 | p95 both below 1s")
    assert entry.success_criteria == "p99 | p95 both below 1s"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("critical", "critical"),
        ("Critical", "critical"),
        ("c", "critical"),
        ("CRIT", "critical"),
        ("p0", "critical"),
        ("P1", "high"),
        ("h", "high"),
        ("hi", "high"),
        ("high", "high"),
        ("p2", "medium"),
        ("med", "medium"),
        ("m", "medium"),
        ("p3", "low"),
        ("lo", "low"),
        (" L ", "low"),
    ],
)
def test_priority_aliases(text, expected):
    assert parse_priority(text) == expected
    assert parse_action_line(f"fix it | me | {text}").priority == expected


@pytest.mark.parametrize("text", ["urgent", "p4", "0", "highest"])
def test_bad_priority(text):
    with pytest.raises(QuickEntryError, match="is not one of critical, high, medium, low"):
        parse_action_line(f"fix it | me | {text}")


@pytest.mark.parametrize("due", ["2026-02-30", "next week", "someday", "12/01/2026", "+3", "+999999999999d"])
def test_bad_due(due):
    with pytest.raises(QuickEntryError, match="cannot read date"):
        parse_action_line(f"fix it | me | high | {due}")


@pytest.mark.parametrize("line", ["", "   ", "| me | high", " | y", " | | | | criteria"])
def test_action_line_needs_a_description(line):
    with pytest.raises(QuickEntryError, match="describe the action"):
        parse_action_line(line)


# --- property tests ----------------------------------------------------------------------

LINE_CHARS = st.sampled_from(list("0123456789:-+TZ dwhilmp|x \t") + ["2026-03-14", "14:37", "high", "+3d"])
lines = st.one_of(st.text(max_size=60), st.lists(LINE_CHARS, max_size=20).map("".join))


@settings(max_examples=300, deadline=None)
@given(lines)
def test_random_event_lines_are_valid_or_a_quick_entry_error(line):
    try:
        entry = parse_event_line(line, tz="Europe/Berlin", on=DAY)
    except QuickEntryError:
        return
    assert entry.time.tzinfo is not None
    assert entry.description and entry.description == entry.description.strip()
    assert "|" not in entry.description and "|" not in entry.actor


@settings(max_examples=300, deadline=None)
@given(lines)
def test_random_action_lines_are_valid_or_a_quick_entry_error(line):
    try:
        entry = parse_action_line(line)
    except QuickEntryError:
        return
    assert entry.description and "|" not in entry.description
    assert entry.priority is None or entry.priority in PRIORITIES
    assert entry.due is None or isinstance(entry.due, date)


@settings(max_examples=100, deadline=None)
@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=0)
    ),
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters="|"),
        min_size=1, max_size=20,
    ),
    st.text(st.characters(blacklist_characters="|"), max_size=10),
)
def test_generated_event_lines_round_trip(moment, description, actor):
    line = f"{moment:%Y-%m-%d %H:%M:%S} {description} | {actor}"
    entry = parse_event_line(line)
    assert entry.time == moment.replace(tzinfo=UTC)
    assert entry.description == description
    assert entry.actor == actor.strip()


def test_split_speaker_takes_a_leading_at_name_only():
    from pmtui.entry_grammar import split_speaker

    assert split_speaker("@priya 14:41 acknowledged the page") == ("priya", "14:41 acknowledged the page")
    assert split_speaker("14:41 mail @priya") == ("", "14:41 mail @priya")
    assert split_speaker("@priya") == ("", "@priya")  # a name and nothing said is not a speaker
