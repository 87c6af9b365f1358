"""Text as it comes out of real roster files: mixed encodings and invisible control characters.

A CSV edited by two programs can hold lines in UTF-8 and lines in CP949 (Korean Excel); each
line is read in the encoding it is in, and the rows read in the rarer one are named. Control
characters (NUL, ESC, ...) pasted into a cell are removed before anything reaches Zoom or a
calendar file, and each cell they were removed from is named.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from batchzoom.core.i18n import _
from batchzoom.model.problems import Problem

# C0 controls but tab, line feed and carriage return; DEL; the C1 controls.
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NAMED_ROWS: Final = 10


def decode_mixed(name: str, data: bytes) -> tuple[str, list[Problem]] | None:
    """Each line of ``data`` in UTF-8 or else CP949, with a warning naming the rarer rows.

    None when some line is in neither, or when the lines are not a mix of the two.
    """
    lines = data.splitlines(keepends=True)
    texts: list[str] = []
    utf8: list[int] = []
    korean: list[int] = []
    for number, line in enumerate(lines, start=1):
        try:
            texts.append(line.decode("utf-8"))
            if not line.isascii():
                utf8.append(number)
        except UnicodeDecodeError:
            try:
                texts.append(line.decode("cp949"))
            except UnicodeDecodeError:
                return None
            korean.append(number)
    if not utf8 or not korean:
        return None
    rare, rare_name, other_name = (
        (korean, "CP949 (Korean Excel)", "UTF-8")
        if len(korean) <= len(utf8)
        else (utf8, "UTF-8", "CP949 (Korean Excel)")
    )
    message = (
        f"{name} mixes UTF-8 and CP949 text: this row was read as {rare_name}, the others as "
        f'{other_name}; check its text, and save the file again as "CSV UTF-8".'
    )
    warnings = [Problem(row, None, "mixed-encoding", message) for row in rare[:_NAMED_ROWS]]
    return "".join(texts), warnings


def without_controls(
    headers: Sequence[str], rows: Sequence[int], cells: list[list[object]]
) -> list[Problem]:
    """Remove control characters from text cells in place; one warning per cell changed."""
    warnings: list[Problem] = []
    for position, column in enumerate(cells):
        # One search per column finds the (rare) columns that need a look cell by cell.
        if not _CONTROL.search("\n".join(v for v in column if type(v) is str)):
            continue
        header = headers[position] if position < len(headers) else ""
        for index, value in enumerate(column):
            if type(value) is not str:
                continue
            found = _CONTROL.search(value)
            if found is None:
                continue
            column[index] = _CONTROL.sub("", value)
            warnings.append(
                Problem(
                    rows[index],
                    header,
                    "control-character",
                    _(
                        "removed the invisible control character {character} "
                        "from this cell; check its text."
                    ).format(character=f"U+{ord(found.group()):04X}"),
                )
            )
    return warnings
