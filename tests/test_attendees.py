"""The attendee sheet: read with the roster's flexible headers, checked before anything is sent."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from batchzoom.cli import cli
from batchzoom.engine.planning import load
from batchzoom.model.attendees import REGISTRANTS_MAX
from tests.conftest import MakeSettings
from tests.rosters import headers, write_csv

HEADERS = headers("Registration", "Repeat", "Until")
ROSTER = [
    [
        "KOR-1",
        "Korean 1",
        "2027-05-03 09:00",
        "Asia/Seoul",
        "50",
        "kim@school.example",
        "등록",
        "",
        "",
    ],
    ["KOR-2", "Korean 2", "2027-05-03 11:00", "Asia/Seoul", "50", "kim@school.example", "", "", ""],
    [
        "KOR-W",
        "Korean weekly",
        "2027-05-04 09:00",
        "Asia/Seoul",
        "50",
        "kim@school.example",
        "yes",
        "weekly",
        "2027-06-01",
    ],
]


def workbook(
    path: Path, roster: Sequence[Sequence[object]], attendees: Sequence[Sequence[object]]
) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sessions"
    sheet.append(list(HEADERS))
    for row in roster:
        sheet.append(list(row))
    people = book.create_sheet("참석자")
    for row in attendees:
        people.append(list(row))
    book.save(path)
    return path


def validate(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout


def test_korean_headers_on_the_attendee_sheet_register_people_per_session(
    tmp_path: Path, make_settings: MakeSettings
) -> None:
    path = workbook(
        tmp_path / "events.xlsx",
        ROSTER,
        [
            ["세션", "이메일", "이름", "성", "언어"],
            ["KOR-1", "lee@example.com", "Jiwoo", "Lee", "한국어"],
            ["all", "park@example.com", "Minho", "Park", ""],
        ],
    )
    loaded = load(path, make_settings(roster=path))
    assert loaded.validation.ok
    assert loaded.attendees is not None and loaded.attendees.ok
    assert loaded.attendees.sheet == "참석자"
    people = [(a.row, a.session, a.email, a.language) for a in loaded.attendees.attendees]
    # "all" stands for every session that takes registration (not KOR-2).
    assert people == [
        (2, "KOR-1", "lee@example.com", "ko-KO"),
        (3, "KOR-1", "park@example.com", None),
        (3, "KOR-W", "park@example.com", None),
    ]
    assert loaded.attendees.attendees[0].body() == {
        "email": "lee@example.com",
        "first_name": "Jiwoo",
        "last_name": "Lee",
        "language": "ko-KO",
    }
    settings = {s.key: dict(s.settings) for s in loaded.validation.sessions}
    # Registration: automatic approval; a series registers once for all its occurrences.
    assert settings["KOR-1"] == {"approval_type": 0}
    assert settings["KOR-W"] == {"approval_type": 0, "registration_type": 1}
    assert settings["KOR-2"] == {}


def test_every_attendee_problem_is_named_by_its_row_and_column(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "events.xlsx",
        ROSTER,
        [
            ["Session ID", "E-mail", "First name", "Last name", "Language"],
            ["KOR-1", "lee@example.com", "Jiwoo", "Lee", ""],
            ["KOR-1", "LEE@example.com", "Jiwoo", "Lee", ""],
            ["KOR-9", "choi@example.com", "Sora", "Choi", ""],
            ["KOR-1", "not-an-email", "Hana", "", "Klingon"],
            ["KOR-1", "yoon@example.com", "", "Yoon", ""],
        ],
    )
    code, out = validate(path)
    assert code == 3
    assert out == (
        "3 rows checked: 3 valid, 0 invalid.\n"
        "Problems on the 참석자 sheet:\n"
        "Row  Column                 Problem                   Message\n"
        "3    E-mail (column B)      attendee-duplicate        LEE@example.com is already "
        'registered for session "KOR-1" in row 2; delete one of the rows.\n'
        '4    Session ID (column A)  attendee-session-unknown  no roster row has the id "KOR-9"; '
        "write the id of one of the roster's sessions.\n"
        '5    E-mail (column B)      attendee-email-format     "not-an-email" is not an email '
        "address; correct it.\n"
        '5    Language (column E)    language-value            language "Klingon" is not one Zoom '
        "knows; write one of en-US, de-DE, es-ES, fr-FR, jp-JP, pt-PT, ru-RU, zh-CN, zh-TW, "
        "ko-KO, it-IT, vi-VN, pl-PL, Tr-TR, or leave it empty.\n"
        "6    First name (column C)  attendee-name-missing     the first name is empty; Zoom needs one for "
        "every registrant.\n"
        "참석자: 5 attendee rows checked: 1 valid, 4 invalid; 1 registration to make.\n"
    )


def test_attendees_on_a_row_without_registration_make_that_roster_row_invalid(
    tmp_path: Path,
) -> None:
    roster = write_csv(tmp_path / "roster.csv", [row[:7] for row in ROSTER], HEADERS[:7])
    people = write_csv(
        tmp_path / "people.csv",
        [["KOR-2", "lee@example.com", "Jiwoo", "Lee"]],
        ("id", "email", "first_name", "last_name"),
    )
    code, out = validate(roster, "--attendees", people, "--json")
    assert code == 3
    document = json.loads(out)
    assert document["problems"] == [
        {
            "row": 3,
            "column": "Registration",
            "column_letter": "G",
            "code": "registration-missing",
            "message": "1 attendee on the people.csv sheet register for this session but it does "
            'not take registrants; write "yes" (등록) in its registration column.',
        }
    ]
    assert document["attendees"]["problems"] == []
    # The invalid session's attendee is not registered.
    assert document["attendees"]["registrations"] == 0


def test_more_registrants_than_zoom_takes_for_one_meeting_is_a_problem(tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "roster.csv", [ROSTER[0][:7]], HEADERS[:7])
    rows = [["KOR-1", f"p{n}@example.com", f"P{n}", ""] for n in range(REGISTRANTS_MAX + 1)]
    people = write_csv(tmp_path / "people.csv", rows, ("id", "email", "first_name", "last_name"))
    code, out = validate(roster, "--attendees", people, "--json")
    assert code == 3
    problems = json.loads(out)["attendees"]["problems"]
    assert [(p["row"], p["column"], p["code"]) for p in problems] == [
        (REGISTRANTS_MAX + 2, "id", "attendees-over-limit")
    ]


def test_kind_and_panelists_columns_are_read_and_webinar_rows_checked_before_sending(
    tmp_path: Path, make_settings: MakeSettings
) -> None:
    headers = (*HEADERS[:6], "Kind", "Panelists")
    rows = [
        [*ROSTER[0][:6], "웨비나", "a@example.com; b@example.com"],
        [*ROSTER[1][:6], "", ""],
        [*ROSTER[2][:6], "meeting", "c@example.com"],
        [
            "KOR-X",
            "Korean X",
            "2027-05-05 09:00",
            "Asia/Seoul",
            "50",
            "kim@school.example",
            "seminar",
            "",
        ],
    ]
    path = write_csv(tmp_path / "roster.csv", rows, headers)
    loaded = load(path, make_settings(roster=path))
    assert {s.key: (s.kind, s.panelists) for s in loaded.validation.sessions} == {
        ROSTER[0][0]: ("webinar", ("a@example.com", "b@example.com")),
        "KOR-2": ("meeting", ()),
    }
    assert [(p.row, p.column, p.code) for p in loaded.validation.problems] == [
        (4, "Panelists", "panelists-meeting"),
        (5, "Kind", "kind-value"),
    ]
    from batchzoom.model.extras import parse_kind, parse_panelists

    assert parse_kind("웨비나") == "webinar"
    assert parse_panelists("a@example.com; b@example.com") == ("a@example.com", "b@example.com")


def test_a_roster_without_an_attendee_sheet_has_no_attendees(
    tmp_path: Path, make_settings: MakeSettings
) -> None:
    path = write_csv(tmp_path / "roster.csv", [ROSTER[1][:6]], HEADERS[:6])
    assert load(path, make_settings(roster=path)).attendees is None
    assert validate(path) == (0, "1 row checked: 1 valid, 0 invalid.\n")


def test_the_template_has_an_attendee_sheet_read_with_its_one_example_person(
    tmp_path: Path, make_settings: MakeSettings
) -> None:
    from datetime import date

    from batchzoom.files.template import write_template

    path = tmp_path / "template.xlsx"
    write_template(path, today=date(2026, 9, 1))
    sheet = openpyxl.load_workbook(path)["Attendees"]
    assert [cell.value for cell in sheet[1]] == [
        "id",
        "email",
        "first_name",
        "last_name",
        "language",
    ]
    attendees = load(path, make_settings(roster=path)).attendees
    assert attendees is not None and attendees.problems == []
    assert [(a.session, a.email) for a in attendees.attendees] == [
        ("ORI001", "choi.yuna@student.example")
    ]


def test_the_html_report_shows_registrant_counts_per_session_only_when_there_are_any() -> None:
    from batchzoom.files.report.page import render
    from tests.report_data import term_input

    plain = render(term_input(rows=30))
    assert ">Registrants</button>" not in plain
    page = render(term_input(rows=30, registrants={"T0001": 3, "T0002": 4999}))
    assert ">Registrants</button>" in page
    assert '<td data-v="3">3</td>' in page and '<td data-v="4999">4999</td>' in page
    empty = '<td data-v="0"></td>'
    assert page.count(empty) - plain.count(empty) == 28  # the rows without attendees


def test_a_webinar_row_is_refused_on_the_free_plan_and_with_a_setting_only_meetings_have(
    tmp_path: Path, make_settings: MakeSettings
) -> None:
    headers = (*HEADERS[:6], "Kind", "Waiting room", "settings.question_and_answer.enable")
    rows = [
        [*ROSTER[0][:6], "webinar", "yes", ""],
        [*ROSTER[1][:6], "webinar", "", "yes"],
        [*ROSTER[2][:6], "meeting", "yes", ""],
    ]
    path = write_csv(tmp_path / "roster.csv", rows, headers)
    loaded = load(path, make_settings(roster=path))
    assert [(p.row, p.column, p.code) for p in loaded.validation.problems] == [
        (2, "Waiting room", "webinar-setting"),
    ]
    assert loaded.validation.problems[0].message == (
        "a webinar has no waiting_room setting (only meetings do); clear it in this row or "
        "make the row a meeting."
    )
    assert [s.row for s in loaded.validation.sessions] == [3, 4]
    free = load(path, make_settings(roster=path, plan="free"))
    assert [(p.row, p.code) for p in free.validation.problems] == [
        (2, "webinar-plan"),
        (3, "webinar-plan"),
    ]
