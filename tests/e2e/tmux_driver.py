"""Drive real `pmtui` processes in tmux, as a person at a terminal does: type, press keys, read the screen.

Every run has its own tmux server (a socket in the run's folder, so no user's tmux is touched) and its own
pmtui folders (the ``PMTUI_*_DIR`` variables of :mod:`pmtui.paths`). Checks never sleep for a fixed time:
they poll the pane (or a file) until the expected thing shows, within a bound, and fail with the screen.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TMUX = shutil.which("tmux")
PMTUI = shutil.which("pmtui", path=os.path.dirname(sys.executable))
POLL = 0.05
WAIT = 20.0
"""Seconds any one wait may take: a start-up of pmtui on a loaded 2-core machine takes up to a few."""


@dataclass(frozen=True)
class Folders:
    """A run's private pmtui folders."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    def env(self) -> dict[str, str]:
        """The environment every pmtui of the run gets: its own folders, nothing from the developer's shell."""
        env = {name: value for name, value in os.environ.items() if not name.startswith("PMTUI_")}
        env.update(PMTUI_DATA_DIR=str(self.data), PMTUI_CONFIG_DIR=str(self.root / "config"),
                   PMTUI_OUTBOX_DIR=str(self.root / "outbox"), PMTUI_ROOMS_DIR=str(self.root / "rooms"),
                   HOME=str(self.root / "home"), TERM="xterm-256color")
        for name in ("TMUX", "COLUMNS", "LINES"):  # the size is the tmux window's (Textual would take these first)
            env.pop(name, None)
        (self.root / "home").mkdir(parents=True, exist_ok=True)
        return env

    def pmtui(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a non-interactive pmtui command (new, export, list…) with the run's folders."""
        done = subprocess.run([PMTUI, *args], env=self.env(), capture_output=True, text=True, timeout=60)
        if check and done.returncode:
            raise AssertionError(f"pmtui {' '.join(args)} exited {done.returncode}: {done.stderr or done.stdout}")
        return done


class Tmux:
    """One private tmux server; each program runs in a window of its own, named by the caller."""

    def __init__(self, folders: Folders, width: int, height: int) -> None:
        self.folders = folders
        self.width, self.height = width, height
        self.socket = folders.root / "tmux.sock"
        self._session = False

    def _tmux(self, *args: str) -> str:
        done = subprocess.run([TMUX, "-S", str(self.socket), "-f", os.devnull, *args], env=self.folders.env(),
                              capture_output=True, text=True, timeout=15)
        if done.returncode:
            raise AssertionError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def start(self, window: str, *args: str) -> None:
        """Start ``pmtui ARGS`` in a new window; the pane stays after it exits, to read what it said."""
        command = [PMTUI, *args]
        if not self._session:
            self._tmux("new-session", "-d", "-s", "e2e", "-n", window, "-x", str(self.width),
                       "-y", str(self.height), *command)
            self._tmux("set-option", "-g", "remain-on-exit", "on")
            self._session = True
        else:
            self._tmux("new-window", "-d", "-t", "e2e", "-n", window, *command)
            self._tmux("resize-window", "-t", f"e2e:{window}", "-x", str(self.width), "-y", str(self.height))

    def restart(self, window: str, *args: str) -> None:
        """Run ``pmtui ARGS`` again in the window's pane (after its program has exited or was killed)."""
        self._tmux("respawn-pane", "-k", "-t", f"e2e:{window}", PMTUI, *args)

    def type(self, window: str, text: str) -> None:
        """Type ``text`` literally (no key names)."""
        self._tmux("send-keys", "-t", f"e2e:{window}", "-l", "--", text)  # "--": a line may start with "-"

    def press(self, window: str, *keys: str) -> None:
        """Press keys by tmux's names: Enter, Escape, Down, C-n, F1…

        A terminal cannot tell Escape followed at once by a key from alt+key: after Escape, wait for what it
        does to show before pressing the next key.
        """
        self._tmux("send-keys", "-t", f"e2e:{window}", *keys)

    def line(self, window: str, text: str) -> None:
        """Type a line and press Enter."""
        self.type(window, text)
        self.press(window, "Enter")

    def screen(self, window: str) -> str:
        """The pane's text now."""
        return self._tmux("capture-pane", "-p", "-t", f"e2e:{window}")

    def pid(self, window: str) -> int:
        """The pid of the program in the window."""
        return int(self._tmux("display-message", "-p", "-t", f"e2e:{window}", "#{pane_pid}").strip())

    def exited(self, window: str) -> bool:
        return self._tmux("display-message", "-p", "-t", f"e2e:{window}", "#{pane_dead}").strip() == "1"

    def wait_for(self, window: str, *texts: str, timeout: float = WAIT) -> str:
        """Poll the pane until every one of ``texts`` shows; the screen. AssertionError (with it) if not in time."""
        return self.wait_until(window, lambda screen: all(text in screen for text in texts),
                               f"{texts!r} on the screen", timeout=timeout)

    def wait_until(self, window: str, condition: Callable[[str], bool], what: str, timeout: float = WAIT,
                   times: int = 1) -> str:
        """Poll the pane until ``condition(screen)`` holds on ``times`` captures in a row; the screen.

        ``times`` > 1 is for "gone" conditions: a capture taken while a frame is half written can miss a dialog
        that is still open.
        """
        deadline = time.monotonic() + timeout
        held = 0
        while True:
            screen = self.screen(window)
            held = held + 1 if condition(screen) else 0
            if held >= times:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout:.0f} s for {what} in window {window!r}; the screen:\n{screen}")
            time.sleep(POLL)

    def wait_while_on(self, window: str, condition: Callable[[], object], what: str, timeout: float = WAIT):
        """Poll ``condition()`` (a file read) until it is truthy; its value. AssertionError with the screen if not."""
        try:
            return wait_for(condition, what, timeout)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; the screen of {window!r}:\n{self.screen(window)}") from None

    def close(self) -> None:
        """Stop the server and every program in it (also after a failure)."""
        if self.socket.exists():
            subprocess.run([TMUX, "-S", str(self.socket), "kill-server"], capture_output=True, timeout=15)


def wait_for(condition: Callable[[], object], what: str, timeout: float = WAIT):
    """Poll ``condition()`` (e.g. a file read) until it is truthy; its value. AssertionError if not in time."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(POLL)
