"""Reading roster files: xlsx and csv as Excel writes them, headers found and matched."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batchzoom.core.errors import InputError
from batchzoom.files import roster as roster_module
from batchzoom.files.roster import read_roster, sniff_delimiter
from batchzoom.model.columns import HOST_COLUMN, OUTPUT_COLUMNS, START_URL_COLUMN

HEADER = ["ID", "Topic", "Date", "Time", "Duration", "Time zone", "Host", "Room"]
ROW = ["K-1", "Korean 101", date(2027, 5, 3), time(9, 0), 90, "Asia/Seoul", "kim@school.example"]


def workbook(path: Path, rows: Sequence[Sequence[object]], *, title: str = "Timetable") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def test_xlsx_header_below_a_title_and_blank_rows_is_found_and_rows_keep_excel_numbers(
    tmp_path: Path,
) -> None:
    path = workbook(
        tmp_path / "spring.xlsx",
        [["Spring 2027 timetable"], [], HEADER, [*ROW, "A1"], [], [None] * 8, [*ROW[:1], "Math"]],
    )
    roster = read_roster(path)
    assert roster.source.header_row == 3
    assert (roster.source.format, roster.source.sheet) == ("xlsx", "Timetable")
    assert (roster.source.encoding, roster.source.delimiter) == (None, None)
    assert roster.rows == [4, 7]
    assert roster.headers == HEADER
    assert roster.columns["timezone"] == "Time zone" and roster.columns["topic"] == "Topic"
    assert roster.ignored == ["Room"]
    assert roster.values("date") == [date(2027, 5, 3), ""]
    assert roster.values("agenda") is None


def test_real_excel_date_and_time_cells_are_kept_as_dates_and_times(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "r.xlsx",
        [["Topic", "Start", "Duration"], ["A", datetime(2027, 5, 3, 18, 24), 90]],
    )
    roster = read_roster(path)
    assert roster.values("start") == [datetime(2027, 5, 3, 18, 24)]


def test_the_fingerprint_taken_at_read_time_matches_the_file(tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", [HEADER, ROW])
    source = read_roster(path).source
    stat = path.stat()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert (source.size, source.mtime_ns, source.sha256) == (stat.st_size, stat.st_mtime_ns, digest)


def test_the_first_visible_sheet_is_read_unless_a_sheet_is_named(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    hidden = book.active
    assert hidden is not None
    hidden.title = "Old"
    hidden.sheet_state = "hidden"
    hidden.append(["Topic", "Start", "Duration"])
    hidden.append(["old", "2027-01-01 10:00", 60])
    current = book.create_sheet("Current")
    current.append(["Topic", "Start", "Duration"])
    current.append(["new", "2027-05-01 10:00", 60])
    book.save(tmp_path / "two.xlsx")
    assert read_roster(tmp_path / "two.xlsx").values("topic") == ["new"]
    old = read_roster(tmp_path / "two.xlsx", sheet="old")
    assert (old.source.sheet, old.values("topic")) == ("Old", ["old"])
    with pytest.raises(InputError, match=r'no sheet named "Plan"; its sheets are: Old, Current\.'):
        read_roster(tmp_path / "two.xlsx", sheet="Plan")


def test_output_columns_of_an_earlier_run_are_known_not_ignored(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "r.xlsx",
        [[*HEADER, "zoom_meeting_id", "Zoom_Status"], [*ROW, "A1", 85746065432, "created"]],
    )
    roster = read_roster(path)
    assert roster.ignored == ["Room"]
    assert roster.columns["zoom_status"] == "Zoom_Status"
    assert roster.values("zoom_meeting_id") == [85746065432]


def test_a_sheet_batchzoom_wrote_reads_back_with_every_result_column_known(
    tmp_path: Path,
) -> None:
    results = [*OUTPUT_COLUMNS, HOST_COLUMN, START_URL_COLUMN]
    path = workbook(
        tmp_path / "r.xlsx",
        [[*HEADER, *results], [*ROW, "A1", 85746065432, *[""] * (len(results) - 1)]],
    )
    roster = read_roster(path)
    assert roster.ignored == ["Room"]  # not zoom_host nor zoom_start_url
    assert [roster.columns[name] for name in results] == results


# ---- csv


def csv_file(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


KOREAN = "아이디,주제,날짜,시간,진행 시간(분),시간대,호스트,강의실\r\nK-1,국어 101,2027-05-03,09:00,90,Asia/Seoul,kim@school.example,본관 101\r\n"


@pytest.mark.parametrize(
    ("encoding", "recorded"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp949", "cp949")]
)
def test_csv_encodings_excel_writes_are_detected(
    tmp_path: Path, encoding: str, recorded: str
) -> None:
    roster = read_roster(csv_file(tmp_path / "ko.csv", KOREAN, encoding))
    assert roster.source.encoding == recorded
    assert roster.headers[0] == "아이디"
    assert roster.values("topic") == ["국어 101"]
    assert roster.columns["duration"] == "진행 시간(분)"
    assert roster.ignored == ["강의실"]
    assert (roster.source.format, roster.source.sheet, roster.source.header_row) == ("csv", None, 1)


def test_a_forced_encoding_is_used(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "ko.csv", KOREAN, "cp949")
    assert read_roster(path, encoding="euc-kr").values("topic") == ["국어 101"]
    with pytest.raises(InputError, match="not valid utf-8 text"):
        read_roster(path, encoding="utf-8")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiters_are_sniffed(tmp_path: Path, delimiter: str) -> None:
    text = "\r\n".join(
        delimiter.join(cells)
        for cells in [
            ["Timetable, spring"],
            ["Topic", "Start", "Duration", "Notes"],
            [
                "Intro, part 1" if delimiter != "," else '"Intro, part 1"',
                "2027-05-03 9:00",
                "90",
                "x",
            ],
        ]
    )
    roster = read_roster(csv_file(tmp_path / "r.csv", text, "utf-8"))
    assert roster.source.delimiter == delimiter
    assert roster.source.header_row == 2
    assert roster.values("topic") == ["Intro, part 1"]
    assert roster.rows == [3]


def test_sniffing_a_single_column_defaults_to_comma() -> None:
    assert sniff_delimiter("Topic\nA\n") == ","


def test_csv_rows_shorter_than_the_header_are_padded(tmp_path: Path) -> None:
    roster = read_roster(
        csv_file(tmp_path / "r.csv", "Topic,Start,Duration,Host\nA,2027-05-03 9:00\n", "utf-8")
    )
    assert roster.values("host") == [""]


# ---- files that cannot be used


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_roster(tmp_path / "nope.xlsx")


def test_a_folder_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        read_roster(tmp_path / "dir.csv")


def test_a_password_protected_workbook_says_to_remove_the_password(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    # An encrypted workbook is an OLE2 file holding the streams EncryptionInfo and
    # EncryptedPackage (names in UTF-16 in its directory).
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptionInfo".encode("utf-16-le")
    )
    with pytest.raises(InputError, match=r"password-protected.*remove the password in Excel"):
        read_roster(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 this zip is cut short", "could not be read as an Excel workbook"),
        (b"Topic,Start\nA,B\n", "is not an Excel workbook"),
    ],
)
def test_a_corrupt_workbook_is_an_input_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_roster(path)


def test_a_file_that_is_not_a_spreadsheet_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n")
    with pytest.raises(InputError, match=r"save it from Excel as \.xlsx or \.csv"):
        read_roster(tmp_path / "photo.png")
    (tmp_path / "binary.csv").write_bytes(b"\x00\x01\x02garbage")
    with pytest.raises(InputError, match="not a text CSV file"):
        read_roster(tmp_path / "binary.csv")


@pytest.mark.parametrize("content", [b"", b" \r\n", b",,,\r\n,,\r\n"])
def test_an_empty_file_is_an_input_error(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "empty.csv").write_bytes(content)
    with pytest.raises(InputError, match="is empty"):
        read_roster(tmp_path / "empty.csv")


def test_an_empty_workbook_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is empty"):
        read_roster(workbook(tmp_path / "empty.xlsx", []))


def test_a_header_without_rows_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"has a header row \(row 1\) but no sessions"):
        read_roster(workbook(tmp_path / "r.xlsx", [HEADER, [None] * 8]))


def test_missing_required_columns_name_the_headers_found_and_the_closest(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("Titel,Start,Room\nA,2027-05-03 9:00,A1\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_roster(path)
    message = str(caught.value)
    assert message.startswith("r.csv has no topic or duration column;")
    assert "the header row (row 1) has: Titel, Start, Room" in message
    assert '"Titel" looks closest to topic' in message
    assert "add a duration column" in message


# ---- large csv files


def big_csv_text(rows: int) -> str:
    """A roster text over 1 MB as Excel writes it: title row, quoted cells, blank rows."""
    lines = ["Timetable 2027,,,,,,,", ",".join(HEADER)]
    for number in range(rows):
        if number % 997 == 0:
            lines.append(",,,,,,,")  # a blank row Excel keeps
        topic = f'"Korean {number}, part ""A""\nwith notes"' if number % 5 == 0 else f"K{number}"
        lines.append(
            f"K-{number},{topic},2027-05-03,09:00,90,Asia/Seoul,kim@school.example,  Room {number}"
        )
    return "\r\n".join(lines) + "\r\n\r\n"


def test_a_large_csv_reads_exactly_as_the_csv_module_splits_it(tmp_path: Path) -> None:
    text = big_csv_text(13_000)
    assert len(text) >= 1_000_000
    roster = read_roster(csv_file(tmp_path / "big.csv", text, "utf-8-sig"))
    records = list(csv.reader(io.StringIO(text, newline="")))
    kept = [
        (index + 1, record)
        for index, record in enumerate(records)
        if index >= 2 and any(cell.strip() for cell in record)
    ]
    assert roster.source.header_row == 2
    assert roster.headers == HEADER
    assert roster.rows == [number for number, _ in kept]
    assert roster.cells == [list(column) for column in zip(*(r for _, r in kept), strict=True)]
    assert roster.values("topic")[0] == 'Korean 0, part "A"\nwith notes'  # type: ignore[index]


def test_a_large_csv_with_a_row_wider_than_its_header_keeps_every_cell(tmp_path: Path) -> None:
    text = big_csv_text(13_000) + "K-x,Extra,2027-05-03,09:00,90,Asia/Seoul,me,R,extra cell\r\n"
    roster = read_roster(csv_file(tmp_path / "big.csv", text, "utf-8"))
    assert len(roster.headers) == len(HEADER) + 1  # the widest row sets the width
    assert roster.cells[-1][-1] == "extra cell"


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(st.sampled_from(list("ab\r\n\x0b\x85\u2028")), max_size=80),
    count=st.integers(0, 6),
    size=st.integers(1, 20),
)
def test_the_first_lines_are_those_of_splitting_the_whole_text(
    text: str, count: int, size: int
) -> None:
    assert roster_module._first_lines(text, count, size=size) == text.splitlines()[:count]
