"""A ready-to-fill roster workbook: the canonical columns, drop-downs, examples and help.

``write_template`` writes an .xlsx with a "Sessions" sheet (styled, frozen header,
Excel drop-downs for time zones, repeat, yes/no settings, recording and status,
a few example rows dated in the future), an "Attendees" sheet's header row (people to
register, one row per person per session) and a "Help" sheet that explains every
column in English and Korean. The time zones sit on a hidden "Lists" sheet that
the drop-down refers to, since a list typed into the rule is capped at 255
characters.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from datetime import date, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from batchzoom.core import tzdb
from batchzoom.core.errors import OutputError
from batchzoom.files.atomic import atomic_write
from batchzoom.model import times
from batchzoom.model.columns import ATTENDEE_SHEETS

SESSIONS, HELP, LISTS = "Sessions", "Help", "Lists"
ATTENDEES = ATTENDEE_SHEETS[0]
# The attendee sheet's columns, with their widths (see ``batchzoom.model.attendees``).
ATTENDEE_HEADERS = (
    ("id", 14),
    ("email", 32),
    ("first_name", 16),
    ("last_name", 16),
    ("language", 10),
)
LAST_ROW = 1000  # rows the drop-downs and formats cover
HOME_ZONE = "Asia/Seoul"  # the example rows' zone when no default zone is configured


@dataclass(frozen=True)
class Column:
    """One column of the template and its help text."""

    header: str
    width: float
    meaning: str
    formats: str
    korean: str


COLUMNS: tuple[Column, ...] = (
    Column(
        "ID",
        10,
        "Your own code for the session; keeps the row linked to its meeting when other cells "
        "change. Optional but recommended.",
        "Any short text, unique per row, e.g. MAT201-01.",
        "세션을 구분하는 고유 코드(선택). 예: MAT201-01",
    ),
    Column(
        "Topic",
        32,
        "The meeting name people see in Zoom.",
        "Text, at most 200 characters.",
        "Zoom 회의 제목 (최대 200자)",
    ),
    Column(
        "Date",
        12,
        "Day of the session (of the first session for a repeating one).",
        "An Excel date, or 2027-03-15, 2027.3.15, 15/03/2027 (see --date-order), 2027년 3월 15일.",
        "수업 날짜 (반복 수업은 첫 수업 날짜). 예: 2027-03-15",
    ),
    Column(
        "Time",
        8,
        "Start time, as a clock in the session's time zone.",
        "An Excel time, or 18:00, 6:00 PM, 오후 6시 30분.",
        "시작 시각 (해당 시간대 기준). 예: 18:00, 오후 6시",
    ),
    Column(
        "Duration",
        10,
        "Length of the meeting in minutes.",
        "1-1440 minutes: 90, 1:30, 1h30m, 90분, 1시간 30분.",
        "진행 시간(분), 1-1440. 예: 90, 1시간 30분",
    ),
    Column(
        "Time zone",
        20,
        "The IANA time zone the date and time are in; pick from the list.",
        "Asia/Seoul, America/New_York, Europe/London, UTC ... (empty: --timezone or config).",
        "시간대 (목록에서 선택). 예: Asia/Seoul",
    ),
    Column(
        "Host",
        28,
        "Zoom account that owns the meeting; must be a licensed user of your Zoom account.",
        "An email address, me, or pool:<name> for a host pool from the config file.",
        "진행자 Zoom 이메일 (유료 라이선스 사용자), 또는 pool:<이름>",
    ),
    Column(
        "Agenda",
        30,
        "Description shown with the meeting. Optional.",
        "Text, at most 2000 characters.",
        "회의 설명 (선택, 최대 2000자)",
    ),
    Column(
        "Passcode",
        10,
        "Meeting passcode. Empty: Zoom makes one if your account requires it.",
        "At most 10 of A-Z a-z 0-9 @ - _ *.",
        "회의 암호 (선택, 최대 10자: 영문, 숫자, @ - _ *)",
    ),
    Column(
        "Alternative hosts",
        30,
        "Co-teachers who may start the meeting; licensed users of the same Zoom account.",
        "Emails separated by ; or , e.g. lee@school.example; park@school.example.",
        "대체 호스트 이메일 (; 또는 , 로 구분)",
    ),
    Column(
        "Repeat",
        10,
        "Makes a repeating series (one Zoom meeting with many occurrences). Empty: once.",
        "daily, weekly, monthly (매일, 매주, 매월).",
        "반복: daily(매일), weekly(매주), monthly(매월); 비우면 한 번",
    ),
    Column(
        "Repeat interval",
        10,
        "Repeat every N days, weeks or months. Empty: 1.",
        "A whole number: daily 1-99, weekly 1-50, monthly 1-10.",
        "반복 간격 (매일 1-99, 매주 1-50, 매월 1-10)",
    ),
    Column(
        "Weekly days",
        14,
        "For a weekly series: the days it meets. Empty: the day of Date.",
        "Mon,Wed or 월,수 or Zoom's numbers 2,4 (1 = Sunday ... 7 = Saturday).",
        "매주 반복 요일. 예: Mon,Wed 또는 월,수",
    ),
    Column(
        "End times",
        10,
        "How many sessions the series has. Fill this or End date.",
        "A whole number 1-60.",
        "반복 횟수 (1-60); 종료일과 둘 중 하나만",
    ),
    Column(
        "End date",
        12,
        "Last day of the series (at most 60 occurrences). Fill this or End times.",
        "A date, as in the Date column.",
        "반복 종료일; 반복 횟수와 둘 중 하나만",
    ),
    Column(
        "Status",
        11,
        "cancelled takes the session off: it is not created, and sync deletes its meeting.",
        "Empty, or cancelled (취소).",
        "비우거나 cancelled(취소): 취소된 세션은 만들지 않음",
    ),
    Column(
        "settings.waiting_room",
        14,
        "Zoom setting: participants wait until the host admits them.",
        "yes or no (예/아니오). Empty: the account's default.",
        "대기실 사용 여부: yes/no (예/아니오)",
    ),
    Column(
        "settings.auto_recording",
        14,
        "Zoom setting: record automatically.",
        "none, local (on the host's computer) or cloud. Empty: the account's default.",
        "자동 녹화: none(안 함), local(컴퓨터), cloud(클라우드)",
    ),
)
HEADERS = tuple(column.header for column in COLUMNS)

HELP_NOTES = (
    "Fill one row per session; a weekly class for a term is one row with Repeat = weekly.",
    "Columns batchzoom writes back (zoom_meeting_id, zoom_join_url, ...) appear after a run; "
    "do not type in them.",
    "Other settings: add a column named settings.<field>, e.g. settings.join_before_host. "
    "Monthly series: add Monthly day, or Monthly week with Monthly week day.",
    "Check the sheet without contacting Zoom: batchzoom validate roster.xlsx",
    "한 행에 세션 하나를 입력하세요. 학기 동안 매주 하는 수업은 Repeat = weekly 인 한 행입니다.",
    "실행 후 추가되는 zoom_ 으로 시작하는 열은 직접 입력하지 마세요.",
    "Zoom에 연결하지 않고 확인: batchzoom validate roster.xlsx",
)

# Excel only warns about a cell outside a drop-down's list (or a number's range), so that a
# value batchzoom also understands (1:30 for 90 minutes, 격주, a zone typed in) is kept.
WARNING: Final = "warning"
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="2D5F9A")
_EXAMPLE_FONT = Font(italic=True, color="555555")


# The zones a school's sessions are most often held in, offered right after the default
# zone: Korea and its neighbours first, then the zones of the schools' partners abroad.
COMMON_ZONES = (
    "Asia/Seoul",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Singapore",
    "UTC",
    "America/New_York",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Paris",
    "Australia/Sydney",
)


@functools.cache
def place_zones() -> tuple[str, ...]:
    """UTC and every zone of the database's ``zone.tab`` (each country's zones under their
    current names, without the deprecated aliases such as ``Asia/Calcutta`` or ``US/Eastern``),
    sorted."""
    table = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text("utf-8")
    listed = {
        line.split("\t")[2] for line in table.splitlines() if line and not line.startswith("#")
    }
    return ("UTC", *sorted(listed & tzdb.names()))


def time_zones(default: str | None = None) -> list[str]:
    """The IANA zones offered in the drop-down: ``default`` first (the zone rows without one
    are read in), then ``COMMON_ZONES``, then every place's zone (``place_zones``), each once."""
    first = [times.zone(default).key] if default else []
    return list(dict.fromkeys([*first, *COMMON_ZONES, *place_zones()]))


def example_rows(today: date, home: str = HOME_ZONE) -> list[list[object]]:
    """Example sessions starting two weeks after ``today`` (a Monday), one of them weekly;
    all but one (in New York) are held in the ``home`` zone."""
    monday = today + timedelta(days=14 - today.weekday())
    examples: list[dict[str, object]] = [
        {
            "ID": "MAT201",
            "Topic": "Calculus 201 미적분",
            "Date": monday,
            "Time": time(18, 0),
            "Duration": 90,
            "Time zone": home,
            "Host": "kim.minji@school.example",
            "Agenda": "Chapter 1: limits",
            "Alternative hosts": "lee.jun@school.example",
            "Repeat": "weekly",
            "Repeat interval": 1,
            "Weekly days": "Mon,Wed",
            "End times": 20,
            "settings.waiting_room": "yes",
            "settings.auto_recording": "cloud",
        },
        {
            "ID": "KOR101",
            "Topic": "Korean 101 국어 읽기",
            "Date": monday + timedelta(days=1),
            "Time": time(9, 30),
            "Duration": 50,
            "Time zone": home,
            "Host": "park.soyeon@school.example",
            "Passcode": "read101",
            "settings.waiting_room": "no",
            "settings.auto_recording": "none",
        },
        {
            "ID": "ENG150",
            "Topic": "English Debate 영어 토론",
            "Date": monday + timedelta(days=3),
            "Time": time(19, 0),
            "Duration": 60,
            "Time zone": "America/New_York",
            "Host": "kim.minji@school.example",
            "Agenda": "Online debate club",
            "Repeat": "monthly",
            "End date": monday + timedelta(days=3 + 150),
            "settings.waiting_room": "yes",
        },
        {
            "ID": "ORI001",
            "Topic": "Orientation 오리엔테이션",
            "Date": monday + timedelta(days=4),
            "Time": time(14, 0),
            "Duration": 45,
            "Time zone": home,
            "Host": "me",
            "Agenda": "Welcome session",
            "settings.auto_recording": "local",
        },
    ]
    return [[example.get(header) for header in HEADERS] for example in examples]


def write_template(
    path: Path, *, force: bool = False, today: date | None = None, timezone: str | None = None
) -> None:
    """Write a ready-to-fill roster to ``path`` (.xlsx); an existing file only with ``force``.

    ``timezone`` (the configured default zone) comes first in the time-zone drop-down and is
    the zone of the example rows held at home (default: Asia/Seoul).
    """
    if path.suffix.lower() != ".xlsx":
        raise OutputError(f"The template must be an .xlsx file; name it e.g. {path.stem}.xlsx.")
    if path.exists() and not force:
        raise OutputError(f"{path} already exists; choose another name or pass --force.")
    workbook = Workbook()
    sessions = workbook.active
    assert sessions is not None
    sessions.title = SESSIONS
    home = times.zone(timezone).key if timezone else HOME_ZONE
    _fill_sessions(sessions, today or date.today(), home)
    _fill_attendees(workbook.create_sheet(ATTENDEES))
    _fill_help(workbook.create_sheet(HELP))
    lists = workbook.create_sheet(LISTS)
    zones = time_zones(timezone)
    for index, name in enumerate(zones, start=1):
        lists.cell(row=index, column=1, value=name)
    lists.sheet_state = "hidden"
    _add_drop_downs(sessions, f"{quote_sheetname(LISTS)}!$A$1:$A${len(zones)}")
    _save_atomically(workbook, path)


def _column(header: str) -> str:
    return get_column_letter(HEADERS.index(header) + 1)


def _fill_sessions(sheet: Worksheet, today: date, home: str) -> None:
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 30
    for row in example_rows(today, home):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.font = _EXAMPLE_FONT
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    formats = {"Date": "yyyy-mm-dd", "End date": "yyyy-mm-dd", "Time": "hh:mm"}
    for header, number_format in formats.items():
        letter = _column(header)
        sheet.column_dimensions[letter].number_format = number_format  # cells typed later
        for cell in sheet[letter][1:]:
            cell.number_format = number_format
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}1"


def _list(formula: str, header: str, prompt: str) -> DataValidation:
    rule = DataValidation(type="list", formula1=formula, allow_blank=True, errorStyle=WARNING)
    return _explained(rule, header, prompt)


def _explained(rule: DataValidation, header: str, prompt: str) -> DataValidation:
    """``rule`` showing ``prompt`` when its cell is picked, and as its warning."""
    rule.errorTitle = header
    rule.error = prompt
    rule.promptTitle = header
    rule.prompt = prompt
    rule.showErrorMessage = True
    rule.showInputMessage = True
    return rule


def _add_drop_downs(sheet: Worksheet, zone_range: str) -> None:
    rules: list[tuple[DataValidation, tuple[str, ...]]] = [
        (_list(zone_range, "Time zone", "Pick an IANA time zone."), ("Time zone",)),
        (
            _list('"daily,weekly,monthly"', "Repeat", "daily, weekly or monthly; empty: once."),
            ("Repeat",),
        ),
        (
            _list('"yes,no"', "Yes or no", "yes or no; empty: the account's default."),
            ("settings.waiting_room",),
        ),
        (
            _list('"none,local,cloud"', "Recording", "none, local or cloud."),
            ("settings.auto_recording",),
        ),
        (
            _list('"cancelled"', "Status", "Empty, or cancelled to cancel the session."),
            ("Status",),
        ),
    ]
    whole = [
        ("Duration", 1, 1440, "Minutes, 1-1440."),
        ("Repeat interval", 1, 99, "Every N days (1-99), weeks (1-50) or months (1-10)."),
        ("End times", 1, 60, "Number of sessions, 1-60."),
    ]
    for header, low, high, prompt in whole:
        rule = DataValidation(
            type="whole",
            operator="between",
            formula1=str(low),
            formula2=str(high),
            errorStyle=WARNING,
        )
        rule.allow_blank = True
        rules.append((_explained(rule, header, prompt), (header,)))
    for rule, headers in rules:
        sheet.add_data_validation(rule)
        for header in headers:
            letter = _column(header)
            rule.add(f"{letter}2:{letter}{LAST_ROW}")


def _fill_attendees(sheet: Worksheet) -> None:
    """The attendee sheet's header row: one row per person per session goes below it."""
    sheet.append([header for header, _ in ATTENDEE_HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, (_, width) in enumerate(ATTENDEE_HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _fill_help(sheet: Worksheet) -> None:
    sheet.append(["Column", "What it is", "Accepted formats", "설명 (한국어)"])
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for column in COLUMNS:
        sheet.append([column.header, column.meaning, column.formats, column.korean])
    sheet.append([])
    for note in HELP_NOTES:
        sheet.append([None, note])
    for letter, width in zip("ABCD", (24, 60, 60, 48), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def _save_atomically(workbook: Workbook, target: Path) -> None:
    buffer = io.BytesIO()
    workbook.save(buffer)
    # A roster to share and edit, not a secret: readable by others as usual.
    atomic_write(
        target, buffer.getvalue(), mode=0o644, elsewhere="choose a folder you can write to"
    )
