"""Reading typed times and dates, and formatting durations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmtui.timeparse import (
    TimeFormatError,
    format_clock,
    format_duration,
    local,
    parse_date,
    parse_time,
    zone,
)

UTC = UTC
DAY = date(2026, 3, 14)
BERLIN = ZoneInfo("Europe/Berlin")


# --- accepted formats ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-14T14:37:00Z", datetime(2026, 3, 14, 14, 37, tzinfo=UTC)),
        ("2026-03-14T14:37Z", datetime(2026, 3, 14, 14, 37, tzinfo=UTC)),
        ("2026-03-14T16:37:00+02:00", datetime(2026, 3, 14, 14, 37, tzinfo=UTC)),
        ("2026-03-14T09:37:00-05:00", datetime(2026, 3, 14, 14, 37, tzinfo=UTC)),
        ("2026-03-14T14:37:00.250000Z", datetime(2026, 3, 14, 14, 37, 0, 250000, tzinfo=UTC)),
        ("2026-03-14 14:37", datetime(2026, 3, 14, 14, 37, tzinfo=UTC)),
        ("2026-03-14 14:37:05", datetime(2026, 3, 14, 14, 37, 5, tzinfo=UTC)),
        ("2026-03-14T14:37:05", datetime(2026, 3, 14, 14, 37, 5, tzinfo=UTC)),
        ("2026-03-14 9:05", datetime(2026, 3, 14, 9, 5, tzinfo=UTC)),
        ("14:37", datetime(2026, 3, 14, 14, 37, tzinfo=UTC)),
        ("14:37:59", datetime(2026, 3, 14, 14, 37, 59, tzinfo=UTC)),
        ("9:05", datetime(2026, 3, 14, 9, 5, tzinfo=UTC)),
        ("00:00", datetime(2026, 3, 14, 0, 0, tzinfo=UTC)),
        ("23:59:59", datetime(2026, 3, 14, 23, 59, 59, tzinfo=UTC)),
        ("  14:37  ", datetime(2026, 3, 14, 14, 37, tzinfo=UTC)),
    ],
)
def test_accepted_formats_in_utc(text, expected):
    parsed = parse_time(text, "UTC", DAY)
    assert parsed == expected
    assert parsed.tzinfo is not None


def test_times_without_offset_are_in_the_incident_zone():
    parsed = parse_time("14:37", "Europe/Berlin", DAY)
    assert parsed.utcoffset() == timedelta(hours=1)
    assert parsed == datetime(2026, 3, 14, 13, 37, tzinfo=UTC)
    assert parse_time("2026-07-01 14:37", "Europe/Berlin") == datetime(2026, 7, 1, 12, 37, tzinfo=UTC)
    assert parse_time("2026-07-01T14:37:00", "Europe/Berlin") == datetime(2026, 7, 1, 12, 37, tzinfo=UTC)


def test_an_offset_in_the_text_wins_over_the_zone():
    assert parse_time("2026-03-14T14:37:00Z", "Europe/Berlin") == datetime(2026, 3, 14, 14, 37, tzinfo=UTC)
    assert parse_time("2026-03-14T14:37:00+05:30", "America/New_York") == datetime(2026, 3, 14, 9, 7, tzinfo=UTC)


def test_utc_is_the_default_zone():
    assert parse_time("2026-03-14 14:37").utcoffset() == timedelta(0)
    assert parse_time("14:37", on=DAY) == datetime(2026, 3, 14, 14, 37, tzinfo=UTC)
    assert parse_time("14:37", "", DAY) == datetime(2026, 3, 14, 14, 37, tzinfo=UTC)


def test_clock_time_without_a_date_is_today_in_the_zone():
    parsed = parse_time("12:00", "Pacific/Kiritimati")
    assert parsed.date() == datetime.now(ZoneInfo("Pacific/Kiritimati")).date()


# --- rejected input -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "garbage",
        "25:00",
        "24:00",
        "14:60",
        "14:37:60",
        "14",
        "14:3",
        "1437",
        "2026-02-30 10:00",
        "2026-02-30T10:00:00Z",
        "2026-13-01 10:00",
        "2026-03-14 25:00",
        "2026-03-14 14:37 extra",
        "14:37 pm",
        "yesterday",
        "2026/03/14 14:37",
        "14-37",
        "T14:37",
        "2026-03-14T14:37:00+25:00",
        "Z",
        "-1:00",
    ],
)
def test_rejected_input_is_a_time_format_error(text):
    with pytest.raises(TimeFormatError) as info:
        parse_time(text, "UTC", DAY)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert "\n" not in message
    assert "HH:MM" in message or "day is out of range" in message or "must be in" in message


def test_invalid_date_message_says_what_is_wrong():
    with pytest.raises(TimeFormatError, match="2026-02-30"):
        parse_time("2026-02-30 10:00")


def test_error_names_the_accepted_formats():
    with pytest.raises(TimeFormatError, match=r"ISO 8601.*YYYY-MM-DD HH:MM\[:SS\].*HH:MM\[:SS\]"):
        parse_time("noon")


@pytest.mark.parametrize("name", ["Mars/Olympus", "../etc/passwd", "/etc/passwd", "zone.tab", "Europe/"])
def test_unknown_zone_is_a_time_format_error(name):
    with pytest.raises(TimeFormatError, match="unknown time zone"):
        parse_time("14:37", name, DAY)
    with pytest.raises(TimeFormatError):
        zone(name)


def test_zone_defaults_to_utc():
    assert zone("") == ZoneInfo("UTC")
    assert zone("Europe/Berlin") == BERLIN


# --- property tests --------------------------------------------------------------

TIME_CHARS = st.sampled_from(list("0123456789:-+TZ .z/") + ["\u0663", "\n", "\x00"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), st.text(TIME_CHARS, max_size=30)))
def test_random_text_only_ever_raises_time_format_error(text):
    try:
        parsed = parse_time(text, "Europe/Berlin", DAY)
    except TimeFormatError:
        return
    assert parsed.tzinfo is not None


aware_times = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2999, 12, 31), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))


@settings(max_examples=200, deadline=None)
@given(aware_times)
def test_generated_times_round_trip(moment):
    assert parse_time(moment.isoformat()) == moment
    assert parse_time(moment.strftime("%Y-%m-%dT%H:%M:%SZ")) == moment
    assert parse_time(moment.strftime("%Y-%m-%d %H:%M:%S")) == moment
    assert parse_time(moment.strftime("%H:%M:%S"), "UTC", moment.date()) == moment
    assert parse_time(moment.strftime("%H:%M"), "UTC", moment.date()) == moment.replace(second=0)


@settings(max_examples=100, deadline=None)
@given(aware_times, st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"]))
def test_generated_times_round_trip_through_a_zone(moment, tz):
    shown = local(moment, tz)
    assert parse_time(shown.isoformat(), tz) == moment
    wall = parse_time(shown.strftime("%Y-%m-%d %H:%M:%S"), tz)
    assert wall.replace(tzinfo=None) == shown.replace(tzinfo=None)


# --- dates -------------------------------------------------------------------------


def test_parse_date_absolute_and_relative():
    today = date.today()
    assert parse_date("2026-12-01") == date(2026, 12, 1)
    assert parse_date(" 2026-12-01 ") == date(2026, 12, 1)
    assert parse_date("+3d") == today + timedelta(days=3)
    assert parse_date("+2w") == today + timedelta(days=14)
    assert parse_date("+0d") == today


@pytest.mark.parametrize("text", ["", "2026-02-30", "tomorrow", "+3", "+3m", "-3d", "+99999999999d", "+9" * 5000 + "d"])
def test_parse_date_rejects_with_time_format_error(text):
    with pytest.raises(TimeFormatError, match="YYYY-MM-DD"):
        parse_date(text)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=20), st.from_regex(r"\A\+[0-9]{1,15}[dw]\Z")))
def test_parse_date_random_text_only_raises_time_format_error(text):
    try:
        assert isinstance(parse_date(text), date)
    except TimeFormatError:
        pass


# --- formatting ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (None, "—"),
        (0, "0s"),
        (0.4, "0s"),
        (59, "59s"),
        (60, "1m"),
        (105, "1m45s"),
        (1380, "23m"),
        (3599, "59m59s"),
        (3600, "1h00m"),
        (7500, "2h05m"),
        (86400, "1d"),
        (86400 * 3 + 3600 * 4, "3d4h"),
        (86400 + 59, "1d"),
        (-105, "-1m45s"),
        (-30, "-30s"),
    ],
)
def test_format_duration(seconds, expected):
    assert format_duration(seconds) == expected


@pytest.mark.parametrize(
    ("seconds", "expected"), [(0, "00:00"), (1500, "25:00"), (190, "03:10"), (5400, "90:00"), (-190, "03:10")]
)
def test_format_clock(seconds, expected):
    assert format_clock(seconds) == expected
