"""Writing exports to disk: atomically, never half a file, and never over a meeting or through a link."""

from __future__ import annotations

import os
from pathlib import Path

from ..fsio import atomic_write
from ..model import Meeting
from ..store import slugify
from .markdown import render_minutes_file, render_postmortem


class OutputPathError(Exception):
    """A path an export may not be written to; ``str()`` is one line saying what to do."""


def check_output_path(path: Path, data_dir: Path, *, force: bool = False, parents: bool = False) -> None:
    """Refuse ``path`` as the file a user asked an export to go to, before anything is written.

    Never inside the meetings folder (links and ``..`` resolved, folders
    compared by identity, so another spelling of it is caught too): the export
    would replace a meeting or its lock behind the writer's back. Never
    through a symbolic link, never over an existing file unless ``force``,
    never into a missing folder unless ``parents``.
    """
    if path.is_symlink():
        raise OutputPathError(f"{path} is a symbolic link, which pmtui never writes through; "
                              "choose another path with -o")
    if _inside(path, data_dir):
        raise OutputPathError(f"{path} is inside the meetings folder {data_dir}, where an export could replace a "
                              "meeting; choose a path outside it with -o")
    if os.path.lexists(path) and not force:
        raise OutputPathError(f"{path} already exists; pass --force to replace it, or choose another path with -o")
    if not os.path.lexists(path.parent) and not parents:
        raise OutputPathError(f"the folder {path.parent} does not exist; create it first, or pass --parents "
                              "to have pmtui create it")


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path``, with every link and ``..`` resolved, is ``folder`` or lies below it."""
    try:
        home = os.stat(folder)
    except OSError:
        return False
    target = Path(os.path.realpath(path))
    for candidate in (target, *target.parents):
        try:
            st = os.stat(candidate)
        except OSError:
            continue  # not there yet (a folder --parents would create)
        if (st.st_dev, st.st_ino) == (home.st_dev, home.st_ino):
            return True
    return False


def write_text_atomic(path: Path, text: str, *, parents: bool = False) -> None:
    """Write ``text`` to ``path`` with :func:`pmtui.fsio.atomic_write`; ``parents`` creates its folders first."""
    if parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text)


def write_markdown_exports(
    meeting: Meeting, directory: Path, related_titles: dict[str, str] | None = None
) -> tuple[Path, Path]:
    """Write ``<slug>-postmortem.md`` and ``<slug>-minutes.md`` (with the checklist) into ``directory`` (created if
    missing)."""
    stem = slugify(meeting.incident.title) or meeting.id
    postmortem = directory / f"{stem}-postmortem.md"
    minutes = directory / f"{stem}-minutes.md"
    write_text_atomic(postmortem, render_postmortem(meeting, related_titles=related_titles), parents=True)
    write_text_atomic(minutes, render_minutes_file(meeting))
    return postmortem, minutes
