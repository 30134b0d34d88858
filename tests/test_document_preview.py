"""The document preview draws typed Markdown as text: no raw HTML, markup, terminal hyperlinks or control codes."""

from __future__ import annotations

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.color import Color
from textual.containers import VerticalScroll

from pmtui.tui.widgets.document_preview import DocumentPreview, SectionView


class PreviewApp(App):
    """The preview alone in a scroll, as the review and the section editor hold it."""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield DocumentPreview()


async def drawn(markdown: str) -> list[Segment]:
    """Every segment the preview draws for ``markdown``."""
    app = PreviewApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await app.query_one(DocumentPreview).show(markdown)
        await pilot.pause()
        return [segment for view in app.query(SectionView) for y in range(view.size.height)
                for segment in view.render_line(y)]


def plain(segments: list[Segment]) -> str:
    return "".join(segment.text for segment in segments)


async def test_raw_html_shows_as_the_characters_typed():
    segments = await drawn('## Findings\n\n<script>alert(1)</script>\n\nA <img src=x onerror="alert(1)"> and '
                           '<b onclick="x()">bold</b> claim\n')
    text = plain(segments)
    assert "<script>alert(1)</script>" in text
    assert '<img src=x onerror="alert(1)">' in text
    assert '<b onclick="x()">bold</b>' in text


async def test_rich_and_textual_markup_shows_as_the_characters_typed():
    segments = await drawn("Say [bold]loud[/bold], [link=javascript:alert(1)]x[/link] and [@click=app.quit]q[/]\n")
    assert "Say [bold]loud[/bold], [link=javascript:alert(1)]x[/link] and [@click=app.quit]q[/]" in plain(segments)
    assert not any(segment.style and segment.style.bold for segment in segments), "nothing typed turns bold"
    assert not any(segment.style and (segment.style.link or segment.style.meta) for segment in segments)


async def test_links_are_never_terminal_hyperlinks_and_show_their_address():
    segments = await drawn("[dashboard](https://grafana.example.com/d/1), [run](javascript:alert(1)), "
                           "<https://example.com/auto> and ![graph](https://example.com/g.png)\n\n"
                           "| Evidence |\n|---|\n| [log](https://logs.example.com/q) |\n")
    assert [segment.style.link for segment in segments if segment.style and segment.style.link] == []
    text = plain(segments)
    assert "https://grafana.example.com/d/1" in text, "the address shows as text"
    assert "javascript:alert(1)" in text, "a script link is text, as typed"


async def test_control_and_bidi_characters_never_reach_the_terminal():
    unsafe = "\x1b]52;c;SGVsbG8=\x07 \x1b[2J \x9b31m \u202egnp.exe \u2066x\u2069 \u200bzero"
    segments = await drawn(f"## Notes\n\nbefore {unsafe} after\n\n- item {unsafe}\n\n```\ncode {unsafe}\n```\n")
    text = plain(segments)
    for character in "\x1b\x07\x9b\u202e\u2066\u2069\u200b":
        assert character not in text, f"U+{ord(character):04X} reached the terminal"
    assert "before" in text and "gnp.exe" in text and "after" in text and "code" in text


async def test_the_document_is_drawn_in_the_themes_colours_and_again_when_it_changes():
    app = PreviewApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await app.query_one(DocumentPreview).show("## Summary\n\nThe replica lagged.\n")
        await pilot.pause()
        view = app.query_one(SectionView)

        def colour(y: int, word: str):
            return next(s.style.color for s in view.render_line(y) if word in s.text)

        def heading_colour_of_theme():
            return Color.parse(app.theme_variables["markdown-h2-color"]).rich_color

        assert colour(0, "Summary") == heading_colour_of_theme(), "a heading as the theme draws Markdown's"
        dark = colour(2, "replica")
        app.theme = "textual-light"
        await pilot.pause()
        assert colour(2, "replica") != dark, "the text is drawn again in the light theme's colour"
        assert colour(0, "Summary") == heading_colour_of_theme()
