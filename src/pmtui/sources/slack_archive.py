"""A Slack workspace export as files, whether a folder or its .zip: listed and read without extracting anything.

An export is a stranger's file. A zip may name members ``../x`` or ``/etc/x`` (refused: no Slack export does) and
may expand a few kilobytes into gigabytes, so every read is capped per member and in total, whatever the zip's
headers claim. A folder's files are read only when they resolve inside it (a symlink may point anywhere).
"""

from __future__ import annotations

import os
import zipfile
from abc import ABC, abstractmethod
from pathlib import Path

from .base import SourceError

MEMBER_BYTES = 256 * 1024 * 1024
"""The most bytes read from one file of an export (a busy channel's day is a few megabytes; users.json is largest)."""
TOTAL_BYTES = 2 * 1024 * 1024 * 1024
"""The most bytes read from one export in one import."""


class TooLarge(Exception):
    """A member over :data:`MEMBER_BYTES`: not a file Slack writes. ``str()`` says "larger than 256 MiB"."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"larger than {size(MEMBER_BYTES)}")


def size(count: int) -> str:
    """``count`` bytes for a person: "256 MiB", "100,000 bytes"."""
    return f"{count >> 20} MiB" if count >= 1 << 20 and count % (1 << 20) == 0 else f"{count:,} bytes"


class SlackArchive(ABC):
    """The files of one export by their names inside it (``channels.json``, ``inc-db/2017-02-01.json``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.read_bytes = 0

    @abstractmethod
    def has(self, name: str) -> bool:
        """Whether the export holds the file ``name``."""

    @abstractmethod
    def listing(self, folder: str) -> list[str]:
        """The file names directly in ``folder`` (a channel's day files)."""

    @abstractmethod
    def read(self, name: str) -> bytes:
        """The bytes of ``name``; TooLarge past the member cap, OSError when unreadable, SourceError past the total."""

    @abstractmethod
    def close(self) -> None:
        """Release what reading holds open."""

    def _count(self, count: int) -> None:
        self.read_bytes += count
        if self.read_bytes > TOTAL_BYTES:
            raise SourceError(str(self.path), "", f"more than {size(TOTAL_BYTES)} to read: not a Slack export "
                              "pmtui reads whole; narrow it with --window or --channel")

    def __enter__(self) -> SlackArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FolderArchive(SlackArchive):
    """An export unpacked into a folder."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._root = path.resolve()

    def _inside(self, name: str) -> Path | None:
        target = (self._root / name).resolve()
        return target if target.is_relative_to(self._root) and target.is_file() else None

    def has(self, name: str) -> bool:
        return self._inside(name) is not None

    def listing(self, folder: str) -> list[str]:
        try:
            with os.scandir(self._root / folder) as entries:  # no stat per file: a year is 365 of them
                return sorted(entry.name for entry in entries if entry.is_file())
        except (FileNotFoundError, NotADirectoryError):
            return []

    def read(self, name: str) -> bytes:
        target = self._inside(name)
        if target is None:
            raise FileNotFoundError("not a file inside the export (a link out of it?): left out")
        if target.stat().st_size > MEMBER_BYTES:
            raise TooLarge(name)
        with target.open("rb") as handle:
            data = handle.read(MEMBER_BYTES + 1)
        if len(data) > MEMBER_BYTES:
            raise TooLarge(name)
        self._count(len(data))
        return data

    def close(self) -> None:
        """A folder's files are opened and closed per read: nothing is held."""


class ZipArchive(SlackArchive):
    """An export as Slack hands it over: a .zip, read member by member (nothing written to disk)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        try:
            self._zip = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as exc:
            raise SourceError(str(path), "", f"cannot open the zip ({exc}): give the Slack export's .zip or "
                              "its unpacked folder") from exc
        names = [info.filename for info in self._zip.infolist()]
        unsafe = next((name for name in names if not _safe(name)), None)
        if unsafe is not None:
            self._zip.close()
            raise SourceError(str(path), f"member {unsafe!r}", "an unsafe name (absolute or with '..'): not a "
                              "Slack export; refusing it")
        self._prefix = export_root(names)
        self._members = {info.filename[len(self._prefix):]: info for info in self._zip.infolist()
                         if info.filename.startswith(self._prefix) and not info.is_dir()}

    def has(self, name: str) -> bool:
        return name in self._members

    def listing(self, folder: str) -> list[str]:
        start = folder.rstrip("/") + "/"
        return sorted(name[len(start):] for name in self._members
                      if name.startswith(start) and "/" not in name[len(start):])

    def read(self, name: str) -> bytes:
        info = self._members.get(name)
        if info is None:
            raise FileNotFoundError(name)
        if info.file_size > MEMBER_BYTES:
            raise TooLarge(name)
        try:
            with self._zip.open(info) as handle:
                data = handle.read(MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as exc:
            raise OSError(f"cannot read it from the zip ({exc}): export it again") from exc
        if len(data) > MEMBER_BYTES:
            raise TooLarge(name)
        self._count(len(data))
        return data

    def close(self) -> None:
        self._zip.close()


def _safe(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return bool(name) and parts[0] != "" and ".." not in parts and ":" not in parts[0]


def export_root(names: list[str]) -> str:
    """The folder inside a zip that holds ``channels.json`` ("" at the top, or one folder down), for exports
    zipped again with their folder."""
    tops = sorted((name for name in names if name.rsplit("/", 1)[-1] == "channels.json" and name.count("/") <= 1),
                  key=lambda name: name.count("/"))
    return tops[0][: -len("channels.json")] if tops else ""


def open_archive(path: Path) -> SlackArchive:
    """The export at ``path`` (a folder or a .zip) to read from."""
    return FolderArchive(path) if path.is_dir() else ZipArchive(path)
