"""The paging tools' files: PagerDuty log entries and incidents CSV, Opsgenie alert logs, Alertmanager webhooks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pmtui.sources import ImportRequest, SourceError, alertmanager, opsgenie, pagerduty, read_timeline, timeline_events
from pmtui.sources.documents import MAX_BYTES

DATA = Path(__file__).parent / "data"
LOG_ENTRIES = DATA / "pagerduty" / "log_entries.json"
INCIDENTS_CSV = DATA / "pagerduty" / "incidents.csv"
ALERT_LOGS = DATA / "opsgenie" / "alert_logs.json"
WEBHOOKS = DATA / "alertmanager" / "webhooks.jsonl"
WEBHOOK = DATA / "alertmanager" / "webhook.json"
TRIGGERED = datetime(2026, 3, 14, 23, 38, 45, tzinfo=UTC)
MODULES = {"pagerduty": pagerduty, "opsgenie": opsgenie, "alertmanager": alertmanager}


def read(path: Path, kind: str, **request) -> object:
    return read_timeline(path, kind, ImportRequest(**request))


def write(tmp_path: Path, name: str, value: object) -> Path:
    path = tmp_path / name
    path.write_text(value if isinstance(value, str) else json.dumps(value), encoding="utf-8")
    return path


# --- PagerDuty

def test_pagerduty_log_entries_become_events_with_who_and_a_link_and_notifications_are_skipped():
    found = read(LOG_ENTRIES, "pagerduty")
    assert found.kind == "pagerduty" and not found.bad
    assert [e.kind for e in found.events] == ["resolve", "annotate", "escalate", "acknowledge", "trigger"]
    by_kind = {e.kind: e for e in found.events}
    assert by_kind["trigger"].description == "Triggered through the API: orders-db replication lag above 300s"
    assert by_kind["trigger"].actor == "orders-db" and by_kind["trigger"].time == TRIGGERED
    assert by_kind["annotate"].description.startswith("Note: Failing over to orders-db-2")
    assert by_kind["acknowledge"].actor == "Ben Okafor"
    assert by_kind["resolve"].evidence.startswith("https://acme.pagerduty.com/incidents/PT4KHLK/log_entries/")
    assert {e.source for e in found.events} == {"pagerduty"}
    assert found.skipped == 1  # the SMS notification


def test_pagerduty_states_the_first_trigger_acknowledgement_and_resolution_as_milestones(tmp_path):
    found = read(LOG_ENTRIES, "pagerduty")
    assert found.milestones == {"detected": TRIGGERED, "acknowledged": datetime(2026, 3, 14, 23, 42, 10, tzinfo=UTC),
                                "resolved": datetime(2026, 3, 15, 1, 12, 9, tzinfo=UTC)}
    entries = json.loads(LOG_ENTRIES.read_text())["log_entries"]
    again = dict(entries[3], created_at="2026-03-15T00:30:00Z", summary="Acknowledged by Ana Lima")
    later = write(tmp_path, "log.json", {"log_entries": [again, *entries]})  # newest first, as the API lists them
    assert read(later, "pagerduty").milestones["acknowledged"] == datetime(2026, 3, 14, 23, 42, 10, tzinfo=UTC)


def test_the_pagerduty_incidents_csv_gives_each_incidents_trigger_acknowledgement_and_resolution():
    found = read(INCIDENTS_CSV, "pagerduty")
    assert not found.bad
    assert [(e.kind, e.description, e.actor) for e in found.events] == [
        ("trigger", "Incident #1234 triggered: orders-db replication lag above 300s", "orders-db"),
        ("acknowledge", "Incident #1234 acknowledged", "Ben Okafor"),
        ("resolve", "Incident #1234 resolved", "Ana Lima"),
        ("trigger", "Incident #1235 triggered: checkout 5xx rate above 2%, region us-east-1", "checkout-api"),
        ("resolve", "Incident #1235 resolved automatically", ""),
    ]
    assert found.events[1].time - found.events[0].time == timedelta(seconds=205)
    assert found.events[0].evidence == "PagerDuty incident #1234 (PT4KHLK)"
    assert found.milestones["detected"] == TRIGGERED
    assert found.milestones["resolved"] == datetime(2026, 3, 15, 0, 20, 40, tzinfo=UTC)  # #1235 resolved first


def test_times_in_any_offset_become_the_incidents_zone():
    found = read(INCIDENTS_CSV, "pagerduty", tz="Europe/Berlin")
    first = timeline_events(found.events, "Europe/Berlin")[0]
    assert first.time == TRIGGERED and first.time.utcoffset() == timedelta(hours=1)
    assert (first.time.hour, first.time.day, first.source) == (0, 15, "pagerduty")


def test_a_time_without_an_offset_is_read_in_the_incidents_zone(tmp_path):
    rows = INCIDENTS_CSV.read_text().splitlines()
    naive = write(tmp_path, "naive.csv", "\n".join([rows[0], rows[1].replace("-05:00", "")]) + "\n")
    found = read(naive, "pagerduty", tz="America/Bogota")
    assert found.events[0].time == TRIGGERED  # 18:38:45 in Bogotá (UTC-5, no summer time)


# --- Opsgenie

def test_opsgenie_alert_log_entries_become_events_and_the_next_page_is_not_followed():
    found = read(ALERT_LOGS, "opsgenie")
    assert found.kind == "opsgenie" and not found.bad and len(found.events) == 5
    first = found.events[0]
    assert first.description == "Alert created via API: [Prometheus] orders-db replication lag above 300s"
    assert (first.actor, first.kind, first.source) == ("System", "system", "opsgenie")
    assert first.time == TRIGGERED + timedelta(milliseconds=102)
    assert first.evidence == "Opsgenie alert log 1773531525102_1773531525102000000"
    assert found.events[1].kind == "alertRecipient" and found.milestones == {}


# --- Alertmanager

def test_alertmanager_json_lines_give_each_alert_firing_once_and_resolved_once():
    found = read(WEBHOOKS, "alertmanager")
    assert found.kind == "alertmanager" and not found.bad
    assert [(e.kind, e.description) for e in found.events] == [
        ("firing", "OrdersDBReplicationLag firing on orders-db-1:9187: orders-db-1 replication lag above 300s"),
        ("firing", "CheckoutHighErrorRate firing on checkout-api: checkout 5xx rate above 2%"),
        ("resolved", "OrdersDBReplicationLag resolved on orders-db-1:9187"),
    ]
    assert found.skipped == 3  # the repeated notification's two alerts, the resolved payload's firing start
    lag = found.events[0]
    assert lag.time == datetime(2026, 3, 14, 23, 37, 15, 123456, tzinfo=UTC)  # nanoseconds, cut to microseconds
    assert lag.evidence.startswith("http://prometheus.example.com:9090/graph?g0.expr=pg_replication_lag_seconds")
    assert (lag.author, lag.source) == ("Alertmanager", "alertmanager")
    assert found.events[2].time == datetime(2026, 3, 15, 1, 10, 45, tzinfo=UTC)


def test_one_alertmanager_payload_as_a_document():
    found = read(WEBHOOK, "alertmanager")
    assert [e.kind for e in found.events] == ["firing", "resolved"] and not found.bad


def test_an_alert_without_a_fingerprint_is_the_same_alert_by_its_labels(tmp_path):
    alert = {"status": "firing", "labels": {"alertname": "DiskFull", "instance": "db-2"},
             "startsAt": "2026-03-14T23:00:00Z", "endsAt": "0001-01-01T00:00:00Z"}
    other = dict(alert, labels={"alertname": "DiskFull", "instance": "db-3"})
    path = write(tmp_path, "hooks.jsonl", "\n".join(json.dumps({"alerts": alerts})
                                                    for alerts in ([alert], [dict(alert), other])))
    found = read(path, "alertmanager")
    assert [e.description for e in found.events] == ["DiskFull firing on db-2", "DiskFull firing on db-3"]


# --- all three

@pytest.mark.parametrize(("path", "kind", "inside", "outside"), [
    (LOG_ENTRIES, "pagerduty", 4, 2),  # the resolution and the notification (skipped in any window)
    (INCIDENTS_CSV, "pagerduty", 3, 2),
    (ALERT_LOGS, "opsgenie", 4, 1),
    (WEBHOOKS, "alertmanager", 1, 5),  # the replication lag fired before the window and resolved after it
], ids=["log_entries", "incidents_csv", "alert_logs", "webhooks"])
def test_events_outside_the_window_are_skipped_not_bad(path, kind, inside, outside):
    found = read(path, kind, start=TRIGGERED, end=datetime(2026, 3, 15, 0, 10, tzinfo=UTC))
    assert len(found.events) == inside and found.skipped == outside and not found.bad
    assert all(TRIGGERED <= e.time <= datetime(2026, 3, 15, 0, 10, tzinfo=UTC) for e in found.events)


def test_each_sample_is_detected_by_its_own_source_only():
    for path, kind in [(LOG_ENTRIES, "pagerduty"), (INCIDENTS_CSV, "pagerduty"), (ALERT_LOGS, "opsgenie"),
                       (WEBHOOKS, "alertmanager"), (WEBHOOK, "alertmanager")]:
        assert [name for name, module in MODULES.items() if module.detect(path)] == [kind], path


def test_detection_says_no_to_other_files_without_raising(tmp_path):
    others = [write(tmp_path, "events.csv", "time,description,actor,evidence\n14:38,db down,ana,\n"),
              write(tmp_path, "logs.jsonl", '{"@timestamp": "2026-03-14T23:38:45Z", "message": "alerts: 3"}\n'),
              write(tmp_path, "meeting.json", {"events": [], "alerts": "none"}),
              tmp_path / "missing.json", tmp_path]
    (tmp_path / "binary.bin").write_bytes(b"\x00\xff\xfe" * 100)
    for path in [*others, tmp_path / "binary.bin"]:
        assert not any(module.detect(path) for module in MODULES.values()), path


@pytest.mark.parametrize(("path", "kind"), [(LOG_ENTRIES, "pagerduty"), (INCIDENTS_CSV, "pagerduty"),
                                            (ALERT_LOGS, "opsgenie"), (WEBHOOKS, "alertmanager")])
def test_progress_is_told_up_to_the_total(path, kind):
    told: list[tuple[int, int]] = []
    read_timeline(path, kind, ImportRequest(), lambda done, total: told.append((done, total)))
    assert told and told[-1][0] == told[-1][1] > 0


# --- bad records, named by index or line

def test_bad_pagerduty_log_entries_are_named_by_index(tmp_path):
    entries = json.loads(LOG_ENTRIES.read_text())["log_entries"]
    path = write(tmp_path, "log.json", {"log_entries": [entries[0], dict(entries[1], created_at=None), "x",
                                                        dict(entries[2], created_at="yesterday")]})
    found = read(path, "pagerduty")
    assert [str(bad) for bad in found.bad] == [
        f"{path}: log_entries[1]: created_at has no time",
        f"{path}: log_entries[2]: is not a log entry (an object)",
        f"{path}: log_entries[3]: created_at time 'yesterday' is not ISO 8601 (2026-03-14T23:38:45Z)",
    ]
    assert [e.kind for e in found.events] == ["resolve"]


def test_bad_pagerduty_csv_rows_are_named_by_line(tmp_path):
    header, first, second = INCIDENTS_CSV.read_text().splitlines()
    path = write(tmp_path, "incidents.csv", "\n".join([
        header, first.replace("2026-03-14T18:38:45-05:00", "14/03/2026"), second.replace(",,1109,", ",soon,1109,"),
        first]) + "\n")
    found = read(path, "pagerduty")
    assert [(bad.record, bad.what) for bad in found.bad] == [
        ("line 2", "created_on time '14/03/2026' is not ISO 8601 (2026-03-14T23:38:45Z)"),
        ("line 3", "seconds_to_first_ack 'soon' is not a number"),
    ]
    assert len(found.events) == 3


def test_bad_opsgenie_entries_are_named_by_index(tmp_path):
    path = write(tmp_path, "logs.json", {"data": [{"log": "", "createdAt": "2026-03-14T23:38:45Z"},
                                                  {"log": "Alert closed", "createdAt": 1773531525102}, 7]})
    assert [(bad.record, bad.what) for bad in read(path, "opsgenie").bad] == [
        ("data[0]", "has no log text"), ("data[1]", "createdAt has no time"),
        ("data[2]", "is not a log entry (an object)")]


def test_bad_alertmanager_lines_and_alerts_are_named(tmp_path):
    good, *_ = WEBHOOKS.read_text().splitlines()
    alert = json.loads(good)["alerts"][0]
    path = write(tmp_path, "hooks.jsonl", "\n".join([
        good, '{"alerts": [', json.dumps({"alerts": [dict(alert, status="pending"), dict(alert, startsAt="")]}),
        json.dumps({"alerts": {"x": 1}}), json.dumps({"alerts": [dict(alert, status="resolved")]})]))
    assert [(bad.record, bad.what) for bad in read(path, "alertmanager").bad] == [
        ("line 2", "is not JSON (Expecting value)"),
        ("line 3 alerts[0]", "status 'pending' is neither firing nor resolved"),
        ("line 3 alerts[1]", "startsAt has no time"),
        ("line 4", 'is not a webhook payload (no "alerts" list)'),
        ("line 5 alerts[0]", "is resolved but endsAt is 0001-01-01 (not ended)"),
    ]


# --- attacks

SUMMARY = "<script>alert(1)</script> [bold red]boom[/] 100%s \x1b]0;pwned\x07\x1b[2J\x9b31m\u202edone"
"""HTML, Rich markup, a format string, an OSC title, a screen wipe, a C1 CSI and a bidi override."""


def _with_summary(tmp_path: Path, kind: str) -> Path:
    if kind == "pagerduty":
        return write(tmp_path, "log.json", {"log_entries": [
            {"type": "trigger_log_entry", "created_at": "2026-03-14T23:38:45Z", "summary": SUMMARY,
             "agent": {"summary": SUMMARY}}]})
    if kind == "opsgenie":
        return write(tmp_path, "logs.json", {"data": [
            {"log": SUMMARY, "type": "system", "owner": SUMMARY, "createdAt": "2026-03-14T23:38:45Z"}]})
    return write(tmp_path, "hook.json", {"alerts": [
        {"status": "firing", "labels": {"alertname": SUMMARY}, "annotations": {"summary": SUMMARY},
         "startsAt": "2026-03-14T23:38:45Z", "endsAt": "0001-01-01T00:00:00Z"}]})


@pytest.mark.parametrize("kind", MODULES)
def test_markup_html_and_escape_codes_in_summaries_stay_text_and_never_reach_the_terminal(tmp_path, kind):
    found = read(_with_summary(tmp_path, kind), kind)
    (event,) = timeline_events(found.events, "UTC")
    safe = "<script>alert(1)</script> [bold red]boom[/] 100%s done"
    assert safe in event.description
    for text in (event.description, event.actor):
        assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text
        assert "pwned" not in text and "2J" not in text and "31m" not in text


@pytest.mark.parametrize(("kind", "start"), [
    ("pagerduty", '{"log_entries": [{"type": "trigger_log_entry"'),
    ("opsgenie", '{"data": [{"log": "x", "createdAt": "2026-03-14T23:38:45Z"}'),
    ("alertmanager", '{"alerts": [{"status": "firing", "startsAt": "2026-03-14T23:38:45Z"}'),
])
def test_a_huge_file_is_refused_in_one_line_before_it_is_read(tmp_path, kind, start):
    path = tmp_path / "huge.json"
    with open(path, "w") as handle:
        handle.write(start)
        handle.truncate(MAX_BYTES + 1)  # sparse: nothing is written, and reading it all would take seconds
    assert MODULES[kind].detect(path)
    with pytest.raises(SourceError, match=r"too big to import \(64 MB; at most 64 MB\)") as refused:
        read(path, kind)
    assert "\n" not in str(refused.value) and str(path) in str(refused.value)


@pytest.mark.parametrize("kind", MODULES)
@pytest.mark.parametrize(("content", "what"), [
    ("[1, 2]", "not"),
    ('{"log_entries": {}, "data": "x", "alerts": null}', "has no"),
    ("{" + '"a": [' * 100_000, "not JSON"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"alerts": [}', "not JSON"),
    ("", "not"),
], ids=["a list", "lists that are not", "unclosed and deep", "nested deep", "broken", "empty"])
def test_wrong_shapes_are_one_line_naming_the_file(tmp_path, kind, content, what):
    path = write(tmp_path, "wrong.json", content)
    with pytest.raises(SourceError) as refused:
        read(path, kind)
    message = str(refused.value)
    assert what in message and "\n" not in message and message.startswith(str(path))


def test_a_csv_without_pagerdutys_columns_or_a_file_that_is_not_text_is_one_line(tmp_path):
    with pytest.raises(SourceError, match=r"line 1: has no created_on, incident_number column"):
        read(write(tmp_path, "events.csv", "time,description\n14:38,db down\n"), "pagerduty")
    (tmp_path / "blob.json").write_bytes(b'{"data": [\xff\xfe]}')
    with pytest.raises(SourceError, match=r"byte 10: not UTF-8 text"):
        read(tmp_path / "blob.json", "opsgenie")
    with pytest.raises(SourceError, match=r"is a folder, not a file"):
        read(tmp_path, "alertmanager")


def test_a_time_field_a_megabyte_long_is_a_bad_record_quoted_short(tmp_path):
    path = write(tmp_path, "logs.json", {"data": [{"log": "x", "createdAt": "2026-03-14T" + "9" * 1_000_000}]})
    (bad,) = read(path, "opsgenie").bad
    assert bad.record == "data[0]" and bad.what.startswith("createdAt time '2026-03-14T999") and len(bad.what) < 120
