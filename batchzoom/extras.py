"""Optional columns beyond the core ones, applied to the sessions validation produced.

A roster may carry columns that only some users need: a ``status`` that cancels
a session, and (for timetables) recurrence, meeting settings and alternative
hosts. Each is parsed once per distinct cell value; a cell it cannot use is a
problem of its row like any other, and the row's session is dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from batchzoom.rows import CellError, Problem, Table, Validation, ValidationOptions, is_blank

CANCELLED = frozenset({"cancel", "cancelled", "canceled", "취소", "취소됨", "휴강"})
ACTIVE = frozenset({"active", "ok", "scheduled", "confirmed", "예정", "확정", "진행"})


def parse_status(cell: object) -> bool:
    """Whether a status cell cancels the session."""
    text = str(cell).strip().lower()
    if text in CANCELLED:
        return True
    if text in ACTIVE:
        return False
    raise CellError(
        "status-unknown",
        f'status "{str(cell).strip()}" is not understood; leave it empty, or write "cancelled" '
        "(취소) to cancel the session.",
    )


@dataclass(frozen=True)
class Extra:
    """One optional column: its field name, the Session attribute it sets, and its parser."""

    field: str
    attribute: str
    parse: Callable[[object], Any]


EXTRAS: tuple[Extra, ...] = (Extra("status", "cancelled", parse_status),)


def apply(roster: Table, validation: Validation, options: ValidationOptions) -> Validation:
    """``validation`` with the optional columns read into its sessions and their problems added."""
    present = [extra for extra in EXTRAS if extra.field in roster.columns]
    if not present:
        return validation
    values: dict[int, dict[str, Any]] = defaultdict(dict)
    problems: list[Problem] = []
    for extra in present:
        header = roster.columns[extra.field]
        cells: Sequence[object] = roster.values(extra.field) or ()
        memo: dict[tuple[type, object], Any] = {}
        for row, cell in zip(roster.rows, cells, strict=True):
            if is_blank(cell):
                continue
            key = (type(cell), cell)
            if key not in memo:
                try:
                    memo[key] = extra.parse(cell)
                except CellError as error:
                    memo[key] = error
            value = memo[key]
            if isinstance(value, CellError):
                problems.append(Problem(row, header, value.code, value.message))
                continue
            values[row][extra.attribute] = value
    if not problems and not values:
        return validation
    bad = {problem.row for problem in problems if problem.row is not None}
    sessions = [
        replace(session, **values[session.row]) if session.row in values else session
        for session in validation.sessions
        if session.row not in bad
    ]
    merged = sorted(validation.problems + problems, key=lambda p: -1 if p.row is None else p.row)
    return Validation(
        sessions=sessions,
        problems=merged,
        invalid_rows=validation.invalid_rows | bad,
        rows=validation.rows,
    )
