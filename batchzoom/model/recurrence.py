"""Recurring sessions: the recurrence columns of a row as Zoom's ``recurrence`` object.

Pure logic, no I/O. ``parse_cells`` reads the cells of one row (``repeat``,
``repeat_interval``, ``weekly_days``, ``monthly_day``, ``monthly_week``,
``monthly_week_day``, ``end_times``, ``end_date``) into a ``RecurrenceCells``
that depends on nothing else of the row, so it is worked out once per distinct
combination of cells; ``rule_for`` completes it with the row's start and zone
(defaults taken from the start, the end date as an instant) and checks the
rules Zoom states for ``recurrence`` in ``meetingCreate``:

- ``repeat_interval``: daily at most 99, weekly at most 50, monthly at most 10;
- ``end_times``: 1 to 60, and not together with ``end_date_time``;
- a series has at most 60 occurrences;
- ``weekly_days`` and ``monthly_week_day`` number the days as Zoom does:
  1 = Sunday, 2 = Monday ... 7 = Saturday;
- ``monthly_week`` is 1-4, or -1 for the last week of the month.

``occurrences`` lists a series' starts in the row's own zone: the wall-clock time
stays the same across daylight-saving changes (a weekly 18:00 class is at 18:00
local before and after the change, so its UTC time moves by an hour).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from batchzoom.core.i18n import N_, _
from batchzoom.model import recurrence_cells, times
from batchzoom.model.problems import CellError, CellsError
from batchzoom.model.recurrence_cells import (
    Names,
    column,
    plain_text,
    refused,
    whole_number,
)

_T = TypeVar("_T")

DAILY, WEEKLY, MONTHLY = recurrence_cells.DAILY, recurrence_cells.WEEKLY, recurrence_cells.MONTHLY
parse_kind = recurrence_cells.parse_kind
parse_day = recurrence_cells.parse_day
parse_days = recurrence_cells.parse_days
parse_week = recurrence_cells.parse_week

MAX_INTERVAL = {DAILY: 99, WEEKLY: 50, MONTHLY: 10}
MAX_OCCURRENCES = 60
_INTERVAL_RANGE = {
    DAILY: N_("{column} {value} is outside 1-{limit}, Zoom's range for a daily series."),
    WEEKLY: N_("{column} {value} is outside 1-{limit}, Zoom's range for a weekly series."),
    MONTHLY: N_("{column} {value} is outside 1-{limit}, Zoom's range for a monthly series."),
}
_END_MISSING = {
    DAILY: N_("a daily series needs an end; fill {end_times} (1-{limit}) or {end_date}."),
    WEEKLY: N_("a weekly series needs an end; fill {end_times} (1-{limit}) or {end_date}."),
    MONTHLY: N_("a monthly series needs an end; fill {end_times} (1-{limit}) or {end_date}."),
}

# The recurrence columns, in the order their cells are given to ``parse_cells``.
FIELDS = (
    "repeat",
    "repeat_interval",
    "weekly_days",
    "monthly_day",
    "monthly_week",
    "monthly_week_day",
    "end_times",
    "end_date",
)

# Korean "every other week": a weekly series with interval 2 (``_Reading``).
EVERY_OTHER_WEEK = "격주"


def field_of(error: CellError) -> str:
    """The recurrence column a problem of ``parse_cells`` or ``rule_for`` is in."""
    return error.field or "repeat"


@dataclass(frozen=True)
class RecurrenceCells:
    """What a row's recurrence cells say, before the row's start is known."""

    kind: int
    interval: int = 1
    weekly_days: tuple[int, ...] = ()
    monthly_day: int | None = None
    monthly_week: int | None = None
    monthly_week_day: int | None = None
    end_times: int | None = None
    end_date: date | None = None


def zoom_weekday(day: date) -> int:
    """Zoom's number of the weekday of ``day``: 1 Sunday ... 7 Saturday."""
    return day.isoweekday() % 7 + 1


class _Reading:
    """One row's recurrence cells being read: the filled cells and the problems found so far."""

    def __init__(self, cells: Sequence[object], names: Names | None) -> None:
        self.names = names
        self.given = {
            name: cell for name, cell in zip(FIELDS, cells, strict=True) if plain_text(cell)
        }
        self.errors: list[CellError] = []
        self._every_other_week()

    def _every_other_week(self) -> None:
        """``격주`` (every other week) is weekly with interval 2; ``격주 월수`` also names the
        days. A filled repeat_interval or weekly_days cell wins over what repeat implies."""
        text = " ".join((plain_text(self.given.get("repeat")) or "").split())
        if text != EVERY_OTHER_WEEK and not text.startswith(EVERY_OTHER_WEEK + " "):
            return
        self.given["repeat"] = "weekly"
        self.given.setdefault("repeat_interval", "2")
        days = text.removeprefix(EVERY_OTHER_WEEK).strip()
        if days:
            self.given.setdefault("weekly_days", days)

    def attempt(self, parse: Callable[[], _T]) -> _T | None:
        """``parse()``, or None after recording the problem it raised."""
        try:
            return parse()
        except CellError as error:
            self.errors.append(error)
            return None

    def name(self, field: str) -> str:
        """The user's header of field ``field``'s column."""
        return column(self.names, field)

    def refuse(self, field: str, code: str, message: str, **values: object) -> None:
        """A problem in ``field``'s column: ``message`` names it ``{column}``, every recurrence
        column by its field (``{end_times}``), and is filled with ``values``."""
        words = {name: self.name(name) for name in FIELDS}
        text = message.format(column=self.name(field), **words, **values)
        self.errors.append(refused(field, code, text))


def parse_cells(cells: Sequence[object], names: Names | None = None) -> RecurrenceCells | None:
    """The recurrence of one row's cells (in ``FIELDS`` order; blank cells as None).

    ``names`` gives each field's column as the roster's header names it, for the messages.

    None when the row does not repeat. Raises ``CellsError`` listing every
    cell Zoom would not accept, in ``FIELDS`` order, at most one per cell. A check
    that depends on another cell is made only when that cell is sound: without a
    known ``repeat`` the ranges and columns that depend on the kind are not
    judged, and a cell already refused for its value is not refused again for
    conflicting with another.
    """
    reading = _Reading(cells, names)
    kind, known = _kind(reading)
    if known and kind is None:
        extra = [name for name in FIELDS if name != "repeat" and name in reading.given]
        if not extra:
            return None
        reading.refuse(
            "repeat",
            "repeat-missing",
            _(
                "{filled} is filled but {repeat} is empty; write daily, weekly or monthly in "
                "{repeat}, or clear {filled}."
            ),
            filled=reading.name(extra[0]),
        )
    # From here on ``kind`` is None when the row's kind is not known (refused or missing):
    # each cell is still read, but nothing that depends on the kind is judged.
    interval = _interval(reading, kind)
    days = _weekly_days(reading, kind)
    monthly_day, week, week_day = _monthly(reading, kind)
    end_times, end_date = _end(reading, kind)
    if reading.errors:
        errors = reading.errors
        raise CellsError(sorted(errors, key=lambda error: FIELDS.index(field_of(error))))
    assert kind is not None
    return RecurrenceCells(kind, interval, days, monthly_day, week, week_day, end_times, end_date)


def _kind(reading: _Reading) -> tuple[int | None, bool]:
    """The kind of series the repeat cell names, and whether that is known (not refused)."""
    if "repeat" not in reading.given:
        return None, True  # the row says nothing about repeating
    kind = reading.attempt(lambda: parse_kind(reading.given["repeat"], reading.names))
    return kind, not reading.errors


def _interval(reading: _Reading, kind: int | None) -> int:
    if "repeat_interval" not in reading.given:
        return 1
    cell = reading.given["repeat_interval"]
    message = _('{column} "{value}" is not a whole number.')
    read = reading.attempt(lambda: whole_number("repeat_interval", cell, message, reading.names))
    if read is None:
        return 1
    if kind is not None and not 1 <= read <= MAX_INTERVAL[kind]:
        reading.refuse(
            "repeat_interval",
            "repeat_interval-range",
            _(_INTERVAL_RANGE[kind]),
            value=read,
            limit=MAX_INTERVAL[kind],
        )
    return read


def _weekly_days(reading: _Reading, kind: int | None) -> tuple[int, ...]:
    if "weekly_days" not in reading.given:
        return ()
    if kind is not None and kind != WEEKLY:
        message = _("{column} only applies when {repeat} is weekly.")
        reading.refuse("weekly_days", "weekly_days-unused", message)
        return ()
    return reading.attempt(lambda: parse_days(reading.given["weekly_days"], reading.names)) or ()


_MONTHLY_FIELDS = ("monthly_day", "monthly_week", "monthly_week_day")


def _monthly(reading: _Reading, kind: int | None) -> tuple[int | None, int | None, int | None]:
    """(monthly_day, monthly_week, monthly_week_day) of a monthly series (or an unknown kind)."""
    given = reading.given
    if kind is not None and kind != MONTHLY:
        for field in _MONTHLY_FIELDS:
            if field in given:
                message = _("{column} only applies when {repeat} is monthly.")
                reading.refuse(field, f"{field}-unused", message)
        return None, None, None
    # Which of monthly_day and monthly_week with monthly_week_day is meant is judged only
    # for a monthly series (for an unknown kind, each cell is on its own).
    by_week = "monthly_week" in given or "monthly_week_day" in given
    monthly_day = None
    if kind == MONTHLY and "monthly_day" in given and by_week:
        reading.refuse(
            "monthly_day",
            "monthly_day-conflict",
            _("fill either {monthly_day}, or {monthly_week} with {monthly_week_day}, not both."),
        )
    elif "monthly_day" in given:
        monthly_day = _monthly_day(reading)
    week, week_day = _monthly_week(reading, kind)
    return monthly_day, week, week_day


def _monthly_day(reading: _Reading) -> int | None:
    cell = reading.given["monthly_day"]
    message = _('{column} "{value}" is not a day of the month.')
    day = reading.attempt(lambda: whole_number("monthly_day", cell, message, reading.names))
    if day is not None and not 1 <= day <= 31:
        out_of_range = _("{column} {value} is not 1 to 31.")
        reading.refuse("monthly_day", "monthly_day-range", out_of_range, value=day)
    return day


def _monthly_week(reading: _Reading, kind: int | None) -> tuple[int | None, int | None]:
    """(monthly_week, monthly_week_day): the two cells go together."""
    given = reading.given
    week = week_day = None
    if "monthly_week" in given:
        week = reading.attempt(lambda: parse_week(given["monthly_week"], reading.names))
    if "monthly_week_day" in given:
        text = plain_text(given["monthly_week_day"]) or ""
        week_day = reading.attempt(lambda: parse_day("monthly_week_day", text, reading.names))
    if (
        kind == MONTHLY
        and "monthly_day" not in given
        and ("monthly_week" in given) != ("monthly_week_day" in given)
    ):
        field = "monthly_week" if "monthly_week_day" in given else "monthly_week_day"
        reading.refuse(
            field,
            f"{field}-missing",
            _(
                "{monthly_week} and {monthly_week_day} go together (e.g. 2 and Tue for the "
                "second Tuesday); fill both."
            ),
        )
    return week, week_day


def _end(reading: _Reading, kind: int | None) -> tuple[int | None, date | None]:
    """(end_times, end_date): a series ends after a number of occurrences or on a date."""
    given = reading.given
    end_times = end_date = None
    if "end_times" in given:
        cell = given["end_times"]
        message = _('{column} "{value}" is not a number of occurrences.')
        end_times = reading.attempt(lambda: whole_number("end_times", cell, message, reading.names))
        if end_times is not None and not 1 <= end_times <= MAX_OCCURRENCES:
            reading.refuse(
                "end_times",
                "end_times-range",
                _("{column} {value} is outside 1-{limit}, the number of occurrences Zoom allows."),
                value=end_times,
                limit=MAX_OCCURRENCES,
            )
    if "end_date" in given:
        if "end_times" in given:
            message = _("fill either {end_times} or {end_date}, not both.")
            reading.refuse("end_date", "end-conflict", message)
        else:
            end_date = reading.attempt(lambda: _end_date(given["end_date"]))
    if kind is not None and "end_times" not in given and "end_date" not in given:
        reading.refuse(
            "end_times",
            "end-missing",
            _(_END_MISSING[kind]),
            limit=MAX_OCCURRENCES,
        )
    return end_times, end_date


def _end_date(cell: object) -> date:
    try:
        return times.to_date(cell)
    except CellError as error:
        raise refused("end_date", "end_date-format", error.message) from error


def end_instant(day: date, zone: str) -> datetime:
    """The last real second of ``day`` in ``zone``, in UTC: an end date includes that whole day.

    That is one second before the next day begins, which is not always the first
    23:59:59: where clocks go back at midnight (Santiago) the day ends an hour later,
    and where they jump forward at midnight (Havana) the next day begins at 01:00.
    """
    next_day = datetime.combine(day + timedelta(days=1), time(0), times.zone(zone))
    return next_day.astimezone(UTC) - timedelta(seconds=1)


def rule_for(
    cells: RecurrenceCells, start: datetime, zone: str, names: Names | None = None
) -> dict[str, Any]:
    """Zoom's ``recurrence`` object for a series starting at ``start`` (aware) in ``zone``.

    A weekly series without days repeats on the start's weekday; a monthly one
    without a day on the start's day of the month. An end date is the end of that
    day in ``zone``. Raises ``CellError`` when the series would have no
    occurrence or more than 60 (naming the end date's column as ``names`` does).
    """
    local = start.astimezone(times.zone(zone))
    words = {
        "column": column(names, "end_date"),
        "end": f"{cells.end_date:%Y-%m-%d}" if cells.end_date else "",
        "start": f"{local:%Y-%m-%d}",
        "limit": MAX_OCCURRENCES,
    }
    rule: dict[str, Any] = {"type": cells.kind, "repeat_interval": cells.interval}
    if cells.kind == WEEKLY:
        days = cells.weekly_days or (zoom_weekday(local.date()),)
        rule["weekly_days"] = ",".join(map(str, days))
    elif cells.kind == MONTHLY:
        if cells.monthly_week is not None:
            rule["monthly_week"] = cells.monthly_week
            rule["monthly_week_day"] = cells.monthly_week_day
        else:
            rule["monthly_day"] = cells.monthly_day or local.day
    if cells.end_times is not None:
        rule["end_times"] = cells.end_times
        return rule
    assert cells.end_date is not None
    if cells.end_date < local.date():
        raise refused(
            "end_date",
            "end_date-before-start",
            _("{column} {end} is before the start {start}; correct one of them.").format(**words),
        )
    rule["end_date_time"] = times.utc_text(end_instant(cells.end_date, zone))
    count = len(occurrences(start, zone, rule, limit=MAX_OCCURRENCES + 1))
    if count == 0:
        raise refused(
            "end_date",
            "end_date-no-occurrence",
            _(
                "no occurrence falls between the start {start} and {column} {end}; "
                "move {column} later."
            ).format(**words),
        )
    if count > MAX_OCCURRENCES:
        raise refused(
            "end_date",
            "end_date-too-many",
            _(
                "the series would have more than {limit} occurrences before {column} {end}, "
                "Zoom's limit; move {column} earlier or split the row."
            ).format(**words),
        )
    return rule


def _weekly_dates(first: date, interval: int, days: set[int]) -> Iterator[date]:
    sunday = first - timedelta(days=zoom_weekday(first) - 1)  # Zoom's weeks start on Sunday
    while True:
        for day in sorted(days):
            when = sunday + timedelta(days=day - 1)
            if when >= first:
                yield when
        sunday += timedelta(weeks=interval)


def _nth_weekday(year: int, month: int, week: int, weekday: int) -> date:
    days_in_month = calendar.monthrange(year, month)[1]
    first = date(year, month, 1)
    offset = (weekday - zoom_weekday(first)) % 7
    matches = list(range(1 + offset, days_in_month + 1, 7))
    return date(year, month, matches[-1] if week == -1 else matches[week - 1])


def _monthly_dates(first: date, interval: int, rule: Mapping[str, Any]) -> Iterator[date]:
    year, month = first.year, first.month
    while True:
        if "monthly_week" in rule:
            when: date | None = _nth_weekday(
                year, month, rule["monthly_week"], rule["monthly_week_day"]
            )
        else:
            wanted = rule.get("monthly_day", 1)
            # A month without that day (the 31st in April) has no occurrence.
            when = (
                date(year, month, wanted) if wanted <= calendar.monthrange(year, month)[1] else None
            )
        if when is not None and when >= first:
            yield when
        month += interval
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1


def _dates(first: date, rule: Mapping[str, Any]) -> Iterator[date]:
    interval = int(rule.get("repeat_interval", 1))
    kind = rule["type"]
    if kind == DAILY:
        day = first
        while True:
            yield day
            day += timedelta(days=interval)
    elif kind == WEEKLY:
        days = {int(part) for part in str(rule.get("weekly_days", "1")).split(",")}
        yield from _weekly_dates(first, interval, days)
    else:
        yield from _monthly_dates(first, interval, rule)


def occurrences(
    start: datetime, zone: str, rule: Mapping[str, Any], *, limit: int = MAX_OCCURRENCES
) -> list[datetime]:
    """The starts of the series ``rule`` from ``start`` on, aware in ``zone``; at most ``limit``.

    Each occurrence is at the start's wall-clock time in ``zone`` on its date (a
    time that a DST change skips is read with the offset before the change).
    """
    where = times.zone(zone)
    local = start.astimezone(where)
    clock = local.time()
    end = None
    count = limit
    if "end_date_time" in rule:
        end = times.parse_utc(rule["end_date_time"])
    else:
        count = min(limit, int(rule.get("end_times", 1)))
    found: list[datetime] = []
    for day in _dates(local.date(), rule):
        if len(found) >= count:
            break
        when = datetime.combine(day, clock, where)
        if end is not None and when > end:
            break
        # Normalise (a skipped wall time comes out at its real instant and offset).
        found.append(when.astimezone(UTC).astimezone(where))
    return found


def dst_doubts(start: datetime, zone: str, rule: Mapping[str, Any]) -> list[str]:
    """A sentence for each occurrence after the first whose wall time a DST change skips or
    repeats in ``zone``: which occurrence, and the instant it is counted at.

    Zoom documents no rule for such an occurrence, and no record of its behaviour was
    found; batchzoom counts a skipped time with the offset before the change (02:30 in
    a New York spring change is 03:30 EDT) and a repeated time as its first instance,
    as ``zoneinfo`` and RFC 5545 do, and says so, so the user can check it on Zoom.
    """
    where = times.zone(zone)
    clock = start.astimezone(where).time()
    found = []
    for number, when in enumerate(occurrences(start, zone, rule)[1:], start=2):
        wall = datetime.combine(when.date(), clock)
        if when.replace(tzinfo=None) != wall:
            message = _(
                "occurrence {number} of the series, {wall}, does not exist (clocks jump forward "
                "then) in {zone}; it is counted at {local} ({utc}), where Zoom is expected to "
                "hold it (Zoom documents no rule for this): check that occurrence on Zoom, or "
                "move the series to a time that exists once."
            )
        elif wall.replace(tzinfo=where, fold=1).utcoffset() != when.utcoffset():
            message = _(
                "occurrence {number} of the series, {wall}, happens twice (clocks go back then) "
                "in {zone}; it is counted at {local} ({utc}), where Zoom is expected to hold it "
                "(Zoom documents no rule for this): check that occurrence on Zoom, or move the "
                "series to a time that exists once."
            )
        else:
            continue
        found.append(
            message.format(
                number=number,
                wall=f"{wall:%Y-%m-%d %H:%M}",
                zone=zone,
                local=f"{when:%H:%M %Z}",
                utc=times.utc_text(when),
            )
        )
    return found
