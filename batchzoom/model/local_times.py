"""Instants as people read them: the wall time in the row's own zone first, UTC after it.

``local_then_utc`` is the one way messages, ``status``, the ``sync`` plan and the daily-limit
lines show an instant: ``2027-03-03 14:00 KST (05:00 UTC)``. The zone is named by the
abbreviation in force at that instant (``EST`` in winter, ``EDT`` in summer), or by its
name when the database has only a numeric offset for it (``+05`` in Tashkent:
``2027-03-03 10:00 Asia/Tashkent (05:00 UTC)``). When the UTC date is not the local date
the UTC part shows its date too (``2026-12-08 08:00 KST (2026-12-07 23:00 UTC)``). Without
a zone, in UTC itself, or for a zone batchzoom does not know, the instant is shown in UTC
alone (``2026-12-08 00:00 UTC``). Zones come from the ``tzdata`` package
(``batchzoom.core.tzdb``), never from the machine.

Pure functions, no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from batchzoom.model import times
from batchzoom.model.instants import shown
from batchzoom.model.problems import CellError


def known_zone(name: str | None) -> ZoneInfo | None:
    """The zone called ``name`` from the ``tzdata`` package, or None (no name, or unknown)."""
    if not name:
        return None
    try:
        return times.zone(name)
    except CellError:
        return None


def local_then_utc(instant: datetime, zone: str | None) -> str:
    """``2027-03-03 14:00 KST (05:00 UTC)``: ``instant`` (aware) in ``zone``, then in UTC.

    The UTC part carries its date when it differs from the local date
    (``2026-12-08 08:00 KST (2026-12-07 23:00 UTC)``); with no zone, an unknown one, or a
    zone that is UTC itself, the instant is shown in UTC alone (``2026-12-08 00:00 UTC``).
    """
    return shown(instant, known_zone(zone))


def zoom_time(text: str | None) -> datetime | None:
    """Zoom's UTC form (``2027-03-03T05:00:00Z``) as an aware instant, or None."""
    if not text:
        return None
    try:
        return times.parse_utc(text)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
        return moment if moment.tzinfo is not None else None


def shown_zoom_time(text: str | None, zone: str | None) -> str:
    """A start as Zoom gives it (UTC text) shown with ``local_then_utc``; text that is
    not such a time is shown as it is."""
    instant = zoom_time(text)
    if instant is None:
        return text or ""
    return local_then_utc(instant, zone)


def wall_time(text: str | None, zone: str | None) -> datetime | None:
    """The naive wall-clock time in ``zone`` of a Zoom UTC start, or None (no start, or
    no known zone)."""
    instant = zoom_time(text)
    where = known_zone(zone)
    if instant is None or where is None:
        return None
    return instant.astimezone(where).replace(tzinfo=None)


def most_used_zone(zones: Iterable[str | None]) -> str | None:
    """The zone most of a host's rows use (``zones`` in row order: the first on a tie), the
    zone its times are shown in; None when no row has one."""
    counted = Counter(zone for zone in zones if zone)
    return counted.most_common(1)[0][0] if counted else None
