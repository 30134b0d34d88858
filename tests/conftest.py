"""Every test keeps the notices of shared meetings (pmtui.room.registry) in its own folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_rooms_dir(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("PMTUI_ROOMS_DIR", str(tmp_path_factory.mktemp("rooms")))
