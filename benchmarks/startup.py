"""Start-up: process start to the first frame of `pmtui run` on a 200-event meeting.

Usage: python benchmarks/startup.py [--runs 7] [--events 200]

Both programs run in a pseudo-terminal (120x36, TERM=xterm-256color); the
time is from ``Popen`` to the moment the expected text shows in the output:
the incident title for ``pmtui run``, the label for the baseline, a minimal
Textual app showing one label. The figure is the ratio of the medians.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from meetings import TITLE, write_meeting

TARGET = 1.5
BASELINE_TEXT = "pmtui start-up baseline"
BASELINE_APP = f"""
from textual.app import App
from textual.widgets import Label

class Baseline(App):
    def compose(self):
        yield Label({BASELINE_TEXT!r})

Baseline().run()
"""


def pmtui_script() -> str:
    """The installed ``pmtui`` console script next to this Python."""
    script = shutil.which("pmtui", path=os.path.dirname(sys.executable))
    if script is None:
        raise SystemExit("pmtui: the pmtui console script is not installed next to this Python; pip install -e . first")
    return script


def environment(data_dir: Path) -> dict[str, str]:
    """The child's environment: a colour terminal, a fixed size, the benchmark's data dir.

    Bytecode is cached (outside the source tree) even where PYTHONDONTWRITEBYTECODE
    is set, as for an installed pmtui; the warm-up runs fill the cache.
    """
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "36", "PMTUI_DATA_DIR": str(data_dir),
           "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir()) / "pmtui-bench-pycache")}
    env.pop("NO_COLOR", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


class Terminal:
    """A child process on a pseudo-terminal; ``wait_for`` reads its output until some text shows."""

    def __init__(self, args: list[str], env: dict[str, str], size: tuple[int, int] = (120, 36)) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.master = master
        self.started = time.perf_counter()
        self.process = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env,
                                        start_new_session=True, close_fds=True)
        os.close(slave)
        self.output = bytearray()

    def wait_for(self, text: str, timeout: float = 60) -> float:
        """Seconds from process start until ``text`` appeared in the output."""
        needle, deadline = text.encode(), self.started + timeout
        while needle not in self.output:
            left = deadline - time.perf_counter()
            if left <= 0 or self.process.poll() is not None:
                tail = self.output[-300:].decode(errors="replace")
                raise RuntimeError(f"{text!r} never appeared (exit code {self.process.poll()}): …{tail}")
            self._read(min(left, 0.5))
        return time.perf_counter() - self.started

    def drain(self, seconds: float) -> None:
        """Keep reading the output for ``seconds``, so the child never blocks on a full pty."""
        deadline = time.perf_counter() + seconds
        while (left := deadline - time.perf_counter()) > 0:
            self._read(left)

    def _read(self, timeout: float) -> None:
        if select.select([self.master], [], [], timeout)[0]:
            try:
                self.output += os.read(self.master, 1 << 16)
            except OSError:
                time.sleep(timeout)

    def close(self) -> None:
        """Quit with ctrl+q (so pmtui releases its meeting), else kill; then drain."""
        try:
            os.write(self.master, b"\x11")
            deadline = time.perf_counter() + 10
            while self.process.poll() is None and time.perf_counter() < deadline:
                self._read(0.1)
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
            os.close(self.master)


def pmtui_command(data_dir: Path, meeting_id: str) -> list[str]:
    """The argv of ``pmtui run`` on the benchmark meeting."""
    return [pmtui_script(), "run", meeting_id, "--data-dir", str(data_dir)]


def baseline_command() -> list[str]:
    """The argv of the minimal Textual app."""
    return [sys.executable, "-c", BASELINE_APP]


def first_frame(args: list[str], text: str, env: dict[str, str]) -> float:
    """Seconds from start to ``text`` on screen, for one run of ``args``."""
    terminal = Terminal(args, env)
    try:
        return terminal.wait_for(text)
    finally:
        terminal.close()


def report(runs: int = 7, events: int = 200) -> list[tuple[str, float, str, bool | None]]:
    """Print the figures; returns (name, value, target, passed or None) for run_all."""
    with tempfile.TemporaryDirectory(prefix="pmtui-bench-") as folder:
        data_dir = Path(folder)
        env = environment(data_dir)
        meeting_id = write_meeting(data_dir, events)
        first_frame(baseline_command(), BASELINE_TEXT, env)  # warm the OS file cache for both
        first_frame(pmtui_command(data_dir, meeting_id), TITLE, env)
        pmtui, base = [], []
        for _ in range(runs):  # interleaved, so that a noisy moment hits both
            base.append(first_frame(baseline_command(), BASELINE_TEXT, env))
            pmtui.append(first_frame(pmtui_command(data_dir, meeting_id), TITLE, env))
    ratio = statistics.median(pmtui) / statistics.median(base)
    print(f"Start-up to first frame, {runs} runs each (ms)")
    print(f"  pmtui run ({events} events): median {statistics.median(pmtui) * 1000:7.1f}  "
          f"min {min(pmtui) * 1000:7.1f}  max {max(pmtui) * 1000:7.1f}")
    print(f"  minimal Textual app:        median {statistics.median(base) * 1000:7.1f}  "
          f"min {min(base) * 1000:7.1f}  max {max(base) * 1000:7.1f}")
    passed = ratio <= TARGET
    print(f"  start-up pmtui / baseline: {ratio:.2f}x (target <= {TARGET}x) {'PASS' if passed else 'MISS'}")
    return [("start-up pmtui/baseline (ratio)", ratio, f"<= {TARGET}x", passed)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()
    report(args.runs, args.events)


if __name__ == "__main__":
    main()
