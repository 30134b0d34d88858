"""Where pmtui keeps things: the one place that knows its folders.

Each folder has an environment variable that overrides the platform's
default (tests and portable setups use them): meetings ``$PMTUI_DATA_DIR``,
configuration (agendas, word lists, ``config.toml``) ``$PMTUI_CONFIG_DIR``,
note-takers' outboxes ``$PMTUI_OUTBOX_DIR``, the join tokens of shared
meetings ``$PMTUI_ROOMS_DIR``, caches of what was read from archives
``$PMTUI_CACHE_DIR``. The archives read besides the data dir are
``--archive`` options, else ``$PMTUI_ARCHIVES`` (``:``-separated).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import platformdirs

from .store.errors import StoreError

APP = "pmtui"
DATA_DIR_ENV = "PMTUI_DATA_DIR"
CONFIG_DIR_ENV = "PMTUI_CONFIG_DIR"
OUTBOX_DIR_ENV = "PMTUI_OUTBOX_DIR"
ROOMS_DIR_ENV = "PMTUI_ROOMS_DIR"
CACHE_DIR_ENV = "PMTUI_CACHE_DIR"
ARCHIVES_ENV = "PMTUI_ARCHIVES"


def _from_env(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else None


def data_dir(explicit: str | Path | None = None) -> Path:
    """The meetings folder, created if missing.

    It is ``explicit`` (the ``--data-dir`` option) when given, else
    ``$PMTUI_DATA_DIR``, else the platform's user data folder for pmtui.
    """
    if explicit:
        path = Path(explicit).expanduser()
    else:
        path = _from_env(DATA_DIR_ENV) or platformdirs.user_data_path(APP) / "meetings"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the meetings folder {path}: {exc.strerror or exc}; "
            f"pass --data-dir or set {DATA_DIR_ENV} to a writable folder"
        ) from None
    return path


def config_dir() -> Path:
    """The user's configuration: ``$PMTUI_CONFIG_DIR``, else the platform's user config folder."""
    return _from_env(CONFIG_DIR_ENV) or platformdirs.user_config_path(APP)


def config_file() -> Path:
    """The settings file (TOML; the room's limits are its ``[room]`` table)."""
    return config_dir() / "config.toml"


def user_agenda_dir() -> Path:
    """Where the user's own agendas go."""
    return config_dir() / "agendas"


def outbox_dir(explicit: str | Path | None = None) -> Path:
    """Where outboxes live: ``explicit``, else ``$PMTUI_OUTBOX_DIR``, else the user data dir."""
    if explicit:
        return Path(explicit).expanduser()
    return _from_env(OUTBOX_DIR_ENV) or platformdirs.user_data_path(APP) / "outbox"


def rooms_dir() -> Path:
    """Where the join tokens of shared meetings live: ``$PMTUI_ROOMS_DIR``, else the user state dir."""
    return _from_env(ROOMS_DIR_ENV) or platformdirs.user_state_path(APP) / "rooms"


def rescue_dirs() -> tuple[Path, ...]:
    """Where a rescue copy of a meeting may go when its own folder fails, best first."""
    return Path(tempfile.gettempdir()), Path.home()


def cache_dir() -> Path:
    """Caches pmtui may delete at any time: ``$PMTUI_CACHE_DIR``, else the platform's user cache folder.

    What is read from an archive is cached here, never inside the archive's working tree.
    """
    return _from_env(CACHE_DIR_ENV) or platformdirs.user_cache_path(APP)


def archives(explicit: tuple[str | Path, ...] | list[str | Path] = ()) -> list[Path]:
    """The archives (git working trees of published post-mortems) to read besides the data dir.

    ``explicit`` (``--archive``, repeatable) when given, else ``$PMTUI_ARCHIVES`` split at ``:``; each once,
    in order, empty entries dropped.
    """
    named = list(explicit) or os.environ.get(ARCHIVES_ENV, "").split(os.pathsep)
    found: list[Path] = []
    for entry in named:
        if str(entry).strip():
            path = Path(entry).expanduser()
            if path not in found:
                found.append(path)
    return found
