"""What is wrong with a roster, in words the user can act on.

``CellError`` is raised by every reader of a cell or a column (durations, hosts, dates and
times, zones, meeting settings, recurrence); ``Problem`` is what validation reports: the
same code and sentence, tied to the Excel row and the column as the user named it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from batchzoom.core.i18n import _


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one row (or the whole file), in words the user can act on."""

    row: int | None  # Excel row number; None for a whole-file problem
    column: str | None  # header text as the user wrote it (canonical name if the column is missing)
    code: str  # short stable code, e.g. "start-in-past", "duration-range", "dst-gap"
    message: str  # one plain sentence: what is wrong and what to do
    letter: str | None = None  # the column's letter in the sheet (A ... Z, AA ...), when known

    def where(self) -> str:
        """The problem's column as the sheet shows it: the header, with its letter when known
        (``Duration (column E)``); ``-`` for a problem of the whole file."""
        if self.column is None:
            return "-"
        if self.letter is None:
            return self.column
        return _("{header} (column {letter})").format(header=self.column, letter=self.letter)

    def record(self) -> dict[str, object]:
        """The problem as JSON gives it."""
        return {
            "row": self.row,
            "column": self.column,
            "column_letter": self.letter,
            "code": self.code,
            "message": self.message,
        }


def column_letters(column: int) -> str:
    """A column's letters as Excel names it: 1 -> A, 27 -> AA."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def lettered(problems: Sequence[Problem], headers: Sequence[str]) -> list[Problem]:
    """``problems`` with the letter of each one's column among ``headers`` (the sheet's
    header texts in column order); a column the sheet lacks keeps no letter."""
    letters: dict[str, str] = {}
    for position, header in enumerate(headers, start=1):
        letters.setdefault(header, column_letters(position))
    return [
        replace(problem, letter=letters.get(problem.column or "", problem.letter))
        for problem in problems
    ]


def shorten(value: object, limit: int = 40) -> str:
    """A cell shown in a message: its text, cut to ``limit`` characters."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class CellError(ValueError):
    """A cell (or a column) that does not hold what it should: a stable code and one sentence.

    ``field`` names the field the problem is in when the reader knows better than its
    caller (a recurrence rule spans several columns); None leaves it to the caller.
    """

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class CellsError(ValueError):
    """Every problem found in a group of cells read together (at least one)."""

    def __init__(self, errors: Sequence[CellError]) -> None:
        super().__init__(" ".join(error.message for error in errors))
        self.errors = tuple(errors)


class Found:
    """The problems of one row, each tied to the column as the user named it."""

    def __init__(self, row: int, header: Mapping[str, str], rank: Mapping[str, int]) -> None:
        self.row = row
        self.header = header
        self.rank = rank
        self.ranked: list[tuple[int, int, str, str, str]] = []

    def add(self, name: str, code: str, message: str) -> None:
        """A problem in field ``name``'s column."""
        rank = self.rank.get(name, len(self.rank))
        self.ranked.append((rank, len(self.ranked), self.header.get(name, name), code, message))

    def error(self, name: str, error: CellError) -> None:
        """The problem a cell reader raised, in field ``name``'s column."""
        self.add(name, error.code, error.message)

    @property
    def problems(self) -> list[Problem]:
        """This row's problems, left to right in the order of the columns."""
        return [
            Problem(self.row, column, code, message)
            for _, _, column, code, message in sorted(self.ranked)
        ]
