"""The roster template: it validates as written, offers drop-downs and explains every column."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.worksheet.worksheet import Worksheet

import batchzoom.cli.template  # noqa: F401  (registers the command)
from batchzoom.cli import cli
from batchzoom.core.errors import OutputError
from batchzoom.core.i18n import use_language
from batchzoom.engine.batch import schedule
from batchzoom.engine.planning import load
from batchzoom.files.template import HEADERS, write_template
from batchzoom.files.template_zones import COMMON_ZONES, place_zones, time_zones
from batchzoom.model import extras, meeting_settings, recurrence, times
from batchzoom.model.columns import ATTENDEE_SHEETS, match_attendee_header, match_header
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from tests.conftest import TEST_NOW, MakeSettings, quick_client, zoom_settings

TODAY = date(2027, 2, 10)
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "roster.xlsx"
    write_template(path, today=TODAY)
    return path


def sessions(path: Path) -> Worksheet:
    sheet = openpyxl.load_workbook(path)["Sessions"]
    assert isinstance(sheet, Worksheet)
    return sheet


def sessions_of(path: Path) -> Worksheet:
    """The first sheet, whatever its language calls it."""
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet


def rule_for(sheet: Worksheet, header: str) -> tuple[str, str]:
    """(type, formula1) of the data validation covering a column's second row."""
    letter = openpyxl.utils.get_column_letter(HEADERS.index(header) + 1)
    found = [dv for dv in sheet.data_validations.dataValidation if f"{letter}2" in dv.sqref]
    assert len(found) == 1, header
    return found[0].type or "", found[0].formula1 or ""


def test_the_template_written_by_the_command_validates(tmp_path: Path) -> None:
    """`batchzoom template` then `batchzoom validate` on it: every example row valid, exit 0."""
    path = tmp_path / "spring.xlsx"
    runner = CliRunner()
    made = runner.invoke(cli, ["template", str(path)])
    assert made.exit_code == 0, made.output
    assert made.output == (
        f"Wrote {path}: fill in the Sessions sheet, then run: batchzoom validate {path}\n"
    )
    checked = runner.invoke(cli, ["validate", str(path)])
    assert checked.exit_code == 0, checked.output
    assert "4 valid, 0 invalid" in checked.output


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    """A second template over the first is refused in one line (exit 1); --force replaces it."""
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"mine")
    runner = CliRunner()
    refused = runner.invoke(cli, ["template", str(path)])
    assert refused.exit_code == 1
    assert refused.output == (
        f"Error: {path} already exists; choose another name or pass --force.\n"
    )
    assert path.read_bytes() == b"mine"
    with pytest.raises(OutputError):
        write_template(path)
    assert runner.invoke(cli, ["template", str(path), "--force"]).exit_code == 0
    assert sessions(path)["A1"].value == "ID"


def test_only_xlsx_is_written(tmp_path: Path) -> None:
    """A template named .csv is refused, nothing is written."""
    with pytest.raises(OutputError, match=r"\.xlsx"):
        write_template(tmp_path / "roster.csv")
    assert list(tmp_path.iterdir()) == []


def test_headers_are_canonical_styled_and_frozen(template: Path) -> None:
    """Row 1 holds the canonical headers in bold; it stays in view; columns are widened."""
    sheet = sessions(template)
    assert tuple(cell.value for cell in sheet[1]) == HEADERS
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width > 20
    core = ("ID", "Topic", "Date", "Time", "Duration", "Time zone", "Host", "Agenda", "Passcode")
    assert [match_header(header) for header in core] == [
        "id",
        "topic",
        "date",
        "time",
        "duration",
        "timezone",
        "host",
        "agenda",
        "password",
    ]


def test_drop_downs_offer_zones_repeat_yes_no_recording_and_status(template: Path) -> None:
    """Excel drop-downs: zones from the hidden Lists sheet, and the short fixed lists."""
    workbook = openpyxl.load_workbook(template)
    sheet = sessions(template)
    kind, formula = rule_for(sheet, "Time zone")
    assert kind == "list"
    found = re.fullmatch(r"'?Lists'?!\$A\$1:\$A\$(\d+)", formula)
    assert found, formula
    lists = workbook["Lists"]
    assert lists.sheet_state == "hidden"
    zones = [lists.cell(row=n, column=1).value for n in range(1, int(found[1]) + 1)]
    assert zones == time_zones()
    assert {"Asia/Seoul", "America/New_York", "Europe/London", "UTC"} <= set(zones)
    assert rule_for(sheet, "Repeat") == ("list", '"daily,weekly,monthly"')
    assert rule_for(sheet, "settings.waiting_room") == ("list", '"yes,no"')
    assert rule_for(sheet, "settings.auto_recording") == ("list", '"none,local,cloud"')
    assert rule_for(sheet, "Status") == ("list", '"cancelled"')
    assert rule_for(sheet, "Duration") == ("whole", "1")


def test_every_offered_zone_is_one_batchzoom_accepts() -> None:
    """No drop-down choice is refused by validation."""
    for name in time_zones():
        times.zone(name)


def test_examples_are_in_the_future_and_one_repeats_weekly(template: Path) -> None:
    """Example rows start after the day the template is made; one is a weekly series."""
    sheet = sessions(template)
    rows = [dict(zip(HEADERS, row, strict=True)) for row in sheet.iter_rows(2, values_only=True)]
    assert 3 <= len(rows) <= 4
    for row in rows:
        assert isinstance(row["Date"], datetime) and row["Date"].date() > TODAY
    assert any(row["Repeat"] == "weekly" and row["Weekly days"] for row in rows)


def test_help_explains_every_header_in_english_and_korean(template: Path) -> None:
    """The Help sheet has one row per Sessions header, with a meaning, formats and Korean text."""
    help_sheet = openpyxl.load_workbook(template)["Help"]
    described = {row[0]: row[1:] for row in help_sheet.iter_rows(2, values_only=True) if row[0]}
    assert set(HEADERS) <= set(described)
    for header in HEADERS:
        meaning, formats, korean = described[header]
        assert meaning and formats, header
        assert HANGUL.search(str(korean)), header


def test_the_zone_list_starts_with_the_default_then_the_common_zones() -> None:
    """The default zone first, then the zones schools use most, then every place once."""
    zones = time_zones("Europe/Berlin")
    assert zones[0] == "Europe/Berlin"
    assert zones[1 : 1 + len(COMMON_ZONES)] == list(COMMON_ZONES)
    assert len(zones) == len(set(zones))
    assert set(place_zones()) <= set(zones)
    assert time_zones()[: len(COMMON_ZONES)] == list(COMMON_ZONES)
    assert time_zones("asia/tokyo")[0] == "Asia/Tokyo"  # the database's spelling, once
    assert time_zones("asia/tokyo").count("Asia/Tokyo") == 1


def test_the_full_zone_list_keeps_every_place_but_no_deprecated_alias() -> None:
    """Every country's zones (zone.tab) and UTC are offered; old links are not."""
    zones = set(time_zones())
    assert {
        "Asia/Kolkata",
        "Europe/Kyiv",
        "America/Argentina/Buenos_Aires",
        "Africa/Accra",
    } <= zones
    assert len(zones) > 400
    deprecated = {"Asia/Calcutta", "Europe/Kiev", "US/Eastern", "America/Buenos_Aires", "GB"}
    assert not deprecated & zones
    assert not [name for name in zones if name.startswith(("Etc/", "SystemV/"))]


def test_a_configured_zone_comes_first_and_is_the_examples_zone(tmp_path: Path) -> None:
    """--timezone, else batchzoom.toml's timezone beside the file, heads the drop-down."""
    runner = CliRunner()
    given = tmp_path / "given.xlsx"
    assert runner.invoke(cli, ["template", str(given), "--timezone", "Asia/Tokyo"]).exit_code == 0
    (tmp_path / "batchzoom.toml").write_text(
        '[defaults]\ntimezone = "Europe/London"\n', encoding="utf-8"
    )
    configured = tmp_path / "configured.xlsx"
    assert runner.invoke(cli, ["template", str(configured)]).exit_code == 0
    for path, first in ((given, "Asia/Tokyo"), (configured, "Europe/London")):
        workbook = openpyxl.load_workbook(path)
        assert workbook["Lists"]["A1"].value == first
        rows = list(sessions(path).iter_rows(2, values_only=True))
        column = HEADERS.index("Time zone")
        assert {row[column] for row in rows} == {first, "America/New_York"}
    refused = runner.invoke(cli, ["template", str(tmp_path / "x.xlsx"), "--timezone", "KST"])
    assert refused.exit_code == 2 and "Asia/Seoul" in refused.output


def test_every_drop_down_only_warns(template: Path) -> None:
    """A value outside a list or range gets Excel's warning, never its stop: a value
    batchzoom understands (1:30, 격주, a zone typed in) can always be kept."""
    rules = sessions(template).data_validations.dataValidation
    assert len(rules) >= 8
    assert {rule.errorStyle for rule in rules} == {"warning"}
    assert all(rule.showErrorMessage and rule.prompt for rule in rules)


def test_registration_kind_and_panelists_columns_are_offered_and_explained(template: Path) -> None:
    """Issue #20: the event columns read as their fields; the example orientation takes
    registration as a meeting; the Help sheet says what kind accepts."""
    assert [match_header(header) for header in ("Registration", "Kind", "Panelists")] == [
        "registration",
        "kind",
        "panelists",
    ]
    sheet = sessions(template)
    assert rule_for(sheet, "Registration") == ("list", '"yes,no"')
    assert rule_for(sheet, "Kind") == ("list", '"meeting,webinar"')
    rows = [dict(zip(HEADERS, row, strict=True)) for row in sheet.iter_rows(2, values_only=True)]
    registering = [row for row in rows if row["Registration"] == "yes"]
    assert [row["Kind"] for row in registering] == ["meeting"]
    assert not any(row["Kind"] == "webinar" or row["Panelists"] for row in rows)
    help_sheet = openpyxl.load_workbook(template)["Help"]
    help_rows = {row[0]: row for row in help_sheet.iter_rows(values_only=True)}
    assert "webinar" in str(help_rows["Kind"][1]) and "webinar" in str(help_rows["Kind"][2])


def korean_template(path: Path) -> Path:
    with use_language("ko"):
        write_template(path, today=TODAY)
    return path


def test_the_korean_template_has_korean_sheets_and_headers_read_as_the_same_fields(
    tmp_path: Path,
) -> None:
    """Korean sheet names the reader finds (세션 first, 참석자 for attendees) and Korean
    headers that batchzoom reads as the English template's fields."""
    path = korean_template(tmp_path / "명단.xlsx")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["세션", "참석자", "도움말", "목록"]
    assert workbook["참석자"].title in ATTENDEE_SHEETS
    assert workbook["목록"].sheet_state == "hidden"
    headers = [cell.value for cell in workbook["세션"][1]]
    assert all(HANGUL.search(str(header)) for header in headers)
    assert [match_header(header) for header in headers] == [match_header(h) for h in HEADERS]
    assert None not in [match_header(header) for header in headers]
    attendee_headers = [cell.value for cell in workbook["참석자"][1]]
    assert [match_attendee_header(h) for h in attendee_headers] == [
        "id",
        "email",
        "first_name",
        "last_name",
        "language",
    ]


def test_the_korean_help_sheet_explains_every_column_in_korean(tmp_path: Path) -> None:
    """도움말: a row per Korean header whose meaning and formats are Korean; Korean notes."""
    sheet = openpyxl.load_workbook(korean_template(tmp_path / "명단.xlsx"))["도움말"]
    rows = list(sheet.iter_rows(values_only=True))
    assert all(HANGUL.search(str(title)) for title in rows[0])
    described = {str(row[0]): row[1:] for row in rows[1:] if row[0]}
    korean_headers = [str(cell.value) for cell in sessions_of(tmp_path / "명단.xlsx")[1]]
    assert list(described) == korean_headers
    for header, english in zip(korean_headers, HEADERS, strict=True):
        meaning, formats, named = described[header]
        assert HANGUL.search(str(meaning)) and HANGUL.search(str(formats)), header
        assert named == english
    notes = [row[1] for row in rows[1:] if not row[0] and row[1]]
    assert notes and all(HANGUL.search(str(note)) for note in notes)
    assert "웨비나" in str(described["종류"][0])


def test_korean_drop_downs_offer_korean_words_batchzoom_reads(tmp_path: Path) -> None:
    """Each Korean list word is one batchzoom reads for its column; every rule only warns."""
    sheet = sessions_of(korean_template(tmp_path / "명단.xlsx"))
    lists = {
        "Repeat": '"매일,매주,매월,격주"',
        "settings.waiting_room": '"예,아니오"',
        "settings.auto_recording": '"없음,로컬,클라우드"',
        "Status": '"취소"',
        "Registration": '"예,아니오"',
        "Kind": '"회의,웨비나"',
    }
    for header, formula in lists.items():
        assert rule_for(sheet, header) == ("list", formula), header
    kind, formula = rule_for(sheet, "Time zone")
    assert kind == "list" and re.fullmatch(r"'?목록'?!\$A\$1:\$A\$\d+", formula)
    rules = sheet.data_validations.dataValidation
    assert {rule.errorStyle for rule in rules} == {"warning"}
    assert all(HANGUL.search(str(rule.prompt)) for rule in rules)
    words = {header: formula.strip('"').split(",") for header, formula in lists.items()}
    assert [recurrence.parse_kind(word) for word in words["Repeat"][:3]] == [1, 2, 3]
    assert words["Repeat"][3] == recurrence.EVERY_OTHER_WEEK
    assert [meeting_settings.parse_bool(word) for word in words["settings.waiting_room"]] == [
        True,
        False,
    ]
    recording = [meeting_settings.VALUE_WORDS[w] for w in words["settings.auto_recording"]]
    assert recording == ["none", "local", "cloud"]
    assert extras.parse_status("취소") is True
    assert [extras.parse_registration(word) for word in words["Registration"]] == [True, False]
    assert [extras.parse_kind(word) for word in words["Kind"]] == ["meeting", "webinar"]


def test_the_english_template_is_unchanged_by_the_korean_one(tmp_path: Path) -> None:
    """English sheet names, headers, lists and examples, whatever was written before."""
    korean_template(tmp_path / "명단.xlsx")
    path = tmp_path / "roster.xlsx"
    write_template(path, today=TODAY)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Sessions", "Attendees", "Help", "Lists"]
    sheet = sessions(path)
    assert tuple(cell.value for cell in sheet[1]) == HEADERS
    assert rule_for(sheet, "Repeat") == ("list", '"daily,weekly,monthly"')
    assert rule_for(sheet, "Kind") == ("list", '"meeting,webinar"')
    assert not any(
        HANGUL.search(str(rule.prompt)) for rule in sheet.data_validations.dataValidation
    )
    rows = [dict(zip(HEADERS, row, strict=True)) for row in sheet.iter_rows(2, values_only=True)]
    assert rows[0]["Repeat"] == "weekly" and rows[0]["Agenda"] == "Chapter 1: limits"
    assert workbook["Attendees"]["A1"].value == "id"


@pytest.mark.parametrize(
    ("how", "sheet"),
    [
        (["template"], "Sessions"),
        (["--lang", "ko", "template"], "세션"),
        (["template", "--lang", "ko"], "세션"),
    ],
)
def test_the_template_in_either_language_validates_without_a_warning(
    tmp_path: Path, how: list[str], sheet: str
) -> None:
    """Written and validated as is: every example row valid, no problem, no warning, no
    ignored column, and the attendee sheet's one example person valid for the orientation."""
    path = tmp_path / "spring.xlsx"
    runner = CliRunner()
    made = runner.invoke(cli, [*how, str(path)])
    assert made.exit_code == 0, made.output
    checked = runner.invoke(cli, ["validate", str(path), "--json"])
    assert checked.exit_code == 0, checked.output
    result = json.loads(checked.stdout)
    assert result["sheet"] == sheet
    assert (result["valid"], result["invalid"]) == (4, 0)
    assert result["ignored_columns"] == result["problems"] == result["warnings"] == []
    assert result["attendees"]["problems"] == []
    assert result["attendees"]["per_session"] == {"ORI001": 1}


@pytest.mark.parametrize(
    "env",
    [{"BATCHZOOM_LANG": "ko"}, {"BATCHZOOM_LANG": None, "LC_ALL": None, "LANG": "ko_KR.UTF-8"}],
)
def test_the_language_of_the_environment_makes_a_korean_template(
    tmp_path: Path, env: dict[str, str | None]
) -> None:
    """BATCHZOOM_LANG=ko or a Korean locale, without --lang, writes the Korean template."""
    path = tmp_path / "spring.xlsx"
    env = {"LC_MESSAGES": None, **env}
    made = CliRunner().invoke(cli, ["template", str(path)], env=env)
    assert made.exit_code == 0, made.output
    assert openpyxl.load_workbook(path).sheetnames[0] == "세션"


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_attendee_sheet_has_one_example_person_for_the_session_that_registers(
    tmp_path: Path, language: str
) -> None:
    """One example row under the attendee sheet's header, for the example session whose
    registration is yes, in the template's language; nothing else on the sheet."""
    path = tmp_path / "roster.xlsx"
    with use_language(language):
        write_template(path, today=TODAY)
    workbook = openpyxl.load_workbook(path)
    people = workbook.worksheets[1]
    rows = list(people.iter_rows(values_only=True))
    assert len(rows) == 2
    heading = [match_attendee_header(str(header)) for header in rows[0]]
    person = dict(zip(heading, rows[1], strict=True))
    sessions_rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    fields = [match_header(str(header)) for header in sessions_rows[0]]
    registering = [
        row[fields.index("id")]
        for row in sessions_rows[1:]
        if extras.parse_registration(row[fields.index("registration")] or "no")
    ]
    assert registering == [person["id"]] == ["ORI001"]
    assert person["email"] == "choi.yuna@student.example"
    if language == "ko":
        assert (person["first_name"], person["last_name"], person["language"]) == (
            "유나",
            "최",
            "ko-KO",
        )
    else:
        assert (person["first_name"], person["last_name"], person["language"]) == (
            "Yuna",
            "Choi",
            "en-US",
        )
    assert all(cell.font.i for cell in people[2])  # shown as an example, as the sessions' are


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_template_schedules_against_the_sandbox_and_registers_its_example_person(
    tmp_path: Path,
    language: str,
    sandbox_factory: Callable[[SandboxConfig], Sandbox],
    make_settings: MakeSettings,
) -> None:
    """The template as written, scheduled over HTTP: every example session created once and
    the example person registered for the orientation, with their own join link."""
    users = [
        SandboxUser("alice@school.example"),  # the owner: host "me"
        SandboxUser("kim.minji@school.example"),
        SandboxUser("park.soyeon@school.example"),
        SandboxUser("lee.jun@school.example"),
    ]
    sandbox = sandbox_factory(SandboxConfig(users=users))
    path = tmp_path / "roster.xlsx"
    with use_language(language):
        write_template(path, today=TEST_NOW.date())
    settings = make_settings(sandbox, roster=path)
    report = schedule(load(path, settings), settings)
    statuses = {o.key: o.status for o in report.outcomes}
    assert statuses == dict.fromkeys(["MAT201", "KOR101", "ENG150", "ORI001"], "created")
    assert report.registered is not None
    assert (report.registered.added, report.registered.failed) == (1, 0)
    orientation = next(o.meeting_id for o in report.outcomes if o.key == "ORI001")
    with quick_client(zoom_settings(sandbox)) as client:
        [person] = client.list_registrants(orientation or 0)
    assert person.email == "choi.yuna@student.example"
    assert person.first_name == ("유나" if language == "ko" else "Yuna")
    assert person.join_url
