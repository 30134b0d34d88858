"""The browser note-taker's page as the room serves it: four files by name, and the headers of every answer.

The page (``web/index.html``, ``web/app.js``, ``web/app.css`` and its icon ``web/favicon.svg``, shipped in the
package) is found by an allowlist of request paths, never by joining a path onto a folder: ``..``, encoded
characters, symlinks and anything else a request can name have no way to another file. The headers forbid what
the page does not do (outside scripts, styles and fonts; frames; forms posting elsewhere), so a note-taker's
text shown in it cannot become a script even if the page had a bug.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from aiohttp import web

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
"""On every answer of the room: the page, its script and style, refusals and errors."""


@dataclass(frozen=True)
class PageFile:
    """One file of the page: its name in the package's ``web`` folder and its content type."""

    name: str
    content_type: str


PAGE_FILES = {
    "/": PageFile("index.html", "text/html; charset=utf-8"),
    "/app.js": PageFile("app.js", "text/javascript; charset=utf-8"),
    "/app.css": PageFile("app.css", "text/css; charset=utf-8"),
    "/favicon.svg": PageFile("favicon.svg", "image/svg+xml"),
}
"""Every path the room serves a file for (``/ws`` and ``/check`` are not files)."""


def page_answer(path: str) -> web.Response | None:
    """The file at request path ``path``, or None when the room has no such file (aiohttp sends a HEAD's headers
    only).

    Read from the package on each request (they are small): a changed page shows on reload.
    """
    page = PAGE_FILES.get(path)
    if page is None:
        return None
    body = files(__package__).joinpath("web", page.name).read_bytes()
    return web.Response(body=body, headers={"Content-Type": page.content_type})


def add_security_headers(response: web.StreamResponse) -> None:
    """Put :data:`SECURITY_HEADERS` on ``response`` (before it is sent)."""
    response.headers.update(SECURITY_HEADERS)
