"""An instant as people read it, given its zone: the wall time there first, UTC after it
(``2027-03-03 14:00 KST (05:00 UTC)``). The rules are ``batchzoom.model.local_times``'s,
which finds the zone by name; this module needs no zone database, so the time rules in
``batchzoom.model.times`` use it too.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo

_NUMERIC = re.compile(r"^[+\-\u2212]?\d")  # "+09", "-03", "+0545": an offset, not a name


def zone_label(local: datetime) -> str:
    """What names the zone of an aware ``local`` time: its abbreviation at that instant
    (``KST``, ``EDT``), else the zone's name when the abbreviation is only an offset."""
    abbreviation = local.tzname() or ""
    if abbreviation and not _NUMERIC.match(abbreviation):
        return abbreviation
    return str(getattr(local.tzinfo, "key", None) or local.tzinfo or abbreviation)


def utc_only(instant: datetime) -> str:
    """``2026-12-08 00:00 UTC``."""
    return f"{instant.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def shown(instant: datetime, where: tzinfo | None) -> str:
    """``2027-03-03 14:00 KST (05:00 UTC)``: ``instant`` (aware) in ``where``, then in UTC;
    the UTC part with its date when that differs; UTC alone without a zone or in UTC."""
    utc = instant.astimezone(UTC)
    if where is None:
        return utc_only(utc)
    local = utc.astimezone(where)
    label = zone_label(local)
    if label == "UTC" and local.utcoffset() == timedelta(0):
        return utc_only(utc)
    shown_utc = f"{utc:%H:%M}" if utc.date() == local.date() else f"{utc:%Y-%m-%d %H:%M}"
    return f"{local:%Y-%m-%d %H:%M} {label} ({shown_utc} UTC)"
