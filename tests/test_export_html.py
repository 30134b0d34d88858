"""The HTML page (``export --format html``): standalone, printable, and a person's text is text on it.

Every page is read back with the standard library's ``html.parser`` (a tokenizer that follows the HTML rules for
tags, attributes and character references): what it reports as elements and attributes is what a browser
would build, and what it reports as text is what a reader sees.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from markdown_it import MarkdownIt

from chart_cases import CASES
from export_attacks import ATTACKS, MARK, NOTE, attack_meeting, expected_text, section_text
from pmtui.demo import demo_meeting
from pmtui.export.chart import chart_plan, mermaid_gantt
from pmtui.export.html import render_html
from pmtui.export.hypertext import markdown_markup
from pmtui.export.markdown import render_postmortem
from pmtui.export.phases import is_the_chart, moment_text
from pmtui.model import Incident, Meeting

ELEMENTS = {
    "html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "h4", "h5", "h6", "p", "a", "em",
    "strong", "s", "code", "pre", "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "hr",
    "br", "div", "span", "figure", "figcaption",
}
"""Every element the page may hold: the document's, the page's frame and the chart's; nothing that runs,
loads, embeds or submits."""


class Page(HTMLParser):
    """A page as the HTML tokenizer reads it: its elements with their attributes and text, its comments."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.inner: list[list[str]] = []  # the text inside each element
        self.chunks: list[str] = []
        self.comments: list[str] = []
        self._open: list[tuple[str, int]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.handle_startendtag(tag, attrs)
        if tag not in ("meta", "br", "hr"):
            self._open.append((tag, len(self.elements) - 1))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        self.inner.append([])

    def handle_endtag(self, tag):
        tags = [name for name, _ in self._open]
        if tag in tags:
            del self._open[len(tags) - 1 - tags[::-1].index(tag) :]

    def handle_data(self, data):
        for _, index in self._open:
            self.inner[index].append(data)
        if not {"title", "style"} & {name for name, _ in self._open}:
            self.chunks.append(data)

    def handle_comment(self, data):
        self.comments.append(data)

    @property
    def text(self) -> str:
        """The text a reader sees in the page's body, blanks and line breaks as one space."""
        return " ".join(" ".join(self.chunks).split())

    @property
    def title(self) -> str:
        return self.text_of("title")[0]

    def tags(self, name: str) -> list[dict[str, str]]:
        return [attrs for tag, attrs in self.elements if tag == name]

    def text_of(self, name: str = "", css_class: str = "") -> list[str]:
        """The text of each element named ``name``, or of each element with ``css_class``."""
        return [" ".join("".join(text).split()) for (tag, attrs), text in zip(self.elements, self.inner)
                if tag == name or css_class and css_class in attrs.get("class", "").split()]


def assert_inert(page: Page) -> None:
    """Nothing on ``page`` runs, loads or leaves: known elements only, no handlers, no script links."""
    for tag, attrs in page.elements:
        assert tag in ELEMENTS, (tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            assert name not in ("src", "srcset", "srcdoc", "action", "formaction", "background", "poster"), tag
            if name == "href":
                assert tag == "a", tag
                assert urlsplit(value.strip()).scheme.lower() in ("", "http", "https"), value
            if name == "style":
                assert "url(" not in value and "expression" not in value, value
            if name == "http-equiv":
                assert value == "Content-Security-Policy", value
    assert page.comments == []
    assert not any(value.startswith("javascript:") for _, attrs in page.elements for value in attrs.values())


def headings(markdown: str) -> list[tuple[str, str]]:
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    return [(t.tag, tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"]


def table_count(markdown: str) -> int:
    return sum(t.type == "table_open" for t in MarkdownIt("commonmark").enable("table").parse(markdown))


# --- the page -----------------------------------------------------------------------------------------------


def test_the_page_is_standalone_and_printable():
    html = render_html(demo_meeting())
    page = Page(html)
    assert html.startswith("<!doctype html>\n")
    assert page.tags("meta")[0] == {"charset": "utf-8"}
    assert page.title == "Post-mortem: Checkout errors after connection pool change"
    assert page.tags("html") == [{"lang": "en"}]
    assert len(page.tags("style")) == 1 and "@media print" in html
    assert "@import" not in html and "url(" not in html
    (policy,) = [m["content"] for m in page.tags("meta") if m.get("http-equiv")]
    assert policy.startswith("default-src 'none';")
    assert_inert(page)


def test_the_page_shows_the_whole_document():
    meeting = demo_meeting()
    markdown = render_postmortem(meeting, minutes=True)
    page = Page(render_html(meeting, minutes=True))
    shown = [(tag, attrs) for tag, attrs in page.elements if tag in ("h1", "h2", "h3", "h4")]
    assert len(shown) == len(headings(markdown)) > 12
    for _, title in headings(markdown):
        assert " ".join(title.replace("\\", "").split()) in page.text
    for event in meeting.events:
        assert event.description in page.text
    assert "Meeting minutes" in page.text
    assert len(page.tags("table")) == table_count(markdown) > 5


def test_the_options_are_the_documents():
    meeting = demo_meeting()
    assert "Meeting minutes" not in Page(render_html(meeting)).text
    titles = {meeting.related[0]: "The earlier pool incident"} if meeting.related else {}
    assert Page(render_html(meeting, related_titles=titles, minutes=True)).text.count("Meeting minutes") == 1


def test_an_empty_meeting_renders():
    page = Page(render_html(Meeting(Incident(""))))
    assert page.title == "Post-mortem: Incident"
    assert_inert(page)


# --- a person's text is text ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(ATTACKS))
def test_each_attack_is_shown_as_text(name):
    meeting, shown = attack_meeting(name)
    page = Page(render_html(meeting, minutes=True))
    assert_inert(page)
    for typed in shown:
        assert expected_text(typed) in page.text, typed[:200]
    assert page.title == f"Post-mortem: {expected_text(meeting.incident.title)}"


def test_every_attack_at_once_and_a_long_note():
    meeting, shown = attack_meeting()
    html = render_html(meeting, minutes=True)
    page = Page(html)
    assert_inert(page)
    for typed in shown:
        assert expected_text(typed) in page.text, typed[:200]
    assert expected_text(NOTE) in page.text
    assert not any(ch in html for ch in "\u202e\u2066\u200b\ufeff\x07\x1b\x9b")
    for _, attrs in page.elements:  # typed text reaches an attribute only as a web link's percent-encoded address
        assert "window.__pwned" not in str({name: value for name, value in attrs.items() if name != "href"})
        assert not set('<>" ') & set(attrs.get("href", "")), attrs


def test_the_narrative_sections_keep_their_markdown_but_no_html():
    meeting, _ = attack_meeting()
    if f"{MARK}section" not in render_postmortem(meeting):
        pytest.skip("the document does not show the narrative sections yet (branch 'document')")
    page = Page(render_html(meeting))
    assert_inert(page)
    assert expected_text(f"{MARK}section {ATTACKS['script']} {ATTACKS['img']}") in page.text
    assert "Read the runbook" not in page.text or "javascript" in page.text  # the unsafe link stays text
    assert page.tags("pre"), "the fenced code of a section is code"


# --- the Markdown as HTML ---------------------------------------------------------------------------------------


def fenced(language: str, text: str) -> str:
    return f"<pre data-language={language!r}>{len(text)}</pre>"


def test_raw_html_in_markdown_is_text():
    page = Page(markdown_markup(section_text(), xhtml=False, fence=fenced))
    assert_inert(page)
    assert f"{ATTACKS['script']} {ATTACKS['img']}" in page.text


def test_only_web_links_are_links():
    html = markdown_markup(
        "[a](https://a.example/x?q=1&r=2) [b](javascript:alert(1)) [c](JAVASCRIPT:alert(1)) [d](vbscript:x) "
        "[e](data:text/html,<b>) [f](file:///etc/passwd) <https://g.example> [h](other-meeting.md)",
        xhtml=False, fence=fenced)
    hrefs = [attrs["href"] for attrs in Page(html).tags("a")]
    assert hrefs == ["https://a.example/x?q=1&r=2", "https://g.example", "other-meeting.md"]


def test_an_image_is_a_link_to_it_and_never_loaded():
    page = Page(markdown_markup("![the graph](https://g.example/p.png) ![inline](data:image/png;base64,AAAA) "
                                "![](https://g.example/q.png)", xhtml=False, fence=fenced))
    assert page.tags("img") == []
    assert [attrs["href"] for attrs in page.tags("a")] == ["https://g.example/p.png", "https://g.example/q.png"]
    assert page.text == "the graph inline image"


def test_code_blocks_go_to_the_format():
    seen = []

    def fence(language, text):
        seen.append((language, text))
        return "<pre></pre>"

    markdown = "```sql  extra words\nselect 1;\n```\n\n    indented\n\n~~~\nplain\n~~~\n"
    markdown_markup(markdown, xhtml=False, fence=fence)
    assert seen == [("sql", "select 1;\n"), ("", "indented\n"), ("", "plain\n")]


# --- the chart ------------------------------------------------------------------------------------------------


def chart_rows(page: Page) -> list[tuple[str, float, float, str]]:
    """Each bar of the page's chart: its label, where it starts and how wide it is (% of the scale), its times."""
    bars = [attrs["style"] for tag, attrs in page.elements if "chart-bar" in attrs.get("class", "")]
    places = [[float(part.split(":")[1].rstrip("%")) for part in style.split(";")] for style in bars]
    return [(label, left, width, when) for label, (left, width), when
            in zip(page.text_of(css_class="chart-label"), places, page.text_of(css_class="chart-when"), strict=True)]


@pytest.mark.parametrize("case", ["same_day", "gitlab_2017", "lead_up", "across_midnight_in_zone", "zero_length"])
def test_the_chart_is_drawn_from_the_plan(case):
    meeting = CASES[case]()
    plan = chart_plan(meeting)
    page = Page(render_html(meeting))
    assert_inert(page)
    assert len(page.tags("figure")) == 1 and "gantt" not in page.text
    rows = chart_rows(page)
    assert [label for label, *_ in rows] == [bar.title for bar in plan.bars]
    total = (plan.end - plan.start).total_seconds()
    for (_, left, width, when), bar in zip(rows, plan.bars, strict=True):
        assert left == pytest.approx((bar.start - plan.start).total_seconds() / total * 100, abs=0.001)
        assert width == pytest.approx(bar.seconds / total * 100, abs=0.001)
        assert left + width <= 100.001
        assert when == f"{moment_text(plan, bar.start)} – {moment_text(plan, bar.end)}"
    for note in plan.notes:
        assert note in page.text


def test_a_multi_day_chart_shows_the_day():
    plan = chart_plan(CASES["gitlab_2017"]())
    assert plan.multi_day
    assert moment_text(plan, plan.start) == "Jan 31 17:20" and moment_text(plan, plan.end) == "Feb 01 18:14"
    assert "Jan 31 17:20" in Page(render_html(CASES["gitlab_2017"]())).text


def test_no_chart_without_two_milestones():
    meeting = CASES["two_milestones"]()
    meeting.incident.resolved = None
    page = Page(render_html(meeting))
    assert page.tags("figure") == [] and "gantt" not in page.text


def test_a_mermaid_block_someone_wrote_stays_code():
    plan = chart_plan(demo_meeting())
    assert is_the_chart(plan, "mermaid", mermaid_gantt(plan))
    assert not is_the_chart(plan, "mermaid", "graph TD\n  A-->B\n")
    assert not is_the_chart(plan, "", mermaid_gantt(plan))
    assert not is_the_chart(None, "mermaid", mermaid_gantt(plan))
