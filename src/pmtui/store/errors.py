"""What can go wrong with a meeting file; every message is one line saying what to do."""

from __future__ import annotations


class StoreError(Exception):
    """A meeting file problem; ``str()`` is one line saying what to do."""


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
