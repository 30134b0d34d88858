"""The one way pmtui runs git: ``git -C REPO …`` with an argument list, a timeout and no prompts.

Paths are given literally (``GIT_LITERAL_PATHSPECS``: a folder named ``:(glob)x`` is that folder), a
password prompt fails instead of waiting (``GIT_TERMINAL_PROMPT=0``, no stdin, no controlling terminal),
and every failure is one :class:`GitError` line naming what git was doing and what it said.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from ..text import for_terminal

TIMEOUT = 60.0


class GitError(Exception):
    """git is missing or refused; ``str()`` is one line. ``detail`` keeps git's own error lines for callers that
    explain a refusal (a rejected push)."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(for_terminal(message))
        self.detail = detail


class Git:
    """git in the working tree (or any folder) ``repo``."""

    def __init__(self, repo: Path, *, timeout: float = TIMEOUT) -> None:
        self.repo = Path(repo)
        self.timeout = timeout

    def run(self, *args: str, doing: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``git -C repo ARGS``; ``doing`` says what for in errors ("committing"). With ``check`` a non-zero
        exit raises :class:`GitError`; without, the caller reads ``returncode``."""
        path = shutil.which("git")
        if path is None:
            raise GitError(f"git is not installed or not on PATH, needed for {doing}; install git "
                           "(https://git-scm.com) and try again")
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_LITERAL_PATHSPECS": "1", "LC_ALL": "C",
               "GIT_OPTIONAL_LOCKS": "0"}
        env.pop("GIT_DIR", None)
        env.pop("GIT_WORK_TREE", None)
        try:
            done = subprocess.run([path, "-C", str(self.repo), *args], env=env, capture_output=True, text=True,
                                  timeout=self.timeout, stdin=subprocess.DEVNULL, check=False,
                                  start_new_session=True)
        except subprocess.TimeoutExpired:
            raise GitError(f"git did not finish within {self.timeout:.0f} s while {doing} in {self.repo}; "
                           "check the network or a hook that waits, then try again") from None
        except OSError as exc:
            raise GitError(f"cannot run git for {doing}: {exc.strerror or exc}") from None
        if check and done.returncode != 0:
            raise GitError(f"git failed while {doing} in {self.repo}: {said(done)}", done.stderr)
        return done

    def out(self, *args: str, doing: str) -> str:
        """The standard output of ``git ARGS`` without its last newline."""
        return self.run(*args, doing=doing).stdout.rstrip("\n")


def said(done: subprocess.CompletedProcess[str]) -> str:
    """git's error in one line: its first ``fatal:``/``error:`` line, else its last line."""
    lines = [line.strip() for line in (done.stderr or done.stdout or "").splitlines() if line.strip()]
    first = next((line for line in lines if line.startswith(("fatal:", "error:"))), None)
    return (first or (lines[-1] if lines else f"exit status {done.returncode}"))[:300]
