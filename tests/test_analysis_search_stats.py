"""Search and patterns across past post-mortems, on the fixed library of library_factory."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from library_factory import fixed_meeting, write_fixed_library
from pmtui.analysis.search import SEARCH_DIGEST, Passage, excerpt, pack_passages, passages, search, unpack_passages
from pmtui.analysis.stats import STATS_PARTS, incident_day, incident_stats
from pmtui.library import Library, load_library
from pmtui.model import ActionItem, Observation, RootCause, TimelineEvent, WhyChain


@pytest.fixture(scope="module")
def fixed_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fixed")
    write_fixed_library(folder)
    (folder / "broken.json").write_text("[1, 2")
    return folder


@pytest.fixture(scope="module")
def searchable(fixed_dir) -> Library:
    return load_library(fixed_dir, (), {SEARCH_DIGEST: pack_passages})


@pytest.fixture(scope="module")
def stats_library(fixed_dir) -> Library:
    return load_library(fixed_dir, STATS_PARTS)


def found(hits) -> dict[str, list[tuple[str, str]]]:
    return {h.meeting.id: [(m.where, m.excerpt) for m in h.matches] for h in hits}


# --- search ------------------------------------------------------------------------


def test_every_word_must_match_somewhere_in_the_meeting(searchable):
    assert found(search(searchable, "pool exhausted replica")) == {
        "m07": [("timeline 14:37", "Connection pool exhausted on replica db-7"),
                ("why", "The pool size default was copied from test config")],
    }
    assert found(search(searchable, "replica reindex")) == {
        "m07": [("title", "Search latency spike during reindex #7"),
                ("timeline 14:37", "Connection pool exhausted on replica db-7")],
    }


def test_search_is_case_insensitive_and_newest_first(searchable):
    hits = search(searchable, "ROLLBACK Runbook")
    assert found(hits) == {"m07": [("observation", "Rollback runbook was out of date")]}
    assert [h.meeting.id for h in search(searchable, "pool")] == ["m24", "m18", "m12", "m07", "m06", "m00"]


def test_search_finds_nothing_or_is_given_nothing(searchable):
    assert search(searchable, "kubernetes pool") == []
    assert search(searchable, "   ") == []


def test_search_without_the_digest_reads_the_meetings(fixed_dir, searchable):
    whole = load_library(fixed_dir)
    assert found(search(whole, "pool exhausted")) == found(search(searchable, "pool exhausted"))
    assert search(whole, "timeline") == []  # the labels are not searched


def test_passages_say_where_the_text_is():
    meeting = fixed_meeting(3)
    meeting.incident.tz = "Europe/Berlin"
    meeting.events = [TimelineEvent(datetime(2026, 1, 16, 13, 37, tzinfo=UTC), "DNS record expired",
                                    "bob", "https://status")]
    meeting.observations = [Observation("lucky", "  ")]
    meeting.chains = [WhyChain("Payments failed", root_cause=RootCause("No expiry alert", "monitoring gap"))]
    meeting.actions = [ActionItem("Alert on record expiry", success_criteria="alert 14 days ahead")]
    meeting.notes = {"review": "Publish on Friday"}
    meeting.sections = {"narrative": "The registrar's renewal mail went to a\nlist nobody read.", "lessons": " ",
                        "appendix-b": "Registrar ticket 4411"}
    assert [(p.where, p.text) for p in passages(meeting)] == [
        ("title", "Payments outage caused by expired DNS record #3"),
        ("summary", "Requests to payments failed for 33 minutes."),
        ("services", "payments"),
        ("timeline 14:37", "DNS record expired · bob · https://status"),
        ("problem", "Payments failed"),
        ("root cause", "No expiry alert"),
        ("factor", "factor of meeting 3"),
        ("action item", "Alert on record expiry"),
        ("action item", "alert 14 days ahead"),
        ("notes", "Publish on Friday"),
        ("what happened", "The registrar's renewal mail went to a\nlist nobody read."),
        ("appendix-b", "Registrar ticket 4411"),
    ]


def test_packed_passages_round_trip_even_with_separator_characters():
    meeting = fixed_meeting(1)
    meeting.incident.summary = "odd\x1dtext\x1ehere"
    unpacked = unpack_passages(pack_passages(meeting))
    assert unpacked[1] == Passage("summary", "odd text here")
    assert [p.where for p in unpacked] == [p.where for p in passages(meeting)]
    assert unpack_passages("") == []


def test_excerpt_centres_on_the_match():
    text = "word " * 30 + "NEEDLE in the middle " + "tail " * 30
    cut = excerpt(text, "needle", width=40)
    assert cut.startswith("…") and cut.endswith("…") and "NEEDLE" in cut
    assert len(cut) <= 42
    assert excerpt("short\n text", "x") == "short text"
    assert excerpt("a" * 100, "zz", width=20) == "a" * 20 + "…"


# --- stats --------------------------------------------------------------------------


def test_stats_of_all_time_by_hand(stats_library):
    stats = incident_stats(stats_library)
    assert stats.incidents == 30
    assert stats.by_severity == {"SEV1": 8, "SEV2": 8, "SEV3": 7, "SEV4": 7}
    assert stats.by_root_cause == {
        "code defect": 6, "configuration error": 6, "capacity": 6, "dependency failure": 6,
        "process gap": 5, "operational error": 0, "design flaw": 0, "monitoring gap": 6,
    }  # meeting 3's second dependency-failure chain counts once; meeting 1's open chain not at all
    assert stats.factors == {"people": 13, "process": 8, "technology": 7, "environment": 7}
    # detect: 1..5 min for the 27 meetings with times (5 only 3 times) -> mean 75/27 min, median 3 min
    assert (stats.time_to_detect.count, stats.time_to_detect.median) == (27, 180.0)
    assert stats.time_to_detect.mean == pytest.approx(75 / 27 * 60)
    # resolve: 30 + k min -> mean = median = 44 min
    assert (stats.time_to_resolve.count, stats.time_to_resolve.mean, stats.time_to_resolve.median) == (27, 2640, 2640)
    assert [r.category for r in stats.recurring] == [
        "code defect", "configuration error", "capacity", "dependency failure", "monitoring gap", "process gap"]


def test_stats_since_a_date_by_hand(stats_library):
    stats = incident_stats(stats_library, date(2026, 4, 1))  # meetings 18..29
    assert stats.incidents == 12
    assert stats.by_severity == {"SEV1": 3, "SEV2": 3, "SEV3": 3, "SEV4": 3}
    assert stats.by_root_cause["dependency failure"] == 3 and stats.by_root_cause["code defect"] == 2
    assert stats.factors == {"people": 5, "process": 3, "technology": 3, "environment": 3}
    assert (stats.time_to_detect.count, stats.time_to_detect.mean, stats.time_to_detect.median) == (10, 174, 180)
    assert (stats.time_to_resolve.mean, stats.time_to_resolve.median) == (3204, 3210)
    assert [(r.category, [m.id for m in r.meetings]) for r in stats.recurring] == [
        ("dependency failure", ["m28", "m23", "m18"]),
        ("monitoring gap", ["m29", "m24", "m19"]),
    ]


def test_stats_of_an_empty_window(stats_library):
    stats = incident_stats(stats_library, date(2030, 1, 1))
    assert stats.incidents == 0 and stats.recurring == []
    assert set(stats.by_severity.values()) == {0}
    assert (stats.time_to_detect.count, stats.time_to_detect.mean, stats.time_to_detect.median) == (0, None, None)


def test_incident_day_is_in_the_incident_zone_and_falls_back_to_the_meeting():
    meeting = fixed_meeting(9)  # no milestone times: its first event's day, the day before the meeting
    assert incident_day(meeting) == date(2026, 2, 15)
    meeting.events = []
    assert incident_day(meeting) == date(2026, 2, 16)
    meeting.incident.impact_start = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    meeting.incident.tz = "Asia/Tokyo"
    assert incident_day(meeting) == date(2026, 4, 1)
    meeting.incident.tz = "Mars/Olympus"
    assert incident_day(meeting) == date(2026, 3, 31)
