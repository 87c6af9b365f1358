"""Writing registrations back into the attendee sheet, losslessly as for the roster.

The attendee sheet gains ``zoom_registrant_id``, ``zoom_join_url`` (the person's own
link), ``zoom_status`` and ``zoom_error``, updated where they exist and appended after
the last used column otherwise. A workbook's sheet is edited by the roster's machinery
(``batchzoom.files.xlsx``: only the result cells change), a CSV file as raw text (every
other cell keeps its exact bytes, ``batchzoom.files.writeback``'s record editing). A row
with ``all`` registers for several sessions: its cells list one value per session,
separated by ``"; "``, in session order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from batchzoom.core.errors import OutputError
from batchzoom.core.i18n import _
from batchzoom.files.atomic import atomic_write
from batchzoom.files.cell_text import fit as _fit
from batchzoom.files.roster import SourceInfo
from batchzoom.files.writeback import (
    _UTF8_BOM,
    _edit_record,
    _header_key,
    _Record,
    _records,
)
from batchzoom.model.columns import ATTENDEE_OUTPUT_COLUMNS

_WIDTHS: Final = {
    "zoom_registrant_id": 24,
    "zoom_join_url": 60,
    "zoom_status": 12,
    "zoom_error": 60,
}
_KEYS: Final = {_header_key(name): name for name in ATTENDEE_OUTPUT_COLUMNS}


@dataclass(frozen=True)
class AttendeeResult:
    """What one attendee row's registration (for one session) came to."""

    row: int
    session: str
    status: str  # added, existing, deferred, failed, in-doubt, cancelled
    registrant_id: str | None = None
    join_url: str | None = None
    error: str | None = None


def _name_of(header: str) -> str | None:
    return _KEYS.get(_header_key(header))


def cell_values(results: Sequence[AttendeeResult]) -> dict[int, dict[str, str | None]]:
    """Each row's result cells; a row with several sessions lists them joined by ``"; "``."""
    by_row: dict[int, list[AttendeeResult]] = {}
    for result in results:
        by_row.setdefault(result.row, []).append(result)
    values: dict[int, dict[str, str | None]] = {}
    for row, found in by_row.items():
        found.sort(key=lambda result: result.session)

        def joined(texts: Sequence[str | None]) -> str | None:
            kept = [text for text in texts if text]
            return "; ".join(kept) if kept else None

        statuses = sorted({result.status for result in found})
        values[row] = {
            "zoom_registrant_id": joined([r.registrant_id for r in found]),
            "zoom_join_url": joined([r.join_url for r in found]),
            "zoom_status": statuses[0] if len(statuses) == 1 else joined([r.status for r in found]),
            "zoom_error": joined([r.error for r in found]),
        }
    return values


def write_attendee_results(
    source: SourceInfo, results: Sequence[AttendeeResult], target: Path, *, into: bool = False
) -> Path:
    """Write ``results`` into the attendee sheet read from ``source``, saved as ``target``.

    ``into``: ``target`` is the roster's result workbook, just written and holding the
    attendee sheet, and only that sheet's result cells change; else the attendee file read
    is the base. Raises ``OutputError``.
    """
    values = cell_values(results)
    base = target if into else source.path
    try:
        data = base.read_bytes()
    except OSError as error:
        raise OutputError(
            _("Cannot read {path} to write the attendees' results ({error}).").format(
                path=base, error=error.strerror
            )
        ) from None
    if source.format == "xlsx":
        from batchzoom.files import xlsx  # the workbook writer only for a workbook

        content = xlsx.write(
            data,
            str(base),
            source.sheet,
            source.header_row,
            ATTENDEE_OUTPUT_COLUMNS,
            _name_of,
            values,
            _WIDTHS,
        )
    else:
        content = _csv(source, data, values)
    atomic_write(target, content)
    return target


def _csv(source: SourceInfo, data: bytes, values: Mapping[int, Mapping[str, str | None]]) -> bytes:
    encoding = source.encoding or ("utf-8-sig" if data.startswith(_UTF8_BOM) else "utf-8")
    delimiter = source.delimiter or ","
    records = _records(data.decode(encoding, "surrogateescape"), delimiter)
    while len(records) < max([source.header_row, *values], default=0):
        records.append(_Record("", []))
    header = records[source.header_row - 1]
    places: dict[str, int] = {}
    for column, text in enumerate(header.fields):
        name = _name_of(text)
        if name is not None and name not in places:
            places[name] = column
    last_used = max(
        (len(record.fields) - 1 for record in records[source.header_row - 1 :]), default=-1
    )
    added: dict[int, str] = {}
    for name in ATTENDEE_OUTPUT_COLUMNS:
        if name not in places:
            last_used += 1
            places[name] = last_used
            added[last_used] = name
    if added:
        header.raw = _edit_record(header, added, delimiter)
    for row, cells in values.items():
        updates = {
            places[name]: "" if value is None else _fit(value, encoding)
            for name, value in cells.items()
        }
        record = records[row - 1]
        record.raw = _edit_record(record, updates, delimiter)
    return "".join(f"{record.raw}\r\n" for record in records).encode(encoding, "surrogateescape")


def default_attendee_output(source: SourceInfo) -> Path:
    """``<stem>.registered.<ext>`` beside an attendee file of its own."""
    return source.path.with_name(f"{source.path.stem}.registered{source.path.suffix}")
