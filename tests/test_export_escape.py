"""A person's text in an exported document renders as text: no HTML, no block the exporter did not write.

The documents are rendered with markdown-it-py (CommonMark with GFM tables and strikethrough) and
compared with the same document made from plain words.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from pmtui.export.escape import Markdown, escape, escape_line
from pmtui.export.github import github_script
from pmtui.export.markdown import render_postmortem
from pmtui.export.minutes import render_minutes
from pmtui.export.tables import list_item
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

ATTACKS = [
    "<!-- x",
    "# H",
    "first\u2028---",
    "first\u2029===",
    "14:44 <script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "1. x",
    "2) y",
    "| a | b |\n|---|---|\n| c | d |",
    "```\ncode",
    "~~~",
    "> quoted",
    "- item",
    "+ item",
    "* item",
    "***",
    "_ _ _",
    "    indented code",
    "text\n\n    indented code",
    "[x]: https://evil.example",
    "[click](javascript:alert(1))",
    "![img](https://evil.example/pixel.png)",
    "<https://evil.example>",
    "&lt;script&gt; &#60;b&#62;",
    "line one\r# two",
    "a\\\n# b",
    "**bold** _em_ `code` ~~gone~~",
]

MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
MARKDOWN_SPECIALS = list("#>-+*=_`~|\\[]()!<&;:.)0123456789aZ \t\n\r\x0b\x0c\x85\u00a0\u2028\u2029")
text = st.one_of(
    st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=40),
    st.text(st.sampled_from(MARKDOWN_SPECIALS), max_size=40),
)


def utc(hour: int, minute: int) -> datetime:
    return datetime(2026, 3, 14, hour, minute, tzinfo=UTC)


def meeting_with(words: str) -> tuple[Meeting, dict[str, str]]:
    """A meeting whose every field a person can type holds ``words``, and related titles."""
    incident = Incident(
        words,
        severity=words,
        services=[words, words],
        summary=words,
        impact_start=utc(14, 37),
        resolved=utc(15, 0),
        users_affected=words,
        slo_impact=words,
        detection_method=words,
    )
    chain = WhyChain(words, whys=[Why(words, author=words), Why(words)], root_cause=RootCause(words, words),
                     author=words)
    meeting = Meeting(
        incident,
        attendees=[Attendee(words, "facilitator"), Attendee(words, "incident commander"), Attendee(words, words)],
        events=[
            TimelineEvent(utc(14, 40), words, actor=words, evidence=words, author=words, decision_point=True),
            TimelineEvent(utc(14, 37), words, actor=words, evidence=words, author=words),
        ],
        observations=[Observation(kind, words, author=words) for kind in ("went_well", "went_poorly", "lucky")],
        chains=[chain],
        factors=[ContributingFactor(words, words, author=words), ContributingFactor(words, "people")],
        actions=[
            ActionItem(words, owner=words, due=date(2026, 4, 1), success_criteria=words, kinds=[words],
                       root_cause_id=chain.id),
            ActionItem(words, owner=words, priority=words, status=words),
        ],
        phases=[PhaseRecord("p", words, 10, 600)],
        notes={"p": words, f"other {words}": words},
        document_owner=words,
        related=[words],
    )
    return meeting, {words: words}


def documents(words: str) -> list[str]:
    meeting, titles = meeting_with(words)
    return [
        render_postmortem(meeting, minutes=True, related_titles=titles, today=date(2026, 3, 16)),
        render_minutes(meeting),
    ]


def blocks(markdown: str) -> list[tuple[str, str]]:
    """The document's block structure: every block token but paragraphs and their text."""
    skipped = ("inline", "paragraph_open", "paragraph_close")
    return [(t.type, t.tag) for t in MD.parse(markdown) if t.type not in skipped]


def html_tokens(markdown: str) -> list[str]:
    tokens = MD.parse(markdown)
    children = [c for t in tokens for c in (t.children or [])]
    return [t.content for t in [*tokens, *children] if t.type in ("html_block", "html_inline")]


def inline_text(markdown: str) -> str:
    """What a line of inline Markdown shows: its text, a soft break as a newline; other tokens are named."""
    out = []
    for child in MD.parseInline(markdown)[0].children or []:
        if child.type == "text":
            out.append(child.content)
        elif child.type == "softbreak":
            out.append("\n")
        else:
            out.append(f"<{child.type}>")
    return "".join(out)


# --- the one escaping rule --------------------------------------------------


@given(text)
def test_escaped_text_reads_back_as_the_text(words):
    lines = [line.strip(" \t") for line in words.splitlines()]
    assert inline_text(escape_line(words)) == " ".join(line for line in lines if line)
    assume("" not in lines[1:-1])  # a blank line is a paragraph break; parseInline reads one paragraph
    assert inline_text(escape(words)) == "\n".join(line for line in lines if line)


@given(text)
def test_escaped_text_opens_no_block_in_a_paragraph_or_a_list_item(words):
    item = [("bullet_list_open", "ul"), ("list_item_open", "li"),
            ("list_item_close", "li"), ("bullet_list_close", "ul")]
    assert blocks(escape(words)) == []
    assert blocks(f"before\n{escape(words)}\nafter") == []
    assert blocks(list_item("-", words)) == item
    assert blocks(f"{list_item('-', words)}\n{list_item('-', words)}") == [*item[:3], *item[1:]]


def test_ordinary_text_is_left_as_typed():
    for words in ["a-b", "v1.2", "1.5x faster", "snake_case_name", "Q&A", "AT&T", "rollback -> ok", "C:\\Users",
                  "50% of users (EU)", "cost: $5", "2026-03-14 14:52", "Lee's #2 retry", "-5 degrees",
                  "café — naïve", "a = b", "x > y"]:
        assert escape(words) == words


def test_only_the_characters_that_change_meaning_are_escaped():
    assert escape("# H") == "\\# H"
    assert escape("1. x") == "1\\. x"
    assert escape("a <b> & c &amp; `d` *e* _f_ [g] h|i ~j~ k\\*") == (
        "a \\<b> & c \\&amp; \\`d\\` \\*e\\* \\_f\\_ \\[g\\] h\\|i \\~j\\~ k\\\\\\*")
    assert escape("first\u2028---") == "first\n\\---"
    assert escape_line("one\ntwo\r\nthree\u2029four") == "one two three four"
    assert escape(Markdown("**mine**")) == "**mine**"
    assert Markdown("**{}:** {}").format("a*", Markdown("_b_")) == "**a\\*:** _b_"


# --- whole documents ---------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text)
def test_no_typed_text_changes_the_documents_structure(words):
    assume(words.strip())
    for doc, plain_doc in zip(documents(words), documents("plain words")):
        assert html_tokens(doc) == []
        assert blocks(doc) == blocks(plain_doc), doc


def test_the_reported_attacks_render_as_text():
    for attack in ATTACKS:
        for doc, plain_doc in zip(documents(attack), documents("plain words")):
            assert html_tokens(doc) == [], attack
            assert blocks(doc) == blocks(plain_doc), attack
            html = MD.render(doc)
            assert "<script" not in html and "<img" not in html and "<!--" not in html
            assert 'href="javascript' not in html


def test_the_reported_observations_and_event_stay_in_their_places():
    meeting = Meeting(
        Incident("Checkout outage"),
        events=[TimelineEvent(utc(14, 44), "<script>alert(1)</script>", actor="<img src=x onerror=alert(1)>")],
        observations=[Observation("went_poorly", words) for words in ("<!-- x", "# H", "first\u2028---")],
    )
    html = MD.render(render_postmortem(meeting))
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in html
    assert "<td>&lt;img src=x onerror=alert(1)&gt;</td>" in html
    assert "<li>&lt;!-- x</li>" in html and "<li># H</li>" in html and "<li>first\n---</li>" in html
    assert html.count("<h1>") == 1 and "<h2>H</h2>" not in html and "<h1>H</h1>" not in html
    assert "## Action items" in render_postmortem(meeting)  # nothing after the observation is hidden


def test_the_github_issue_body_renders_typed_text_as_text():
    meeting = Meeting(Incident("<!-- x"), actions=[ActionItem("# H\n<img src=x onerror=alert(1)>", owner="- me",
                                                              success_criteria="```")])
    script = github_script(meeting)
    body = script[script.index("--body ") :]
    assert "\\# H" in body and "\\<img" in body and "\\- me" in body and "\\`\\`\\`" in body and "\\<!-- x" in body


def test_an_evidence_link_and_an_imported_events_source_stay_in_their_cell():
    meeting = Meeting(Incident("Checkout outage"), events=[
        TimelineEvent(utc(14, 44), "paged", evidence="https://example.com/q?a|b", source="slack:#inc-<b>db</b>|x")])
    html = MD.render(render_postmortem(meeting))
    assert '<td>slack:#inc-&lt;b&gt;db&lt;/b&gt;|x · <a href="https://example.com/q?a%7Cb">link</a></td>' in html
