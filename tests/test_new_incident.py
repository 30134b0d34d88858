"""The rules of a new meeting's incident, as people type it (``pmtui new`` and the home screen use them)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from pmtui.session import ValidationError, new_incident, severity_name, split_services


@pytest.mark.parametrize(("typed", "kept"), [("1", "SEV1"), (" sev2 ", "SEV2"), ("SEV4", "SEV4"), ("3", "SEV3")])
def test_severity_as_people_type_it(typed, kept):
    assert severity_name(typed) == kept


@pytest.mark.parametrize("typed", ["5", "high", "", "SEV0"])
def test_unknown_severities_are_refused(typed):
    with pytest.raises(ValidationError, match="not one of: SEV1, SEV2, SEV3, SEV4"):
        severity_name(typed)


def test_services_from_a_comma_separated_line_or_a_list():
    assert split_services(" checkout-api, ,payments,") == ["checkout-api", "payments"]
    assert split_services(["a ", " ", "b"]) == ["a", "b"]
    assert split_services("") == []


def test_clock_times_fall_on_the_day_of_the_first_full_time_in_the_incident_zone():
    incident = new_incident("Late outage", severity="2", tz="Asia/Tokyo", services="a, b",
                            times={"impact_start": "2026-03-14T15:30:00Z", "detected": "00:45", "resolved": None})
    tokyo = ZoneInfo("Asia/Tokyo")
    assert (incident.title, incident.severity, incident.tz, incident.services) == ("Late outage", "SEV2", "Asia/Tokyo",
                                                                                  ["a", "b"])
    assert incident.impact_start == datetime(2026, 3, 14, 15, 30, tzinfo=UTC)
    assert incident.detected == datetime(2026, 3, 15, 0, 45, tzinfo=tokyo)
    assert incident.resolved is None


def test_a_blank_zone_is_utc():
    assert new_incident("x", tz="  ").tz == "UTC"


@pytest.mark.parametrize(("fields", "field"), [
    ({"severity": "9"}, "severity"),
    ({"tz": "Mars/Olympus"}, "tz"),
    ({"times": {"detected": "yesterday"}}, "detected"),
    ({"times": {"impact_start": "2026-02-30 10:00"}}, "impact_start"),
])
def test_a_refusal_names_the_value_refused(fields, field):
    with pytest.raises(ValidationError) as refused:
        new_incident("DB outage", **fields)
    assert refused.value.field == field


def test_an_empty_title_is_refused():
    with pytest.raises(ValidationError, match="title is empty") as refused:
        new_incident("   ")
    assert refused.value.field == "title"


def test_a_clock_only_milestone_is_the_first_such_time_after_the_one_before():
    from pmtui.session import new_incident as make

    incident = make("Database outage", times={"impact_start": "2017-01-31 23:27", "detected": "23:40",
                                              "mitigated": "00:36", "resolved": "18:14"})
    assert incident.detected == datetime(2017, 1, 31, 23, 40, tzinfo=UTC)
    assert incident.mitigated == datetime(2017, 2, 1, 0, 36, tzinfo=UTC)
    assert incident.resolved == datetime(2017, 2, 1, 18, 14, tzinfo=UTC)
