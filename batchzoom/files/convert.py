"""An .xls or OpenDocument roster copied into a new .xlsx workbook, for its result sheet.

batchzoom edits a workbook's XML to write results losslessly; an ``.xls`` (BIFF) or ``.ods``
file has no such XML, so its result goes to ``<name>.scheduled.xlsx``: a workbook holding the
roster sheet's cells as python-calamine read them (text, numbers, dates and times keep their
types), into which the results are then written as into any roster. Formatting, other sheets
and formulas of the original are not carried over; the original file is never changed.
"""

from __future__ import annotations

import io
from typing import Final, cast

CONVERTED: Final = ("xls", "ods")  # the formats whose results go to a new .xlsx


def as_xlsx(data: bytes, sheet: str | None) -> bytes:
    """The cells of worksheet ``sheet`` of the workbook ``data``, as a new .xlsx file."""
    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    title = sheet if sheet is not None else book.sheet_names[0]
    grid = cast(list[list[object]], book.get_sheet_by_name(title).to_python(skip_empty_area=False))
    out = Workbook()
    target = out.active
    assert target is not None
    target.title = title
    for row in grid:
        target.append([None if cell == "" else cell for cell in row])
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
