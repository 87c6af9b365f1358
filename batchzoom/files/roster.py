"""Reading a roster: .xlsx/.xlsm and .csv files into a table of raw cells.

``read_roster`` opens the file, finds the header row (title and blank rows above
it are fine), matches headers to fields by their aliases (``batchzoom.model.columns``),
and keeps every cell as it was read, numbered by the Excel row it sits on.
Checking the cells is ``batchzoom.model.validation.validate``'s job.

One reader per format: workbooks are read by python-calamine (cells keep their Excel
types: text, numbers, dates and times), CSV text by the standard ``csv`` module (every
cell is text).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast

from batchzoom.core.errors import InputError
from batchzoom.core.i18n import N_, _
from batchzoom.files.cell_formats import is_date_only, with_midnight_times
from batchzoom.files.input_text import decode_mixed, without_controls
from batchzoom.files.sniff import NAMES, Kind, kind_of
from batchzoom.model.cells import is_blank
from batchzoom.model.columns import (
    INPUT_FIELDS,
    closest_header,
    match_header,
    normalize_header,
)
from batchzoom.model.problems import Problem

HEADER_SCAN_ROWS = 30  # the header row is looked for among this many rows from the top
XLSX_SUFFIXES = (".xlsx", ".xlsm")
# Read as workbooks too (python-calamine reads both); results go to <name>.scheduled.xlsx.
CONVERTED_SUFFIXES = (".xls", ".ods")
WORKBOOK_KINDS: tuple[Kind, ...] = ("xlsx", "xls", "ods")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class SourceInfo:
    """How a roster file was read; write-back re-opens the file with this."""

    path: Path
    format: Literal["xlsx", "xls", "ods", "csv", "records"]  # records: files/records.py
    sheet: str | None  # xlsx: title of the sheet read; csv: None
    header_row: int  # 1-based row number, as Excel shows it, of the header row
    encoding: str | None  # csv: codec used ("utf-8", "utf-8-sig", "cp949"); xlsx: None
    delimiter: str | None  # csv: ",", ";" or "\t"; xlsx: None
    size: int
    mtime_ns: int
    sha256: str


@dataclass
class Roster:
    """The cells of a roster as read, with its headers matched to fields.

    Cells are kept column by column: ``cells[position][i]`` is the raw value (text,
    number, date/time object, or "" when empty) of column ``position`` on Excel row
    ``rows[i]``. Fully blank rows are not in ``rows``.
    """

    source: SourceInfo
    headers: list[str]  # header texts exactly as in the file, in column order
    columns: dict[str, str]  # canonical field name -> header text it was matched from
    ignored: list[str]  # headers not matched to any field (kept, reported once)
    rows: list[int]  # Excel row numbers of the non-blank data rows, in order
    cells: list[list[object]] = field(repr=False)
    positions: dict[str, int] = field(default_factory=dict)  # field -> 0-based column position
    warnings: list[Problem] = field(default_factory=list)  # about the file's text, by row

    def values(self, name: str) -> list[object] | None:
        """The cells of field ``name`` in row order, or None when the roster has no such column."""
        position = self.positions.get(name)
        return None if position is None else self.cells[position]


# ---------------------------------------------------------------------------------------------
# Opening files


def _load(path: Path) -> tuple[bytes, int, int]:
    if not path.exists():
        raise InputError(
            _("{path} does not exist; check the file name and folder.").format(path=path)
        )
    if path.is_dir():
        raise InputError(
            _("{path} is a folder, not a roster; give the path of an .xlsx or .csv file.").format(
                path=path
            )
        )
    try:
        stat = path.stat()
        data = path.read_bytes()
    except PermissionError:
        raise InputError(
            _("{path} cannot be read (permission denied); check its permissions.").format(path=path)
        ) from None
    except OSError as error:
        raise InputError(
            _("{path} cannot be read ({reason}); check the file.").format(
                path=path, reason=error.strerror
            )
        ) from None
    return data, stat.st_size, stat.st_mtime_ns


def _read_xlsx(path: Path, data: bytes, sheet: str | None) -> tuple[list[list[object]], str]:
    """The grid of one worksheet (of an .xlsx, .xls or .ods workbook), from A1, and its title."""
    _check_workbook(path, kind_of(data))
    try:
        from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [meta for meta in book.sheets_metadata if meta.typ == SheetTypeEnum.WorkSheet]
        names = [meta.name for meta in sheets]
        if sheet is None:
            visible = [meta.name for meta in sheets if meta.visible == SheetVisibleEnum.Visible]
            if not visible:
                raise InputError(
                    _("{file} has no visible worksheet; unhide the roster sheet.").format(
                        file=path.name
                    )
                )
            title = visible[0]
        elif sheet in names:
            title = sheet
        else:
            near = [name for name in names if name.strip().casefold() == sheet.strip().casefold()]
            if not near:
                listed = ", ".join(names) or _("none")
                raise InputError(
                    _('{file} has no sheet named "{sheet}"; its sheets are: {sheets}.').format(
                        file=path.name, sheet=sheet, sheets=listed
                    )
                )
            title = near[0]
        grid = cast(
            list[list[object]], book.get_sheet_by_name(title).to_python(skip_empty_area=False)
        )
    except InputError:
        raise
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException:  # the parser's own errors, including its Rust panics
        raise InputError(
            _(
                "{file} could not be read as an Excel workbook (it may be damaged); "
                "open it in Excel and save it again."
            ).format(file=path.name)
        ) from None
    return grid, title


def _check_workbook(path: Path, kind: Kind) -> None:
    """Refuse, naming what it really is, a file that is no workbook batchzoom reads."""
    if kind == "encrypted":
        raise InputError(
            _(
                "{file} is password-protected (encrypted); remove the password in Excel "
                "(File > Info > Protect Workbook) and save it again."
            ).format(file=path.name)
        )
    if kind not in WORKBOOK_KINDS:
        raise InputError(
            _(
                "{file} is not an Excel workbook even though its name ends in {suffix} "
                "(it is {kind}); open it in Excel and save it as .xlsx or .csv."
            ).format(file=path.name, suffix=path.suffix, kind=_(NAMES[kind]))
        )


def _decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, str, list[Problem]]:
    """The text of a CSV file, the codec it was read with, and warnings about mixed lines."""
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(
                _('"{encoding}" is not a known encoding; use utf-8, utf-8-sig or cp949.').format(
                    encoding=encoding
                )
            ) from None
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        try:
            return data.decode(codec), codec, []
        except UnicodeDecodeError:
            raise InputError(
                _(
                    "{file} is not valid {encoding} text; check the --encoding value "
                    "or leave it out to detect the encoding."
                ).format(file=path.name, encoding=encoding)
            ) from None
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        if b"\x00" in data[:8192]:
            raise InputError(
                _(
                    "{file} is not a text CSV file; save the roster from Excel as .xlsx or .csv."
                ).format(file=path.name)
            )
        candidates = ["utf-8", "cp949"]
    for codec in candidates:
        try:
            return data.decode(codec), codec, []
        except UnicodeDecodeError:
            if codec == "utf-8" and (mixed := decode_mixed(path.name, data)) is not None:
                return mixed[0], "cp949", mixed[1]  # the result is written back as CP949
            continue
    raise InputError(
        _(
            "{file} is not in a text encoding batchzoom recognises; save it from Excel as "
            '"CSV UTF-8" or pass --encoding.'
        ).format(file=path.name)
    )


def _first_lines(text: str, count: int, *, size: int = 65_536) -> list[str]:
    """``text.splitlines()[:count]``, splitting only a first part of a large text."""
    while size < len(text):
        lines = text[:size].splitlines()
        if len(lines) > count:  # the first ``count`` lines end before the cut
            return lines[:count]
        size *= 4
    return text.splitlines()[:count]


def sniff_delimiter(text: str) -> str:
    """The delimiter (",", ";" or tab) that best splits the first lines into a roster.

    Best means: its header row names the most fields, then the most lines share one
    field count (weighted by that count).
    """
    sample = "\n".join(_first_lines(text, HEADER_SCAN_ROWS))
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            records = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
        except csv.Error:  # e.g. a field over the csv module's limit: not this delimiter's fault
            continue
        named = max((_header_score(record) for record in records), default=0)
        counts: dict[int, int] = {}
        for record in records:
            if len(record) > 1:
                counts[len(record)] = counts.get(len(record), 0) + 1
        spread = max((count * width for width, count in counts.items()), default=0)
        if (named, spread) > best_score:
            best, best_score = delimiter, (named, spread)
    return best


def _csv_grid(path: Path, text: str, delimiter: str) -> list[list[object]]:
    """Every record of a CSV text, as the csv module splits it."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return cast(list[list[object]], list(reader))
    except csv.Error as error:
        if "field limit" in str(error):
            raise InputError(
                _(
                    "Row {row} of {file} has a cell longer than {limit} characters; shorten it "
                    "(Zoom takes far less) and run again."
                ).format(row=reader.line_num, file=path.name, limit=f"{csv.field_size_limit():,}")
            ) from None
        raise InputError(
            _("{file} is not a well-formed CSV file; open it in Excel and save it again.").format(
                file=path.name
            )
        ) from None


# ---------------------------------------------------------------------------------------------
# Headers


def _header_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class HeaderRules:
    """How a table's headers name its fields: the matcher and the fields worth a header row.

    The roster's are the default (``batchzoom.model.columns.ALIASES``); the attendee sheet
    (``batchzoom.files.attendees``) brings its own, read by the same machinery.
    """

    match: Callable[[object], str | None]
    inputs: frozenset[str]


ROSTER_HEADERS = HeaderRules(match_header, frozenset(INPUT_FIELDS))


def _header_score(row: list[object] | list[str], rules: HeaderRules = ROSTER_HEADERS) -> int:
    """How many distinct input fields a row's cells name."""
    names = {rules.match(value) for value in row if isinstance(value, str)}
    return len(names & rules.inputs)


def _find_header(grid: list[list[object]], rules: HeaderRules = ROSTER_HEADERS) -> int:
    """Index of the header row: the early row naming the most fields, else the first non-blank."""
    best, best_score, first = -1, 0, -1
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        if first < 0 and any(not is_blank(value) for value in row):
            first = index
        score = _header_score(row, rules)
        if score > best_score:
            best, best_score = index, score
    return best if best >= 0 else first


@dataclass
class _Layout:
    """Where a table's header row is and what lies below it."""

    header_index: int  # 0-based; -1 when every scanned row is blank
    header_cells: list[object]
    width: int  # cells per row: the widest row from the header row down
    rows: list[int]  # Excel row numbers of the non-blank rows below the header row
    cells: list[list[object]]  # cells[position][i]: column position on row rows[i]


def _grid_layout(grid: list[list[object]], rules: HeaderRules = ROSTER_HEADERS) -> _Layout:
    """The layout of a table held row by row."""
    header_index = _find_header(grid, rules)
    if header_index < 0:
        return _Layout(header_index, [], 0, [], [])
    width = max(len(row) for row in grid[header_index:])
    rows: list[int] = []
    kept: list[list[object]] = []
    for index in range(header_index + 1, len(grid)):
        row = grid[index]
        for value in row:
            if value != "" and not is_blank(value):  # "" first: the common empty cell, fast
                break
        else:
            continue
        rows.append(index + 1)
        kept.append(row if len(row) == width else [*row, *([""] * (width - len(row)))])
    cells = [list(column) for column in zip(*kept, strict=True)]
    return _Layout(header_index, grid[header_index], width, rows, cells)


def _check_required(path: Path, columns: dict[str, str], headers: list[str], row: int) -> None:
    missing = []
    if "topic" not in columns:
        missing.append("topic")
    if "start" not in columns and not ("date" in columns and "time" in columns):
        missing.append("start" if "date" not in columns else "time")
    if "duration" not in columns:
        missing.append("duration")
    if not missing:
        return
    found = ", ".join(header.strip() for header in headers if header.strip()) or _("none")
    hints = []
    for name in missing:
        close = closest_header(name, headers)
        words = {"column": _(_LABELS[name]), "aliases": _(_ALIAS_HINTS[name])}
        if close:
            hint = _('"{header}" looks closest to {column} ({aliases}) -- rename it')
            hints.append(hint.format(header=close.strip(), **words))
        else:
            hints.append(_("add a {column} column ({aliases})").format(**words))
    if "start" in missing:
        message = _(
            "{file} has no {columns} column (or date and time columns); the header row (row "
            "{row}) has: {found}; {hints}."
        )
    else:
        message = _(
            "{file} has no {columns} column; the header row (row {row}) has: {found}; {hints}."
        )
    columns_named = _(" or ").join(_(_LABELS[name]) for name in missing)
    text = message.format(
        file=path.name, columns=columns_named, row=row, found=found, hints=_("; ").join(hints)
    )
    raise InputError(text)


# The columns a roster cannot do without, as a message names them, and the header texts
# shown for each (``ALIASES``' first three, in the language of the message).
_LABELS = {
    "topic": N_("topic"),
    "start": N_("start"),
    "time": N_("time"),
    "duration": N_("duration"),
}
_ALIAS_HINTS = {
    "topic": N_("topic/title/subject"),
    "start": N_("start/start time/starts"),
    "time": N_("time/시간/시작 시간"),
    "duration": N_("duration/minutes/mins"),
}


@dataclass(frozen=True)
class _Format:
    """How a file's grid was read (see ``SourceInfo``)."""

    format: Literal["xlsx", "xls", "ods", "csv"]
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    warnings: tuple[Problem, ...] = ()  # about the text: mixed encodings


def _open(path: Path) -> tuple[bytes, int, int]:
    """The bytes of a roster file of a known kind, its size and mtime; else ``InputError``."""
    if path.suffix.lower() not in XLSX_SUFFIXES + CONVERTED_SUFFIXES + CSV_SUFFIXES:
        if not path.exists():
            raise InputError(
                _("{path} does not exist; check the file name and folder.").format(path=path)
            )
        if path.is_dir():
            raise InputError(
                _(
                    "{path} is a folder, not a roster; name the roster file in it (.xlsx or .csv)."
                ).format(path=path.resolve())
            )
        raise InputError(
            _(
                "{file} is not a roster batchzoom can read; save it from Excel as .xlsx or .csv."
            ).format(file=path.name)
        )
    data, size, mtime_ns = _load(path)
    if not data or data.isspace():  # (not data.strip(), without copying the file)
        raise InputError(
            _("{where} is empty; add a header row and one row per session.").format(where=path.name)
        )
    return data, size, mtime_ns


def _read_grid(
    path: Path, data: bytes, sheet: str | None, encoding: str | None
) -> tuple[list[list[object]], _Format]:
    """Every row of the file's table, from its first row, and how it was read."""
    kind = kind_of(data)
    if path.suffix.lower() in XLSX_SUFFIXES + CONVERTED_SUFFIXES or kind != "text":
        grid, title = _read_xlsx(path, data, sheet)
        # Named by its content: an .ods saved as .xlsx is still OpenDocument.
        return grid, _Format(cast(Literal["xlsx", "xls", "ods"], kind), sheet=title)
    text, codec, warnings = _decode(path, data, encoding)
    text = text.removeprefix("\ufeff")
    delimiter = sniff_delimiter(text)
    how = _Format("csv", encoding=codec, delimiter=delimiter, warnings=tuple(warnings))
    return _csv_grid(path, text, delimiter), how


def _match_headers(
    headers: Sequence[str],
    aliases: Mapping[str, Sequence[str]],
    rules: HeaderRules = ROSTER_HEADERS,
) -> tuple[dict[str, str], dict[str, int], list[str]]:
    """(field -> header text, field -> column position, headers matching no field).

    The first column naming a field wins; ``aliases`` adds header texts for fields.
    """
    columns: dict[str, str] = {}
    positions: dict[str, int] = {}
    ignored: list[str] = []
    extra = {normalize_header(text): name for name, texts in aliases.items() for text in texts}
    for position, header in enumerate(headers):
        name = rules.match(header) or extra.get(normalize_header(header))
        if name is not None and name not in positions:
            positions[name] = position
            columns[name] = header
        elif header.strip():
            ignored.append(header)
    return columns, positions, ignored


# ---------------------------------------------------------------------------------------------
# The entry point


def read_roster(
    path: Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    aliases: Mapping[str, Sequence[str]] | None = None,
) -> Roster:
    """Read the roster at ``path`` (.xlsx/.xlsm or .csv).

    ``sheet`` picks a worksheet by name (default: the first visible one); ``encoding``
    forces a CSV codec (default: UTF-8 with or without BOM, else CP949); ``aliases``
    adds header texts for fields (field -> texts), e.g. from a configuration file.
    Raises ``InputError`` when the file cannot be used at all.
    """
    path = Path(path)
    data, size, mtime_ns = _open(path)
    grid, how = _read_grid(path, data, sheet, encoding)
    layout = _grid_layout(grid)
    del grid

    where = (
        _('sheet "{sheet}" of {file}').format(sheet=how.sheet, file=path.name)
        if how.sheet is not None
        else path.name
    )
    header_index = layout.header_index
    if header_index < 0:
        raise InputError(
            _("{where} is empty; add a header row and one row per session.").format(where=where)
        )
    headers = [_header_text(value) for value in layout.header_cells]
    headers += [""] * (layout.width - len(headers))
    columns, positions, ignored = _match_headers(headers, aliases or {})
    _check_required(path, columns, headers, header_index + 1)

    rows, cells = layout.rows, layout.cells
    warnings = [*how.warnings, *without_controls(headers, rows, cells)]
    start = positions.get("start")
    if (
        how.format == "xlsx"
        and how.sheet is not None
        and start is not None
        and any(map(is_date_only, cells[start]))
    ):
        # A date-time cell at midnight reads as a date: its number format tells.
        cells[start] = with_midnight_times(data, how.sheet, start, rows, cells[start])
    if not rows:
        raise InputError(
            _(
                "{where} has a header row (row {row}) but no sessions below it; "
                "add one row per session."
            ).format(where=where, row=header_index + 1)
        )

    source = SourceInfo(
        path=path,
        format=how.format,
        sheet=how.sheet,
        header_row=header_index + 1,
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
        rows=rows,
        cells=cells,
        positions=positions,
        warnings=warnings,
    )
