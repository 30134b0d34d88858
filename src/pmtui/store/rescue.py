"""A copy of a meeting written elsewhere when its own file cannot be written."""

from __future__ import annotations

import uuid
from pathlib import Path

from .. import paths
from ..fsio import atomic_write
from ..model import utcnow
from .errors import StoreError
from .storage import MeetingStorage
from .tables import meeting_to_tables

RESCUE_PREFIX = "pmtui-rescue-"


def write_rescue_copy(data: dict) -> Path:
    """Write meeting ``data`` as a meeting file in a rescue folder (temp dir, else home); returns its path.

    For when the meeting's own file cannot be written: the copy can be moved
    over it once the disk works again. Raises StoreError when no place takes it.
    """
    name = f"{RESCUE_PREFIX}{data['id']}-{uuid.uuid4().hex[:8]}.json"
    tables = meeting_to_tables(data, updated=utcnow().isoformat())
    problems = []
    for folder in paths.rescue_dirs():
        path = folder / name
        try:
            atomic_write(path, MeetingStorage(path).encode(tables), replace=False)
        except OSError as exc:
            problems.append(f"{folder}: {exc.strerror or exc}")
            continue
        return path
    raise StoreError(f"cannot write a rescue copy of meeting {data['id']} either ({'; '.join(problems)}); "
                     "changes since its last save are lost: free some disk space before going on")
