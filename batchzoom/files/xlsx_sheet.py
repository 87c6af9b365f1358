"""The cells of a worksheet's XML, read tag by tag without building a tree.

Each cell keeps where its XML starts and ends, so a writer can copy it unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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


class RowIter:
    def __init__(self, text: str, data: Tag, data_end: int) -> None:
        self._text = text
        self._tags = tags(text, data.end, data_end) if not data.empty else iter(())
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
        for tag in self._tags:
            name = tag.name
            if name == "row":
                if tag.closing and row is not None:
                    row.end = tag.end
                    return row
                if tag.opening:
                    attrs = tag.attrs()
                    number = int_or(attrs.get("r"), self._last_row + 1)
                    self._last_row, last_column = number, 0
                    row = Row(number, tag)
                    if tag.empty:
                        row.end = tag.end
                        return row
            elif row is None:
                continue
            elif name == "c" and tag.closing and cell is not None:
                cell.end = tag.end
                row.cells.append(cell)
                cell = None
            elif name == "c" and tag.opening:
                attrs = tag.attrs()
                ref = parse_ref(attrs["r"]) if "r" in attrs else None
                last_column = ref[1] if ref else last_column + 1
                cell = Cell(
                    last_column,
                    tag.start,
                    tag.end,
                    tag,
                    attrs.get("t", "n"),
                    int_or(attrs.get("s"), 0),
                )
                if tag.empty:
                    row.cells.append(cell)
                    cell = None
            elif cell is None:
                continue
            elif name == "f" and tag.opening:
                cell.formula = True
            elif name in ("v", "t") and not in_phonetic:
                if tag.opening and not tag.empty:
                    open_at = tag.end
                elif tag.closing:
                    content = text_of(text[open_at : tag.start])
                    if name == "v":
                        cell.value = content
                    else:
                        cell.inline = (cell.inline or "") + content
            elif name == "rPh" and not tag.empty:
                in_phonetic = tag.opening
        raise StopIteration


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
