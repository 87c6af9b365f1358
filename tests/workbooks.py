"""Real workbooks from tests/corpus made into rosters at the XML level, and zip comparisons.

A roster sheet is added to a workbook by adding one worksheet part, its content type, a
relationship and a ``<sheet>`` entry — every other member of the package is left exactly as
it was, so a test can tell what batchzoom changed from what was there.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import struct
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

CORPUS = Path(__file__).parent / "corpus"
ROSTER_SHEET = "Roster"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def corpus_files() -> list[Path]:
    """Every workbook in the corpus that came from another project."""
    return sorted(p for p in CORPUS.glob("*/*.xls[xm]"))


def roster_sheet_xml(rows: list[list[str | int]]) -> str:
    def cell(column: int, row: int, value: str | int) -> str:
        ref = f"{chr(64 + column)}{row}"
        if isinstance(value, int):
            return f'<c r="{ref}"><v>{value}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'

    body = "".join(
        f'<row r="{r}">' + "".join(cell(c, r, v) for c, v in enumerate(row, 1)) + "</row>"
        for r, row in enumerate(rows, 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheetData>{body}</sheetData>'
        "</worksheet>"
    )


def with_roster_sheet(source: Path, target: Path, rows: list[list[str | int]]) -> None:
    """Copy ``source`` to ``target`` with a worksheet "Roster" holding ``rows`` added last."""
    with zipfile.ZipFile(source) as old:
        # some writers store "xl\\workbook.xml": look parts up by their "/" names
        stored = {name.replace("\\", "/"): name for name in old.namelist()}
        names = list(stored)
        root_rels = old.read(stored["_rels/.rels"]).decode()
        book = re.search(r'Target="/?([^"]*workbook[^"]*\.xml)"', root_rels)
        assert book is not None
        book_part = book.group(1)
        folder = posixpath.dirname(book_part)
        rels_part = posixpath.join(folder, "_rels", posixpath.basename(book_part) + ".rels")
        sheet_part = posixpath.join(folder, "worksheets", "batchzoom_roster.xml")
        assert sheet_part not in names
        workbook = old.read(stored[book_part]).decode()
        rels = old.read(stored[rels_part]).decode()
        types = old.read(stored["[Content_Types].xml"]).decode()
        rid = "rIdRoster1"
        rels = rels.replace(
            "</Relationships>",
            f'<Relationship Id="{rid}" Type="{REL_NS}/worksheet" '
            'Target="worksheets/batchzoom_roster.xml"/></Relationships>',
        )
        types = types.replace(
            "</Types>",
            f'<Override PartName="/{sheet_part}" ContentType="{SHEET_TYPE}"/></Types>',
        )
        ids = [int(x) for x in re.findall(r'sheetId="(\d+)"', workbook)]
        closing = re.search(r"</(\w+:)?sheets>", workbook)
        assert closing is not None
        prefix = closing.group(1) or ""
        entry = (
            f'<{prefix}sheet name="{ROSTER_SHEET}" sheetId="{max(ids) + 1}" '
            f'xmlns:rr="{REL_NS}" rr:id="{rid}"/>'
        )
        workbook = workbook[: closing.start()] + entry + workbook[closing.start() :]
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
            for info in old.infolist():
                content = old.read(info.filename)
                name = info.filename.replace("\\", "/")
                if name == book_part:
                    content = workbook.encode()
                elif name == rels_part:
                    content = rels.encode()
                elif name == "[Content_Types].xml":
                    content = types.encode()
                new.writestr(info, content, compress_type=info.compress_type)
            new.writestr(sheet_part, roster_sheet_xml(rows))


def stored_members(path: Path) -> dict[str, bytes]:
    """Each member's stored (compressed) bytes exactly as in the file, read independently."""
    data = path.read_bytes()
    members: dict[str, bytes] = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            start = info.header_offset
            name_length, extra_length = struct.unpack_from("<HH", data, start + 26)
            begin = start + 30 + name_length + extra_length
            members[info.filename.replace("\\", "/")] = data[begin : begin + info.compress_size]
    return members


def contents(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def fingerprint(path: Path) -> tuple[int, int, str]:
    """(size, mtime_ns, sha256) of a file, as ``read_roster`` records them in ``SourceInfo``."""
    info = path.stat()
    return info.st_size, info.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest()
