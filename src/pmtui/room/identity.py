"""A note-taker's room identity: a secret key the room issues, and the author id derived from it.

On a note-taker's first hello the facilitator's room issues a random key
(:func:`new_key`, 192 bits); the note-taker keeps it in its outbox file (its
user's only) and says hello with it on every later connection, so a reconnect or
a restart is still the same person. What the room stores with an entry, shows
and broadcasts is the :func:`author_id` of the key, a one-way digest: it names
the person without letting anyone who reads a meeting file or the broadcast
speak as them. Ownership (who may edit or remove an entry) is checked against
that id, never against the display name.

The room needs no list of the keys it issued: whoever knows a key is its
person, and a key made up by a client is only a new person nobody else is.
"""

from __future__ import annotations

import hashlib
import re
import secrets

KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{22,128}")
"""What a key looks like on the wire: URL-safe base64, at least 22 characters (128 bits)."""
AUTHOR_ID_PATTERN = re.compile(r"[0-9a-f]{32}")


def new_key() -> str:
    """A fresh identity key (192 random bits, URL-safe)."""
    return secrets.token_urlsafe(24)


def author_id(key: str) -> str:
    """The public id of the person holding ``key`` (128 bits of SHA-256; the key cannot be had back from it)."""
    return hashlib.sha256(b"pmtui room identity\n" + key.encode("ascii")).hexdigest()[:32]
