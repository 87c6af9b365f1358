"""Validation: Zoom's request schema and the rules its descriptions state in prose."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batchzoom.sandbox import Sandbox
from batchzoom.sandbox.recurrence import occurrences

START = "2031-03-10T09:00:00"
WEEKLY = {"type": 2, "weekly_days": "2", "end_times": 3}

# (body, field named in the message)
INVALID_BODIES: list[tuple[dict[str, Any], str]] = [
    ({"topic": "x" * 201}, "topic"),
    ({"agenda": "x" * 2001}, "agenda"),
    ({"type": 5}, "type"),
    ({"duration": 0}, "duration"),
    ({"duration": 1441}, "duration"),
    ({"duration": True}, "duration"),
    ({"duration": "thirty"}, "duration"),
    ({"settings": {"use_pmi": "maybe"}}, "settings.use_pmi"),
    ({"password": "12345678901"}, "password"),
    ({"password": "pass word"}, "password"),
    ({"password": "abc!"}, "password"),
    ({"start_time": "2031-03-10 09:00:00"}, "start_time"),
    ({"start_time": "2031-03-10T09:00:00+09:00"}, "start_time"),
    ({"start_time": "2031-02-30T09:00:00Z"}, "start_time"),
    ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ({"type": 8, "start_time": START}, "recurrence"),
    ({"type": 2, "recurrence": WEEKLY}, "recurrence"),
    ({"type": 8, "recurrence": {"end_times": 2}}, "recurrence.type"),
    ({"type": 8, "recurrence": {"type": 1, "repeat_interval": 100}}, "recurrence.repeat_interval"),
    ({"type": 8, "recurrence": {**WEEKLY, "repeat_interval": 51}}, "recurrence.repeat_interval"),
    ({"type": 8, "recurrence": {"type": 3, "repeat_interval": 11}}, "recurrence.repeat_interval"),
    ({"type": 8, "recurrence": {"type": 1, "repeat_interval": 0}}, "recurrence.repeat_interval"),
    (
        {
            "type": 8,
            "recurrence": {"type": 1, "end_times": 2, "end_date_time": "2031-04-01T00:00:00Z"},
        },
        "recurrence.end_times",
    ),
    ({"type": 8, "recurrence": {"type": 1, "end_times": 61}}, "recurrence.end_times"),
    ({"type": 8, "recurrence": {"type": 2, "end_times": 2}}, "recurrence.weekly_days"),
    ({"type": 8, "recurrence": {**WEEKLY, "weekly_days": "8"}}, "recurrence.weekly_days"),
    ({"type": 8, "recurrence": {**WEEKLY, "weekly_days": "1,,3"}}, "recurrence.weekly_days"),
    ({"type": 8, "recurrence": {"type": 3, "monthly_day": 32}}, "recurrence.monthly_day"),
    ({"type": 8, "recurrence": {"type": 3, "monthly_week": 1}}, "recurrence.monthly_week"),
    (
        {"type": 8, "recurrence": {"type": 1, "end_date_time": "2031-04-01T00:00:00"}},
        "recurrence.end_date_time",
    ),
    (
        {"type": 8, "recurrence": {"type": 1, "end_date_time": "2031-12-31T00:00:00Z"}},
        "recurrence.end_date_time",
    ),
    ({"settings": {"jbh_time": 7}}, "settings.jbh_time"),
    ({"settings": {"audio": "carrier-pigeon"}}, "settings.audio"),
    (
        {"settings": {"alternative_hosts": "stranger@elsewhere.example"}},
        "settings.alternative_hosts",
    ),
    ({"settings": {"waiting_room_options": {}}}, "settings.waiting_room_options.mode"),
    ({"tracking_fields": [{"value": "no field"}]}, "tracking_fields[0].field"),
    ({"settings": "on"}, "settings"),
]


@pytest.mark.parametrize(("body", "field"), INVALID_BODIES)
def test_invalid_create_is_400_code_300_naming_the_field(
    api: httpx.Client, sandbox: Sandbox, body: dict[str, Any], field: str
) -> None:
    """Each broken rule gives 400, code 300, a message naming the field, and stores nothing."""
    payload = {"topic": "T", "start_time": START, "timezone": "Asia/Seoul", **body}
    response = api.post("users/me/meetings", json=payload)
    assert response.status_code == 400, response.text
    # Zoom's terse shape (kyleboe/zoom_rb fixtures): the field, and nothing about why.
    assert response.json() == {
        "code": 300,
        "message": "Validation Failed.",
        "errors": [{"field": field, "message": "Invalid field."}],
    }
    assert sandbox.meetings() == []


@pytest.mark.parametrize(("body", "field"), INVALID_BODIES[:16])
def test_invalid_update_is_refused_and_leaves_the_meeting_as_it_was(
    api: httpx.Client, sandbox: Sandbox, body: dict[str, Any], field: str
) -> None:
    """PATCH applies the same validation; a refused update changes nothing."""
    created = api.post("users/me/meetings", json={"topic": "T", "start_time": START}).json()
    response = api.patch(f"meetings/{created['id']}", json=body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
    assert sandbox.meetings() == [created]


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b'"text"', b""])
def test_body_that_is_not_a_json_object_is_refused(api: httpx.Client, raw: bytes) -> None:
    """Zoom: 'Request Body should be a valid JSON object.' (code 300)."""
    response = api.post(
        "users/me/meetings", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": 300,
        "message": "Request Body should be a valid JSON object.",
    }


def test_unknown_fields_are_ignored_like_zoom_does(api: httpx.Client) -> None:
    """Fields the schema does not describe are ignored (clients such as zoomus send user_id)."""
    response = api.post("users/me/meetings", json={"topic": "T", "user_id": "me", "extra": 1})
    assert response.status_code == 201
    assert "extra" not in response.json()


def test_schedule_for_unknown_user_is_zooms_300(api: httpx.Client) -> None:
    """schedule_for naming no user: Zoom's documented 300 message."""
    response = api.post("users/me/meetings", json={"schedule_for": "ghost@school.example"})
    assert response.status_code == 400
    assert response.json()["code"] == 300
    assert "`schedule_for`" in response.json()["message"]


def test_schedule_for_makes_that_user_the_host(api: httpx.Client) -> None:
    """schedule_for a user of the account: that user hosts."""
    meeting = api.post("users/me/meetings", json={"schedule_for": "carol@school.example"}).json()
    assert meeting["host_email"] == "carol@school.example"


def test_instant_meeting_with_schedule_for_is_3000(api: httpx.Client) -> None:
    """Zoom: instant meetings do not support schedule_for (code 3000)."""
    response = api.post("users/me/meetings", json={"type": 1, "schedule_for": "bob@school.example"})
    assert response.status_code == 400 and response.json()["code"] == 3000


def test_pre_schedule_only_for_types_2_and_3(api: httpx.Client) -> None:
    """pre_schedule on a type 8 meeting: Zoom's code 3000."""
    body = {"type": 8, "pre_schedule": True, "start_time": START, "recurrence": WEEKLY}
    response = api.post("users/me/meetings", json=body)
    assert response.status_code == 400 and response.json()["code"] == 3000


def test_alternative_hosts_of_the_account_are_accepted(api: httpx.Client, sandbox: Sandbox) -> None:
    """Alternative hosts given by email or id, semicolon-separated, when they are account users."""
    carol = sandbox.users()[2]
    hosts = f"bob@school.example;{carol.id}"
    meeting = api.post("users/me/meetings", json={"settings": {"alternative_hosts": hosts}}).json()
    assert meeting["settings"]["alternative_hosts"] == hosts


def test_waiting_room_disables_join_before_host(api: httpx.Client) -> None:
    """'If this value is true, this disables the join_before_host setting.'"""
    body = {"settings": {"waiting_room": True, "join_before_host": True}}
    meeting = api.post("users/me/meetings", json=body).json()
    assert meeting["settings"]["join_before_host"] is False


def test_weekly_series_keeps_local_time_across_daylight_saving(api: httpx.Client) -> None:
    """A 09:00 New York weekly series is 14:00Z before and 13:00Z after the March change."""
    body = {
        "type": 8,
        "start_time": "2031-03-03T09:00:00",
        "timezone": "America/New_York",
        "recurrence": {"type": 2, "weekly_days": "2,4", "end_times": 4},
    }
    meeting = api.post("users/me/meetings", json=body).json()
    starts = [o["start_time"] for o in meeting["occurrences"]]
    # 2031-03-03 is a Monday; DST starts Sunday 2031-03-09.
    assert starts == [
        "2031-03-03T14:00:00Z",
        "2031-03-05T14:00:00Z",
        "2031-03-10T13:00:00Z",
        "2031-03-12T13:00:00Z",
    ]
    assert meeting["start_time"] == starts[0]
    assert all(o["status"] == "available" and o["duration"] == 60 for o in meeting["occurrences"])


def test_monthly_on_the_last_friday(api: httpx.Client) -> None:
    """monthly_week -1 with monthly_week_day 6 is the last Friday of each month."""
    body = {
        "type": 8,
        "start_time": "2031-01-01T10:00:00Z",
        "recurrence": {"type": 3, "monthly_week": -1, "monthly_week_day": 6, "end_times": 3},
    }
    meeting = api.post("users/me/meetings", json=body).json()
    assert [o["start_time"][:10] for o in meeting["occurrences"]] == [
        "2031-01-31",
        "2031-02-28",
        "2031-03-28",
    ]


def test_deleting_one_occurrence_marks_it_deleted(api: httpx.Client) -> None:
    """DELETE with occurrence_id keeps the series and marks that occurrence deleted."""
    body = {
        "type": 8,
        "start_time": "2031-01-01T10:00:00Z",
        "recurrence": {"type": 1, "end_times": 3},
    }
    meeting = api.post("users/me/meetings", json=body).json()
    second = meeting["occurrences"][1]["occurrence_id"]
    assert (
        api.delete(f"meetings/{meeting['id']}", params={"occurrence_id": second}).status_code == 204
    )
    statuses = [o["status"] for o in api.get(f"meetings/{meeting['id']}").json()["occurrences"]]
    assert statuses == ["available", "deleted", "available"]
    bad = api.delete(f"meetings/{meeting['id']}", params={"occurrence_id": "1"})
    assert bad.status_code == 400 and bad.json()["message"] == "Invalid parameter: `occurrence_id`."


@settings(max_examples=40, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2030, 1, 1), max_value=datetime(2035, 1, 1)),
    zone=st.sampled_from(["America/New_York", "Europe/London", "Asia/Seoul", "Australia/Sydney"]),
    kind=st.sampled_from([1, 2, 3]),
    interval=st.integers(1, 10),
    count=st.integers(1, 60),
)
def test_occurrences_keep_the_local_time_of_day(
    start: datetime, zone: str, kind: int, interval: int, count: int
) -> None:
    """Every occurrence starts at the same local wall time (outside DST gaps), in order."""
    tz = ZoneInfo(zone)
    local = start.replace(second=0, microsecond=0, tzinfo=tz)
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        return  # a time that does not exist on that day
    rule: dict[str, Any] = {"type": kind, "repeat_interval": interval, "end_times": count}
    if kind == 2:
        rule["weekly_days"] = "1,4,7"
    if kind == 3:
        rule["monthly_day"] = 28
    found = occurrences(local.astimezone(UTC), zone, rule)
    assert len(found) == count
    assert found == sorted(set(found))
    gaps = [w for w in found if w.astimezone(tz).time() != local.time()]
    assert len(gaps) <= count // 10 + 2  # only wall times skipped by a DST change move
