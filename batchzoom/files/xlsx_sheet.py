"""The cells of a worksheet's XML, read tag by tag without building a tree.

Each cell keeps where its XML starts and ends, so a writer can copy it unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

from batchzoom.files.ooxml import (
    Tag,
    find_element,
    parse_range,
    parse_ref,
    tags,
    text_of,
)
from batchzoom.files.package import PackageError


@dataclass
class Cell:
    column: int
    start: int
    end: int
    tag: Tag
    kind: str  # the t attribute ("n" when absent)
    style: int
    formula: bool = False
    value: str | None = None  # <v> text
    inline: str | None = None  # <is> text

    def text(self, shared: Mapping[int, str]) -> str:
        if self.kind == "inlineStr":
            return self.inline or ""
        if self.kind == "s" and self.value is not None and self.value.strip().isdigit():
            return shared.get(int(self.value), "")
        return self.value or ""

    def blank(self) -> bool:
        return not self.formula and not (self.inline if self.kind == "inlineStr" else self.value)


@dataclass
class Row:
    number: int
    tag: Tag
    end: int = -1
    cells: list[Cell] = field(default_factory=list)


def sheet_data(text: str, what: str) -> tuple[Tag, int]:
    found = find_element(text, "sheetData")
    if found is None:
        raise PackageError(f"{what} has a worksheet without cells batchzoom can read.")
    return found


def rows(text: str) -> RowIter:
    """The rows of the sheet's ``sheetData``, each with its cells, read tag by tag."""
    data, data_end = sheet_data(text, "the workbook")
    return RowIter(text, data, data_end)


# The only tags a row scan needs (and CDATA, whose text may hold anything); other tags,
# such as the runs of rich text, are skipped by the search itself.
_SHEET_TAG: Final = re.compile(
    r"<(?:!\[CDATA\[.*?\]\]>|(/)?(?:[A-Za-z_][\w.-]*:)?(row|c|v|f|t|rPh)(?=[\s/>])"
    r"((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/)?>)",
    re.S,
)


class RowIter:
    def __init__(self, text: str, data: Tag, data_end: int) -> None:
        self._text = text
        found = _SHEET_TAG.finditer(text, data.end, data_end)
        self._matches: Iterator[re.Match[str]] = iter(()) if data.empty else found
        self._last_row = 0

    def __iter__(self) -> RowIter:
        return self

    def __next__(self) -> Row:
        text = self._text
        row: Row | None = None
        cell: Cell | None = None
        last_column = 0
        open_at = 0
        in_phonetic = False
        for match in self._matches:
            name = match.group(2)
            if name is None:  # CDATA: its text is read with the element around it
                continue
            closing = match.group(1) is not None
            empty = match.group(4) is not None
            if name == "row":
                if closing and row is not None:
                    row.end = match.end()
                    return row
                if not closing:
                    tag = _tag(match, name)
                    attrs = tag.attrs()
                    number = int_or(attrs.get("r"), self._last_row + 1)
                    self._last_row, last_column = number, 0
                    row = Row(number, tag)
                    if empty:
                        row.end = match.end()
                        return row
            elif row is None:
                continue
            elif name == "c":
                if closing:
                    if cell is not None:
                        cell.end = match.end()
                        row.cells.append(cell)
                        cell = None
                    continue
                cell = _cell(_tag(match, name), last_column)
                last_column = cell.column
                if empty:
                    row.cells.append(cell)
                    cell = None
            elif cell is None:
                continue
            elif name == "f":
                cell.formula = cell.formula or not closing
            elif name == "rPh":
                in_phonetic = not closing and not empty
            elif not in_phonetic:  # v or t
                if not closing and not empty:
                    open_at = match.end()
                elif closing:
                    _take_text(cell, name, text_of(text[open_at : match.start()]))
        raise StopIteration


def _take_text(cell: Cell, name: str, content: str) -> None:
    if name == "v":
        cell.value = content
    else:
        cell.inline = (cell.inline or "") + content


def _cell(tag: Tag, previous_column: int) -> Cell:
    """A cell from its opening tag; without ``r``, it is the one after the previous cell."""
    attrs = tag.attrs()
    ref = parse_ref(attrs["r"]) if "r" in attrs else None
    column = ref[1] if ref else previous_column + 1
    return Cell(column, tag.start, tag.end, tag, attrs.get("t", "n"), int_or(attrs.get("s"), 0))


def _tag(match: re.Match[str], name: str) -> Tag:
    whole = match.group(0)
    prefix = whole[1 : whole.index(name)].rstrip(":") if not whole.startswith(f"<{name}") else ""
    return Tag(
        start=match.start(),
        end=match.end(),
        name=name,
        prefix=prefix,
        closing=False,
        empty=match.group(4) is not None,
        text=whole,
    )


def int_or(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def merges(text: str) -> list[tuple[int, int, int, int]]:
    found = find_element(text, "mergeCells")
    if found is None:
        return []
    opening, end = found
    merges = []
    for tag in tags(text, opening.end, end):
        if tag.name == "mergeCell" and tag.opening:
            bounds = parse_range(tag.attrs().get("ref", ""))
            if bounds is not None:
                merges.append(bounds)
    return merges
