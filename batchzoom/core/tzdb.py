"""The one time-zone database batchzoom uses: the IANA data of the ``tzdata`` package.

Python's ``zoneinfo.ZoneInfo(name)`` reads the machine's own database (``TZPATH``,
usually /usr/share/zoneinfo) before the ``tzdata`` package, so the same roster would
give different instants on machines with different system databases (rules change
several times a year: Havana, Casablanca, Chisinau...). Every zone batchzoom reads
comes from here instead, whatever the machine, and ``VERSION`` names the data
(``batchzoom --version`` shows it).
"""

from __future__ import annotations

import functools
from importlib import resources
from zoneinfo import ZoneInfo

import tzdata

VERSION: str = tzdata.IANA_VERSION  # e.g. "2026f"

# In the tzdata package's list, but not a place: "Factory" shows the abbreviation "-00".
_NOT_PLACES = frozenset({"Factory"})


@functools.cache
def names() -> frozenset[str]:
    """Every zone name the database holds (links such as ``US/Eastern`` included)."""
    listed = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return frozenset(listed.split()) - _NOT_PLACES


class _Zone(ZoneInfo):
    """A zone read from ``tzdata`` that is copied and pickled as a name read from here again.

    (A plain ``ZoneInfo.from_file`` zone would come back from the system database.)
    """

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return zone, (self.key,)


@functools.cache
def zone(name: str) -> ZoneInfo:
    """The zone ``name`` (exactly as the database spells it) read from ``tzdata``.

    Raises ``KeyError`` for a name the database does not hold. Cached: one object per
    name, so datetimes of one zone share their ``tzinfo``.
    """
    if name not in names():
        raise KeyError(name)
    resource = resources.files("tzdata.zoneinfo").joinpath(*name.split("/"))
    with resource.open("rb") as data:
        return _Zone.from_file(data, key=name)
