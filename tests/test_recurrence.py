"""Recurring sessions: recurrence cells become Zoom's object; occurrences match the sandbox's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from batchzoom.core.secret import Secret
from batchzoom.model import recurrence
from batchzoom.model.problems import CellError, CellsError
from batchzoom.model.recurrence import RecurrenceCells, field_of, parse_cells, rule_for
from batchzoom.model.rows import Session
from batchzoom.sandbox import Sandbox
from batchzoom.zoom import ZoomSettings
from batchzoom.zoom.meetings import create_body
from batchzoom.zoomspec import request_schema, to_json_schema
from tests.conftest import quick_client

NEW_YORK = "America/New_York"
ZONES = (NEW_YORK, "Europe/London", "Australia/Sydney", "Asia/Seoul", "America/Santiago")


def cells(**given: object) -> list[object]:
    """Cells in ``recurrence.FIELDS`` order, None where not given."""
    return [given.get(name) for name in recurrence.FIELDS]


def errors_of(**given: object) -> list[tuple[str, str]]:
    """(field, code) of every problem ``parse_cells`` finds in the cells."""
    with pytest.raises(CellsError) as caught:
        parse_cells(cells(**given))
    return [(field_of(error), error.code) for error in caught.value.errors]


def error_of(**given: object) -> CellError:
    """The one problem ``parse_cells`` finds in the cells."""
    with pytest.raises(CellsError) as caught:
        parse_cells(cells(**given))
    [error] = caught.value.errors
    return error


def local(text: str, zone: str = NEW_YORK) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def test_a_row_without_repeat_does_not_recur() -> None:
    assert parse_cells(cells()) is None
    assert parse_cells(cells(repeat="none")) is None
    assert parse_cells(cells(repeat="없음")) is None


@pytest.mark.parametrize(
    ("repeat", "kind"),
    [("daily", 1), ("Weekly", 2), ("monthly", 3), ("매일", 1), ("매주", 2), ("매월", 3)],
)
def test_repeat_words_in_english_and_korean(repeat: str, kind: int) -> None:
    parsed = parse_cells(cells(repeat=repeat, end_times=3))
    assert parsed is not None and parsed.kind == kind


@pytest.mark.parametrize(
    "days",
    ["Mon,Wed", "mon, wed", "월,수", "월수", "월요일, 수요일", "2,4", "4,2", 24.0, "Monday/Wed"],
)
def test_weekly_days_as_names_korean_or_zoom_digits(days: object) -> None:
    """Digits are Zoom's numbering (1 Sunday ... 7 Saturday); the rule carries Zoom's string."""
    parsed = parse_cells(cells(repeat="weekly", weekly_days=days, end_times=4))
    assert parsed is not None
    assert rule_for(parsed, local("2027-03-01 18:00"), NEW_YORK)["weekly_days"] == "2,4"


def test_weekly_without_days_repeats_on_the_start_weekday() -> None:
    parsed = parse_cells(cells(repeat="weekly", end_times=2))
    assert parsed is not None
    rule = rule_for(parsed, local("2027-03-03 18:00"), NEW_YORK)  # a Wednesday
    assert rule == {"type": 2, "repeat_interval": 1, "weekly_days": "4", "end_times": 2}


def test_monthly_by_week_and_day_and_by_day_of_month() -> None:
    by_week = parse_cells(
        cells(repeat="monthly", monthly_week="last", monthly_week_day="금", end_times=3)
    )
    assert by_week is not None
    start = local("2027-01-29 09:00")
    assert rule_for(by_week, start, NEW_YORK) == {
        "type": 3,
        "repeat_interval": 1,
        "monthly_week": -1,
        "monthly_week_day": 6,
        "end_times": 3,
    }
    by_day = parse_cells(cells(repeat="monthly", end_times=3))
    assert by_day is not None
    assert rule_for(by_day, start, NEW_YORK)["monthly_day"] == 29


@pytest.mark.parametrize(
    ("given", "field", "code"),
    [
        ({"repeat": "fortnightly", "end_times": 2}, "repeat", "repeat-unknown"),
        ({"weekly_days": "Mon"}, "repeat", "repeat-missing"),
        ({"repeat": "daily", "repeat_interval": 100, "end_times": 2}, "repeat_interval", None),
        ({"repeat": "weekly", "repeat_interval": 51, "end_times": 2}, "repeat_interval", None),
        ({"repeat": "monthly", "repeat_interval": 11, "end_times": 2}, "repeat_interval", None),
        ({"repeat": "weekly", "end_times": 61}, "end_times", "end_times-range"),
        ({"repeat": "weekly", "end_times": 0}, "end_times", "end_times-range"),
        ({"repeat": "weekly"}, "end_times", "end-missing"),
        ({"repeat": "weekly", "end_times": 3, "end_date": "2027-05-01"}, "end_date", None),
        ({"repeat": "weekly", "weekly_days": "Mon,Funday", "end_times": 2}, "weekly_days", None),
        ({"repeat": "weekly", "weekly_days": "8", "end_times": 2}, "weekly_days", None),
        ({"repeat": "daily", "weekly_days": "Mon", "end_times": 2}, "weekly_days", None),
        ({"repeat": "weekly", "monthly_day": 3, "end_times": 2}, "monthly_day", None),
        ({"repeat": "monthly", "monthly_day": 32, "end_times": 2}, "monthly_day", None),
        ({"repeat": "monthly", "monthly_week": 2, "end_times": 2}, "monthly_week_day", None),
        ({"repeat": "monthly", "monthly_week": 5, "monthly_week_day": 2, "end_times": 2},
         "monthly_week", None),
        ({"repeat": "monthly", "monthly_day": 3, "monthly_week": 1, "monthly_week_day": 2,
          "end_times": 2}, "monthly_day", "monthly_day-conflict"),
        ({"repeat": "weekly", "end_date": "not a date"}, "end_date", "end_date-format"),
    ],
)  # fmt: skip
def test_cells_zoom_refuses_name_their_column(
    given: dict[str, object], field: str, code: str | None
) -> None:
    """Each rule from Zoom's recurrence descriptions is a problem in the column it concerns."""
    error = error_of(**given)
    assert error.field == field
    if code is not None:
        assert error.code == code
    assert error.message.endswith((".", "?"))


def test_every_independent_cell_problem_is_listed_in_column_order() -> None:
    """A bad day and an out-of-range count are both reported, so one fix round is enough."""
    assert errors_of(repeat="weekly", weekly_days="Xyz", end_times=70) == [
        ("weekly_days", "weekly_days-format"),
        ("end_times", "end_times-range"),
    ]
    assert errors_of(
        repeat="monthly",
        repeat_interval="x",
        monthly_week=5,
        monthly_week_day="Funday",
        end_times=0,
    ) == [
        ("repeat_interval", "repeat_interval-format"),
        ("monthly_week", "monthly_week-format"),
        ("monthly_week_day", "monthly_week_day-format"),
        ("end_times", "end_times-range"),
    ]
    assert errors_of(repeat="daily", weekly_days="Mon", monthly_day=3, monthly_week=1) == [
        ("weekly_days", "weekly_days-unused"),
        ("monthly_day", "monthly_day-unused"),
        ("monthly_week", "monthly_week-unused"),
        ("end_times", "end-missing"),
    ]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # Without a known kind, nothing that depends on it is judged (range, unused, end).
        ({"repeat": "fortnightly", "repeat_interval": 100, "monthly_day": 3},
         [("repeat", "repeat-unknown")]),
        ({"repeat": "fortnightly", "weekly_days": "Funday", "end_times": 99},
         [("repeat", "repeat-unknown"), ("weekly_days", "weekly_days-format"),
          ("end_times", "end_times-range")]),
        ({"weekly_days": "Funday", "end_times": "many"},
         [("repeat", "repeat-missing"), ("weekly_days", "weekly_days-format"),
          ("end_times", "end_times-format")]),
        # A cell refused for one reason is not refused again for another.
        ({"repeat": "weekly", "repeat_interval": "two", "end_times": 2},
         [("repeat_interval", "repeat_interval-format")]),
        ({"repeat": "daily", "weekly_days": "Funday", "end_times": 2},
         [("weekly_days", "weekly_days-unused")]),
        ({"repeat": "weekly", "end_times": 3, "end_date": "not a date"},
         [("end_date", "end-conflict")]),
        ({"repeat": "weekly", "end_times": 61, "end_date": "2027-05-01"},
         [("end_times", "end_times-range"), ("end_date", "end-conflict")]),
        ({"repeat": "weekly", "end_times": "x"}, [("end_times", "end_times-format")]),
        # Both ways of naming the monthly day: the conflict, not a missing partner too.
        ({"repeat": "monthly", "monthly_day": 40, "monthly_week": 2, "end_times": 2},
         [("monthly_day", "monthly_day-conflict")]),
    ],
)  # fmt: skip
def test_problems_that_follow_from_another_are_not_listed(
    given: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    assert errors_of(**given) == expected


def test_repeat_interval_bounds_are_per_kind() -> None:
    for repeat, top in (("daily", 99), ("weekly", 50), ("monthly", 10)):
        parsed = parse_cells(cells(repeat=repeat, repeat_interval=top, end_times=1))
        assert parsed is not None and parsed.interval == top


def test_end_date_includes_that_whole_local_day() -> None:
    parsed = parse_cells(cells(repeat="daily", end_date=date(2027, 3, 5)))
    assert parsed is not None
    rule = rule_for(parsed, local("2027-03-01 23:30", "Asia/Seoul"), "Asia/Seoul")
    assert rule["end_date_time"] == "2027-03-05T14:59:59Z"
    starts = recurrence.occurrences(local("2027-03-01 23:30", "Asia/Seoul"), "Asia/Seoul", rule)
    assert [s.day for s in starts] == [1, 2, 3, 4, 5]


def test_end_date_with_more_than_60_occurrences_or_before_the_start_is_refused() -> None:
    daily = parse_cells(cells(repeat="daily", end_date="2027-12-31"))
    assert daily is not None
    with pytest.raises(CellError) as too_many:
        rule_for(daily, local("2027-03-01 09:00"), NEW_YORK)
    assert too_many.value.code == "end_date-too-many"
    with pytest.raises(CellError) as before:
        rule_for(daily, local("2028-01-02 09:00"), NEW_YORK)
    assert before.value.code == "end_date-before-start"


def test_weekly_class_stays_at_local_time_across_dst() -> None:
    """A Monday 18:00 New York class is 23:00Z before 14 March 2027 and 22:00Z after."""
    rule = {"type": 2, "repeat_interval": 1, "weekly_days": "2", "end_times": 3}
    starts = recurrence.occurrences(local("2027-03-08 18:00"), NEW_YORK, rule)
    assert [s.strftime("%Y-%m-%d %H:%M") for s in starts] == [
        "2027-03-08 18:00",
        "2027-03-15 18:00",
        "2027-03-22 18:00",
    ]
    assert [s.astimezone(UTC).hour for s in starts] == [23, 22, 22]


def test_monthly_day_31_skips_shorter_months() -> None:
    rule = {"type": 3, "repeat_interval": 1, "monthly_day": 31, "end_times": 3}
    starts = recurrence.occurrences(local("2027-01-31 09:00"), NEW_YORK, rule)
    assert [s.date() for s in starts] == [date(2027, 1, 31), date(2027, 3, 31), date(2027, 5, 31)]


def test_weekly_every_other_week_counts_weeks_from_sunday() -> None:
    rule = {"type": 2, "repeat_interval": 2, "weekly_days": "1,7", "end_times": 4}
    starts = recurrence.occurrences(local("2027-03-03 09:00"), NEW_YORK, rule)  # Wednesday
    assert [s.date() for s in starts] == [
        date(2027, 3, 6),
        date(2027, 3, 14),
        date(2027, 3, 20),
        date(2027, 3, 28),
    ]


# -- batchzoom's occurrences against the sandbox's --------------------------------------------


@st.composite
def recurrence_cells(draw: st.DrawFn) -> RecurrenceCells:
    kind = draw(st.sampled_from((1, 2, 3)))
    interval = draw(st.integers(1, recurrence.MAX_INTERVAL[kind]))
    days: tuple[int, ...] = ()
    monthly_day = week = week_day = None
    if kind == 2:
        days = tuple(sorted(draw(st.sets(st.integers(1, 7), min_size=1, max_size=7))))
    if kind == 3:
        if draw(st.booleans()):
            monthly_day = draw(st.integers(1, 31))
        else:
            week = draw(st.sampled_from((-1, 1, 2, 3, 4)))
            week_day = draw(st.integers(1, 7))
    end_times = end_date = None
    if draw(st.booleans()):
        end_times = draw(st.integers(1, 60))
    else:
        end_date = date(2027, 1, 1) + timedelta(days=draw(st.integers(0, 900)))
    return RecurrenceCells(kind, interval, days, monthly_day, week, week_day, end_times, end_date)


def _session(start: datetime, zone: str, rule: dict[str, Any]) -> Session:
    return Session(
        row=2,
        key=None,
        topic="Series",
        start=start,
        timezone=zone,
        duration=50,
        host="alice@school.example",
        recurrence=rule,
    )


CREATE_SCHEMA = to_json_schema(request_schema("meetingCreate"))
# weekly_days: the schema's enum lists single digits, but its description says "provide
# comma separated values" for several days; the prose wins.
CREATE_SCHEMA["properties"]["recurrence"]["properties"]["weekly_days"].pop("enum")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(
    parsed=recurrence_cells(),
    zone=st.sampled_from(ZONES),
    day=st.dates(date(2027, 1, 1), date(2028, 12, 31)),
    minutes=st.integers(0, 24 * 4 - 1).map(lambda quarter: quarter * 15),
)
def test_occurrences_match_the_sandbox(
    sandbox: Sandbox, parsed: RecurrenceCells, zone: str, day: date, minutes: int
) -> None:
    """For any valid recurrence, local occurrences equal the sandbox's, DST changes included."""
    where = ZoneInfo(zone)
    wall = datetime(day.year, day.month, day.day) + timedelta(minutes=minutes)
    start = wall.replace(tzinfo=where).astimezone(UTC).astimezone(where)  # a real wall time
    try:
        rule = rule_for(parsed, start, zone)
    except CellError:
        assume(False)
        raise
    expected = recurrence.occurrences(start, zone, rule)
    assume(expected)
    body = create_body(_session(start, zone, rule))
    jsonschema.validate(body, CREATE_SCHEMA)
    zoom = ZoomSettings(
        sandbox.account_id,
        sandbox.client_id,
        Secret(sandbox.client_secret),
        sandbox.token_url,
        sandbox.api_url,
    )
    with quick_client(zoom) as client:
        meeting = client.create_meeting("carol@school.example", body)
        client.delete_meeting(int(meeting["id"]))
    assert meeting["type"] == 8
    assert [o["start_time"] for o in meeting["occurrences"]] == [
        s.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for s in expected
    ]
    assert all(s.tzinfo is not None and s.utcoffset() == s.astimezone(where).utcoffset()
               for s in expected)  # fmt: skip
