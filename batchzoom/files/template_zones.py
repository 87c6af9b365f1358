"""The time zones the template's drop-down offers: the default, the common ones, then all."""

from __future__ import annotations

import functools
from importlib import resources

from batchzoom.core import tzdb
from batchzoom.model import times

# The zones a school's sessions are most often held in, offered right after the default
# zone: Korea and its neighbours first, then the zones of the schools' partners abroad.
COMMON_ZONES = (
    "Asia/Seoul",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Singapore",
    "UTC",
    "America/New_York",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Paris",
    "Australia/Sydney",
)


@functools.cache
def place_zones() -> tuple[str, ...]:
    """UTC and every zone of the database's ``zone.tab`` (each country's zones under their
    current names, without the deprecated aliases such as ``Asia/Calcutta`` or ``US/Eastern``),
    sorted."""
    table = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text("utf-8")
    listed = {
        line.split("\t")[2] for line in table.splitlines() if line and not line.startswith("#")
    }
    return ("UTC", *sorted(listed & tzdb.names()))


def time_zones(default: str | None = None) -> list[str]:
    """The IANA zones offered in the drop-down: ``default`` first (the zone rows without one
    are read in), then ``COMMON_ZONES``, then every place's zone (``place_zones``), each once."""
    first = [times.zone(default).key] if default else []
    return list(dict.fromkeys([*first, *COMMON_ZONES, *place_zones()]))
