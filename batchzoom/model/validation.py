"""Every rule a row must meet, each stated once, applied to one row after another.

``validate`` takes any table of raw cells and returns every valid session plus every
problem of every row as records -- it never stops at the first. The rules on one cell
are in ``batchzoom.model.cells`` (and ``times`` for dates, times and zones), the start
in ``batchzoom.model.starts``, the optional columns in ``batchzoom.model.extras``; this
module applies them in column order and adds the rules across rows (past starts and
duplicates).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from batchzoom.core.errors import InvalidSessionError
from batchzoom.core.i18n import _
from batchzoom.model import extras, times
from batchzoom.model.cells import (
    AGENDA_MAX,
    TOPIC_MAX,
    cell_text,
    check_duration,
    check_host,
    check_password,
    is_blank,
    parse_duration,
    parse_meeting_id,
)
from batchzoom.model.problems import CellError, Found, Problem
from batchzoom.model.rows import Session, Table, Validation, ValidationOptions
from batchzoom.model.starts import StartReader

# The fields whose cells the core rules read.
FIELDS = (
    "id",
    "topic",
    "start",
    "date",
    "time",
    "duration",
    "timezone",
    "host",
    "agenda",
    "password",
    "zoom_meeting_id",
)


def validate(roster: Table, options: ValidationOptions) -> Validation:
    """Check every row of ``roster``; return the valid sessions and every problem found."""
    problems = file_problems(roster.columns)
    if problems:
        return Validation(
            sessions=[], problems=problems, invalid_rows=set(), rows=list(roster.rows)
        )
    check = RowCheck.for_roster(roster.columns, options)
    firsts = Firsts()
    sessions: list[Session] = []
    invalid: set[int] = set()
    for row, cells in _row_cells(roster):
        found = Found(row, check.header, check.rank)
        session = check.row(row, cells, found, firsts)
        if session is None:
            problems.extend(found.problems)
            invalid.add(row)
        else:
            sessions.append(session)
    validation = Validation(
        sessions=sessions, problems=problems, invalid_rows=invalid, rows=list(roster.rows)
    )
    return extras.apply(roster, validation, options)


def file_problems(columns: Mapping[str, str]) -> list[Problem]:
    """The columns a roster cannot do without, as whole-file problems."""
    problems: list[Problem] = []
    if "topic" not in columns:
        problems.append(_column_missing("topic", _("the roster has no topic column; add one.")))
    if "start" not in columns and not {"date", "time"} <= columns.keys():
        problems.append(
            _column_missing(
                "start",
                _("the roster has no start column (nor date and time columns); add one."),
            )
        )
    if "duration" not in columns:
        problems.append(
            _column_missing("duration", _("the roster has no duration column; add one."))
        )
    return problems


def _column_missing(name: str, message: str) -> Problem:
    return Problem(row=None, column=name, code="column-missing", message=message)


def _row_cells(roster: Table) -> list[tuple[int, dict[str, object]]]:
    """Each row's Excel number and its cells by field (None for a blank cell)."""
    rows = list(roster.rows)
    present = [name for name in FIELDS if name in roster.columns]
    columns = [roster.values(name) or () for name in present]
    return [
        (row, {name: _cell(column, index) for name, column in zip(present, columns, strict=True)})
        for index, row in enumerate(rows)
    ]


def _cell(column: Sequence[object], index: int) -> object:
    """A raw cell, or None when it is blank (or the column is short)."""
    value = column[index] if index < len(column) else None
    if isinstance(value, str):  # the common cell, checked without is_blank's other cases
        return value if value.strip() else None
    return None if is_blank(value) else value


@dataclass
class Firsts:
    """The first row of each id and of each (host, topic, start instant): later ones repeat it."""

    ids: dict[str, int] = field(default_factory=dict)
    sessions: dict[tuple[str, str, datetime], int] = field(default_factory=dict)

    def check_id(self, key: str, row: int, found: Found) -> None:
        first = self.ids.setdefault(key, row)
        if first != row:
            found.add(
                "id",
                "id-duplicate",
                _('id "{id}" is also used in row {row}; make ids unique.').format(
                    id=key, row=first
                ),
            )

    def check_session(
        self, what: tuple[str, str, datetime], row: int, column: str, found: Found
    ) -> None:
        first = self.sessions.setdefault(what, row)
        if first != row:
            found.add(
                column,
                "duplicate-session",
                _(
                    "this row repeats row {row} (same host, topic and start); "
                    "delete one of them or change it."
                ).format(row=first),
            )


@dataclass(frozen=True)
class RowCheck:
    """The rules of one row, with what they share across the rows of one roster."""

    options: ValidationOptions
    now: datetime
    starts: StartReader
    header: Mapping[str, str]  # field -> header text, for naming a problem's column
    rank: Mapping[str, int]  # field -> column position, for ordering a row's problems
    start_name: str  # the column a start-in-past or duplicate problem is reported in

    @classmethod
    def for_roster(cls, columns: Mapping[str, str], options: ValidationOptions) -> RowCheck:
        default_zone = times.zone(options.timezone).key if options.timezone is not None else None
        return cls(
            options=options,
            now=options.now or datetime.now(UTC),
            starts=StartReader(columns, default_zone, options.date_order),
            header=dict(columns),
            rank={name: position for position, name in enumerate(columns)},
            start_name="start" if "start" in columns else "date",
        )

    def row(
        self, row: int, cells: Mapping[str, object], found: Found, firsts: Firsts
    ) -> Session | None:
        """The session of a row, or None after recording every problem it has in ``found``.

        Duplicates are judged against ``firsts``, filled in as rows are checked in order.
        """
        key = cell_text(cells.get("id"))
        topic = _topic(cells.get("topic"), found)
        duration = _duration(cells.get("duration"), found)
        host = cell_text(cells.get("host")) or self.options.default_host
        _check(found, "host", check_host, host)
        agenda = _agenda(cells.get("agenda"), found)
        password = cell_text(cells.get("password"))
        if password is not None:
            _check(found, "password", check_password, password)
        meeting_id = _meeting_id(cells.get("zoom_meeting_id"), found)
        start = self.starts.read(cells, found)
        if start is not None and meeting_id is None:
            self._not_past(start, found)
        if key is not None:
            firsts.check_id(key, row, found)
        if start is not None and topic is not None:
            # In UTC: two starts of one zone compare as instants, not as wall times (the
            # two 01:30s of a night when clocks go back are an hour apart).
            instant = start[0].astimezone(UTC)
            firsts.check_session((host, topic, instant), row, self.start_name, found)
        if found.ranked or start is None or topic is None or duration is None:
            return None
        return Session(
            row=row,
            key=key,
            topic=topic,
            start=start[0],
            timezone=start[1],
            duration=duration,
            host=host,
            agenda=agenda,
            password=password,
            meeting_id=meeting_id,
        )

    def _not_past(self, start: tuple[datetime, str], found: Found) -> None:
        """A row not yet scheduled must start in the future, unless past starts are allowed."""
        if not self.options.allow_past:
            not_past(
                start,
                self.now,
                found,
                self.start_name,
                _(
                    "the start {start} ({zone}) is in the past; "
                    "correct the date or run with --allow-past."
                ),
            )


def not_past(
    start: tuple[datetime, str], now: datetime, found: Found, column: str, message: str
) -> None:
    """The one rule on a start: a session not yet scheduled starts in the future.

    ``message`` is the sentence saying so, with ``{start}`` and ``{zone}`` to fill in."""
    if start[0] >= now:
        return
    text = message.format(start=f"{start[0]:%Y-%m-%d %H:%M}", zone=start[1])
    found.add(column, "start-in-past", text)


def one_meeting(
    *,
    topic: str,
    start: datetime,
    timezone: str,
    duration: int,
    now: datetime,
    host: str = "me",
    agenda: str | None = None,
    password: str | None = None,
    recurrence: Mapping[str, Any] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> Session:
    """The session of one meeting asked for in code (``batchzoom.Zoom.create_meeting``),
    under the rules of a roster row; each problem is named by its argument.

    ``start`` is aware (``times.localize`` has already refused a wall time a DST change
    skips or repeats). Raises ``InvalidSessionError`` with every problem found.
    """
    found = Found(0, {}, {})
    checked_topic = _topic(topic, found)
    minutes = _duration(duration, found)
    _check(found, "host", check_host, host)
    checked_agenda = _agenda(agenda, found)
    if password is not None:
        _check(found, "password", check_password, password)
    past = _("the start {start} ({zone}) is in the past; pass a later start.")
    not_past((start, timezone), now, found, "start", past)
    if found.ranked or checked_topic is None or minutes is None:
        raise InvalidSessionError(
            Problem(None, p.column, p.code, p.message[:1].upper() + p.message[1:])
            for p in found.problems
        )
    return Session(
        row=0,
        key=None,
        topic=checked_topic,
        start=start,
        timezone=timezone,
        duration=minutes,
        host=host,
        agenda=checked_agenda,
        password=password,
        recurrence=dict(recurrence) if recurrence else None,
        settings=dict(settings or {}),
    )


def _check(found: Found, name: str, rule: Callable[[str], str], value: str) -> None:
    """Record the problem ``rule(value)`` raises, in field ``name``'s column."""
    try:
        rule(value)
    except CellError as error:
        found.error(name, error)


def _topic(cell: object, found: Found) -> str | None:
    topic = cell_text(cell)
    if topic is None:
        found.add("topic", "topic-missing", _("the topic is empty; enter the session's title."))
    elif len(topic) > TOPIC_MAX:
        found.add(
            "topic",
            "topic-length",
            _("the topic has {length} characters, more than Zoom's {limit}; shorten it.").format(
                length=len(topic), limit=TOPIC_MAX
            ),
        )
    return topic


def _duration(cell: object, found: Found) -> int | None:
    if cell is None:
        found.add(
            "duration", "duration-missing", _("the duration is empty; enter minutes, e.g. 90.")
        )
        return None
    try:
        return check_duration(parse_duration(cell))
    except CellError as error:
        found.error("duration", error)
        return None


def _agenda(cell: object, found: Found) -> str | None:
    agenda = cell_text(cell)
    if agenda is not None and len(agenda) > AGENDA_MAX:
        found.add(
            "agenda",
            "agenda-length",
            _("the agenda has {length} characters, more than Zoom's {limit}; shorten it.").format(
                length=len(agenda), limit=AGENDA_MAX
            ),
        )
    return agenda


def _meeting_id(cell: object, found: Found) -> int | None:
    if cell is None:
        return None
    try:
        return parse_meeting_id(cell)
    except CellError as error:
        found.error("zoom_meeting_id", error)
        return None
