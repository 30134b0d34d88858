"""What can go wrong with a meeting file; every message is one line saying what to do."""

from __future__ import annotations

from ..text import for_terminal


class StoreError(Exception):
    """A meeting file problem; ``str()`` is one line saying what to do.

    The message names files and references as found (a file name may hold
    anything but ``/``), so it passes :func:`pmtui.text.for_terminal`: every
    screen and command shows it as it is.
    """

    def __init__(self, message: str) -> None:
        super().__init__(for_terminal(message))


class MeetingLockedError(StoreError):
    """Another pmtui process is the writer of the meeting."""


class NotAMeetingError(StoreError):
    """The file is not valid JSON, is truncated, or is not a pmtui meeting."""


class LinkedMeetingError(StoreError):
    """The meeting file is a symbolic link, which pmtui neither follows nor replaces."""


class NewerSchemaError(StoreError):
    """The file was written by a newer pmtui."""


class MeetingNotFoundError(StoreError):
    """No meeting matches the given path or reference."""
