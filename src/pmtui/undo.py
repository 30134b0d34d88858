"""The facilitator's undo stack: how to take back each of their last adds and deletes, newest on top.

The session pushes one :class:`UndoStep` per add or delete typed on the
facilitator's screen (never for a note-taker's change arriving through the
room); ctrl+z pops the newest and runs it. The stack keeps the last
:data:`DEPTH` steps for the rest of the meeting: an older step falls off the
bottom rather than grow the stack without end.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

DEPTH = 100
"""How many of the facilitator's last changes can be undone."""


@dataclass(frozen=True)
class UndoStep:
    """One change that can be taken back.

    ``describe`` names the change undone ("removed event 23:41 DB down"), read when it is undone so an
    item edited since is named as it is now; ``revert`` puts the meeting back and returns None, or a
    one-line reason it cannot (the item is gone already, or others have added to it since).
    """

    describe: Callable[[], str]
    revert: Callable[[], str | None]


class UndoStack:
    """The last ``depth`` undoable changes, newest last."""

    def __init__(self, depth: int = DEPTH) -> None:
        self._steps: deque[UndoStep] = deque(maxlen=depth)

    def push(self, describe: Callable[[], str], revert: Callable[[], str | None]) -> None:
        """Remember how to take back the change just made (the oldest one falls off a full stack)."""
        self._steps.append(UndoStep(describe, revert))

    def pop(self) -> UndoStep | None:
        """The newest step, taken off the stack; None when there is nothing to undo."""
        return self._steps.pop() if self._steps else None

    def newest(self) -> str:
        """What ctrl+z would take back now ("" when nothing)."""
        return self._steps[-1].describe() if self._steps else ""

    def __len__(self) -> int:
        return len(self._steps)


def short(text: str, limit: int = 40) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis: enough to recognise it in a notice."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
