"""The commands of the live note-taker room: ``join`` and ``serve``, and the sharing options of ``run``.

* :func:`share_options`: a decorator that adds ``--share/--host/--port/--token``
  to ``run`` and ``demo``; :func:`room_config` turns their values into a
  :class:`RoomConfig` (or None when not sharing) for the app.
* ``serve`` starts ``python -m pmtui.cli join ROOM`` for each browser.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shlex
import socket
import sys

import click

from ..room.config import DEFAULT_SHARE_PORT, RoomConfig
from .common import fail

TOKEN_ENV = "PMTUI_TOKEN"
DEFAULT_SERVE_PORT = 8000


# --- sharing a meeting (options of `pmtui run`) -------------------------------------------


def share_options(command):
    """Add --share, --host, --port and --token to a click command (e.g. ``run``)."""
    command = click.option("--token", envvar=TOKEN_ENV, show_envvar=True,
                           help="Join token for note-takers (default: a random one, shown on screen).")(command)
    command = click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_SHARE_PORT,
                           show_default=True, help="Port of the note-taker room (0 picks a free one).")(command)
    command = click.option("--host", default="127.0.0.1", show_default=True,
                           help="Address to listen on; 0.0.0.0 lets other machines join.")(command)
    command = click.option("--share", is_flag=True,
                           help="Let note-takers join live from their machines (pmtui join).")(command)
    return command


def room_config(share: bool, host: str = "127.0.0.1", port: int = DEFAULT_SHARE_PORT,
                token: str | None = None) -> RoomConfig | None:
    """The sharing settings from ``run``'s options; None without --share."""
    if not share:
        return None
    return RoomConfig(host=host, port=port, token=token or secrets.token_urlsafe(16))


# --- joining ----------------------------------------------------------------------------------


def _check_room(url: str, token: str) -> None:
    from ..room.client import probe, ws_url

    try:
        ws_url(url)
    except ValueError as exc:
        fail(str(exc))
    result, detail = asyncio.run(probe(url, token))
    if result == "refused":
        fail(f"the facilitator at {url} refused the token: check --token (or ${TOKEN_ENV}) with the facilitator")
    if result == "unreachable":
        fail(f"cannot reach the meeting at {url}: {detail}; is the facilitator running 'pmtui run MEETING --share'?", 1)


@click.command()
@click.argument("url")
@click.option("--name", help="Your name, shown next to what you add (asked in the app when not given).")
@click.option("--token", envvar=TOKEN_ENV, show_envvar=True, help="The join token the facilitator's screen shows.")
def join(url, name, token):
    """Join a shared meeting at URL as a note-taker (add events, observations, whys)."""
    from ..room.outbox import Outbox, OutboxError
    from ..room.protocol import ProtocolError, check_name

    if not token:
        fail(f"a token is needed: pmtui join {url} --token TOKEN (the facilitator's screen shows it)")
    if name is not None:
        try:
            name = check_name(name)
        except ProtocolError as exc:
            fail(f"--name: {exc}")
    _check_room(url, token)
    if name is not None:
        try:  # fail early, before the full-screen app, if this name is already joined here
            Outbox.for_room(url, name).close()
        except OutboxError as exc:
            fail(str(exc))

    from ..tui.notetaker import NoteTakerApp

    app = NoteTakerApp(url, token, name=name)
    app.run()
    if app.return_code:
        sys.exit(app.return_code)


# --- serving the note-taker app to browsers ------------------------------------------------------


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def serve_command(room: str) -> str:
    """The shell command textual-serve runs per browser (the token travels in the environment)."""
    return f"{shlex.quote(sys.executable)} -m pmtui.cli join {shlex.quote(room)}"


def _shared_room(room: str | None, token: str | None) -> tuple[str, str]:
    """The room and token to serve: as given, else the meeting shared from this machine."""
    from ..room.outbox import room_key
    from ..room.registry import shared_rooms

    if room and token:
        return room, token
    here = shared_rooms()
    if room:  # the token of that address, when its facilitator runs here
        match = [r for r in here if room_key(r.url) == room_key(room)]
        if not match:
            fail(f"a token is needed: pmtui serve --room {room} --token TOKEN")
        return room, match[0].token
    if not here:
        fail("no meeting is shared from this machine: start 'pmtui run MEETING --share' first, "
              "or give the facilitator's address: pmtui serve --room URL --token TOKEN")
    if len(here) > 1:
        listed = "; ".join(f"{r.title or 'untitled'} at {r.url}" for r in here)
        fail(f"{len(here)} meetings are shared from this machine ({listed}): pick one with --room URL")
    return here[0].url, token or here[0].token


@click.command()
@click.option("--room", "room", help="The meeting's address, as 'pmtui join' takes it "
                                     "(default: the meeting shared from this machine).")
@click.option("--token", envvar=TOKEN_ENV, show_envvar=True,
              help="The meeting's join token (default: that of the meeting shared from this machine).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address for browsers (0.0.0.0: everyone).")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_SERVE_PORT, show_default=True,
              help="Web port (0 picks a free one).")
@click.option("--public-url", help="The address browsers use, when it differs from http://HOST:PORT.")
def serve(room, token, host, port, public_url):
    """Serve the note-taker app to web browsers, for people without pmtui installed.

    On the facilitator's machine, plain 'pmtui serve' serves the meeting that
    'pmtui run MEETING --share' shares. Anyone who can open the page joins the
    meeting: keep --host on 127.0.0.1 unless the network is the team's own.
    """
    from textual_serve.server import Server

    room, token = _shared_room(room, token)
    _check_room(room, token)
    if port == 0:
        port = _free_port(host)
    from ..room.server import display_host

    os.environ[TOKEN_ENV] = token  # inherited by each browser's 'join' process; not on its command line
    public_url = (public_url or f"http://{display_host(host)}:{port}").rstrip("/")
    server = Server(serve_command(room), host=host, port=port, title="pmtui note-taker", public_url=public_url)
    click.echo(f"Note-takers can open {public_url} in a browser to join {room}")
    server.serve()
