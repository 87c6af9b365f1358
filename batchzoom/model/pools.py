"""Host pools: which member of a named list of Zoom users hosts each pool session.

Pure logic, no I/O. A Zoom user can host one meeting at a time (two on Business,
Education and Enterprise plans; see ``concurrent_meetings``), and Zoom lets one user
create at most ``DAILY_CREATE_LIMIT`` meetings a day. ``assign`` gives every
session whose host cell named a pool (``host = "pool:teachers"``) a member of that
pool such that:

- no member hosts two sessions whose times overlap, counting ``buffer`` after
  each session (sessions with an explicit host count against that host too);
- no member is given more creates than ``daily_limit`` minus what it already
  used today;
- a session placed in an earlier run (``previous``) keeps its host, so a re-run
  never moves an existing meeting;
- the sessions of one series go to the same member whenever it is free.

A session's *series* is the part of its id before the last ``-`` (``MATH1-03``
belongs to ``MATH1``); a session without an id, or with an id without ``-``,
belongs to the series of its topic. Sessions are placed in order of their first
start; each goes to its series' member when that one is free, else to the free
member with the fewest creates so far, ties broken by the order of the pool.
Placing in start order keeps a pool of N members able to hold any timetable in
which no more than N sessions overlap at any moment.

A recurring session occupies every one of its occurrences; ``occurrences``
maps a session to the starts of its occurrences (by default, only its first).
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from batchzoom.core.i18n import _, ngettext
from batchzoom.model.outcomes import DAILY_CREATE_LIMIT
from batchzoom.model.problems import Problem
from batchzoom.model.rows import Session

POOL_PREFIX = "pool:"
# Meetings one user can host at the same time, by plan (see ``concurrent_meetings``).
CONCURRENT_MEETINGS = {"free": 1, "pro": 1, "business": 2, "education": 2, "enterprise": 2}

Occurrences = Callable[[Session], Sequence[datetime]]
KeyOf = Callable[[Session], str | None]


def first_occurrence(session: Session) -> Sequence[datetime]:
    """The starts a session occupies when its recurrence is not expanded: its first one."""
    return (session.start,)


def id_key(session: Session) -> str | None:
    """A session's identity across runs when only its id is known (``id:<id>``)."""
    return f"id:{session.key}" if session.key else None


def pool_name(host: str) -> str | None:
    """The pool a host cell names (``pool:teachers`` -> ``teachers``), or None."""
    text = host.strip()
    if text[: len(POOL_PREFIX)].casefold() != POOL_PREFIX:
        return None
    return text[len(POOL_PREFIX) :].strip() or None


def series_of(session: Session) -> str:
    """The series a session belongs to: its id before the last ``-``, else its topic."""
    if session.key and "-" in session.key.strip("-"):
        return "id:" + session.key.rsplit("-", 1)[0]
    return "topic:" + session.topic


def _spans(session: Session, buffer: timedelta, occurrences: Occurrences) -> list[Span]:
    length = timedelta(minutes=session.duration) + buffer
    # In UTC: Python adds to and compares datetimes of one zone as wall times, which
    # would misjudge every span that crosses a daylight-saving change.
    return sorted(
        Span(local.astimezone(UTC), local.astimezone(UTC) + length, session.row, local)
        for local in occurrences(session)
    )


@dataclass(frozen=True, order=True)
class Span:
    """One occurrence of a session as the time its host is busy: [start, end), in UTC."""

    start: datetime
    end: datetime
    row: int
    local: datetime | None = field(default=None, compare=False)  # the start in its zone


@dataclass
class _Calendar:
    """The busy spans of one host, sorted by start, with the longest span seen."""

    spans: list[Span] = field(default_factory=list)
    longest: timedelta = timedelta(0)

    def overlapping(self, span: Span) -> list[Span]:
        """The busy spans overlapping ``span``, by start."""
        low = bisect.bisect_left(self.spans, Span(span.start - self.longest, span.start, -1))
        high = bisect.bisect_left(self.spans, Span(span.end, span.end, -1))
        return [busy for busy in self.spans[low:high] if busy.end > span.start]

    def clash(self, span: Span) -> Span | None:
        """A busy span overlapping ``span``, or None."""
        found = self.overlapping(span)
        return found[0] if found else None

    def clashes(self, spans: Iterable[Span]) -> Span | None:
        for span in spans:
            busy = self.clash(span)
            if busy is not None:
                return busy
        return None

    def crowded(self, span: Span, limit: int) -> Span | None:
        """A busy span during which ``span`` would make more than ``limit`` at once, or None."""
        found = self.overlapping(span)
        if len(found) < limit:
            return None
        # The most spans running at one moment within ``span``: count at each start.
        for busy in found:
            moment = max(busy.start, span.start)
            running = sum(1 for other in found if other.start <= moment < other.end)
            if running >= limit:
                return busy
        return None

    def add(self, spans: Iterable[Span]) -> None:
        for span in spans:
            bisect.insort(self.spans, span)
            self.longest = max(self.longest, span.end - span.start)


def _fold(host: str) -> str:
    return host.casefold()


def concurrent_meetings(plan: str) -> int:
    """How many meetings one user can host at the same time on ``plan``.

    Zoom, "Hosting multiple meetings simultaneously" (support.zoom.us article 206122046):
    "Each Basic user and Licensed user on a Pro account is limited to hosting only 1
    meeting at a time. Licensed users on Business, Education, and Enterprise accounts can
    host up to 2 meetings at the same time." Scheduling overlapping meetings is allowed
    ("He can schedule as many meetings as he wants, but can only have 1 meeting active
    at a time").
    """
    return CONCURRENT_MEETINGS.get(plan.strip().lower(), 1)


def _when(span: Span) -> str:
    local = span.local or span.start
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


@dataclass(frozen=True)
class Crowding:
    """One occurrence (``span``) of ``session`` that gives its host more meetings at once
    than the plan runs; ``busy`` is an earlier-listed session's occurrence it meets."""

    session: Session
    span: Span
    busy: Span


def crowded(
    sessions: Iterable[Session],
    *,
    occurrences: Occurrences = first_occurrence,
    plan: str = "pro",
) -> list[Crowding]:
    """Every occurrence beyond the plan's concurrent meetings (see ``concurrent_meetings``).

    Sessions are taken in roster order: an occurrence is crowded when the host's
    earlier-listed sessions already fill the plan at some moment of it. Times are compared
    as UTC instants. Only sessions with an explicit host count (not pool sessions, not
    cancelled ones); hosts are compared without regard to case.
    """
    limit = concurrent_meetings(plan)
    calendars: dict[str, _Calendar] = defaultdict(_Calendar)
    found: list[Crowding] = []
    for session in sessions:
        if session.pool is not None or session.cancelled:
            continue
        calendar = calendars[_fold(session.host)]
        spans = _spans(session, timedelta(0), occurrences)
        for span in spans:
            busy = calendar.crowded(span, limit)
            if busy is not None:
                found.append(Crowding(session, span, busy))
        calendar.add(spans)
    return found


def host_overlaps(
    sessions: Iterable[Session],
    *,
    occurrences: Occurrences = first_occurrence,
    column: str = "host",
    plan: str = "pro",
) -> list[Problem]:
    """A warning for each session that would give its host more meetings at once than the
    plan runs (see ``crowded``), naming the earlier-listed session it meets.

    Zoom accepts such meetings, so these are warnings: the run goes on unless
    ``--strict`` makes them errors.
    """
    limit = concurrent_meetings(plan)
    problems: list[Problem] = []
    warned: set[int] = set()
    for item in crowded(sessions, occurrences=occurrences, plan=plan):
        session, span, busy = item.session, item.span, item.busy
        if session.row in warned:
            continue  # one warning per session: its first crowded occurrence
        warned.add(session.row)
        problems.append(
            Problem(
                session.row,
                column,
                "host-overlap",
                ngettext(
                    "this session ({when}, {minutes} min) overlaps row {row} ({other}) with the "
                    "same host {host}, who can host {n} meeting at a time on a {plan} plan (Zoom "
                    "accepts both, but only {n} meeting can run); change the time or the host "
                    "of one of them.",
                    "this session ({when}, {minutes} min) overlaps row {row} ({other}) with the "
                    "same host {host}, who can host {n} meetings at a time on a {plan} plan "
                    "(Zoom accepts both, but only {n} meetings can run); change the time or the "
                    "host of one of them.",
                    limit,
                ).format(
                    when=_when(span),
                    minutes=session.duration,
                    row=busy.row,
                    other=_when(busy),
                    host=session.host,
                    n=limit,
                    plan=plan,
                ),
            )
        )
    return problems


def _is_create(session: Session) -> bool:
    """Whether running the session means creating a meeting (it has none and is not cancelled)."""
    return session.meeting_id is None and not session.cancelled


def assign(
    sessions: Sequence[Session],
    pools: Mapping[str, Sequence[str]],
    *,
    buffer: timedelta = timedelta(0),
    daily_limit: int = DAILY_CREATE_LIMIT,
    used_today: Mapping[str, int] | None = None,
    previous: Mapping[str, str] | None = None,
    key: KeyOf = id_key,
    occurrences: Occurrences = first_occurrence,
    column: str = "host",
) -> tuple[list[Session], list[Problem]]:
    """Give every pool session a member of its pool as host (see the module's description).

    Returns the sessions in their order, pool sessions with ``host`` set to the chosen
    member, and a problem (code ``pool-unknown`` or ``pool-full``) for each pool session
    that could not be placed; those are left out of the sessions. ``used_today`` holds
    the creates each host already made today, ``previous`` the host each session key
    (as ``key`` gives it) got in an earlier run. Deterministic for the same input.
    """
    used_today = used_today or {}
    previous = previous or {}
    creates: Counter[str] = Counter({_fold(host): n for host, n in used_today.items()})
    calendars: dict[str, _Calendar] = defaultdict(_Calendar)
    spans: dict[int, list[Span]] = {}
    chosen: dict[int, str] = {}  # index in sessions -> host
    problems: dict[int, Problem] = {}
    waiting: list[int] = []

    def occupy(index: int, host: str) -> None:
        session = sessions[index]
        chosen[index] = host
        if session.cancelled:
            return
        calendars[_fold(host)].add(spans[index])
        if _is_create(session):
            creates[_fold(host)] += 1

    for index, session in enumerate(sessions):
        spans[index] = _spans(session, buffer, occurrences)
        if session.pool is None:
            occupy(index, session.host)
            continue
        members = pools.get(session.pool)
        if not members:
            known = ", ".join(sorted(pools)) or _("none")
            problems[index] = Problem(
                session.row,
                column,
                "pool-unknown",
                _(
                    'host "{host}" names no pool of the configuration (pools: {pools}); '
                    "correct the name or add the pool to batchzoom.toml."
                ).format(host=session.host, pools=known),
            )
            continue
        earlier = previous.get(key(session) or "")
        if earlier is not None:
            occupy(index, earlier)  # an existing meeting never moves
        else:
            waiting.append(index)

    waiting.sort(
        key=lambda index: (spans[index][0].start if spans[index] else sessions[index].start, index)
    )
    series_host: dict[tuple[str, str], str] = {}
    for index in waiting:
        session = sessions[index]
        assert session.pool is not None
        members = list(dict.fromkeys(pools[session.pool]))
        series = (session.pool, series_of(session))
        candidates = [
            host
            for host in members
            if not (_is_create(session) and creates[_fold(host)] >= daily_limit)
            and (session.cancelled or calendars[_fold(host)].clashes(spans[index]) is None)
        ]
        if not candidates:
            problems[index] = _full(session, members, daily_limit, creates, column)
            continue
        preferred = series_host.get(series)
        if preferred in candidates:
            host = preferred
        else:
            host = min(candidates, key=lambda h: (creates[_fold(h)], members.index(h)))
        series_host.setdefault(series, host)
        occupy(index, host)

    placed = [
        replace(session, host=chosen[index])
        if session.pool is not None and chosen[index] != session.host
        else session
        for index, session in enumerate(sessions)
        if index not in problems
    ]
    return placed, [problems[index] for index in sorted(problems, key=lambda i: sessions[i].row)]


def _full(
    session: Session, members: list[str], limit: int, creates: Counter[str], column: str
) -> Problem:
    at_limit = all(creates[_fold(host)] >= limit for host in members)
    if at_limit and _is_create(session):
        message = _(
            "this session cannot be placed: every member of pool {pool} already has {limit} "
            "meetings to create today, Zoom's daily limit; add hosts to the pool in "
            "batchzoom.toml or schedule this row tomorrow."
        )
    else:
        message = _(
            "this session cannot be placed: every member of pool {pool} hosts another session "
            "at {start} or has reached Zoom's daily limit of {limit} creates; add hosts to the "
            "pool in batchzoom.toml, or move the session."
        )
    text = message.format(pool=session.pool, limit=limit, start=f"{session.start:%Y-%m-%d %H:%M}")
    return Problem(session.row, column, "pool-full", text)
