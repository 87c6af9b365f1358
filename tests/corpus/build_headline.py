"""Build headline.xlsm: a roster holding a chart, an image, comments, data validation, a
formula-computed start date and a VBA project (see SOURCES.md).

Run with XlsxWriter installed (``pip install xlsxwriter``); the committed file is what the
tests use, so the tests do not need XlsxWriter. The VBA project and the picture are taken
from XlsxWriter's Excel-made test files ``macro01.xlsm`` and ``image01.xlsx``.
"""

from __future__ import annotations

import sys
import zipfile
from datetime import datetime
from pathlib import Path

import xlsxwriter  # type: ignore[import-not-found, import-untyped, unused-ignore]


def build(macro_workbook: Path, image_workbook: Path, target: Path) -> None:
    vba = zipfile.ZipFile(macro_workbook).read("xl/vbaProject.bin")
    picture = zipfile.ZipFile(image_workbook).read("xl/media/image1.png")
    folder = target.parent
    (folder / "vbaProject.bin").write_bytes(vba)
    (folder / "picture.png").write_bytes(picture)
    book = xlsxwriter.Workbook(str(target))
    book.set_vba_name()
    book.add_vba_project(str(folder / "vbaProject.bin"))
    bold = book.add_format({"bold": True, "bg_color": "#FFFF00"})
    day = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet = book.add_worksheet("Sessions")
    sheet.set_vba_name()
    headers = ["id", "topic", "base", "start", "duration", "timezone", "host"]
    sheet.write_row(0, 0, headers, bold)
    sheet.write_comment("D1", "start = base + 7 days, computed by a formula")
    rows = [
        ("HL-01", "Algebra", datetime(2027, 4, 26, 9, 0), 50),
        ("HL-02", "Geometry", datetime(2027, 4, 27, 14, 30), 90),
        ("HL-03", "Statistics", datetime(2027, 4, 28, 18, 0), 75),
    ]
    for index, (key, topic, base, minutes) in enumerate(rows, start=1):
        sheet.write(index, 0, key)
        sheet.write(index, 1, topic)
        sheet.write_datetime(index, 2, base, day)
        serial = (base - datetime(1899, 12, 30)).total_seconds() / 86400 + 7
        sheet.write_formula(index, 3, f"=C{index + 1}+7", day, serial)
        sheet.write(index, 4, minutes)
        sheet.write(index, 5, "Asia/Seoul")
        sheet.write(index, 6, "teacher@school.example")
    sheet.write_comment("B3", "needs the big room")
    sheet.data_validation(
        "E2:E100", {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 1440}
    )
    sheet.data_validation(
        "F2:F100", {"validate": "list", "source": ["Asia/Seoul", "UTC", "Europe/London"]}
    )
    sheet.conditional_format(
        "E2:E100", {"type": "cell", "criteria": ">", "value": 60, "format": bold}
    )
    sheet.freeze_panes(1, 0)
    sheet.autofilter("A1:G4")
    sheet.set_column("B:B", 24)
    sheet.set_column("C:D", 18)
    chart = book.add_chart({"type": "column"})
    chart.add_series(
        {"categories": "=Sessions!$B$2:$B$4", "values": "=Sessions!$E$2:$E$4", "name": "minutes"}
    )
    sheet.insert_chart("I2", chart)
    sheet.insert_image("I18", str(folder / "picture.png"))
    notes = book.add_worksheet("Notes")
    notes.write("A1", "Total minutes")
    notes.write_formula("B1", "=SUM(Sessions!E2:E4)", None, 215)
    book.define_name("Durations", "=Sessions!$E$2:$E$4")
    book.close()
    (folder / "vbaProject.bin").unlink()
    (folder / "picture.png").unlink()


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
