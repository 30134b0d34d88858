"""The default export of two complete meetings is a document a team publishes unedited.

The demo meeting and a real incident entered in full (GitLab.com's database outage of 2017, see
:mod:`real_incident`): every narrative section filled, every milestone, decision points and tracked actions.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from markdown_it import MarkdownIt

from pmtui.agenda import STANDARD_SECTIONS
from pmtui.demo import demo_meeting
from pmtui.export.markdown import render_postmortem
from pmtui.model import MILESTONE_LABELS, Meeting
from pmtui.session import MeetingSession
from real_incident import ACTIONS, EVENTS, PUBLISHED, SECTIONS, TRACKER, build_gitlab_outage

GFM = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


@pytest.fixture(scope="module")
def gitlab(tmp_path_factory) -> Meeting:
    folder = tmp_path_factory.mktemp("gitlab")
    meeting_id = build_gitlab_outage(folder)
    session = MeetingSession.open(folder, meeting_id)
    try:
        return session.snapshot()
    finally:
        session.close()


@pytest.fixture(params=["gitlab", "demo"])
def complete(request, gitlab) -> tuple[Meeting, str]:
    """A complete meeting and its default export (as of a day after its incident)."""
    meeting = gitlab if request.param == "gitlab" else demo_meeting(now=0)
    return meeting, render_postmortem(meeting, today=date(2026, 12, 1))


def h2(doc: str) -> list[str]:
    return [line[3:] for line in doc.splitlines() if line.startswith("## ")]


def test_nothing_is_shortened(complete):
    _, doc = complete
    assert "…" not in doc and "..." not in doc


def test_no_checklist_guidance_or_notes_in_the_default_document(complete):
    meeting, doc = complete
    for word in ("Quality checklist", "Guidance findings", "Facilitator notes", "Meeting minutes", "❌", "✅"):
        assert word not in doc


def test_the_header_dates_the_incident(complete):
    meeting, doc = complete
    header = doc.splitlines()[2]
    day = meeting.incident.impact_start.date().isoformat()
    assert header.startswith(f"**Incident date:** {day} · **Duration:** ")
    assert date.today().isoformat() not in header and meeting.created.date().isoformat() not in header
    assert f"**Severity:** {meeting.incident.severity}" in header


def test_every_milestone_is_listed_with_date_and_time(complete):
    meeting, doc = complete
    milestones = doc[doc.index("## Milestones\n") : doc.index("\n## ", doc.index("## Milestones\n"))]
    for name, label in MILESTONE_LABELS.items():
        moment = getattr(meeting.incident, name)
        assert f"- **{label}:** {moment:%Y-%m-%d %H:%M:%S} UTC" in milestones


def test_every_section_is_written_and_in_agenda_order(complete):
    meeting, doc = complete
    titles = [s.title for s in STANDARD_SECTIONS]
    assert h2(doc)[1 : 1 + len(titles)] == titles
    assert "_Not written yet._" not in doc
    for section in STANDARD_SECTIONS:
        start = doc.index(f"## {section.title}\n")
        body = doc[start : doc.index("\n## ", start)]
        first_words = " ".join(meeting.sections[section.id].split()[:4]).replace("**", "")
        assert first_words in body.replace("**", "").replace("\n", " ")


def test_the_key_decisions_are_listed(complete):
    meeting, doc = complete
    start = doc.index("## Key decisions\n")
    decisions = doc[start : doc.index("\n## ", start)]
    points = [e for e in meeting.sorted_events() if e.decision_point]
    assert points and decisions.count("\n- ") == len(points)
    for event in points:
        assert f"{event.time:%Y-%m-%d %H:%M:%S} UTC — " in decisions
    assert "◆ Decision" in doc and "**Decision:**" not in doc


def test_no_tag_survives_as_html(complete):
    _, doc = complete
    tokens = GFM.parse(doc)
    assert not [t for t in [*tokens, *(c for t in tokens for c in t.children or [])]
                if t.type in ("html_block", "html_inline")]


def test_the_real_incident_crosses_midnight_with_every_event_dated(gitlab):
    doc = render_postmortem(gitlab, today=PUBLISHED)
    assert doc.splitlines()[0] == "# GitLab.com database outage"
    assert doc.splitlines()[2] == (
        "**Incident date:** 2017-01-31 · **Duration:** 18h47m · **Severity:** SEV1 · **Status:** published · "
        "**Document owner:** team-member-2 · **Published:** 2017-02-10 · **Follow-up review:** 2017-03-10")
    assert "Times are in UTC, from 2017-01-31 to 2017-02-01." in doc
    for moment, *_ in EVENTS:
        assert f"| {moment:%Y-%m-%d %H:%M:%S} |" in doc
    assert "| 2017-01-31 23:27:00 | Taking the stuck pg_basebackup" in doc
    assert "● Impact start" in doc and "● Mitigated, ● Resolved" in doc


def test_the_real_incidents_story_reads_as_written(gitlab):
    html = GFM.render(render_postmortem(gitlab, today=PUBLISHED))
    assert "<th>Method</th>" in html and "<td><code>pg_dump</code> to S3</td>" in html
    assert "<li>The S3 bucket for the <code>pg_dump</code> backups was empty.</li>" in html
    assert "<strong>primary</strong>" in html
    assert '<a href="https://twitter.com/gitlabstatus">@gitlabstatus</a>' in html
    assert "webhooks" in html.lower()


def test_the_real_incidents_actions_link_to_their_issues(gitlab):
    doc = render_postmortem(gitlab, today=PUBLISHED)
    rows = [line for line in doc.splitlines() if line.startswith("| ") and TRACKER in line]
    assert len(rows) == len(ACTIONS)
    for *_, issue in ACTIONS:
        link = f"[#{issue}]({TRACKER}{issue})"
        assert sum(link in row for row in rows) == 1
    assert "No one owns data durability" not in doc
    assert re.search(r"\| Neither the prompt nor the runbook marks production hosts or names the host of each "
                     r"step \| open \|", doc)


def test_every_section_of_the_real_incident_is_entered(gitlab):
    assert set(gitlab.sections) == {s.id for s in STANDARD_SECTIONS} == set(SECTIONS)
    assert gitlab.sections == SECTIONS, "read back from its file, every section keeps its lines"
    assert gitlab.status == "published" and gitlab.publication_date == PUBLISHED
