"""A program on a pseudo-terminal of a fixed size, for tests that start ``pmtui`` as a user does."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import time

CTRL_Q = b"\x11"


class Terminal:
    """A child process on a pty (``TERM=xterm-256color``); its output is read while the test waits for text."""

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int] = (80, 24), cwd=None) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.master = master
        self.output = bytearray()
        env = {**env, "TERM": "xterm-256color", "COLUMNS": str(size[0]), "LINES": str(size[1])}
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
                                        start_new_session=True, close_fds=True)
        os.close(slave)

    def text(self) -> str:
        """Everything written so far, decoded."""
        return self.output.decode(errors="replace")

    def wait_for(self, text: str, timeout: float = 20) -> None:
        """Read the output until ``text`` shows; AssertionError (with the output's tail) after ``timeout`` s."""
        needle, deadline = text.encode(), time.monotonic() + timeout
        while needle not in self.output:
            left = deadline - time.monotonic()
            if left <= 0 or self.process.poll() is not None:
                self._read(0)
                if needle in self.output:
                    return
                raise AssertionError(f"{text!r} never showed (exit code {self.process.poll()}): "
                                     f"…{self.text()[-600:]!r}")
            self._read(min(left, 0.2))

    def read(self, seconds: float) -> None:
        """Read the output for up to ``seconds`` (a program blocks when nobody reads its terminal)."""
        self._read(seconds)

    def quit(self, timeout: float = 15) -> int:
        """Press ctrl+q and wait for the exit (reading the output meanwhile); the exit code."""
        os.write(self.master, CTRL_Q)
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.1)
        assert self.process.poll() is not None, f"still running {timeout} s after ctrl+q: …{self.text()[-600:]!r}"
        self._read(0)
        return self.process.returncode

    def close(self) -> None:
        """Kill the program if it still runs and release the pty (always call it, e.g. in ``finally``)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        os.close(self.master)

    def _read(self, timeout: float) -> None:
        while select.select([self.master], [], [], timeout)[0]:
            try:
                chunk = os.read(self.master, 1 << 16)
            except OSError:  # the child closed the pty (Linux reports EIO)
                return
            if not chunk:
                return
            self.output += chunk
            timeout = 0
