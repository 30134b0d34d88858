"""Where, with which token and within which limits the facilitator's app shares its meeting."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .limits import RoomLimits

if TYPE_CHECKING:  # ssl is imported only when TLS is asked for (pmtui run starts without it)
    import ssl

DEFAULT_SHARE_PORT = 8765


@dataclass(frozen=True)
class RoomConfig:
    """Where, with which token and within which limits the facilitator's app shares its meeting."""

    host: str = "127.0.0.1"
    port: int = DEFAULT_SHARE_PORT
    token: str = ""
    """The token the facilitator gave (already checked and trimmed); empty: the meeting's kept one, or a new one."""
    new_token: bool = False
    """Replace the meeting's kept token with a new random one."""
    public_url: str | None = None
    """The address note-takers use when it is not http(s)://HOST:PORT (a proxy); browsers' Origin may be it."""
    tls: ssl.SSLContext | None = field(default=None, compare=False)
    limits: RoomLimits = RoomLimits()

    def server(self, session):
        """A RoomServer for ``session`` with the meeting's token (start it with ``await server.start()``)."""
        from .server import RoomServer
        from .tokens import meeting_token

        token, problem = meeting_token(session.meeting.id, self.token or None, rotate=self.new_token)
        server = RoomServer(session, host=self.host, port=self.port, token=token, limits=self.limits,
                            public_url=self.public_url, tls=self.tls)
        if problem:
            server.alert(problem)
        if self.tls is None and not is_loopback(self.host):
            server.alert(f"shared on {self.host} without TLS: the token and the notes cross the network as plain text")
        return server


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host`` (so plain text never leaves it)."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def tls_context(cert: str | Path, key: str | Path) -> ssl.SSLContext:
    """A server TLS context from PEM files; ValueError with one line when they cannot be used."""
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert, key)
    except FileNotFoundError as exc:
        raise ValueError(f"--tls-cert/--tls-key: {exc.filename or cert}: no such file") from None
    except (ssl.SSLError, OSError) as exc:
        raise ValueError(f"--tls-cert {cert} / --tls-key {key}: cannot use them ({getattr(exc, 'reason', None) or exc})"
                         "; give a PEM certificate and its private key") from None
    return context


def client_tls_context(cafile: str | Path | None) -> ssl.SSLContext | None:
    """The TLS context a note-taker checks the room with: the system's CAs, plus ``cafile`` when given."""
    if cafile is None:
        return None
    import ssl

    try:
        return ssl.create_default_context(cafile=str(cafile))
    except FileNotFoundError:
        raise ValueError(f"--cafile {cafile}: no such file") from None
    except (ssl.SSLError, OSError) as exc:
        raise ValueError(f"--cafile {cafile}: not a PEM certificate file ({getattr(exc, 'reason', None) or exc})") \
            from None
