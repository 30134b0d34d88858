"""Reading and writing the times people type and read in a meeting."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_FULL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
ACCEPTED = "ISO 8601, 'YYYY-MM-DD HH:MM[:SS]' or 'HH:MM[:SS]'"


class TimeFormatError(ValueError):
    """A time string that none of the accepted formats match."""


def zone(name: str) -> ZoneInfo:
    """The time zone called ``name`` (an IANA name such as 'Europe/Berlin')."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise TimeFormatError(f"unknown time zone {name!r}: use an IANA name such as UTC or Europe/Berlin") from exc


def parse_time(text: str, tz: str = "UTC", on: date | None = None, *, near: datetime | None = None) -> datetime:
    """Parse ``text`` into an aware datetime.

    Accepts ISO 8601 (an offset in the text wins), ``YYYY-MM-DD HH:MM[:SS]``
    and ``HH:MM[:SS]``. A clock-only time takes the date that puts it within
    12 hours of ``near`` (so 00:36 typed after 23:27 is the next day), else
    the date ``on``, else today in ``tz``. Times without an offset are in ``tz``.
    """
    raw = text.strip()
    tzinfo = zone(tz)
    m = _CLOCK.match(raw)
    if m:
        hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
        if near is not None:
            return _nearest(raw, hour, minute, second, near, tzinfo)
        day = on or datetime.now(tzinfo).date()
        return _build(raw, day.year, day.month, day.day, hour, minute, second, tzinfo)
    m = _FULL.match(raw)
    if m:
        parts = [int(p) for p in m.groups(default="0")]
        return _build(raw, *parts, tzinfo)
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise TimeFormatError(f"cannot read time {raw!r}: use {ACCEPTED}") from None
    if not _looks_iso(raw):
        raise TimeFormatError(f"cannot read time {raw!r}: use {ACCEPTED}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tzinfo)


def is_clock_time(text: str) -> bool:
    """Whether ``text`` is a bare ``HH:MM[:SS]``, a time without a date."""
    return bool(_CLOCK.match(text.strip()))


def _nearest(raw: str, hour: int, minute: int, second: int, near: datetime, tzinfo: ZoneInfo) -> datetime:
    """The clock time ``hour:minute:second`` in ``tzinfo`` on the day that puts it closest to ``near``.

    Of the day before, the day of and the day after ``near`` (in ``tzinfo``) one is always within 12 hours;
    on a tie (exactly 12 hours) ``near``'s own day wins.
    """
    day = near.astimezone(tzinfo).date()
    candidates = [
        _build(raw, d.year, d.month, d.day, hour, minute, second, tzinfo)
        for d in (day - timedelta(days=1), day, day + timedelta(days=1))
    ]
    return min(candidates, key=lambda moment: (abs((moment - near).total_seconds()), moment.date() != day))


def _looks_iso(raw: str) -> bool:
    return bool(re.match(r"^\d{4}-\d{2}-\d{2}", raw))


def _build(
    raw: str, year: int, month: int, day: int, hour: int, minute: int, second: int, tzinfo: ZoneInfo
) -> datetime:
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=tzinfo)
    except ValueError as exc:
        raise TimeFormatError(f"cannot read time {raw!r}: {exc}") from None


def parse_date(text: str, today: date | None = None) -> date:
    """Parse ``YYYY-MM-DD``, or a relative ``+Nd`` / ``+Nw`` from ``today``."""
    raw = text.strip()
    m = re.fullmatch(r"\+(\d+)([dw])", raw)
    try:
        if m:
            return (today or date.today()) + timedelta(days=int(m[1]) * (7 if m[2] == "w" else 1))
        return date.fromisoformat(raw)
    except (ValueError, OverflowError):
        raise TimeFormatError(f"cannot read date {raw!r}: use YYYY-MM-DD or +Nd / +Nw") from None


def local(moment: datetime, tz: str) -> datetime:
    """``moment`` shown in the incident's time zone."""
    return moment.astimezone(zone(tz))


def format_on(moment: datetime, tz: str, home: date | None, clock: str = "%H:%M:%S") -> str:
    """``moment`` in ``tz`` as a clock time, with its date in front when it is not on ``home`` (the incident's day)."""
    shown = local(moment, tz)
    return shown.strftime(clock if shown.date() == home else f"%b %d {clock}")


def format_duration(seconds: float | None) -> str:
    """A compact duration: '1m45s', '23m', '2h05m', '3d4h'; '—' when unknown."""
    if seconds is None:
        return "—"
    sign = "-" if seconds < 0 else ""
    total = int(round(abs(seconds)))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{sign}{days}d{hours}h" if hours else f"{sign}{days}d"
    if hours:
        return f"{sign}{hours}h{minutes:02d}m"
    if minutes:
        return f"{sign}{minutes}m{secs:02d}s" if secs else f"{sign}{minutes}m"
    return f"{sign}{secs}s"


def format_clock(seconds: float) -> str:
    """Minutes and seconds for a countdown: '25:00', '03:10', '90:00'."""
    total = int(abs(seconds))
    minutes, secs = divmod(total, 60)
    return f"{minutes:02d}:{secs:02d}"
