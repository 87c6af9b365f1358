"""The parts of a workbook package around the roster sheet: where they are, and small edits.

Relationships, content types and Excel tables are edited as text, one element at a time.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass

from batchzoom.files.ooxml import (
    find_element,
    parse_range,
    range_text,
    tags,
    text_of,
    with_attr,
    xml_attr,
)
from batchzoom.files.package import Package, PackageError
from batchzoom.files.xlsx_sheet import int_or


@dataclass
class SheetParts:
    """The parts of the package that belong to the roster sheet."""

    part: str
    rels_part: str
    workbook_rels: str
    shared_strings: str | None
    styles: str | None
    calc_chain: str | None


def decode(package: Package, name: str, what: str) -> str:
    try:
        return package.read(name).decode("utf-8")
    except (KeyError, UnicodeDecodeError) as error:
        raise PackageError(f"{what} has a part batchzoom cannot read ({name}).") from error


def resolve(base_part: str, target: str) -> str:
    """A relationship target as a member name, relative to the part that holds it."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def rels_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def relationships(text: str) -> list[dict[str, str]]:
    return [tag.attrs() for tag in tags(text) if tag.name == "Relationship" and tag.opening]


def locate(package: Package, what: str, sheet: str | None) -> SheetParts:
    root = relationships(decode(package, "_rels/.rels", what))
    book = next((r["Target"] for r in root if r.get("Type", "").endswith("/officeDocument")), None)
    if book is None:
        raise PackageError(f"{what} is not a workbook (it has no workbook part).")
    book = resolve("", book)
    book_rels = rels_of(book)
    by_id = {r.get("Id", ""): r for r in relationships(decode(package, book_rels, what))}
    target: str | None = None
    for tag in tags(decode(package, book, what)):
        if tag.name == "sheet" and tag.opening:
            attrs = tag.attrs()
            rid_type = by_id.get(next((v for k, v in attrs.items() if k.endswith(":id")), ""), {})
            first_visible = sheet is None and attrs.get("state", "visible") == "visible"
            if (first_visible and rid_type.get("Type", "").endswith("/worksheet")) or (
                sheet is not None and attrs.get("name") == sheet
            ):
                rid = next((v for k, v in attrs.items() if k.endswith(":id")), "")
                target = by_id.get(rid, {}).get("Target")
                break
    if target is None:
        raise PackageError(
            f'Cannot find the sheet "{sheet or "(first visible)"}" in {what} any more; put it back or run again '
            "to read the workbook afresh."
        )

    def part_of(kind: str) -> str | None:
        for rel in by_id.values():
            if rel.get("Type", "").endswith(f"/{kind}"):
                name = resolve(book, rel.get("Target", ""))
                return name if name in package else None
        return None

    part = resolve(book, target)
    return SheetParts(
        part=part,
        rels_part=rels_of(part),
        workbook_rels=book_rels,
        shared_strings=part_of("sharedStrings"),
        styles=part_of("styles"),
        calc_chain=part_of("calcChain"),
    )


def shared_strings(
    package: Package, parts: SheetParts, wanted: set[int], what: str
) -> dict[int, str]:
    """The shared strings with the given indexes (only those are kept)."""
    if not wanted or parts.shared_strings is None:
        return {}
    text = decode(package, parts.shared_strings, what)
    found: dict[int, str] = {}
    index = -1
    last = max(wanted)
    position = 0
    while index < last:
        element = find_element(text, "si", position)
        if element is None:
            break
        tag, end = element
        index += 1
        if index in wanted:
            body = re.sub(r"<(\w+:)?rPh\b.*?</(\w+:)?rPh>", "", text[tag.end : end], flags=re.S)
            found[index] = text_of(body)
        position = end
    return found


def attrs_of(element: str) -> dict[str, str]:
    return next(tags(element)).attrs()


def drop_relationships(rels: str, ids: set[str]) -> str:
    if not ids:
        return rels
    out: list[str] = []
    position = 0
    for tag in tags(rels):
        if tag.name == "Relationship" and tag.opening and tag.attrs().get("Id") in ids:
            out.append(rels[position : tag.start])
            position = tag.end
    out.append(rels[position:])
    return "".join(out)


def without_relationship(rels: str, kind: str) -> str:
    ids = {r.get("Id", "") for r in relationships(rels) if r.get("Type", "").endswith(f"/{kind}")}
    return drop_relationships(rels, ids)


def without_override(types: str, part: str) -> str:
    for tag in tags(types):
        if tag.name == "Override" and tag.opening and tag.attrs().get("PartName") == f"/{part}":
            return types[: tag.start] + types[tag.end :]
    return types


def with_rels_default(types: str) -> str | None:
    """Content types with a default for .rels parts, or None when it has one."""
    for tag in tags(types):
        if tag.name == "Default" and tag.attrs().get("Extension", "").lower() == "rels":
            return None
    close = types.rfind("</")
    entry = (
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    )
    return types[:close] + entry + types[close:]


def tables(package: Package, parts: SheetParts, rels: str | None) -> list[str]:
    if rels is None:
        return []
    return [
        resolve(parts.part, r.get("Target", ""))
        for r in relationships(rels)
        if r.get("Type", "").endswith("/table")
        and resolve(parts.part, r.get("Target", "")) in package
    ]


def grow_table(
    text: str, added: Sequence[str], last_used: int, last_header: int, header_row: int
) -> str | None:
    """The table grown to hold the new result columns, when its header is the roster's."""
    if not added or last_used != last_header:
        return None
    root = next(t for t in tags(text) if t.opening)
    attrs = root.attrs()
    bounds = parse_range(attrs.get("ref", ""))
    if bounds is None or attrs.get("tableType", "worksheet") != "worksheet":
        return None
    first_row, first_column, last_row, last_column = bounds
    if (first_row, last_column) != (header_row, last_header):
        return None
    if int_or(attrs.get("totalsRowCount"), 0) or attrs.get("headerRowCount") == "0":
        return None
    columns = find_element(text, "tableColumns")
    if columns is None or columns[0].empty:
        return None
    opening, end = columns
    ids = [
        int_or(t.attrs().get("id"), 0)
        for t in tags(text, opening.end, end)
        if t.name == "tableColumn" and t.opening
    ]
    p = f"{root.prefix}:" if root.prefix else ""
    new_columns = "".join(
        f'<{p}tableColumn id="{max(ids, default=0) + i}" name={xml_attr(name)}/>'
        for i, name in enumerate(added, start=1)
    )
    ref = range_text(first_row, first_column, last_row, last_column + len(added))
    close = text.rfind("</", opening.end, end)
    counted = with_attr(opening.text, "count", str(len(ids) + len(added)))
    text = text[: opening.start] + counted + text[opening.end : close] + new_columns + text[close:]
    text = text[: root.start] + with_attr(root.text, "ref", ref) + text[root.end :]
    auto = find_element(text, "autoFilter")
    if auto is not None:
        tag = auto[0]
        text = text[: tag.start] + with_attr(tag.text, "ref", ref) + text[tag.end :]
    return text
