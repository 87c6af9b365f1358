"""Optional columns beyond the core ones, applied to the sessions validation produced.

A roster may carry columns that only some users need: a ``status`` that cancels
a session, and (for timetables) recurrence, meeting settings and alternative
hosts. Each is parsed once per distinct cell value; a cell it cannot use is a
problem of its row like any other, and the row's session is dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from batchzoom.model import meeting_settings, recurrence
from batchzoom.model.meeting_settings import SettingError
from batchzoom.model.recurrence import RecurrenceCells, RecurrenceCellsError, RecurrenceError
from batchzoom.model.rows import (
    SETTINGS_PREFIX,
    CellError,
    Problem,
    Session,
    Table,
    Validation,
    ValidationOptions,
    is_blank,
)

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


_EMAIL = re.compile(r"[^@\s;,]+@[^@\s;,]+\.[^@\s;,.]+")
_HOST_SPLIT = re.compile(r"[;,\s]+")


def parse_alternative_hosts(cell: object) -> tuple[str, ...]:
    """The emails of an ``alternative_hosts`` cell, separated by ``;`` or ``,`` (duplicates once)."""
    emails: list[str] = []
    for part in _HOST_SPLIT.split(str(cell).strip()):
        if not part:
            continue
        if not _EMAIL.fullmatch(part):
            raise CellError(
                "alternative-hosts-format",
                f'alternative host "{part[:40]}" is not an email address; write the Zoom emails '
                'of the alternative hosts separated by ";".',
            )
        if part.casefold() not in (email.casefold() for email in emails):
            emails.append(part)
    return tuple(emails)


@dataclass(frozen=True)
class Extra:
    """One optional column: its field name, the Session attribute it sets, and its parser."""

    field: str
    attribute: str
    parse: Callable[[object], Any]


EXTRAS: tuple[Extra, ...] = (
    Extra("status", "cancelled", parse_status),
    Extra("alternative_hosts", "alternative_hosts", parse_alternative_hosts),
)


def _setting_extra(setting: meeting_settings.Setting) -> Extra:
    def parse(cell: object) -> Any:
        try:
            return setting.parse(cell)
        except SettingError as error:
            raise CellError(error.code, error.message) from error

    return Extra(setting.name, "settings", parse)


def _settings_extras(roster: Table, problems: list[Problem]) -> list[tuple[str, Extra]]:
    """(column field, Extra) of every settings column; a column Zoom lacks is a file problem."""
    found: list[tuple[str, Extra]] = []
    for name, header in roster.columns.items():
        if not name.startswith(SETTINGS_PREFIX):
            continue
        try:
            setting = meeting_settings.field_for(name)
        except SettingError as error:
            problems.append(Problem(None, header, error.code, f"column {header}: {error.message}"))
            continue
        found.append((name, _setting_extra(setting)))
    return found


def _cells_of(roster: Table, name: str) -> Sequence[object]:
    cells = roster.values(name) if name in roster.columns else None
    return cells if cells is not None else [None] * len(roster.rows)


def _recurrences(
    roster: Table, sessions: Mapping[int, Session], problems: list[Problem], warnings: list[Problem]
) -> dict[int, dict[str, Any]]:
    """Zoom's recurrence object of every repeating row; problems of the others added, and a
    warning for each occurrence whose wall time a daylight-saving change skips or repeats."""
    present = [name for name in recurrence.FIELDS if name in roster.columns]
    if not present:
        return {}
    columns = [_cells_of(roster, name) for name in recurrence.FIELDS]
    # A row's recurrence problems in the order of the roster's columns (a field the roster
    # lacks, such as a missing repeat, after them in FIELDS order).
    position = {name: index for index, name in enumerate(roster.columns)}
    fallback = len(position)

    def parse(cells: Sequence[object]) -> RecurrenceCells | tuple[RecurrenceError, ...] | None:
        try:
            return recurrence.parse_cells(cells)
        except RecurrenceCellsError as error:
            return tuple(
                sorted(
                    error.errors,
                    key=lambda e: position.get(
                        e.field, fallback + recurrence.FIELDS.index(e.field)
                    ),
                )
            )

    cells_memo: dict[tuple[object, ...], RecurrenceCells | tuple[RecurrenceError, ...] | None] = {}
    rule_memo: dict[tuple[RecurrenceCells, datetime, str], dict[str, Any] | RecurrenceError] = {}
    rules: dict[int, dict[str, Any]] = {}

    def header(error: RecurrenceError) -> str:
        return roster.columns.get(error.field, error.field)

    for index, row in enumerate(roster.rows):
        cells = tuple(None if is_blank(column[index]) else column[index] for column in columns)
        key = tuple((type(cell), cell) for cell in cells)
        try:
            parsed = cells_memo[key]
        except KeyError:
            parsed = cells_memo[key] = parse(cells)
        except TypeError:  # an unhashable cell
            parsed = parse(cells)
        if parsed is None:
            continue
        if isinstance(parsed, tuple):
            problems.extend(
                Problem(row, header(error), error.code, error.message) for error in parsed
            )
            continue
        session = sessions.get(row)
        if session is None:
            continue
        rule_key = (parsed, session.start, session.timezone)
        if rule_key not in rule_memo:
            try:
                rule_memo[rule_key] = recurrence.rule_for(parsed, session.start, session.timezone)
            except RecurrenceError as error:
                rule_memo[rule_key] = error
        rule = rule_memo[rule_key]
        if isinstance(rule, RecurrenceError):
            problems.append(Problem(row, header(rule), rule.code, rule.message))
            continue
        rules[row] = rule
        header_of_start = roster.columns.get("start", roster.columns.get("date", "start"))
        warnings.extend(
            Problem(row, header_of_start, "dst-occurrence", doubt)
            for doubt in recurrence.dst_doubts(session.start, session.timezone, rule)
        )
    return rules


def apply(roster: Table, validation: Validation, options: ValidationOptions) -> Validation:
    """``validation`` with the optional columns read into its sessions and their problems added."""
    problems: list[Problem] = []
    present = [(extra.field, extra) for extra in EXTRAS if extra.field in roster.columns]
    present += _settings_extras(roster, problems)
    has_recurrence = any(name in roster.columns for name in recurrence.FIELDS)
    pooled = {  # host "pool:teachers": the planner picks a member of the pool later
        session.row: session.host.split(":", 1)[1].strip()
        for session in validation.sessions
        if session.host[:5].casefold() == "pool:"
    }
    if not present and not problems and not has_recurrence and not pooled:
        return validation
    values: dict[int, dict[str, Any]] = defaultdict(dict)
    for row, name in pooled.items():
        values[row]["pool"] = name
    for name, extra in present:
        header = roster.columns[name]
        cells: Sequence[object] = roster.values(name) or ()
        memo: dict[tuple[type, object], Any] = {}
        setting = meeting_settings.field_for(name) if extra.attribute == "settings" else None
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
            if setting is not None:
                meeting_settings.merge(values[row].setdefault("settings", {}), setting, value)
            else:
                values[row][extra.attribute] = value
    by_row = {session.row: session for session in validation.sessions}
    warnings: list[Problem] = []
    for row, rule in _recurrences(roster, by_row, problems, warnings).items():
        values[row]["recurrence"] = rule
    if not problems and not values:
        return validation.warned(warnings)
    sessions = [
        replace(session, **values[session.row]) if session.row in values else session
        for session in validation.sessions
    ]
    return validation.amended(problems, sessions).warned(warnings)
