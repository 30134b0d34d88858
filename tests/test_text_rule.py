"""The one text rule (pmtui.text): terminal escape codes, bidi controls and invisible characters never reach
the store, the screens or a terminal, whichever way the text came in (issue #12, failure 3).

One test per attack class, each through every way in: an imported file (removed), typed text (refused), the
room (refused), a meeting file written before the rule (cleaned when read), and what the terminal then shows.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import FIXED_EPOCH, create_meeting
from pmtui.agenda import load_agenda
from pmtui.analysis.blameless import load_lexicon, scan
from pmtui.cli import main
from pmtui.demo import demo_meeting
from pmtui.importer import ImportError_, read_events
from pmtui.model import Incident, Meeting
from pmtui.room import protocol
from pmtui.room.protocol import ProtocolError
from pmtui.session import MeetingSession, ValidationError, new_incident
from pmtui.store import list_meetings, read_meeting
from pmtui.text import LIMITS, TextError, check, clean, for_terminal

ATTACKS = {
    "osc-title": "t \x1b]0;PWNED\x07",
    "osc52-clipboard": "c \x1b]52;c;cm0gLXJmIH4=\x07",
    "csi-clear-screen": "w \x1b[2J\x1b[H",
    "c1-csi": "k \x9b2J\x9b31m",
    "bidi-override": "b \u202egnp.exe\u202c \u2066i\u2069 \u200f\u061c",
    "zero-width": "Le\u200be \u2060 \ufeff",
}
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b\u2060\ufeff]")
"""What must never arrive anywhere (tab and newline are judged per field, by :func:`assert_clean_data`)."""
UNSAFE_ONE_LINE = re.compile(f"{UNSAFE.pattern}|[\t\n\r]")
MARKUP = "[bold]zqb[/] [@click=app.quit]zqc[/] [/]"
PMTUI = shutil.which("pmtui", path=os.path.dirname(sys.executable))


def assert_clean_data(value, where: str = "", *, multiline: bool = False) -> None:
    """No string in JSON-ready ``value`` holds a character of the rule (lines only in summary, notes, sections and
    the agenda's copy)."""
    if isinstance(value, str):
        found = (UNSAFE if multiline else UNSAFE_ONE_LINE).search(value)
        assert found is None, f"{where} holds U+{ord(found.group()):04X}: {value!r}"
    elif isinstance(value, list):
        for i, item in enumerate(value):
            assert_clean_data(item, f"{where}[{i}]", multiline=multiline)
    elif isinstance(value, dict):
        for key, item in value.items():
            assert_clean_data(key, f"{where} key")
            assert_clean_data(item, f"{where}.{key}",
                              multiline=multiline or key in ("summary", "notes", "sections", "agenda_source"))


def assert_clean_store(path: Path) -> None:
    assert_clean_data(json.loads(path.read_bytes()), path.name)


def assert_terminal_safe(output: str, what: str) -> None:
    found = UNSAFE.search(output.replace("\r\n", "\n"))
    assert found is None, f"{what} printed U+{ord(found.group()):04X}: {output[max(0, found.start() - 30):][:80]!r}"


def run(*args: str, data: Path):
    result = CliRunner().invoke(main, [*args, "--data-dir", str(data)], catch_exceptions=False)
    return result


def new_meeting(data: Path, title: str = "Checkout errors") -> MeetingSession:
    session = MeetingSession.create(data, Incident(title, tz="UTC"))
    session.update_incident(impact_start="2026-03-14 14:00")
    return session


# --- the rule itself -------------------------------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_the_rule_removes_each_class_from_files_and_refuses_it_when_typed(attack):
    assert UNSAFE.search(clean(attack)) is None
    assert UNSAFE.search(for_terminal(attack)) is None
    with pytest.raises(TextError, match=r"^the description holds an? [a-z -]+ \(U\+[0-9A-F]{4}\); remove it"):
        check(attack, "the description", "description")


def test_what_people_need_stays_joiners_tags_and_lines_where_a_field_holds_them():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # ZWJ sequence
    england = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"  # tag characters
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # ZWNJ
    for text in (family, england, persian, "naïve café — 東京"):
        assert clean(text) == text
        assert check(text, "x", "text") == text
    assert clean("one\r\ntwo\tthree\x1b[1m") == "one two three"
    assert clean("one\r\ntwo\tthree\x1b[1m", multiline=True) == "one\ntwo\tthree"
    assert check("a\tb ", "x", "text") == "a b"
    assert check("line one\n\tline two", "the notes", "note") == "line one\n\tline two"
    assert for_terminal("a\r\nb\tc\x1b") == "a\nb\tc"
    with pytest.raises(TextError, match="too long"):
        check("x" * (LIMITS["name"] + 1), "the name", "name")
    with pytest.raises(TextError, match="lone surrogate"):
        check("a\ud800", "x", "text")


def test_escape_sequences_are_removed_whole_by_the_one_rule_not_just_their_esc():
    """CSI and OSC sequences leave no ``[31m`` or ``]0;title`` behind, in one-line and multiline fields alike."""
    hostile = "a\x1b[31mred\x1b[0m b\x9b2J c\x1b]0;PWNED\x07 d\x1b]52;c;cm0=\x1b\\ e"
    assert clean(hostile) == "ared b c d e"
    assert clean(hostile, multiline=True) == for_terminal(hostile) == "ared b c d e"
    # an OSC that never ends costs the rest of its line only: a stored note keeps its next lines
    assert clean("one \x1b]0;no end\ntwo\r\nthree", multiline=True) == "one \ntwo\nthree"
    assert clean("one \x1b]0;no end\ntwo") == "one  two"


# --- each way in ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_an_imported_file_has_the_codes_removed_and_export_search_list_print_none(data, tmp_path, attack):
    session = new_meeting(data, "Checkout errors")
    session.close()
    rows = tmp_path / "events.csv"
    with rows.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["time", "description", "actor", "evidence"],
                                 ["14:37", attack, attack, attack], ["14:38", f"second {attack} row", "", ""]])
    result = run("import", session.meeting.id, str(rows), data=data)
    assert result.exit_code == 0, result.output
    stored = read_meeting(session.file.path)
    assert len(stored.events) == 2
    assert stored.events[0].description == clean(attack).strip()
    assert_clean_store(session.file.path)
    for args in (("export", session.meeting.id), ("search", "second"), ("list",)):
        result = run(*args, data=data)
        assert result.exit_code == 0, result.output
        assert_terminal_safe(result.output, f"pmtui {args[0]}")
    assert "second" in run("search", "second", data=data).output


def test_the_issues_csv_row_through_the_installed_command(data, tmp_path):
    """The reproduction of issue #12: a CSV row with an OSC title sequence, imported, exported, searched."""
    session = new_meeting(data)
    session.close()
    rows = tmp_path / "events.csv"
    rows.write_bytes(b'time,description\n14:37,"t \x1b]0;PWNED\x07"\n')
    env = {**os.environ, "PMTUI_DATA_DIR": str(data)}
    imported = subprocess.run([PMTUI, "import", session.meeting.id, str(rows)], capture_output=True, env=env)
    assert imported.returncode == 0, imported.stderr
    for args in (["export", session.meeting.id], ["search", "t"], ["export", session.meeting.id, "--format", "json"]):
        done = subprocess.run([PMTUI, *args], capture_output=True, env=env)
        assert done.returncode == 0, done.stderr
        assert b"\x1b" not in done.stdout and b"\x07" not in done.stdout, args
    exported = subprocess.run([PMTUI, "export", session.meeting.id], capture_output=True, env=env).stdout
    assert b"| 14:37:00 | t |" in exported and b"PWNED" not in exported  # the text stays, the OSC goes whole


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_typed_text_with_the_codes_is_refused_in_one_line_and_nothing_changes(data, attack):
    session = new_meeting(data)
    try:
        when = datetime(2026, 3, 14, 14, 37, tzinfo=UTC)
        refusals = [
            lambda: session.add_event(when, attack),
            lambda: session.add_event(when, "fine", actor=attack),
            lambda: session.add_observation("lucky", attack),
            lambda: session.start_chain(attack),
            lambda: session.add_factor(attack, "process"),
            lambda: session.add_action(attack),
            lambda: session.add_action("fine", owner=attack),
            lambda: session.add_attendee(attack),
            lambda: session.update_incident(title=attack),
            lambda: session.update_incident(summary=attack),
            lambda: session.set_note("review", attack),
            lambda: session.set_review(document_owner=attack),
        ]
        for refuse in refusals:
            with pytest.raises(ValidationError) as info:
                refuse()
            assert "\n" not in str(info.value) and "holds a" in str(info.value)
            assert UNSAFE.search(str(info.value)) is None
        assert not session.meeting.events and not session.meeting.observations and not session.meeting.attendees
        assert session.meeting.incident.title == "Checkout errors"
    finally:
        session.close()
    with pytest.raises(ValidationError, match="holds a"):
        new_incident(f"Checkout {attack}")


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_command_arguments_with_the_codes_are_refused_and_the_error_line_holds_none(data, attack):
    result = run("new", f"Checkout {attack}", data=data)
    assert result.exit_code == 2
    assert "holds a" in result.output and result.output.count("\n") == 1
    assert_terminal_safe(result.output, "pmtui new")
    assert list_meetings(data) == ([], [])
    result = run("new", "Checkout", "--services", f"api,{attack}", data=data)
    assert result.exit_code == 2 and "--services" in result.output
    result = run("export", f"no-such-{attack}", data=data)
    assert result.exit_code == 2
    assert_terminal_safe(result.output, "pmtui export's error")


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_the_room_refuses_the_codes_with_its_own_messages(attack):
    change = "0123456789abcdef0123456789abcdef"
    for message in ({"type": "hello", "name": attack},
                    {"type": "add_event", "id": change, "line": f"14:37 {attack}"},
                    {"type": "add_observation", "id": change, "kind": "lucky", "text": attack},
                    {"type": "add_why", "id": change, "text": attack}):
        with pytest.raises(ProtocolError, match="holds an? (control|text-direction|invisible)"):
            protocol.read_client_message(message)


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_a_note_taker_reads_the_facilitators_messages_without_the_codes(attack):
    """Even from a facilitator whose file or version does not clean: the note-taker's screen gets none."""
    event = {"id": "e1", "time": "2026-03-14T14:37:00+00:00", "description": attack, "actor": attack,
             "evidence": "", "author": attack}
    parsed = protocol.parse_server_message(json.dumps({"type": "event", "event": event}))
    shown = parsed.events[0]
    assert all(UNSAFE.search(value) is None for value in (shown.description, shown.actor, shown.author))
    parsed = protocol.parse_server_message(json.dumps({"type": "error", "ref": None, "message": attack}))
    assert UNSAFE.search(parsed.message) is None


def test_agendas_and_word_lists_are_files_their_codes_are_removed(tmp_path, user_folders):
    agenda = tmp_path / "odd.toml"
    agenda.write_text(
        'name = "odd\\u001b]0;x\\u0007"\ndescription = "two\\nlines\\u202e"\n'
        '[[phases]]\nid = "all"\ntitle = "All \\u001b[2J"\nminutes = 30\nkind = "notes"\n'
        'prompts = ["ask \\u009b31m"]\nguidance = "one\\ntwo\\u200b"\n', encoding="utf-8")
    loaded = load_agenda(agenda)
    assert (loaded.name, loaded.description) == ("odd", "two\nlines")
    phase = loaded.phases[0]
    assert (phase.title, phase.prompts, phase.guidance) == ("All ", ("ask ",), "one\ntwo")
    words = user_folders.config / "blameless.toml"
    words.parent.mkdir(parents=True, exist_ok=True)
    words.write_text('[blame]\nalways = ["\\u200b", "bot\\u200bched\\u001b"]\n', encoding="utf-8")
    text = "Sam botched the deploy"
    assert [text[h.start:h.end] for h in scan(text, load_lexicon(words))] == ["Sam botched"]


def test_the_importer_refuses_a_too_long_cell_by_row(tmp_path):
    rows = tmp_path / "events.csv"
    rows.write_text(f"time,description\n14:37,ok\n14:38,{'x' * (LIMITS['description'] + 1)}\n", encoding="utf-8")
    with pytest.raises(ImportError_, match=r"line 3: description is too long"):
        read_events(rows)


# --- files written before the rule -----------------------------------------------------------------


def hostile_meeting(extra: str = "") -> Meeting:
    """The demo meeting with every attack (and ``extra``) in every text field, as an old file could hold it."""
    meeting = demo_meeting(now=FIXED_EPOCH)
    payload = "".join(ATTACKS.values()) + extra

    def spoil(obj) -> None:
        if isinstance(obj, list):
            for item in obj:
                spoil(item)
        elif dataclasses.is_dataclass(obj):
            for f in dataclasses.fields(obj):
                value = getattr(obj, f.name)
                if f.name in ("title", "summary", "name", "description", "actor", "evidence", "author", "text",
                              "problem", "owner", "success_criteria", "status_note", "document_owner",
                              "users_affected", "detection_method"):
                    setattr(obj, f.name, f"{value} {payload}")
                elif f.name == "services":
                    setattr(obj, f.name, [f"{s}{payload}" for s in value])
                elif f.name in ("notes", "sections"):
                    setattr(obj, f.name, {k: f"{v}\n{payload}" for k, v in value.items()})
                else:
                    spoil(value)

    spoil(meeting)
    return meeting


def test_an_old_file_is_cleaned_when_read_and_every_command_prints_none_of_its_codes(data):
    meeting_id = create_meeting(data, hostile_meeting())
    path = data / f"{meeting_id}.json"
    assert b"\\u001b" in path.read_bytes(), "the file holds the codes as written"
    from pmtui.model import to_data

    assert_clean_data(to_data(read_meeting(path)))
    for args in (("list",), ("export", meeting_id), ("export", meeting_id, "--minutes"),
                 ("export", meeting_id, "--format", "json"), ("export", meeting_id, "--format", "actions-csv"),
                 ("export", meeting_id, "--format", "github"), ("search", "checkout"), ("search", "--json", "pool"),
                 ("actions", "--all"), ("actions", "--json"), ("stats",), ("lint", meeting_id)):
        result = run(*args, data=data)
        assert result.exit_code in (0, 1), (args, result.output)
        assert_terminal_safe(result.output, "pmtui " + " ".join(args))
    session = MeetingSession.open(data, meeting_id)  # the file is cleaned once the meeting changes
    session.add_observation("lucky", "the pager worked")
    session.close()
    assert_clean_store(path)


def test_lint_of_a_text_file_prints_its_lines_without_the_codes(data, tmp_path):
    notes = tmp_path / "notes \x1b]0;PWNED\x07.md"
    notes.write_text("Bob \x1b]0;PWNED\x07 was careless\x1b[2J and \u202eforgot\n", encoding="utf-8")
    result = run("lint", str(tmp_path), data=data)
    assert result.exit_code == 1 and "careless" in result.output and "notes .md" in result.output
    assert_terminal_safe(result.output, "pmtui lint")
