"""Typing into the section editor: the time per key, against a bare Textual TextArea holding the same text.

Usage: python benchmarks/section_typing.py [--keys 200]

The editor saves every key through ``session.set_section`` (checked, kept, a snapshot of the meeting for the
writer thread) and keeps its title and preview in step; the baseline is a bare Textual app with one
``TextArea(language="markdown")``, the same text and nothing saved: what Textual itself pays per key. Both run
headless (``run_test``) at 160x45 (the preview shown beside the text) on a short section and on a long one
(about 100,000 characters, half the limit); a key's time is from the press until the app is idle again.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import TextArea

from pmtui.model import Incident
from pmtui.session import MeetingSession
from pmtui.tui.editor_app import make_editor_app

SIZE = (160, 45)
PARAGRAPH = "The replica fell **behind** while `pg_basebackup` ran; nobody was paged. " * 4 + "\n\n"


class Bare(App):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield TextArea(self.text, language="markdown", soft_wrap=True)


async def per_key(app: App, keys: int) -> list[float]:
    times = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        area = app.screen.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        await pilot.pause()
        for n in range(keys):
            started = time.perf_counter()
            await pilot.press("abcdefghij "[n % 11])
            await pilot.pause()
            times.append(time.perf_counter() - started)
    return times


async def main(keys: int) -> None:
    for label, text in (("short section", PARAGRAPH), ("long section", PARAGRAPH * 330)):
        folder = Path(tempfile.mkdtemp(prefix="pmtui-bench-"))
        session = MeetingSession.create(folder, Incident("Replica lag", impact_start=None))
        session.set_section("narrative", text)
        session.close()
        app = make_editor_app(folder, session.meeting.id, "narrative")
        try:
            editor = await per_key(app, keys)
        finally:
            app.close_session()
        bare = await per_key(Bare(text), keys)
        e, b = statistics.median(editor) * 1000, statistics.median(bare) * 1000
        print(f"{label} ({len(text):,} characters): editor {e:.1f} ms per key (median of {keys}), "
              f"bare TextArea {b:.1f} ms; ratio {e / b:.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=200)
    asyncio.run(main(parser.parse_args().keys))
