"""Dates, times and time zones as spreadsheets hold them, turned into exact instants.

Pure functions, no I/O. A cell value may be a real date/time object (as read from
an Excel cell), an Excel serial number, or text such as ``2027-05-03 18:24``,
``6:30 PM`` or ``오후 6:30``. Anything that cannot be read exactly raises
``CellError`` carrying a short code and one sentence saying what to do;
nothing is guessed (ambiguous dates, DST gaps and folds are errors).
"""

from __future__ import annotations

import calendar
import functools
import math
import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

from batchzoom.core import tzdb
from batchzoom.core.i18n import N_, _
from batchzoom.model.date_words import WEEKDAY_NAMES, describe, neither_a_month, not_a_real_date
from batchzoom.model.instants import shown
from batchzoom.model.problems import CellError, shorten
from batchzoom.model.zone_names import (
    FIXED_ABBREVIATIONS,
    format_offset,
    names_by_folded,
    not_a_zone,
)

DateOrder = Literal["DMY", "MDY", "YMD"]

EXCEL_EPOCH = datetime(1899, 12, 30)  # day 0 of Excel's 1900 date system (as Excel counts it)
_MAX_SERIAL = 2958465.99999  # 9999-12-31 in Excel
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


# ---------------------------------------------------------------------------------------------
# Text patterns

_WEEKDAY_BEFORE = r"(?:(?P<wd1>[A-Za-z]{3,9})\.?,\s*)?"  # "Mon, "
_WEEKDAY_AFTER = r"(?:\s*[(（]\s*(?P<wd2>[^)）]{1,12}?)\s*[)）])?"  # " (월)", "(Mon)"
# Weekday names a date may carry, by Python's number (0 Monday ... 6 Sunday).
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        [
            ("mon", "monday", "월", "월요일", "月"),
            ("tue", "tues", "tuesday", "화", "화요일", "火"),
            ("wed", "wednesday", "수", "수요일", "水"),
            ("thu", "thur", "thurs", "thursday", "목", "목요일", "木"),
            ("fri", "friday", "금", "금요일", "金"),
            ("sat", "saturday", "토", "토요일", "土"),
            ("sun", "sunday", "일", "일요일", "日"),
        ]
    )
    for name in names
}
_DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (kind, re.compile(_WEEKDAY_BEFORE + pattern + _WEEKDAY_AFTER))
    for kind, pattern in [
        ("ymd", r"(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})\.?"),
        ("ko", r"(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일"),
        ("xx", r"(?P<a>\d{1,2})\s*[-/.]\s*(?P<b>\d{1,2})\s*[-/.]\s*(?P<y>\d{4})"),
        ("dmon", r"(?P<d>\d{1,2})[\s\-]*(?P<mon>[A-Za-z]{3,9})\.?,?[\s\-]*(?P<y>\d{4})"),
        ("mond", r"(?P<mon>[A-Za-z]{3,9})\.?\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s*(?P<y>\d{4})"),
    ]
]

_MERIDIEM = r"(?P<ampm>[AaPp]\.?\s*[Mm]\.?|오전|오후)"
_CLOCK = r"(?P<h>\d{1,2})(?:\s*:\s*(?P<mi>\d{2})(?:\s*:\s*(?P<s>\d{2})(?:[.,]\d+)?)?)?"
_KO_CLOCK = r"(?P<h>\d{1,2})\s*시(?:\s*(?P<mi>\d{1,2})\s*분)?(?:\s*(?P<s>\d{1,2})\s*초)?"
_TIME_PATTERNS = [
    re.compile(rf"{_MERIDIEM}\s*{_CLOCK}"),  # 오후 6:30
    re.compile(rf"{_MERIDIEM}\s*{_KO_CLOCK}"),  # 오후 6시 30분
    re.compile(rf"{_CLOCK}\s*{_MERIDIEM}"),  # 6:30 PM
    re.compile(rf"{_KO_CLOCK}"),  # 18시 30분
    re.compile(r"(?P<h>\d{1,2})\s*:\s*(?P<mi>\d{2})(?:\s*:\s*(?P<s>\d{2})(?:[.,]\d+)?)?"),
]
_WITH_OFFSET = re.compile(
    r"(?P<body>.*\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(?P<offset>Z|UTC|[+\-−]\d{2}(?::?\d{2})?)",
    re.IGNORECASE,
)


def _clean(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


# ---------------------------------------------------------------------------------------------
# Serial numbers


def from_serial(serial: float) -> datetime:
    """An Excel serial number (1900 date system) as a naive datetime, to the nearest second."""
    if isinstance(serial, bool) or not math.isfinite(serial) or not 0 <= serial <= _MAX_SERIAL:
        raise CellError(
            "start-format",
            _("{value} is not an Excel date number; enter a date such as 2027-05-03.").format(
                value=repr(serial)
            ),
        )
    seconds = round(serial * 86400)
    return EXCEL_EPOCH + timedelta(seconds=seconds)


# ---------------------------------------------------------------------------------------------
# Dates


def _build_date(year: int, month: int, day: int, text: str, code: str = "date-format") -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(code, not_a_real_date(text, year, month, day)) from None


def _match_date(text: str, order: DateOrder | None, code: str) -> tuple[date, int] | None:
    """The date at the start of ``text`` and where it ends, or None when none is there.

    A weekday written with the date must be the date's own.
    """
    found_date = _match_date_only(text, order, code)
    if found_date is None:
        return None
    day, end, written = found_date
    for name in written:
        number = _WEEKDAYS.get(name.strip().rstrip(".").casefold())
        if number is not None and number != day.weekday():
            raise CellError(
                "date-weekday",
                _(
                    '"{value}" says {written}, but {date} is a {weekday}; '
                    "correct the date or the weekday."
                ).format(
                    value=shorten(text),
                    written=_(WEEKDAY_NAMES[number]),
                    date=day.isoformat(),
                    weekday=_(WEEKDAY_NAMES[day.weekday()]),
                ),
            )
    return day, end


def _match_date_only(
    text: str, order: DateOrder | None, code: str
) -> tuple[date, int, list[str]] | None:
    """The date at the start of ``text``, where it ends, and the weekday names written with it."""
    for kind, pattern in _DATE_PATTERNS:
        found = pattern.match(text)
        if not found:
            continue
        written = [name for name in (found.group("wd1"), found.group("wd2")) if name]
        groups = found.groupdict()
        year = int(groups["y"])
        if kind in ("ymd", "ko"):
            built = _build_date(year, int(groups["m"]), int(groups["d"]), text, code)
            return built, found.end(), written
        if kind in ("dmon", "mond"):
            month = _MONTHS.get(groups["mon"].lower())
            if month is None:
                continue
            return _build_date(year, month, int(groups["d"]), text, code), found.end(), written
        first, second = int(groups["a"]), int(groups["b"])
        if order == "DMY":
            return _build_date(year, second, first, text, code), found.end(), written
        if order == "MDY":
            return _build_date(year, first, second, text, code), found.end(), written
        readings = set()
        for day, month in ((first, second), (second, first)):
            if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]:
                readings.add(date(year, month, day))
        if len(readings) == 1:
            return readings.pop(), found.end(), written
        if not readings:
            raise CellError(code, _no_reading(found.group(0), year, first, second))
        earlier, later = sorted(readings)
        raise CellError(
            "date-ambiguous",
            _(
                '"{value}" could mean {first} or {second}; write it as YYYY-MM-DD '
                "or run with --date-order DMY (or MDY)."
            ).format(value=found.group(0), first=describe(earlier), second=describe(later)),
        )
    return None


def _no_reading(text: str, year: int, first: int, second: int) -> str:
    """Why day/month/year text of an unknown order (``31/04/2036``) is no date either way."""
    months = [number for number in (first, second) if 1 <= number <= 12]
    if not months:
        return neither_a_month(text, first, second)
    month = months[0]
    return not_a_real_date(text, year, month, second if month == first else first)


def to_date(value: object, *, date_order: DateOrder | None = None) -> date:
    """A date cell: a real date, a datetime at midnight, an Excel serial number, or text."""
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise CellError(
                "date-format",
                _(
                    "the date cell also holds a time ({time}); "
                    "put only the date here and the time in the time column."
                ).format(time=f"{value:%H:%M}"),
            )
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        moment = _serial(value, "date-format")
        if moment.time() != time(0):
            raise CellError(
                "date-format",
                _(
                    "the date cell holds {value}, which is not a whole day; enter a date such as "
                    "2027-05-03."
                ).format(value=repr(value)),
            )
        return moment.date()
    if isinstance(value, str):
        text = _MIDNIGHT.sub("", _clean(value))  # "2027-05-14 00:00:00", as exports write dates
        if _SERIAL_TEXT.fullmatch(text):  # an Excel date number that a CSV keeps as text
            return to_date(float(text), date_order=date_order)
        found = _match_date(text, date_order, "date-format")
        if found is not None and found[1] == len(text):
            return found[0]
    raise CellError(
        "date-format",
        _('"{value}" is not a date; enter it as YYYY-MM-DD, e.g. 2027-05-03.').format(
            value=shorten(value)
        ),
    )


_MIDNIGHT = re.compile(r"[ T]0?0:00(?::00(?:\.0+)?)?$")
_SERIAL_TEXT = re.compile(r"[1-9]\d{4}(?:\.0+)?")  # 10000-99999: 1927-2173
_SERIAL_TEXT_WITH_TIME = re.compile(r"[1-9]\d{4}(?:\.\d+)?")
_FRACTION_TEXT = re.compile(r"0?\.\d+|0(?:\.0*)?")


def _serial(value: float, code: str) -> datetime:
    try:
        return from_serial(value)
    except CellError:
        raise CellError(
            code,
            _("{value} is not an Excel date number; enter a date such as 2027-05-03.").format(
                value=repr(value)
            ),
        ) from None


# ---------------------------------------------------------------------------------------------
# Times of day


def _time_from_parts(hour: int, minute: int, second: int, ampm: str | None, text: str) -> time:
    if ampm is not None:
        pm = ampm in ("오후",) or ampm.lower().startswith("p")
        if not 0 <= hour <= 12:  # 0:30 AM (오전 0:30) is 00:30, as clocks show it in Korea
            raise CellError(
                "time-format",
                _(
                    '"{value}" has hour {hour} with AM/PM; use 0-12 with AM/PM or 0-23 without.'
                ).format(value=text, hour=hour),
            )
        hour = hour % 12 + (12 if pm else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise CellError(
            "time-format",
            _('"{value}" is not a time of day; enter it as HH:MM, e.g. 18:30.').format(value=text),
        )
    return time(hour, minute, second)


def _match_time(text: str) -> tuple[time, int] | None:
    """The longest time of day at the start of ``text`` and where it ends, or None."""
    matches = [found for pattern in _TIME_PATTERNS if (found := pattern.match(text))]
    if not matches:
        return None
    found = max(matches, key=lambda candidate: candidate.end())
    groups = found.groupdict()
    clock = _time_from_parts(
        int(groups["h"]), int(groups["mi"] or 0), int(groups["s"] or 0), groups.get("ampm"), text
    )
    return clock, found.end()


def to_time(value: object) -> time:
    """A time-of-day cell: a real time, an Excel day fraction, or text like 18:24, 6:30 PM, 오후 6:30."""
    if isinstance(value, datetime):
        if value.date() in (date(1899, 12, 30), date(1899, 12, 31), date(1900, 1, 1)):
            return value.time().replace(microsecond=0)  # a time cell some writers store this way
        raise CellError(
            "time-format",
            _("the time cell holds a whole date and time; put only the time of day here."),
        )
    if isinstance(value, time):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, timedelta):
        if timedelta(0) <= value < timedelta(days=1):
            return (datetime.min + timedelta(seconds=round(value.total_seconds()))).time()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if math.isfinite(value) and 0 <= value < 1:
            seconds = round(value * 86400)
            if seconds < 86400:
                return (datetime.min + timedelta(seconds=seconds)).time()
    elif isinstance(value, str):
        text = _clean(value)
        if _FRACTION_TEXT.fullmatch(text):  # an Excel day fraction (or 0) a CSV keeps as text
            return to_time(float(text))
        found = _match_time(text)
        if found is not None and found[1] == len(text):
            return found[0]
    raise CellError(
        "time-format",
        _('"{value}" is not a time of day; enter it as HH:MM (24-hour), e.g. 18:30.').format(
            value=shorten(value)
        ),
    )


# ---------------------------------------------------------------------------------------------
# Full starts


def _parse_offset(text: str) -> timedelta:
    text = text.replace("−", "-")
    if text.upper() in ("Z", "UTC"):
        return timedelta(0)
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise CellError(
            "start-format",
            _('"{value}" is not a UTC offset; write e.g. +09:00.').format(value=text),
        )
    return sign * timedelta(hours=hours, minutes=minutes)


def to_start(
    value: object, *, date_order: DateOrder | None = None
) -> tuple[datetime, timedelta | None]:
    """A start cell as (naive wall-clock datetime, explicit UTC offset or None).

    Accepts a real datetime, an Excel serial number, ISO text (``2027-05-03T18:24:00``,
    optionally ending in ``Z`` or ``+09:00``) and a date followed by a time
    (``2027-05-03 오후 6:30``, ``03/05/2027 6:30 PM`` with ``date_order``).
    """
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0), value.utcoffset()
    if isinstance(value, date):
        raise CellError(
            "start-format",
            _(
                "the start cell holds only a date ({date}); add the time, e.g. 2027-05-03 18:30."
            ).format(date=value.isoformat()),
        )
    if isinstance(value, int | float) and not isinstance(value, bool):
        moment = _serial(value, "start-format")
        return moment, None
    if isinstance(value, str):
        text = _clean(value)
        if _SERIAL_TEXT_WITH_TIME.fullmatch(text):  # an Excel date number a CSV keeps as text
            return to_start(float(text), date_order=date_order)
        offset: timedelta | None = None
        found_offset = _WITH_OFFSET.fullmatch(text)
        if found_offset:
            offset = _parse_offset(found_offset.group("offset"))
            text = found_offset.group("body")
        found_date = _match_date(text, date_order, "start-format")
        if found_date is not None:
            day, end = found_date
            rest = text[end:]
            rest = rest[1:] if rest[:1] in ("T", "t") else rest
            rest = rest.strip().lstrip(",").strip()
            if not rest:
                raise CellError(
                    "start-format",
                    _(
                        '"{value}" has a date but no time; add the time, e.g. 2027-05-03 18:30.'
                    ).format(value=shorten(value)),
                )
            found_time = _match_time(rest)
            if found_time is not None and found_time[1] == len(rest):
                return datetime.combine(day, found_time[0]), offset
    raise CellError(
        "start-format",
        _(
            '"{value}" is not a date and time; enter it as YYYY-MM-DD HH:MM, e.g. 2027-05-03 18:30.'
        ).format(value=shorten(value)),
    )


# ---------------------------------------------------------------------------------------------
# Zones


@functools.cache
def zone(name: str) -> ZoneInfo:
    """The IANA time zone called ``name`` (also ``UTC``), from the ``tzdata`` package.

    Letter case is forgiven. Only names of places (and ``UTC``) are accepted: files of a
    zoneinfo folder (``localtime``, ``posixrules``, ``posix/...``, ``right/...``),
    ``Factory``, abbreviations (``KST``, also the old fixed-offset ``EST``) and offsets
    (``+09:00``, ``UTC+9``) are refused with the zone name to write where one fits.
    """
    text = name.strip()
    canonical = text if text in tzdb.names() else names_by_folded().get(text.casefold())
    if canonical is not None and canonical not in FIXED_ABBREVIATIONS:
        return tzdb.zone(canonical)
    raise CellError("timezone-unknown", not_a_zone(text))


MISSING_ZONE = N_(
    "no time zone for this row; fill in the time zone column or run with "
    "--timezone, e.g. --timezone Asia/Seoul."
)


def _hm(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


UTC_FORMAT = (
    "%Y-%m-%dT%H:%M:%SZ"  # Zoom's "yyyy-MM-ddTHH:mm:ssZ" (docs/zoom-facts.md#meeting-times)
)


def utc_text(moment: datetime) -> str:
    """An aware instant as Zoom's UTC form, ``YYYY-MM-DDTHH:MM:SSZ``."""
    return moment.astimezone(UTC).strftime(UTC_FORMAT)


def parse_utc(text: str) -> datetime:
    """Zoom's UTC form back to an aware instant (``ValueError`` for any other form)."""
    return datetime.strptime(text, UTC_FORMAT).replace(tzinfo=UTC)


def local_text(moment: datetime) -> str:
    """The wall-clock time of an aware instant, ``YYYY-MM-DDTHH:MM:SS`` (no zone)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def localize(wall: datetime, where: tzinfo, *, zone_name: str | None = None) -> datetime:
    """The one instant at which clocks in ``where`` show ``wall``.

    Raises ``CellError`` ("dst-gap" or "dst-fold") naming both candidate
    instants when that wall time is skipped or happens twice.
    """
    name = zone_name or str(where)
    first = wall.replace(tzinfo=where, fold=0)
    second = wall.replace(tzinfo=where, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    both = sorted({first.astimezone(UTC), second.astimezone(UTC)})
    # Each candidate in the zone's own time first, then UTC: 2027-03-14 01:30 EST (06:30 UTC).
    earlier, later = (shown(instant, where) for instant in both)
    exists = first.astimezone(UTC).astimezone(where).replace(tzinfo=None) == wall
    if not exists:
        raise CellError(
            "dst-gap",
            _(
                "{wall} does not exist in {zone} (clocks jump forward then); it could mean "
                "{first} or {second}; enter a time that exists."
            ).format(wall=_hm(wall), zone=name, first=earlier, second=later),
        )
    first_offset, second_offset = (_offset_text(instant.astimezone(where)) for instant in both)
    raise CellError(
        "dst-fold",
        _(
            "{wall} happens twice in {zone} (clocks go back then): {first} or {second}; "
            "add the UTC offset you mean ({first_offset} or {second_offset}) to the start, "
            "e.g. {example}."
        ).format(
            wall=_hm(wall),
            zone=name,
            first=earlier,
            second=later,
            first_offset=first_offset,
            second_offset=second_offset,
            example=f"{wall:%Y-%m-%dT%H:%M}{first_offset}",
        ),
    )


def _offset_text(moment: datetime) -> str:
    return format_offset(moment.utcoffset() or timedelta(0))


FIRST_YEAR, LAST_YEAR = 1900, 2999  # the years a session's start may fall in


def resolve(
    wall: datetime, offset: timedelta | None, zone_name: str | None
) -> tuple[datetime, str]:
    """The aware start and its zone name, from a wall time, an optional offset and zone.

    With both an offset and a zone, they must agree (the zone shows that offset at
    that instant). A row needs a zone even when its start carries an offset: Zoom
    shows the meeting, and keeps a series' local time, in that zone.
    """
    if not FIRST_YEAR <= wall.year <= LAST_YEAR:
        # 0001-01-01 (an empty date) or 9999-12-31 (a placeholder) would overflow on the way
        # to UTC; no session is held then.
        raise CellError(
            "start-range",
            _("{start} is outside the years {first}-{last}; enter the session's real date.").format(
                start=wall.isoformat(sep=" ", timespec="minutes"), first=FIRST_YEAR, last=LAST_YEAR
            ),
        )
    if zone_name is None:
        raise CellError("timezone-missing", _(MISSING_ZONE))
    where = zone(zone_name)
    name = where.key
    if offset is None:
        return localize(wall, where, zone_name=name), name
    instant = (wall - offset).replace(tzinfo=UTC).astimezone(where)
    if instant.replace(tzinfo=None) != wall:
        given = format_offset(offset)
        raise CellError(
            "offset-mismatch",
            _(
                "the start says UTC{offset} but {zone} is not at that offset on {start}; "
                "remove the offset or correct the time zone."
            ).format(offset=given, zone=name, start=f"{wall:%Y-%m-%d %H:%M}"),
        )
    return instant, name
