"""A stand-in for ``gh`` and ``glab`` (run as either name): records each call and answers from canned rules.

``$PMTUI_FAKE_FORGE_DIR`` holds ``calls.jsonl`` (one ``{"tool", "args", "cwd"}`` per call, appended) and
``rules.json``: a list of ``{"tool": "gh", "args": ["issue", "create"], "stdout": "...", "stderr": "...",
"exit": 0}``; the first rule whose tool matches and whose ``args`` are a prefix of the call's answers.
A call no rule answers exits 4 saying so, so a test sees every command it did not expect.
"""

import json
import os
import sys
from pathlib import Path


def main(tool: str) -> int:
    args = sys.argv[1:]
    folder = Path(os.environ["PMTUI_FAKE_FORGE_DIR"])
    with open(folder / "calls.jsonl", "a", encoding="utf-8") as log:
        log.write(json.dumps({"tool": tool, "args": args, "cwd": os.getcwd()}) + "\n")
    rules = json.loads((folder / "rules.json").read_text(encoding="utf-8"))
    for rule in rules:
        if rule.get("tool", tool) == tool and args[: len(rule.get("args", []))] == rule.get("args", []):
            sys.stdout.write(rule.get("stdout", ""))
            sys.stderr.write(rule.get("stderr", ""))
            return int(rule.get("exit", 0))
    sys.stderr.write(f"fake {tool}: no answer for {args}\n")
    return 4


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[0]).name))
