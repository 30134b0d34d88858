"""``pmtui new --attendee 'NAME[:ROLE]'``: the people entries are said by, known before the meeting starts."""

from __future__ import annotations

from test_cli import env, export_json, fails, new, pmtui  # noqa: F401 (fixtures)


def test_attendees_given_up_front_are_in_the_meeting_with_their_roles(env, data):
    meeting_id = new(env, data, "DB outage", "--attendee", "Ana Lima:incident commander",
                     "--attendee", "Priya Nair:note", "--attendee", "Bo Chen", "--attendee", "Alex Kim:fac")
    people = [(a["name"], a["role"]) for a in export_json(env, data, meeting_id)["attendees"]]
    assert people == [("Ana Lima", "incident commander"), ("Priya Nair", "note-taker"), ("Bo Chen", "responder"),
                      ("Alex Kim", "facilitator")]


def test_a_bad_attendee_is_one_line_naming_the_option_and_no_meeting_is_made(env, data):
    line = fails(pmtui(env, "new", "DB outage", "--attendee", "Ana Lima:boss", data_dir=data))
    assert "--attendee 'Ana Lima:boss'" in line and "'boss' is not one of" in line and "incident commander" in line
    assert "--attendee" in fails(pmtui(env, "new", "DB outage", "--attendee", ":responder", data_dir=data))
    assert not list(data.glob("*.json"))


def test_an_attendees_forge_login_comes_third(env, data):
    meeting_id = new(env, data, "DB outage", "--attendee", "Ana Lima:incident commander:analima",
                     "--attendee", "Bo Chen::@bo-chen", "--attendee", "Priya Nair:note")
    people = [(a["name"], a["role"], a["login"]) for a in export_json(env, data, meeting_id)["attendees"]]
    assert people == [("Ana Lima", "incident commander", "analima"), ("Bo Chen", "responder", "bo-chen"),
                      ("Priya Nair", "note-taker", "")]


def test_a_login_that_is_not_a_username_is_refused_and_no_meeting_is_made(env, data):
    line = fails(pmtui(env, "new", "DB outage", "--attendee", "Ana Lima:ic:ana lima", data_dir=data))
    assert "--attendee 'Ana Lima:ic:ana lima'" in line and "not a GitHub or GitLab username" in line
    assert "--attendee" in fails(pmtui(env, "new", "DB outage", "--attendee", "Ana:ic:--assignee=x", data_dir=data))
    assert not list(data.glob("*.json"))
