"""Old Excel (.xls) and OpenDocument (.ods) rosters, and files named for another format.

The workbooks in tests/corpus/libreoffice/ were saved by LibreOffice (see SOURCES.md).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from batchzoom.cli import cli
from batchzoom.files.sniff import kind_of

CORPUS = Path(__file__).resolve().parent / "corpus" / "libreoffice"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def copy(tmp_path: Path, name: str, as_name: str | None = None) -> Path:
    return Path(shutil.copy(CORPUS / name, tmp_path / (as_name or name)))


@pytest.mark.parametrize("name", ["roster.xls", "roster.ods"])
def test_an_xls_or_ods_roster_is_read_and_its_results_go_to_an_xlsx(
    tmp_path: Path, name: str
) -> None:
    roster = copy(tmp_path, name)
    original = roster.read_bytes()
    code, out, err = run("validate", roster)
    assert code == 0, out + err
    assert "2 rows checked: 2 valid, 0 invalid." in out
    code, out, err = run("schedule", roster, "--sandbox", "--quiet")
    assert code == 0, out + err
    result = tmp_path / "roster.scheduled.xlsx"
    sheet = openpyxl.load_workbook(result).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == ["ID", "Topic", "Start", "Duration", "Time zone", "Host"]
    status = header.index("zoom_status") + 1
    assert [sheet.cell(row, status).value for row in (2, 3)] == ["created", "created"]
    assert sheet.cell(2, 2).value == "국어 1"
    assert roster.read_bytes() == original  # the user's file is never changed
    code, out, err = run("schedule", roster, "--sandbox", "--quiet")
    assert code == 0
    sheet = openpyxl.load_workbook(result).active
    assert sheet is not None
    assert [sheet.cell(row, status).value for row in (2, 3)] == ["existing", "existing"]


@pytest.mark.parametrize(
    ("name", "as_name", "named"),
    [
        ("roster.xls", "roster.xls", "an Excel 97-2003 workbook (.xls)"),
        ("roster.ods", "roster.ods", "an OpenDocument spreadsheet (.ods)"),
        ("roster.ods", "renamed.xlsx", "an OpenDocument spreadsheet (.ods)"),
    ],
)
def test_in_place_on_an_xls_or_ods_is_refused_in_one_sentence_before_sending(
    tmp_path: Path, name: str, as_name: str, named: str
) -> None:
    roster = copy(tmp_path, name, as_name)
    code, out, err = run("schedule", roster, "--sandbox", "--in-place")
    assert code == 1
    line = err.strip()
    assert "\n" not in line and named in line and "--in-place" in line
    assert not list(tmp_path.glob("*.sandbox.json")) or "created" not in out


def test_an_ods_renamed_xlsx_is_named_as_opendocument_and_scheduled(tmp_path: Path) -> None:
    roster = copy(tmp_path, "roster.ods", "term.xlsx")
    code, out, err = run("schedule", roster, "--sandbox", "--quiet")
    assert code == 0, out + err
    assert (tmp_path / "term.scheduled.xlsx").exists()
    assert kind_of((tmp_path / "term.scheduled.xlsx").read_bytes()) == "xlsx"


def test_an_xls_renamed_xlsx_is_read_not_called_password_protected(tmp_path: Path) -> None:
    roster = copy(tmp_path, "roster.xls", "term.xlsx")
    code, out, err = run("validate", roster)
    assert code == 0, out + err
    assert "password" not in out + err


def test_a_text_file_named_xlsx_is_named_as_text(tmp_path: Path) -> None:
    roster = tmp_path / "term.xlsx"
    roster.write_bytes(b"\xff\xfe\x00garbage that is no workbook\n")
    code, _, err = run("validate", roster)
    assert code == 1
    assert "not an Excel workbook even though its name ends in .xlsx (it is a text file)" in err


def test_each_kind_is_named_by_its_content() -> None:
    assert kind_of((CORPUS / "roster.xls").read_bytes()) == "xls"
    assert kind_of((CORPUS / "roster.ods").read_bytes()) == "ods"
    assert kind_of(b"ID,Topic\n") == "text"
    assert kind_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024)) == "ole2"
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le")
    assert kind_of(encrypted) == "encrypted"
