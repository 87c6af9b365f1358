"""Result cells written into an .xlsx/.xlsm package, changing nothing else.

Only these members are rewritten: the roster sheet's XML (its result cells, the widths of
new columns, its hyperlinks), the sheet's relationships (the links' targets), ``styles.xml``
when a needed cell format is not there yet, an Excel table on the header row when it grows
to hold new columns, and — only when a result overwrites a formula cell — the calculation
chain is dropped (Excel rebuilds it). Every other member is copied byte for byte, and in
the rewritten sheet every other cell keeps its exact XML, cached formula values included.
Text goes in as inline strings, so the shared-string table is never touched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from batchzoom.files.cell_text import Value
from batchzoom.files.ooxml import (
    RELATIONSHIPS_NS,
    Tag,
    find_element,
    parse_range,
    range_text,
    relationship_prefix,
    tags,
    with_attr,
    xml_attr,
    xml_text,
)
from batchzoom.files.package import Package, PackageError
from batchzoom.files.xlsx_parts import (
    SheetParts,
    attrs_of,
    decode,
    drop_relationships,
    grow_table,
    locate,
    relationships,
    shared_strings,
    tables,
    with_rels_default,
    without_override,
    without_relationship,
)
from batchzoom.files.xlsx_sheet import Cell, Row, int_or, merges, rows, sheet_data
from batchzoom.files.xlsx_styles import DATE_TIME, NUMBER, TEXT, Styles
from batchzoom.model.problems import column_letters

EXCEL_EPOCH: Final = datetime(1899, 12, 30)  # day 0 of Excel's 1900 date system


_CELL_LIMIT: Final = 32767  # characters Excel holds in one cell


_ESCAPE_LIKE: Final = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_ILLEGAL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Elements that come after <hyperlinks> in a worksheet, in schema order.


_AFTER_HYPERLINKS: Final = (
    "printOptions|pageMargins|pageSetup|headerFooter|rowBreaks|colBreaks|customProperties|"
    "cellWatches|ignoredErrors|smartTags|drawing|legacyDrawing|legacyDrawingHF|picture|"
    "oleObjects|controls|webPublishItems|tableParts|extLst"
)


@dataclass(frozen=True)
class Layout:
    """Where each result column is, and which ones are new."""

    places: dict[str, int]  # result column name -> column number
    added: tuple[str, ...]  # names whose header cells are to be written
    header_style: int | None  # the style of the last header cell, for new header cells
    last_header: int
    last_used: int


def check(
    data: bytes,
    what: str,
    sheet: str | None,
    header_row: int,
    columns: Sequence[str],
    name_of: Callable[[str], str | None],
) -> Layout:
    """The layout results would get; raises ``OutputError`` when they cannot be written.

    The results are written once, into memory, with stand-in values in the first data row,
    so that a workbook whose results could not be written is refused before anything is sent.
    """
    package = Package(data, what)
    parts = locate(package, what, sheet)
    text = decode(package, parts.part, what)
    layout = _layout(text, package, parts, header_row, columns, name_of, what)
    stand_in: dict[str, Value] = {name: "-" for name in columns}
    stand_in.update(zoom_meeting_id=10**10, zoom_join_url="https://zoom.example/j/1")
    write(data, what, sheet, header_row, columns, name_of, {header_row + 1: stand_in}, {})
    return layout


def write(
    data: bytes,
    what: str,
    sheet: str | None,
    header_row: int,
    columns: Sequence[str],
    name_of: Callable[[str], str | None],
    values: Mapping[int, Mapping[str, Value]],
    widths: Mapping[str, float],
) -> bytes:
    """The package with ``values`` (row -> column name -> value) in the result cells."""
    package = Package(data, what)
    parts = locate(package, what, sheet)
    text = decode(package, parts.part, what)
    layout = _layout(text, package, parts, header_row, columns, name_of, what)
    styles = Styles(decode(package, parts.styles, what) if parts.styles else None)
    rels = decode(package, parts.rels_part, what) if parts.rels_part in package else None
    edit = _SheetEdit(text, layout, header_row, styles, rels)
    new_text, formulas_replaced = edit.apply(values, widths)
    changed: dict[str, bytes | None] = {parts.part: new_text.encode("utf-8")}
    added: dict[str, bytes] = {}
    if edit.rels is not None and edit.rels != rels:
        target = changed if parts.rels_part in package else added
        target[parts.rels_part] = edit.rels.encode("utf-8")
    if styles.changed and parts.styles:
        changed[parts.styles] = styles.render().encode("utf-8")
    for table in tables(package, parts, rels):
        grown = grow_table(
            decode(package, table, what),
            layout.added,
            layout.last_used,
            layout.last_header,
            header_row,
        )
        if grown is not None:
            changed[table] = grown.encode("utf-8")
    if formulas_replaced and parts.calc_chain:
        changed[parts.calc_chain] = None
        changed[parts.workbook_rels] = without_relationship(
            decode(package, parts.workbook_rels, what), "calcChain"
        ).encode("utf-8")
        types = decode(package, "[Content_Types].xml", what)
        changed["[Content_Types].xml"] = without_override(types, parts.calc_chain).encode("utf-8")
    if parts.rels_part in added:
        current = changed.get("[Content_Types].xml") or package.read("[Content_Types].xml")
        with_rels = with_rels_default(current.decode("utf-8"))
        if with_rels is not None:
            changed["[Content_Types].xml"] = with_rels.encode("utf-8")
    return package.rewrite(changed, added)


def _layout(
    text: str,
    package: Package,
    parts: SheetParts,
    header_row: int,
    columns: Sequence[str],
    name_of: Callable[[str], str | None],
    what: str,
) -> Layout:
    header: list[Cell] = []
    last_used = 0
    for row in rows(text):
        if row.number < header_row:
            continue
        if row.number == header_row:
            header = [cell for cell in row.cells if not cell.blank()]
        for cell in row.cells:
            if not cell.blank():
                last_used = max(last_used, cell.column)
    wanted = {int(c.value) for c in header if c.kind == "s" and c.value and c.value.isdigit()}
    shared = shared_strings(package, parts, wanted, what)
    places: dict[str, int] = {}
    for cell in header:
        name = name_of(cell.text(shared))
        if name is not None and name not in places:
            places[name] = cell.column
    last_header = max((cell.column for cell in header), default=0)
    header_style = next((c.style for c in header if c.column == last_header), None)

    spans = [m for m in merges(text) if m[2] >= header_row]
    for first_row, first_column, last_row, last_column in spans:
        inside = sorted(
            name
            for name, column in places.items()
            if first_column <= column <= last_column and last_row > header_row
        )
        if inside:
            cells = range_text(first_row, first_column, last_row, last_column)
            raise PackageError(
                f"Cannot write the results into {what} because the cells {cells} are merged "
                f"across the column {inside[0]}; unmerge them and run again."
            )
    start = max([last_header, last_used, *(m[3] for m in spans)])
    added: list[str] = []
    for name in columns:
        if name not in places:
            start += 1
            places[name] = start
            added.append(name)
    return Layout(places, tuple(added), header_style, last_header, last_used)


class _SheetEdit:
    """The sheet's text with result cells, widths and links put in."""

    def __init__(
        self, text: str, layout: Layout, header_row: int, styles: Styles, rels: str | None
    ) -> None:
        self.text = text
        self.layout = layout
        self.header_row = header_row
        self.styles = styles
        self.rels = rels
        root = next(t for t in tags(text) if t.opening)
        self.root = root
        self.prefix = f"{root.prefix}:" if root.prefix else ""
        self.formulas_replaced = False
        self.needs_relationships_ns = False
        self.links: dict[str, str | None] = {}  # cell ref -> link target (None: no link)
        self.column_styles: dict[int, int] = {}

    def apply(
        self, values: Mapping[int, Mapping[str, Value]], widths: Mapping[str, float]
    ) -> tuple[str, bool]:
        text = self.text
        data, data_end = sheet_data(text, "the workbook")
        cols = find_element(text[: data.start], "cols")
        self.column_styles = _column_styles(text, cols)
        updates: dict[int, dict[int, Value | _Header]] = {}
        if self.layout.added:
            updates[self.header_row] = {
                self.layout.places[name]: _Header(name) for name in self.layout.added
            }
        for number, row_values in values.items():
            cells = updates.setdefault(number, {})
            for name, value in row_values.items():
                cells[self.layout.places[name]] = value
        body = self._sheet_data(data, data_end, updates)
        if data.empty:
            opening = data.text[:-2] + ">"
            body = f"{opening}{body}</{self.prefix}sheetData>"
            head, tail = text[: data.start], text[data.end :]
        else:
            head, tail = text[: data.end], text[text.rfind("</", data.end, data_end) :]
        tail = self._hyperlinks(tail)
        head = self._widths(head, data.start, cols, widths)
        head = self._dimension(head, max(updates, default=0))
        if self.needs_relationships_ns:
            root = self.root
            declared = with_attr(root.text, "xmlns:r", RELATIONSHIPS_NS)
            head = head[: root.start] + declared + head[root.end :]
        return head + body + tail, self.formulas_replaced

    def _sheet_data(
        self, data: Tag, data_end: int, updates: dict[int, dict[int, Value | _Header]]
    ) -> str:
        text = self.text
        pending = sorted(updates)
        out: list[str] = []
        position = data.end
        for row in rows(text):
            while pending and pending[0] < row.number:
                out.append(text[position : row.tag.start])
                position = row.tag.start
                number = pending.pop(0)
                out.append(self._row(None, number, updates[number]))
            out.append(text[position : row.tag.start])
            if pending and pending[0] == row.number:
                pending.pop(0)
                out.append(self._row(row, row.number, updates[row.number]))
            elif "r" not in row.tag.attrs():
                out.append(with_attr(row.tag.text, "r", str(row.number)))
                out.append(text[row.tag.end : row.end])
            else:
                out.append(text[row.tag.start : row.end])
            position = row.end
        end_of_rows = data.end if data.empty else text.rfind("</", data.end, data_end)
        out.append(text[position:end_of_rows])
        for number in pending:
            out.append(self._row(None, number, updates[number]))
        return "".join(out)

    def _row(self, row: Row | None, number: int, updates: Mapping[int, Value | _Header]) -> str:
        text = self.text
        existing = {cell.column: cell for cell in row.cells} if row else {}
        row_attrs = row.tag.attrs() if row else {}
        row_style = (
            int_or(row_attrs.get("s"), 0)
            if row_attrs.get("customFormat") in ("1", "true")
            else None
        )
        pieces: list[str] = []
        for column in sorted(set(existing) | set(updates)):
            cell = existing.get(column)
            ref = f"{column_letters(column)}{number}"
            if column not in updates:
                assert cell is not None
                raw = text[cell.start : cell.end]
                if "r" not in cell.tag.attrs():
                    raw = with_attr(cell.tag.text, "r", ref) + raw[len(cell.tag.text) :]
                pieces.append(raw)
                continue
            if cell is not None and cell.formula:
                self.formulas_replaced = True
            if cell is not None:
                base = cell.style
            elif row_style is not None:
                base = row_style
            else:
                base = self.column_styles.get(column, 0)
            pieces.append(self._cell(ref, column, base, cell is not None, updates[column]))
        start = row.tag.text if row else f'<{self.prefix}row r="{number}">'
        if "r" not in row_attrs and row is not None:
            start = with_attr(start, "r", str(number))
        if "spans" in row_attrs and pieces:
            low, _, high = row_attrs["spans"].partition(":")
            columns = sorted(set(existing) | set(updates))
            spans = f"{min(int_or(low, columns[0]), columns[0])}:{max(int_or(high, columns[-1]), columns[-1])}"
            start = with_attr(start, "spans", spans)
        inner_tail = ""
        if row is not None and not row.tag.empty:
            last = max((cell.end for cell in row.cells), default=row.tag.end)
            inner_tail = text[last : text.rfind("</", row.tag.end, row.end)]
        if start.endswith("/>"):
            start = start[:-2] + ">"
        prefix = f"{row.tag.prefix}:" if row is not None and row.tag.prefix else self.prefix
        return f"{start}{''.join(pieces)}{inner_tail}</{prefix}row>"

    def _cell(self, ref: str, column: int, base: int, existed: bool, value: Value | _Header) -> str:
        name = self._name_at(column)
        if isinstance(value, _Header):
            return self._render(ref, self.layout.header_style, value.name)
        style = base
        if name == "zoom_meeting_id" and isinstance(value, int):
            style = self.styles.with_number_format(base, NUMBER)
        elif name == "zoom_password" and value is not None:
            style = self.styles.with_number_format(base, TEXT)
        elif isinstance(value, datetime):
            style = self.styles.with_format_code(base, DATE_TIME)
            if not self.styles.shows_dates(style):
                # No cell formats to add a date-time one to, or the user formatted the column
                # as text or numbers: the text a CSV gets, never a bare serial number.
                value = f"{value:%Y-%m-%d %H:%M}"
        elif name == "zoom_join_url":
            self.links[ref] = value if isinstance(value, str) and value else None
            if value:
                style = self.styles.as_link(base)
        if value is None and not style:
            return f'<{self.prefix}c r="{ref}"/>' if existed else ""
        return self._render(ref, style or None, value)

    def _render(self, ref: str, style: int | None, value: Value) -> str:
        p = self.prefix
        s = f' s="{style}"' if style else ""
        if value is None:
            return f'<{p}c r="{ref}"{s}/>'
        if isinstance(value, datetime):
            return f'<{p}c r="{ref}"{s}><{p}v>{serial(value)}</{p}v></{p}c>'
        if isinstance(value, int):
            return f'<{p}c r="{ref}"{s}><{p}v>{value}</{p}v></{p}c>'
        clean = _ILLEGAL.sub("", value)[:_CELL_LIMIT]
        # Excel reads "_x0041_" in a string as an escaped character; "_x005F_" keeps it literal.
        clean = _ESCAPE_LIKE.sub(r"_x005F\1", clean)
        space = ' xml:space="preserve"' if clean != clean.strip() else ""
        return (
            f'<{p}c r="{ref}"{s} t="inlineStr"><{p}is><{p}t{space}>{xml_text(clean)}</{p}t>'
            f"</{p}is></{p}c>"
        )

    def _name_at(self, column: int) -> str | None:
        return next((n for n, c in self.layout.places.items() if c == column), None)

    def _widths(
        self, head: str, data_start: int, cols: tuple[Tag, int] | None, widths: Mapping[str, float]
    ) -> str:
        """New result columns get a width, unless a <col> entry already covers them."""
        covered: list[tuple[int, int]] = []
        if cols is not None:
            opening, end = cols
            for tag in tags(head, opening.end, end):
                if tag.name == "col" and tag.opening:
                    attrs = tag.attrs()
                    covered.append((int_or(attrs.get("min"), 0), int_or(attrs.get("max"), 0)))
        entries: list[tuple[int, str]] = []
        for name in self.layout.added:
            column = self.layout.places[name]
            if any(low <= column <= high for low, high in covered):
                continue
            entries.append(
                (
                    column,
                    f'<{self.prefix}col min="{column}" max="{column}" '
                    f'width="{widths.get(name, 20):g}" customWidth="1"/>',
                )
            )
        if not entries:
            return head
        if cols is None:
            at = data_start
            block = f"<{self.prefix}cols>{''.join(e for _, e in entries)}</{self.prefix}cols>"
            return head[:at] + block + head[at:]
        opening, end = cols
        out = head
        for column, entry in sorted(entries, reverse=True):
            at = head.rfind("</", opening.end, end)
            for tag in tags(head, opening.end, end):
                if tag.name == "col" and tag.opening and int_or(tag.attrs().get("min"), 0) > column:
                    at = tag.start
                    break
            out = out[:at] + entry + out[at:]
        return out

    def _dimension(self, head: str, last_row: int) -> str:
        found = find_element(head, "dimension")
        if found is None:
            return head
        tag, _ = found
        bounds = parse_range(tag.attrs().get("ref", ""))
        if bounds is None:
            return head
        last_column = max(self.layout.places.values(), default=0)
        grown = range_text(
            bounds[0], bounds[1], max(bounds[2], last_row), max(bounds[3], last_column)
        )
        return head[: tag.start] + with_attr(tag.text, "ref", grown) + head[tag.end :]

    def _hyperlinks(self, tail: str) -> str:
        """Links of the join-url cells; other hyperlinks stay as they are."""
        if not self.links:
            return tail
        rels = self.rels or (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_PACKAGE_RELS}"></Relationships>'
        )
        rprefix = relationship_prefix(self.root)
        found = find_element(tail, "hyperlinks")
        kept, dropped = self._keep_hyperlinks(tail, found, rels)
        still_used = {v for k in kept for k2, v in attrs_of(k).items() if k2.endswith(":id")}
        rels = drop_relationships(rels, dropped - still_used)
        rels, added = self._add_hyperlinks(rels, kept, rprefix or "r")
        self.rels = rels if (self.rels is not None or added) else None
        p = self.prefix
        block = f"<{p}hyperlinks>{''.join(kept)}</{p}hyperlinks>" if kept else ""
        self.needs_relationships_ns = rprefix is None and added
        return self._place_hyperlinks(tail, found, block)

    def _keep_hyperlinks(
        self, tail: str, found: tuple[Tag, int] | None, rels: str
    ) -> tuple[list[str], set[str]]:
        """The existing hyperlink tags to keep, and the relationship ids of those dropped.

        A join-url cell's link is kept when it already points at the new target (the cell is
        then marked done); any other link of a join-url cell is dropped.
        """
        kept: list[str] = []
        dropped: set[str] = set()
        if found is None:
            return kept, dropped
        targets = {r.get("Id", ""): r for r in relationships(rels)}
        opening, end = found
        for tag in tags(tail, opening.end, end):
            if tag.name != "hyperlink" or not tag.opening:
                continue
            attrs = tag.attrs()
            rid = next((v for k, v in attrs.items() if k.endswith(":id")), None)
            ref = attrs.get("ref", "")
            if ref not in self.links:
                kept.append(tag.text)
                continue
            target = targets.get(rid or "", {}).get("Target")
            if self.links[ref] is not None and target == self.links[ref]:
                self.links[ref] = _KEPT
                kept.append(tag.text)
            elif rid:
                dropped.add(rid)
        return kept, dropped

    def _add_hyperlinks(self, rels: str, kept: list[str], rprefix: str) -> tuple[str, bool]:
        """Add a relationship and a hyperlink tag (to ``kept``) for each link still to write."""
        used_ids = {r.get("Id", "") for r in relationships(rels)}
        new_rels: list[str] = []
        number = 1
        for ref, target in self.links.items():
            if target is None or target is _KEPT:
                continue
            while f"rId{number}" in used_ids:
                number += 1
            rid = f"rId{number}"
            used_ids.add(rid)
            new_rels.append(
                f'<Relationship Id="{rid}" Type="{RELATIONSHIPS_NS}/hyperlink" '
                f'Target={xml_attr(target)} TargetMode="External"/>'
            )
            kept.append(f'<{self.prefix}hyperlink ref="{ref}" {rprefix}:id="{rid}"/>')
        if new_rels:
            close = rels.rfind("</")
            rels = rels[:close] + "".join(new_rels) + rels[close:]
        return rels, bool(new_rels)

    def _place_hyperlinks(self, tail: str, found: tuple[Tag, int] | None, block: str) -> str:
        """Put the hyperlinks block where the old one was, or where the schema orders it."""
        if found is not None:
            return tail[: found[0].start] + block + tail[found[1] :]
        p = self.prefix
        after = re.search(
            rf"<(?:{re.escape(p)}(?:{_AFTER_HYPERLINKS})\b|\w+:AlternateContent\b)", tail
        )
        at = after.start() if after else tail.rfind("</")
        return tail[:at] + block + tail[at:]


_KEPT: Final = "\x00kept"


_PACKAGE_RELS: Final = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass(frozen=True)
class _Header:
    name: str


def serial(wall: datetime) -> str:
    """A naive date-time as an Excel serial number (days since 1899-12-30), to the second."""
    seconds = round((wall - EXCEL_EPOCH).total_seconds())
    days, rest = divmod(seconds, 86400)
    return str(days) if not rest else repr(days + rest / 86400)


def _column_styles(text: str, cols: tuple[Tag, int] | None) -> dict[int, int]:
    styles: dict[int, int] = {}
    if cols is None:
        return styles
    opening, end = cols
    for tag in tags(text, opening.end, end):
        if tag.name == "col" and tag.opening:
            attrs = tag.attrs()
            style = int_or(attrs.get("style"), 0)
            low, high = int_or(attrs.get("min"), 0), int_or(attrs.get("max"), 0)
            if style and high - low < 20000:
                for column in range(low, high + 1):
                    styles[column] = style
    return styles
