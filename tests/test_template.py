"""The roster template: it validates as written, offers drop-downs and explains every column."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.worksheet.worksheet import Worksheet

import batchzoom.cli.template  # noqa: F401  (registers the command)
from batchzoom.cli import cli
from batchzoom.core.errors import OutputError
from batchzoom.files.template import (
    COMMON_ZONES,
    HEADERS,
    place_zones,
    time_zones,
    write_template,
)
from batchzoom.model import times
from batchzoom.model.columns import match_header

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
