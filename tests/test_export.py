"""Tests for the Markdown, minutes, CSV and JSON exports."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime

import pytest
from markdown_it import MarkdownIt

from pmtui.agenda import Agenda, DocumentSection
from pmtui.export import FORMATS, render
from pmtui.export.data import actions_csv, meeting_json
from pmtui.export.markdown import render_postmortem
from pmtui.export.minutes import render_minutes
from pmtui.export.tables import cell, table
from pmtui.model import (
    ActionItem,
    Attendee,
    ContributingFactor,
    Incident,
    Meeting,
    Observation,
    PhaseRecord,
    RootCause,
    TimelineEvent,
    Why,
    WhyChain,
)

NASTY = "  pipe | here\nnew line `tick|tock` back\\|slash  "
EXPECTED = NASTY.strip()
EXPECTED_LINE = EXPECTED.replace("\n", " ")  # a table cell is one line

NARRATIVE = [
    "## Summary",
    "## Background",
    "## What happened",
    "## Detection",
    "## Response and recovery",
    "## Communication",
    "## Data and customer impact",
    "## Lessons learned",
    "## Supporting information",
]
SECTIONS = [
    "## Milestones",
    *NARRATIVE,
    "## Incident metadata",
    "## Impact assessment",
    "## Timeline",
    "## Key decisions",
    "## Root cause analysis",
    "## Contributing factors",
    "## What went well",
    "## What went poorly",
    "## Where we got lucky",
    "## Action items",
    "## Related incidents",
]


def utc(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 3, 14, hour, minute, second, tzinfo=UTC)


@pytest.fixture
def meeting() -> Meeting:
    incident = Incident(
        "Checkout outage",
        severity="SEV2",
        services=["checkout", "payments"],
        summary="Checkout returned errors for 23 minutes after a config push.",
        impact_start=utc(14, 37),
        detected=utc(14, 38, 45),
        mitigated=utc(14, 52),
        resolved=utc(15, 0),
        users_affected="About 4,000 shoppers",
        slo_impact="30% of the monthly error budget",
        detection_method="Paging alert",
    )
    chain = WhyChain(
        "Checkout failed",
        whys=[Why("The config had a typo"), Why("No validation ran on the config")],
        root_cause=RootCause("Config changes skip CI validation", "process gap"),
    )
    return Meeting(
        incident,
        created=datetime(2026, 3, 16, 9, 0, tzinfo=UTC),
        attendees=[
            Attendee("Ana", "facilitator"),
            Attendee("Bo", "incident commander"),
            Attendee("Cy", "note-taker"),
        ],
        events=[
            TimelineEvent(utc(14, 52), "Rolled back the config", actor="Bo", decision_point=True),
            TimelineEvent(utc(14, 37), "Config pushed", actor="deploy-bot", evidence="https://ci.example.com/run/1"),
            TimelineEvent(utc(14, 38, 45), "Alert fired", actor="pager", evidence="alert #42"),
        ],
        observations=[
            Observation("went_well", "Rollback was quick", speaker="Bo"),
            Observation("went_poorly", "Alert went to the wrong team"),
            Observation("lucky", "It happened during office hours", speaker="Cy"),
        ],
        chains=[chain],
        factors=[
            ContributingFactor("New engineer on call", "people"),
            ContributingFactor("No config linting", "technology", speaker="Ana"),
        ],
        actions=[
            ActionItem("Tidy runbook", owner="Cy", priority="low", due=date(2026, 5, 1)),
            ActionItem(
                "Validate config in CI",
                owner="Bo",
                priority="critical",
                due=date(2026, 3, 21),
                success_criteria="Bad config fails the build",
                kinds=["prevents recurrence"],
                root_cause_id=chain.id,
            ),
            ActionItem("Route alert to checkout team", owner="Ana", priority="high", due=date(2026, 3, 30)),
            ActionItem("Add dashboard", priority="high", due=date(2026, 3, 25), kinds=["improves detection"]),
        ],
        phases=[
            PhaseRecord("intro", "Introduction", 5, 330),
            PhaseRecord("timeline", "Timeline", 25, 1500),
            PhaseRecord("actions", "Action items", 20, 1080),
        ],
        notes={"timeline": "Publish the post-mortem to all engineering", "intro": "  "},
        document_owner="Ana",
        follow_up_date=date(2026, 4, 13),
        related=["abcd1234"],
    )


def nasty_meeting() -> Meeting:
    """A meeting whose every user text field holds pipes, newlines and backticks."""
    incident = Incident(
        NASTY,
        services=[NASTY],
        summary=NASTY,
        impact_start=utc(14, 37),
        resolved=utc(15, 0),
        users_affected=NASTY,
        slo_impact=NASTY,
        detection_method=NASTY,
    )
    chain = WhyChain(NASTY, whys=[Why(NASTY)], root_cause=RootCause(NASTY, "code defect"))
    return Meeting(
        incident,
        attendees=[Attendee(NASTY, "facilitator"), Attendee(NASTY, "incident commander")],
        events=[TimelineEvent(utc(14, 40), NASTY, actor=NASTY, evidence=NASTY, speaker=NASTY)],
        observations=[Observation(kind, NASTY, speaker=NASTY) for kind in ("went_well", "went_poorly", "lucky")],
        chains=[chain],
        factors=[ContributingFactor(NASTY, "process", speaker=NASTY)],
        actions=[
            ActionItem(NASTY, owner=NASTY, due=date(2026, 4, 1), success_criteria=NASTY, root_cause_id=chain.id)
        ],
        phases=[PhaseRecord("p", NASTY, 10, 600)],
        notes={"p": NASTY},
        document_owner=NASTY,
        related=["r1"],
    )


# --- helpers ----------------------------------------------------------------


def plain(inline) -> str:
    """The source text an inline token stands for, formatting marks dropped.

    Code spans keep their backticks and a soft line break reads as a newline.
    """
    out = []
    for child in inline.children:
        if child.type == "text":
            out.append(child.content)
        elif child.type == "code_inline":
            out.append(child.markup + child.content + child.markup)
        elif child.type == "softbreak":
            out.append("\n")
    return "".join(out)


def tables(markdown: str) -> list[list[list[str]]]:
    """Every table in ``markdown``, as rows (header row first) of cell texts."""
    found: list[list[list[str]]] = []
    row: list[str] = []
    in_cell = False
    for token in MarkdownIt("gfm-like").parse(markdown):
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            found[-1].append(row)
        elif token.type in ("th_open", "td_open"):
            in_cell = True
        elif token.type in ("th_close", "td_close"):
            in_cell = False
        elif token.type == "inline" and in_cell:
            row.append(plain(token))
    return found


def headings(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if re.match(r"#{1,3} ", line)]


def section(markdown: str, name: str) -> str:
    """The body of the ``## name`` section, up to the next ``##`` heading."""
    start = markdown.index(f"## {name}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end != -1 else None]


# --- tables -----------------------------------------------------------------


def test_cell_escapes_pipes_backslashes_newlines_and_whitespace():
    assert cell("  a | b\nc\\|d  ") == "a \\| b c\\\\\\|d"
    assert cell("") == ""


def test_table_round_trips_nasty_text():
    [parsed] = tables(table(["A", "B|C"], [[NASTY, "x"], ["", "y"]]))
    assert parsed == [["A", "B|C"], [EXPECTED_LINE, "x"], ["", "y"]]


# --- the post-mortem document ----------------------------------------------


def test_sections_in_order(meeting):
    doc = render_postmortem(meeting, today=date(2026, 3, 16))
    lines = doc.splitlines()
    assert lines[0] == "# Checkout outage"
    assert lines[2] == (
        "**Incident date:** 2026-03-14 · **Duration:** 23m · **Severity:** SEV2 · "
        "**Status:** draft (meeting in progress) · **Document owner:** Ana · **Follow-up review:** 2026-04-13"
    )
    top = [h for h in headings(doc) if h.startswith("## ")]
    assert top == SECTIONS


def test_header_dates_the_incident_not_the_export_nor_the_meeting():
    created = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    events = [TimelineEvent(utc(23, 50), "late"), TimelineEvent(utc(21, 10), "first")]
    assert "**Incident date:** 2026-03-14 ·" in render_postmortem(Meeting(Incident("x"), events=events,
                                                                           created=created))
    berlin = Incident("x", tz="Europe/Berlin", impact_start=utc(23, 30))
    assert "**Incident date:** 2026-03-15 ·" in render_postmortem(Meeting(berlin, created=created))
    assert "**Incident date:** 2026-05-01 · **Duration:** unknown ·" in render_postmortem(Meeting(Incident("x"),
                                                                                              created=created))


def test_header_says_when_published_and_when_updated_after(meeting):
    meeting.status = "published"
    meeting.publication_date = date(2026, 3, 20)
    meeting.updated_after_publication = date(2026, 3, 24)
    header = render_postmortem(meeting).splitlines()[2]
    assert "**Status:** published" in header
    assert "**Published:** 2026-03-20 · **Updated after publication:** 2026-03-24" in header
    meeting.status, meeting.document_owner = "ended", ""
    header = render_postmortem(meeting).splitlines()[2]
    assert "**Status:** draft · **Document owner:** _not named_" in header


@pytest.mark.parametrize("status", ["active", "ended"])
def test_a_publication_date_before_publishing_is_the_plan_not_a_fact(meeting, status):
    """The review phase asks when the document will be published: a draft does not say it was published then."""
    meeting.status, meeting.publication_date = status, date(2026, 12, 21)
    header = render_postmortem(meeting).splitlines()[2]
    assert "**Publication planned:** 2026-12-21" in header and "**Published:**" not in header


def test_every_milestone_is_listed_with_date_and_time(meeting):
    body = section(render_postmortem(meeting), "Milestones")
    assert body.splitlines()[2:] == [
        "- **Impact start:** 2026-03-14 14:37:00 UTC",
        "- **Detected:** 2026-03-14 14:38:45 UTC",
        "- **Acknowledged:** _not recorded_",
        "- **Mitigated:** 2026-03-14 14:52:00 UTC",
        "- **Resolved:** 2026-03-14 15:00:00 UTC",
    ]


def test_narrative_sections_in_agenda_order_with_their_markdown(meeting):
    meeting.sections = {"lessons": "Backups must be **restored**, not just taken.\n\n# Details\n\n- one\n- two",
                        "background": "We run one <b>primary</b>."}
    doc = render_postmortem(meeting)
    assert section(doc, "Summary") == "## Summary\n\nCheckout returned errors for 23 minutes after a config push.\n"
    assert section(doc, "Background") == "## Background\n\nWe run one \\<b>primary\\</b>.\n"
    assert section(doc, "Lessons learned") == (
        "## Lessons learned\n\nBackups must be **restored**, not just taken.\n\n### Details\n\n- one\n- two\n")
    assert section(doc, "What happened") == "## What happened\n\n_Not written yet._\n"
    meeting.sections["summary"] = "The *story*."
    assert section(render_postmortem(meeting), "Summary") == "## Summary\n\nThe *story*.\n"


def test_sections_of_the_agenda_given_and_ones_written_under_another():
    agenda = Agenda("a", "", (), sections=(DocumentSection("impact", "Impact on users"),
                                            DocumentSection("summary", "In short")))
    meeting = Meeting(Incident("x"), sections={"impact": "Many.", "retro": "Kept."})
    top = [h for h in headings(render_postmortem(meeting, agenda=agenda)) if h.startswith("## ")]
    assert top[1:4] == ["## Impact on users", "## In short", "## Retro"]


def test_metrics_and_metadata(meeting):
    doc = render_postmortem(meeting)
    [metadata] = tables(section(doc, "Incident metadata"))
    assert dict(metadata[1:]) == {
        "Severity": "SEV2",
        "Time zone": "UTC",
        "Affected services": "checkout, payments",
        "Detection method": "Paging alert",
        "Incident commander": "Bo",
    }
    [impact] = tables(section(doc, "Impact assessment"))
    values = dict(impact[1:])
    assert values["Time to detect"] == "1m45s"
    assert values["Time to acknowledge"] == "unknown"
    assert values["Time to mitigate"] == "15m"
    assert values["Total duration"] == "23m"
    assert values["Users affected"] == "About 4,000 shoppers"


def test_mermaid_chart_with_known_times(meeting):
    impact = section(render_postmortem(meeting), "Impact assessment")
    chart = impact[impact.index("```mermaid") :]
    assert "gantt" in chart and "dateFormat YYYY-MM-DDTHH:mm:ss" in chart and "axisFormat %H:%M" in chart
    tasks = re.findall(r"^    (\w[\w ()]*?): (\S+), (\S+)$", chart, re.MULTILINE)
    assert tasks == [
        ("Detection (1m 45s)", "2026-03-14T14:37:00", "2026-03-14T14:38:45"),
        ("Mitigation (13m 15s)", "2026-03-14T14:38:45", "2026-03-14T14:52:00"),
        ("Recovery (8m)", "2026-03-14T14:52:00", "2026-03-14T15:00:00"),
    ]


def test_mermaid_chart_spans_missing_milestones():
    incident = Incident("x", impact_start=utc(14, 37), resolved=utc(15, 0))
    chart = render_postmortem(Meeting(incident))
    assert "    Detection, mitigation and recovery (23m): 2026-03-14T14:37:00, 2026-03-14T15:00:00" in chart


@pytest.mark.parametrize("known", [{}, {"detected": utc(14, 38)}])
def test_mermaid_chart_omitted_when_times_incomplete(known):
    impact = section(render_postmortem(Meeting(Incident("x", **known))), "Impact assessment")
    assert "```mermaid" not in impact
    assert impact.rstrip().endswith("| Total duration | unknown |")  # the table, no placeholder after it


def test_timeline_in_time_order_with_decisions_milestones_and_links(meeting):
    body = section(render_postmortem(meeting), "Timeline")
    assert "Times are in UTC, on 2026-03-14." in body
    [timeline] = tables(body)
    assert timeline[0] == ["Time", "Event", "Decision or milestone", "Actor", "Evidence"]
    assert [row[0] for row in timeline[1:]] == ["14:37:00", "14:38:45", "14:52:00"]
    assert timeline[3][1:3] == ["Rolled back the config", "◆ Decision, ● Mitigated"]
    assert timeline[1][2] == "● Impact start"
    assert "**" not in body
    assert "[link](https://ci.example.com/run/1)" in body
    assert timeline[2][4] == "alert #42"


def test_timeline_credits_a_column_only_when_someone_is_credited(meeting):
    [timeline] = tables(section(render_postmortem(meeting), "Timeline"))
    assert "Author" not in timeline[0]
    meeting.events[1].speaker = "Cy"
    [timeline] = tables(section(render_postmortem(meeting), "Timeline"))
    assert timeline[0][-1] == "Author" and [row[-1] for row in timeline[1:]] == ["Cy", "", ""]


def test_key_decisions_list_the_decision_points(meeting):
    meeting.events.append(TimelineEvent(utc(14, 45), "Paged the database team", actor="", decision_point=True))
    body = section(render_postmortem(meeting), "Key decisions")
    assert body.splitlines()[2:] == [
        "- 2026-03-14 14:45:00 UTC — Paged the database team",
        "- 2026-03-14 14:52:00 UTC — Rolled back the config (Bo)",
    ]
    meeting.events = [e for e in meeting.events if not e.decision_point]
    assert "_No decision points were marked in the timeline._" in render_postmortem(meeting)


def test_timeline_shows_dates_when_events_span_days():
    events = [
        TimelineEvent(utc(23, 59), "late"),
        TimelineEvent(datetime(2026, 3, 15, 0, 5, tzinfo=UTC), "early"),
    ]
    [timeline] = tables(section(render_postmortem(Meeting(Incident("x"), events=events)), "Timeline"))
    assert [row[0] for row in timeline[1:]] == ["2026-03-14 23:59:00", "2026-03-15 00:05:00"]


def test_timeline_in_incident_time_zone():
    incident = Incident("x", tz="Europe/Berlin", impact_start=utc(14, 37))
    doc = render_postmortem(Meeting(incident, events=[TimelineEvent(utc(14, 37), "start")]))
    assert "| 15:37:00 |" in doc
    assert "2026-03-14 15:37:00 CET" in doc


def test_root_causes_factors_observations_related(meeting):
    doc = render_postmortem(meeting, related_titles={"abcd1234": "Payments [EU] outage"})
    rca = section(doc, "Root cause analysis")
    assert "### 1. Checkout failed" in rca
    assert "1. Why? The config had a typo\n2. Why? No validation ran on the config" in rca
    assert "**Root cause** (process gap): Config changes skip CI validation" in rca
    factors = section(doc, "Contributing factors")
    assert factors.index("### People") < factors.index("### Technology")
    assert "### Process" not in factors
    assert "- No config linting (Ana)" in factors
    assert "- Rollback was quick (Bo)" in section(doc, "What went well")
    assert "- Alert went to the wrong team\n" in section(doc, "What went poorly")
    assert "- It happened during office hours (Cy)" in section(doc, "Where we got lucky")
    assert "- [Payments \\[EU\\] outage](abcd1234.md)" in section(doc, "Related incidents")


def test_checklist_findings_and_notes_only_when_asked_for(meeting):
    meeting.events[0].description = "Bo should have rolled back sooner"
    default = render_postmortem(meeting)
    for word in ("Quality checklist", "Guidance findings", "Facilitator notes", "❌", "✅", "Publish the post-mortem"):
        assert word not in default
    asked = render_postmortem(meeting, with_checklist=True)
    assert [h for h in headings(asked) if h.startswith("## ")][-3:] == [
        "## Quality checklist", "## Guidance findings", "## Facilitator notes"]
    assert "should have" in section(asked, "Guidance findings")
    assert "- **Timeline:** Publish the post-mortem to all engineering" in section(asked, "Facilitator notes")
    with_minutes = render_postmortem(meeting, minutes=True, with_checklist=True)
    tail = with_minutes[with_minutes.index("## Meeting minutes") :]
    assert "### Quality checklist" in tail and "### Guidance findings" in tail
    assert "\n## Quality checklist" not in with_minutes


def test_the_minutes_file_the_app_writes_holds_the_checklist_and_findings_the_document_leaves_out(meeting,
                                                                                                    tmp_path):
    """ctrl+s writes the document and the minutes; the facilitator's checklist goes with the minutes, not nowhere."""
    from pmtui.export.files import write_markdown_exports

    meeting.events[0].description = "Bo should have rolled back sooner"
    postmortem, minutes = write_markdown_exports(meeting, tmp_path)
    text = minutes.read_text(encoding="utf-8")
    assert text.startswith("# Meeting minutes: Checkout outage")
    assert [h for h in headings(text) if h.startswith("## ")][-2:] == ["## Quality checklist", "## Guidance findings"]
    assert "should have" in section(text, "Guidance findings")
    assert "Quality checklist" not in postmortem.read_text(encoding="utf-8")


def test_quality_checklist_section(meeting):
    [checklist] = tables(section(render_postmortem(meeting, with_checklist=True), "Quality checklist"))
    assert checklist[0] == ["Item", "Passed", "Reason"]
    rows = {name: (mark, reason) for name, mark, reason in checklist[1:]}
    assert len(rows) == 7
    assert rows["Timeline complete"][0] == "✅"
    assert rows["Evidence linked"] == ("✅", "2 of 3 timeline events (67%) link evidence; the aim is 50% or more.")
    assert rows["Root causes are systemic"][0] == "❌"  # the chain has only two whys
    assert rows["Action items specific"][0] == "❌"


def test_related_without_titles_uses_ids(meeting):
    assert "- [abcd1234](abcd1234.md)" in render_postmortem(meeting)


def test_unanswered_chain():
    doc = render_postmortem(Meeting(Incident("x"), chains=[WhyChain("Slow pages")]))
    assert "_No root cause identified yet._" in section(doc, "Root cause analysis")


def test_action_items_sorted_by_priority_then_due(meeting):
    [actions] = tables(section(render_postmortem(meeting, today=date(2026, 3, 26)), "Action items"))
    assert actions[0] == [
        "Priority", "Action", "Owner", "Due", "Success criteria", "Type", "Root cause", "Status", "Tracking",
    ]
    assert [(row[0], row[1]) for row in actions[1:]] == [
        ("critical", "Validate config in CI"),
        ("high", "Add dashboard"),
        ("high", "Route alert to checkout team"),
        ("low", "Tidy runbook"),
    ]
    critical, dashboard = actions[1], actions[2]
    assert critical[4:] == [
        "Bad config fails the build",
        "prevents recurrence",
        "Config changes skip CI validation",
        "open (overdue)",
        "—",
    ]
    assert dashboard[2] == "unassigned"
    assert actions[3][7] == "open"


def test_action_tracking_link():
    actions = [ActionItem("a", link="https://tracker.example/issues/12?x=(1)"), ActionItem("b", link="JIRA-7"),
               ActionItem("c", link="https://jira.example/browse/OPS-4/"), ActionItem("d", link="https://t.example"),
               ActionItem("e", link="https://t.example/a%5D%20b")]
    body = section(render_postmortem(Meeting(Incident("x"), actions=actions)), "Action items")
    assert "| [#12](https://tracker.example/issues/12?x=%281%29) |" in body
    assert "| [OPS-4](https://jira.example/browse/OPS-4/) |" in body
    assert "| [t.example](https://t.example) |" in body
    assert "| [a\\] b](https://t.example/a%5D%20b) |" in body
    assert tables(body)[0][2][8] == "JIRA-7"


def test_long_root_cause_is_never_shortened_in_action_table():
    chain = WhyChain("p", root_cause=RootCause("word " * 300, "design flaw"))
    meeting = Meeting(Incident("x"), chains=[chain], actions=[ActionItem("a", root_cause_id=chain.id)])
    doc = render_postmortem(meeting)
    [actions] = tables(section(doc, "Action items"))
    assert actions[1][6] == ("word " * 300).strip()
    assert "…" not in doc


def test_empty_meeting_says_so_in_every_section():
    doc = render_postmortem(Meeting(Incident("Empty")))
    assert [h for h in headings(doc) if h.startswith("## ")] == SECTIONS
    for sentence in [
        "_Not written yet._",
        "_No timeline events were recorded._",
        "_No root cause analysis was recorded._",
        "_No contributing factors were recorded._",
        "_Nothing was recorded as going well._",
        "_Nothing was recorded as going poorly._",
        "_No lucky breaks were recorded._",
        "_No action items were agreed._",
        "_No related incidents were linked._",
        "_No decision points were marked in the timeline._",
    ]:
        assert sentence in doc
    assert doc.count("_Not written yet._") == len(NARRATIVE)
    assert doc.count("_not recorded_") == 5  # every milestone
    assert "times are incomplete" not in doc and "```mermaid" not in doc  # no chart, no placeholder
    [metadata, impact] = tables(doc)
    assert dict(impact[1:])["Total duration"] == "unknown"
    [metadata, impact, checklist] = tables(render_postmortem(Meeting(Incident("Empty")), with_checklist=True))
    assert [row[1] for row in checklist[1:]] == ["✅"] + ["❌"] * 6  # nothing to blame, nothing else done


def test_nasty_text_never_breaks_tables():
    meeting = nasty_meeting()
    doc = render_postmortem(meeting, minutes=True, today=date(2026, 3, 16))
    found = tables(doc)
    shapes = [(len(t), {len(row) for row in t}) for t in found]
    assert shapes == [
        (6, {2}),  # metadata
        (8, {2}),  # impact
        (2, {6}),  # timeline
        (2, {9}),  # actions
        (3, {2}),  # minutes: attendees
        (3, {4}),  # minutes: phases and total
        (8, {3}),  # minutes: quality checklist
    ]
    metadata, impact, timeline, actions, attendees, phases, _ = found
    assert dict(metadata[1:])["Affected services"] == EXPECTED_LINE
    assert dict(metadata[1:])["Detection method"] == EXPECTED_LINE
    assert dict(metadata[1:])["Incident commander"] == EXPECTED_LINE
    assert dict(impact[1:])["Users affected"] == EXPECTED_LINE
    assert dict(impact[1:])["SLO impact"] == EXPECTED_LINE
    assert timeline[1][1] == EXPECTED_LINE
    assert timeline[1][3:] == [EXPECTED_LINE] * 3
    assert actions[1][1:3] == [EXPECTED_LINE, EXPECTED_LINE]
    assert actions[1][4] == EXPECTED_LINE
    assert actions[1][6] == " ".join(EXPECTED.split())
    assert attendees[1] == [EXPECTED_LINE, "facilitator"]
    assert phases[1][0] == EXPECTED_LINE


def test_nasty_text_stays_inside_headings_and_lists():
    doc = render_postmortem(nasty_meeting(), minutes=True)
    flat = " ".join(EXPECTED.split())
    tokens = MarkdownIt("commonmark").enable("table").parse(doc)
    titles = [(t.tag, plain(tokens[i + 1])) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert titles[0] == ("h1", flat)
    assert ("h3", f"1. {flat}") in titles
    assert [text for tag, text in titles if tag == "h2"] == [*(h[3:] for h in SECTIONS), f"Meeting minutes: {flat}"]
    items = [plain(tokens[i + 2]) for i, t in enumerate(tokens) if t.type == "list_item_open"]
    assert f"Why? {EXPECTED}" in items
    assert f"{EXPECTED} ({flat})" in items


# --- minutes ----------------------------------------------------------------


def test_minutes(meeting):
    text = render_minutes(meeting)
    assert text.startswith("# Meeting minutes: Checkout outage\n")
    assert "- **Date:** 2026-03-16" in text
    assert "- **Facilitator:** Ana" in text
    assert headings(text)[1:] == [
        "## Attendees", "## Agenda phases", "## Decisions", "## Notes", "## Action items agreed",
    ]
    attendees, phases = tables(text)
    assert attendees[1:] == [["Ana", "facilitator"], ["Bo", "incident commander"], ["Cy", "note-taker"]]
    assert phases == [
        ["Phase", "Planned (min)", "Actual (min)", "Difference"],
        ["Introduction", "5", "5.5", "+0.5"],
        ["Timeline", "25", "25.0", "+0.0"],
        ["Action items", "20", "18.0", "-2.0"],
        ["Total", "50", "48.5", "-1.5"],
    ]
    decisions = section(text, "Decisions")
    assert "- 2026-03-14 14:52 (during the incident) — Rolled back the config" in decisions
    assert "Publish" not in decisions
    assert section(text, "Notes") == "## Notes\n\n- **Timeline:** Publish the post-mortem to all engineering\n"
    agreed = section(text, "Action items agreed")
    assert "- Tidy runbook — Cy — 2026-05-01" in agreed
    assert "- Add dashboard — unassigned — 2026-03-25" in agreed


def test_minutes_show_extensions_in_the_plan(meeting):
    meeting.phases[1].extended_minutes = 5
    meeting.phases[1].actual_seconds = 1740
    phases = tables(render_minutes(meeting))[1]
    assert phases[2] == ["Timeline", "25+5", "29.0", "-1.0"]
    assert phases[4] == ["Total", "50+5", "52.5", "-2.5"]


def test_empty_minutes():
    text = render_minutes(Meeting(Incident("Empty")))
    for sentence in [
        "**Facilitator:** _not recorded_",
        "_No attendees were recorded._",
        "_No agenda phases were timed._",
        "_No decisions were recorded._",
        "_No notes were taken._",
        "_No action items were agreed._",
    ]:
        assert sentence in text


def test_minutes_section_is_demoted_and_last(meeting):
    doc = render_postmortem(meeting, minutes=True)
    assert "# Meeting minutes" not in render_postmortem(meeting)
    tail = doc[doc.index("## Meeting minutes: Checkout outage") :]
    assert headings(tail) == [
        "## Meeting minutes: Checkout outage",
        "### Attendees",
        "### Agenda phases",
        "### Decisions",
        "### Notes",
        "### Action items agreed",
        "### Quality checklist",
        "### Guidance findings",
    ]
    assert render_minutes(meeting, level=2) in doc


# --- data -------------------------------------------------------------------


def test_actions_csv_round_trips(meeting):
    meeting.actions[0].description = 'Fix it, "properly"\nthen close'
    rows = list(csv.DictReader(io.StringIO(actions_csv(meeting))))
    assert list(rows[0]) == [
        "id", "meeting", "priority", "description", "owner", "due",
        "success_criteria", "kinds", "root_cause", "status", "link",
    ]
    assert len(rows) == 4
    assert rows[0]["description"] == 'Fix it, "properly"\nthen close'
    assert rows[0]["meeting"] == meeting.id
    validate = rows[1]
    assert validate["due"] == "2026-03-21"
    assert validate["kinds"] == "prevents recurrence"
    assert validate["root_cause"] == "Config changes skip CI validation"
    meeting.actions[1].kinds.append("improves detection")
    assert "prevents recurrence;improves detection" in actions_csv(meeting)


def test_actions_csv_keeps_the_tracker_link(meeting):
    meeting.actions[0].link = "https://tracker.example.com/issues/42"
    rows = list(csv.DictReader(io.StringIO(actions_csv(meeting))))
    assert [row["link"] for row in rows] == ["https://tracker.example.com/issues/42", "", "", ""]


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3",
                                   "@SUM(A1:A9)", "\t=1"])
def test_actions_csv_cells_never_start_a_spreadsheet_formula(meeting, typed):
    meeting.actions[0].description = typed
    meeting.actions[0].owner = typed
    meeting.actions[0].success_criteria = typed
    row = next(csv.DictReader(io.StringIO(actions_csv(meeting))))
    assert row["description"] == row["owner"] == row["success_criteria"] == f"'{typed}"


def test_meeting_json_has_sorted_events(meeting):
    data = json.loads(meeting_json(meeting))
    assert data["incident"]["title"] == "Checkout outage"
    assert [e["description"] for e in data["events"]] == ["Config pushed", "Alert fired", "Rolled back the config"]


def test_render_dispatches(meeting):
    assert FORMATS == ("markdown", "html", "confluence", "json", "actions-csv", "github")
    assert render(meeting, "markdown", minutes=True).startswith("# Checkout outage\n")
    assert "## Quality checklist" in render(meeting, "markdown", with_checklist=True)
    assert "## Meeting minutes" in render(meeting, "markdown", minutes=True)
    assert render(meeting, "html", minutes=True).startswith("<!doctype html>")
    assert "<h2>Meeting minutes: Checkout outage</h2>" in render(meeting, "confluence", minutes=True)
    assert render(meeting, "json") == meeting_json(meeting)
    assert render(meeting, "actions-csv") == actions_csv(meeting)
    assert render(meeting, "github").startswith("#!/bin/sh")


def test_render_unknown_format():
    with pytest.raises(ValueError, match="unknown export format 'pdf'"):
        render(Meeting(Incident("x")), "pdf")
