"""Rows become sessions; every rule Zoom sets is checked and every problem reported."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batchzoom.model import cells, columns
from batchzoom.model.problems import CellError, Problem
from batchzoom.model.rows import ValidationOptions
from batchzoom.model.times import DateOrder
from batchzoom.model.validation import validate

NOW = datetime(2027, 1, 1, tzinfo=UTC)
OPTIONS = ValidationOptions(now=NOW)


@dataclass
class Grid:
    """A roster in memory: header texts per field and rows of cells keyed by field."""

    data: list[dict[str, object]]
    columns: dict[str, str] = field(default_factory=dict)
    first_row: int = 2

    def __post_init__(self) -> None:
        if not self.columns:
            names = dict.fromkeys(name for record in self.data for name in record)
            self.columns = {name: name.title() for name in names}

    @property
    def rows(self) -> Sequence[int]:
        return list(range(self.first_row, self.first_row + len(self.data)))

    def values(self, name: str) -> Sequence[object] | None:
        if name not in self.columns:
            return None
        return [record.get(name) for record in self.data]


GOOD: dict[str, object] = {
    "id": "KOR101-01",
    "topic": "Korean 101",
    "date": date(2027, 5, 3),
    "time": time(9, 0),
    "duration": 90,
    "timezone": "Asia/Seoul",
    "host": "kim.minji@school.example",
}


def check(options: ValidationOptions = OPTIONS, **changes: object) -> list[Problem]:
    """The problems of one row: GOOD with ``changes``."""
    return validate(Grid([GOOD | changes]), options).problems


def codes(options: ValidationOptions = OPTIONS, **changes: object) -> list[str]:
    return [problem.code for problem in check(options, **changes)]


# ---- headers


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("Topic", "topic"),
        ("  TITLE ", "topic"),
        ("주제", "topic"),
        ("제목", "topic"),
        ("Start time", "start"),
        ("start_time", "start"),
        ("일시", "start"),
        ("날짜", "date"),
        ("시작 시간", "time"),
        ("Duration (min)", "duration"),
        ("진행 시간(분)", "duration"),
        ("진행시간", "duration"),
        ("Time zone", "timezone"),
        ("TZ", "timezone"),
        ("시간대", "timezone"),
        ("Host email", "host"),
        ("호스트", "host"),
        ("Description", "agenda"),
        ("안건", "agenda"),
        ("Passcode", "password"),
        ("비밀번호", "password"),
        ("Session ID", "id"),
        ("아이디", "id"),
        ("ZOOM_Meeting_ID", "zoom_meeting_id"),
        ("zoom_status", "zoom_status"),
    ],
)
def test_headers_match_fields_ignoring_case_space_and_punctuation(header: str, name: str) -> None:
    assert columns.match_header(header) == name


@pytest.mark.parametrize("header", ["Room", "Notes", "", None, "강의실"])
def test_unknown_headers_match_no_field(header: object) -> None:
    assert columns.match_header(header) is None


def test_the_closest_header_to_a_missing_field_is_found() -> None:
    assert columns.closest_header("topic", ["Room", "Topics", "When"]) == "Topics"
    assert columns.closest_header("duration", ["Room", "Notes"]) is None


# ---- a good row


def test_a_good_row_becomes_a_session_with_zoom_start_strings() -> None:
    result = validate(Grid([GOOD | {"agenda": "Week 1", "password": "abc123"}]), OPTIONS)
    assert result.ok and result.problems == [] and result.invalid_rows == set()
    (session,) = result.sessions
    assert (session.row, session.key, session.topic) == (2, "KOR101-01", "Korean 101")
    assert session.start_utc == "2027-05-03T00:00:00Z"
    assert session.start_local == "2027-05-03T09:00:00"
    assert (session.timezone, session.duration, session.host) == ("Asia/Seoul", 90, GOOD["host"])
    assert (session.agenda, session.password, session.meeting_id) == ("Week 1", "abc123", None)


def test_a_single_start_column_is_enough() -> None:
    data = {k: v for k, v in GOOD.items() if k not in ("date", "time")}
    result = validate(Grid([data | {"start": "2027-05-03T18:24:00"}]), OPTIONS)
    assert result.sessions[0].start_utc == "2027-05-03T09:24:00Z"


def test_a_start_column_holding_only_times_combines_with_a_date_column() -> None:
    data = {k: v for k, v in GOOD.items() if k != "time"}
    result = validate(Grid([data | {"start": "오후 6:30"}]), OPTIONS)
    assert result.sessions[0].start_local == "2027-05-03T18:30:00"


def test_rows_without_a_zone_use_the_default_zone() -> None:
    result = validate(
        Grid([GOOD | {"timezone": None}]), ValidationOptions(timezone="Europe/London", now=NOW)
    )
    assert result.sessions[0].timezone == "Europe/London"
    assert result.sessions[0].start_utc == "2027-05-03T08:00:00Z"


def test_a_row_zone_wins_over_the_default_zone() -> None:
    result = validate(Grid([GOOD]), ValidationOptions(timezone="Europe/London", now=NOW))
    assert result.sessions[0].timezone == "Asia/Seoul"


def test_a_blank_host_uses_the_default_host() -> None:
    assert validate(Grid([GOOD | {"host": None}]), OPTIONS).sessions[0].host == "me"
    options = ValidationOptions(default_host="lee@school.example", now=NOW)
    assert validate(Grid([GOOD | {"host": ""}]), options).sessions[0].host == "lee@school.example"


def test_an_existing_meeting_id_marks_the_row_as_scheduled() -> None:
    result = validate(Grid([GOOD | {"zoom_meeting_id": 85746065432.0}]), OPTIONS)
    assert result.sessions[0].meeting_id == 85746065432
    assert cells.parse_meeting_id("857 4606 5432") == 85746065432


# ---- every rule


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"topic": None}, "topic-missing"),
        ({"topic": "   "}, "topic-missing"),
        ({"topic": "x" * 201}, "topic-length"),
        ({"agenda": "x" * 2001}, "agenda-length"),
        ({"duration": None}, "duration-missing"),
        ({"duration": 0}, "duration-range"),
        ({"duration": 1441}, "duration-range"),
        ({"duration": 90.5}, "duration-format"),
        ({"duration": "ninety"}, "duration-format"),
        ({"duration": True}, "duration-format"),
        ({"password": "abcdefghijk"}, "password-format"),
        ({"password": "pass word"}, "password-format"),
        ({"password": "비밀"}, "password-format"),
        ({"host": "not an email"}, "host-format"),
        ({"host": "kim@"}, "host-format"),
        ({"date": None}, "date-missing"),
        ({"time": None}, "time-missing"),
        ({"date": "03/04/2027"}, "date-ambiguous"),
        ({"date": "someday"}, "date-format"),
        ({"time": "25:00"}, "time-format"),
        ({"timezone": "KST"}, "timezone-unknown"),
        ({"timezone": None}, "timezone-missing"),
        ({"date": date(2026, 12, 31)}, "start-in-past"),
        ({"timezone": "America/New_York", "date": date(2027, 3, 14), "time": "2:30"}, "dst-gap"),
        ({"timezone": "America/New_York", "date": date(2027, 11, 7), "time": "1:30"}, "dst-fold"),
        ({"zoom_meeting_id": "abc"}, "meeting-id-format"),
    ],
)
def test_each_rule_reports_its_code(changes: dict[str, object], expected: str) -> None:
    assert codes(OPTIONS, **changes) == [expected]


def test_a_problem_names_the_row_and_the_column_as_the_user_wrote_it() -> None:
    grid = Grid([GOOD, GOOD | {"id": "x", "topic": "B", "duration": 0}], first_row=5)
    grid.columns["duration"] = "진행 시간(분)"
    (problem,) = validate(grid, OPTIONS).problems
    assert (problem.row, problem.column, problem.code) == (6, "진행 시간(분)", "duration-range")
    assert problem.message.endswith(".") and "1440" in problem.message


def test_every_problem_of_a_row_is_reported_in_column_order() -> None:
    found = codes(topic=None, duration=0, host="??", timezone=None, password="toolong-password")
    assert found == [
        "topic-missing",
        "duration-range",
        "timezone-missing",
        "host-format",
        "password-format",
    ]


def test_problems_of_all_rows_are_collected_in_row_order() -> None:
    grid = Grid(
        [
            GOOD | {"topic": None},
            GOOD | {"id": "b"},
            GOOD | {"id": "c", "topic": "C", "duration": 0},
        ]
    )
    result = validate(grid, OPTIONS)
    assert [(p.row, p.code) for p in result.problems] == [
        (2, "topic-missing"),
        (4, "duration-range"),
    ]
    assert result.invalid_rows == {2, 4} and result.rows == [2, 3, 4]
    assert [s.row for s in result.sessions] == [3]
    assert not result.ok


def test_past_starts_are_allowed_with_allow_past() -> None:
    options = ValidationOptions(allow_past=True, now=NOW)
    assert codes(options, date=date(2020, 1, 1)) == []


def test_a_past_row_already_scheduled_is_not_an_error() -> None:
    assert codes(date=date(2020, 1, 1), zoom_meeting_id=85746065432) == []


def test_a_duplicate_session_is_flagged_on_the_later_row() -> None:
    result = validate(Grid([GOOD, GOOD | {"id": "other"}]), OPTIONS)
    (problem,) = result.problems
    assert (problem.row, problem.code) == (3, "duplicate-session")
    assert "row 2" in problem.message


def test_the_same_instant_written_in_two_zones_is_a_duplicate() -> None:
    other = GOOD | {"id": "b", "timezone": "UTC", "date": date(2027, 5, 3), "time": time(0, 0)}
    assert [p.code for p in validate(Grid([GOOD, other]), OPTIONS).problems] == [
        "duplicate-session"
    ]


def test_a_repeated_id_is_flagged() -> None:
    grid = Grid([GOOD, GOOD | {"topic": "Korean 102"}])
    assert [p.code for p in validate(grid, OPTIONS).problems] == ["id-duplicate"]


def test_an_offset_start_agreeing_with_the_zone_is_accepted_and_disagreeing_is_not() -> None:
    data = {k: v for k, v in GOOD.items() if k not in ("date", "time")}
    ok = validate(Grid([data | {"start": "2027-05-03T18:24+09:00"}]), OPTIONS)
    assert ok.sessions[0].start_utc == "2027-05-03T09:24:00Z"
    bad = validate(Grid([data | {"start": "2027-05-03T18:24+08:00"}]), OPTIONS)
    assert [p.code for p in bad.problems] == ["offset-mismatch"]


def test_a_table_without_required_columns_reports_whole_file_problems() -> None:
    result = validate(Grid([{"id": "a", "room": "A1"}]), OPTIONS)
    assert {(p.row, p.column, p.code) for p in result.problems} == {
        (None, "topic", "column-missing"),
        (None, "start", "column-missing"),
        (None, "duration", "column-missing"),
    }


# ---- cells


@pytest.mark.parametrize(
    ("value", "minutes"),
    [
        (90, 90),
        (90.0, 90),
        ("90", 90),
        ("90.0", 90),
        ("1:30", 90),
        ("1h30m", 90),
        ("1h 30m", 90),
        ("1.5h", 90),
        ("90 min", 90),
        ("90 minutes", 90),
        ("90분", 90),
        ("1시간 30분", 90),
        ("2시간", 120),
        ("1 hour 30 minutes", 90),
        (time(1, 30), 90),
        (timedelta(hours=1, minutes=30), 90),
    ],
)
def test_durations_in_every_form_are_read(value: object, minutes: int) -> None:
    assert cells.parse_duration(value) == minutes


@pytest.mark.parametrize("value", ["", "h", "abc", "1:30:15", "1.25", float("nan"), False, [1]])
def test_things_that_are_not_a_duration_are_rejected(value: object) -> None:
    with pytest.raises(CellError):
        cells.parse_duration(value)


@pytest.mark.parametrize("host", ["me", "kim.minji@school.example", "30R7kT7bTIKSNUFEuH_Qlg"])
def test_plausible_hosts_are_accepted(host: str) -> None:
    assert cells.check_host(host) == host


def test_cell_text_trims_and_drops_the_point_zero_of_whole_numbers() -> None:
    assert cells.cell_text("  a ") == "a"
    assert cells.cell_text(123456.0) == "123456"
    assert cells.cell_text("") is None and cells.cell_text(float("nan")) is None


# ---- properties

any_cell = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(),
    st.booleans(),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.timedeltas(),
)
FIELDS = ["id", "topic", "start", "date", "time", "duration", "timezone", "host", "agenda"]
FIELDS += ["password", "zoom_meeting_id"]


@settings(max_examples=150, deadline=None)
@given(
    data=st.lists(st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, any_cell)), max_size=5)
)
def test_validation_never_crashes_on_arbitrary_cells(data: list[dict[str, object]]) -> None:
    grid = Grid(data, columns={name: name for name in FIELDS})
    result = validate(grid, ValidationOptions(timezone="Asia/Seoul", now=NOW))
    assert len(result.sessions) + len(result.invalid_rows) == len(data)
    assert all(problem.message.endswith(".") for problem in result.problems)


# ---- every rule but the duplicate rules judges a row on its own

VARIANTS: dict[str, list[object]] = {
    "id": [None, "K-1", "K-2", " K-1 ", 7, 7.0],
    "topic": [None, "Korean 101", "Math", "  ", "x" * 201, 1, True],
    "start": [None, "2027-05-03 09:00", "2027-05-03T09:00+09:00", "2027-03-14 02:30", "09:00"],
    "date": [None, date(2027, 5, 3), "2027-05-03", "2027-11-07", "03/05/2027", 46510, 46510.0],
    "time": [None, time(9, 0), "09:00", "01:30", "9 PM", 0.375, True],
    "duration": [None, 90, 90.0, True, 1, "1h30m", 0, 1441, "", float("nan")],
    "timezone": [None, "Asia/Seoul", "america/new_york", "Mars/Base", " "],
    "host": [None, "kim@school.example", "me", "not a host", "lee@school.example"],
    "agenda": [None, "notes", "y" * 2001],
    "password": [None, "pass*1", "toolongpasscode", "bad pass"],
    "zoom_meeting_id": [None, 85746065432, "857 4606 5432", "abc", 0],
}


@settings(max_examples=250, deadline=None)
@given(
    data=st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                name: st.sampled_from(values) | st.just(GOOD.get(name))
                for name, values in VARIANTS.items()
            },
        ),
        max_size=8,
    ),
    fields=st.sets(st.sampled_from(list(VARIANTS))),
    timezone=st.sampled_from([None, "Asia/Seoul"]),
    allow_past=st.booleans(),
    date_order=st.sampled_from([None, "DMY"]),
)
def test_a_row_has_the_same_problems_and_session_in_a_roster_as_alone(
    data: list[dict[str, object]],
    fields: set[str],
    timezone: str | None,
    allow_past: bool,
    date_order: DateOrder | None,
) -> None:
    grid = Grid(data, columns={name: name.upper() for name in VARIANTS if name in fields})
    options = ValidationOptions(
        timezone=timezone, allow_past=allow_past, date_order=date_order, now=NOW
    )
    together = validate(grid, options)
    across_rows = {"id-duplicate", "duplicate-session"}
    for index, row in enumerate(grid.rows):
        alone = validate(Grid([data[index]], grid.columns, first_row=row), options)
        if together.problems and together.problems[0].row is None:  # a whole-file problem
            assert alone.problems == together.problems
            continue
        assert alone.problems == [
            problem
            for problem in together.problems
            if problem.row == row and problem.code not in across_rows
        ]
        session = next((s for s in together.sessions if s.row == row), None)
        if session is not None:
            assert alone.sessions == [session]


def test_cells_that_compare_equal_but_differ_in_type_are_read_apart() -> None:
    grid = Grid([GOOD | {"duration": 1}, GOOD | {"duration": True, "id": "K-2", "topic": "Math"}])
    result = validate(grid, OPTIONS)
    assert [session.duration for session in result.sessions] == [1]
    assert [problem.code for problem in result.problems] == ["duration-format"]


def test_unhashable_cells_in_text_columns_are_read_as_text() -> None:
    grid = Grid([GOOD | {"topic": ["Korean", "101"]}])
    assert [session.topic for session in validate(grid, OPTIONS).sessions] == ["['Korean', '101']"]


def test_a_large_roster_of_repeated_cells_gives_one_session_per_row() -> None:
    data = [
        GOOD
        | {
            "id": f"K-{number}",
            "topic": f"Korean {number % 7}",
            "date": date(2027, 1, 4) + timedelta(days=number // 7),
        }
        for number in range(3000)
    ]
    data[1500] = data[1500] | {"duration": "soon"}
    data[2999] = data[2999] | {"id": "K-0"}
    result = validate(Grid(data), OPTIONS)
    assert len(result.sessions) == 2998
    assert [(problem.row, problem.code) for problem in result.problems] == [
        (1502, "duration-format"),
        (3001, "id-duplicate"),
    ]
