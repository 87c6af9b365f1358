"""Write-back: the result sheet keeps the user's workbook intact and is written atomically."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import stat
import zipfile
from copy import copy
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from batchzoom.core.errors import OutputError
from batchzoom.files.roster import SourceInfo
from batchzoom.files.writeback import (
    check_target,
    default_output_path,
    write_results,
)
from batchzoom.model.columns import OUTPUT_COLUMNS
from batchzoom.model.outcomes import RowResult
from tests.workbooks import fingerprint

JOIN = "https://us02web.zoom.us/j/85746065432?pwd=abc"
START = "https://us02web.zoom.us/s/85746065432?zak=host-secret-token"
CREATED = RowResult(
    status="created",
    meeting_id=85746065432,
    join_url=JOIN,
    password="012345",
    start_time="2027-05-03T09:00:00Z",
    start_url=START,
    timezone="Asia/Seoul",
)
LOCAL = datetime(2027, 5, 3, 18, 0)  # 09:00 UTC in Seoul: zoom_start_local
HEADER_FILL = "FFFFFF00"
ROW_FILL = "FFDDEBF7"


def source_for(
    path: Path,
    *,
    header_row: int,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> SourceInfo:
    size, mtime_ns, sha256 = fingerprint(path)
    is_csv = path.suffix.lower() == ".csv"
    return SourceInfo(
        path=path,
        format="csv" if is_csv else "xlsx",
        sheet=sheet,
        header_row=header_row,
        encoding=encoding,
        delimiter=delimiter,
        size=size,
        mtime_ns=mtime_ns,
        sha256=sha256,
    )


def make_workbook(path: Path, extra_headers: tuple[str, ...] = ()) -> SourceInfo:
    """Two sheets; a title row; bold yellow header on row 2; fills, widths, formulas, dates."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "Timetable"
    sheet["A1"] = "Spring 2027 timetable"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:D1")
    headers = ("ID", "Topic", "Date", "Duration", "Double", *extra_headers)
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(row=2, column=column, value=text)
        cell.font = Font(bold=True, color="FF0000FF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    rows = [
        ("KOR101-01", "Korean 1", datetime(2027, 5, 3, 9, 0), 50),
        ("KOR101-02", "Korean 2", datetime(2027, 5, 4, 9, 0), 50),
        ("MAT201-01", "Algebra", datetime(2027, 5, 5, 14, 30), 90),
    ]
    for row, (key, topic, start, minutes) in enumerate(rows, start=3):
        sheet.cell(row=row, column=1, value=key)
        sheet.cell(row=row, column=2, value=topic)
        date = sheet.cell(row=row, column=3, value=start)
        date.number_format = "yyyy-mm-dd hh:mm"
        sheet.cell(row=row, column=4, value=minutes)
        sheet.cell(row=row, column=5, value=f"=D{row}*2")
    for column in range(1, 6):
        sheet.cell(row=4, column=column).fill = PatternFill("solid", fgColor=ROW_FILL)
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 30
    notes = workbook.create_sheet("Notes")
    notes["A1"] = "Rooms"
    notes["A2"] = "=COUNTA(Timetable!A3:A5)"
    notes["B1"] = 3.5
    notes.column_dimensions["A"].width = 40
    workbook.save(path)
    return source_for(path, header_row=2, sheet="Timetable")


def sheet_of(path: Path, title: str = "Timetable") -> Worksheet:
    sheet = load_workbook(path)[title]
    assert isinstance(sheet, Worksheet)
    return sheet


def cell(sheet: Worksheet, row: int, column: int) -> Cell:
    found = sheet.cell(row=row, column=column)
    assert isinstance(found, Cell)
    return found


def looks(found: Cell) -> tuple[str, ...]:
    """A cell's font, fill, border and alignment, comparable across workbooks."""
    return tuple(repr(copy(x)) for x in (found.font, found.fill, found.border, found.alignment))


def header(sheet: Worksheet, row: int = 2) -> list[Any]:
    return [c.value for c in sheet[row]]


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


# --- xlsx -----------------------------------------------------------------------------------


def test_default_output_path_is_stem_scheduled_beside_the_roster(tmp_path: Path) -> None:
    """spring.xlsx -> spring.scheduled.xlsx in the same folder."""
    source = make_workbook(tmp_path / "spring.xlsx")
    assert default_output_path(source) == tmp_path / "spring.scheduled.xlsx"


def test_xlsx_result_columns_appended_once_after_the_last_header(tmp_path: Path) -> None:
    """The zoom_* columns follow the last header column; writing again does not duplicate them."""
    source = make_workbook(tmp_path / "spring.xlsx")
    outcome = write_results(source, {3: CREATED})
    assert outcome.path == tmp_path / "spring.scheduled.xlsx"
    assert (outcome.backup, outcome.diverted, outcome.reason) == (None, False, None)
    expected = ["ID", "Topic", "Date", "Duration", "Double", *OUTPUT_COLUMNS]
    assert header(sheet_of(outcome.path)) == expected

    again = write_results(source_for(outcome.path, header_row=2, sheet="Timetable"), {4: CREATED})
    assert header(sheet_of(again.path)) == expected


def test_xlsx_other_sheets_formatting_widths_and_formulas_survive(tmp_path: Path) -> None:
    """Everything that is not a result cell is as the user made it."""
    source = make_workbook(tmp_path / "spring.xlsx")
    outcome = write_results(source, {3: CREATED, 4: RowResult(status="failed", error="No.")})
    before, after = sheet_of(source.path), sheet_of(outcome.path)
    for row in range(1, 6):
        for column in range(1, 6):
            if row == 1 and column in (2, 3, 4):
                continue  # merged into A1
            old, new = cell(before, row, column), cell(after, row, column)
            assert new.value == old.value
            assert new.number_format == old.number_format
            assert looks(new) == looks(old)
    assert cell(after, 3, 5).value == "=D3*2"
    assert cell(after, 2, 1).font.bold
    assert cell(after, 2, 1).fill.fgColor.rgb == HEADER_FILL
    assert cell(after, 4, 2).fill.fgColor.rgb == ROW_FILL
    assert isinstance(cell(after, 3, 3).value, datetime)
    assert [str(r) for r in after.merged_cells.ranges] == ["A1:D1"]
    assert after.column_dimensions["A"].width == 12
    assert after.column_dimensions["B"].width == 30
    notes_before, notes_after = sheet_of(source.path, "Notes"), sheet_of(outcome.path, "Notes")
    assert [[c.value for c in r] for r in notes_after.iter_rows()] == [
        [c.value for c in r] for r in notes_before.iter_rows()
    ]
    assert notes_after["A2"].value == "=COUNTA(Timetable!A3:A5)"
    assert notes_after.column_dimensions["A"].width == 40
    assert load_workbook(outcome.path).sheetnames == ["Timetable", "Notes"]


def test_xlsx_join_url_is_a_hyperlink_and_id_a_plain_number(tmp_path: Path) -> None:
    """The link is clickable; the 11-digit id is an int shown with format "0", not 8.6E+10."""
    source = make_workbook(tmp_path / "spring.xlsx")
    sheet = sheet_of(write_results(source, {3: CREATED}).path)
    meeting_id, url, password, start, local, status, error = (
        cell(sheet, 3, c) for c in range(6, 13)
    )
    assert meeting_id.value == 85746065432
    assert meeting_id.data_type == "n"
    assert meeting_id.number_format == "0"
    assert url.value == JOIN
    assert url.hyperlink is not None
    assert url.hyperlink.target == JOIN
    assert (url.font.underline, url.font.color.rgb) == ("single", "FF0563C1")  # looks like a link
    assert (password.value, password.number_format) == ("012345", "@")
    assert start.value == "2027-05-03T09:00:00Z"
    assert (local.value, local.number_format) == (LOCAL, "yyyy-mm-dd hh:mm")  # a date-time
    assert (status.value, error.value) == ("created", None)


def test_xlsx_new_header_cells_copy_the_header_style_and_get_a_width(tmp_path: Path) -> None:
    """Added header cells look like the header to their left, and the columns are wide enough."""
    source = make_workbook(tmp_path / "spring.xlsx")
    sheet = sheet_of(write_results(source, {3: CREATED}).path)
    left = cell(sheet, 2, 5)
    for column in range(6, 13):
        added = cell(sheet, 2, column)
        assert looks(added) == looks(left)
    assert sheet.column_dimensions["G"].width >= 40  # zoom_join_url
    assert sheet.column_dimensions["F"].width >= 12  # zoom_meeting_id


def test_xlsx_existing_zoom_columns_are_updated_in_place(tmp_path: Path) -> None:
    """Headers like ' ZOOM_Status' or 'Zoom_Meeting_ID' are reused; the rest are appended after."""
    path = tmp_path / "spring.xlsx"
    source = make_workbook(path, extra_headers=("Zoom_Meeting_ID", " ZOOM_Status ", "zoom_error"))
    workbook = load_workbook(path)
    sheet = workbook["Timetable"]
    assert isinstance(sheet, Worksheet)
    sheet["F3"], sheet["G3"], sheet["H3"] = None, "failed", "Zoom was unreachable."
    workbook.save(path)
    source = source_for(path, header_row=2, sheet="Timetable")

    after = sheet_of(write_results(source, {3: CREATED}).path)
    assert header(after) == [
        "ID",
        "Topic",
        "Date",
        "Duration",
        "Double",
        "Zoom_Meeting_ID",
        " ZOOM_Status ",
        "zoom_error",
        "zoom_join_url",
        "zoom_password",
        "zoom_start_time",
        "zoom_start_local",
    ]
    assert cell(after, 3, 6).value == 85746065432
    assert cell(after, 3, 7).value == "created"
    assert cell(after, 3, 8).value is None  # the old error is cleared
    assert cell(after, 3, 9).value == JOIN


def test_existing_row_keeps_its_meeting_cells_when_the_result_has_none(tmp_path: Path) -> None:
    """An `existing` result without id/url/password leaves those cells; other None fields clear."""
    source = make_workbook(tmp_path / "spring.xlsx")
    first = write_results(source, {3: RowResult(**{**CREATED.__dict__, "error": "old"})})
    second = write_results(
        source_for(first.path, header_row=2, sheet="Timetable"), {3: RowResult(status="existing")}
    )
    sheet = sheet_of(second.path)
    values = [cell(sheet, 3, c).value for c in range(6, 13)]
    assert values == [85746065432, JOIN, "012345", None, None, "existing", None]
    assert cell(sheet, 3, 7).hyperlink is not None


def test_a_none_field_clears_the_cell_for_other_statuses(tmp_path: Path) -> None:
    """A row that failed after a create loses the old link: a None field empties its cell."""
    source = make_workbook(tmp_path / "spring.xlsx")
    first = write_results(source, {3: CREATED})
    failed = RowResult(status="failed", error="Zoom refused the host; check the host email.")
    second = write_results(source_for(first.path, header_row=2, sheet="Timetable"), {3: failed})
    sheet = sheet_of(second.path)
    values = [cell(sheet, 3, c).value for c in range(6, 13)]
    assert values == [None, None, None, None, None, "failed", failed.error]
    assert cell(sheet, 3, 7).hyperlink is None


def test_rows_not_in_results_are_left_untouched(tmp_path: Path) -> None:
    """Only rows with a result get result cells."""
    source = make_workbook(tmp_path / "spring.xlsx")
    sheet = sheet_of(write_results(source, {4: CREATED}).path)
    assert [cell(sheet, 3, c).value for c in range(6, 13)] == [None] * 7
    assert [cell(sheet, 5, c).value for c in range(6, 13)] == [None] * 7
    assert cell(sheet, 4, 11).value == "created"


def test_start_url_is_written_only_when_asked(tmp_path: Path) -> None:
    """The host start URL is a credential: absent from the file unless include_start_url."""
    source = make_workbook(tmp_path / "spring.xlsx")
    plain = write_results(source, {3: CREATED})
    with zipfile.ZipFile(plain.path) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"zak=" not in everything
    assert "zoom_start_url" not in header(sheet_of(plain.path))

    wanted = write_results(
        source, {3: CREATED}, output=tmp_path / "hosts.xlsx", include_start_url=True
    )
    sheet = sheet_of(wanted.path)
    assert header(sheet)[-1] == "zoom_start_url"
    assert cell(sheet, 3, 13).value == START


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    """A result starting with "=" never becomes a formula in the user's workbook."""
    source = make_workbook(tmp_path / "spring.xlsx")
    result = RowResult(status="failed", error='=HYPERLINK("x")\x07 bell')
    sheet = sheet_of(write_results(source, {3: result}).path)
    error = cell(sheet, 3, 12)
    assert error.data_type == "s"
    assert error.value == '=HYPERLINK("x") bell'


def test_results_beside_data_columns_without_header_do_not_overwrite_them(tmp_path: Path) -> None:
    """Data in a column with no header cell is kept: the result columns go to its right."""
    path = tmp_path / "spring.xlsx"
    make_workbook(path)
    workbook = load_workbook(path)
    sheet = workbook["Timetable"]
    assert isinstance(sheet, Worksheet)
    sheet["G4"] = "note without a header"
    workbook.save(path)
    after = sheet_of(write_results(source_for(path, header_row=2), {3: CREATED}).path)
    assert cell(after, 4, 7).value == "note without a header"
    assert cell(after, 2, 8).value == "zoom_meeting_id"


def test_an_excel_table_on_the_header_row_grows_to_hold_the_result_columns(
    tmp_path: Path,
) -> None:
    """A roster formatted as an Excel table keeps one table, now including the zoom_* columns."""
    path = tmp_path / "spring.xlsx"
    make_workbook(path)
    workbook = load_workbook(path)
    sheet = workbook["Timetable"]
    assert isinstance(sheet, Worksheet)
    table = Table(displayName="Sessions", ref="A2:E5")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)
    workbook.save(path)

    after = sheet_of(write_results(source_for(path, header_row=2), {3: CREATED}).path)
    grown = after.tables["Sessions"]
    assert grown.ref == "A2:L5"
    assert [c.name for c in grown.tableColumns][-7:] == list(OUTPUT_COLUMNS)
    assert len({c.id for c in grown.tableColumns}) == 12


def test_output_is_private_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    """The result holds passcodes: mode 0600, and the temporary file is renamed away."""
    source = make_workbook(tmp_path / "spring.xlsx")
    outcome = write_results(source, {3: CREATED})
    assert stat.S_IMODE(outcome.path.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == []
    assert source.path.read_bytes() != outcome.path.read_bytes()
    assert fingerprint(source.path)[2] == source.sha256  # the roster itself is not touched


def test_output_to_an_explicit_path(tmp_path: Path) -> None:
    """output= writes exactly there."""
    source = make_workbook(tmp_path / "spring.xlsx")
    target = tmp_path / "links.xlsx"
    assert write_results(source, {3: CREATED}, output=target).path == target
    assert cell(sheet_of(target), 3, 11).value == "created"


def test_in_place_updates_the_roster_and_keeps_a_bak(tmp_path: Path) -> None:
    """in_place rewrites the roster (keeping its own mode) and keeps <name>.bak (0600),
    byte-identical to the old one."""
    source = make_workbook(tmp_path / "spring.xlsx")
    source.path.chmod(0o644)
    original = source.path.read_bytes()
    outcome = write_results(source, {3: CREATED}, in_place=True)
    assert (outcome.path, outcome.backup, outcome.diverted) == (
        source.path, tmp_path / "spring.xlsx.bak", False
    )  # fmt: skip
    assert outcome.roster_sha256 == hashlib.sha256(source.path.read_bytes()).hexdigest()
    assert (tmp_path / "spring.xlsx.bak").read_bytes() == original
    assert cell(sheet_of(source.path), 3, 11).value == "created"
    assert stat.S_IMODE(source.path.stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "spring.xlsx.bak").stat().st_mode) == 0o600
    assert leftovers(tmp_path) == []


EXISTING = RowResult(**{**CREATED.__dict__, "status": "existing"})


def make_csv(path: Path, text: str) -> SourceInfo:
    write_csv(path, text, "utf-8")
    return read_source(path)


def read_source(path: Path) -> SourceInfo:
    """The roster as a new run reads it (the fixtures' header rows, sheets and encodings)."""
    if path.suffix == ".csv":
        return source_for(path, header_row=1, encoding="utf-8", delimiter=",")
    return source_for(path, header_row=2, sheet="Timetable")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o664])
def test_a_roster_written_in_place_keeps_its_mode_and_owner(tmp_path: Path, mode: int) -> None:
    source = make_csv(tmp_path / "spring.csv", "ID,Topic\r\nA,x\r\n")
    source.path.chmod(mode)
    before = source.path.stat()
    write_results(source, {2: CREATED}, in_place=True)
    after = source.path.stat()
    assert stat.S_IMODE(after.st_mode) == mode
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)


def test_a_write_that_changes_nothing_writes_nothing(tmp_path: Path) -> None:
    """The same results again: neither the roster nor a result sheet is rewritten."""
    source = make_workbook(tmp_path / "spring.xlsx")
    first = write_results(source, {3: CREATED})
    os.utime(first.path, ns=(1_000_000_000, 1_000_000_000))
    again = write_results(source, {3: CREATED})
    assert again.unchanged and again.path == first.path
    assert first.path.stat().st_mtime_ns == 1_000_000_000

    roster = make_workbook(tmp_path / "term.xlsx")
    write_results(roster, {3: CREATED}, in_place=True)
    written = read_source(roster.path)
    os.utime(written.path, ns=(2_000_000_000, 2_000_000_000))
    written = read_source(roster.path)
    outcome = write_results(written, {3: CREATED}, in_place=True)
    assert outcome.unchanged and outcome.backup == tmp_path / "term.xlsx.bak"
    assert written.path.stat().st_mtime_ns == 2_000_000_000


def test_the_bak_keeps_the_users_version_while_the_roster_is_batchzooms_own_output(
    tmp_path: Path,
) -> None:
    """Run after run, .bak is the roster from before batchzoom changed it, never batchzoom's output;
    once the user saves the roster again, the next change backs up the user's new version."""
    source = make_csv(tmp_path / "spring.csv", "ID,Topic\r\nA,x\r\n")
    users_own = source.path.read_bytes()
    first = write_results(source, {2: CREATED}, in_place=True)
    second = write_results(
        read_source(source.path), {2: EXISTING}, in_place=True, our_last=first.roster_sha256
    )
    assert not second.unchanged
    assert (tmp_path / "spring.csv.bak").read_bytes() == users_own
    edited = source.path.read_bytes() + b"B,y\r\n"  # the user adds a row and saves
    source.path.write_bytes(edited)
    write_results(
        read_source(source.path), {2: EXISTING, 3: CREATED}, in_place=True,
        our_last=second.roster_sha256,
    )  # fmt: skip
    assert (tmp_path / "spring.csv.bak").read_bytes() == edited


def test_output_naming_the_roster_itself_is_in_place_with_a_bak(tmp_path: Path) -> None:
    """output= the roster's own path gets the same safety as in_place."""
    source = make_workbook(tmp_path / "spring.xlsx")
    outcome = write_results(source, {3: CREATED}, output=tmp_path / "spring.xlsx")
    assert outcome.backup == tmp_path / "spring.xlsx.bak"


def test_in_place_is_diverted_when_the_roster_changed_on_disk(tmp_path: Path) -> None:
    """A roster edited since it was read is not overwritten; results go beside it."""
    source = make_workbook(tmp_path / "spring.xlsx")
    workbook = load_workbook(source.path)
    workbook["Notes"]["C1"] = "edited meanwhile"
    workbook.save(source.path)
    edited = source.path.read_bytes()

    outcome = write_results(source, {3: CREATED}, in_place=True)
    assert outcome.diverted
    assert outcome.path == tmp_path / "spring.scheduled.xlsx"
    assert outcome.backup is None
    assert outcome.reason == (
        f"{source.path} was changed while batchzoom was running; "
        f"the results were written to {outcome.path} instead."
    )
    assert source.path.read_bytes() == edited
    assert not (tmp_path / "spring.xlsx.bak").exists()
    assert cell(sheet_of(outcome.path), 3, 11).value == "created"


def test_in_place_is_diverted_when_excel_has_the_roster_open(tmp_path: Path) -> None:
    """An Excel owner file ~$<name> beside the roster means it is open: write beside it."""
    source = make_workbook(tmp_path / "spring.xlsx")
    (tmp_path / "~$spring.xlsx").write_bytes(b"owner")
    original = source.path.read_bytes()
    outcome = write_results(source, {3: CREATED}, in_place=True)
    assert (outcome.diverted, outcome.path) == (True, tmp_path / "spring.scheduled.xlsx")
    assert outcome.reason is not None
    assert "open in Excel" in outcome.reason
    assert str(outcome.path) in outcome.reason
    assert source.path.read_bytes() == original


def test_unwritable_folder_is_an_output_error_leaving_nothing(tmp_path: Path) -> None:
    """A target whose folder is really a file gives one actionable sentence, no traceback."""
    source = make_workbook(tmp_path / "spring.xlsx")
    (tmp_path / "afile").write_text("x")
    target = tmp_path / "afile" / "out.xlsx"
    with pytest.raises(OutputError) as caught:
        write_results(source, {3: CREATED}, output=target)
    message = str(caught.value)
    assert str(target) in message
    assert "--output" in message
    assert message.count(". ") == 0
    assert leftovers(tmp_path) == []


def test_failed_backup_leaves_the_roster_untouched(tmp_path: Path) -> None:
    """If the .bak cannot be written, the roster is not replaced and no temporary file remains."""
    source = make_workbook(tmp_path / "spring.xlsx")
    original = source.path.read_bytes()
    (tmp_path / "spring.xlsx.bak").mkdir()
    with pytest.raises(OutputError):
        write_results(source, {3: CREATED}, in_place=True)
    assert source.path.read_bytes() == original
    assert leftovers(tmp_path) == []


def test_output_with_another_extension_is_refused(tmp_path: Path) -> None:
    """xlsx is written as xlsx and csv as csv; another extension says to use the roster's."""
    source = make_workbook(tmp_path / "spring.xlsx")
    with pytest.raises(OutputError, match=r"use the same extension as the roster spring\.xlsx"):
        write_results(source, {3: CREATED}, output=tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_output_to_a_file_open_in_excel_is_refused(tmp_path: Path) -> None:
    """An output file Excel holds open is not replaced under it."""
    source = make_workbook(tmp_path / "spring.xlsx")
    (tmp_path / "~$spring.scheduled.xlsx").write_bytes(b"owner")
    with pytest.raises(OutputError, match="open in Excel"):
        write_results(source, {3: CREATED})


def test_xlsm_keeps_its_macros(tmp_path: Path) -> None:
    """A macro workbook is loaded with keep_vba, so its VBA project is written back."""
    plain = tmp_path / "plain.xlsx"
    make_workbook(plain)
    path = tmp_path / "macros.xlsm"
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            new.writestr(item, old.read(item.filename))
        new.writestr("xl/vbaProject.bin", b"VBA-PROJECT-BYTES")
    source = source_for(path, header_row=2, sheet="Timetable")
    outcome = write_results(source, {3: CREATED})
    assert outcome.path == tmp_path / "macros.scheduled.xlsm"
    with zipfile.ZipFile(outcome.path) as archive:
        assert archive.read("xl/vbaProject.bin") == b"VBA-PROJECT-BYTES"
    assert cell(sheet_of(outcome.path), 3, 11).value == "created"


def test_a_row_at_or_above_the_header_is_a_programming_error(tmp_path: Path) -> None:
    """Results are for data rows only."""
    source = make_workbook(tmp_path / "spring.xlsx")
    with pytest.raises(ValueError, match="not a data row"):
        write_results(source, {2: CREATED})


# --- csv ------------------------------------------------------------------------------------


def write_csv(path: Path, text: str, encoding: str) -> None:
    path.write_bytes(text.encode(encoding))


def test_csv_untouched_cells_and_title_rows_stay_byte_identical(tmp_path: Path) -> None:
    """Only result cells are new; every other cell keeps its exact text and quoting, with \\r\\n."""
    path = tmp_path / "spring.csv"
    text = (
        "Spring timetable,,\r\n"
        "ID,Topic,Note\r\n"
        'KOR101-01,"Korean, intro","He said ""hi"""\r\n'
        'KOR101-02,"quoted", 007 \r\n'
        'MAT201-01,"two\nlines",\r\n'
    )
    write_csv(path, text, "utf-8")
    source = source_for(path, header_row=2, encoding="utf-8", delimiter=",")
    outcome = write_results(source, {3: CREATED, 5: RowResult(status="invalid", error="Bad; fix.")})
    assert outcome.path == tmp_path / "spring.scheduled.csv"
    assert (
        outcome.path.read_bytes()
        == (
            "Spring timetable,,\r\n"
            "ID,Topic,Note,zoom_meeting_id,zoom_join_url,zoom_password,zoom_start_time,"
            "zoom_start_local,zoom_status,zoom_error\r\n"
            f'KOR101-01,"Korean, intro","He said ""hi""",85746065432,{JOIN},012345,'
            "2027-05-03T09:00:00Z,2027-05-03 18:00,created,\r\n"
            'KOR101-02,"quoted", 007 \r\n'
            'MAT201-01,"two\nlines",,,,,,,invalid,Bad; fix.\r\n'
        ).encode()
    )
    assert stat.S_IMODE(outcome.path.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == []


def test_csv_lf_line_endings_become_excel_crlf(tmp_path: Path) -> None:
    """Records end in \\r\\n as Excel writes them, whatever the input used."""
    path = tmp_path / "spring.csv"
    write_csv(path, "ID,Topic\nA,x\nB,y", "utf-8")
    outcome = write_results(
        source_for(path, header_row=1, encoding="utf-8", delimiter=","), {2: CREATED}
    )
    lines = outcome.path.read_bytes().split(b"\r\n")
    assert lines[2] == b"B,y"
    assert lines[-1] == b""
    assert b"\n" not in b"".join(lines)


def test_csv_utf8_bom_stays_a_bom(tmp_path: Path) -> None:
    """A UTF-8 file with a BOM (what Excel writes for "CSV UTF-8") keeps its BOM."""
    path = tmp_path / "spring.csv"
    write_csv(path, "ID,주제\r\nA,한국어\r\n", "utf-8-sig")
    source = source_for(path, header_row=1, encoding="utf-8-sig", delimiter=",")
    data = write_results(source, {2: CREATED}).path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfID,\xec\xa3\xbc\xec\xa0\x9c,zoom_meeting_id")
    assert data.count(b"\xef\xbb\xbf") == 1


def test_csv_cp949_keeps_korean_and_replaces_what_it_cannot_hold(tmp_path: Path) -> None:
    """A CP949 roster stays CP949; a character CP949 lacks becomes "?" instead of crashing."""
    path = tmp_path / "시간표.csv"
    write_csv(path, "시간표 2027\r\n아이디,주제\r\nKOR-1,국어 입문\r\n", "cp949")
    source = source_for(path, header_row=2, encoding="cp949", delimiter=",")
    result = RowResult(status="failed", error="호스트를 찾을 수 없습니다 🙁")
    data = write_results(source, {3: result}).path.read_bytes()
    assert data.decode("cp949").splitlines() == [
        "시간표 2027",
        "아이디,주제,zoom_meeting_id,zoom_join_url,zoom_password,zoom_start_time,"
        "zoom_start_local,zoom_status,zoom_error",
        "KOR-1,국어 입문,,,,,,failed,호스트를 찾을 수 없습니다 ?",
    ]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_csv_keeps_its_delimiter(tmp_path: Path, delimiter: str) -> None:
    """Semicolon (European Excel) and tab files are written with the same delimiter."""
    path = tmp_path / "spring.csv"
    write_csv(path, f"ID{delimiter}Topic\r\nA{delimiter}x,y\r\n", "utf-8")
    source = source_for(path, header_row=1, encoding="utf-8", delimiter=delimiter)
    lines = write_results(source, {2: CREATED}).path.read_bytes().decode().split("\r\n")
    assert lines[0].split(delimiter)[:3] == ["ID", "Topic", "zoom_meeting_id"]
    assert lines[1].startswith(f"A{delimiter}x,y{delimiter}85746065432{delimiter}")


def test_csv_existing_zoom_columns_are_updated_not_duplicated(tmp_path: Path) -> None:
    """Mixed-case zoom_* headers are reused, short rows are padded to reach them."""
    path = tmp_path / "spring.csv"
    write_csv(path, "ID, Zoom_Status ,ZOOM_ERROR\r\nA,failed,Zoom was down.\r\nB\r\n", "utf-8")
    source = source_for(path, header_row=1, encoding="utf-8", delimiter=",")
    outcome = write_results(source, {2: CREATED, 3: RowResult(status="planned")})
    rows = list(csv.reader(io.StringIO(outcome.path.read_bytes().decode(), newline="")))
    assert rows[0] == [
        "ID",
        " Zoom_Status ",
        "ZOOM_ERROR",
        "zoom_meeting_id",
        "zoom_join_url",
        "zoom_password",
        "zoom_start_time",
        "zoom_start_local",
    ]
    assert rows[1] == [
        "A", "created", "", "85746065432", JOIN, "012345", "2027-05-03T09:00:00Z",
        "2027-05-03 18:00",
    ]  # fmt: skip
    assert rows[2] == ["B", "planned", "", "", "", "", "", ""]


def test_csv_in_place_keeps_a_bak_and_diverts_when_changed(tmp_path: Path) -> None:
    """The in-place rules are the same for CSV rosters."""
    path = tmp_path / "spring.csv"
    write_csv(path, "ID,Topic\r\nA,x\r\n", "utf-8")
    source = source_for(path, header_row=1, encoding="utf-8", delimiter=",")
    outcome = write_results(source, {2: CREATED}, in_place=True)
    assert outcome.backup == tmp_path / "spring.csv.bak"
    assert outcome.backup.read_bytes() == b"ID,Topic\r\nA,x\r\n"
    assert b"created" in path.read_bytes()

    diverted = write_results(source, {2: CREATED}, in_place=True)  # the roster changed above
    assert diverted.diverted
    assert diverted.path == tmp_path / "spring.scheduled.csv"


CELL_TEXT = {
    encoding: st.text(
        st.characters(codec=encoding.removesuffix("-sig"), exclude_categories=["Cs"]), max_size=12
    )
    for encoding in ("utf-8", "utf-8-sig", "cp949")
}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.data(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp949"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_csv_arbitrary_cell_text_round_trips_unchanged(
    tmp_path: Path, data: st.DataObject, encoding: str, delimiter: str
) -> None:
    """Any cell text the encoding can hold comes back unchanged after a write-back."""
    text = CELL_TEXT[encoding]
    title = data.draw(text)
    body = data.draw(st.lists(st.lists(text, min_size=3, max_size=3), min_size=1, max_size=4))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([[title, "", ""], ["ID", "Topic", "Note"], *body])
    path = tmp_path / "roster.csv"
    write_csv(path, buffer.getvalue(), encoding)
    source = source_for(path, header_row=2, encoding=encoding, delimiter=delimiter)
    chosen = {row: CREATED for row in range(3, 3 + len(body), 2)}

    written = write_results(source, chosen).path.read_bytes().decode(encoding)
    rows = list(csv.reader(io.StringIO(written, newline=""), delimiter=delimiter))
    assert rows[0] == [title, "", ""]
    assert rows[1] == ["ID", "Topic", "Note", *OUTPUT_COLUMNS]
    for number, original in enumerate(body, start=3):
        if number in chosen:
            assert rows[number - 1][:3] == original
            assert rows[number - 1][3:] == [
                "85746065432",
                JOIN,
                "012345",
                "2027-05-03T09:00:00Z",
                "2027-05-03 18:00",
                "created",
                "",
            ]
        else:
            assert rows[number - 1] == original
    os.remove(path)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.text(alphabet='ab,;"\r\n \t', max_size=40), delimiter=st.sampled_from([",", ";"]))
def test_csv_odd_quoting_never_crashes_and_keeps_every_cell(
    tmp_path: Path, raw: str, delimiter: str
) -> None:
    """Stray quotes, bare CRs or an unclosed quote at the end: every cell reads back the same."""
    path = tmp_path / "odd.csv"
    write_csv(path, f"ID{delimiter}Topic\r\n{raw}", "utf-8")
    before = list(
        csv.reader(io.StringIO(path.read_bytes().decode(), newline=""), delimiter=delimiter)
    )
    source = source_for(path, header_row=1, encoding="utf-8", delimiter=delimiter)
    chosen = {row: CREATED for row in range(2, len(before) + 1, 2)}

    written = write_results(source, chosen).path.read_bytes().decode()
    after = list(csv.reader(io.StringIO(written, newline=""), delimiter=delimiter))
    assert len(after) == len(before)
    for number, (old, new) in enumerate(zip(before, after, strict=True), start=1):
        if number == 1 or number in chosen:
            # Result cells may fill cells that were blank; no other cell changes.
            assert len(new) >= len(old)
            assert all(n == o or o == "" for o, n in zip(old, new, strict=False))
        else:
            assert new == old
    os.remove(path)


def test_replacement_is_skipped_when_the_file_changed_at_the_last_moment(tmp_path: Path) -> None:
    """The final look before the rename: a save made while the result was built is kept."""
    from batchzoom.files.atomic import RosterChangedError, atomic_write

    target = tmp_path / "spring.csv"
    target.write_bytes(b"a person's edit\r\n")
    with pytest.raises(RosterChangedError):
        atomic_write(target, b"batchzoom's result\r\n", still=lambda: False)
    assert target.read_bytes() == b"a person's edit\r\n"
    assert [p.name for p in tmp_path.iterdir()] == ["spring.csv"]  # no temporary left


def test_stale_temporaries_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    from batchzoom.files.roster import SourceInfo
    from batchzoom.files.writeback import remove_stale_temporaries

    roster = tmp_path / "spring.xlsx"
    roster.write_bytes(b"x")
    stale = [
        tmp_path / ".spring.xlsx.abc123.tmp",
        tmp_path / ".spring.xlsx.bak.q1.tmp",
        tmp_path / ".spring.scheduled.xlsx.zz.tmp",
    ]
    unrelated = tmp_path / ".other.xlsx.abc.tmp"
    for path in [*stale, unrelated]:
        path.write_bytes(b"old")
    source = SourceInfo(roster, "xlsx", "Sheet", 1, None, None, 1, 0, "")
    assert sorted(remove_stale_temporaries(source)) == sorted(stale)
    assert unrelated.exists() and not any(p.exists() for p in stale)


# --- merged cells ---------------------------------------------------------------------------


def test_results_go_after_a_merged_header_cell_spanning_the_next_columns(tmp_path: Path) -> None:
    """A header merged across F2:H2 keeps its cells; the zoom_* columns start at I."""
    path = tmp_path / "spring.xlsx"
    make_workbook(path)
    workbook = load_workbook(path)
    sheet = workbook["Timetable"]
    assert isinstance(sheet, Worksheet)
    sheet["F2"] = "Notes"
    sheet.merge_cells("F2:H2")
    workbook.save(path)
    after = sheet_of(write_results(source_for(path, header_row=2), {3: CREATED}).path)
    assert cell(after, 2, 6).value == "Notes"
    assert "F2:H2" in {str(r) for r in after.merged_cells.ranges}
    assert cell(after, 2, 9).value == "zoom_meeting_id"
    assert cell(after, 3, 9).value == 85746065432


def test_a_note_merged_across_a_zoom_column_stops_the_run_before_sending(tmp_path: Path) -> None:
    """check_target, called before anything is sent, names the merged cells to unmerge."""
    path = tmp_path / "spring.xlsx"
    make_workbook(path, extra_headers=("zoom_meeting_id", "zoom_status"))
    workbook = load_workbook(path)
    sheet = workbook["Timetable"]
    assert isinstance(sheet, Worksheet)
    sheet["E4"] = "moved to room 5"
    sheet.merge_cells("E4:G4")
    workbook.save(path)
    source = source_for(path, header_row=2)
    with pytest.raises(OutputError) as caught:
        check_target(source, None)
    message = str(caught.value)
    assert "E4:G4" in message and "unmerge" in message
    assert message.count(". ") == 0
    assert not (tmp_path / "spring.scheduled.xlsx").exists()
