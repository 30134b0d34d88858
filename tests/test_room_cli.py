"""`pmtui join` / sharing options, and a note-taker process killed mid-meeting (subprocesses)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
import textwrap

import click
from click.testing import CliRunner

from pmtui.cli.room import DEFAULT_SHARE_PORT, RoomConfig, room_config, share_options
from pmtui.room.client import RoomClient
from pmtui.room.outbox import Outbox
from test_room_support import TOKEN, events_by, room, until  # noqa: F401 (fixture)

PMTUI = shutil.which("pmtui", path=os.path.dirname(sys.executable))
"""The installed console script; the tests fail (not skip) without it."""


async def run_cli(*args: str, env: dict | None = None, timeout: float = 30) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        *args, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env={**os.environ, **(env or {})})
    out, err = await asyncio.wait_for(proc.communicate(), timeout)
    return proc.returncode, out.decode(), err.decode()


JOIN_COMMANDS = [(PMTUI, "join"), (sys.executable, "-m", "pmtui.cli", "join")]
"""`pmtui join` as people type it, and where only the interpreter is known."""


async def test_join_with_a_wrong_token_says_so_in_one_line_and_exits_2(room):
    for command in JOIN_COMMANDS:
        code, out, err = await run_cli(*command, room.url, "--name", "mallory", "--token", "wrong")
        assert code == 2, err
        assert out == ""
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "refused the token" in lines[0], err
        assert "Traceback" not in err
        code, _, err = await run_cli(*command, room.url, "--name", "mallory", env={"PMTUI_TOKEN": ""})
        assert code == 2 and len(err.strip().splitlines()) == 1 and "token is needed" in err
    assert not any(p.name == "mallory" for p in room.server.peers)
    assert room.session.meeting.events == []


async def test_join_a_malformed_address_says_so_in_one_line():
    """An unreachable room is no reason to stop (the app starts on its outbox: test_notetaker_offline.py)."""
    code, out, err = await run_cli(PMTUI, "join", "ftp://nowhere", "--name", "x", "--token", TOKEN)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_share_options_for_run():
    seen = {}

    @click.command()
    @share_options
    def run(**sharing):
        seen["config"] = room_config(**sharing)

    runner = CliRunner()
    assert runner.invoke(run, []).exit_code == 0 and seen["config"] is None
    assert runner.invoke(run, ["--share"], env={"PMTUI_TOKEN": ""}).exit_code == 0
    first = seen["config"]
    assert isinstance(first, RoomConfig) and first.host == "127.0.0.1" and first.port == DEFAULT_SHARE_PORT
    assert first.token == ""  # the meeting's kept token, or a random one, when the room starts
    result = runner.invoke(run, ["--share", "--host", "0.0.0.0", "--port", "0", "--token", "t0k-0123456789abcdef"])
    assert seen["config"] == RoomConfig("0.0.0.0", 0, "t0k-0123456789abcdef")
    assert "plain text" in result.output  # CliRunner mixes stderr in
    runner.invoke(run, ["--share"], env={"PMTUI_TOKEN": " from-env-0123456789 "})
    assert seen["config"].token == "from-env-0123456789"
    assert "--share" in runner.invoke(run, ["--help"]).output


CHILD = textwrap.dedent("""
    import asyncio, sys
    from pmtui.room.client import RoomClient
    from pmtui.room.outbox import Outbox

    async def main(url, token, name, count):
        client = RoomClient(
            url, token, name=name, outbox=Outbox.for_room(url, name), backoff_base=0.02, backoff_cap=0.1
        )
        await client.start()
        for n in range(count):
            client.add_event_line(f"14:{n:02d} typed before the kill {n} | {name}")
        await client.saved()
        print("typed", flush=True)
        await asyncio.sleep(3600)

    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
""")


async def _typing_child(room, name: str, count: int) -> asyncio.subprocess.Process:
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, room.url, TOKEN, name, str(count),
        stdout=asyncio.subprocess.PIPE, env={**os.environ, "PMTUI_OUTBOX_DIR": str(room.outbox_dir)})
    assert (await asyncio.wait_for(child.stdout.readline(), 20)).strip() == b"typed"
    return child


async def test_a_killed_note_taker_loses_nothing_and_doubles_nothing(room):
    # 1. The facilitator is away: the note-taker types, and the process is killed (SIGKILL).
    await room.stop_server()
    child = await _typing_child(room, "kim", 4)
    child.send_signal(signal.SIGKILL)
    await child.wait()
    # 2. The facilitator is there but the acks do not make it before the kill.
    await room.start_server()
    room.server._send_ack = lambda *args: None
    child = await _typing_child(room, "lee", 3)
    await until(lambda: len(events_by(room.session.meeting, "lee")) == 3, what="lee's events stored")
    child.send_signal(signal.SIGKILL)
    await child.wait()
    assert events_by(room.session.meeting, "kim") == []
    del room.server._send_ack  # acks flow again
    # 3. Both start again: their outboxes are reloaded and sent; nothing is doubled.
    restarted: list[RoomClient] = []
    for name in ("kim", "lee"):
        outbox = Outbox.for_room(room.url, name, room.outbox_dir)
        assert len(outbox) == (4 if name == "kim" else 3)
        outbox.close()
        restarted.append(await room.client(name))
    await until(lambda: all(not c.pending for c in restarted), what="outboxes delivered")
    meeting = room.session.meeting
    assert events_by(meeting, "kim") == [f"typed before the kill {n}" for n in range(4)]
    assert events_by(meeting, "lee") == [f"typed before the kill {n}" for n in range(3)]
