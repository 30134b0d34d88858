"""Join tokens: how they are made, checked, read from a file and kept per meeting.

A meeting keeps its token across restarts of the facilitator's app, so that
the people already in the room reconnect without a word; it changes only when
the facilitator asks for a new one. Tokens are kept in
:func:`pmtui.paths.rooms_dir` (a folder and files readable by their user
only), never in the meeting file, which is shared and exported.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from ..fsio import atomic_write
from ..paths import rooms_dir

MIN_TOKEN_LENGTH = 16
TOKEN_BYTES = 16
"""Random bytes in a generated token (128 bits; 22 URL-safe characters)."""


class TokenError(ValueError):
    """A token cannot be used (the message is one line and says what to do)."""


def new_token() -> str:
    """A fresh random join token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def check_token(token: str, *, weak: bool = False, where: str = "--token") -> str:
    """``token`` trimmed; TokenError when empty, or shorter than 16 characters without ``weak``."""
    token = token.strip()
    if not token:
        raise TokenError(f"{where} is empty: give a token, or none for a random one")
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in token):
        raise TokenError(f"{where} holds spaces or control characters: use letters, digits and punctuation")
    if len(token) < MIN_TOKEN_LENGTH and not weak:
        raise TokenError(f"{where} is {len(token)} characters; use at least {MIN_TOKEN_LENGTH} "
                         "(or none for a random one, or --weak-token to accept it anyway)")
    return token


def read_token_file(path: str | Path) -> str:
    """The token in the file at ``path`` (its first line, trimmed)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TokenError(f"--token-file {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TokenError(f"--token-file {path}: cannot read it ({getattr(exc, 'strerror', None) or exc})") from None
    lines = text.strip().splitlines()
    return lines[0].strip() if lines else ""


def _token_path(meeting_id: str) -> Path:
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", meeting_id) or meeting_id.startswith("."):
        raise TokenError(f"meeting id {meeting_id!r} cannot name a token file")
    return rooms_dir() / f"{meeting_id}.token"


def stored_token(meeting_id: str) -> str | None:
    """The token the meeting was last shared with, or None."""
    try:
        token = _token_path(meeting_id).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return token or None


def store_token(meeting_id: str, token: str) -> None:
    """Keep ``token`` as the meeting's (readable by this user only); OSError when the folder cannot be written."""
    path = _token_path(meeting_id)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    atomic_write(path, token + "\n")  # the temp file, and so the token file, is created 0600
    if os.name == "posix":
        os.chmod(path, 0o600)


def meeting_token(meeting_id: str, explicit: str | None = None, *, rotate: bool = False) -> tuple[str, str | None]:
    """The token to share ``meeting_id`` with, and a one-line problem keeping it (or None).

    ``explicit`` (given by the facilitator) wins; else ``rotate`` makes a new
    one; else the meeting's stored token; else a new one. The result is stored,
    so the next start uses it again.
    """
    token = explicit or (None if rotate else stored_token(meeting_id)) or new_token()
    try:
        if stored_token(meeting_id) != token:
            store_token(meeting_id, token)
    except OSError as exc:
        return token, (f"cannot keep the join token in {rooms_dir()}: {exc.strerror or exc}; "
                       "a restart will need a new join command")
    return token, None
