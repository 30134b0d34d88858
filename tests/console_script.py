"""The installed ``pmtui`` console script run as a terminal runs it, without paying Python's start-up per command.

Importing what the script imports (``pmtui.cli``) and a command's module costs ~0.4 s of CPU, most of a short
command, and the CLI tests run a hundred of them. So one server process per test process imports them once (as
``pmtui --help`` does; the modules a command imports as it runs are still its own); each command is then a
process forked from that server (which has run nothing else), given the command's environment, folder,
arguments and standard streams, that executes the console script file itself, as ``subprocess.run`` would.
Whether a command is registered, and that it loads only what it needs, is the script's own business here
too (tests/test_cli.py checks the loading in a process of its own).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PMTUI = shutil.which("pmtui", path=os.path.dirname(sys.executable))

SERVER = r"""
import json, os, runpy, sys, time, traceback
import click
from pmtui.cli import main  # what the console script imports, and the modules of its commands (as --help does)

context = click.Context(main)
for name in main.list_commands(context):
    main.get_command(context, name)

script = sys.argv[1]


def run(request):
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
        os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
    sys.argv = [script, *request["args"]]
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exit:  # as the interpreter ends on one
        if exit.code is None or isinstance(exit.code, int):
            return exit.code or 0
        print(exit.code, file=sys.stderr)
        return 1
    except BaseException:
        traceback.print_exc()
        return 1
    return 0


for line in sys.stdin:
    request = json.loads(line)
    child = os.fork()
    if child == 0:
        sys.exit(run(request))  # and the interpreter ends as a process of its own does
    deadline = time.monotonic() + request["timeout"]
    while True:
        done, status = os.waitpid(child, os.WNOHANG)
        if done:
            reply = {"code": os.waitstatus_to_exitcode(status)}
            break
        if time.monotonic() > deadline:
            os.kill(child, 9)
            os.waitpid(child, 0)
            reply = {"timeout": True}
            break
        time.sleep(0.002)
    print(json.dumps(reply), flush=True)
"""

_server: subprocess.Popen | None = None


def _started() -> subprocess.Popen:
    global _server
    if _server is None or _server.poll() is not None:
        _server = subprocess.Popen([sys.executable, "-c", SERVER, PMTUI], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True)
        atexit.register(_server.stdin.close)  # the server ends when its input does
    return _server


def pmtui_command(args: list[str], env: dict[str, str], cwd: Path | None = None,
                  timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the console script with ``args`` as its own process; its exit code, stdout and stderr."""
    assert PMTUI is not None, "the pmtui console script is not installed next to this Python"
    server = _started()
    with tempfile.TemporaryDirectory(prefix="pmtui-command-") as folder:
        out, err = Path(folder) / "stdout", Path(folder) / "stderr"
        request = {"args": args, "env": env, "cwd": str(cwd or os.getcwd()), "stdout": str(out),
                   "stderr": str(err), "timeout": timeout}
        server.stdin.write(json.dumps(request) + "\n")
        server.stdin.flush()
        answer = server.stdout.readline()
        assert answer, "the console script's server ended"
        reply = json.loads(answer)
        if reply.get("timeout"):
            raise subprocess.TimeoutExpired([PMTUI, *args], timeout)
        return subprocess.CompletedProcess([PMTUI, *args], reply["code"], out.read_text(), err.read_text())
