"""Whether the terminal an app draws on is gone, so that it can save and leave instead of spinning.

A terminal window that closes hangs up its pseudo-terminal, and the kernel sends SIGHUP to the programs it
controls, which ends them. A program started on a pseudo-terminal that is not its controlling terminal (by a
test harness, a multiplexer's helper or an IDE's terminal, say) gets no signal: its reads return end-of-file at
once, forever, and Textual's input thread then loops without pause (~75% of a core), while the app, holding the
meeting's lock, never ends. What tells a hang-up from a pipe: terminal calls on the descriptor fail with EIO.
"""

from __future__ import annotations

import errno
import sys

try:
    import termios
except ImportError:  # Windows: no terminal calls to ask, and consoles do not hang up this way
    termios = None

CHECK_EVERY = 1.0
"""How often (seconds) an app looks at its terminal: one system call."""


def terminal_gone(fd: int | None = None) -> bool:
    """True when ``fd`` (standard input by default) is a terminal that has hung up; False for a live terminal,
    a pipe or a file."""
    if termios is None:
        return False
    try:
        termios.tcgetattr(sys.__stdin__.fileno() if fd is None else fd)
    except termios.error as exc:
        return exc.args[0] == errno.EIO
    except (OSError, ValueError, AttributeError):  # closed or missing standard input: not a hang-up we can see
        return False
    return False
