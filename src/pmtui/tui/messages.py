"""Messages the facilitator app posts; small dataclasses, one place."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from ..changes import Change
from ..store import SaveStatus


@dataclass
class SessionChanged(Message):
    """The meeting changed through the session (any source), for a dialog that shows it live."""

    change: Change


@dataclass
class SaveStatusChanged(Message):
    """The background saver reported success or a failure it is retrying."""

    status: SaveStatus


@dataclass
class ExportFinished(Message, bubble=False):
    """An export worker wrote files (``paths``) or failed (``error``).

    The app hands it to the screen, the meeting screen to every phase view.
    """

    paths: tuple[str, ...] = ()
    error: str = ""
