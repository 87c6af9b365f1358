"""A ready-to-fill roster workbook: the canonical columns, drop-downs, examples and help.

``write_template`` writes an .xlsx with a "Sessions" sheet (styled, frozen header,
Excel drop-downs for time zones, repeat, yes/no settings, recording, status, registration
and kind, a few example rows dated in the future), an "Attendees" sheet (people to register,
one row per person per session, with one example person for the example session that takes
registration) and a "Help" sheet that explains every
column in English and Korean. The time zones sit on a hidden "Lists" sheet that
the drop-down refers to, since a list typed into the rule is capped at 255
characters. Every drop-down only warns (Excel's "warning" style): a value batchzoom reads
but the list does not offer is kept.

In Korean (``core.i18n.language()`` is ``ko``: ``--lang ko``, ``BATCHZOOM_LANG``, the
locale) the sheets are 세션, 참석자, 도움말 and 목록, the headers are Korean aliases that
read back as the same fields, the lists and examples use Korean words batchzoom reads
(매주, 예, 취소) and the Help sheet explains every column in Korean.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from batchzoom.core import i18n
from batchzoom.core.errors import OutputError
from batchzoom.core.i18n import N_, _
from batchzoom.files.atomic import atomic_write
from batchzoom.files.template_zones import time_zones
from batchzoom.model import times
from batchzoom.model.columns import ATTENDEE_SHEETS

KOREAN = "ko"
# The sheets (sessions, attendees, help, lists) by language. The roster is read from the
# first visible sheet and the attendees from a sheet named as in ``ATTENDEE_SHEETS``.
SHEETS = {
    i18n.ENGLISH: ("Sessions", ATTENDEE_SHEETS[0], "Help", "Lists"),
    KOREAN: ("세션", ATTENDEE_SHEETS[1], "도움말", "목록"),
}
SESSIONS, ATTENDEES, HELP, LISTS = SHEETS[i18n.ENGLISH]
# The attendee sheet's columns: English and Korean header (``ATTENDEE_ALIASES``), width.
ATTENDEE_HEADERS = (
    ("id", "세션 ID", 14),
    ("email", "이메일", 32),
    ("first_name", "이름", 16),
    ("last_name", "성", 16),
    ("language", "언어", 10),
)
# The attendee sheet's example: one person for the example session that takes registration
# (``REGISTERING``), in English and in Korean.
REGISTERING = "ORI001"
EXAMPLE_ATTENDEE = (
    (REGISTERING, "choi.yuna@student.example", "Yuna", "Choi", "en-US"),
    (REGISTERING, "choi.yuna@student.example", "유나", "최", "ko-KO"),
)
LAST_ROW = 1000  # rows the drop-downs and formats cover
HOME_ZONE = "Asia/Seoul"  # the example rows' zone when no default zone is configured


@dataclass(frozen=True)
class Column:
    """One column of the template and its help text."""

    header: str  # in English, as the README and batchzoom's messages name it
    korean_header: str  # a Korean alias of the field (``batchzoom.model.columns``)
    width: float
    meaning: str  # marked N_, shown through the catalog in the sheet's language
    formats: str  # marked N_


COLUMNS: tuple[Column, ...] = (
    Column(
        "ID",
        "세션 ID",
        10,
        N_(
            "Your own code for the session; keeps the row linked to its meeting when other cells "
            "change. Optional but recommended."
        ),
        N_("Any short text, unique per row, e.g. MAT201-01."),
    ),
    Column(
        "Topic",
        "제목",
        32,
        N_("The meeting name people see in Zoom."),
        N_("Text, at most 200 characters."),
    ),
    Column(
        "Date",
        "날짜",
        12,
        N_("Day of the session (of the first session for a repeating one)."),
        N_(
            "An Excel date, or 2027-03-15, 2027.3.15, 15/03/2027 (see --date-order), 2027년 3월 15일."
        ),
    ),
    Column(
        "Time",
        "시작 시간",
        8,
        N_("Start time, as a clock in the session's time zone."),
        N_("An Excel time, or 18:00, 6:00 PM, 오후 6시 30분."),
    ),
    Column(
        "Duration",
        "진행 시간(분)",
        10,
        N_("Length of the meeting in minutes."),
        N_("1-1440 minutes: 90, 1:30, 1h30m, 90분, 1시간 30분."),
    ),
    Column(
        "Time zone",
        "시간대",
        20,
        N_("The IANA time zone the date and time are in; pick from the list."),
        N_("Asia/Seoul, America/New_York, Europe/London, UTC ... (empty: --timezone or config)."),
    ),
    Column(
        "Host",
        "호스트",
        28,
        N_("Zoom account that owns the meeting; must be a licensed user of your Zoom account."),
        N_("An email address, me, or pool:<name> for a host pool from the config file."),
    ),
    Column(
        "Agenda",
        "설명",
        30,
        N_("Description shown with the meeting. Optional."),
        N_("Text, at most 2000 characters."),
    ),
    Column(
        "Passcode",
        "암호",
        10,
        N_("Meeting passcode. Empty: Zoom makes one if your account requires it."),
        N_("At most 10 of A-Z a-z 0-9 @ - _ *."),
    ),
    Column(
        "Alternative hosts",
        "대체 호스트",
        30,
        N_("Co-teachers who may start the meeting; licensed users of the same Zoom account."),
        N_("Emails separated by ; or , e.g. lee@school.example; park@school.example."),
    ),
    Column(
        "Repeat",
        "반복",
        10,
        N_("Makes a repeating series (one Zoom meeting with many occurrences). Empty: once."),
        N_("daily, weekly, monthly (매일, 매주, 매월)."),
    ),
    Column(
        "Repeat interval",
        "반복 간격",
        10,
        N_("Repeat every N days, weeks or months. Empty: 1."),
        N_("A whole number: daily 1-99, weekly 1-50, monthly 1-10."),
    ),
    Column(
        "Weekly days",
        "반복 요일",
        14,
        N_("For a weekly series: the days it meets. Empty: the day of Date."),
        N_("Mon,Wed or 월,수 or Zoom's numbers 2,4 (1 = Sunday ... 7 = Saturday)."),
    ),
    Column(
        "End times",
        "반복 횟수",
        10,
        N_("How many sessions the series has. Fill this or End date."),
        N_("A whole number 1-60."),
    ),
    Column(
        "End date",
        "반복 종료일",
        12,
        N_("Last day of the series (at most 60 occurrences). Fill this or End times."),
        N_("A date, as in the Date column."),
    ),
    Column(
        "Status",
        "상태",
        11,
        N_("cancelled takes the session off: it is not created, and sync deletes its meeting."),
        N_("Empty, or cancelled (취소)."),
    ),
    Column(
        "Registration",
        "참가 등록",
        12,
        N_(
            "yes: people register for the session; batchzoom registers the Attendees sheet's "
            "people for it and writes each one's own join link there. Empty: no registration."
        ),
        N_("yes or no (예/아니오). Needs a licensed (paid) Zoom plan."),
    ),
    Column(
        "Kind",
        "종류",
        10,
        N_(
            "What the session is on Zoom. Empty: a meeting. A webinar needs a host with the "
            "Zoom Webinars add-on, and takes panelists."
        ),
        N_("meeting or webinar (회의/웨비나)."),
    ),
    Column(
        "Panelists",
        "패널리스트",
        30,
        N_("For a webinar: the panelists, who present next to the host; a meeting has none."),
        N_("Emails separated by ; or , e.g. choi@school.example; jung@school.example."),
    ),
    Column(
        "settings.waiting_room",
        "대기실",
        14,
        N_("Zoom setting: participants wait until the host admits them."),
        N_("yes or no (예/아니오). Empty: the account's default."),
    ),
    Column(
        "settings.auto_recording",
        "자동 녹화",
        14,
        N_("Zoom setting: record automatically."),
        N_("none, local (on the host's computer) or cloud. Empty: the account's default."),
    ),
)
HEADERS = tuple(column.header for column in COLUMNS)
KOREAN_HEADERS = tuple(column.korean_header for column in COLUMNS)
# The drop-downs' fixed lists by language; each word is one batchzoom reads for its column
# (``model.recurrence``, ``model.meeting_settings``, ``model.extras``). 격주: weekly, every 2.
CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    i18n.ENGLISH: {
        "Repeat": ("daily", "weekly", "monthly"),
        "settings.waiting_room": ("yes", "no"),
        "settings.auto_recording": ("none", "local", "cloud"),
        "Status": ("cancelled",),
        "Registration": ("yes", "no"),
        "Kind": ("meeting", "webinar"),
    },
    KOREAN: {
        "Repeat": ("매일", "매주", "매월", "격주"),
        "settings.waiting_room": ("예", "아니오"),
        "settings.auto_recording": ("없음", "로컬", "클라우드"),
        "Status": ("취소",),
        "Registration": ("예", "아니오"),
        "Kind": ("회의", "웨비나"),
    },
}
# The example rows' words in Korean (batchzoom reads each as the English one).
_KOREAN_VALUES = {
    "weekly": "매주",
    "monthly": "매월",
    "Mon,Wed": "월,수",
    "meeting": "회의",
    "yes": "예",
    "no": "아니오",
    "none": "없음",
    "local": "로컬",
    "cloud": "클라우드",
}

HELP_NOTES = (
    N_("Fill one row per session; a weekly class for a term is one row with Repeat = weekly."),
    N_(
        "Columns batchzoom writes back (zoom_meeting_id, zoom_join_url, ...) appear after a "
        "run; do not type in them."
    ),
    N_(
        "Other settings: add a column named settings.<field>, e.g. settings.join_before_host. "
        "Monthly series: add Monthly day, or Monthly week with Monthly week day."
    ),
    N_(
        "Registration = yes: list the people on the Attendees sheet, one row per person per "
        "session (the session's ID, email, first_name, last_name); batchzoom registers them."
    ),
    N_("Check the sheet without contacting Zoom: batchzoom validate roster.xlsx"),
)

# Excel only warns about a cell outside a drop-down's list (or a number's range), so that a
# value batchzoom also understands (1:30 for 90 minutes, 격주, a zone typed in) is kept.
WARNING: Final = "warning"
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="2D5F9A")
_EXAMPLE_FONT = Font(italic=True, color="555555")


def example_rows(today: date, home: str = HOME_ZONE) -> list[list[object]]:
    """Example sessions starting two weeks after ``today`` (a Monday), one of them weekly;
    all but one (in New York) are held in the ``home`` zone; words in the current language."""
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
            "Agenda": N_("Chapter 1: limits"),
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
            "Agenda": N_("Online debate club"),
            "Repeat": "monthly",
            "End date": monday + timedelta(days=3 + 150),
            "settings.waiting_room": "yes",
        },
        {
            "ID": REGISTERING,
            "Topic": "Orientation 오리엔테이션",
            "Date": monday + timedelta(days=4),
            "Time": time(14, 0),
            "Duration": 45,
            "Time zone": home,
            "Host": "me",
            "Agenda": N_("Welcome session"),
            "Registration": "yes",
            "Kind": "meeting",
            "settings.auto_recording": "local",
        },
    ]
    return [[_example(header, example.get(header)) for header in HEADERS] for example in examples]


def _example(header: str, value: object) -> object:
    """An example cell in the current language (the agenda translated, list words Korean)."""
    if header == "Agenda" and isinstance(value, str):
        return _(value)
    if i18n.language() == KOREAN and isinstance(value, str):
        return _KOREAN_VALUES.get(value, value)
    return value


def write_template(
    path: Path,
    *,
    force: bool = False,
    today: date | None = None,
    timezone: str | None = None,
) -> None:
    """Write a ready-to-fill roster to ``path`` (.xlsx); an existing file only with ``force``.

    ``timezone`` (the configured default zone) comes first in the time-zone drop-down and is
    the zone of the example rows held at home (default: Asia/Seoul).
    """
    if path.suffix.lower() != ".xlsx":
        raise OutputError(f"The template must be an .xlsx file; name it e.g. {path.stem}.xlsx.")
    if path.exists() and not force:
        raise OutputError(f"{path} already exists; choose another name or pass --force.")
    korean = i18n.language() == KOREAN
    names = SHEETS[KOREAN if korean else i18n.ENGLISH]
    workbook = Workbook()
    sessions = workbook.active
    assert sessions is not None
    sessions.title = names[0]
    home = times.zone(timezone).key if timezone else HOME_ZONE
    _fill_sessions(sessions, today or date.today(), home, korean)
    _fill_attendees(workbook.create_sheet(names[1]), korean)
    _fill_help(workbook.create_sheet(names[2]), korean)
    lists = workbook.create_sheet(names[3])
    zones = time_zones(timezone)
    for index, name in enumerate(zones, start=1):
        lists.cell(row=index, column=1, value=name)
    lists.sheet_state = "hidden"
    zone_range = f"{quote_sheetname(names[3])}!$A$1:$A${len(zones)}"
    _add_drop_downs(sessions, zone_range, korean)
    _save_atomically(workbook, path)


def _column(header: str) -> str:
    return get_column_letter(HEADERS.index(header) + 1)


def _fill_sessions(sheet: Worksheet, today: date, home: str, korean: bool) -> None:
    sheet.append(list(KOREAN_HEADERS if korean else HEADERS))
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


def _title(header: str, korean: bool, english: str | None = None) -> str:
    """A drop-down's title: the column's Korean header, or its English title."""
    return KOREAN_HEADERS[HEADERS.index(header)] if korean else english or header


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


def _add_drop_downs(sheet: Worksheet, zone_range: str, korean: bool) -> None:
    """The drop-downs (lists in the sheet's language) and number ranges, warnings only."""
    choices = CHOICES[KOREAN if korean else i18n.ENGLISH]
    lists = [
        ("Repeat", "Repeat", _("daily, weekly or monthly; empty: once.")),
        (
            "settings.waiting_room",
            "Yes or no",
            _("yes or no; empty: the account's default."),
        ),
        ("settings.auto_recording", "Recording", _("none, local or cloud.")),
        ("Status", "Status", _("Empty, or cancelled to cancel the session.")),
        (
            "Registration",
            "Registration",
            _("yes: attendees register; empty: they do not."),
        ),
        ("Kind", "Kind", _("meeting or webinar; empty: a meeting.")),
    ]
    zones = _list(zone_range, _title("Time zone", korean), _("Pick an IANA time zone."))
    rules: list[tuple[DataValidation, str]] = [(zones, "Time zone")]
    for header, title, prompt in lists:
        words = ",".join(choices[header])
        rules.append((_list(f'"{words}"', _title(header, korean, title), prompt), header))
    whole = [
        ("Duration", 1, 1440, _("Minutes, 1-1440.")),
        (
            "Repeat interval",
            1,
            99,
            _("Every N days (1-99), weeks (1-50) or months (1-10)."),
        ),
        ("End times", 1, 60, _("Number of sessions, 1-60.")),
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
        rules.append((_explained(rule, _title(header, korean), prompt), header))
    for rule, header in rules:
        sheet.add_data_validation(rule)
        letter = _column(header)
        rule.add(f"{letter}2:{letter}{LAST_ROW}")


def _fill_attendees(sheet: Worksheet, korean: bool) -> None:
    """The attendee sheet's header row and one example person: one row per person per
    session goes below it."""
    sheet.append([header[1] if korean else header[0] for header in ATTENDEE_HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(list(EXAMPLE_ATTENDEE[korean]))
    for cell in sheet[2]:
        cell.font = _EXAMPLE_FONT
    for index, (*_names, width) in enumerate(ATTENDEE_HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _in_korean(message: str) -> str:
    with i18n.use_language(KOREAN):
        return _(message)


def _fill_help(sheet: Worksheet, korean: bool) -> None:
    """One row per column: its header, meaning and formats; then the notes. In English a
    fourth column says the meaning in Korean; in Korean it names the English header."""
    if korean:
        sheet.append([_("Column"), _("What it is"), _("Accepted formats"), _("English header")])
    else:
        sheet.append(["Column", "What it is", "Accepted formats", "설명 (한국어)"])
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for column in COLUMNS:
        meaning, formats = _(column.meaning), _(column.formats)
        if korean:
            sheet.append([column.korean_header, meaning, formats, column.header])
        else:
            sheet.append([column.header, meaning, formats, _in_korean(column.meaning)])
    sheet.append([])
    notes = [_(note) for note in HELP_NOTES]
    if not korean:
        notes += [_in_korean(note) for note in HELP_NOTES]
    for note in notes:
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
        target,
        buffer.getvalue(),
        mode=0o644,
        elsewhere=_("choose a folder you can write to"),
    )
