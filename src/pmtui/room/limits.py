"""How much the room lets anyone do before it says no: the numbers, and where they are set.

Defaults hold for a team meeting. Each can be changed in the ``[room]`` table
of the config file (:func:`pmtui.paths.config_file`) or with ``--room-limit
NAME=VALUE`` on ``pmtui run``, the option winning; tests and benchmarks that
need many clients raise them explicitly instead of switching them off.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .rate import DEFAULT_ENTRY_RATE


class LimitError(ValueError):
    """A limit is set wrongly (the message is one line and names where)."""


@dataclass(frozen=True)
class RoomLimits:
    """The room's limits; every one is a positive number."""

    max_connections: int = 100
    """Connections open at once, authenticated or not (each holds a file descriptor)."""
    max_per_address: int = 10
    """Connections open at once from one address (an IPv6 /64 counts as one)."""
    auth_timeout: float = 10.0
    """Seconds a connection may stay without presenting the right token before it is closed."""
    token_failures: int = 10
    """Wrong tokens from one address within ``failure_window`` seconds before it is locked out."""
    failure_window: float = 60.0
    lockout: float = 60.0
    """Seconds an address is answered 429 (its tokens unchecked) after too many wrong ones."""
    heartbeat: float = 10.0
    """Seconds between pings on a joined connection; one not answered within half of it closes the connection."""
    entry_rate: int = DEFAULT_ENTRY_RATE
    """Changes (adds, edits, removals) one note-taker may send per second; more wait and are sent again."""

    def with_settings(self, settings: dict[str, object], where: str) -> RoomLimits:
        """These limits with ``settings`` (name -> value) applied; LimitError naming ``where`` when one is wrong."""
        kinds = {f.name: f.type for f in fields(self)}
        changed = {}
        for name, value in settings.items():
            if name not in kinds:
                raise LimitError(f"{where}: unknown room limit {name!r}; known: {', '.join(kinds)}")
            changed[name] = _number(value, integer=kinds[name] == "int", what=f"{where}: {name}")
        return replace(self, **changed)


def _number(value: object, *, integer: bool, what: str) -> int | float:
    if isinstance(value, str):
        try:
            value = int(value) if integer else float(value)
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
        raise LimitError(f"{what} must be a {'whole ' if integer else ''}number, not {value!r}")
    if not value > 0:
        raise LimitError(f"{what} must be more than 0, not {value!r}")
    return value


def parse_limit_options(options: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``NAME=VALUE`` options as a dict (LimitError for one without ``=``)."""
    settings = {}
    for option in options:
        name, equals, value = option.partition("=")
        if not equals:
            raise LimitError(f"--room-limit {option!r}: write NAME=VALUE, e.g. max_connections=200")
        settings[name.strip()] = value.strip()
    return settings


def load_limits(config_file: Path, options: dict[str, str] | None = None) -> RoomLimits:
    """The defaults, then the config file's ``[room]`` table (if the file exists), then ``options``."""
    limits = RoomLimits()
    try:
        with open(config_file, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        data = {}
    except OSError as exc:
        raise LimitError(f"cannot read {config_file}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LimitError(f"{config_file} is not valid TOML: {exc}; fix the syntax there") from None
    room = data.get("room", {})
    if not isinstance(room, dict):
        raise LimitError(f"{config_file}: 'room' must be a table ([room])")
    limits = limits.with_settings(room, f"{config_file} [room]")
    return limits.with_settings(options or {}, "--room-limit")
