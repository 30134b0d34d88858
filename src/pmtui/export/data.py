"""Machine-readable exports: action items as CSV, the whole meeting as JSON."""

from __future__ import annotations

import csv
import io
import json

from ..model import Meeting, to_data
from ..speakers import shown_author

ACTION_COLUMNS = (
    "id",
    "meeting",
    "priority",
    "description",
    "owner",
    "due",
    "success_criteria",
    "kinds",
    "root_cause",
    "status",
    "link",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula when a cell begins with it (OWASP, "CSV injection")."""


def _cell(text: str) -> str:
    """A typed field as a CSV cell a spreadsheet shows as text: one that would start a formula gets a leading '."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def actions_csv(meeting: Meeting) -> str:
    """The action items as CSV with a header row.

    ``meeting`` is the meeting id, ``kinds`` is semicolon-joined,
    ``root_cause`` is the text of the linked Five Whys chain's root cause and
    ``link`` where the work is tracked. Typed fields that a spreadsheet would
    run as a formula (``=HYPERLINK(…)``) start with ``'`` instead.
    """
    causes = {c.id: c.root_cause.text for c in meeting.chains if c.root_cause}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ACTION_COLUMNS)
    for a in meeting.actions:
        writer.writerow([
            a.id,
            meeting.id,
            a.priority,
            _cell(a.description),
            _cell(a.owner),
            a.due.isoformat() if a.due else "",
            _cell(a.success_criteria),
            ";".join(a.kinds),
            _cell(causes.get(a.root_cause_id, "")),
            a.status,
            a.link,
        ])
    return out.getvalue()


def meeting_json(meeting: Meeting) -> str:
    """The whole meeting as indented JSON (``model.to_data``), events in time order.

    Each event, observation, chain, why and factor is credited as on screen: ``author`` is who said it
    (``speakers.shown_author``) and ``entered_by`` who typed it, so the facilitator is never everyone's author.
    """
    data = to_data(meeting)
    events = meeting.sorted_events()
    data["events"] = to_data(events)
    pairs = [*zip(data["events"], events), *zip(data["observations"], meeting.observations),
             *zip(data["factors"], meeting.factors), *zip(data["chains"], meeting.chains)]
    pairs += [pair for chain_data, chain in zip(data["chains"], meeting.chains)
              for pair in zip(chain_data["whys"], chain.whys)]
    for item, entry in pairs:
        item["entered_by"] = item["author"]
        item["author"] = shown_author(entry)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
