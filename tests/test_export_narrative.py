"""A narrative section's Markdown is honoured in the document, its raw HTML never.

Every document is read back the way GitHub would render it: CommonMark with raw HTML enabled and GFM tables
(markdown-it-py), so a tag that survived as HTML would show up as an ``html_block``/``html_inline`` token.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from pmtui.export.markdown import render_postmortem
from pmtui.export.narrative import render_narrative
from pmtui.model import Incident, Meeting

GFM = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
SECTION_TITLES = ["Milestones", "Summary", "Background", "What happened", "Detection", "Response and recovery",
                  "Communication", "Data and customer impact", "Lessons learned", "Supporting information"]


def document(text: str, section: str = "background") -> str:
    return render_postmortem(Meeting(Incident("Outage"), sections={section: text}))


def html_tokens(markdown: str) -> list[str]:
    tokens = GFM.parse(markdown)
    children = [c for t in tokens for c in (t.children or [])]
    return [t.content for t in [*tokens, *children] if t.type in ("html_block", "html_inline")]


def outline(markdown: str) -> list[tuple[str, str]]:
    """Every heading as (tag, text)."""
    tokens = GFM.parse(markdown)
    return [(t.tag, tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"]


def assert_no_html(markdown: str) -> str:
    """``markdown`` rendered like GitHub, after checking no tag in it is read as HTML."""
    assert html_tokens(markdown) == []
    html = GFM.render(markdown)
    for tag in ("<script", "<img", "<div", "<iframe", "<style", "<b>", "<!--", "<svg"):
        assert tag not in html
    assert 'href="javascript' not in html.lower() and 'src="javascript' not in html.lower()
    return html


# --- raw HTML ---------------------------------------------------------------


def test_a_raw_html_block_is_literal_text():
    raw = "<div onclick=\"steal()\">\n<script>alert(1)</script>\n</div>\n\n<!-- hidden -->\n\n<style>*{}</style>"
    html = assert_no_html(document(raw))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;!-- hidden --&gt;" in html


def test_an_inline_script_tag_is_literal_text():
    html = assert_no_html(document("Then <script>alert(document.cookie)</script> ran, and <b>bold</b> too."))
    assert "Then &lt;script&gt;alert(document.cookie)&lt;/script&gt; ran, and &lt;b&gt;bold&lt;/b&gt; too." in html


def test_an_img_with_onerror_is_literal_text_even_in_lists_quotes_and_tables():
    attack = "<img src=x onerror=alert(1)>"
    text = f"{attack}\n\n- {attack}\n\n> {attack}\n\n| a | b |\n|---|---|\n| {attack} | `<img>` |\n"
    html = assert_no_html(document(text))
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") == 4


def test_entities_do_not_come_back_as_tags():
    html = assert_no_html(document("&lt;script&gt;alert(1)&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;"))
    assert "&lt;script&gt;" in html


def test_code_keeps_its_tags_as_code_and_cannot_be_closed_early():
    text = "````html\n<script>x</script>\n```\n<img src=x onerror=alert(1)>\n````\n\nInline ``a ` <b> `` end."
    html = assert_no_html(document(text))
    assert '<pre><code class="language-html">&lt;script&gt;x&lt;/script&gt;\n```\n&lt;img' in html
    assert "<code>a ` &lt;b&gt; </code>" in html


def test_a_pipe_in_a_code_span_in_a_table_stays_in_its_cell():
    text = "| a | b |\n|---|---|\n| `x \\| <script>` | y |"
    html = assert_no_html(document(text))
    assert "<td><code>x | &lt;script&gt;</code></td>" in html


# --- links ------------------------------------------------------------------


def test_javascript_and_data_links_are_text_and_safe_links_are_kept():
    text = ("[click](javascript:alert(1)) [v](vbscript:x) [d](data:text/html;base64,PHNjcmlwdD4=) "
            "[JS](JAVASCRIPT:alert(1)) <javascript:alert(1)>\n\n"
            "[dashboard](https://grafana.example/d/db?from=now-6h&to=now \"Load\") <https://status.example/(x)> "
            "[runbook](runbooks/restore.md)")
    html = assert_no_html(document(text))
    assert re.findall(r'href="([^"]*)"', html) == [
        "https://grafana.example/d/db?from=now-6h&amp;to=now", "https://status.example/%28x%29", "runbooks/restore.md"]
    assert 'title="Load"' in html
    assert "[click](javascript:alert(1))" in html


# --- the outline ------------------------------------------------------------


def test_atx_and_setext_headings_are_demoted_below_the_section():
    text = "\n\n".join(f"{'#' * n} Level {n}" for n in range(1, 7)) + "\n\nSetext one\n===\n\nSetext two\n---\n"
    doc = document(text)
    assert_no_html(doc)
    headings = outline(doc)
    assert [text for tag, text in headings if tag in ("h1", "h2")] == ["Outage", *SECTION_TITLES, *[
        "Incident metadata", "Impact assessment", "Timeline", "Key decisions", "Root cause analysis",
        "Contributing factors", "What went well", "What went poorly", "Where we got lucky", "Action items",
        "Related incidents"]]
    inside = headings[headings.index(("h2", "Background")) + 1 : headings.index(("h2", "What happened"))]
    assert inside == [("h3", "Level 1"), ("h4", "Level 2"), ("h5", "Level 3"), ("h6", "Level 4"),
                      ("h6", "Level 5"), ("h6", "Level 6"), ("h3", "Setext one"), ("h4", "Setext two")]


def test_a_heading_cannot_be_made_from_escaped_or_continued_lines():
    text = "first line\n\\# not a heading\n\\---\ntext\n\\===\n1\\. not a list\n\\- nor this"
    doc = document(text)
    assert outline(doc)[4] == ("h2", "What happened")
    assert "<p>first line\n# not a heading\n---\ntext\n===\n1. not a list\n- nor this</p>" in GFM.render(doc)


def test_narrative_demotes_below_the_level_it_is_given():
    assert render_narrative("# A\n\n## B", level=3) == "#### A\n\n##### B"


# --- what the eye cannot see --------------------------------------------------


def test_bidi_controls_and_invisible_characters_are_dropped():
    text = "Restore \u202efrom db2\u202c\u2066 to\u2069 db1\u200b\ufeff\u2060 done \u200e\u200f\u061c."
    doc = document(text)
    assert "Restore from db2 to db1 done ." in doc
    for ch in "\u202e\u202c\u2066\u2069\u200b\ufeff\u2060\u200e\u200f\u061c":
        assert ch not in doc


def test_other_line_separators_are_line_breaks():
    doc = document("intro\u2028# heading?\u2029<script>x</script>")
    assert_no_html(doc)
    assert ("h3", "heading?") in outline(doc)


# --- size -------------------------------------------------------------------


def test_a_200000_character_section_is_exported_whole():
    paragraph = "The standby fell behind; the restore from the staging snapshot took eighteen hours. "
    text = "\n\n".join(f"Part {n}. {paragraph * 6}".strip() for n in range(400))
    text = text[:200_000]
    doc = document(text)
    body = doc[doc.index("## Background\n") : doc.index("## What happened\n")]
    assert "…" not in doc
    assert body.count("Part ") == text.count("Part ")
    assert len(body) >= len(text)
    assert_no_html(doc)


# --- the Markdown a person writes ------------------------------------------


def test_lists_quotes_code_and_emphasis_come_out_as_written():
    text = ("Five backups:\n\n1. pg_dump to S3 — *empty*\n2. Azure disk snapshots — **not enabled**\n"
            "   - for the database servers\n3. LVM snapshots — ~~hourly~~ daily\n\n"
            "* another list\n\n> quoted\n\n```sql\nSELECT 1;\n```\n\nLine one  \nline two")
    assert render_narrative(text) == (
        "Five backups:\n\n1. pg_dump to S3 — *empty*\n2. Azure disk snapshots — **not enabled**\n"
        "   - for the database servers\n3. LVM snapshots — ~~hourly~~ daily\n\n"
        "* another list\n\n> quoted\n\n```sql\nSELECT 1;\n```\n\nLine one\\\nline two")


MARKDOWN_SOUP = st.lists(st.sampled_from([
    "<", ">", "/", "script", "img", " ", "\n", "\n\n", "`", "```", "~~~", "*", "_", "[", "]", "(", ")", "!",
    "#", "-", "=", "|", "\\", "&", ";", "lt", "#60", "x", "1.", "    ", ">", "javascript:", "\u2028", "\"", "'",
    "onerror=", "<!--", "-->", "<?", "?>", "<![CDATA[", "]]>", "<div>", "</div>", "<a href=x>", "</a>",
]), max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWN_SOUP)
def test_no_section_text_becomes_html_or_changes_the_outline(text):
    doc = render_postmortem(Meeting(Incident("Outage"), sections={"narrative": text}))
    assert html_tokens(doc) == []
    tops = [heading for tag, heading in outline(doc) if tag in ("h1", "h2")]
    assert tops[:5] == ["Outage", "Milestones", "Summary", "Background", "What happened"]
    assert tops[5] == "Detection"
