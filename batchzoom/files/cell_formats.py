"""Which date cells of a workbook are date-and-time cells, told by their number format.

A workbook stores a date and a date-time alike, as a number; only the cell's number
format says whether a time of day belongs to it. The fast reader (python-calamine)
hands a date-time cell whose time is 00:00 back as a plain date, so a start at
midnight would look like a start without a time. For the few cells where that
matters, the number format is read here (with openpyxl, read-only).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from datetime import date, datetime


def is_date_only(value: object) -> bool:
    """Whether a cell as read is a plain date (a date-time cell at midnight may read so)."""
    return type(value) is date


def with_midnight_times(
    data: bytes, sheet: str, column: int, rows: Sequence[int], values: Sequence[object]
) -> list[object]:
    """``values`` (the cells of 0-based ``column`` on Excel ``rows``) with every plain date
    whose number format shows a time of day turned into that date at 00:00."""
    wanted = {row for row, value in zip(rows, values, strict=True) if is_date_only(value)}
    if not wanted:
        return list(values)
    # openpyxl (which loads numpy when it is installed) only for a workbook that needs it.
    from openpyxl import load_workbook
    from openpyxl.styles.numbers import is_datetime

    timed: set[int] = set()
    with warnings.catch_warnings():
        # openpyxl warns about parts of a workbook it does not understand; not ours to report.
        warnings.simplefilter("ignore")
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            cells = book[sheet].iter_rows(
                min_row=min(wanted), max_row=max(wanted), min_col=column + 1, max_col=column + 1
            )
            for number, (cell,) in enumerate(cells, start=min(wanted)):
                fmt = getattr(cell, "number_format", None)
                if number in wanted and isinstance(fmt, str) and is_datetime(fmt) == "datetime":
                    timed.add(number)
        finally:
            book.close()
    return [
        datetime.combine(value, datetime.min.time())
        if row in timed and isinstance(value, date) and is_date_only(value)
        else value
        for row, value in zip(rows, values, strict=True)
    ]
