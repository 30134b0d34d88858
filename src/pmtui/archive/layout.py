"""Where a post-mortem goes in an archive: its folder from the archive's layout, or the folder it already has.

A meeting is tied to its folder by its id (read from each ``meeting.json``), never by its title: renaming the
incident and publishing again updates the same folder. Folder names are plain ASCII (``git log`` shows them as
they are, every file system takes them); every folder on the way must be a real folder inside the archive.
"""

from __future__ import annotations

import json
import os
import re
import stat
import unicodedata
from pathlib import Path, PurePosixPath

from ..analysis.stats import incident_day
from ..model import Meeting
from .git import Git
from .record import RECORD_FILE

SLUG_MAX = 80
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


class ArchivePathError(Exception):
    """A folder or file of the archive cannot be written safely; ``str()`` is one line."""


def archive_slug(title: str, meeting_id: str) -> str:
    """``title`` as a folder name: lower-case ASCII letters, digits and single dashes, at most 80 characters,
    cut at a word; the meeting's id when nothing of the title is left (a title in another script, or only
    punctuation)."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", plain.lower()).strip("-")
    if len(slug) > SLUG_MAX:
        head = slug[: SLUG_MAX + 1]
        slug = (head.rsplit("-", 1)[0] if "-" in head else head[:SLUG_MAX]).strip("-")
    return slug or _NOT_SLUG.sub("-", meeting_id.lower()).strip("-")[:SLUG_MAX] or "meeting"


def layout_folder(layout: str, meeting: Meeting, slug: str) -> str:
    """The folder (POSIX, relative to the archive's root) that ``layout`` gives ``meeting``.

    ``layout`` was checked by :func:`pmtui.archive.config.load_archive_config`; the fields are made safe here
    (``{severity}`` is lower-case, ``sev2``; ``{date}`` the incident's day in its time zone).
    """
    day = incident_day(meeting)
    folder = layout.format(year=f"{day.year:04d}", month=f"{day.month:02d}", date=day.isoformat(), slug=slug,
                           severity=meeting.incident.severity.lower(),
                           id=_NOT_SLUG.sub("-", meeting.id.lower()).strip("-") or slug)
    parts = PurePosixPath(folder).parts
    if not parts or any(part in (".", "..") or part.startswith(".") for part in parts):
        raise ArchivePathError(f"the layout {layout!r} gives the folder {folder!r}, which is not a plain folder of "
                               "the archive; fix layout in .pmtui-archive.toml")
    return PurePosixPath(*parts).as_posix()


def published_folder(git: Git, ref: str, meeting_id: str) -> str | None:
    """The folder of the ``meeting.json`` holding meeting ``meeting_id`` in commit ``ref``, or None.

    ``git grep`` finds the candidates in the commit (fast on thousands of post-mortems, and never through a
    symbolic link); each is then read to check the id is the meeting's own, not a mention of it.
    """
    needle = json.dumps({"id": meeting_id})[1:-1]  # '"id": "…"', as record_text writes it
    found = git.run("grep", "-l", "-F", "-z", "-e", needle, ref, doing="looking for the earlier publication",
                    check=False)
    if found.returncode not in (0, 1):
        return None
    folders = []
    for hit in filter(None, found.stdout.split("\0")):
        path = hit.split(":", 1)[1] if hit.startswith(f"{ref}:") else hit
        parts = PurePosixPath(path).parts
        if parts[-1] != RECORD_FILE or any(part.startswith(".") for part in parts):  # never into .github/ & co.
            continue
        shown = git.run("show", f"{ref}:{path}", doing="reading an earlier meeting.json", check=False)
        try:
            if json.loads(shown.stdout)["meeting"]["id"] == meeting_id:
                folders.append(PurePosixPath(path).parent.as_posix())
        except (ValueError, LookupError, TypeError):
            continue
    if len(folders) > 1:
        raise ArchivePathError(f"meeting {meeting_id} is published in {len(folders)} folders of the archive "
                               f"({', '.join(sorted(folders))}); remove all but one with git rm, then publish again")
    return folders[0] if folders else None


def safe_folder(root: Path, folder: str, names: tuple[str, ...]) -> Path:
    """``root/folder`` after checking that no folder on the way and none of the files ``names`` in it is a
    symbolic link or something other than a folder/file; the folder need not exist yet."""
    path = Path(root)
    for part in PurePosixPath(folder).parts:
        path = path / part
        kind = _kind(path)
        if kind == "link":
            raise ArchivePathError(f"{path} is a symbolic link; the archive's folders must be real folders inside "
                                   "it: replace the link with a folder")
        if kind not in ("none", "folder"):
            raise ArchivePathError(f"{path} is in the way of the post-mortem's folder and is not a folder; "
                                   "move it away or change layout in .pmtui-archive.toml")
    for name in names:
        kind = _kind(path / name)
        if kind not in ("none", "file"):
            raise ArchivePathError(f"{path / name} is {'a symbolic link' if kind == 'link' else 'not a file'}; "
                                   "replace it with a plain file or remove it")
    return path


def _kind(path: Path) -> str:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "none"
    if stat.S_ISLNK(mode):
        return "link"
    return "folder" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "other"
