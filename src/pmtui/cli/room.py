"""The commands of the live note-taker room: ``join``, the sharing options of ``run``, and ``serve`` (retired).

* :func:`share_options`: a decorator that adds ``--share`` and the room's
  options to ``run`` and ``demo``; :func:`room_config` turns their values into
  a :class:`RoomConfig` (or None when not sharing) for the app.
* The token never needs to be on a command line, where every local user sees
  it (``ps``): ``--token-file PATH`` or ``$PMTUI_TOKEN`` carry it instead.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import click

from ..room.config import DEFAULT_SHARE_PORT, RoomConfig, client_tls_context, is_loopback, tls_context
from ..room.limits import LimitError, load_limits, parse_limit_options
from ..room.tokens import TokenError, check_token, read_token_file
from .common import fail, require_terminal

TOKEN_ENV = "PMTUI_TOKEN"


def _given_token(token: str | None, token_file: Path | None, *, weak: bool = False) -> str | None:
    """The token from --token, --token-file or $PMTUI_TOKEN (in that order), checked and trimmed; None if none."""
    if token is not None and token_file is not None:
        fail("give the token once: --token or --token-file, not both")
    try:
        if token_file is not None:
            return check_token(read_token_file(token_file), weak=weak, where=f"the token in {token_file}")
        if token is not None:
            return check_token(token, weak=weak)
        if os.environ.get(TOKEN_ENV, "").strip():
            return check_token(os.environ[TOKEN_ENV], weak=weak, where=f"${TOKEN_ENV}")
    except TokenError as exc:
        fail(str(exc))
    return None


# --- sharing a meeting (options of `pmtui run`) -------------------------------------------


def share_options(command):
    """Add --share and the room's options (address, token, TLS, limits) to a click command (e.g. ``run``)."""
    for option in reversed((
        click.option("--share", is_flag=True,
                     help="Let note-takers join live: from a browser (the link the room panel shows) or pmtui join."),
        click.option("--host", default="127.0.0.1", show_default=True,
                     help="Address to listen on; 0.0.0.0 lets other machines join (use --tls-cert/--tls-key)."),
        click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_SHARE_PORT, show_default=True,
                     help="Port of the note-taker room (0 picks a free one)."),
        click.option("--token-file", type=click.Path(dir_okay=False, path_type=Path),
                     help=f"Read the join token from this file (or set ${TOKEN_ENV}); default: the meeting's "
                          "kept token, else a random one."),
        click.option("--token", help=f"The join token (visible to other users in 'ps': prefer --token-file or "
                                     f"${TOKEN_ENV})."),
        click.option("--weak-token", is_flag=True, help="Accept a token shorter than 16 characters."),
        click.option("--new-token", is_flag=True, help="Replace the meeting's kept join token with a new random one."),
        click.option("--public-url", help="The address note-takers use, when it is not http(s)://HOST:PORT."),
        click.option("--tls-cert", type=click.Path(dir_okay=False, path_type=Path),
                     help="PEM certificate: the room speaks https (with --tls-key)."),
        click.option("--tls-key", type=click.Path(dir_okay=False, path_type=Path),
                     help="The certificate's PEM private key."),
        click.option("--room-limit", multiple=True, metavar="NAME=VALUE",
                     help="Change a room limit (max_connections, max_per_address, auth_timeout, token_failures, "
                          "failure_window, lockout, heartbeat); also the [room] table of config.toml."),
    )):
        command = option(command)
    return command


def room_config(share: bool, host: str = "127.0.0.1", port: int = DEFAULT_SHARE_PORT, token: str | None = None,
                token_file: Path | None = None, weak_token: bool = False, new_token: bool = False,
                public_url: str | None = None, tls_cert: Path | None = None, tls_key: Path | None = None,
                room_limit: tuple[str, ...] = ()) -> RoomConfig | None:
    """The sharing settings from ``run``'s options; None without --share (one-line errors exit 2)."""
    if not share:
        return None
    from ..paths import config_file

    given = _given_token(token, token_file, weak=weak_token)
    if new_token and given:
        fail(f"--new-token makes a random token: leave out --token, --token-file and ${TOKEN_ENV}")
    if (tls_cert is None) != (tls_key is None):
        fail("--tls-cert and --tls-key go together: give both, or neither")
    try:
        tls = tls_context(tls_cert, tls_key) if tls_cert is not None else None
        limits = load_limits(config_file(), parse_limit_options(room_limit))
    except (ValueError, LimitError) as exc:
        fail(str(exc))
    if tls is None and not is_loopback(host):
        click.echo(f"pmtui: warning: sharing on {host} without --tls-cert/--tls-key: the join token and every note "
                   "travel as plain text on the network", err=True)
    return RoomConfig(host=host, port=port, token=given or "", new_token=new_token, public_url=public_url, tls=tls,
                      limits=limits)


# --- joining ----------------------------------------------------------------------------------


def _check_room(url: str, token: str, tls) -> None:
    """Stop at what waiting cannot fix (a bad address, token or certificate); an unreachable room is no reason.

    The app starts on the note-taker's outbox and connects when the facilitator is back.
    """
    from ..room.client import probe, ws_url

    try:
        ws_url(url)
    except ValueError as exc:
        fail(str(exc))
    result, detail = asyncio.run(probe(url, token, tls=tls))
    if result == "refused":
        fail(f"the facilitator at {url} refused the token: {detail}; check it with the facilitator")
    if result == "unreachable" and "certificate" in detail.lower():
        fail(f"cannot trust the certificate of {url}: {detail}; pass the facilitator's CA file with --cafile", 1)


@click.command()
@click.argument("url")
@click.option("--name", help="Your name, shown next to what you add (default: the name you joined this meeting "
                              "under on this machine; else asked in the app).")
@click.option("--token-file", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Read the join token from this file (or set ${TOKEN_ENV}).")
@click.option("--token", help=f"The join token (visible to other users in 'ps': prefer ${TOKEN_ENV} or --token-file).")
@click.option("--cafile", type=click.Path(dir_okay=False, path_type=Path),
              help="PEM certificate(s) to trust for an https:// room (e.g. the facilitator's own).")
def join(url, name, token_file, token, cafile):
    """Join a shared meeting at URL as a note-taker (add events, observations, whys).

    Starts even when the facilitator cannot be reached: what you type waits on disk and is sent once they are.
    """
    from ..room.outbox import Outbox, OutboxError
    from ..room.protocol import ProtocolError, check_name

    token = _given_token(token, token_file, weak=True)  # the facilitator decides what is strong enough
    if not token:
        fail(f"a token is needed: {TOKEN_ENV}=TOKEN pmtui join {url} (the facilitator's screen shows it)")
    try:
        tls = client_tls_context(cafile)
    except ValueError as exc:
        fail(str(exc))
    if name is not None:
        try:
            name = check_name(name)
        except ProtocolError as exc:
            fail(f"--name: {exc}")
    _check_room(url, token, tls)
    if name is not None:
        try:  # fail early, before the full-screen app, if this name is already joined here
            Outbox.for_room(url, name).close()
        except OutboxError as exc:
            fail(str(exc))

    from ..room.client import RoomClient
    from ..tui.notetaker import NoteTakerApp

    app = NoteTakerApp(url, token, name=name, client=RoomClient(url, token, tls=tls))
    require_terminal()
    app.run()
    if app.return_code:
        sys.exit(app.return_code)


# --- the old browser route ------------------------------------------------------------------------

SERVE_RETIRED = ("'pmtui serve' is no longer needed: the shared meeting serves its own web page; start it with "
                 "'pmtui run MEETING --share' and give note-takers the link its room panel shows "
                 "(ctrl+p Copy join link)")


@click.command(hidden=True, context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
def serve():
    """Retired: says where browser note-takers join now (scripts and habits still call it)."""
    click.echo(SERVE_RETIRED)
