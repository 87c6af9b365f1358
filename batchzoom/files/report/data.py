"""What an HTML report shows, as plain data, and the pure reckoning behind its pictures.

The commands hand over ``ReportInput`` (rows with their fate, validation problems, the
journal's daily counts); this module works out the display zone, every occurrence of a
series, which sessions go beyond a host's concurrency and the daily-quota picture. No I/O.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from batchzoom.core.i18n import N_
from batchzoom.files.ics import without_passcode
from batchzoom.model import recurrence
from batchzoom.model.local_times import most_used_zone
from batchzoom.model.outcomes import DAILY_CREATE_LIMIT, RowOutcome
from batchzoom.model.problems import Problem
from batchzoom.model.rows import Session

# status -> (glyph, words): the glyph and the word travel with the colour, never the colour alone.
# The words are marked ``N_`` and shown through ``_``; the status itself stays as it is.
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "created": ("✓", N_("created by this run")),
    "existing": ("●", N_("created before")),
    "updated": ("↻", N_("updated on Zoom")),
    "unchanged": ("=", N_("same as on Zoom")),
    "changed": ("Δ", N_("edited since its meeting was created: run sync")),
    "deferred": ("‖", N_("held back by Zoom's daily limit: the next run sends it")),
    "failed": ("✗", N_("failed")),
    "invalid": ("!", N_("invalid row: nothing sent")),
    "planned": ("○", N_("planned (dry run): nothing sent")),
    "cancelled": ("⊘", N_("cancelled")),
    "new": ("+", N_("not scheduled yet")),
    "in doubt": ("?", N_("sent but never confirmed")),
}
# Zoom statuses that will send a create when the run (or the next one) goes ahead.
PENDING_STATUSES = frozenset({"planned", "deferred", "new"})

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


def is_korean(text: str | None) -> bool:
    """True when ``text`` holds Hangul (the page marks such text ``lang="ko"``)."""
    return bool(text and _HANGUL.search(text))


@dataclass(frozen=True)
class ReportRow:
    """One roster row as the report shows it: its session (when valid) and its fate."""

    row: int | None  # Excel row number; None for a journal entry no longer in the roster
    status: str
    key: str | None = None
    host: str | None = None
    topic: str | None = None
    start: datetime | None = None  # aware, in ``zone``
    zone: str | None = None
    duration: int | None = None
    recurrence: Mapping[str, Any] | None = None  # Zoom's recurrence object
    meeting_id: int | None = None
    join_url: str | None = None
    password: str | None = None
    detail: str | None = None  # what went wrong, or when a deferred row resumes
    resume_at: datetime | None = None


@dataclass(frozen=True)
class ReportInput:
    """Everything one report page shows; built by the command that ran."""

    roster: str
    command: str
    generated_at: datetime  # aware; the caller's clock
    rows: Sequence[ReportRow]
    problems: Sequence[Problem] = ()
    exit_code: int | None = None
    exit_meaning: str = ""
    warnings: Sequence[str] = ()
    default_zone: str | None = None  # the configured default zone, if any
    concurrency: int = 1  # meetings one host may run at once on the plan
    # The sittings (row, start) beyond that, as ``model.pools.crowded`` finds them.
    crowded: Collection[tuple[int, datetime]] = ()
    row_warnings: Sequence[Problem] = ()  # validation warnings, listed beside the problems
    plan: str | None = None
    # host (lower case) -> UTC day -> creates and updates the journal counted
    quota_used: Mapping[str, Mapping[date, int]] = field(default_factory=dict)
    daily_limit: int = DAILY_CREATE_LIMIT
    include_password: bool = False
    # session (roster id) -> attendees registering for it; shown when the roster has any
    registrants: Mapping[str, int] = field(default_factory=dict)


def row_of(session: Session, status: str, **facts: Any) -> ReportRow:
    """The report row of a valid ``session`` in ``status`` (``facts``: the other fields)."""
    return ReportRow(
        row=session.row,
        status=status,
        key=session.key,
        host=session.host,
        topic=session.topic,
        start=session.start,
        zone=session.timezone,
        duration=session.duration,
        recurrence=session.recurrence,
        meeting_id=session.meeting_id,
        **facts,
    )


def rows_from(
    sessions: Iterable[Session],
    outcomes: Iterable[RowOutcome],
    *,
    resume_at: Mapping[int, datetime] | None = None,
) -> list[ReportRow]:
    """Pair each outcome with the session of its row (an invalid row has none)."""
    by_row = {session.row: session for session in sessions}
    resume_at = resume_at or {}
    rows = []
    for outcome in outcomes:
        session = by_row.get(outcome.row)
        rows.append(
            ReportRow(
                row=outcome.row,
                status=outcome.status,
                key=session.key if session else None,
                host=outcome.host or (session.host if session else None),
                topic=outcome.topic or (session.topic if session else None),
                start=session.start if session else None,
                zone=session.timezone if session else None,
                duration=session.duration if session else None,
                recurrence=session.recurrence if session else None,
                meeting_id=outcome.meeting_id,
                join_url=outcome.join_url,
                password=outcome.password,
                detail=outcome.error,
                resume_at=outcome.resume_at or resume_at.get(outcome.row),
            )
        )
    return rows


def display_zone(rows: Iterable[ReportRow], configured: str | None) -> str:
    """The configured default zone, else the zone most rows use (ties: by name), else UTC."""
    if configured:
        return configured
    counts = Counter(row.zone for row in rows if row.zone)
    if not counts:
        return "UTC"
    return min(counts, key=lambda zone: (-counts[zone], zone))


def without_password(url: str | None) -> str | None:
    """A join link with its ``pwd=`` (the passcode in disguise) taken out."""
    return without_passcode(url) if url else url


@dataclass
class Occurrence:
    """One sitting of a session on the calendar."""

    row: ReportRow
    number: int  # 1-based within its series
    of: int
    start: datetime  # aware, in the row's zone
    end: datetime
    over_limit: bool = False  # beyond what the host may run at once

    @property
    def start_utc(self) -> datetime:
        return self.start.astimezone(UTC)


def occurrences(rows: Iterable[ReportRow]) -> list[Occurrence]:
    """Every sitting of every row that has a start: each occurrence of a series."""
    found: list[Occurrence] = []
    for row in rows:
        if row.start is None or row.zone is None:
            continue
        length = timedelta(minutes=row.duration or 0)
        starts = (
            recurrence.occurrences(row.start, row.zone, row.recurrence)
            if row.recurrence
            else [row.start]
        )
        for number, start in enumerate(starts, 1):
            found.append(Occurrence(row, number, len(starts), start, start + length))
    found.sort(key=lambda o: (o.start_utc, o.row.row or 0, o.number))
    return found


def mark_over_limit(found: Sequence[Occurrence], crowded: Collection[tuple[int, datetime]]) -> int:
    """Flag each sitting listed in ``crowded`` (row, UTC start); returns how many."""
    wanted = {(row, start.astimezone(UTC)) for row, start in crowded}
    flagged = 0
    for item in found:
        item.over_limit = (item.row.row, item.start_utc) in wanted
        flagged += item.over_limit
    return flagged


def week_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class QuotaDay:
    """One host's creates and updates on one UTC day, against Zoom's daily limit."""

    host: str
    day: date
    used: int  # counted by the journal
    pending: int = 0  # still to send (planned or deferred rows) on this day
    resume_at: datetime | None = None  # when a deferred host may send again this day
    zone: str | None = None  # the zone most of the host's rows use, for showing ``resume_at``


def quota_days(data: ReportInput) -> list[QuotaDay]:
    """Each host's past days from the journal, then the days its pending rows need.

    A row still to send costs one create: a planned or new row from today on, a deferred
    row from the day it resumes. Each host's pending rows fill what Zoom's limit leaves
    of each day in turn, and a day after today resumes at 00:00 UTC.
    """
    today = data.generated_at.astimezone(UTC).date()
    demand: dict[str, Counter[date]] = defaultdict(Counter)
    for row in data.rows:
        if row.status not in PENDING_STATUSES or not row.host:
            continue
        earliest = today
        if row.status == "deferred" and row.resume_at is not None:
            earliest = max(today, row.resume_at.astimezone(UTC).date())
        demand[row.host.lower()][earliest] += 1
    zones: dict[str, list[str | None]] = defaultdict(list)  # each host's rows' zones, in order
    for row in data.rows:
        if row.host:
            zones[row.host.lower()].append(row.zone)
    days: list[QuotaDay] = []
    for host in sorted(set(data.quota_used) | set(demand)):
        zone = most_used_zone(zones[host])
        used = data.quota_used.get(host, {})
        wanted = demand.get(host, Counter())
        days += [QuotaDay(host, past, used[past]) for past in sorted(used) if past < today]
        waiting, day = 0, today
        while waiting or day <= max([*wanted, *used], default=today):
            waiting += wanted.get(day, 0)
            take = min(max(data.daily_limit - used.get(day, 0), 0), waiting)
            if take or used.get(day, 0):
                resume = datetime.combine(day, time(0), UTC) if take and day > today else None
                days.append(QuotaDay(host, day, used.get(day, 0), take, resume, zone))
            waiting -= take
            day += timedelta(days=1)
    return days


def hosts_of(rows: Iterable[ReportRow]) -> list[str]:
    """The hosts named by the rows, in a stable readable order (case ignored)."""
    seen: dict[str, str] = {}
    for row in rows:
        if row.host:
            seen.setdefault(row.host.lower(), row.host)
    return [seen[key] for key in sorted(seen)]
