"""Occurrences of a recurring meeting, computed in the meeting's own time zone.

The local time of day stays fixed across daylight-saving changes, as in a
calendar: a 09:00 weekly class in New York is 13:00Z in summer, 14:00Z in winter.
Weekdays are Zoom's: 1 = Sunday ... 7 = Saturday.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from batchzoom.sandbox import zones

MAX_OCCURRENCES = 60  # "The maximum number of recurring is 60." (recurrence.end_times)
# A fixed-time series with ``end_times: 0`` ("no end") is accepted, and Zoom schedules a
# rolling horizon of about two years of it: "~110 occurrences for weekly (~2 years), 60
# for monthly (~5 years)" (cornellh4i/ithaca-recovery PR 506 and issue 508, verified
# against Zoom in 2026). Read here as: two years, but at least 60 occurrences. Daily
# series: no evidence; the same rule gives about 730.
NO_END_HORIZON = timedelta(days=730)


def zoom_weekday(day: date) -> int:
    """Zoom's weekday number of ``day``: 1 Sunday ... 7 Saturday."""
    return (day.weekday() + 1) % 7 + 1


def _dates(first: date, rule: dict[str, Any]) -> Iterator[date]:
    kind = rule["type"]
    interval = rule.get("repeat_interval", 1)
    if kind == 1:
        day = first
        while True:
            yield day
            day += timedelta(days=interval)
    elif kind == 2:
        days = {int(d) for d in str(rule.get("weekly_days", "1")).split(",")}
        week_start = first - timedelta(days=zoom_weekday(first) - 1)  # the Sunday
        week = 0
        while True:
            for offset in range(7):
                day = week_start + timedelta(days=week * 7 + offset)
                if day >= first and zoom_weekday(day) in days:
                    yield day
            week += interval
    else:
        month_index = first.year * 12 + first.month - 1
        while True:
            year, month = divmod(month_index, 12)
            month += 1
            day_or_none = _monthly_day(year, month, rule)
            if day_or_none is not None and day_or_none >= first:
                yield day_or_none
            month_index += interval


def _monthly_day(year: int, month: int, rule: dict[str, Any]) -> date | None:
    last = calendar.monthrange(year, month)[1]
    if "monthly_week" in rule:
        weekday = rule["monthly_week_day"]
        days = [
            date(year, month, d)
            for d in range(1, last + 1)
            if zoom_weekday(date(year, month, d)) == weekday
        ]
        return days[-1] if rule["monthly_week"] == -1 else days[rule["monthly_week"] - 1]
    wanted = rule.get("monthly_day", 1)
    # A month without that day (e.g. the 31st in April) has no occurrence.
    return date(year, month, wanted) if wanted <= last else None


def occurrences(start: datetime, timezone: str, rule: dict[str, Any]) -> list[datetime]:
    """UTC start times of the occurrences of ``rule`` beginning on or after ``start``.

    Stops after ``end_times`` occurrences or at ``end_date_time`` (inclusive);
    returns at most MAX_OCCURRENCES + 1 items so a caller can tell "too many".
    ``end_times`` 0 without ``end_date_time`` is Zoom's "no end": the occurrences of
    the horizon (``NO_END_HORIZON``, at least MAX_OCCURRENCES).
    """
    zone = zones.zone(timezone)
    local = start.astimezone(zone)
    if rule.get("end_times") == 0 and "end_date_time" not in rule:
        endless: list[datetime] = []
        for day in _dates(local.date(), rule):
            when = datetime.combine(day, local.timetz().replace(tzinfo=None), zone)
            when = when.astimezone(UTC)
            if len(endless) >= MAX_OCCURRENCES and when > start + NO_END_HORIZON:
                break
            endless.append(when)
        return endless
    limit = rule.get("end_times", 1) if "end_date_time" not in rule else MAX_OCCURRENCES + 1
    end: datetime | None = None
    if "end_date_time" in rule:
        end = datetime.strptime(rule["end_date_time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    found: list[datetime] = []
    for day in _dates(local.date(), rule):
        when = datetime.combine(day, local.timetz().replace(tzinfo=None), zone).astimezone(UTC)
        if end is not None and when > end:
            break
        found.append(when)
        if len(found) >= min(limit, MAX_OCCURRENCES + 1):
            break
    return found
