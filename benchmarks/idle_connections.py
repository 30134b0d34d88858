"""500 idle connections from distinct loopback addresses, then a real join: is it still under 1 s?

Run:  python benchmarks/idle_connections.py [--idle 500] [--joins 5]

A RoomServer (its session on a meeting with 200 events) listens on 127.0.0.1.
Idle peers connect from 127.0.1.1, 127.0.1.2, ... (one address each, so the
per-address cap does not apply) in three scenarios:

* silent: TCP connections that never send a byte (half-open or idle peers),
  with max_connections and auth_timeout raised so that they all stay;
* joined: WebSockets that showed the token and said hello, then stay quiet
  (a very large room), pinged by the heartbeat;
* defaults: silent connections against the default limits (100 in total):
  how many get in, and whether a real note-taker still does.

After each, a real note-taker joins from 127.0.0.1 ``--joins`` times: the time
from opening the connection to the welcome (hello sent at once) is printed,
with the process's open file descriptors. Both ends run in this one process
(one event loop), so a join's time includes the client's work too.

The open-file limit is raised from its soft to its hard value when allowed
(each idle peer costs two descriptors here: its socket and the server's).
On macOS only 127.0.0.1 exists unless more loopback aliases are added
(``sudo ifconfig lo0 alias 127.0.1.1`` ...).

This is a script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

import aiohttp  # noqa: E402

from pmtui.model import Incident  # noqa: E402
from pmtui.room.limits import RoomLimits  # noqa: E402
from pmtui.room.server import RoomServer  # noqa: E402
from pmtui.session import MeetingSession  # noqa: E402

TOKEN = "benchmark-token-0123456789"


def raise_file_limit() -> str:
    """Raise the soft open-file limit to the hard one; what happened, in words."""
    try:
        import resource
    except ImportError:
        return "open-file limit: not settable here"
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft >= target:
        return f"open-file limit: {soft} (hard {hard})"
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError) as exc:
        return f"open-file limit: {soft}, could not raise to {target}: {exc}"
    return f"open-file limit: raised {soft} -> {target} (hard {hard})"


def open_files() -> int | None:
    for folder in ("/proc/self/fd", "/dev/fd"):
        try:
            return len(os.listdir(folder))
        except OSError:
            continue
    return None


def source(n: int) -> str:
    """The n-th idle peer's loopback address: 127.0.1.1, 127.0.1.2, ... (skipping .0 and .255)."""
    return f"127.0.{1 + n // 254}.{1 + n % 254}"


def meeting(folder: Path) -> MeetingSession:
    session = MeetingSession.create(folder, Incident("Idle connections", tz="UTC"), "standard-90")
    session.update_incident(impact_start="2026-03-14 14:00")
    for n in range(200):
        session.add_event(f"14:{n % 60:02d}", f"event {n}", "svc", author="facilitator")
    return session


async def join_once(port: int) -> float:
    """Seconds from opening a WebSocket to the facilitator's welcome, as a real note-taker joins."""
    started = time.perf_counter()
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(f"ws://127.0.0.1:{port}/ws", headers={"Authorization": f"Bearer {TOKEN}"}) as ws:
            await ws.send_str('{"type":"hello","name":"real"}')
            while True:
                message = await asyncio.wait_for(ws.receive(), 10)
                if message.type != aiohttp.WSMsgType.TEXT:
                    raise RuntimeError(f"the room closed the join: {message.type.name}")
                if '"type":"welcome"' in message.data[:80].replace(" ", ""):
                    return time.perf_counter() - started


async def joins(port: int, count: int) -> str:
    times = []
    for _ in range(count):
        try:
            times.append(await join_once(port))
        except (aiohttp.ClientError, RuntimeError, TimeoutError) as exc:
            return f"real join REFUSED ({type(exc).__name__}: {str(exc)[:60]})"
    worst = max(times)
    return (f"real join: median {statistics.median(times) * 1000:.1f} ms, max {worst * 1000:.1f} ms "
            f"over {count} -> {'under' if worst < 1 else 'OVER'} 1 s")


async def silent_peers(port: int, count: int) -> list[asyncio.StreamWriter]:
    writers = []
    for n in range(count):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source(n), 0))
        except OSError as exc:
            print(f"    stopped opening at {n}: {exc}")
            break
        writers.append(writer)
    return writers


async def joined_peers(port: int, count: int) -> list[tuple[aiohttp.ClientSession, object]]:
    peers = []
    for n in range(count):
        http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(source(n), 0)))
        try:
            ws = await http.ws_connect(f"ws://127.0.0.1:{port}/ws", headers={"Authorization": f"Bearer {TOKEN}"})
            await ws.send_str(f'{{"type":"hello","name":"idle{n}"}}')
        except (aiohttp.ClientError, OSError) as exc:
            await http.close()
            print(f"    stopped joining at {n}: {exc}")
            break
        peers.append((http, ws))
    return peers


async def scenario(session: MeetingSession, title: str, limits: RoomLimits, idle: int, count: int,
                   kind: str) -> None:
    server = RoomServer(session, port=0, token=TOKEN, limits=limits)
    await server.start()
    print(f"\n  {title}  (max_connections={limits.max_connections}, max_per_address={limits.max_per_address}, "
          f"auth_timeout={limits.auth_timeout:g} s)")
    print(f"    {await joins(server.port, count)}  [no idle peers]")
    started = time.perf_counter()
    if kind == "joined":
        peers = await joined_peers(server.port, idle)
        await asyncio.sleep(0.5)  # let the hellos land
        held = len(peers)
    else:
        writers = await silent_peers(server.port, idle)
        await asyncio.sleep(0.5)  # let the refusals close
        held = server._door.doorman.count
    print(f"    {idle} idle peers opened in {time.perf_counter() - started:.2f} s; the room holds {held}; "
          f"{server._door.doorman.count} connections counted; open files {open_files()}")
    print(f"    {await joins(server.port, count)}  [with the idle peers]")
    if kind == "joined":
        for http, ws in peers:
            await ws.close()
            await http.close()
    else:
        for writer in writers:
            writer.close()
    await server.stop()


async def main(args: argparse.Namespace) -> None:
    print(f"pmtui idle-connections benchmark: {args.idle} idle peers from distinct loopback addresses, "
          f"{os.cpu_count()} CPUs")
    print(f"  {raise_file_limit()}")
    work = Path(tempfile.mkdtemp(prefix="pmtui-bench-"))
    os.environ["PMTUI_ROOMS_DIR"] = str(work / "rooms")
    (work / "meetings").mkdir()
    session = meeting(work / "meetings")
    session.defer_saves(asyncio.get_running_loop().call_soon)
    raised = RoomLimits(max_connections=args.idle + 50, auth_timeout=600.0)
    try:
        await scenario(session, "silent TCP peers, limits raised", raised, args.idle, args.joins, "silent")
        await scenario(session, "joined WebSocket peers, limits raised", raised, args.idle, args.joins, "joined")
        await scenario(session, "silent TCP peers, default limits", RoomLimits(), args.idle, args.joins, "silent")
    finally:
        session.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=int, default=500, help="idle peers, one loopback address each")
    parser.add_argument("--joins", type=int, default=5, help="real joins timed in each scenario")
    asyncio.run(main(parser.parse_args()))
