"""Regenerate the sample rosters: timetable.xlsx, timetable-ko.csv (CP949, Korean headers)
and term/ (term.xlsx with its batchzoom.toml).

Run from the project root:  .venv/bin/python samples/make_samples.py
The files come out byte for byte the same on every run (see save_reproducibly).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, time, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

HERE = Path(__file__).resolve().parent
HOSTS = {
    "kim": "kim.minji@school.example",
    "lee": "lee.junho@school.example",
    "park": "park.soyeon@school.example",
}
# (course code, topic, host, weekday offset from Monday, start, minutes, zone, room)
COURSES = [
    ("KOR101", "Korean 101 국어 읽기", "kim", 0, time(9, 0), 90, "Asia/Seoul", "본관 101"),
    ("MAT201", "Calculus 201 미적분", "lee", 1, time(10, 30), 75, "Asia/Seoul", "과학관 204"),
    ("HIS110", "Korean History 한국사", "park", 2, time(14, 0), 50, "Asia/Seoul", "인문관 310"),
    ("ENG150", "English Debate 영어 토론", "kim", 3, time(19, 0), 60, "America/New_York", "Online"),
    ("SCI120", "Physics Lab 물리 실험", "lee", 4, time(13, 0), 120, "Asia/Seoul", "과학관 Lab 2"),
    (
        "ART105",
        "Design Seminar 디자인 세미나",
        "park",
        4,
        time(10, 0),
        45,
        "Europe/London",
        "Online",
    ),
]
WEEKS = 4
FIRST_MONDAY = date(2036, 5, 5)  # far enough ahead that the README's main command works for years
PASSCODES = {("KOR101", 4): "Exam2027", ("SCI120", 4): "lab*42"}

HEADERS_EN = ["ID", "Topic", "Date", "Time", "Duration", "Time zone", "Host", "Agenda"]
HEADERS_EN += ["Passcode", "Room"]
HEADERS_KO = ["아이디", "주제", "날짜", "시간", "진행 시간(분)", "시간대", "호스트", "안건"]
HEADERS_KO += ["비밀번호", "강의실"]


def sessions() -> list[list[object]]:
    """One row per class meeting: 6 courses x 4 weeks, ordered by date and time."""
    rows: list[tuple[date, time, list[object]]] = []
    for week in range(1, WEEKS + 1):
        for code, topic, host, weekday, start, minutes, zone, room in COURSES:
            day = FIRST_MONDAY + timedelta(weeks=week - 1, days=weekday)
            agenda = f"Week {week}: {'midterm review' if week == WEEKS else 'lecture and Q&A'}"
            passcode = PASSCODES.get((code, week), "")
            row: list[object] = [f"{code}-{week:02d}", f"{topic} ({week}주차)", day, start]
            row += [minutes, zone, HOSTS[host], agenda, passcode, room]
            rows.append((day, start, row))
    rows.sort(key=lambda item: (item[0], item[1]))
    return [row for _, _, row in rows]


# openpyxl stamps each save with the current time (docProps/core.xml and every zip entry);
# the samples carry this fixed stamp instead, so that regenerating them changes no byte.
STAMP = "2026-12-01T00:00:00Z"
_ZIP_TIME = (2026, 12, 1, 0, 0, 0)
_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*")


def save_reproducibly(book: Workbook, path: Path) -> None:
    """Save ``book`` to ``path`` with fixed timestamps instead of the time of the run."""
    buffer = io.BytesIO()
    book.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(rb"\g<1>" + STAMP.encode(), data)
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            target.writestr(entry, data)
    path.write_bytes(out.getvalue())


def write_xlsx(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Spring 2036"
    sheet.append(["Spring 2036 online timetable (2036 봄학기 시간표)"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(HEADERS_EN)
    for cell in sheet[2]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="305496")
    for row in sessions():
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=3):
        cells[2].number_format = "yyyy-mm-dd"
        cells[3].number_format = "hh:mm"
    widths = [12, 36, 12, 8, 10, 18, 28, 28, 10, 16]
    for letter, width in zip("ABCDEFGHIJ", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    save_reproducibly(book, path)


def write_csv(path: Path) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS_KO)
    for row in sessions():
        day, start = row[2], row[3]
        assert isinstance(day, date) and isinstance(start, time)
        writer.writerow([*row[:2], day.isoformat(), f"{start:%H:%M}", *row[4:]])
    path.write_bytes(buffer.getvalue().encode("cp949"))


TERM_CONFIG = """\
# Defaults for every row of term.xlsx; command-line flags win over these.
[defaults]
timezone = "Asia/Seoul"
buffer_minutes = 10            # free time a pool host keeps after each class

[settings]                     # Zoom meeting settings for every row; settings.* cells win
waiting_room = true
mute_upon_entry = true

[pools]                        # a host cell "pool:teachers" picks a free member
teachers = ["kim.minji@school.example", "lee.junho@school.example", "park.soyeon@school.example"]
"""
# A spring term of weekly classes, dated like FIRST_MONDAY far enough ahead that the README's
# term commands work for years. New York changes clocks on 2036-03-09 (the second Sunday of
# March) and London on 2036-03-30 (the last Sunday): their classes start before the change
# and keep their local time across it.
# (id, topic, first day, start, minutes, zone, host, co-teachers, repeat, days, times)
TERM = [
    ("MATH1-01", "Algebra I", date(2036, 3, 4), time(18, 0), 90, "America/New_York",
     "pool:teachers", "choi.yuna@school.example", "weekly", "Tue,Thu", 16),
    ("LIT2-01", "World Literature", date(2036, 3, 5), time(9, 0), 60, "Europe/London",
     "pool:teachers", "", "weekly", "Wed", 12),
    ("KOR3-01", "Korean Writing 국어 작문", date(2036, 3, 4), time(10, 0), 75, "Asia/Seoul",
     "kim.minji@school.example", "jung.hana@school.example", "weekly", "월,수", 24),
    ("SCI4-01", "Lab Safety Briefing", date(2036, 3, 7), time(14, 0), 45, "Asia/Seoul",
     "pool:teachers", "", "", "", None),
    ("ART5-01", "Studio Critique", date(2036, 3, 10), time(16, 0), 120, "Asia/Seoul",
     "pool:teachers", "choi.yuna@school.example", "monthly", "", 4),
]  # fmt: skip
TERM_HEADERS = ["ID", "Topic", "Date", "Time", "Duration", "Time zone", "Host",
                "Alternative hosts", "Repeat", "Weekly days", "End times",
                "settings.auto_recording"]  # fmt: skip


def write_term(folder: Path) -> None:
    """samples/term/: a term timetable with weekly classes, a host pool and co-teachers."""
    folder.mkdir(exist_ok=True)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Spring term"
    sheet.append(TERM_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="305496")
    for key, topic, day, start, minutes, zone, host, co, repeat, days, count in TERM:
        sheet.append([key, topic, day, start, minutes, zone, host, co, repeat, days, count,
                      "cloud" if repeat else "none"])  # fmt: skip
        sheet.cell(sheet.max_row, 3).number_format = "yyyy-mm-dd"
        sheet.cell(sheet.max_row, 4).number_format = "hh:mm"
    for column, width in zip(
        "ABCDEFGHIJKL", (11, 26, 12, 8, 9, 18, 28, 28, 9, 12, 10, 22), strict=True
    ):
        sheet.column_dimensions[column].width = width
    save_reproducibly(book, folder / "term.xlsx")
    (folder / "batchzoom.toml").write_text(TERM_CONFIG, encoding="utf-8")


def main() -> None:
    write_xlsx(HERE / "timetable.xlsx")
    write_csv(HERE / "timetable-ko.csv")
    write_term(HERE / "term")


if __name__ == "__main__":
    main()
