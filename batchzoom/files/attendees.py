"""Reading the attendee sheet: a roster workbook's ``Attendees``/``참석자`` sheet, or its own file.

The same machinery as the roster (``batchzoom.files.roster``: header row found among the
first rows, headers matched by aliases ignoring case and punctuation, cells kept as read),
with the attendee sheet's own fields (``batchzoom.model.columns.ATTENDEE_ALIASES``).
Checking the cells is ``batchzoom.model.attendees.validate_attendees``'s job.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from batchzoom.core.errors import InputError
from batchzoom.core.i18n import _
from batchzoom.files.roster import (
    XLSX_SUFFIXES,
    HeaderRules,
    Roster,
    SourceInfo,
    _grid_layout,
    _header_text,
    _match_headers,
    _open,
    _read_grid,
)
from batchzoom.model.columns import ATTENDEE_INPUT_FIELDS, ATTENDEE_SHEETS, match_attendee_header

ATTENDEE_HEADERS = HeaderRules(match_attendee_header, frozenset(ATTENDEE_INPUT_FIELDS))


def attendee_sheet(path: Path) -> str | None:
    """The title of a workbook's attendee sheet (``Attendees`` or ``참석자``), or None."""
    if Path(path).suffix.lower() not in XLSX_SUFFIXES:
        return None
    data, _, _ = _open(Path(path))
    try:
        from python_calamine import CalamineWorkbook

        names = CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException:  # the parser's own errors; reading the roster says what is wrong
        return None
    wanted = {name.casefold() for name in ATTENDEE_SHEETS}
    return next((name for name in names if name.strip().casefold() in wanted), None)


def read_attendees(path: Path, *, sheet: str | None = None, encoding: str | None = None) -> Roster:
    """Read the attendee table at ``path`` (a CSV file, or a workbook's ``sheet``).

    Raises ``InputError`` when the file cannot be used at all (no header row naming an
    email column, or no attendee below it).
    """
    path = Path(path)
    data, size, mtime_ns = _open(path)
    grid, how = _read_grid(path, data, sheet, encoding)
    layout = _grid_layout(grid, ATTENDEE_HEADERS)
    del grid
    where = (
        _('sheet "{sheet}" of {file}').format(sheet=how.sheet, file=path.name)
        if how.sheet is not None
        else path.name
    )
    if layout.header_index < 0:
        raise InputError(
            _("{where} is empty; add a header row and one row per attendee.").format(where=where)
        )
    headers = [_header_text(value) for value in layout.header_cells]
    headers += [""] * (layout.width - len(headers))
    columns, positions, ignored = _match_headers(headers, {}, ATTENDEE_HEADERS)
    if "email" not in columns:
        found = ", ".join(header.strip() for header in headers if header.strip()) or _("none")
        raise InputError(
            _(
                "{where} has no email column; the header row (row {row}) has: {found}; add id, "
                "email, first_name and last_name columns (이메일, 이름, 성)."
            ).format(where=where, row=layout.header_index + 1, found=found)
        )
    source = SourceInfo(
        path=path,
        format=how.format,
        sheet=how.sheet,
        header_row=layout.header_index + 1,
        encoding=how.encoding,
        delimiter=how.delimiter,
        size=size,
        mtime_ns=mtime_ns,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return Roster(
        source=source,
        headers=headers,
        columns=columns,
        ignored=ignored,
        rows=layout.rows,
        cells=layout.cells,
        positions=positions,
        warnings=list(how.warnings),
    )
