"""Writing results back into the roster: a result sheet beside it, or the roster itself.

Every input row and column is kept as it was; the ``zoom_*`` result columns are updated where
they already exist and appended after the last used column otherwise. In a workbook only the
result cells change (``batchzoom/files/xlsx.py``): every other part of the package stays
byte-identical. CSV files are edited as raw text so every cell that is not a result cell
stays byte-for-byte the same.

Output is always written to a private (0600) temporary file in the target's folder, fsync'd and
renamed over the target, so a crash never leaves a half-written sheet. Updating the roster in
place keeps ``<name>.bak`` of the previous version, and is refused (the results go beside the
roster instead) when the roster changed on disk since it was read or is open in Excel. A
roster updated in place keeps its own mode and owner; the files batchzoom creates are 0600.
A write that would change nothing writes nothing: the file keeps its modification time, and
``<name>.bak`` stays the roster as it was before the run that last changed it (never a copy
of batchzoom's own output).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from glob import escape as glob_escape
from pathlib import Path
from typing import Final

from batchzoom.core.errors import OutputError
from batchzoom.files import writeback_text as said
from batchzoom.files.atomic import RosterChangedError, atomic_write, write_failure
from batchzoom.files.cell_text import Value
from batchzoom.files.cell_text import fit as _fit
from batchzoom.files.convert import CONVERTED, as_xlsx
from batchzoom.files.roster import SourceInfo
from batchzoom.files.targets import (
    backup_path,
    default_output_path,
    excel_lock_path,
    output_suffix,
)
from batchzoom.model.columns import HOST_COLUMN, OUTPUT_COLUMNS, START_URL_COLUMN, result_columns
from batchzoom.model.local_times import wall_time
from batchzoom.model.outcomes import RowResult, Status

# Statuses whose row keeps the meeting cells it has when the result leaves them empty.
_KEEPS_LINK = frozenset({"existing", "changed", "unchanged", "invalid"})


@dataclass(frozen=True)
class WriteOutcome:
    """Where the results went."""

    path: Path  # where the result was written
    backup: Path | None  # the .bak of the previous version (in-place only)
    diverted: bool  # in-place was asked but the result went beside the roster instead
    reason: str | None  # why it was diverted, one sentence
    unchanged: bool = False  # the file already held exactly this result: nothing was written
    roster_sha256: str | None = None  # the roster as this write left it (in-place only)


# Cells of an `existing` row that keep their old content when the result has nothing new.
_KEPT_FOR_EXISTING: Final = frozenset({"zoom_meeting_id", "zoom_join_url", "zoom_password"})
_WIDTHS: Final = {
    "zoom_meeting_id": 15,
    "zoom_join_url": 50,
    "zoom_password": 14,
    "zoom_start_time": 22,
    "zoom_start_local": 18,
    "zoom_status": 12,
    "zoom_error": 60,
    "zoom_start_url": 50,
    "zoom_host": 28,
}
_EXCEL_CELL_LIMIT: Final = 32767
_UTF8_BOM: Final = b"\xef\xbb\xbf"
_NOT_WORD = re.compile(r"[\W_]+")


class _Keep:
    """Marker: leave the cell as it is."""


_KEEP: Final = _Keep()
_Value = Value  # a naive datetime: the start's wall time (CSV: YYYY-MM-DD HH:MM)


def check_target(
    source: SourceInfo, output: Path | None, *, writable: bool = True, workbook: bool = True
) -> Path:
    """The result file for ``output`` (default beside the roster), if it can be written at all.

    Raises OutputError for a wrong extension, a folder, a folder that does not exist, a
    workbook whose results could not be written into it, and (``writable``) a folder where
    no file can be created; call it before any work whose result would then have nowhere to go.
    """
    if source.format == "records" and output is None:  # files/records.py: results go nowhere
        return source.path
    target = output if output is not None else default_output_path(source)
    if target.suffix.lower() != output_suffix(source).lower():
        converted = source.format in CONVERTED
        raise OutputError(
            said.wrong_extension(target, output_suffix(source), source.path.name, converted)
        )
    if target.is_dir():
        raise OutputError(said.is_a_folder(target))
    if not target.parent.is_dir():
        raise OutputError(said.no_folder(target))
    if workbook and source.format == "xlsx":
        _check_xlsx(source)
    if writable:
        folders = {target.parent}
        if output is None:  # --in-place, or beside the roster: its folder too
            folders.add(_real_path(source.path).parent)
        for folder in sorted(folders):
            _probe(folder, target)
    return target


def _probe(folder: Path, target: Path) -> None:
    """Create and delete a temporary file in ``folder``, as writing the results will."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as error:
        raise OutputError(write_failure(folder / target.name, error)) from None


def write_results(
    source: SourceInfo,
    results: Mapping[int, RowResult],
    *,
    output: Path | None = None,
    in_place: bool = False,
    include_start_url: bool = False,
    include_host: bool = False,
    our_last: str | None = None,
) -> WriteOutcome:
    """Write ``results`` (Excel row number -> result) into a copy of the roster, or into it.

    ``our_last`` is the SHA-256 of the roster as batchzoom last wrote it in place (the
    outcome's ``roster_sha256``, kept by the caller): while the roster is still exactly
    that, its ``.bak`` already holds the user's own version and is kept as it is.
    Raises OutputError when the result cannot be written; nothing is left half-done then.
    """
    _check_request(source, results, output=output, in_place=in_place)
    if output is not None and _same_file(output, source.path):
        in_place, output = True, None
    # The write below finds the same workbook and folder problems: no rehearsal needed here.
    target = check_target(source, output, writable=False, workbook=False)

    data, mtime_ns = _read_source(source.path)
    backup: Path | None = None
    reason: str | None = None
    if in_place:
        target, backup, reason = _in_place_target(source, data, mtime_ns)
    if target != source.path and excel_lock_path(target).exists():
        raise OutputError(said.open_in_excel(target, excel_lock_path(target).name))

    columns = result_columns(include_host=include_host, include_start_url=include_start_url)
    if source.format == "xlsx":
        content = _write_xlsx(source, data, results, columns)
    elif source.format in CONVERTED:
        # A new workbook of the roster's cells, then the results written into it as into any.
        content = _write_xlsx(source, as_xlsx(data, source.sheet), results, columns)
    else:
        content = csv_with_results(source, data, results, columns)

    if (content == data) if target == source.path else _holds(target, content):
        # Nothing to change: the file and its modification time stay as they are (Excel,
        # OneDrive and backups see no change), and the .bak keeps the roster as it was
        # before the run that last changed it.
        kept = backup if backup is not None and backup.exists() else None
        ours = _sha256(content) if backup is not None else None
        return WriteOutcome(
            target, kept, reason is not None, reason, unchanged=True, roster_sha256=ours
        )
    if backup is None:
        atomic_write(target, content)
        return WriteOutcome(path=target, backup=None, diverted=reason is not None, reason=reason)
    still_ours = our_last is not None and our_last == _sha256(data) and backup.exists()
    return _replace_roster(source, data, content, target, backup, keep_backup=still_ours)


def _holds(path: Path, content: bytes) -> bool:
    """Whether ``path`` already holds exactly ``content``."""
    try:
        return path.stat().st_size == len(content) and path.read_bytes() == content
    except OSError:
        return False


def _check_request(
    source: SourceInfo, results: Mapping[int, RowResult], *, output: Path | None, in_place: bool
) -> None:
    """Refuse a call that names two destinations or writes over the header (a caller's bug)."""
    if in_place and output is not None:
        raise ValueError("give either output or in_place, not both")
    for row in results:
        if row <= source.header_row:
            raise ValueError(f"row {row} is not a data row (the header is row {source.header_row})")


def _in_place_target(
    source: SourceInfo, data: bytes, mtime_ns: int
) -> tuple[Path, Path | None, str | None]:
    """Where an in-place write goes: (target, backup, reason it was diverted to a copy)."""
    fallback = default_output_path(source)
    refusal = _in_place_refusal(source, data, mtime_ns)
    if refusal is not None:
        return fallback, None, said.diverted(refusal, source.path, fallback)
    # A roster reached through a symbolic link is updated where it really is, so the
    # link keeps pointing at the updated file (and its .bak sits beside that file).
    real = _real_path(source.path)
    if real != source.path and excel_lock_path(real).exists():
        return fallback, None, said.diverted("excel", real, fallback)
    return real, backup_path(real), None


def _in_place_refusal(source: SourceInfo, data: bytes, mtime_ns: int) -> said.Diversion | None:
    """Why the roster itself must not be overwritten, or None when it may be."""
    if (len(data), mtime_ns, _sha256(data)) != (source.size, source.mtime_ns, source.sha256):
        return "changed"
    if excel_lock_path(source.path).exists():
        return "excel"
    if not stat.S_IMODE(source.path.stat().st_mode) & stat.S_IWUSR:
        return "read-only"
    return None


def _replace_roster(
    source: SourceInfo,
    data: bytes,
    content: bytes,
    target: Path,
    backup: Path,
    *,
    keep_backup: bool = False,
) -> WriteOutcome:
    """Keep a backup, then replace the roster unless it was saved meanwhile (then write a copy).

    ``keep_backup``: the roster is batchzoom's own last output, so the backup already holds
    the user's version from before batchzoom changed it and is not overwritten.
    """
    if not keep_backup:
        atomic_write(backup, data)
    snapshot = (source.size, source.mtime_ns, source.sha256)
    try:
        # Building the workbook takes a while: look again just before replacing the
        # roster, so that a save made meanwhile (in Excel, say) is never overwritten.
        atomic_write(
            target,
            content,
            keep=target.stat(),
            still=lambda: _fingerprint(target) == snapshot,
        )
    except (RosterChangedError, OutputError) as error:
        fallback = default_output_path(source)
        atomic_write(fallback, content)
        why: said.Diversion = "saved" if isinstance(error, RosterChangedError) else "not-replaced"
        reason = said.diverted(why, source.path, fallback)
        return WriteOutcome(path=fallback, backup=backup, diverted=True, reason=reason)
    return WriteOutcome(target, backup, diverted=False, reason=None, roster_sha256=_sha256(content))


def _fingerprint(path: Path) -> tuple[int, int, str] | None:
    try:
        data, mtime_ns = _read_source(path)
    except OutputError:
        return None
    return len(data), mtime_ns, _sha256(data)


def remove_stale_temporaries(source: SourceInfo) -> list[Path]:
    """Delete the temporary files a killed run left beside the roster (call under the run lock)."""
    real = _real_path(source.path)
    places = {
        source.path.parent / source.path.name,
        source.path.parent / backup_path(source.path).name,
        source.path.parent / default_output_path(source).name,
        real,
        backup_path(real),
    }
    removed = []
    for place in places:
        for stale in place.parent.glob(f".{glob_escape(place.name)}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()
                removed.append(stale)
    return removed


# --- shared ---------------------------------------------------------------------------------


def _real_path(path: Path) -> Path:
    """The file a symbolic link leads to; the path itself when it is not a link."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _read_source(path: Path) -> tuple[bytes, int]:
    """The roster's bytes and mtime_ns, read through one open file."""
    try:
        with path.open("rb") as handle:
            mtime_ns = os.fstat(handle.fileno()).st_mtime_ns
            return handle.read(), mtime_ns
    except OSError as error:
        raise OutputError(said.cannot_reread(path, _why(error))) from error


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _why(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()


def _header_key(value: object) -> str:
    """A header cell as a comparable key: case, spacing and punctuation do not matter."""
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    return _NOT_WORD.sub("", text)


_COLUMN_KEYS: Final = {
    _header_key(name): name for name in (*OUTPUT_COLUMNS, HOST_COLUMN, START_URL_COLUMN)
}


def _COLUMN_KEYS_OF(header: str) -> str | None:  # noqa: N802 - a lookup, named for its table
    return _COLUMN_KEYS.get(_header_key(header))


def _cell_values(result: RowResult, columns: tuple[str, ...]) -> dict[str, _Value | _Keep]:
    """The value each result column gets for one row (``_KEEP``: leave the cell alone)."""
    values: dict[str, _Value] = {
        "zoom_meeting_id": None if result.meeting_id is None else int(result.meeting_id),
        "zoom_join_url": result.join_url,
        "zoom_password": result.password,
        "zoom_start_time": result.start_time,
        "zoom_start_local": wall_time(result.start_time, result.timezone),
        "zoom_status": result.status,
        "zoom_error": result.error,
        "zoom_start_url": result.start_url,
        "zoom_host": result.host,
    }
    chosen: dict[str, _Value | _Keep] = {}
    for name in columns:
        value = values[name]
        if value is None and result.status in _KEEPS_LINK and name in _KEPT_FOR_EXISTING:
            chosen[name] = _KEEP
        else:
            chosen[name] = value
    return chosen


# --- xlsx -----------------------------------------------------------------------------------


def _write_xlsx(
    source: SourceInfo,
    data: bytes,
    results: Mapping[int, RowResult],
    columns: tuple[str, ...],
) -> bytes:
    values: dict[int, dict[str, _Value]] = {}
    for row, result in results.items():
        chosen = _cell_values(result, columns)
        values[row] = {name: v for name, v in chosen.items() if not isinstance(v, _Keep)}
    from batchzoom.files import xlsx  # the workbook writer only for a workbook

    return xlsx.write(
        data,
        str(source.path),
        source.sheet,
        source.header_row,
        columns,
        _COLUMN_KEYS_OF,
        values,
        _WIDTHS,
    )


def _check_xlsx(source: SourceInfo) -> None:
    """Refuse, before anything is sent, a workbook whose results could not be written back."""
    data, _ = _read_source(source.path)
    from batchzoom.files import xlsx

    xlsx.check(
        data,
        str(source.path),
        source.sheet,
        source.header_row,
        OUTPUT_COLUMNS,
        _COLUMN_KEYS_OF,
    )


# --- csv ------------------------------------------------------------------------------------


@dataclass
class _Record:
    raw: str  # the record's text without its line ending
    fields: list[str]  # its cells as the csv module reads them


def csv_with_results(
    source: SourceInfo,
    data: bytes,
    results: Mapping[int, RowResult],
    columns: tuple[str, ...],
) -> bytes:
    encoding = source.encoding or ("utf-8-sig" if data.startswith(_UTF8_BOM) else "utf-8")
    delimiter = source.delimiter or ","
    # surrogateescape: bytes the codec cannot read are carried through unchanged.
    text = data.decode(encoding, "surrogateescape")
    try:
        records = _records(text, delimiter)
    except csv.Error as error:
        raise OutputError(said.cannot_reread_csv(source.path, error)) from error
    while len(records) < max([source.header_row, *results], default=0):
        records.append(_Record("", []))

    header_index = source.header_row - 1
    header = records[header_index]
    places: dict[str, int] = {}
    last_used = -1
    for index, record in enumerate(records[header_index:], start=header_index):
        for column, value in enumerate(record.fields):
            if value == "":
                continue
            last_used = max(last_used, column)
            name = _COLUMN_KEYS.get(_header_key(value)) if index == header_index else None
            if name is not None and name not in places:
                places[name] = column
    header_updates: dict[int, str] = {}
    for name in columns:
        if name not in places:
            last_used += 1
            places[name] = last_used
            header_updates[last_used] = name
    if header_updates:
        header.raw = _edit_record(header, header_updates, delimiter)

    for row, result in results.items():
        updates: dict[int, str] = {}
        for name, chosen in _cell_values(result, columns).items():
            if not isinstance(chosen, _Keep):
                updates[places[name]] = "" if chosen is None else _fit(chosen, encoding)
        record = records[row - 1]
        record.raw = _edit_record(record, updates, delimiter)

    out = "".join(f"{record.raw}\r\n" for record in records)
    return out.encode(encoding, "surrogateescape")


def _records(text: str, delimiter: str) -> list[_Record]:
    """Split CSV text into records (rows as Excel shows them), each with its raw text."""
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(iter(lines), delimiter=delimiter)
    records: list[_Record] = []
    consumed = 0
    for fields in reader:
        raw = "".join(lines[consumed : reader.line_num])
        consumed = reader.line_num
        if _cut(raw, delimiter)[1]:
            # A quote left open at the end of the file: its line ending belongs to the cell.
            records.append(_Record(raw + '"', fields))
            continue
        for ending in ("\r\n", "\n", "\r"):
            if raw.endswith(ending):
                raw = raw[: -len(ending)]
                break
        records.append(_Record(raw, fields))
    return records


def _edit_record(record: _Record, updates: Mapping[int, str], delimiter: str) -> str:
    """The record's raw text with some cells replaced; every other cell keeps its exact text."""
    raw_fields = _raw_fields(record.raw, delimiter) if record.fields else []
    if [_unquote(field) for field in raw_fields] != record.fields:
        raw_fields = [_quote(field, delimiter) for field in record.fields]
    needed = max(updates, default=-1) + 1
    raw_fields.extend([""] * (needed - len(raw_fields)))
    for column, value in updates.items():
        raw_fields[column] = _quote(value, delimiter)
    record.fields = [_unquote(field) for field in raw_fields]
    return delimiter.join(raw_fields)


def _raw_fields(raw: str, delimiter: str) -> list[str]:
    """Cut one record's text at its delimiters, keeping each cell's quoting as written."""
    return _cut(raw, delimiter)[0]


def _cut(raw: str, delimiter: str) -> tuple[list[str], bool]:
    """The record's raw cells, and whether its text ends inside an open quote."""
    if '"' not in raw:  # nothing quoted: the cells are the text between delimiters
        return raw.split(delimiter), False
    fields: list[str] = []
    start = 0
    state = "start"  # start | plain | quoted | quote-in-quoted
    for index, char in enumerate(raw):
        if state == "quoted":
            if char == '"':
                state = "quote-in-quoted"
            continue
        if char == delimiter:
            fields.append(raw[start:index])
            start = index + 1
            state = "start"
        elif state in ("start", "quote-in-quoted"):
            state = "quoted" if char == '"' else "plain"
    fields.append(raw[start:])
    return fields, state == "quoted"


def _unquote(field: str) -> str:
    """A raw cell's value, read the way the csv module reads it."""
    if not field.startswith('"'):
        return field
    value: list[str] = []
    state = "quoted"
    for char in field[1:]:
        if state == "quoted":
            if char == '"':
                state = "quote-in-quoted"
            else:
                value.append(char)
        elif state == "quote-in-quoted":
            value.append(char)
            state = "quoted" if char == '"' else "plain"
        else:
            value.append(char)
    return "".join(value)


def _quote(value: str, delimiter: str) -> str:
    """A cell as Excel writes it: quoted only when it has to be."""
    if value.startswith('"') or any(char in value for char in (delimiter, '"', "\r", "\n")):
        return '"' + value.replace('"', '""') + '"'
    return value


__all__ = [
    "RowResult",
    "Status",
    "WriteOutcome",
    "backup_path",
    "default_output_path",
    "excel_lock_path",
    "write_results",
]
