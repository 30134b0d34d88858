"""What every test gets: its own user folders, and snapshots that do not depend on when a cursor blinks.

No test reads or writes the developer's files or another test's: pmtui finds its folders through
environment variables (``PMTUI_*_DIR``) and, without them, through platformdirs (``XDG_*`` on Linux,
``HOME`` on macOS); rescue copies go to the temp folder, then home. All of them point into one fresh
folder per test. Environment variables rather than patched functions, because the CLI tests run pmtui
as a subprocess, which inherits them.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from textual.css.stylesheet import Stylesheet
from textual.widgets import Input, TextArea

pytest_plugins = ["forge_support"]  # fake_forge (gh/glab on PATH) and archive_repo (git with a bare remote)

settings.register_profile("pmtui", deadline=None)
settings.load_profile("pmtui")
"""Property tests check what text does, not how fast: with three workers on two cores, an example can take
longer than Hypothesis' default 200 ms deadline and fail a run that found nothing wrong."""


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker per core, plus one.

    Many tests spend part of their time waiting (subprocesses, tmux, Chromium, fsync); a third worker on two cores
    fills that time (a clean CI run: 8m42s on two workers, 7m55s on three).
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores + 1


@pytest.fixture
def data(tmp_path) -> Path:
    """An empty meetings folder (``--data-dir``) of the test's own; a file may give it meetings with its own."""
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture(autouse=True, scope="session")
def css_parsed_once_per_process():
    """Each stylesheet source parsed once per test process (per theme), not once per app.

    Textual parses every CSS source again for each App it starts: ~50 ms for pmtui.tcss and the widgets' own CSS.
    A user's process starts one app; a test process starts hundreds, so this is the suite's, not pmtui's, to
    skip. The parsed rules are only read once made, and a source that does not parse still fails its first app.
    """
    parsed: dict[tuple, list] = {}
    parse = Stylesheet._parse_rules

    def parse_once(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(sorted(self._variables.items())))
        if key not in parsed:
            parsed[key] = parse(self, css, read_from, is_default_rules, tie_breaker, scope)
        return parsed[key]

    Stylesheet._parse_rules = parse_once
    yield
    Stylesheet._parse_rules = parse


@dataclass(frozen=True)
class UserFolders:
    """Where pmtui's user folders are for this test (none exists until pmtui or the test makes it)."""

    config: Path  # agendas/, blameless.toml
    data: Path  # meeting files
    rooms: Path  # notices of shared meetings
    outbox: Path  # a note-taker's unsent changes
    cache: Path  # what was read from archives
    home: Path
    temp: Path  # rescue copies go here first


@pytest.fixture(autouse=True)
def user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> UserFolders:
    root = tmp_path_factory.mktemp("user")
    folders = UserFolders(config=root / "config", data=root / "data", rooms=root / "rooms", outbox=root / "outbox",
                          cache=root / "cache", home=root / "home", temp=root / "temp")
    for name in [name for name in os.environ if name.startswith("PMTUI_")]:  # nothing from the developer's shell
        monkeypatch.delenv(name)
    monkeypatch.setenv("PMTUI_CONFIG_DIR", str(folders.config))
    monkeypatch.setenv("PMTUI_DATA_DIR", str(folders.data))
    monkeypatch.setenv("PMTUI_ROOMS_DIR", str(folders.rooms))
    monkeypatch.setenv("PMTUI_OUTBOX_DIR", str(folders.outbox))
    monkeypatch.setenv("PMTUI_CACHE_DIR", str(folders.cache))
    folders.home.mkdir()
    monkeypatch.setenv("HOME", str(folders.home))
    for name, below in (("XDG_CONFIG_HOME", ".config"), ("XDG_DATA_HOME", ".local/share"),
                        ("XDG_STATE_HOME", ".local/state"), ("XDG_CACHE_HOME", ".cache")):
        monkeypatch.setenv(name, str(folders.home / below))
    folders.temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(folders.temp))
    monkeypatch.setattr(tempfile, "tempdir", str(folders.temp))
    return folders


@pytest.fixture
def snap_compare(snap_compare, monkeypatch: pytest.MonkeyPatch):
    """The plugin's snapshot comparison with text cursors that stay as they were drawn first.

    A cursor blinks every 0.5 s: on a busy machine (or with the suite in parallel) a screenshot
    could catch it either way, and the comparison would fail for nothing.
    """
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)
    return snap_compare
