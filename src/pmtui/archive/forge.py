"""The one way pmtui runs the forge's command-line tools: ``gh`` (GitHub) and ``glab`` (GitLab).

An argument list, never a shell string; a timeout; no prompts (a tool that would ask for input fails
instead); every failure one line naming the tool, what it was doing and what to do.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from urllib.parse import urlsplit

from ..text import for_terminal

TOOLS = {"github": "gh", "gitlab": "glab"}
INSTALL = {"gh": "https://cli.github.com", "glab": "https://gitlab.com/gitlab-org/cli"}
TIMEOUT = 60.0


class ForgeError(Exception):
    """The forge's tool is missing or failed; ``str()`` is one line saying what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(for_terminal(message))


def forge_of_remote(url: str) -> str:
    """'gitlab' when a git remote's URL is on a GitLab host (its name says so), else 'github'.

    Both SSH (``git@gitlab.example.com:org/repo.git``) and HTTPS remotes are read.
    """
    host = url.split("@", 1)[-1].split(":", 1)[0] if "://" not in url else (urlsplit(url).hostname or "")
    return "gitlab" if "gitlab" in host.lower() else "github"


def run_tool(tool: str, args: list[str], *, cwd: str | os.PathLike | None = None, timeout: float = TIMEOUT,
             doing: str = "") -> str:
    """Run ``tool`` (``gh`` or ``glab``) with ``args``; its standard output.

    ``doing`` says what for, in errors ("creating the pull request"). Raises :class:`ForgeError`.
    """
    path = shutil.which(tool)
    what = doing or f"{tool} {' '.join(args[:2])}"
    if path is None:
        raise ForgeError(f"{tool} is not installed or not on PATH, needed for {what}; install it from "
                         f"{INSTALL.get(tool, tool)} and sign in ({tool} auth login)")
    env = {**os.environ, "GH_PROMPT_DISABLED": "1", "GLAB_NO_PROMPT": "1", "NO_COLOR": "1",
           "GH_NO_UPDATE_NOTIFIER": "1", "GLAB_CHECK_UPDATE": "false"}
    try:
        done = subprocess.run([path, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        raise ForgeError(f"{tool} did not answer within {timeout:.0f} s while {what}; check the network and "
                         f"{tool} auth status, then try again") from None
    except OSError as exc:
        raise ForgeError(f"cannot run {path} for {what}: {exc.strerror or exc}") from None
    if done.returncode != 0:
        lines = [line.strip() for line in (done.stderr or done.stdout or "").splitlines() if line.strip()]
        said = lines[-1] if lines else f"exit status {done.returncode}"
        raise ForgeError(f"{tool} failed while {what}: {said[:300]}")
    return done.stdout
