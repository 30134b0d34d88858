"""Where pmtui keeps its meeting files."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from .store import StoreError


def data_dir(explicit: str | Path | None = None) -> Path:
    """The meetings folder, created if missing.

    It is ``explicit`` (the ``--data-dir`` option) when given, else
    ``$PMTUI_DATA_DIR``, else the platform's user data folder for pmtui.
    """
    if explicit:
        path = Path(explicit).expanduser()
    elif os.environ.get("PMTUI_DATA_DIR"):
        path = Path(os.environ["PMTUI_DATA_DIR"]).expanduser()
    else:
        path = platformdirs.user_data_path("pmtui") / "meetings"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the meetings folder {path}: {exc.strerror or exc}; "
            "pass --data-dir or set PMTUI_DATA_DIR to a writable folder"
        ) from None
    return path
