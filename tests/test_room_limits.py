"""The room's limits: where they are set, and the counters behind them (on an injected clock)."""

from __future__ import annotations

import pytest

from helpers import FixedClock
from pmtui.paths import config_file
from pmtui.room.guard import MAX_TRACKED, Doorman, TokenFailures, address_key
from pmtui.room.limits import LimitError, RoomLimits, load_limits, parse_limit_options


def test_the_defaults_are_the_issues_numbers():
    limits = RoomLimits()
    assert (limits.max_connections, limits.max_per_address, limits.auth_timeout) == (100, 10, 10.0)
    assert (limits.token_failures, limits.failure_window, limits.lockout) == (10, 60.0, 60.0)


def test_the_config_files_room_table_then_the_options(user_folders):
    path = config_file()
    assert path == user_folders.config / "config.toml"
    assert load_limits(path) == RoomLimits()  # no file: the defaults
    path.parent.mkdir(parents=True)
    path.write_text("[room]\nmax_connections = 500\nauth_timeout = 2.5\n")
    limits = load_limits(path, parse_limit_options(["max_connections=600", " lockout = 5 "]))
    assert (limits.max_connections, limits.auth_timeout, limits.lockout) == (600, 2.5, 5.0)


@pytest.mark.parametrize(("text", "options", "says"), [
    ("[room]\nmax_connection = 5\n", [], "unknown room limit 'max_connection'"),
    ("[room]\nmax_connections = 2.5\n", [], "max_connections must be a whole number"),
    ("[room]\nlockout = 0\n", [], "lockout must be more than 0"),
    ("[room]\nheartbeat = true\n", [], "heartbeat must be a number"),
    ("room = 3\n", [], "must be a table"),
    ("[room\n", [], "not valid TOML"),
    ("", ["max_per_address"], "write NAME=VALUE"),
    ("", ["max_per_address=ten"], "--room-limit: max_per_address must be a whole number"),
])
def test_a_wrong_limit_is_one_line_naming_where(tmp_path, text, options, says):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(LimitError) as error:
        load_limits(path, parse_limit_options(options))
    assert says in str(error.value) and "\n" not in str(error.value)


def test_wrong_tokens_lock_an_address_out_after_the_limit_within_the_window():
    clock = FixedClock(0.0)
    failures = TokenFailures(clock, limit=3, window=60, lockout=30)
    assert not failures.failed("10.0.0.1") and not failures.failed("10.0.0.1")
    clock.advance(59)
    assert failures.locked_for("10.0.0.1") == 0
    assert failures.failed("10.0.0.1")  # the third within 60 s
    assert failures.locked_for("10.0.0.1") == 30 and failures.locked_for("10.0.0.2") == 0
    clock.advance(29)
    assert failures.locked() == {"10.0.0.1": 1}
    clock.advance(1)
    assert failures.locked_for("10.0.0.1") == 0 and failures.locked() == {}
    assert not failures.failed("10.0.0.1")  # the count started again


def test_failures_older_than_the_window_do_not_count():
    clock = FixedClock(0.0)
    failures = TokenFailures(clock, limit=3, window=60, lockout=30)
    for _ in range(20):
        assert not failures.failed("10.0.0.1")
        clock.advance(30)  # two in any window


def test_an_ipv6_host_counts_as_its_whole_64_and_memory_stays_bounded():
    assert address_key("2001:db8::1") == address_key("2001:db8::ffff:1") == "2001:db8::/64"
    assert address_key("::ffff:127.0.0.2") == "127.0.0.2" and address_key(None) == "?"
    clock = FixedClock(0.0)
    failures = TokenFailures(clock, limit=2, window=60, lockout=30)
    assert not failures.failed("2001:db8::1")
    assert failures.failed("2001:db8::2")
    for n in range(MAX_TRACKED + 50):
        failures.failed(f"10.{n // 65536}.{n // 256 % 256}.{n % 256}")
    assert len(failures._failures) <= MAX_TRACKED


def test_the_doorman_counts_per_address_and_in_total():
    door = Doorman(total=3, per_address=2)
    assert door.admit("10.0.0.1") is None and door.admit("10.0.0.1") is None
    assert "too many connections from 10.0.0.1" in door.admit("10.0.0.1")
    assert door.admit("10.0.0.2") is None
    assert "the room is full (3 connections)" in door.admit("10.0.0.3")
    assert door.full and door.has_room_for("10.0.0.3") and not door.has_room_for("10.0.0.1")
    door.leave("10.0.0.1")
    assert door.admit("10.0.0.3") is None and door.count == 3
