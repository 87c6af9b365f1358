"""The row model: what a session is, how cells become sessions, and every rule a row must meet.

Pure logic, no I/O. ``validate`` takes any table of raw cells (the ``Roster`` read
by ``batchzoom.files.roster`` is one) and returns every valid session plus every problem
of every row as records -- it never stops at the first.

The limits come from Zoom's description of ``POST /users/{userId}/meetings``:
topic at most 200 characters, agenda at most 2000, duration 1-1440 whole
minutes, passcode at most 10 characters of ``A-Z a-z 0-9 @ - _ *``.
"""

from __future__ import annotations

import difflib
import gc
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from itertools import compress
from operator import itemgetter
from typing import Any, Protocol, TypeVar, cast

from batchzoom.model import times
from batchzoom.model.times import DateOrder, TimeValueError

TOPIC_MAX = 200
AGENDA_MAX = 2000
DURATION_MIN, DURATION_MAX = 1, 1440
PASSWORD_MAX = 10

# Canonical field -> header texts that mean it. Matching ignores case, spaces and punctuation,
# so "Start time", "start_time" and "START-TIME" are one alias. Extend here (one place).
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "session id", "key", "session key", "code", "아이디", "세션 ID", "번호", "코드"),
    "topic": (
        "topic",
        "title",
        "subject",
        "session",
        "session title",
        "meeting",
        "meeting topic",
        "class",
        "course",
        "주제",
        "제목",
        "과목",
        "강의명",
        "수업명",
        "회의 주제",
    ),
    "start": (
        "start",
        "start time",
        "starts",
        "datetime",
        "date time",
        "일시",
        "시작",
        "시작 일시",
    ),
    "date": ("date", "day", "날짜", "일자", "수업일", "강의일"),
    "time": ("time", "시간", "시작 시간", "시각", "시작 시각"),
    "duration": (
        "duration",
        "minutes",
        "mins",
        "length",
        "duration min",
        "duration minutes",
        "length min",
        "진행 시간",
        "진행 시간(분)",
        "기간",
        "시간(분)",
        "소요 시간",
        "분",
    ),
    "timezone": ("timezone", "tz", "time zone", "zone", "시간대", "표준 시간대", "타임존"),
    "host": ("host", "host email", "host id", "email", "호스트", "호스트 이메일", "진행자"),
    "agenda": ("agenda", "description", "설명", "안건", "내용"),
    "password": ("password", "passcode", "비밀번호", "암호", "패스코드"),
    "status": ("status", "state", "상태", "진행 상태"),
    # Recurring sessions (see ``batchzoom.model.recurrence``).
    "repeat": ("repeat", "repeats", "recurrence", "recurring", "반복"),
    "repeat_interval": ("repeat interval", "interval", "every", "반복 간격", "간격"),
    "weekly_days": ("weekly days", "days of week", "weekdays", "요일", "반복 요일"),
    "monthly_day": ("monthly day", "day of month", "매월 날짜"),
    "monthly_week": ("monthly week", "week of month", "매월 주", "몇째 주"),
    "monthly_week_day": ("monthly week day", "monthly weekday", "매월 요일"),
    "end_times": ("end times", "occurrences", "repeat times", "반복 횟수", "횟수"),
    "end_date": ("end date", "until", "repeat until", "종료일", "반복 종료일", "종료 날짜"),
    "alternative_hosts": (
        "alternative hosts",
        "alternative host",
        "alt hosts",
        "settings.alternative_hosts",
        "대체 호스트",
        "공동 진행자",
    ),
    # Meeting settings with friendly names; any "settings.<field>" header is matched too.
    "settings.waiting_room": ("waiting room", "대기실"),
    "settings.auto_recording": ("recording", "auto recording", "녹화", "자동 녹화"),
    "settings.mute_upon_entry": ("mute on entry", "mute upon entry", "입장 시 음소거"),
    "settings.join_before_host": ("join before host", "호스트 전 참가"),
    # Columns batchzoom writes; a roster scheduled once is read back with them.
    "zoom_meeting_id": ("zoom_meeting_id",),
    "zoom_join_url": ("zoom_join_url",),
    "zoom_password": ("zoom_password",),
    "zoom_start_time": ("zoom_start_time",),
    "zoom_status": ("zoom_status",),
    "zoom_error": ("zoom_error",),
    "zoom_start_url": ("zoom_start_url",),
}
OUTPUT_FIELDS = tuple(name for name in ALIASES if name.startswith("zoom_"))
INPUT_FIELDS = tuple(name for name in ALIASES if name not in OUTPUT_FIELDS)


def normalize_header(text: object) -> str:
    """A header reduced for matching: case-folded, without spaces or punctuation."""
    if text is None:
        return ""
    return "".join(
        ch
        for ch in unicodedata.normalize("NFKC", str(text)).casefold()
        if unicodedata.category(ch)[0] not in "PZSC"
    )


_ALIAS_INDEX: dict[str, str] = {}


def _index() -> dict[str, str]:
    if not _ALIAS_INDEX:
        for name, aliases in ALIASES.items():
            for alias in (name, *aliases):
                _ALIAS_INDEX.setdefault(normalize_header(alias), name)
    return _ALIAS_INDEX


SETTINGS_PREFIX = "settings."
_SETTINGS_HEADER = re.compile(r"(?:settings|setting|설정)\s*[.:]\s*(\S.*)")


def match_header(text: object) -> str | None:
    """The canonical field a header names, or None when it names none.

    A header ``settings.<field>`` (also ``settings: <field>``, ``설정.<field>``) names the
    field ``settings.<field>`` whatever ``<field>`` is; ``batchzoom.model.meeting_settings``
    checks it against Zoom's settings.
    """
    key = normalize_header(text)
    if not key:
        return None
    name = _index().get(key)
    if name is None and isinstance(text, str):
        found = _SETTINGS_HEADER.fullmatch(unicodedata.normalize("NFKC", text).strip().casefold())
        if found:
            field_name = re.sub(r"[\s-]+", "_", found[1].strip())
            name = SETTINGS_PREFIX + field_name
    return name


def closest_header(name: str, headers: Sequence[str]) -> str | None:
    """Among ``headers``, the one most like an alias of field ``name`` (or None)."""
    aliases = [normalize_header(alias) for alias in (name, *ALIASES.get(name, ()))]
    best: tuple[float, str] | None = None
    for header in headers:
        key = normalize_header(header)
        if not key or match_header(header) is not None:
            continue
        score = max(difflib.SequenceMatcher(None, key, alias).ratio() for alias in aliases)
        if score >= 0.75 and (best is None or score > best[0]):
            best = (score, header)
    return best[1] if best else None


# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one row (or the whole file), in words the user can act on."""

    row: int | None  # Excel row number; None for a whole-file problem
    column: str | None  # header text as the user wrote it (canonical name if the column is missing)
    code: str  # short stable code, e.g. "start-in-past", "duration-range", "dst-gap"
    message: str  # one plain sentence: what is wrong and what to do


@dataclass(frozen=True)
class Session:
    """A valid row: everything needed to create its Zoom meeting."""

    row: int
    key: str | None
    topic: str
    start: datetime  # aware, in ``timezone``
    timezone: str
    duration: int
    host: str
    agenda: str | None = None
    password: str | None = None
    meeting_id: int | None = None
    # Optional columns (see ``batchzoom.model.extras``):
    cancelled: bool = False  # a status column says the session is cancelled
    recurrence: Mapping[str, Any] | None = field(default=None, hash=False)  # Zoom's object
    settings: Mapping[str, Any] = field(default_factory=dict, hash=False)  # Zoom's settings
    alternative_hosts: tuple[str, ...] = ()
    pool: str | None = None  # the host pool a host was picked from

    @property
    def start_utc(self) -> str:
        """The start as Zoom's UTC form, ``YYYY-MM-DDTHH:MM:SSZ``."""
        return times.utc_text(self.start)

    @property
    def start_local(self) -> str:
        """The wall-clock start in ``timezone``, ``YYYY-MM-DDTHH:MM:SS``."""
        return times.local_text(self.start)


@dataclass(frozen=True)
class ValidationOptions:
    """Choices that change how rows are read and checked."""

    timezone: str | None = None
    date_order: DateOrder | None = None
    allow_past: bool = False
    default_host: str = "me"
    now: datetime | None = None


@dataclass
class Validation:
    """Every valid session and every problem of a roster."""

    sessions: list[Session]
    problems: list[Problem]
    invalid_rows: set[int]
    rows: list[int]
    # Doubts about valid rows that do not stop them (e.g. a host with more sessions at once
    # than the plan runs); ``strict`` makes them problems.
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no row (and not the file) has a problem."""
        return not self.problems

    def warned(self, warnings: Sequence[Problem]) -> Validation:
        """The same validation with more warnings, every warning in row order."""
        return replace(self, warnings=_in_row_order([*self.warnings, *warnings]))

    def strict(self) -> Validation:
        """Every warning made a problem: the rows it names are invalid."""
        return replace(self.amended(self.warnings), warnings=[])

    def amended(
        self, problems: Sequence[Problem], sessions: Sequence[Session] | None = None
    ) -> Validation:
        """More problems found on top (rows with one lose their session), in row order.

        ``sessions`` replaces the valid sessions (e.g. with more fields filled in).
        """
        bad = {problem.row for problem in problems if problem.row is not None}
        kept = self.sessions if sessions is None else sessions
        return Validation(
            sessions=[session for session in kept if session.row not in bad],
            problems=_in_row_order([*self.problems, *problems]),
            invalid_rows=self.invalid_rows | bad,
            rows=self.rows,
            warnings=[warning for warning in self.warnings if warning.row not in bad],
        )


def _in_row_order(problems: Sequence[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: -1 if p.row is None else p.row)


class Table(Protocol):
    """What ``validate`` needs of a roster: which fields it has and their raw cells."""

    @property
    def columns(self) -> Mapping[str, str]: ...  # canonical field -> header text

    @property
    def rows(self) -> Sequence[int]: ...  # Excel row numbers of the data rows

    def values(self, name: str) -> Sequence[object] | None: ...  # cells of a field, by row


# ---------------------------------------------------------------------------------------------
# Cells


class CellError(ValueError):
    """A cell that does not hold what its column should."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def is_blank(value: object) -> bool:
    """True for an empty cell: None, NaN, NaT, or text of only spaces."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(value != value)  # NaT and friends  # noqa: PLR0124
    except (TypeError, ValueError):
        return False


def cell_text(value: object) -> str | None:
    """A cell as trimmed text (whole-number floats without ".0"), or None when blank."""
    if is_blank(value):
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


_DURATION_UNITS = (
    r"(?:(?P<h>\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hour|hours|시간)\s*)?"
    r"(?:(?P<m>\d+(?:\.\d+)?)\s*(?:m|min|mins|minute|minutes|분)?)?"
)
_DURATION_TEXT = re.compile(_DURATION_UNITS, re.IGNORECASE)
_DURATION_CLOCK = re.compile(r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::00)?")


def _whole_minutes(minutes: float, shown: str) -> int:
    if not math.isfinite(minutes) or not float(minutes).is_integer():
        raise CellError(
            "duration-format",
            f'duration "{shown}" is not a whole number of minutes; enter minutes, e.g. 90.',
        )
    return int(minutes)


def parse_duration(value: object) -> int:
    """Minutes from ``90``, ``90.0``, ``1:30``, ``1h30m``, ``90 min``, ``90분``, ``1시간 30분``...

    The result is not range-checked; see ``check_duration``.
    """
    shown = cell_text(value) or ""
    if isinstance(value, bool):
        pass
    elif isinstance(value, int | float):
        return _whole_minutes(float(value), shown)
    elif isinstance(value, timedelta):
        return _whole_minutes(value.total_seconds() / 60, shown)
    elif isinstance(value, time):
        return _whole_minutes(value.hour * 60 + value.minute + value.second / 60, shown)
    elif isinstance(value, str):
        text = " ".join(value.split()).lower()
        clock = _DURATION_CLOCK.fullmatch(text)
        if clock:
            return int(clock["h"]) * 60 + int(clock["m"])
        found = _DURATION_TEXT.fullmatch(text)
        if text and found and (found["h"] or found["m"]):
            minutes = float(found["h"] or 0) * 60 + float(found["m"] or 0)
            return _whole_minutes(round(minutes, 6), shown)
    raise CellError(
        "duration-format",
        f'duration "{times.shorten(shown)}" is not a number of minutes; enter minutes, e.g. 90.',
    )


def check_duration(minutes: int) -> int:
    """``minutes`` when Zoom accepts it (1..1440), else a ``CellError``."""
    if not DURATION_MIN <= minutes <= DURATION_MAX:
        raise CellError(
            "duration-range",
            f"duration {minutes} is outside 1-1440 minutes (24 hours); enter a length Zoom accepts.",
        )
    return minutes


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_USER_ID = re.compile(r"(?=.*[A-Z0-9])[A-Za-z0-9_-]{12,64}")  # e.g. 30R7kT7bTIKSNUFEuH_Qlg
_POOL = re.compile(r"(?i:pool):\s*\S.*")  # pool:teachers -- a member is picked by the planner
_PASSWORD = re.compile(r"[A-Za-z0-9@_*-]+")


def check_host(text: str) -> str:
    """A plausible host: ``me``, an email, a Zoom user id or ``pool:<name>``; else a ``CellError``."""
    if text == "me" or _EMAIL.fullmatch(text) or _USER_ID.fullmatch(text) or _POOL.fullmatch(text):
        return text
    raise CellError(
        "host-format",
        f'host "{times.shorten(text)}" is not an email address or Zoom user id; '
        "enter the host's Zoom email, e.g. kim.minji@school.example.",
    )


def check_password(text: str) -> str:
    """A passcode Zoom accepts: 1-10 of A-Z a-z 0-9 @ - _ *; else a ``CellError``."""
    if len(text) > PASSWORD_MAX or not _PASSWORD.fullmatch(text):
        raise CellError(
            "password-format",
            f"the passcode must be at most {PASSWORD_MAX} characters of letters, digits and "
            "@ - _ *; shorten or change it.",
        )
    return text


def parse_meeting_id(value: object) -> int:
    """A Zoom meeting number from a cell (``85746065432``, ``857 4606 5432``)."""
    if isinstance(value, float) and value.is_integer() and value > 0:
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    text = re.sub(r"[\s-]", "", cell_text(value) or "")
    if text.isascii() and text.isdigit() and 0 < int(text) < 2**63:
        return int(text)
    raise CellError(
        "meeting-id-format",
        f'zoom_meeting_id "{times.shorten(cell_text(value))}" is not a Zoom meeting number; '
        "correct it or clear the cell to schedule the row again.",
    )


# ---------------------------------------------------------------------------------------------
# Validation


_R = TypeVar("_R")


class _Memo:
    """Per-run cache of cell readings: rosters repeat the same dates, times and zones a lot."""

    def __init__(self) -> None:
        self._stores: dict[str, dict[object, object]] = {
            kind: {} for kind in ("zone", "start", "date", "time", "duration", "host", "resolve")
        }

    def get(self, kind: str, value: object, parse: Callable[[Any], _R]) -> _R:
        store = self._stores[kind]
        key = value if type(value) is str else (type(value), value)  # keeps True apart from 1
        try:
            result = store[key]
        except KeyError:
            try:
                result = parse(value)
            except (CellError, TimeValueError) as error:
                result = CellError(error.code, error.message)
            store[key] = result
        if isinstance(result, CellError):
            raise result
        return cast(_R, result)


def _text(value: object) -> str | None:
    """``cell_text`` of one cell, with a shortcut for the common text cell."""
    return (value.strip() or None) if type(value) is str else cell_text(value)


def _texts(values: Sequence[object]) -> list[str | None]:
    """``_text`` of every cell of a column."""
    return [(value.strip() or None) if type(value) is str else cell_text(value) for value in values]


def _cell(value: object) -> object:
    """A raw cell, or None when it is blank."""
    if type(value) is str:
        return value if value.strip() else None
    return None if is_blank(value) else value


# Cells of these types never equal a cell of another of them, so they can be dict keys as
# they are; numbers can (1 == 1.0 == True) while reading differently.
_PLAIN_TYPES = frozenset({str, type(None), datetime, date, time, timedelta})


def _keys(values: Sequence[object]) -> tuple[Sequence[object], bool]:
    """Dict keys standing for the cells of a column, and whether they are (type, cell) pairs.

    The cells themselves, unless the column mixes types whose values may compare equal
    across types: then (type, cell) pairs.
    """
    if len(set(map(type, values)) - _PLAIN_TYPES) > 1:
        return [(type(value), value) for value in values], True
    return values, False


def _unkey(key: object, wrapped: bool) -> object:
    return cast(tuple[type, object], key)[1] if wrapped else key


def _each(values: Sequence[object], parse: Callable[[Any], _R]) -> list[_R]:
    """``[parse(value) for value in values]``, calling ``parse`` once per distinct cell."""
    try:
        distinct = dict.fromkeys(values)
        keys, wrapped = values, False
        if not {type(key) for key in distinct} <= _PLAIN_TYPES:  # numbers: look closer
            keys, wrapped = _keys(values)
            distinct = dict.fromkeys(keys)
    except TypeError:  # an unhashable cell
        return [parse(value) for value in values]
    table = {key: parse(_unkey(key, wrapped)) for key in distinct}
    return list(map(table.__getitem__, keys))


def _each_row(columns: Sequence[Sequence[object]], parse: Callable[..., _R]) -> list[_R]:
    """``parse(*cells)`` for the cells of every row of ``columns``, once per distinct row."""
    wrapped = [False] * len(columns)
    try:
        rows = list(zip(*columns, strict=True))
        distinct = dict.fromkeys(rows)
        if not {type(part) for key in distinct for part in key} <= _PLAIN_TYPES:
            keyed = [_keys(column) for column in columns]
            wrapped = [flag for _, flag in keyed]
            if any(wrapped):
                rows = list(zip(*(keys for keys, _ in keyed), strict=True))
                distinct = dict.fromkeys(rows)
    except TypeError:  # an unhashable cell
        return [parse(*cells) for cells in zip(*columns, strict=True)]
    table = {
        key: parse(*(_unkey(part, flag) for part, flag in zip(key, wrapped, strict=True)))
        for key in distinct
    }
    return list(map(table.__getitem__, rows))


def _flag(suspects: set[int], values: Sequence[_R], bad: Callable[[_R], bool]) -> None:
    """Add to ``suspects`` the index of every value for which ``bad`` is true.

    ``bad`` is asked once per distinct value; the values must be hashable.
    """
    wrong = {value for value in set(values) if bad(value)}
    if wrong:
        suspects.update(index for index, value in enumerate(values) if value in wrong)


class _Found:
    """The problems of one row, each tied to the column as the user named it."""

    def __init__(self, row: int, header: Mapping[str, str], rank: Mapping[str, int]) -> None:
        self.row = row
        self.header = header
        self.rank = rank
        self.ranked: list[tuple[int, int, Problem]] = []

    def add(self, name: str, code: str, message: str) -> None:
        problem = Problem(self.row, self.header[name], code, message)
        self.ranked.append((self.rank.get(name, len(self.rank)), len(self.ranked), problem))

    @property
    def problems(self) -> list[Problem]:
        """This row's problems, left to right in the order of the columns."""
        return [problem for _, _, problem in sorted(self.ranked)]

    def error(self, name: str, error: CellError) -> None:
        self.add(name, error.code, error.message)


def _duration(value: object) -> int:
    return check_duration(parse_duration(value))


def _zone_key(value: object) -> str:
    return times.zone(cell_text(value) or "").key


def _resolve(args: tuple[datetime, timedelta | None, str | None]) -> tuple[datetime, str]:
    return times.resolve(*args)


def _instant(start: datetime) -> datetime:
    """A start in UTC: two starts of one zone compare as instants, not as wall times
    (the two 01:30s of a night when clocks go back are an hour apart)."""
    return start.astimezone(UTC)


def _column_missing(name: str, message: str) -> Problem:
    return Problem(row=None, column=name, code="column-missing", message=message)


_CELL_FIELDS = ("start", "date", "time", "duration", "timezone", "zoom_meeting_id")
_TEXT_FIELDS = ("id", "topic", "host", "agenda", "password")


class _Check:
    """One validation run: its options, the cells of each field, and readings shared by rows.

    ``row`` checks one row completely and is the definition of every rule; ``all_rows``
    reaches the same result for a whole roster with work per distinct cell value, calling
    ``row`` only for the rows that may have a problem.
    """

    def __init__(self, roster: Table, options: ValidationOptions) -> None:
        columns = roster.columns
        self.rows = list(roster.rows)
        self.columns = columns
        self.options = options
        self.order = options.date_order
        self.default_zone = (
            times.zone(options.timezone).key if options.timezone is not None else None
        )
        self.now = options.now or datetime.now(UTC)
        self.memo = _Memo()
        self.header = {name: columns.get(name, name) for name in ALIASES}
        self.rank = {name: position for position, name in enumerate(columns)}
        count = len(self.rows)
        blank: list[None] = [None] * count
        self.raw: dict[str, Sequence[object]] = {}
        for name in (*_CELL_FIELDS, *_TEXT_FIELDS):
            values = (roster.values(name) or blank) if name in columns else blank
            self.raw[name] = values if len(values) == count else list(values[:count])
        self.start_name = "start" if "start" in columns else "date"
        self.seen_keys: dict[str | None, int] = {}
        self.seen_sessions: dict[tuple[str, str | None, datetime | None], int] = {}

    # -- one row, every rule in turn

    def _start_as_time(self, day_cell: object, start_cell: object) -> datetime | None:
        """With a date column but no time column, a start cell holding only a time counts."""
        columns = self.columns
        if "date" not in columns or "time" in columns:
            return None
        try:
            day = self.memo.get("date", day_cell, partial(times.to_date, date_order=self.order))
            clock = self.memo.get("time", start_cell, times.to_time)
        except CellError:
            return None
        return datetime.combine(day, clock)

    def start(
        self,
        zone_cell: object,
        start_cell: object,
        day_cell: object,
        clock_cell: object,
        found: _Found,
    ) -> tuple[datetime, str] | None:
        """The aware start of a row and its zone name, or None after recording why not.

        The cells are as ``_cell`` gives them (None when blank).
        """
        memo, order = self.memo, self.order
        zone_name = self.default_zone
        if zone_cell is not None:
            try:
                zone_name = memo.get("zone", zone_cell, _zone_key)
            except CellError as error:
                found.error("timezone", error)
                return None

        wall: datetime | None = None
        offset: timedelta | None = None
        time_column = "start"
        if start_cell is not None:
            try:
                wall, offset = memo.get(
                    "start", start_cell, partial(times.to_start, date_order=order)
                )
            except CellError as error:
                wall = self._start_as_time(day_cell, start_cell)
                if wall is None:
                    found.error("start", error)
        elif "date" in self.columns and "time" in self.columns:
            time_column = "time"
            day: date | None = None
            clock: time | None = None
            if day_cell is None:
                found.add("date", "date-missing", "the date is empty; enter it as YYYY-MM-DD.")
            else:
                try:
                    day = memo.get("date", day_cell, partial(times.to_date, date_order=order))
                except CellError as error:
                    found.error("date", error)
            if clock_cell is None:
                found.add(
                    "time", "time-missing", "the time is empty; enter it as HH:MM, e.g. 18:30."
                )
            else:
                try:
                    clock = memo.get("time", clock_cell, times.to_time)
                except CellError as error:
                    found.error("time", error)
            if day is not None and clock is not None:
                wall = datetime.combine(day, clock)
        else:
            found.add(
                "start",
                "start-missing",
                "the start is empty; enter the date and time, e.g. 2027-05-03 18:30.",
            )
        if zone_name is None:  # an offset alone is not enough: Zoom shows the zone
            found.add("timezone", "timezone-missing", times.MISSING_ZONE)
            return None
        if wall is None:
            return None
        try:
            return memo.get("resolve", (wall, offset, zone_name), _resolve)
        except CellError as error:
            found.error(time_column, error)
            return None

    def row(self, index: int) -> tuple[list[Problem], Session | None]:
        """Every problem of the row at ``index`` (in column order), else its session.

        Duplicates are judged against ``seen_keys`` and ``seen_sessions``: the first row of
        each id and each (host, topic, start), filled in as rows are checked in order.
        """
        raw, options, memo = self.raw, self.options, self.memo
        row = self.rows[index]
        found = _Found(row, self.header, self.rank)
        key = _text(raw["id"][index])
        topic = _text(raw["topic"][index])
        if topic is None:
            found.add("topic", "topic-missing", "the topic is empty; enter the session's title.")
        elif len(topic) > TOPIC_MAX:
            found.add(
                "topic",
                "topic-length",
                f"the topic has {len(topic)} characters, more than Zoom's {TOPIC_MAX}; shorten it.",
            )

        duration: int | None = None
        duration_cell = _cell(raw["duration"][index])
        if duration_cell is None:
            found.add(
                "duration", "duration-missing", "the duration is empty; enter minutes, e.g. 90."
            )
        else:
            try:
                duration = memo.get("duration", duration_cell, _duration)
            except CellError as error:
                found.error("duration", error)

        host = _text(raw["host"][index]) or options.default_host
        try:
            memo.get("host", host, check_host)
        except CellError as error:
            found.error("host", error)

        agenda = _text(raw["agenda"][index])
        if agenda is not None and len(agenda) > AGENDA_MAX:
            found.add(
                "agenda",
                "agenda-length",
                f"the agenda has {len(agenda)} characters, more than Zoom's {AGENDA_MAX}; "
                "shorten it.",
            )

        password = _text(raw["password"][index])
        if password is not None:
            try:
                check_password(password)
            except CellError as error:
                found.error("password", error)

        meeting_id: int | None = None
        meeting_cell = _cell(raw["zoom_meeting_id"][index])
        if meeting_cell is not None:
            try:
                meeting_id = parse_meeting_id(meeting_cell)
            except CellError as error:
                found.error("zoom_meeting_id", error)

        start = self.start(
            _cell(raw["timezone"][index]),
            _cell(raw["start"][index]),
            _cell(raw["date"][index]),
            _cell(raw["time"][index]),
            found,
        )
        if (
            start is not None
            and meeting_id is None
            and not options.allow_past
            and start[0] < self.now
        ):
            found.add(
                self.start_name,
                "start-in-past",
                f"the start {start[0]:%Y-%m-%d %H:%M} ({start[1]}) is in the past; "
                "correct the date or run with --allow-past.",
            )

        if key is not None:
            first = self.seen_keys.setdefault(key, row)
            if first != row:
                found.add(
                    "id",
                    "id-duplicate",
                    f'id "{key}" is also used in row {first}; make ids unique.',
                )

        if start is not None and topic is not None:
            first = self.seen_sessions.setdefault((host, topic, _instant(start[0])), row)
            if first != row:
                found.add(
                    self.start_name,
                    "duplicate-session",
                    f"this row repeats row {first} (same host, topic and start); "
                    "delete one of them or change it.",
                )

        problems = found.problems
        if problems:
            return problems, None
        assert start is not None and topic is not None and duration is not None
        session = Session(
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
        return problems, session

    def row_by_row(self) -> Validation:
        """``row`` on every row in order: the plain statement of what ``all_rows`` computes."""
        sessions: list[Session] = []
        problems: list[Problem] = []
        invalid: set[int] = set()
        for index, row in enumerate(self.rows):
            found, session = self.row(index)
            if session is None:
                problems.extend(found)
                invalid.add(row)
            else:
                sessions.append(session)
        return Validation(
            sessions=sessions, problems=problems, invalid_rows=invalid, rows=self.rows
        )

    # -- the whole roster, column by column

    def _duration_or_none(self, value: object) -> int | None:
        """The minutes of a duration cell, or None when it is blank or wrong."""
        cell = _cell(value)
        if cell is None:
            return None
        try:
            return self.memo.get("duration", cell, _duration)
        except CellError:
            return None

    def _texts(self, name: str) -> list[str | None]:
        """``_text`` of every cell of field ``name`` (all None when there is no such column)."""
        return _texts(self.raw[name]) if name in self.columns else [None] * len(self.rows)

    def _host_wrong(self, host: str) -> bool:
        try:
            self.memo.get("host", host, check_host)
        except CellError:
            return True
        return False

    def _meeting_id(self, value: object) -> int | None:
        """The meeting number of a cell; None when blank, 0 when wrong."""
        cell = _cell(value)
        if cell is None:
            return None
        try:
            return parse_meeting_id(cell)
        except CellError:
            return 0

    def _start_or_none(
        self, zone: object, start: object, day: object, clock: object
    ) -> tuple[datetime, str] | None:
        found = _Found(0, self.header, self.rank)
        return self.start(_cell(zone), _cell(start), _cell(day), _cell(clock), found)

    def _starts(self) -> list[tuple[datetime, str] | None]:
        """The start of every row (None for a row with a start problem)."""
        names = ("timezone", "start", "date", "time")
        present = [name for name in names if name in self.columns]

        def start(*cells: object) -> tuple[datetime, str] | None:
            given = dict(zip(present, cells, strict=True))
            return self._start_or_none(*(given.get(name) for name in names))

        return _each_row([self.raw[name] for name in present], start)

    def all_rows(self) -> Validation:
        """The same result as ``row_by_row``, with work per distinct cell, not per row."""
        raw, rows, options = self.raw, self.rows, self.options
        count = len(rows)
        suspects: set[int] = set()  # rows that may have a problem: checked one by one

        ids = self._texts("id")
        topics = self._texts("topic")
        if None in topics or max(map(len, cast(list[str], topics)), default=0) > TOPIC_MAX:
            _flag(suspects, topics, lambda topic: topic is None or len(topic) > TOPIC_MAX)
        durations = _each(raw["duration"], self._duration_or_none)
        _flag(suspects, durations, lambda minutes: minutes is None)
        hosts = [text or options.default_host for text in self._texts("host")]
        _flag(suspects, hosts, self._host_wrong)
        agendas = self._texts("agenda")
        if max(map(len, filter(None, agendas)), default=0) > AGENDA_MAX:
            _flag(suspects, agendas, lambda agenda: agenda is not None and len(agenda) > AGENDA_MAX)
        passwords = self._texts("password")
        _flag(suspects, passwords, lambda text: text is not None and not _password_ok(text))
        meeting_ids = _each(raw["zoom_meeting_id"], self._meeting_id)
        _flag(suspects, meeting_ids, lambda number: number == 0)
        starts = self._starts()
        _flag(suspects, starts, lambda start: start is None)
        if not options.allow_past:
            now = self.now
            past = {start for start in set(starts) if start is not None and start[0] < now}
            if past:
                suspects.update(
                    index
                    for index, (start, number) in enumerate(zip(starts, meeting_ids, strict=True))
                    if number is None and start in past
                )

        # First row of each id and of each (host, topic, start): later ones are duplicates.
        self.seen_keys = dict(zip(reversed(ids), reversed(rows), strict=True))
        self.seen_keys.pop(None, None)
        if len(self.seen_keys) + ids.count(None) < count:
            suspects.update(
                index
                for index, (key, row) in enumerate(zip(ids, rows, strict=True))
                if key is not None and self.seen_keys[key] != row
            )
        instants = [None if start is None else _instant(start[0]) for start in starts]
        keys = list(zip(hosts, topics, instants, strict=True))
        self.seen_sessions = dict(zip(reversed(keys), reversed(rows), strict=True))
        if len(self.seen_sessions) < count:
            suspects.update(
                index
                for index, (key, row) in enumerate(zip(keys, rows, strict=True))
                if key[1] is not None and key[2] is not None and self.seen_sessions[key] != row
            )

        problems: list[Problem] = []
        invalid: set[int] = set()
        good = [True] * count
        for index in sorted(suspects):
            found, session = self.row(index)
            if session is None:
                problems.extend(found)
                invalid.add(rows[index])
                good[index] = False

        def kept(values: Sequence[_R]) -> Iterable[_R]:
            return compress(values, good) if invalid else values

        valid_starts = cast(list[tuple[datetime, str]], list(kept(starts)))
        sessions = list(
            map(
                Session,
                kept(rows),
                kept(ids),
                kept(topics),
                map(itemgetter(0), valid_starts),
                map(itemgetter(1), valid_starts),
                kept(durations),
                kept(hosts),
                kept(agendas),
                kept(passwords),
                kept(meeting_ids),
            )
        )
        return Validation(sessions=sessions, problems=problems, invalid_rows=invalid, rows=rows)


def _password_ok(text: str) -> bool:
    return len(text) <= PASSWORD_MAX and _PASSWORD.fullmatch(text) is not None


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a roster's many small objects are made.

    Reading and checking a roster makes an object or two per row and no reference
    cycles; left running, the collector would walk every live object of the process
    again and again as they pile up, which costs more than the work itself on large
    rosters and grows faster than the roster. It is restarted afterwards (only if it
    was running), so nothing is left uncollected.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _file_problems(columns: Mapping[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    if "topic" not in columns:
        problems.append(_column_missing("topic", "the roster has no topic column; add one."))
    if "start" not in columns and not {"date", "time"} <= columns.keys():
        problems.append(
            _column_missing(
                "start", "the roster has no start column (nor date and time columns); add one."
            )
        )
    if "duration" not in columns:
        problems.append(_column_missing("duration", "the roster has no duration column; add one."))
    return problems


def validate(roster: Table, options: ValidationOptions) -> Validation:
    """Check every row of ``roster``; return the valid sessions and every problem found."""
    problems = _file_problems(roster.columns)
    if problems:
        return Validation(
            sessions=[], problems=problems, invalid_rows=set(), rows=list(roster.rows)
        )
    from batchzoom.model import extras  # the optional columns build on the core rows

    with collection_paused():
        return extras.apply(roster, _Check(roster, options).all_rows(), options)


def validate_row_by_row(roster: Table, options: ValidationOptions) -> Validation:
    """``validate`` done one row after another; slower, and equal to it on every roster."""
    problems = _file_problems(roster.columns)
    if problems:
        return Validation(
            sessions=[], problems=problems, invalid_rows=set(), rows=list(roster.rows)
        )
    from batchzoom.model import extras

    return extras.apply(roster, _Check(roster, options).row_by_row(), options)
