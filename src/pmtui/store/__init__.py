"""Meeting files on disk: one TinyDB JSON file per meeting.

``tables`` is the layout of a file, ``storage`` the TinyDB storage that reads
only valid meetings and writes durably, ``meeting_file`` one meeting's file
(its writer lock, :func:`read_meeting`), ``saver`` the background writer of a
running meeting, ``listing`` finding meetings in a folder and ``rescue`` the
copy written elsewhere when the disk fails.
"""

from .errors import (
    LinkedMeetingError,
    MeetingLockedError,
    MeetingNotFoundError,
    NewerSchemaError,
    NotAMeetingError,
    StoreError,
)
from .listing import MeetingSummary, list_meetings, resolve_meeting
from .meeting_file import LOCK_SUFFIX, MeetingFile, meeting_from, read_meeting
from .rescue import RESCUE_PREFIX, write_rescue_copy
from .saver import Saver, SaveStatus, SessionSaver
from .storage import MeetingStorage, Transaction
from .tables import APP, LIST_TABLES, VALUE_TABLES, meeting_to_tables, slugify, tables_to_meeting

__all__ = [
    "APP",
    "LIST_TABLES",
    "LOCK_SUFFIX",
    "RESCUE_PREFIX",
    "VALUE_TABLES",
    "LinkedMeetingError",
    "MeetingFile",
    "MeetingLockedError",
    "MeetingNotFoundError",
    "MeetingStorage",
    "MeetingSummary",
    "NewerSchemaError",
    "NotAMeetingError",
    "SaveStatus",
    "Saver",
    "SessionSaver",
    "StoreError",
    "Transaction",
    "list_meetings",
    "meeting_from",
    "meeting_to_tables",
    "read_meeting",
    "resolve_meeting",
    "slugify",
    "tables_to_meeting",
    "write_rescue_copy",
]
