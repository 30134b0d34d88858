"""A fake ``gh``/``glab`` on PATH for tests (tests/fake_forge/fake_forge.py), and a real git repository with a bare
remote to publish into."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

FAKE = Path(__file__).parent / "fake_forge" / "fake_forge.py"


@dataclass
class FakeForge:
    """The fake tools' folder: add answers with :meth:`answer`, read what was run with :meth:`calls`."""

    folder: Path
    bin: Path

    def answer(self, tool: str, args: list[str], stdout: str | dict | list = "", *, exit: int = 0,
               stderr: str = "") -> None:
        """Answer calls of ``tool`` whose arguments start with ``args`` (earlier answers win)."""
        rules = json.loads((self.folder / "rules.json").read_text())
        text = stdout if isinstance(stdout, str) else json.dumps(stdout)
        rules.append({"tool": tool, "args": args, "stdout": text, "stderr": stderr, "exit": exit})
        (self.folder / "rules.json").write_text(json.dumps(rules))

    def calls(self, tool: str | None = None) -> list[list[str]]:
        """The argument lists of every call so far (of ``tool`` only, when given), in order."""
        log = self.folder / "calls.jsonl"
        if not log.exists():
            return []
        calls = [json.loads(line) for line in log.read_text().splitlines()]
        return [c["args"] for c in calls if tool is None or c["tool"] == tool]


@pytest.fixture
def fake_forge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeForge:
    """``gh`` and ``glab`` on PATH that record their calls and answer from rules (none at first)."""
    folder = tmp_path / "fake-forge"
    bin_dir = folder / "bin"
    bin_dir.mkdir(parents=True)
    (folder / "rules.json").write_text("[]")
    for tool in ("gh", "glab"):
        shim = bin_dir / tool
        shim.write_text(f"#!{sys.executable}\nimport sys\nsys.path.insert(0, {str(FAKE.parent)!r})\n"
                        f"import fake_forge\nsys.exit(fake_forge.main({tool!r}))\n")
        shim.chmod(0o755)
    monkeypatch.setenv("PMTUI_FAKE_FORGE_DIR", str(folder))
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return FakeForge(folder, bin_dir)


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` (a test's own identity, no user config); its output."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com", "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env,
                          timeout=30).stdout


@pytest.fixture
def archive_repo(tmp_path: Path) -> Path:
    """A git working tree on branch ``main`` with one commit and a bare ``origin`` it is pushed to."""
    remote = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True, timeout=30)
    repo = tmp_path / "archive"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, timeout=30)
    git(repo, "config", "user.name", "Archive Keeper")
    git(repo, "config", "user.email", "keeper@example.com")
    (repo / "README.md").write_text("# Post-mortems\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "An archive of post-mortems")
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "-u", "origin", "main")
    return repo
