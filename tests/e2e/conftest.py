"""What the scripted terminal runs share: a skip without tmux, the run's folders, a tmux that always stops."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tmux_driver import PMTUI, TMUX, Folders, Tmux

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in tests/e2e is an end-to-end run: marked ``e2e`` and skipped, with the reason, without tmux."""
    for item in items:
        if not item.path.is_relative_to(HERE):
            continue
        item.add_marker(pytest.mark.e2e)
        if TMUX is None:
            item.add_marker(pytest.mark.skip(reason="tmux is not installed: the scripted terminal runs need it"))
        elif PMTUI is None:
            item.add_marker(pytest.mark.skip(reason="the pmtui console script is not installed next to this Python"))


@pytest.fixture
def folders(tmp_path) -> Folders:
    return Folders(tmp_path)


@pytest.fixture
def terminal(folders: Folders) -> Iterator[Callable[[int, int], Tmux]]:
    """``terminal(width, height)``: a private tmux server of that window size, stopped at the end, pass or fail."""
    started: list[Tmux] = []

    def make(width: int, height: int) -> Tmux:
        tmux = Tmux(folders, width, height)
        started.append(tmux)
        return tmux

    yield make
    for tmux in started:
        tmux.close()
