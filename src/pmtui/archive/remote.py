"""The archive's remote, ``origin``: its web address for links, and pushing a branch to it with a refusal
explained in one line (behind the remote, a hook, sign-in, unreachable)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from .git import Git, GitError

REMOTE = "origin"


class PushError(Exception):
    """The remote refused the push; ``str()`` is one line saying why and what to do."""


def remote_url(git: Git) -> str:
    """``origin``'s URL, '' when the repository has no such remote."""
    found = git.run("remote", "get-url", REMOTE, doing="reading the remote", check=False)
    return found.stdout.strip() if found.returncode == 0 else ""


def web_address(url: str) -> str:
    """The web page of a git remote (``git@github.com:org/pm.git`` → ``https://github.com/org/pm``), '' for a
    local path; user names and tokens in the URL are left out."""
    url = url.strip()
    scp = re.fullmatch(r"(?:[\w.+-]+@)?([\w.-]+):(?!//)(.+)", url)
    if scp and "/" not in scp.group(1):
        host, path = scp.group(1), scp.group(2)
    else:
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http", "ssh", "git") or not parts.hostname:
            return ""
        host = parts.hostname + (f":{parts.port}" if parts.port and parts.scheme in ("https", "http") else "")
        path = parts.path
    path = path.strip("/").removesuffix(".git").strip("/")
    return f"https://{host}/{path}" if path and ".." not in path.split("/") else ""


def push_branch(git: Git, branch: str) -> None:
    """``git push -u origin BRANCH``; a refusal says why (behind the remote, no remote, sign-in, a hook)."""
    try:
        git.run("push", "--quiet", "-u", REMOTE, branch, doing=f"pushing {branch}")
    except GitError as exc:  # without git's words (a timeout), its own line says it
        raise PushError(push_refusal(exc.detail, branch, git.repo) if exc.detail else str(exc)) from None


def push_refusal(detail: str, branch: str, root: Path) -> str:
    """One line for a push git refused, from git's own words."""
    text = detail.lower()
    remote = [line.removeprefix("remote:").strip() for line in detail.splitlines() if line.startswith("remote:")]
    said = next((line for line in remote if line), "")
    if "hook declined" in text or "remote rejected" in text:
        return (f"the push of {branch} was rejected by the remote's hook" + (f" ({said})" if said else "")
                + "; the commit stays on the branch: fix what the hook says, then publish again with --push")
    if "non-fast-forward" in text or "fetch first" in text or "[rejected]" in text:
        return (f"the push of {branch} was rejected: the remote branch has commits yours lacks (non-fast-forward);"
                f" git -C {root} pull --rebase {REMOTE} {branch}, then publish again with --push")
    if any(word in text for word in ("authentication", "permission denied", "could not read username",
                                     "403", "401", "terminal prompts disabled")):
        return (f"the push of {branch} was refused: not signed in to the remote (authentication failed); sign in "
                "(gh auth login, glab auth login or an SSH key), then publish again with --push")
    if any(word in text for word in ("does not appear to be a git repository", "could not resolve host",
                                     "no such remote", "repository not found", "could not read from remote")):
        return (f"the push of {branch} failed: remote '{REMOTE}' cannot be reached or does not exist; check git -C "
                f"{root} remote -v, then publish again with --push")
    first = next((line.strip() for line in detail.splitlines() if line.strip()), "no reason given")
    return f"the push of {branch} failed: {first[:200]}; publish again with --push once it is fixed"
