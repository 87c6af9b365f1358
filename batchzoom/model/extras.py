"""Optional columns beyond the core ones, applied to the sessions validation produced.

A roster may carry columns that only some users need: a ``status`` that cancels
a session, and (for timetables) recurrence, meeting settings and alternative
hosts. A cell it cannot use is a problem of its row like any other, and the row's
session is dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from batchzoom.core.i18n import _
from batchzoom.model import meeting_settings, pools, recurrence
from batchzoom.model.cells import NO_WORDS, YES_WORDS, is_blank
from batchzoom.model.columns import SETTINGS_PREFIX
from batchzoom.model.problems import CellError, CellsError, Problem
from batchzoom.model.rows import (
    MEETING,
    WEBINAR,
    Session,
    Table,
    Validation,
    ValidationOptions,
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
        _(
            'status "{value}" is not understood; leave it empty, or write "cancelled" '
            "(취소) to cancel the session."
        ).format(value=str(cell).strip()),
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
                _(
                    'alternative host "{value}" is not an email address; write the Zoom emails '
                    'of the alternative hosts separated by ";".'
                ).format(value=part[:40]),
            )
        if part.casefold() not in (email.casefold() for email in emails):
            emails.append(part)
    return tuple(emails)


_REGISTRATION_YES = YES_WORDS | {"등록"}
_REGISTRATION_NO = NO_WORDS | {"미등록"}


def parse_registration(cell: object) -> bool:
    """Whether a ``registration`` cell makes attendees register (yes/등록, or no)."""
    text = str(cell).strip().casefold()
    if text in _REGISTRATION_YES:
        return True
    if text in _REGISTRATION_NO:
        return False
    raise CellError(
        "registration-value",
        _(
            'registration "{value}" is not understood; write "yes" (등록) for a '
            "session whose attendees register, or leave it empty."
        ).format(value=str(cell).strip()[:40]),
    )


_KINDS = {"meeting": MEETING, "회의": MEETING, "webinar": WEBINAR, "웨비나": WEBINAR}


def parse_kind(cell: object) -> str:
    """The session's kind from a ``kind`` cell: meeting (회의) or webinar (웨비나)."""
    kind = _KINDS.get(str(cell).strip().casefold())
    if kind is None:
        raise CellError(
            "kind-value",
            _(
                'kind "{value}" is not understood; write "meeting" (회의) or "webinar" (웨비나).'
            ).format(value=str(cell).strip()[:40]),
        )
    return kind


def parse_panelists(cell: object) -> tuple[str, ...]:
    """The emails of a ``panelists`` cell, separated by ``;`` or ``,`` (duplicates once)."""
    try:
        return parse_alternative_hosts(cell)
    except CellError:
        raise CellError(
            "panelists-format",
            _('a panelist is not an email address; write the panelists\' emails separated by ";".'),
        ) from None


@dataclass(frozen=True)
class Extra:
    """One optional column: its field name, its parser, and where its value goes in a session.

    ``put`` stores a parsed cell among the fields a row's session is updated with.
    """

    field: str
    parse: Callable[[object], Any]
    put: Callable[[dict[str, Any], Any], None]


def _attribute(name: str) -> Callable[[dict[str, Any], Any], None]:
    def put(fields: dict[str, Any], value: Any) -> None:
        fields[name] = value

    return put


EXTRAS: tuple[Extra, ...] = (
    Extra("status", parse_status, _attribute("cancelled")),
    Extra("alternative_hosts", parse_alternative_hosts, _attribute("alternative_hosts")),
    Extra("registration", parse_registration, _attribute("registration")),
    Extra("kind", parse_kind, _attribute("kind")),
    Extra("panelists", parse_panelists, _attribute("panelists")),
)


def _setting_extra(name: str, setting: meeting_settings.Setting) -> Extra:
    def put(fields: dict[str, Any], value: Any) -> None:
        meeting_settings.merge(fields.setdefault("settings", {}), setting, value)

    return Extra(name, setting.parse, put)


def _settings_extras(roster: Table, problems: list[Problem]) -> list[Extra]:
    """The Extra of every settings column; a column Zoom lacks is a file problem."""
    found: list[Extra] = []
    for name, header in roster.columns.items():
        if not name.startswith(SETTINGS_PREFIX):
            continue
        try:
            setting = meeting_settings.field_for(name)
        except CellError as error:
            text = _("column {column}: {message}").format(column=header, message=error.message)
            problems.append(Problem(None, header, error.code, text))
            continue
        found.append(_setting_extra(name, setting))
    return found


def _cells_of(roster: Table, name: str) -> Sequence[object]:
    cells = roster.values(name) if name in roster.columns else None
    return cells if cells is not None else [None] * len(roster.rows)


def _read_column(
    roster: Table, extra: Extra, values: dict[int, dict[str, Any]], problems: list[Problem]
) -> None:
    """Every non-blank cell of an optional column, parsed into ``values`` or a problem."""
    header = roster.columns[extra.field]
    for row, cell in zip(roster.rows, _cells_of(roster, extra.field), strict=True):
        if is_blank(cell):
            continue
        try:
            value = extra.parse(cell)
        except CellError as error:
            problems.append(Problem(row, header, error.code, error.message))
            continue
        extra.put(values[row], value)


def _recurrences(
    roster: Table, sessions: Mapping[int, Session], problems: list[Problem], warnings: list[Problem]
) -> dict[int, dict[str, Any]]:
    """Zoom's recurrence object of every repeating row; problems of the others added, and a
    warning for each occurrence whose wall time a daylight-saving change skips or repeats."""
    if not any(name in roster.columns for name in recurrence.FIELDS):
        return {}
    columns = [_cells_of(roster, name) for name in recurrence.FIELDS]
    # A row's recurrence problems in the order of the roster's columns (a field the roster
    # lacks, such as a missing repeat, after them in FIELDS order).
    position = {name: index for index, name in enumerate(roster.columns)}

    def rank(error: CellError) -> int:
        name = recurrence.field_of(error)
        return position.get(name, len(position) + recurrence.FIELDS.index(name))

    def problem(row: int, error: CellError) -> Problem:
        name = recurrence.field_of(error)
        return Problem(row, roster.columns.get(name, name), error.code, error.message)

    header_of_start = roster.columns.get("start", roster.columns.get("date", "start"))
    rules: dict[int, dict[str, Any]] = {}
    for index, row in enumerate(roster.rows):
        cells = [None if is_blank(column[index]) else column[index] for column in columns]
        try:
            parsed = recurrence.parse_cells(cells, roster.columns)
        except CellsError as errors:
            problems.extend(problem(row, error) for error in sorted(errors.errors, key=rank))
            continue
        session = sessions.get(row)
        if parsed is None or session is None:
            continue
        try:
            rule = recurrence.rule_for(parsed, session.start, session.timezone, roster.columns)
        except CellError as error:
            problems.append(problem(row, error))
            continue
        rules[row] = rule
        warnings.extend(
            Problem(row, header_of_start, "dst-occurrence", doubt)
            for doubt in recurrence.dst_doubts(session.start, session.timezone, rule)
        )
    return rules


def _pools(sessions: Sequence[Session], values: dict[int, dict[str, Any]]) -> None:
    """A host ``pool:teachers`` names a pool; the planner picks one of its members later."""
    for session in sessions:
        name = pools.pool_name(session.host)
        if name is not None:
            values[session.row]["pool"] = name


def apply(roster: Table, validation: Validation, options: ValidationOptions) -> Validation:
    """``validation`` with the optional columns read into its sessions and their problems added."""
    problems: list[Problem] = []
    present = [extra for extra in EXTRAS if extra.field in roster.columns]
    present += _settings_extras(roster, problems)
    values: dict[int, dict[str, Any]] = defaultdict(dict)
    _pools(validation.sessions, values)
    for extra in present:
        _read_column(roster, extra, values, problems)
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
