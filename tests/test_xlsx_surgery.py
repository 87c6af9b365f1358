"""Results written into a workbook's XML: the edge cases of real packages, checked directly.

Rows and cells without ``r`` attributes, results overwriting formulas (the calculation chain),
links that change between runs, zip members with data descriptors, and arbitrary text.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook

from batchzoom.files.ooxml import column_number, parse_range
from batchzoom.files.package import Package
from batchzoom.files.roster import SourceInfo
from batchzoom.files.writeback import write_results
from batchzoom.model.outcomes import RowResult
from batchzoom.model.problems import column_letters
from tests.workbooks import contents, fingerprint, stored_members

JOIN = "https://us02web.zoom.us/j/85746065432?pwd=abc&x=1"


def created(meeting_id: int = 85746065432, join: str = JOIN) -> RowResult:
    return RowResult(
        status="created",
        meeting_id=meeting_id,
        join_url=join,
        password="012345",
        start_time="2027-05-03T09:00:00Z",
    )


def source(path: Path, sheet: str = "Roster") -> SourceInfo:
    size, mtime_ns, sha256 = fingerprint(path)
    return SourceInfo(path, "xlsx", sheet, 1, None, None, size, mtime_ns, sha256)


def roster(path: Path, formula_in_status: bool = False) -> None:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "Roster"
    sheet.append(["id", "topic", "minutes", "zoom_status"])
    sheet.append(["A-1", "Algebra", 50, "=C2*2" if formula_in_status else None])
    sheet.append(["A-2", "Geometry", 90, None])
    book.save(path)


def edit_member(path: Path, name: str, change: object) -> None:
    """Rewrite one member's text with ``change(text) -> text``."""
    members = contents(path)
    text = members[name].decode()
    assert callable(change)
    members[name] = change(text).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)


def grid(path: Path, sheet: str = "Roster") -> list[list[object]]:
    book = CalamineWorkbook.from_path(str(path))
    return [list(row) for row in book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)]


def test_rows_and_cells_without_references_get_results_in_the_right_places(
    tmp_path: Path,
) -> None:
    """Some writers leave out r="..." on rows and cells; positions are then implied by order."""
    path = tmp_path / "roster.xlsx"
    roster(path)
    edit_member(path, "xl/worksheets/sheet1.xml", lambda t: re.sub(r' r="[A-Z]*\d+"', "", t))
    assert grid(path)[1][:2] == ["A-1", "Algebra"]
    result = write_results(source(path), {3: created()}).path
    cells = grid(result)
    assert cells[0][:4] == ["id", "topic", "minutes", "zoom_status"]
    assert cells[1][:3] == ["A-1", "Algebra", 50.0]
    assert cells[2][:4] == ["A-2", "Geometry", 90.0, "created"]
    assert cells[2][4] == 85746065432.0
    assert cells[2][5] == JOIN


def test_a_result_over_a_formula_drops_the_calculation_chain_so_excel_rebuilds_it(
    tmp_path: Path,
) -> None:
    """A calcChain naming a cell that no longer holds a formula makes Excel repair the file."""
    path = tmp_path / "roster.xlsx"
    roster(path, formula_in_status=True)
    chain = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<c r="D2" i="1"/></calcChain>'
    )
    members = contents(path)
    members["xl/calcChain.xml"] = chain.encode()
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.calcChain+xml"/></Types>',
    )
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdChain" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)

    result = write_results(source(path), {2: created()}).path
    after = contents(result)
    assert "xl/calcChain.xml" not in after
    assert b"calcChain" not in after["[Content_Types].xml"]
    assert b"calcChain" not in after["xl/_rels/workbook.xml.rels"]
    assert grid(result)[1][3] == "created"
    load_workbook(result)  # still a valid package

    untouched = write_results(source(path), {3: created()}).path
    assert "xl/calcChain.xml" in contents(untouched)  # no formula replaced: the chain stays


def test_a_changed_link_replaces_its_relationship_and_reruns_add_nothing(tmp_path: Path) -> None:
    """Run after run, each join cell has one link relationship: no orphans pile up."""
    path = tmp_path / "roster.xlsx"
    roster(path)
    first = write_results(source(path), {2: created(), 3: created(111, JOIN + "2")}, in_place=True)
    once = contents(first.path)
    second = write_results(source(path), {2: created(), 3: created(222, JOIN + "3")}, in_place=True)
    twice = contents(second.path)
    rels = twice["xl/worksheets/_rels/sheet1.xml.rels"].decode()
    assert rels.count("/hyperlink") == 2
    assert "j/85746065432?pwd=abc&amp;x=13" in rels
    assert "x=12" not in rels
    sheet = load_workbook(second.path)["Roster"]
    assert isinstance(sheet, Worksheet)
    assert sheet["F3"].hyperlink is not None and sheet["F3"].hyperlink.target == JOIN + "3"
    assert twice["xl/styles.xml"] == once["xl/styles.xml"]  # the formats from the first run
    third = write_results(source(path), {2: created(), 3: created(222, JOIN + "3")}, in_place=True)
    assert contents(third.path) == twice  # nothing new: the very same package


def test_a_cleared_link_loses_its_hyperlink(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    roster(path)
    write_results(source(path), {2: created()}, in_place=True)
    failed = RowResult(status="failed", error="Zoom said no.")
    write_results(source(path), {2: failed}, in_place=True)
    after = contents(path)
    assert b"hyperlink" not in after["xl/worksheets/sheet1.xml"]
    assert b"/hyperlink" not in after["xl/worksheets/_rels/sheet1.xml.rels"]


def test_members_with_data_descriptors_are_copied_as_stored(tmp_path: Path) -> None:
    """A package written to a stream (sizes after the data) keeps each member's stored bytes."""
    path = tmp_path / "roster.xlsx"
    roster(path)

    class Stream(io.RawIOBase):
        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, b: object) -> int:
            chunk = bytes(b)  # type: ignore[call-overload]
            self.data += chunk
            return len(chunk)

    stream = Stream()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents(path).items():
            with archive.open(name, "w") as member:
                member.write(data)
    path.write_bytes(bytes(stream.data))
    with zipfile.ZipFile(path) as archive:
        assert all(info.flag_bits & 0x08 for info in archive.infolist())

    result = write_results(source(path), {2: created()}).path
    before, after = stored_members(path), stored_members(result)
    assert {n for n in before if before[n] != after[n]} <= {
        "xl/worksheets/sheet1.xml",
        "xl/styles.xml",
    }
    with zipfile.ZipFile(result) as archive:
        assert archive.testzip() is None


def test_package_rewrite_with_nothing_changed_is_the_same_package() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.xml", "<a/>" * 100, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("b.bin", b"\x00\x01" * 50, compress_type=zipfile.ZIP_STORED)
        archive.comment = b"kept"
    data = buffer.getvalue()
    assert Package(data, "x").rewrite({}, {}) == data


@given(st.integers(min_value=1, max_value=16384))
def test_column_letters_round_trip(column: int) -> None:
    assert column_number(column_letters(column)) == column
    assert parse_range(f"{column_letters(column)}7") == (7, column, 7, column)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(min_size=1, max_size=60))
def test_any_text_reads_back_as_written_without_control_characters(
    tmp_path: Path, text: str
) -> None:
    """Whatever Zoom or an error message says, the cell holds it (XML-illegal characters dropped)."""
    path = tmp_path / "roster.xlsx"
    roster(path)
    result = write_results(source(path), {2: RowResult(status="failed", error=text)}).path
    expected = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)
    expected = expected.replace("\r\n", "\n").replace("\r", "\n")
    row = grid(result)[1]
    read = row[9] if len(row) > 9 else ""  # zoom_error, after zoom_start_local
    assert str(read).replace("\r\n", "\n").replace("\r", "\n") == expected


def test_an_existing_zoom_column_keeps_the_number_format_its_user_gave_it(tmp_path: Path) -> None:
    """A user who formats zoom_meeting_id as #,##0 (or a start column as text) keeps that."""
    path = tmp_path / "roster.xlsx"
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "Roster"
    sheet.append(["id", "topic", "zoom_meeting_id", "zoom_password"])
    sheet.append(["A-1", "Algebra", None, None])
    sheet["C2"].number_format = "#,##0"
    sheet["D2"].number_format = "0.00"  # an odd choice, but the user's
    book.save(path)
    result = write_results(source(path), {2: created()}).path
    after = load_workbook(result)["Roster"]
    assert isinstance(after, Worksheet)
    assert (after["C2"].value, after["C2"].number_format) == (85746065432, "#,##0")
    assert (after["D2"].value, after["D2"].number_format) == ("012345", "0.00")
    assert after["E1"].value == "zoom_join_url"  # the missing columns come after
