"""An iCalendar file (RFC 5545) of the meetings a run scheduled, for people's calendars.

One event per meeting: its start in the session's own IANA time zone (with the
VTIMEZONE the file needs), its length, the topic as summary and the join link as
location. A recurring meeting is one event with an RRULE built from Zoom's
``recurrence`` object, so a weekly 18:00 class stays at 18:00 local across a
daylight-saving change, as on Zoom.

The passcode (and the ``pwd`` part of a join link, which stands in for it) is
written only when asked for; start links never are. The file is written
atomically with mode 0600.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from batchzoom.core.i18n import _
from batchzoom.files.atomic import atomic_write
from batchzoom.model import times
from batchzoom.model.outcomes import RowOutcome
from batchzoom.model.rows import Session

# icalendar loads only when a calendar is written: a run without --ics starts without it.
if TYPE_CHECKING:
    from icalendar import Event

SCHEDULED = frozenset({"created", "existing", "updated", "unchanged", "changed"})
PRODID = "-//batchzoom//batchzoom//EN"

# Zoom numbers weekdays 1 = Sunday ... 7 = Saturday.
_BYDAY = {1: "SU", 2: "MO", 3: "TU", 4: "WE", 5: "TH", 6: "FR", 7: "SA"}
_FREQ = {1: "DAILY", 2: "WEEKLY", 3: "MONTHLY"}
_SEARCH_LIMIT = 1000  # periods searched for a series' first occurrence


def write_calendar(
    path: Path,
    items: Sequence[tuple[Session, RowOutcome]],
    *,
    include_password: bool,
    now: datetime | None = None,
    removed: Iterable[RowOutcome] = (),
) -> int:
    """Write an .ics file with one event per scheduled meeting of ``items``; return how many.

    A meeting cancelled (its row marked cancelled, or among the ``removed`` rows whose
    meeting a sync deleted) is written as a cancelled event (``cancelled_event``), so a
    calendar that imported it before takes it out. Rows whose outcome has no meeting
    (invalid, failed, deferred, planned) are left out, as is a second row naming a
    meeting already written.
    """
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    from icalendar import Calendar

    from batchzoom.files.ics_zones import vtimezone

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    seen: set[int] = set()
    spans: dict[str, tuple[date, date]] = {}  # zone -> first and last day of its events
    gone = [outcome for _, outcome in items if outcome.status == "cancelled"]
    for outcome in [*gone, *removed]:
        number = outcome.meeting_id
        if outcome.status != "cancelled" or number is None or number in seen:
            continue
        seen.add(number)
        cal.add_component(cancelled_event(outcome, stamp))
    for session, outcome in items:
        if outcome.status not in SCHEDULED or outcome.meeting_id is None or not outcome.join_url:
            continue
        if outcome.meeting_id in seen:
            continue
        seen.add(outcome.meeting_id)
        event, span = meeting_event(session, outcome, include_password=include_password)
        event.add("dtstamp", stamp)
        cal.add_component(event)
        known = spans.get(session.timezone, span)
        spans[session.timezone] = (min(known[0], span[0]), max(known[1], span[1]))
    for name, (first, last) in sorted(spans.items()):
        cal.add_component(vtimezone(times.zone(name), first, last))
    _write_atomically(path, cal.to_ical())
    return len(seen)


def pair(
    sessions: Iterable[Session], outcomes: Iterable[RowOutcome]
) -> list[tuple[Session, RowOutcome]]:
    """Each session with its row's outcome (``RunReport.outcomes``), in roster order."""
    by_row = {outcome.row: outcome for outcome in outcomes}
    return [(session, by_row[session.row]) for session in sessions if session.row in by_row]


def meeting_event(
    session: Session, outcome: RowOutcome, *, include_password: bool
) -> tuple[Event, tuple[date, date]]:
    """The VEVENT of one meeting and the dates it spans (first start, last possible start)."""
    zone = times.zone(session.timezone)
    start = session.start.astimezone(zone)
    from icalendar import Event

    event = Event()
    event.add("uid", f"{outcome.meeting_id}@batchzoom")
    event.add("summary", session.topic)
    last = start.date()
    if session.recurrence:
        rule = dict(session.recurrence)
        start = first_occurrence(start, rule)
        event.add("rrule", rrule(rule))
        last = _last_possible(start.date(), rule)
    if _repeated_wall_time(start) and (start.fold or not session.recurrence):
        # RFC 5545 reads a local time that happens twice as the first of the two
        # (section 3.3.5). A meeting at the second one is written as its UTC instant; a
        # series starting there keeps its local DTSTART (its later occurrences follow
        # local time) with that first instant swapped for the real one.
        if not session.recurrence:
            start = start.astimezone(UTC)
        else:
            event.add("exdate", start.replace(fold=0).astimezone(UTC))
            event.add("rdate", start.astimezone(UTC))
    event.add("dtstart", start)
    event.add("duration", timedelta(minutes=session.duration))
    join_url = outcome.join_url or ""
    if not include_password:
        join_url = without_passcode(join_url)
    event.add("location", join_url)
    event.add("url", join_url)
    lines = [f"Join Zoom meeting: {join_url}", f"Meeting ID: {meeting_number(outcome)}"]
    password = outcome.password or session.password
    if include_password and password:
        lines.append(f"Passcode: {password}")
    if session.agenda:
        lines += ["", session.agenda]
    event.add("description", "\n".join(lines))
    return event, (start.date(), last)


# RFC 5545 3.8.7.4: an event whose SEQUENCE is higher than the one a calendar holds
# replaces it; batchzoom writes live events with the default 0, so a cancellation is 1.
CANCELLED_SEQUENCE = 1


def cancelled_event(outcome: RowOutcome, stamp: datetime) -> Event:
    """The event of a deleted meeting: its UID, ``STATUS:CANCELLED`` (RFC 5545 3.8.1.11)
    and a higher ``SEQUENCE``, which calendar programs take as "remove this event"."""
    from icalendar import Event

    event = Event()
    event.add("uid", f"{outcome.meeting_id}@batchzoom")
    event.add("summary", outcome.topic or "")
    if outcome.start_utc:
        event.add("dtstart", times.parse_utc(outcome.start_utc))
    event.add("status", "CANCELLED")
    event.add("sequence", CANCELLED_SEQUENCE)
    event.add("dtstamp", stamp)
    return event


def _repeated_wall_time(start: datetime) -> bool:
    """Whether the wall time of ``start`` (aware) happens twice in its zone."""
    return start.replace(fold=0).utcoffset() != start.replace(fold=1).utcoffset()


def meeting_number(outcome: RowOutcome) -> str:
    """The meeting id grouped as Zoom shows it: ``857 4606 5432``."""
    text = str(outcome.meeting_id)
    if len(text) == 11:
        return f"{text[:3]} {text[3:7]} {text[7:]}"
    if len(text) == 10:
        return f"{text[:3]} {text[3:6]} {text[6:]}"
    return text


def without_passcode(url: str) -> str:
    """A join link without its ``pwd`` parameter (which lets anyone in without the passcode)."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "pwd"]
    return urlunsplit(parts._replace(query=urlencode(kept)))


# ---------------------------------------------------------------------------------------------
# Zoom's recurrence object as an RRULE


def rrule(rule: Mapping[str, Any]) -> dict[str, Any]:
    """The RRULE parts of Zoom's ``recurrence`` object (weeks start on Sunday, as on Zoom)."""
    kind = int(rule["type"])
    parts: dict[str, Any] = {"freq": _FREQ[kind], "interval": int(rule.get("repeat_interval", 1))}
    if kind == 2:
        parts["byday"] = [_BYDAY[day] for day in _weekly_days(rule)]
    elif kind == 3:
        if "monthly_week" in rule:
            parts["byday"] = [f"{int(rule['monthly_week'])}{_BYDAY[int(rule['monthly_week_day'])]}"]
        else:
            parts["bymonthday"] = [int(rule.get("monthly_day", 1))]
    if "end_date_time" in rule:
        parts["until"] = _end(rule)
    else:
        parts["count"] = int(rule.get("end_times", 1))
    parts["wkst"] = "SU"
    return parts


def _weekly_days(rule: Mapping[str, Any]) -> list[int]:
    return sorted({int(day) for day in str(rule.get("weekly_days", "1")).split(",") if day.strip()})


def _end(rule: Mapping[str, Any]) -> datetime:
    return times.parse_utc(str(rule["end_date_time"]))


def _zoom_weekday(day: date) -> int:
    return (day.weekday() + 1) % 7 + 1


def first_occurrence(start: datetime, rule: Mapping[str, Any]) -> datetime:
    """The first start of a series: the first day on or after ``start``'s that the rule names.

    Periods are counted from ``start``'s week (Sunday first) or month, so the RRULE
    anchored at this occurrence repeats in the same weeks or months as on Zoom.
    """
    day = _first_day(start.date(), rule)
    return start if day is None else start.replace(year=day.year, month=day.month, day=day.day)


def _first_day(first: date, rule: Mapping[str, Any]) -> date | None:
    kind = int(rule["type"])
    interval = int(rule.get("repeat_interval", 1))
    if kind == 1:
        return first
    if kind == 2:
        days = _weekly_days(rule)
        week_start = first - timedelta(days=_zoom_weekday(first) - 1)
        for week in range(0, _SEARCH_LIMIT * interval, interval):
            for offset in range(7):
                day = week_start + timedelta(days=7 * week + offset)
                if day >= first and _zoom_weekday(day) in days:
                    return day
        return None
    month_index = first.year * 12 + first.month - 1
    for step in range(_SEARCH_LIMIT):
        year, month = divmod(month_index + step * interval, 12)
        found = _monthly_day(year, month + 1, rule)
        if found is not None and found >= first:
            return found
    return None


def _monthly_day(year: int, month: int, rule: Mapping[str, Any]) -> date | None:
    last = calendar.monthrange(year, month)[1]
    if "monthly_week" in rule:
        weekday = int(rule["monthly_week_day"])
        days = [date(year, month, d) for d in range(1, last + 1)]
        matching = [day for day in days if _zoom_weekday(day) == weekday]
        week = int(rule["monthly_week"])
        return matching[-1] if week == -1 else matching[week - 1]
    wanted = int(rule.get("monthly_day", 1))
    return date(year, month, wanted) if wanted <= last else None


def _last_possible(first: date, rule: Mapping[str, Any]) -> date:
    """A date no occurrence of the series is after (for the VTIMEZONE's range)."""
    if "end_date_time" in rule:
        return max(first, _end(rule).date())
    kind = int(rule["type"])
    # A monthly day such as the 31st skips months, but never more than every other one.
    step = {1: 1, 2: 7, 3: 62}[kind] * int(rule.get("repeat_interval", 1))
    return first + timedelta(days=step * (int(rule.get("end_times", 1)) + 1))


# ---------------------------------------------------------------------------------------------
# Writing


def _write_atomically(target: Path, content: bytes) -> None:
    """Write the calendar through a 0600 temporary file renamed over ``target``."""
    atomic_write(target, content, elsewhere=_("give --ics a path in a folder you can write to"))
