"""Slack workspace exports: the incident channel's messages as timeline events, from a folder or its .zip."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pmtui.sources import ImportRequest, SourceError, detect, read_timeline, slack_archive, timeline_events
from pmtui.sources.slack_markup import readable

EXPORT = Path(__file__).parent / "data" / "slack" / "export"


def read(path: Path = EXPORT, **options) -> list:
    return read_timeline(path, "slack", ImportRequest(**options)).events


def zipped(folder: Path, target: Path, top: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as export:
        for file in sorted(folder.rglob("*.json")):
            export.write(file, top + file.relative_to(folder).as_posix())
    return target


def copied(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXPORT, tmp_path / "export"))


def write_day(export: Path, channel: str, day: str, messages: object) -> None:
    (export / channel).mkdir(exist_ok=True)
    (export / channel / f"{day}.json").write_text(json.dumps(messages) if not isinstance(messages, str) else messages)


def test_mentions_links_and_entities_read_as_people_saw_them():
    said = {event.evidence: event.description for event in read()}
    assert said["#inc-db/p1485905220000200"] == ("@here replication lag on #inc-db db-1 > 30s, see the dashboard "
                                                 "(https://grafana.example.com/d/pg) & paging @Bo Chen")
    assert said["#inc-db/p1485905330000500"] == "writes to orders paused, oncall@example.com told"


def test_every_kind_of_reference_reads_as_a_word():
    users, channels = {"U1": "Ana Lima"}, {"C1": "inc-db"}
    assert readable("<@U1> <@U9|bo> <@U8> <#C1> <#C2|ops> <!channel> <!subteam^S1|@oncall> <!subteam^S2>", users,
                    channels) == "@Ana Lima @bo @U8 #inc-db #ops @channel @oncall @subteam"
    assert readable("<!date^1392734382^{date_num}|2014-02-18> <https://x.example> <https://x.example|https://x.example>"
                    " <mailto:a@example.com>", users, channels) == ("2014-02-18 https://x.example https://x.example "
                                                                   "a@example.com")
    assert readable("a &amp;lt; b &lt;@U1&gt; 1 < 2 > 0", users, channels) == "a &lt; b <@U1> 1 < 2 > 0"


def test_each_message_keeps_its_author_channel_time_and_permalink():
    first = next(event for event in read() if event.evidence == "#inc-db/p1485905220000200")
    assert first.time == datetime(2017, 1, 31, 23, 27, tzinfo=UTC)
    assert (first.author, first.source, first.kind) == ("Ana Lima", "slack:#inc-db", "message")
    names = {event.author for event in read()}
    assert names == {"Ana Lima", "Bo Chen", "priya", "Alertmanager"}  # real name, else the profile's, else the handle


def test_thread_replies_are_marked_and_point_into_their_thread():
    reply = next(event for event in read() if event.kind == "reply")
    assert reply.description == "↳ on it, failing over to db-2"
    assert reply.evidence == "#inc-db/p1485905280000300?thread_ts=1485905220.000200"


def test_alert_bots_are_kept_with_their_attachment_text():
    bots = [(event.author, event.description) for event in read() if event.kind == "bot"]
    assert bots == [("Alertmanager", "[FIRING:1] PostgresReplicationLag db-1 (critical)"),
                    ("Alertmanager", "[RESOLVED] PostgresReplicationLag db-1")]


def test_joins_leaves_and_topic_changes_are_skipped_and_counted():
    found = read_timeline(EXPORT, "slack")
    assert not any("joined" in e.description or "left the channel" in e.description or "topic" in e.description
                   for e in found.events)
    assert (len(found.events), found.skipped, found.bad) == (7, 3, [])


def test_a_zip_export_reads_as_its_folder_and_is_detected(tmp_path):
    plain = zipped(EXPORT, tmp_path / "export.zip")
    wrapped = zipped(EXPORT, tmp_path / "wrapped.zip", top="acme Slack export Jan 31 2017/")
    assert detect(plain) == detect(wrapped) == detect(EXPORT) == "slack"
    assert read(plain) == read(wrapped) == read(EXPORT)


def test_other_files_are_not_taken_for_an_export(tmp_path):
    (tmp_path / "events.zip").write_bytes(b"PK not really")
    (tmp_path / "a.json").write_text("[]")
    from pmtui.sources import slack
    assert not slack.detect(tmp_path / "events.zip") and not slack.detect(tmp_path / "a.json")
    assert not slack.detect(tmp_path) and not slack.detect(tmp_path / "missing.zip")


def test_the_window_reads_only_the_day_files_that_can_hold_it_across_zones(tmp_path):
    export = copied(tmp_path)
    write_day(export, "inc-db", "2017-01-20", "not json at all")  # outside the window: never opened
    auckland = ZoneInfo("Pacific/Auckland")  # 2017-02-01 12:26 NZDT is 2017-01-31 23:26 UTC, a day earlier
    told = []
    found = read_timeline(export, "slack", ImportRequest(start=datetime(2017, 2, 1, 12, 26, tzinfo=auckland),
                                                         end=datetime(2017, 2, 1, 13, 7, 30, tzinfo=auckland)),
                          lambda done, total: told.append((done, total)))
    assert told == [(0, 3), (1, 3), (2, 3), (3, 3)]  # day files: #inc-db's two, #general's one; not 2017-01-20
    assert [e.evidence for e in found.events] == ["#inc-db/p1485905220000200",
                                                  "#inc-db/p1485905280000300?thread_ts=1485905220.000200",
                                                  "#inc-db/p1485905330000500", "#inc-db/p1485907620000500"]
    assert found.bad == []
    meeting = timeline_events(found.events, "Pacific/Auckland")
    assert meeting[0].time.isoformat() == "2017-02-01T12:27:00+13:00"


def test_channel_flagged_and_pinned_choose_what_to_import():
    assert {e.source for e in read(channel="#general")} == {"slack:#general"}
    assert [e.description[:8] for e in read(flagged="pushpin")] == ["[FIRING:", "failover"]
    assert [e.evidence for e in read(flagged=":+1:")] == ["#inc-db/p1485907620000500"]  # any skin tone
    assert [e.evidence for e in read(pinned=True)] == ["#inc-db/p1485905220000200"]
    assert read(channel="inc-db", flagged="pushpin", start=datetime(2017, 2, 1, tzinfo=UTC))[0].kind == "message"


def test_each_message_carries_its_pin_and_reactions_as_marks():
    marks = {event.evidence: event.marks for event in read() if event.marks}
    assert marks == {"#inc-db/p1485905100000100": (":pushpin:",),
                     "#inc-db/p1485905220000200": ("pinned", ":eyes:"),
                     "#inc-db/p1485907620000500": (":pushpin:", ":+1:")}  # a skin tone is the same reaction
    assert all(event.marks == () for event in read(channel="general"))


def test_an_unknown_channel_is_one_line_naming_the_ones_there_are():
    with pytest.raises(SourceError, match=r"--channel inc-web: no such channel in the export; it has #inc-db, #g"):
        read(channel="inc-web")


def test_pins_from_channels_json_count_without_pinned_to(tmp_path):
    export = copied(tmp_path)
    day = json.loads((export / "inc-db" / "2017-01-31.json").read_text())
    for message in day:
        message.pop("pinned_to", None)
    write_day(export, "inc-db", "2017-01-31", day)
    assert [(e.evidence, e.marks) for e in read(export, pinned=True)] == [("#inc-db/p1485905220000200",
                                                                          ("pinned", ":eyes:"))]


# Attacks, one per class.

def test_a_zip_member_with_a_parent_or_absolute_name_refuses_the_export(tmp_path):
    for name in ("../x.json", "/etc/x.json", "inc-db/../../x.json"):
        bad = zipped(EXPORT, tmp_path / "bad.zip")
        with zipfile.ZipFile(bad, "a") as export:
            export.writestr(name, "[]")
        with pytest.raises(SourceError, match=r"unsafe name .*refusing it"):
            read(bad)
        bad.unlink()


def test_a_zip_bomb_is_cut_at_the_member_cap_and_the_total(tmp_path, monkeypatch):
    bomb = zipped(EXPORT, tmp_path / "bomb.zip")
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as export:
        export.writestr("inc-db/2017-02-02.json", "[" + " " * 200_000 + "]")
    monkeypatch.setattr(slack_archive, "MEMBER_BYTES", 100_000)
    found = read_timeline(bomb, "slack")
    assert [str(bad) for bad in found.bad] == ["inc-db/2017-02-02.json: whole file: larger than 100,000 bytes: not "
                                               "a day of Slack messages"]
    assert len(found.events) == 7
    monkeypatch.setattr(slack_archive, "TOTAL_BYTES", 5_000)
    with pytest.raises(SourceError, match=r"more than 5,000 bytes to read: .*narrow it with --window or --channel"):
        read(bomb)


def test_a_malformed_day_file_gives_bad_records_with_its_file_and_index(tmp_path):
    export = copied(tmp_path)
    write_day(export, "inc-db", "2017-02-02", [{"ts": "1485993600.000100", "user": "U024BE7LH", "text": "ok"},
                                               "just a string", {"ts": "yesterday", "text": "when?"},
                                               {"ts": "99999999999999.1", "text": "far"},
                                               {"ts": "1485993601.1", "subtype": ["x"], "text": "typed wrong"},
                                               {"ts": "1485993602.1", "user": ["U1"], "text": {"a": 1},
                                                "thread_ts": 5, "reactions": "pushpin", "attachments": "x",
                                                "files": [1], "bot_profile": []},
                                               {"ts": "1485993603.1", "user": "U024BE7LH", "text": "fine",
                                                "thread_ts": "<script>", "reactions": [None, {"name": 3}]}])
    write_day(export, "inc-db", "2017-02-03", "[{\"ts\": ")
    write_day(export, "inc-db", "2017-02-04", {"messages": []})
    found = read_timeline(export, "slack")
    assert [str(bad).split(" (")[0] for bad in found.bad] == [
        "inc-db/2017-02-02.json: item 2: not a message object",
        "inc-db/2017-02-02.json: item 3: no usable ts",
        "inc-db/2017-02-02.json: item 4: no usable ts",
        "inc-db/2017-02-03.json: whole file: not JSON",
        "inc-db/2017-02-04.json: whole file: not a JSON array of messages"]
    assert [event.evidence for event in found.events if event.time.day == 2] == ["#inc-db/p1485993600000100",
                                                                                 "#inc-db/p14859936031"]
    assert read(export, flagged="pushpin", start=datetime(2017, 2, 2, tzinfo=UTC)) == []


def test_reaction_names_that_are_no_emoji_name_are_no_marks(tmp_path):
    export = copied(tmp_path)
    write_day(export, "inc-db", "2017-02-02", [
        {"ts": "1485993600.000100", "user": "U024BE7LH", "text": "lag again",
         "reactions": [{"name": "[bold]x[/bold]"}, {"name": "fire\x1b[2J"}, {"name": "eyes\u202e"}, {"name": 3},
                       {"name": ""}, {}, {"name": "x" * 101}, {"name": "fire"}, {"name": "fire::skin-tone-2"},
                       {"name": "white_check_mark"}]}])
    [event] = read(export, start=datetime(2017, 2, 2, tzinfo=UTC))
    assert event.marks == (":fire:", ":white_check_mark:")
    assert read(export, flagged="3", start=datetime(2017, 2, 2, tzinfo=UTC)) == []


def test_a_day_file_linking_out_of_the_folder_is_not_followed(tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps([{"ts": "1485993600.000100", "user": "U024BE7LH", "text": "private"}]))
    export = copied(tmp_path)
    (export / "inc-db" / "2017-02-02.json").symlink_to(secret)
    found = read_timeline(export, "slack")
    assert [str(bad) for bad in found.bad] == ["inc-db/2017-02-02.json: whole file: not a file inside the export (a "
                                               "link out of it?): left out"]
    assert not any(event.description == "private" for event in found.events)


def test_broken_top_files_are_one_line_and_unusable_channel_names_are_left_out(tmp_path):
    export = copied(tmp_path)
    (export / "users.json").write_text("{oops")
    with pytest.raises(SourceError, match=r"export: users.json: not JSON .*: export the workspace again$"):
        read(export)
    shutil.copy(EXPORT / "users.json", export / "users.json")
    channels = json.loads((export / "channels.json").read_text())
    channels.append({"id": "C666", "name": "../../etc"})
    (export / "channels.json").write_text(json.dumps(channels))
    found = read_timeline(export, "slack")
    assert [str(bad) for bad in found.bad] == ["channels.json: item 3: a channel without a usable name; left out"]
    (export / "channels.json").unlink()
    with pytest.raises(SourceError, match=r"channels.json: missing: not a Slack workspace export"):
        read(export)


def test_control_and_bidi_characters_in_messages_and_names_are_removed(tmp_path):
    export = copied(tmp_path)
    users = json.loads((export / "users.json").read_text())
    users[0]["real_name"] = "Ana\u202e Lima\x1b]0;pwned\x07"
    (export / "users.json").write_text(json.dumps(users))
    write_day(export, "inc-db", "2017-02-02", [
        {"ts": "1485993600.000100", "user": "U024BE7LH", "text": "db-1 \x1b[31mdown\u2066 &lt;b&gt;\x9b2J\nnext line"},
        {"ts": "1485993601.000100", "user": "U0G9QF9C6", "text": "<https://x.example/\u202e|evil\u202elabel> ok"}])
    found = {e.time.second: e for e in read(export, start=datetime(2017, 2, 2, tzinfo=UTC))}
    assert found[0].description == "db-1 down <b> next line"
    assert found[0].author == "Ana Lima"
    assert found[1].description == "evillabel (https://x.example/) ok"
    assert all(c.isprintable() for e in found.values() for c in e.description + e.author + e.evidence)
