"""The Confluence page (``export --format confluence``): well-formed storage format, a person's text as text.

Confluence stores a page body as an XML fragment whose macros use the ``ac`` and ``ri`` prefixes; the tests read
every export with ``xml.etree`` inside a wrapper element that declares them, as Confluence's own parser needs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from chart_cases import CASES
from export_attacks import ATTACKS, MARK, NOTE, attack_meeting, expected_text
from pmtui.demo import demo_meeting
from pmtui.export.chart import chart_duration, chart_plan
from pmtui.export.confluence import LANGUAGES, code_macro, render_confluence
from pmtui.export.markdown import render_postmortem
from pmtui.export.phases import moment_text
from pmtui.model import Incident, Meeting

AC = "http://www.atlassian.com/schema/confluence/4/ac/"
RI = "http://www.atlassian.com/schema/confluence/4/ri/"
ELEMENTS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "a", "em", "strong", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "table", "tbody", "tr", "th", "td", "hr", "br",
    f"{{{AC}}}structured-macro", f"{{{AC}}}parameter", f"{{{AC}}}plain-text-body", f"{{{AC}}}rich-text-body",
}
"""Every element the page may hold: the document's and the macros'."""


def parse(body: str) -> ET.Element:
    return ET.fromstring(f'<page xmlns:ac="{AC}" xmlns:ri="{RI}">{body}</page>')


def text_of(page: ET.Element) -> str:
    return " ".join(" ".join(page.itertext()).split())


def assert_inert(page: ET.Element) -> None:
    for element in page.iter():
        if element is page:
            continue
        assert element.tag in ELEMENTS, element.tag
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            if name == "href":
                assert element.tag == "a" and urlsplit(value.strip()).scheme.lower() in ("", "http", "https"), value
            else:
                assert name in ("style", "start", f"{{{AC}}}name"), (element.tag, name)


def macros(page: ET.Element, name: str) -> list[ET.Element]:
    return [m for m in page.iter(f"{{{AC}}}structured-macro") if m.get(f"{{{AC}}}name") == name]


def test_the_demo_page_is_well_formed_storage_format():
    meeting = demo_meeting()
    body = render_confluence(meeting, minutes=True)
    page = parse(body)
    assert_inert(page)
    assert page[0].tag == "h1" and page[0].text.startswith("Checkout errors after connection pool change")
    for table in page.iter("table"):
        assert [child.tag for child in table] == ["tbody"]  # as Confluence stores a table: no thead
        assert [cell.tag for cell in table[0][0]] == ["th"] * len(table[0][0])
    assert "&nbsp;" not in body and "<!DOCTYPE" not in body
    for event in meeting.events:
        assert event.description in text_of(page)
    assert "Meeting minutes" in text_of(page)


def test_an_empty_meeting_renders():
    assert_inert(parse(render_confluence(Meeting(Incident("")))))


@pytest.mark.parametrize("name", list(ATTACKS))
def test_each_attack_is_shown_as_text(name):
    meeting, shown = attack_meeting(name)
    page = parse(render_confluence(meeting, minutes=True))
    assert_inert(page)
    text = text_of(page)
    for typed in shown:
        assert expected_text(typed) in text, typed[:200]


def test_every_attack_at_once_and_a_long_note():
    meeting, shown = attack_meeting()
    body = render_confluence(meeting, minutes=True)
    page = parse(body)
    assert_inert(page)
    for typed in shown:
        assert expected_text(typed) in text_of(page), typed[:200]
    assert expected_text(NOTE) in text_of(page)
    assert not any(ch in body for ch in "\u202e\u2066\u200b\ufeff\x07\x1b\x9b")


def test_the_narrative_sections_code_is_a_code_macro():
    meeting, _ = attack_meeting()
    if f"{MARK}section" not in render_postmortem(meeting):
        pytest.skip("the document does not show the narrative sections yet (branch 'document')")
    page = parse(render_confluence(meeting))
    assert_inert(page)
    bodies = ["".join(m.find(f"{{{AC}}}plain-text-body").itertext()) for m in macros(page, "code")]
    assert any(ATTACKS["cdata"] in body for body in bodies)


# --- code -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [
    "select 1;\n",
    "]]>",
    "a ]]> b ]]]]> c ]]",
    "]]]>>",
    "<![CDATA[ x ]]>\n<script>alert(1)</script>",
])
def test_code_is_kept_exactly_inside_cdata(code):
    page = parse(code_macro("sql", code))
    (macro,) = macros(page, "code")
    assert "".join(macro.find(f"{{{AC}}}plain-text-body").itertext()) == code
    assert macro.find(f"{{{AC}}}parameter").text == "sql"


def test_code_loses_the_characters_xml_forbids():
    page = parse(code_macro("", "bell\x07 escape\x1b[31m \u202eflip\ufffe\uffff end"))
    (macro,) = macros(page, "code")
    assert "".join(macro.find(f"{{{AC}}}plain-text-body").itertext()) == "bell escape flip end"


def test_a_language_the_macro_does_not_know_is_none():
    for typed, named in [("SQL", "sql"), ("sh", "bash"), ("js", "javascript"), ("yaml", "none"), ("", "none"),
                         ("</ac:parameter><script>", "none"), ("mermaid", "none")]:
        (macro,) = macros(parse(code_macro(typed, "x")), "code")
        assert macro.find(f"{{{AC}}}parameter").text == named
    assert set(LANGUAGES.values()) <= {"actionscript3", "bash", "coldfusion", "cpp", "csharp", "css", "delphi",
                                       "diff", "erlang", "groovy", "java", "javafx", "javascript", "perl", "php",
                                       "powershell", "python", "ruby", "scala", "sql", "vb", "html/xml"}


# --- the chart --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["same_day", "gitlab_2017", "zero_length"])
def test_the_chart_is_a_table_of_phases(case):
    meeting = CASES[case]()
    plan = chart_plan(meeting)
    page = parse(render_confluence(meeting))
    assert_inert(page)
    (table,) = [t for t in page.iter("table") if [c.text for c in t[0][0]] == ["Phase", "From", "To", "Length"]]
    rows = [[cell.text for cell in row] for row in table[0][1:]]
    assert rows == [[bar.label, moment_text(plan, bar.start), moment_text(plan, bar.end), chart_duration(bar.seconds)]
                    for bar in plan.bars]
    assert macros(page, "code") == [] and "gantt" not in text_of(page)
    for note in plan.notes:
        assert note in text_of(page)
