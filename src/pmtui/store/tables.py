"""The layout of a meeting file: which TinyDB tables hold which parts of a meeting.

A ``_meta`` table says what the file is (for fast listing), a ``meeting``
table holds the scalar fields and each list field has a table of its own,
one document per item in order (document ids 1, 2, …); lists of plain values
are wrapped as ``{"value": v}``.
"""

from __future__ import annotations

import re

from ..model import SCHEMA_VERSION, upgrade

APP = "pmtui"
LIST_TABLES = (
    "attendees",
    "events",
    "observations",
    "chains",
    "factors",
    "actions",
    "phases",
    "related",
    "dismissed_findings",
    "included_optional",
    "removed_note_takers",
)
VALUE_TABLES = frozenset({"decisions", "related", "dismissed_findings", "included_optional", "removed_note_takers"})
RETIRED_TABLES = ("decisions",)
"""Tables older files may hold: read, then folded into today's fields by :func:`pmtui.model.upgrade`."""


def slugify(title: str) -> str:
    """The title in lower case with runs of non-alphanumerics turned into '-'."""
    return re.sub(r"[\W_]+", "-", title.lower()).strip("-")


def meeting_documents(data: dict, *, updated: str | None = None) -> dict[str, list[dict]]:
    """The documents of each table for meeting ``data`` (as made by ``model.to_data``), in order.

    ``updated`` goes into ``_meta`` (default: the creation time), which keeps
    this function pure; saving passes the current time.
    """
    incident = data["incident"]
    meta = {
        "app": APP,
        "schema": SCHEMA_VERSION,
        "id": data["id"],
        "title": incident["title"],
        "slug": slugify(incident["title"]),
        "severity": incident["severity"],
        "created": data["created"],
        "status": data["status"],
        "updated": updated or data["created"],
    }
    documents = {"_meta": [meta], "meeting": [{k: v for k, v in data.items() if k not in LIST_TABLES}]}
    for name in LIST_TABLES:
        documents[name] = [{"value": v} for v in data[name]] if name in VALUE_TABLES else list(data[name])
    return documents


def meeting_to_tables(data: dict, *, updated: str | None = None) -> dict:
    """The TinyDB tables (``{table: {doc_id: document}}``) for meeting ``data``."""
    return {name: {str(i): doc for i, doc in enumerate(docs, 1)}
            for name, docs in meeting_documents(data, updated=updated).items()}


def tables_to_meeting(tables: dict) -> dict:
    """The meeting data stored in ``tables``; inverse of :func:`meeting_to_tables`."""
    data = dict(tables["meeting"]["1"])
    for name in (*LIST_TABLES, *RETIRED_TABLES):
        docs = tables.get(name, {})  # a table added in a later version of the same schema
        items = [docs[key] for key in sorted(docs, key=int)]
        data[name] = [d["value"] for d in items] if name in VALUE_TABLES else items
    return upgrade(data)
