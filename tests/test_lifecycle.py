"""A meeting's lifecycle in the core: active → ended → published → active, its end time, and action items' links."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from helpers import FixedClock
from pmtui.agenda import resolve_agenda
from pmtui.changes import Change, Entity, Op
from pmtui.export.minutes import render_minutes
from pmtui.lint import SECTION_RULE, section_findings
from pmtui.model import Incident, Meeting, to_data
from pmtui.session import MeetingSession, ValidationError
from pmtui.store import MeetingFile, list_meetings

T0 = 1_800_000_000.0  # 2027-01-15 08:00 UTC
ENDED = datetime.fromtimestamp(T0, UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def session(clock) -> MeetingSession:
    meeting = Meeting(Incident("DB outage", tz="Europe/Berlin"))
    return MeetingSession(meeting, resolve_agenda("standard-90"), now=clock)


@pytest.fixture
def changes(session) -> list[Change]:
    seen: list[Change] = []
    session.subscribe(seen.append)
    return seen


def test_end_stops_the_clock_and_keeps_the_end_time(session, clock, changes):
    session.start_clock()
    clock.advance(minutes=42)
    changes.clear()
    session.end()
    meeting = session.meeting
    assert (meeting.status, meeting.ended_at, session.clock.running) == ("ended", ENDED.replace(minute=42), False)
    assert changes == [Change(Entity.MEETING, Op.CHANGED)]
    assert meeting.phases[0].actual_seconds == 42 * 60


def test_an_ended_meeting_is_not_ended_again_and_its_clock_does_not_run(session, changes):
    session.end()
    before = to_data(session.meeting)
    changes.clear()
    for call in (session.end, session.toggle_pause, session.start_clock):
        with pytest.raises(ValidationError, match="reopen") as refused:
            call()
        assert "\n" not in str(refused.value)
    assert (changes, session.clock.running, to_data(session.meeting)) == ([], False, before)


def test_publish_a_running_meeting_ends_it_on_today_in_the_incident_zone(session, clock):
    clock.t = datetime(2027, 1, 15, 23, 30, tzinfo=UTC).timestamp()  # already the 16th in Berlin
    session.start_clock()
    session.publish()
    meeting = session.meeting
    assert (meeting.status, meeting.publication_date, session.clock.running) == ("published", date(2027, 1, 16), False)
    assert meeting.ended_at == datetime(2027, 1, 15, 23, 30, tzinfo=UTC)


def test_publish_an_ended_meeting_keeps_its_end_time_and_publishing_again_moves_only_the_date(session, clock,
                                                                                                changes):
    session.end()
    clock.advance(minutes=90)
    changes.clear()
    session.publish("2027-01-20")
    assert (session.meeting.ended_at, session.meeting.publication_date) == (ENDED, date(2027, 1, 20))
    assert changes == [Change(Entity.MEETING, Op.CHANGED), Change(Entity.REVIEW, Op.CHANGED)], "the date is shown"
    session.publish("2027-01-22")
    assert (session.meeting.status, session.meeting.ended_at, session.meeting.publication_date) == (
        "published", ENDED, date(2027, 1, 22))


@pytest.mark.parametrize("day", ["soon", "2027-02-30", "+99999999999d", "20.01.2027"])
def test_a_bad_publication_date_changes_nothing(session, changes, day):
    session.end()
    before = to_data(session.meeting)
    changes.clear()
    with pytest.raises(ValidationError, match="cannot read date"):
        session.publish(day)
    assert (changes, to_data(session.meeting)) == ([], before)


def test_a_publication_date_before_the_incident_started_is_refused(session, clock, changes):
    session.update_incident(impact_start="2027-01-14 23:30")  # Berlin: the 14th there (22:30 UTC)
    session.end()
    before = to_data(session.meeting)
    changes.clear()
    for refuse in (lambda: session.publish("2027-01-13"), lambda: session.publish(date(2027, 1, 13)),
                   lambda: session.set_review(publication_date="2027-01-13")):
        with pytest.raises(ValidationError) as refused:
            refuse()
        assert str(refused.value) == ("the publication date 2027-01-13 is before the incident started (2027-01-14): "
                                      "give 2027-01-14 or a later date")
    assert (changes, to_data(session.meeting)) == ([], before)
    session.publish("2027-01-14")
    assert session.meeting.publication_date == date(2027, 1, 14), "the day it started is a day it can come out"


def test_without_a_start_time_the_first_event_dates_the_incident(session):
    session.add_event("2027-01-10 09:00", "disk fills up")
    with pytest.raises(ValidationError, match=r"before the incident started \(2027-01-10\)"):
        session.publish("2027-01-09")


@pytest.mark.parametrize("ended_by", ["end", "publish"])
def test_reopen_makes_it_active_forgets_the_end_and_lets_the_clock_run(session, ended_by, changes):
    getattr(session, ended_by)()
    published = session.meeting.publication_date
    changes.clear()
    session.reopen()
    meeting = session.meeting
    assert (meeting.status, meeting.ended_at, meeting.publication_date) == ("active", None, published)
    assert changes == [Change(Entity.MEETING, Op.CHANGED)]
    assert session.clock.running is False, "the facilitator resumes the clock"
    assert session.toggle_pause() is True


def test_reopen_an_active_meeting_is_refused(session, changes):
    with pytest.raises(ValidationError, match="already active"):
        session.reopen()
    assert changes == []


def test_the_lifecycle_survives_a_restart(tmp_path, clock):
    first = MeetingSession.create(tmp_path, Incident("DB outage"), now=clock)
    first.end()
    first.close()
    again = MeetingSession.open(tmp_path, first.meeting.id, now=clock)
    assert (again.meeting.status, again.meeting.ended_at) == ("ended", ENDED)
    again.publish("2027-01-20")
    again.close()
    last = MeetingSession.open(tmp_path, first.meeting.id, now=clock)
    assert (last.meeting.status, last.meeting.publication_date) == ("published", date(2027, 1, 20))
    last.close()


DOCUMENT_CHANGES = {
    "timeline event": lambda s: s.add_event("2027-01-10 14:37", "Replica lag alert"),
    "decision point": lambda s: s.toggle_decision_point(s.meeting.events[0].id),
    "observation": lambda s: s.add_observation("went_poorly", "The runbook was out of date"),
    "action item": lambda s: s.add_action("Add a pool alert"),
    "action item's text": lambda s: s.update_action(s.meeting.actions[0].id, description="Add a lag alert"),
    "attendee": lambda s: s.add_attendee("Ana Lima"),
    "incident field": lambda s: s.update_incident(title="DB outage (2 days)"),
    "section": lambda s: s.set_section("lessons", "Test restores."),
}


@pytest.mark.parametrize("change", DOCUMENT_CHANGES.values(), ids=DOCUMENT_CHANGES.keys())
def test_any_change_to_a_published_document_is_dated(session, clock, change):
    """The palette tells the facilitator "later changes to the document are dated": every part the export shows."""
    session.add_event("2027-01-10 14:30", "Deploy starts")
    session.add_action("Add a pool alert")
    session.publish("2027-01-15")
    assert session.meeting.updated_after_publication is None
    clock.advance(minutes=3 * 24 * 60)
    change(session)
    assert session.meeting.updated_after_publication == date(2027, 1, 18)


def test_tracking_and_the_meeting_s_own_record_after_publication_leave_the_document_undated(session, clock):
    """An action's progress and link, the minutes' notes and the clock are not the document as written."""
    item = session.add_action("Add a pool alert")
    session.publish("2027-01-15")
    session.set_action_status(item.id, "done")
    session.set_action_link(item.id, "https://tracker.example.com/issues/42")
    session.set_note("intro", "Thanks, everyone.")
    session.publish("2027-01-16")
    assert session.meeting.updated_after_publication is None


def test_publishing_again_takes_in_the_changes_made_since(session, clock):
    """'Published: 12-20 · Updated after publication: 12-07' would say the document changed before it came out."""
    session.publish("2027-01-15")
    clock.advance(minutes=2 * 24 * 60)
    session.set_section("lessons", "Test restores.")
    assert session.meeting.updated_after_publication == date(2027, 1, 17)
    session.publish("2027-01-12")  # a wrong date put right: the change still came after it
    assert session.meeting.updated_after_publication == date(2027, 1, 17)
    session.publish("2027-01-20")
    assert (session.meeting.publication_date, session.meeting.updated_after_publication) == (date(2027, 1, 20), None)


def test_changes_while_the_meeting_runs_are_not_dated(session):
    session.add_event("2027-01-10 14:37", "Replica lag alert")
    session.set_section("lessons", "Test restores.")
    assert session.meeting.updated_after_publication is None


# --- the minutes record the end ----------------------------------------------------------------------------------


def test_minutes_record_the_end_time_and_the_length(session, clock):
    session.start_clock()
    clock.advance(minutes=83)
    session.end()
    text = render_minutes(session.meeting)
    assert "- **Ended:** 2027-01-15 10:23 Europe/Berlin\n" in text
    assert "- **Length:** 1h23m on the meeting clock (pauses left out)\n" in text


def test_minutes_of_a_running_meeting_say_it_is_still_running(session):
    assert "- **Ended:** _not yet: the meeting is still running_" in render_minutes(session.meeting)


def test_minutes_of_an_older_ended_meeting_without_an_end_time():
    assert "- **Ended:** _not recorded_" in render_minutes(Meeting(Incident("Old"), status="ended"))


# --- action items' tracker links --------------------------------------------------------------------------------


def test_a_link_is_set_changed_and_cleared(session, changes):
    item = session.add_action("Add a pool alert")
    changes.clear()
    session.set_action_link(item.id, "  https://tracker.example.com/issues/42  ")
    assert item.link == "https://tracker.example.com/issues/42"
    session.update_action(item.id, link="http://jira.example.com/browse/OPS-7?focus=1#c2")
    assert item.link == "http://jira.example.com/browse/OPS-7?focus=1#c2"
    session.set_action_link(item.id, "")
    assert item.link == ""
    assert changes == [Change(Entity.ACTION, Op.CHANGED, item.id)] * 3


BAD_LINKS = {
    "javascript": "javascript:alert(document.cookie)",
    "javascript in capitals": "JavaScript://example.com/%0aalert(1)",
    "data": "data:text/html,<script>alert(1)</script>",
    "file": "file:///etc/passwd",
    "no scheme": "tracker.example.com/issues/42",
    "no host": "https:///issues/42",
    "space": "https://tracker.example.com/my issue",
    "line break": "https://tracker.example.com/1\nhttps://evil.example.com",
    "escape sequence": "https://tracker.example.com/\x1b[31mred",
    "bidi": "https://tracker.example.com/\u202egnp.exe",
    "5,000 characters": "https://tracker.example.com/" + "a" * 5000,
    "broken IPv6 host": "https://[::1/issues",
}


@pytest.mark.parametrize("url", BAD_LINKS.values(), ids=BAD_LINKS.keys())
@pytest.mark.parametrize("how", ["set_action_link", "update_action"])
def test_a_bad_link_is_one_line_and_changes_nothing(session, changes, url, how):
    item = session.add_action("Add a pool alert")
    session.set_action_link(item.id, "https://tracker.example.com/issues/42")
    before = to_data(session.meeting)
    changes.clear()
    with pytest.raises(ValidationError) as refused:
        if how == "set_action_link":
            session.set_action_link(item.id, url)
        else:
            session.update_action(item.id, link=url)
    message = str(refused.value)
    assert message.startswith("the link") and "\n" not in message and len(message) < 200
    assert (changes, to_data(session.meeting)) == ([], before)


@pytest.mark.parametrize("char", ['"', "<", ">", "`", "{", "}", "|", "\\", "^", "\t", " ", "\u00a0"],
                         ids=["quote", "less", "greater", "backtick", "brace", "closing brace", "bar", "backslash",
                              "caret", "tab", "space", "no-break space"])
def test_a_link_with_a_character_no_url_holds_is_refused(session, changes, char):
    item = session.add_action("Add a pool alert")
    changes.clear()
    with pytest.raises(ValidationError) as refused:
        session.set_action_link(item.id, f"https://tracker.example.com/issues/4{char}2")
    message = str(refused.value)
    assert message.startswith("the link holds") and "\n" not in message and "percent-encoded" in message, message
    assert (changes, item.link) == ([], "")


def test_a_percent_encoded_link_is_kept_and_a_bare_percent_is_refused(session):
    item = session.add_action("Add a pool alert")
    kept = "https://tracker.example.com/search?q=%22pool%20size%22%7C%7Bx%7D&a=b;c=d#~frag-(1)!*'+,$@:[]"
    session.set_action_link(item.id, kept)
    assert item.link == kept
    with pytest.raises(ValidationError, match=r"the link holds '%' without two hex digits after it: write it as %25"):
        session.set_action_link(item.id, "https://tracker.example.com/issues?done=100%")
    assert item.link == kept


def test_a_link_of_an_unknown_action_item(session):
    with pytest.raises(ValidationError, match="action item"):
        session.set_action_link("nope", "https://tracker.example.com/issues/42")


# --- the draft marker and the lint findings ---------------------------------------------------------------------

FILLED = {"summary": "Checkout failed.", "narrative": "It began…", "response": "We rolled back.", "lessons": "Test."}


def _write(folder, title: str, status: str, sections: dict[str, str], *, summary: str = "", agenda: str = "") -> str:
    meeting = Meeting(Incident(title, summary=summary), status=status, sections=dict(sections),
                      agenda=agenda or "standard-90")
    MeetingFile.create(folder, to_data(meeting)).close()
    return meeting.id


def test_listing_counts_the_sections_an_ended_meeting_still_lacks(tmp_path):
    ids = {
        "none written": _write(tmp_path, "a", "ended", {}),
        "two written": _write(tmp_path, "b", "ended", {"narrative": "x", "lessons": "y", "background": "z"}),
        "summary from the incident": _write(tmp_path, "c", "ended", {"narrative": " \n\t"}, summary="One line."),
        "all written": _write(tmp_path, "d", "ended", FILLED),
        "agenda gone": _write(tmp_path, "e", "ended", {"summary": "s"}, agenda="/nowhere/custom.toml"),
        "active": _write(tmp_path, "f", "active", {}),
        "published": _write(tmp_path, "g", "published", {}),
    }
    summaries, errors = list_meetings(tmp_path)
    by_id = {s.id: s for s in summaries}
    assert errors == []
    assert {name: by_id[i].to_write for name, i in ids.items()} == {
        "none written": 4, "two written": 2, "summary from the incident": 3, "all written": 0, "agenda gone": 3,
        "active": 0, "published": 0,
    }
    assert by_id[ids["none written"]].draft == "draft: 4 sections to write"
    assert by_id[ids["all written"]].draft == ""


def test_listing_a_meeting_whose_sections_are_not_a_mapping(tmp_path):
    meeting_id = _write(tmp_path, "a", "ended", {})
    path = tmp_path / f"{meeting_id}.json"
    path.write_text(path.read_text().replace('"sections": {}', '"sections": ["not", "a", "mapping"]'))
    summaries, _ = list_meetings(tmp_path)
    assert summaries[0].to_write == 4


def test_lint_names_each_empty_required_section_once_the_meeting_is_over():
    meeting = Meeting(Incident("DB outage"), id="abcd1234", sections={"narrative": "It began…"})
    assert section_findings(meeting) == [], "a running meeting's document is not due yet"
    meeting.status = "published"
    found = section_findings(meeting)
    assert [(f.rule, f.where) for f in found] == [
        (SECTION_RULE, "section summary"), (SECTION_RULE, "section response"), (SECTION_RULE, "section lessons")]
    assert "“Response and recovery”" in found[1].message
    assert found[1].message.endswith("write it with: pmtui edit abcd1234 --section response")
    meeting.sections.update(FILLED)
    assert section_findings(meeting) == []
