"""Reading a roster: .xlsx/.xlsm and .csv files into a table of raw cells."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal


@dataclass(frozen=True)
class SourceInfo:
    """How a roster file was read; write-back re-opens the file with this."""

    path: Path
    format: Literal["xlsx", "csv"]
    sheet: str | None  # xlsx: title of the sheet read; csv: None
    header_row: int  # 1-based row number, as Excel shows it, of the header row
    encoding: str | None  # csv: codec used ("utf-8", "utf-8-sig", "cp949"); xlsx: None
    delimiter: str | None  # csv: ",", ";" or "\t"; xlsx: None
    size: int
    mtime_ns: int
    sha256: str


def fingerprint(path: Path) -> tuple[int, int, str]:
    """(size, mtime_ns, sha256) of a file, to notice later whether it changed."""
    stat = path.stat()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return stat.st_size, stat.st_mtime_ns, digest
