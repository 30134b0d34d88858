"""The notes view (a phase of kind "notes"): a TextArea saved as typed, up to the notes' limit."""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea

from helpers import FixedClock
from pmtui.model import Incident
from pmtui.session import MeetingSession
from pmtui.text import LIMITS
from pmtui.tui.app import make_app
from pmtui.tui.views.notes import NotesView

LIMIT = LIMITS["note"]
REFUSED = (f"the notes would be too long (at most {LIMIT} characters): nothing was added; "
           "shorten them to write more")


def notes_meeting(tmp_path, text: str = "") -> str:
    agenda = tmp_path / "notes.toml"
    agenda.write_text('name = "notes"\ndescription = ""\n[[phases]]\nid = "all"\ntitle = "All"\nminutes = 30\n'
                      'kind = "notes"\n', encoding="utf-8")
    session = MeetingSession.create(tmp_path, Incident("Checkout errors"), str(agenda))
    if text:
        session.set_note("all", text)
    session.close()
    return session.meeting.id


def notices(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def test_typing_past_the_limit_is_refused_with_a_notice_and_keeps_the_notes(tmp_path):
    app = make_app(tmp_path, notes_meeting(tmp_path), now=FixedClock())
    async with app.run_test(size=(120, 36)) as pilot:
        area = app.screen.query_one(NotesView).query_one(TextArea)
        area.focus()
        near = ("n" * 99 + "\n") * (LIMIT // 100 - 1) + "n" * 97  # three characters short of the limit
        app.post_message(events.Paste(near))
        await pilot.pause()
        assert app.session.meeting.notes["all"] == near
        await pilot.press(*"abcdef")
        await pilot.pause()
        full = near + "abc"
        assert area.text == full == app.session.meeting.notes["all"], "up to the limit, every key is kept"
        assert notices(app).count(REFUSED) == 1, "one notice, not one per key"
        await pilot.press("backspace", "x", "enter")
        await pilot.pause()
        assert area.text == near + "abx" == app.session.meeting.notes["all"]
        assert notices(app).count(REFUSED) == 2, "refused again after a key that was kept"
        app.post_message(events.Paste("more than fits"))
        await pilot.pause()
        assert area.text == near + "abx" == app.session.meeting.notes["all"]
        assert app.is_running
    app.close_session()
