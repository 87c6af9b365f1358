"""Times as whole rosters give them: Excel cells told apart by their format, series near DST."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from batchzoom.engine.planning import load
from batchzoom.engine.settings import resolve
from batchzoom.model import recurrence
from batchzoom.model.rows import Validation
from tests.rosters import write_csv

NOW = datetime(2027, 1, 4, tzinfo=UTC)
HOST = "kim@school.example"


def workbook(
    path: Path,
    rows: Sequence[Sequence[object]],
    formats: dict[str, str],
    *,
    epoch_1904: bool = False,
) -> Path:
    book = openpyxl.Workbook()
    if epoch_1904:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    for cell, number_format in formats.items():
        sheet[cell].number_format = number_format
    book.save(path)
    return path


def check(path: Path, **options: Any) -> Validation:
    return load(path, resolve(now=lambda: NOW, **options)).validation


HEADER = ["Topic", "Start", "Time zone", "Duration", "Host", "Repeat", "End times"]


@pytest.mark.parametrize("epoch_1904", [False, True])
def test_a_datetime_cell_at_midnight_is_a_start_at_midnight(
    tmp_path: Path, epoch_1904: bool
) -> None:
    path = workbook(
        tmp_path / "r.xlsx",
        [
            HEADER,
            ["Night", datetime(2027, 7, 15, 0, 0), "Asia/Seoul", 60, HOST, "", ""],
            ["Weekly", datetime(2027, 7, 16, 0, 0), "Asia/Seoul", 60, HOST, "weekly", 3],
            ["Date only", date(2027, 7, 17), "Asia/Seoul", 60, HOST, "", ""],
        ],
        {"B2": "yyyy-mm-dd hh:mm", "B3": "m/d/yy h:mm", "B4": "yyyy-mm-dd"},
        epoch_1904=epoch_1904,
    )
    validation = check(path)
    starts = {s.row: s.start_utc for s in validation.sessions}
    assert starts == {2: "2027-07-14T15:00:00Z", 3: "2027-07-15T15:00:00Z"}
    assert [(p.row, p.code) for p in validation.problems] == [(4, "start-format")]
    weekly = next(s for s in validation.sessions if s.row == 3)
    assert weekly.recurrence is not None and weekly.recurrence["end_times"] == 3


def test_midnight_in_a_gap_is_named_as_a_gap(tmp_path: Path) -> None:
    """Santiago's clocks jump from 00:00 to 01:00 on 2027-09-05: midnight does not exist."""
    path = workbook(
        tmp_path / "r.xlsx",
        [HEADER, ["Night", datetime(2027, 9, 5, 0, 0), "America/Santiago", 60, HOST, "", ""]],
        {"B2": "yyyy-mm-dd hh:mm"},
    )
    assert [p.code for p in check(path).problems] == ["dst-gap"]


def test_an_offset_without_a_zone_is_a_missing_zone(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [["Night", "2027-11-07T01:30-05:00", "", "30", HOST]],
        ["Topic", "Start", "Time zone", "Duration", "Host"],
    )
    assert [p.code for p in check(path).problems] == ["timezone-missing"]


def test_an_end_date_runs_to_the_last_real_second_of_that_local_day() -> None:
    """Santiago's 2027-04-03 ends at 24:00 -04 (clocks went back from 24:00 -03 to 23:00)."""
    assert recurrence.end_instant(date(2027, 4, 3), "America/Santiago") == datetime(
        2027, 4, 4, 3, 59, 59, tzinfo=UTC
    )
    # 2027-09-04 ends when its clocks jump from 24:00 -04 to 01:00 -03 on the 5th.
    assert recurrence.end_instant(date(2027, 9, 4), "America/Santiago") == datetime(
        2027, 9, 5, 3, 59, 59, tzinfo=UTC
    )
    assert recurrence.end_instant(date(2027, 5, 3), "Asia/Seoul") == datetime(
        2027, 5, 3, 14, 59, 59, tzinfo=UTC
    )


def test_a_daily_series_at_2330_in_santiago_keeps_its_occurrence_on_the_end_date(
    tmp_path: Path,
) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [["Late", "2027-04-01 23:30", "America/Santiago", "20", HOST, "daily", "2027-04-03"]],
        ["Topic", "Start", "Time zone", "Duration", "Host", "Repeat", "End date"],
    )
    (session,) = check(path).sessions
    assert session.recurrence is not None
    starts = recurrence.occurrences(session.start, session.timezone, session.recurrence)
    assert [f"{s:%m-%d %H:%M}" for s in starts] == ["04-01 23:30", "04-02 23:30", "04-03 23:30"]


@pytest.mark.parametrize(
    ("start", "zone", "kind", "counted"),
    [
        (
            "2027-03-07 02:30",
            "America/New_York",
            "does not exist",
            "03:30 EDT (2027-03-14T07:30:00Z)",
        ),
        (
            "2027-10-31 01:30",
            "America/New_York",
            "happens twice",
            "01:30 EDT (2027-11-07T05:30:00Z)",
        ),
    ],
)
def test_a_series_with_an_occurrence_in_a_gap_or_fold_is_accepted_with_a_warning(
    tmp_path: Path, start: str, zone: str, kind: str, counted: str
) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [["Weekly", start, zone, "20", HOST, "weekly", "3"]],
        ["Topic", "Start", "Time zone", "Duration", "Host", "Repeat", "End times"],
    )
    validation = check(path)
    assert validation.problems == [] and len(validation.sessions) == 1
    (warning,) = validation.warnings
    assert warning.code == "dst-occurrence" and warning.row == 2
    assert "occurrence 2 of the series" in warning.message and kind in warning.message
    assert counted in warning.message


def test_a_date_with_a_contradicting_weekday_is_refused(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [["Class", "2027-05-03 (화)", "18:00", "Asia/Seoul", "50", HOST]],
        ["Topic", "Date", "Time", "Time zone", "Duration", "Host"],
    )
    assert [p.code for p in check(path).problems] == ["date-weekday"]
