"""Reading dates, times and zones from cells, and turning wall times into exact instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batchzoom.model import times
from batchzoom.model.problems import CellError
from batchzoom.model.times import to_date, to_time

QUICK = settings(max_examples=150, deadline=None)


def code_of(call: object) -> str:
    assert callable(call)
    with pytest.raises(CellError) as caught:
        call()
    return caught.value.code


# ---- dates


@pytest.mark.parametrize(
    "value",
    [
        date(2027, 5, 3),
        datetime(2027, 5, 3),
        46510,
        46510.0,
        "2027-05-03",
        "2027/5/3",
        "2027. 5. 3.",
        "2027년 5월 3일",
        "2027-05-03 (월)",
        "3-May-2027",
        "May 3, 2027",
        "Mon, 3 May 2027",
        " 2027-05-03 ",
    ],
)
def test_dates_in_every_unambiguous_form_are_read(value: object) -> None:
    assert times.to_date(value) == date(2027, 5, 3)


def test_an_ambiguous_text_date_is_rejected_and_names_both_readings() -> None:
    with pytest.raises(CellError) as caught:
        times.to_date("03/04/2027")
    assert caught.value.code == "date-ambiguous"
    assert "3 April 2027" in caught.value.message and "4 March 2027" in caught.value.message
    assert "--date-order" in caught.value.message


@pytest.mark.parametrize(
    ("order", "expected"), [("DMY", date(2027, 4, 3)), ("MDY", date(2027, 3, 4))]
)
def test_date_order_settles_an_ambiguous_date(order: times.DateOrder, expected: date) -> None:
    assert times.to_date("03/04/2027", date_order=order) == expected


def test_a_slash_date_with_only_one_possible_reading_is_accepted() -> None:
    assert times.to_date("25/04/2027") == date(2027, 4, 25)
    assert times.to_date("04/04/2027") == date(2027, 4, 4)


@pytest.mark.parametrize(
    "value", ["2027-02-30", "31/02/2027", "tomorrow", "", True, datetime(2027, 5, 3, 9, 0), 0.5]
)
def test_things_that_are_not_a_date_are_rejected(value: object) -> None:
    assert code_of(lambda: times.to_date(value)) == "date-format"


# ---- times of day


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (time(18, 24), time(18, 24)),
        ("18:24", time(18, 24)),
        ("18:24:30", time(18, 24, 30)),
        ("6:30 PM", time(18, 30)),
        ("6:30pm", time(18, 30)),
        ("6:30 p.m.", time(18, 30)),
        ("6 PM", time(18, 0)),
        ("12:05 AM", time(0, 5)),
        ("12:05 PM", time(12, 5)),
        ("0:30 AM", time(0, 30)),
        ("0:30 PM", time(12, 30)),
        ("오전 0:30", time(0, 30)),
        ("오후 0:30", time(12, 30)),
        ("0", time(0)),
        (0, time(0)),
        ("오후 6:30", time(18, 30)),
        ("오전 9:00", time(9, 0)),
        ("오후 6시 30분", time(18, 30)),
        ("18시 30분", time(18, 30)),
        (0.75, time(18, 0)),
        (0.5 + 30 / 1440, time(12, 30)),
        (timedelta(hours=9, minutes=15), time(9, 15)),
        (datetime(1899, 12, 30, 7, 45), time(7, 45)),
    ],
)
def test_times_of_day_in_every_form_are_read(value: object, expected: time) -> None:
    assert times.to_time(value) == expected


@pytest.mark.parametrize(
    "value", ["25:00", "13:00 PM", "13:30 AM", "noon", 1.5, -0.1, "18.30", False]
)
def test_things_that_are_not_a_time_of_day_are_rejected(value: object) -> None:
    assert code_of(lambda: times.to_time(value)) == "time-format"


# ---- full starts


@pytest.mark.parametrize(
    ("value", "wall", "offset"),
    [
        ("2027-05-03 18:24", datetime(2027, 5, 3, 18, 24), None),
        ("2027-05-03T18:24:00", datetime(2027, 5, 3, 18, 24), None),
        ("2027-05-03T18:24+09:00", datetime(2027, 5, 3, 18, 24), timedelta(hours=9)),
        ("2027-05-03T18:24:00-0400", datetime(2027, 5, 3, 18, 24), timedelta(hours=-4)),
        ("2027-05-03T09:24Z", datetime(2027, 5, 3, 9, 24), timedelta(0)),
        ("2027-05-03 오후 6:30", datetime(2027, 5, 3, 18, 30), None),
        ("2027년 5월 3일 오후 6시 30분", datetime(2027, 5, 3, 18, 30), None),
        ("May 3, 2027 6:30 PM", datetime(2027, 5, 3, 18, 30), None),
        (datetime(2027, 5, 3, 18, 24), datetime(2027, 5, 3, 18, 24), None),
        (46510.75, datetime(2027, 5, 3, 18, 0), None),
        ("46510.75", datetime(2027, 5, 3, 18, 0), None),
        ("46510", datetime(2027, 5, 3, 0, 0), None),
    ],
)
def test_starts_in_every_form_are_read(
    value: object, wall: datetime, offset: timedelta | None
) -> None:
    assert times.to_start(value) == (wall, offset)


def test_an_excel_serial_start_is_rounded_to_the_second() -> None:
    serial = 46510 + (18 * 60 + 24) / 1440  # not exact in binary floating point
    assert times.to_start(serial) == (datetime(2027, 5, 3, 18, 24), None)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2027-05-03", "start-format"),
        (date(2027, 5, 3), "start-format"),
        ("next monday", "start-format"),
        ("03/04/2027 18:00", "date-ambiguous"),
        (-1.0, "start-format"),
        (float("inf"), "start-format"),
    ],
)
def test_starts_without_an_exact_date_and_time_are_rejected(value: object, code: str) -> None:
    assert code_of(lambda: times.to_start(value)) == code


# ---- zones and instants


def test_zone_names_are_iana_names_with_letter_case_forgiven() -> None:
    assert times.zone("Asia/Seoul").key == "Asia/Seoul"
    assert times.zone("asia/seoul").key == "Asia/Seoul"
    assert times.zone("UTC").key == "UTC"


@pytest.mark.parametrize("name", ["KST", "Mars/Olympus", "", "../etc/passwd", "/etc/localtime"])
def test_unknown_zone_names_are_rejected(name: str) -> None:
    assert code_of(lambda: times.zone(name)) == "timezone-unknown"


def test_a_wall_time_becomes_zoom_utc_and_local_strings() -> None:
    start, name = times.resolve(datetime(2027, 5, 3, 18, 24), None, "Asia/Seoul")
    assert name == "Asia/Seoul"
    assert times.utc_text(start) == "2027-05-03T09:24:00Z"
    assert times.local_text(start) == "2027-05-03T18:24:00"


def test_a_spring_forward_gap_is_an_error_naming_both_instants() -> None:
    with pytest.raises(CellError) as caught:
        times.resolve(datetime(2027, 3, 14, 2, 30), None, "America/New_York")
    assert caught.value.code == "dst-gap"
    assert "2027-03-14 01:30 EST (06:30 UTC)" in caught.value.message
    assert "2027-03-14 03:30 EDT (07:30 UTC)" in caught.value.message


def test_a_fall_back_fold_is_an_error_naming_both_instants() -> None:
    with pytest.raises(CellError) as caught:
        times.resolve(datetime(2027, 10, 31, 1, 30), None, "Europe/London")
    assert caught.value.code == "dst-fold"
    assert "2027-10-31 01:30 BST (00:30 UTC)" in caught.value.message
    assert "2027-10-31 01:30 GMT (01:30 UTC)" in caught.value.message


def test_an_explicit_offset_settles_a_fold() -> None:
    start, _ = times.resolve(datetime(2027, 11, 7, 1, 30), timedelta(hours=-5), "America/New_York")
    assert times.utc_text(start) == "2027-11-07T06:30:00Z"


def test_an_offset_that_disagrees_with_the_zone_is_an_error() -> None:
    with pytest.raises(CellError) as caught:
        times.resolve(datetime(2027, 5, 3, 18, 24), timedelta(hours=8), "Asia/Seoul")
    assert caught.value.code == "offset-mismatch"


def test_an_offset_without_a_zone_still_needs_a_zone() -> None:
    """Zoom shows a meeting in its zone: an offset alone does not say which one."""
    with pytest.raises(CellError) as caught:
        times.resolve(datetime(2027, 5, 3, 18, 24), timedelta(hours=9), None)
    assert caught.value.code == "timezone-missing"


@pytest.mark.parametrize(
    "text", ["2027-05-03 (화)", "Tue, May 3, 2027", "2027년 5월 3일 (일)", "2027-05-03(Tuesday)"]
)
def test_a_weekday_that_contradicts_the_date_is_an_error(text: str) -> None:
    with pytest.raises(CellError) as caught:
        times.to_date(text)
    assert caught.value.code == "date-weekday"
    assert "is a Monday" in caught.value.message
    assert code_of(lambda: times.to_start(text + " 18:00")) == "date-weekday"


@pytest.mark.parametrize("text", ["2027-05-03 (월)", "Mon, May 3, 2027", "2027-05-03 (Room 3)"])
def test_a_matching_weekday_or_other_note_in_brackets_is_fine(text: str) -> None:
    assert times.to_date(text) == date(2027, 5, 3)


def test_no_zone_and_no_offset_is_an_error_saying_how_to_fix_it() -> None:
    with pytest.raises(CellError) as caught:
        times.resolve(datetime(2027, 5, 3, 18, 24), None, None)
    assert caught.value.code == "timezone-missing"
    assert "--timezone" in caught.value.message


# ---- properties

ZONES = ["Asia/Seoul", "America/New_York", "Europe/London", "Australia/Sydney"]
cell_values = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.from_regex(r"\d{1,4}[-/. ]\d{1,2}[-/. ]\d{1,4}( \d{1,2}:\d{2}( [AP]M)?)?", fullmatch=True),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.timedeltas(),
)


@QUICK
@given(value=cell_values)
def test_reading_any_cell_either_succeeds_or_raises_a_time_value_error(value: object) -> None:
    for read in (times.to_date, times.to_time, times.to_start):
        try:
            read(value)
        except CellError as error:
            assert error.code and error.message.endswith(".")


@QUICK
@given(
    wall=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
        lambda moment: moment.replace(microsecond=0)
    ),
    name=st.sampled_from(ZONES),
)
def test_an_existing_local_time_round_trips_exactly_through_utc(wall: datetime, name: str) -> None:
    try:
        start, _ = times.resolve(wall, None, name)
    except CellError as error:
        assert error.code in {"dst-gap", "dst-fold"}
        return
    back = datetime.strptime(times.utc_text(start), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert back.astimezone(ZoneInfo(name)).replace(tzinfo=None) == wall
    assert times.local_text(start) == wall.strftime("%Y-%m-%dT%H:%M:%S")


@pytest.mark.parametrize("name", [*ZONES, "Australia/Lord_Howe", "UTC"])
def test_every_dst_gap_and_fold_of_a_year_is_caught(name: str) -> None:
    """Walk 2027 in 15-minute steps; compare against the zone's own UTC mapping."""
    where = ZoneInfo(name)
    expected_gaps: set[datetime] = set()
    expected_folds: set[datetime] = set()
    caught_gaps: set[datetime] = set()
    caught_folds: set[datetime] = set()
    instant = datetime(2027, 1, 1, tzinfo=UTC)
    walls_seen: dict[datetime, int] = {}
    while instant.year == 2027:
        wall = instant.astimezone(where).replace(tzinfo=None)
        walls_seen[wall] = walls_seen.get(wall, 0) + 1
        instant += timedelta(minutes=15)
    wall = datetime(2027, 1, 2)
    while wall < datetime(2027, 12, 31):
        count = walls_seen.get(wall, 0)
        if count == 0:
            expected_gaps.add(wall)
        elif count == 2:
            expected_folds.add(wall)
        try:
            times.localize(wall, where)
        except CellError as error:
            (caught_gaps if error.code == "dst-gap" else caught_folds).add(wall)
        wall += timedelta(minutes=15)
    assert caught_gaps == expected_gaps
    assert caught_folds == expected_folds
    if name not in {"UTC", "Asia/Seoul"}:
        assert expected_gaps and expected_folds


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2027-05-14 00:00:00", date(2027, 5, 14)), ("2027-05-14T00:00", date(2027, 5, 14)),
     ("46510", date(2027, 5, 3)), ("46510.0", date(2027, 5, 3))],
)  # fmt: skip
def test_exported_midnights_and_excel_numbers_kept_as_text_are_dates(
    text: str, expected: date
) -> None:
    assert to_date(text) == expected


def test_a_day_fraction_kept_as_text_is_a_time() -> None:
    assert to_time("0.75") == time(18, 0)
    assert to_time(".5") == time(12, 0)


def test_a_date_text_with_a_real_time_is_still_refused() -> None:
    with pytest.raises(CellError):
        to_date("2027-05-14 10:00")
