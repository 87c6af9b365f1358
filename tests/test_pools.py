"""The host-pool planner: no host hosts two sessions at once, quotas hold, series stay together."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from batchzoom.model.pools import assign, host_overlaps, pool_name, series_of
from batchzoom.model.problems import Problem
from batchzoom.model.rows import Session

SEOUL = ZoneInfo("Asia/Seoul")
T0 = datetime(2027, 5, 3, 9, 0, tzinfo=SEOUL)
POOLS = {"teachers": ("a@school.example", "b@school.example")}


def session(
    row: int,
    minute: int,
    duration: int = 50,
    *,
    pool: str | None = "teachers",
    host: str | None = None,
    key: str | None = None,
    topic: str | None = None,
    meeting_id: int | None = None,
    cancelled: bool = False,
) -> Session:
    return Session(
        row=row,
        key=key,
        topic=topic or f"Class {row}",
        start=T0 + timedelta(minutes=minute),
        timezone="Asia/Seoul",
        duration=duration,
        host=host or (f"pool:{pool}" if pool else "me"),
        pool=None if host else pool,
        meeting_id=meeting_id,
        cancelled=cancelled,
    )


def hosts_of(sessions: Sequence[Session]) -> dict[int, str]:
    return {s.row: s.host for s in sessions}


def test_pool_name_reads_pool_cells_only() -> None:
    """'pool:teachers' (any case, spaces) names a pool; an email or 'pool:' alone does not."""
    assert pool_name("pool:teachers") == "teachers"
    assert pool_name(" POOL: teachers ") == "teachers"
    assert pool_name("pool:") is None
    assert pool_name("kim@school.example") is None


def test_series_is_id_before_last_dash_else_topic() -> None:
    """MATH1-03 is in series MATH1; an id without a dash or no id falls back to the topic."""
    assert series_of(session(2, 0, key="MATH1-03")) == "id:MATH1"
    assert series_of(session(2, 0, key="MATH1", topic="Maths")) == "topic:Maths"
    assert series_of(session(2, 0, topic="Maths")) == "topic:Maths"


def test_overlapping_sessions_go_to_different_members() -> None:
    """Two sessions at once in a pool of two get one member each."""
    placed, problems = assign([session(2, 0), session(3, 30)], POOLS)
    assert problems == []
    assert sorted(hosts_of(placed).values()) == ["a@school.example", "b@school.example"]
    assert all(s.pool == "teachers" for s in placed)


def test_buffer_counts_after_each_session() -> None:
    """A session starting 5 minutes after another ends is too close with a 10-minute buffer."""
    sessions = [session(2, 0), session(3, 55)]
    _, problems = assign(sessions, {"teachers": ("a@x.example",)})
    assert problems == []
    _, problems = assign(sessions, {"teachers": ("a@x.example",)}, buffer=timedelta(minutes=10))
    assert [(p.row, p.code) for p in problems] == [(3, "pool-full")]
    assert "cannot be placed" in problems[0].message and "batchzoom.toml" in problems[0].message


def test_explicit_host_sessions_block_pool_members() -> None:
    """A member busy with an explicitly hosted session is not given a pool session at that time."""
    placed, problems = assign([session(2, 0, host="a@school.example"), session(3, 10)], POOLS)
    assert problems == []
    assert hosts_of(placed) == {2: "a@school.example", 3: "b@school.example"}


def test_daily_limit_spreads_creates_and_reports_the_rest() -> None:
    """With room for 2 creates per host (one used today), 4 sessions: 3 placed, 1 'pool-full'."""
    sessions = [session(row, row * 60) for row in range(2, 6)]
    placed, problems = assign(sessions, POOLS, daily_limit=2, used_today={"A@school.example": 1})
    assert Counter(hosts_of(placed).values()) == {"a@school.example": 1, "b@school.example": 2}
    assert [(p.row, p.code) for p in problems] == [(5, "pool-full")]
    assert "daily limit" in problems[0].message


def test_existing_and_cancelled_sessions_are_not_creates() -> None:
    """Sessions that already have a meeting, or are cancelled, use no create of the quota."""
    sessions = [
        session(2, 0, meeting_id=111),
        session(3, 120, cancelled=True),
        session(4, 240),
    ]
    placed, problems = assign(sessions, {"teachers": ("a@x.example",)}, daily_limit=1)
    assert problems == []
    assert set(hosts_of(placed).values()) == {"a@x.example"}


def test_series_stays_with_one_member() -> None:
    """The weekly sessions of one series all go to the member who took the first one."""
    weekly = [session(row, (row - 2) * 7 * 24 * 60, key=f"MATH-{row}") for row in range(2, 6)]
    other = [session(10 + n, n * 7 * 24 * 60 + 120, key=f"ART-{n}") for n in range(4)]
    placed, problems = assign(weekly + other, POOLS)
    assert problems == []
    hosts = hosts_of(placed)
    assert len({hosts[s.row] for s in weekly}) == 1
    assert len({hosts[s.row] for s in other}) == 1
    assert hosts[2] != hosts[10]  # creates are spread between the series


def test_previous_host_is_kept() -> None:
    """A session placed in an earlier run keeps that host, even if another looks better now."""
    sessions = [session(2, 0, key="S-1"), session(3, 300, key="T-1")]
    placed, problems = assign(sessions, POOLS, previous={"id:T-1": "b@school.example"})
    assert problems == []
    assert hosts_of(placed)[3] == "b@school.example"
    again, _ = assign(sessions, POOLS, previous={"id:T-1": "b@school.example"})
    assert again == placed


def test_unknown_pool_is_a_row_problem() -> None:
    """A host cell naming a pool the configuration lacks is that row's 'pool-unknown' problem."""
    placed, problems = assign([session(2, 0, pool="tas")], POOLS, column="Host")
    assert placed == []
    assert problems == [
        Problem(
            2,
            "Host",
            "pool-unknown",
            'host "pool:tas" names no pool of the configuration (pools: teachers); correct the '
            "name or add the pool to batchzoom.toml.",
        )
    ]


def test_recurring_session_occupies_every_occurrence() -> None:
    """With occurrences expanded, a weekly series blocks its member in later weeks too."""
    weekly = replace(session(2, 0), recurrence={"type": 2, "end_times": 3})
    later = session(3, 7 * 24 * 60 + 10)  # week 2, during the second occurrence

    def every_week(s: Session) -> list[datetime]:
        count = 3 if s.recurrence else 1
        return [s.start + timedelta(weeks=n) for n in range(count)]

    _, problems = assign([weekly, later], {"teachers": ("a@x.example",)})
    assert problems == []  # only the first occurrence counts by default
    _, problems = assign([weekly, later], {"teachers": ("a@x.example",)}, occurrences=every_week)
    assert [p.row for p in problems] == [3]


def test_host_overlaps_names_both_rows() -> None:
    """Two sessions of one explicit host that overlap: the later row's warning names both."""
    sessions = [
        session(2, 0, host="kim@school.example"),
        session(3, 30, host="KIM@school.example"),
        session(4, 50, host="kim@school.example"),  # starts as row 2 ends: no overlap with it
        session(5, 30, host="lee@school.example"),
        session(6, 30),  # pool sessions are the planner's business
    ]
    problems = host_overlaps(sessions, column="Host")
    # Row 3 is still scheduled (a warning), so row 4 meets it.
    assert [(p.row, p.column, p.code) for p in problems] == [
        (3, "Host", "host-overlap"),
        (4, "Host", "host-overlap"),
    ]
    assert "overlaps row 2 (2027-05-03 09:00 KST)" in problems[0].message
    assert "overlaps row 3 (2027-05-03 09:30 KST)" in problems[1].message


# ---------------------------------------------------------------------------------------------
# Properties

MEMBERS = ("a@p.example", "b@p.example", "c@p.example")


@st.composite
def timetables(draw: st.DrawFn) -> tuple[list[Session], int, int]:
    count = draw(st.integers(1, 25))
    size = draw(st.integers(1, 3))
    buffer = draw(st.sampled_from([0, 10]))
    sessions = []
    for row in range(2, count + 2):
        minute = draw(st.integers(0, 48 * 60 // 15)) * 15
        duration = draw(st.sampled_from([30, 50, 90]))
        explicit = draw(st.sampled_from([None, None, None, MEMBERS[0], "z@p.example"]))
        series = draw(st.sampled_from(["A", "B", "C", None]))
        key = f"{series}-{row}" if series else None
        sessions.append(session(row, minute, duration, host=explicit, key=key))
    return sessions, size, buffer


def _spans(sessions: Sequence[Session], buffer: int) -> dict[str, list[tuple[datetime, datetime]]]:
    spans: dict[str, list[tuple[datetime, datetime]]] = {}
    for s in sessions:
        end = s.start + timedelta(minutes=s.duration + buffer)
        spans.setdefault(s.host.casefold(), []).append((s.start, end))
    return spans


def _clash(spans: Sequence[tuple[datetime, datetime]], start: datetime, end: datetime) -> bool:
    return any(a < end and start < b for a, b in spans)


def _no_explicit_overlap(sessions: Sequence[Session]) -> list[Session]:
    """The sessions without explicit-host sessions that overlap each other."""
    bad = {p.row for p in host_overlaps(sessions)}
    return [s for s in sessions if s.row not in bad]


@settings(max_examples=150, deadline=None)
@given(timetables(), st.integers(1, 6), st.data())
def test_assignments_never_overlap_nor_exceed_quota_and_place_what_fits(
    timetable: tuple[list[Session], int, int], limit: int, data: st.DataObject
) -> None:
    """No member hosts overlapping sessions (with buffer) or more creates than its quota; a
    session is left out only when every member is busy or full; same input, same answer."""
    drafted, size, buffer_minutes = timetable
    sessions = _no_explicit_overlap(drafted)
    pools: Mapping[str, Sequence[str]] = {"teachers": MEMBERS[:size]}
    used = {MEMBERS[0]: data.draw(st.integers(0, limit))}
    buffer = timedelta(minutes=buffer_minutes)
    placed, problems = assign(sessions, pools, buffer=buffer, daily_limit=limit, used_today=used)

    assert {p.code for p in problems} <= {"pool-full"}
    assert sorted([s.row for s in placed] + [p.row or 0 for p in problems]) == [
        s.row for s in sessions
    ]
    spans = _spans(placed, buffer_minutes)
    pooled = {s.row for s in sessions if s.pool}
    for mine in (s for s in placed if s.row in pooled):
        end = mine.start + timedelta(minutes=mine.duration) + buffer
        others = [o for o in placed if o.row != mine.row and o.host == mine.host]
        assert not _clash(_spans(others, buffer_minutes).get(mine.host, []), mine.start, end)
    creates = Counter(s.host for s in placed if s.row in pooled) + Counter(
        s.host for s in placed if s.row not in pooled and s.host in MEMBERS[:size]
    )
    for member in MEMBERS[:size]:
        if any(s.host == member and s.row in pooled for s in placed):
            assert creates[member] + used.get(member, 0) <= limit
    for problem in problems:
        left = next(s for s in sessions if s.row == problem.row)
        end = left.start + timedelta(minutes=left.duration) + buffer
        for member in MEMBERS[:size]:
            full = creates[member] + used.get(member, 0) >= limit
            assert full or _clash(spans.get(member, []), left.start, end)
    assert assign(sessions, pools, buffer=buffer, daily_limit=limit, used_today=used) == (
        placed,
        problems,
    )


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.sampled_from([1, 2, 3])), min_size=1, max_size=30),
    st.integers(1, 3),
)
def test_pool_holds_any_timetable_no_deeper_than_its_size(
    slots: list[tuple[int, int]], size: int
) -> None:
    """With no quota pressure, every session is placed when at no moment more sessions overlap
    than the pool has members (and some session is left out when more do)."""
    sessions = [
        session(row, start * 30, length * 30 - 5, key=f"K{row % 3}-{row}")
        for row, (start, length) in enumerate(slots, start=2)
    ]
    moments = {s.start for s in sessions}
    depth = max(
        sum(s.start <= t < s.start + timedelta(minutes=s.duration) for s in sessions)
        for t in moments
    )
    _, problems = assign(sessions, {"teachers": MEMBERS[:size]})
    assert (problems == []) == (depth <= size)
