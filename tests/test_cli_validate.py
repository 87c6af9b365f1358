"""`batchzoom validate`: exact output and exit codes for good, bad and unusable rosters."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from datetime import date, time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from batchzoom.cli import cli

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
HOST = "kim.minji@school.example"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["validate", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def workbook(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


HEADER = ["ID", "Topic", "Date", "Time", "Duration", "Time zone", "Host", "Room", "Notes"]


def good(number: int, **changes: object) -> list[object]:
    row: dict[str, object] = {
        "id": f"KOR101-{number:02d}",
        "topic": f"Korean 101 week {number}",
        "date": date(2027, 5, number),
        "time": time(9, 0),
        "duration": 90,
        "timezone": "Asia/Seoul",
        "host": HOST,
        "room": "A1",
        "notes": "",
    }
    row.update(changes)
    return list(row.values())


def test_the_bundled_sample_workbook_is_valid() -> None:
    assert run(SAMPLES / "timetable.xlsx") == (
        0,
        "Ignored columns: Room\n24 rows checked: 24 valid, 0 invalid.\n",
        "",
    )


def test_the_bundled_korean_cp949_csv_is_valid() -> None:
    assert run(SAMPLES / "timetable-ko.csv") == (
        0,
        "Ignored columns: 강의실\n24 rows checked: 24 valid, 0 invalid.\n",
        "",
    )


def test_invalid_rows_are_listed_as_a_table_and_exit_3(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "spring.xlsx",
        [
            ["Spring timetable"],
            HEADER,
            good(3),
            good(4, duration=0, host="nobody"),
            [None] * 9,
            good(5, date="03/04/2027", timezone=None),
        ],
    )
    code, out, err = run(path)
    assert code == 3 and err == ""
    assert out == (
        "Ignored columns: Room, Notes\n"
        "Row  Column                Problem           Message\n"
        "4    Duration (column E)   duration-range    duration 0 is outside 1-1440 minutes "
        "(24 hours); enter a length Zoom accepts.\n"
        '4    Host (column G)       host-format       host "nobody" is not an email address or '
        f"Zoom user id; enter the host's Zoom email, e.g. {HOST}.\n"
        '6    Date (column C)       date-ambiguous    "03/04/2027" could mean 4 March 2027 or '
        "3 April 2027; write it as YYYY-MM-DD or run with --date-order DMY (or MDY).\n"
        "6    Time zone (column F)  timezone-missing  no time zone for this row; fill in the time zone "
        "column or run with --timezone, e.g. --timezone Asia/Seoul.\n"
        "3 rows checked: 1 valid, 2 invalid (4 problems).\n"
    )


def test_options_fix_what_the_rows_leave_open(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "r.xlsx", [HEADER, good(3, host=None), good(5, date="03/04/2027", timezone=None)]
    )
    code, out, _ = run(path, "--date-order", "DMY", "--timezone", "Asia/Seoul", "--host", HOST)
    assert (code, out.splitlines()[-1]) == (0, "2 rows checked: 2 valid, 0 invalid.")


def test_past_starts_fail_unless_allowed(tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", [HEADER, good(3, date=date(2020, 1, 6))])
    code, out, _ = run(path)
    assert code == 3 and "start-in-past" in out and "--allow-past" in out
    assert run(path, "--allow-past")[0] == 0


def test_json_output_holds_every_problem(tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", [HEADER, good(3), good(4, topic=None)])
    code, out, err = run(path, "--json")
    document = json.loads(out)
    assert (code, err) == (3, "")
    assert document["problems"] == [
        {
            "row": 3,
            "column": "Topic",
            "column_letter": "B",
            "code": "topic-missing",
            "message": "the topic is empty; enter the session's title.",
        }
    ]
    assert (document["rows"], document["valid"], document["invalid"]) == (2, 1, 1)
    assert document["ignored_columns"] == ["Room", "Notes"]
    assert document["sheet"] == "Sheet" and document["header_row"] == 1


def test_a_csv_with_a_bom_and_a_title_row_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    text = (
        "Timetable\r\nTopic;Start;Duration;Time zone;Host\r\n"
        "Intro;2027-05-03 18:24;90;UTC;kim@school.example\r\n"
    )
    path.write_bytes(text.encode("utf-8-sig"))
    assert run(path) == (0, "1 row checked: 1 valid, 0 invalid.\n", "")


def test_a_csv_with_korean_headers_and_korean_times_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ko.csv"
    text = (
        "주제,날짜,시간,진행 시간(분),시간대,호스트\r\n"
        "국어,2027-05-03,오후 6:30,1시간 30분,Asia/Seoul,kim@school.example\r\n"
    )
    path.write_bytes(text.encode("cp949"))
    assert run(path, "--encoding", "cp949")[0:2] == (0, "1 row checked: 1 valid, 0 invalid.\n")


def test_a_password_protected_workbook_exits_1_saying_to_remove_the_password(
    tmp_path: Path,
) -> None:
    path = tmp_path / "locked.xlsx"
    # An encrypted workbook is an OLE2 file holding the streams EncryptionInfo and
    # EncryptedPackage (names in UTF-16 in its directory).
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024) + "EncryptionInfo".encode("utf-16-le")
    )
    assert run(path) == (
        1,
        "",
        "Error: locked.xlsx is password-protected (encrypted); remove the password in Excel "
        "(File > Info > Protect Workbook) and save it again.\n",
    )


def test_a_corrupt_workbook_exits_1(tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "timetable.xlsx", tmp_path / "cut.xlsx")
    data = (tmp_path / "cut.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    assert run(tmp_path / "cut.xlsx") == (
        1,
        "",
        "Error: cut.xlsx could not be read as an Excel workbook (it may be damaged); "
        "open it in Excel and save it again.\n",
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.xlsx", None, "does not exist; check the file name and folder."),
        ("empty.csv", b"", "empty.csv is empty; add a header row and one row per session."),
        ("notes.docx", b"PK\x03\x04", "notes.docx is not a roster batchzoom can read;"),
        (
            "cols.csv",
            b"Title,When\r\nA,2027-05-03 9:00\r\n",
            "cols.csv has no start or duration column (or date and time columns); "
            "the header row (row 1) has: Title, When;",
        ),
    ],
)
def test_unusable_files_exit_1_with_one_sentence(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    if content is not None:
        (tmp_path / name).write_bytes(content)
    code, out, err = run(tmp_path / name)
    assert (code, out) == (1, "")
    assert err.startswith("Error: ") and message in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "args",
    [
        ["--timezone", "Mars/Olympus"],
        ["--date-order", "DDMMYY"],
        ["--encoding", "klingon"],
        ["--host", "not a host"],
        [],
    ],
)
def test_bad_usage_exits_2(args: list[str]) -> None:
    roster = [] if not args else [str(SAMPLES / "timetable.xlsx")]
    code, _, err = run(*roster, *args)
    assert code == 2 and "Usage:" in err


def test_help_describes_the_command_with_an_example() -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert "batchzoom validate timetable.xlsx --timezone Asia/Seoul" in out
    for option in ("--sheet", "--timezone", "--date-order", "--encoding", "--allow-past", "--host"):
        assert option in out


def test_show_occurrences_lists_each_repeating_row_in_local_time_and_utc(tmp_path: Path) -> None:
    """A Monday 18:00 New York class stays at 18:00 local across the March DST change."""
    path = workbook(
        tmp_path / "term.xlsx",
        [
            ["Topic", "Date", "Time", "Duration", "Time zone", "Host", "Repeat", "요일", "횟수"],
            ["Math", date(2027, 3, 8), time(18, 0), 60, "America/New_York", HOST, "매주", "월", 3],
            ["Art", date(2027, 3, 9), time(18, 0), 60, "America/New_York", HOST, "", "", ""],
        ],
    )
    assert run(path, "--show-occurrences") == (
        0,
        "2 rows checked: 2 valid, 0 invalid.\n"
        "Row 2 Math: 3 occurrences (America/New_York)\n"
        "   1  2027-03-08 Mon 18:00 EST  2027-03-08 23:00Z\n"
        "   2  2027-03-15 Mon 18:00 EDT  2027-03-15 22:00Z\n"
        "   3  2027-03-22 Mon 18:00 EDT  2027-03-22 22:00Z\n",
        "",
    )


def test_recurrence_and_settings_problems_are_listed_by_row_and_column(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "term.xlsx",
        [
            ["Topic", "Date", "Time", "Duration", "Time zone", "Host", "Repeat", "End times",
             "settings.waiting_room"],
            ["Math", date(2027, 3, 8), time(18, 0), 60, "Asia/Seoul", HOST, "weekly", 61, "yes"],
            ["Art", date(2027, 3, 9), time(18, 0), 60, "Asia/Seoul", HOST, "", "", "maybe"],
        ],
    )  # fmt: skip
    code, out, err = run(path, "--json")
    assert (code, err) == (3, "")
    problems = json.loads(out)["problems"]
    assert [(p["row"], p["column"], p["code"]) for p in problems] == [
        (2, "End times", "end_times-range"),
        (3, "settings.waiting_room", "settings-value"),
    ]
