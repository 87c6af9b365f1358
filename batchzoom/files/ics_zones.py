"""VTIMEZONE blocks built from yearly rules, as Google Calendar and libical's vzic write them.

A calendar file names each event's zone (``DTSTART;TZID=America/New_York:...``) and
must define that zone in a VTIMEZONE. Outlook is reported to ignore definitions made
of lists of dates (``RDATE``) and then to shift a series' events by an hour after a
daylight-saving change (iCalcreator issues 86 and 106), so each definition here is
made of yearly rules (``RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU``) wherever the zone's
changes follow one, and of single onsets only where they do not (Iran, Morocco).

The changes are read from the zone itself (batchzoom's tzdata zones) over a window
that holds every occurrence of every event; the last rules are left open, as the
zone's own rule for the years after its table goes on. Each onset is written as the
local time it happens at in ``TZOFFSETFROM`` terms (RFC 5545, 3.6.5): New York's
spring change at 02:00, London's at 01:00.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # by Python's weekday()
_STEP = timedelta(hours=12)  # no zone changes its clocks twice within this


@dataclass(frozen=True)
class _State:
    offset: timedelta
    dst: bool
    name: str


@dataclass(frozen=True)
class Change:
    """One change of a zone's clocks: when (UTC), and from which state to which."""

    at: datetime
    before: _State
    after: _State

    @property
    def onset(self) -> datetime:
        """The local time it happens at, in terms of the offset before it (naive)."""
        return (self.at + self.before.offset).replace(tzinfo=None)

    @property
    def week(self) -> int:
        """Which of its month's weekdays the onset falls on: 1-4, or -1 for the last."""
        onset = self.onset
        last_day = calendar.monthrange(onset.year, onset.month)[1]
        return -1 if onset.day > last_day - 7 else (onset.day - 1) // 7 + 1

    def rule_key(self) -> tuple[object, ...]:
        """What a yearly rule of this change says, apart from the year."""
        onset = self.onset
        return (self.before, self.after, onset.month, onset.weekday(), self.week, onset.time())


def _state(where: ZoneInfo, instant: datetime) -> _State:
    local = instant.astimezone(where)
    return _State(local.utcoffset() or timedelta(0), bool(local.dst()), local.tzname() or where.key)


def changes(where: ZoneInfo, start: datetime, end: datetime) -> list[Change]:
    """Every change of ``where``'s clocks between ``start`` and ``end`` (aware), in order."""
    found: list[Change] = []
    moment = start
    state = _state(where, moment)
    while moment < end:
        following = moment + _STEP
        after = _state(where, following)
        if after != state:
            low, high = moment, following  # the change is in (low, high]
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _state(where, middle) == state:
                    low = middle
                else:
                    high = middle
            found.append(Change(high.replace(microsecond=0), state, after))
            state = after
        moment = following
    return found


def _runs(found: list[Change]) -> Iterator[list[Change]]:
    """The changes grouped into runs that one yearly rule describes (consecutive years)."""
    open_runs: dict[tuple[object, ...], list[Change]] = {}
    for change in found:
        key = change.rule_key()
        run = open_runs.get(key)
        if run is not None and run[-1].onset.year + 1 == change.onset.year:
            run.append(change)
            continue
        if run is not None:
            yield run
        open_runs[key] = [change]
    yield from open_runs.values()


def vtimezone(where: ZoneInfo, first: date, last: date) -> Timezone:
    """The VTIMEZONE of ``where``, right for every instant from ``first`` to ``last``."""
    start = datetime(first.year - 1, 1, 1, tzinfo=UTC)
    end = datetime(last.year + 2, 1, 1, tzinfo=UTC)
    found = changes(where, start, end)
    component = Timezone()
    component.add("tzid", where.key)
    initial = _state(where, start)
    component.add_component(
        _observance(initial, initial, start.astimezone(where).replace(tzinfo=None))
    )
    final_year = max((change.onset.year for change in found), default=start.year)
    for run in sorted(_runs(found), key=lambda run: run[0].at):
        head = run[0]
        observance = _observance(head.before, head.after, head.onset)
        if len(run) > 1:
            rule: dict[str, object] = {
                "freq": "YEARLY",
                "bymonth": head.onset.month,
                "byday": f"{head.week}{_BYDAY[head.onset.weekday()]}",
            }
            if run[-1].onset.year < final_year:  # the zone's rule changes after this run
                rule["until"] = run[-1].at
            observance.add("rrule", rule)
        component.add_component(observance)
    return component


def _observance(
    before: _State, after: _State, onset: datetime
) -> TimezoneStandard | TimezoneDaylight:
    observance = TimezoneDaylight() if after.dst else TimezoneStandard()
    observance.add("dtstart", onset)
    observance.add("tzoffsetfrom", before.offset)
    observance.add("tzoffsetto", after.offset)
    observance.add("tzname", after.name)
    return observance
