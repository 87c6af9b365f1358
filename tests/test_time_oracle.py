"""A differential check: batchzoom's instants against an independent zoneinfo computation.

Thousands of generated rows (zones with every kind of change, wall times near the
changes, every cell format batchzoom reads) are validated, and each row's result -- an
exact UTC instant, or the reason it has none (a gap, a fold, a contradicting offset) --
is compared with what the standard library's own ``zoneinfo`` makes of the same wall
time, read from the same tzdata release (the conftest points zoneinfo at it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from batchzoom.model.rows import ValidationOptions
from batchzoom.model.validation import validate
from batchzoom.zoom.meetings import create_body

ZONES = (
    "America/New_York",
    "America/Santiago",
    "America/Havana",
    "America/Sao_Paulo",
    "America/St_Johns",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Chisinau",
    "Africa/Casablanca",
    "Asia/Seoul",
    "Asia/Tehran",
    "Asia/Kathmandu",
    "Asia/Gaza",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "Pacific/Apia",
    "Antarctica/Troll",
    "UTC",
)
NOW = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass
class Table:
    """A roster held in memory: what ``validate`` reads."""

    columns: dict[str, str]
    rows: list[int]
    cells: dict[str, Sequence[object]]

    def values(self, name: str) -> Sequence[object] | None:
        return self.cells.get(name)


@st.composite
def walls(draw: st.DrawFn) -> tuple[str, datetime]:
    """A zone and a wall time, usually within hours of one of the zone's changes."""
    zone = draw(st.sampled_from(ZONES))
    where = ZoneInfo(zone)
    year = draw(st.integers(2026, 2029))
    changes = _changes(zone, year)
    if changes and bool(draw(st.integers(0, 4))):
        at = draw(st.sampled_from(changes)).astimezone(where).replace(tzinfo=None)
        wall = at + timedelta(minutes=draw(st.integers(-12, 12)) * 15)
    else:
        wall = datetime(year, 1, 1) + timedelta(minutes=draw(st.integers(0, 365 * 96)) * 15)
    return zone, wall


_CHANGES: dict[tuple[str, int], list[datetime]] = {}


def _changes(zone: str, year: int) -> list[datetime]:
    """The instants ``zone`` changes its offset in ``year`` (hour steps, then minutes)."""
    key = (zone, year)
    if key not in _CHANGES:
        where = ZoneInfo(zone)
        found = []
        moment = datetime(year, 1, 1, tzinfo=UTC)
        offset = moment.astimezone(where).utcoffset()
        while moment.year == year:
            following = moment + timedelta(hours=1)
            if following.astimezone(where).utcoffset() != offset:
                minute = moment
                while minute.astimezone(where).utcoffset() == offset:
                    minute += timedelta(minutes=15)
                found.append(minute)
                offset = following.astimezone(where).utcoffset()
            moment = following
        _CHANGES[key] = found
    return _CHANGES[key]


def _offset_text(offset: timedelta) -> str:
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _twelve(wall: datetime, korean: bool) -> str:
    hour = wall.hour % 12 or 12
    if korean:
        return f"{'오후' if wall.hour >= 12 else '오전'} {hour}:{wall:%M}"
    return f"{hour}:{wall:%M} {'PM' if wall.hour >= 12 else 'AM'}"


FORMATS = ("iso", "space", "slash12", "korean", "korean-words", "serial", "serial-text", "cell")


def cell(wall: datetime, form: str, offset: timedelta | None) -> object:
    """The start cell of ``wall`` written in ``form`` (text forms may carry ``offset``)."""
    suffix = "" if offset is None else _offset_text(offset)
    if form == "iso":
        return f"{wall:%Y-%m-%dT%H:%M:%S}{suffix}"
    if form == "space":
        return f"{wall:%Y-%m-%d %H:%M}{suffix}"
    if form == "slash12":
        return f"{wall:%Y/%m/%d} {_twelve(wall, korean=False)}"
    if form == "korean":
        return f"{wall:%Y-%m-%d} {_twelve(wall, korean=True)}"
    if form == "korean-words":
        noon = "오후" if wall.hour >= 12 else "오전"
        return f"{wall.year}년 {wall.month}월 {wall.day}일 {noon} {wall.hour % 12 or 12}시 {wall.minute}분"
    serial = (wall - datetime(1899, 12, 30)) / timedelta(days=1)
    if form == "serial":
        return serial
    if form == "serial-text":
        return repr(serial)
    return wall  # a real Excel date-time cell


def oracle(zone: str, wall: datetime, offset: timedelta | None) -> str:
    """The instant the standard library's zoneinfo gives, or why there is none."""
    where = ZoneInfo(zone)
    real = {
        candidate.astimezone(UTC)
        for fold in (0, 1)
        if (candidate := wall.replace(tzinfo=where, fold=fold))
        .astimezone(UTC)
        .astimezone(where)
        .replace(tzinfo=None)
        == wall
    }
    if offset is not None:
        wanted = (wall - offset).replace(tzinfo=UTC)
        return wanted.strftime("%Y-%m-%dT%H:%M:%SZ") if wanted in real else "offset-mismatch"
    if not real:
        return "dst-gap"
    if len(real) == 2:
        return "dst-fold"
    return real.pop().strftime("%Y-%m-%dT%H:%M:%SZ")


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.tuples(walls(), st.sampled_from(FORMATS), st.integers(-1, 3)),
        min_size=120,
        max_size=120,
    )
)
def test_every_row_gets_the_instant_zoneinfo_gives(  # 20 rosters of 120 rows
    drafted: list[tuple[tuple[str, datetime], str, int]],
) -> None:
    rows, starts, zones, expected = [], [], [], {}
    for number, ((zone, wall), form, pick) in enumerate(drafted, start=2):
        offset = None
        if form in ("iso", "space") and pick >= 0:
            # An offset the zone has at one side of the wall time, or one it never shows.
            where = ZoneInfo(zone)
            sides = [wall.replace(tzinfo=where, fold=f).utcoffset() for f in (0, 1)]
            offset = [*sides, timedelta(hours=13, minutes=45), sides[0]][pick]
        rows.append(number)
        starts.append(cell(wall, form, offset))
        zones.append(zone)
        expected[number] = oracle(zone, wall, offset)
    table = Table(
        columns={
            "topic": "Topic",
            "start": "Start",
            "timezone": "Time zone",
            "duration": "Duration",
        },
        rows=rows,
        cells={
            "topic": [f"Class {n}" for n in rows],
            "start": starts,
            "timezone": zones,
            "duration": [30] * len(rows),
        },
    )
    validation = validate(table, ValidationOptions(now=NOW, default_host="kim@school.example"))
    found = {problem.row: problem.code for problem in validation.problems}
    for session in validation.sessions:
        found[session.row] = create_body(session)["start_time"]
    for number in rows:
        if found[number] == "duplicate-session":
            continue  # the same class generated twice at one instant
        assert found[number] == expected[number], (number, starts[number - 2], zones[number - 2])
