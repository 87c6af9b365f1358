"""Rosters that are not files: a pandas DataFrame, or any iterable of mappings (a list of dicts).

``read_records`` turns either into the same ``Roster`` a CSV or workbook gives, so that
``batchzoom.model.validation.validate`` checks its cells exactly as it checks a file's:
the headers (a DataFrame's columns, the mappings' keys) are matched by the roster's aliases,
English and Korean (``batchzoom.model.columns``), and a cell is whatever Python value it
holds, read as a workbook cell of that type is (text as a CSV cell, a ``datetime`` as a
date-time cell). Values from pandas are made plain Python first: a ``Timestamp`` a
``datetime``, numpy numbers ``int``/``float``, ``NaN``, ``NaT`` and ``None`` an empty cell.

A row's number, in messages and results, is its position starting at 1; for a DataFrame
whose index labels are distinct integers, its index label. pandas is imported only when a
DataFrame is passed (it is the optional extra ``batchzoom[pandas]``).

Such a roster has no file to write back to: its results go only to an explicit ``output``
(a ``.csv`` file holding the rows as given plus the ``zoom_*`` columns, see
``write_records``), else nowhere; updating it in place is refused. Its journal is the
run's ``state`` when given, else ``<output stem>.batchzoom.db`` beside ``output``, else
``roster.batchzoom.db`` in the current folder (``records_path``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Final

from batchzoom.core.errors import InputError, OutputError
from batchzoom.core.i18n import _
from batchzoom.files.atomic import atomic_write
from batchzoom.files.input_text import without_controls
from batchzoom.files.roster import (
    Roster,
    SourceInfo,
    _check_required,
    _header_text,
    _match_headers,
)
from batchzoom.files.writeback import csv_with_results
from batchzoom.model.cells import is_blank
from batchzoom.model.outcomes import RowResult

RECORDS: Final = "records"  # SourceInfo.format of a roster read from records
DEFAULT_NAME = "roster.csv"  # the name an in-memory roster goes by (its journal's, beside)


def is_records(source: object) -> bool:
    """True for a roster given as records (a DataFrame or an iterable of mappings), not a path."""
    return not isinstance(source, str | bytes | Path) and (
        _is_dataframe(source) or isinstance(source, Iterable)
    )


def _is_dataframe(source: object) -> bool:
    """A pandas DataFrame, told without importing pandas (a caller who passes one has it)."""
    return any(
        kind.__name__ == "DataFrame" and kind.__module__.startswith("pandas")
        for kind in type(source).__mro__
    )


def records_path(state: Path | None, output: Path | None) -> Path:
    """The path an in-memory roster goes by: where its journal and lock live, named in messages."""
    if output is not None:
        return Path(output).absolute()
    if state is not None:
        state = Path(state).absolute()
        stem = state.name.removesuffix(".db").removesuffix(".batchzoom") or "roster"
        return state.with_name(f"{stem}.csv")
    return Path.cwd() / DEFAULT_NAME


def plain(value: object) -> object:
    """A cell value as plain Python: pandas' and numpy's scalars made ``datetime``/int/float."""
    if value is None or isinstance(value, str | bool | int | float):
        if isinstance(value, float) and math.isnan(value):
            return ""
        return "" if value is None else value
    if is_blank(value):  # NaN, NaT, pd.NA
        return ""
    module = type(value).__module__
    if module.startswith(("numpy", "pandas")):
        for method in ("to_pydatetime", "to_pytimedelta", "item"):
            convert = getattr(value, method, None)
            if callable(convert):
                converted = convert()
                return "" if converted is None else plain(converted)
    if isinstance(value, datetime | date | time | timedelta):
        return value
    return value


def _dataframe_rows(frame: Any) -> tuple[list[object], list[int], list[list[object]]]:
    """Headers, row numbers and rows of a DataFrame (index labels when they are distinct ints)."""
    headers = list(frame.columns)
    labels = [plain(label) for label in frame.index]
    numbered = all(type(label) is int for label in labels) and len(set(labels)) == len(labels)
    rows = [int(label) for label in labels] if numbered else list(range(1, len(labels) + 1))  # type: ignore[call-overload]
    grid = [list(record) for record in frame.itertuples(index=False, name=None)]
    return headers, rows, grid


def _mapping_rows(source: Iterable[object]) -> tuple[list[object], list[int], list[list[object]]]:
    """Headers (every key, in first-seen order), positions from 1, and rows of mappings."""
    records: list[Mapping[object, object]] = []
    for position, record in enumerate(source, start=1):
        if not isinstance(record, Mapping):
            raise InputError(
                _(
                    "Row {row} of the roster is not a mapping of column names to values; "
                    "give a list of dicts or a pandas DataFrame."
                ).format(row=position)
            )
        records.append(record)
    headers: dict[object, None] = {}
    for record in records:
        headers.update(dict.fromkeys(record))
    keys = list(headers)
    grid = [[record.get(key, "") for key in keys] for record in records]
    return keys, list(range(1, len(records) + 1)), grid


def read_records(
    source: object,
    *,
    path: Path | None = None,
    aliases: Mapping[str, Sequence[str]] | None = None,
) -> Roster:
    """Read a roster given as a pandas DataFrame or an iterable of mappings.

    ``path`` is the name it goes by (``records_path``; default ``roster.csv`` in the current
    folder); ``aliases`` adds header texts for fields, as for a file. Raises ``InputError``
    when it cannot be used at all (no rows, a row that is no mapping, a missing column).
    """
    path = Path(path) if path is not None else Path.cwd() / DEFAULT_NAME
    if _is_dataframe(source):
        names, numbers, grid = _dataframe_rows(source)
    else:
        names, numbers, grid = _mapping_rows(source)  # type: ignore[arg-type]
    headers = [_header_text(plain(name)) for name in names]
    columns, positions, ignored = _match_headers(headers, aliases or {})
    if not headers:
        raise InputError(_("The roster has no rows; give one row per session."))
    _check_required(path, columns, headers, 1)
    rows: list[int] = []
    kept: list[list[object]] = []
    for number, record in zip(numbers, grid, strict=True):
        values = [plain(value) for value in record]
        if all(value == "" or is_blank(value) for value in values):
            continue  # a blank row, skipped as a file's is
        rows.append(number)
        kept.append(values)
    if not rows:
        raise InputError(_("The roster has no rows; give one row per session."))
    cells = [list(column) for column in zip(*kept, strict=True)]
    warnings = without_controls(headers, rows, cells)
    digest = hashlib.sha256(repr((headers, rows, kept)).encode()).hexdigest()
    info = SourceInfo(
        path=path,
        format=RECORDS,
        sheet=None,
        header_row=1,
        encoding=None,
        delimiter=None,
        size=0,
        mtime_ns=0,
        sha256=digest,
    )
    return Roster(
        source=info,
        headers=headers,
        columns=columns,
        ignored=ignored,
        rows=rows,
        cells=cells,
        positions=positions,
        warnings=warnings,
    )


def refuse_records_in_place() -> None:
    """An in-memory roster has no file to update: one sentence, before anything is sent."""
    raise OutputError(
        _(
            "A roster given as a DataFrame or as records has no file to update in place; "
            "drop in_place and pass output= a .csv path for the results."
        )
    )


def _text(value: object) -> str:
    """A cell as the text a CSV of the roster would hold."""
    if value == "" or is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def write_records(
    roster: Roster, results: Mapping[int, RowResult], output: Path, columns: tuple[str, ...]
) -> Path:
    """Write the roster's rows as given, with their result ``columns``, as a new CSV at ``output``.

    The ``zoom_*`` columns are filled as in a CSV roster's result sheet (the same writer).
    Raises ``OutputError`` when ``output`` is no ``.csv`` file or cannot be written.
    """
    output = Path(output)
    if output.suffix.lower() != ".csv":
        raise OutputError(
            _(
                "Cannot write the results to {path} because it is not a .csv file; the results "
                "of a DataFrame or of records are written as CSV."
            ).format(path=output)
        )
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(roster.headers)
    lines: dict[int, int] = {}
    for index, row in enumerate(roster.rows):
        writer.writerow([_text(column[index]) for column in roster.cells])
        lines[row] = index + 2  # the CSV's line: after the header
    data = buffer.getvalue().encode("utf-8")
    csv_source = SourceInfo(output, "csv", None, 1, "utf-8", ",", len(data), 0, "")
    shifted = {lines[row]: result for row, result in results.items() if row in lines}
    content = csv_with_results(csv_source, data, shifted, columns)
    atomic_write(output, content, elsewhere=_("choose another output"))
    return output
