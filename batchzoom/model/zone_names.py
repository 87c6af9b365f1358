"""Zone names, and what a zone cell that names no zone meant instead.

A roster's zone cell must hold an IANA name (``Asia/Seoul``). Abbreviations (``KST``),
offsets (``UTC+9``) and zoneinfo file names are refused by ``batchzoom.model.times.zone``
with the sentence ``not_a_zone`` writes: why the cell is not a zone, and the zone name to
write where one place fits.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from batchzoom.core import tzdb
from batchzoom.core.i18n import N_, _
from batchzoom.model.city_zones import zones_of_place
from batchzoom.model.problems import shorten


def format_offset(offset: timedelta) -> str:
    """A UTC offset as ``+09:00`` / ``-05:00``."""
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@functools.cache
def names_by_folded() -> dict[str, str]:
    """Every zone name of the database, by its case-folded form."""
    return {name.casefold(): name for name in tzdb.names()}


# Names that are files of a zoneinfo directory, or zones no roster means, not places.
_FILE_NAMES = {
    "localtime": N_("the machine's own zone"),
    "posixrules": N_("a default rule file"),
    "factory": N_("a placeholder, not a place"),
}
# Old fixed-offset names that read like abbreviations but have no daylight saving time.
FIXED_ABBREVIATIONS = frozenset({"EST", "MST", "HST"})
# Abbreviations people type, and the zones they name. One zone: suggested as the answer;
# several: listed as examples while the user is asked for the zone name.
_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "KST": ("Asia/Seoul",),
    "JST": ("Asia/Tokyo",),
    "HKT": ("Asia/Hong_Kong",),
    "SGT": ("Asia/Singapore",),
    "PHT": ("Asia/Manila",),
    "PHST": ("Asia/Manila",),
    "WIB": ("Asia/Jakarta", "Asia/Pontianak"),
    "NZST": ("Pacific/Auckland",),
    "NZDT": ("Pacific/Auckland",),
    "IST": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "CST": ("America/Chicago", "Asia/Shanghai", "Asia/Taipei", "America/Havana"),
    "CDT": ("America/Chicago", "America/Winnipeg", "America/Havana"),
    "EST": ("America/New_York", "America/Toronto", "America/Panama"),
    "EDT": ("America/New_York", "America/Toronto"),
    "MST": ("America/Denver", "America/Phoenix", "America/Edmonton"),
    "MDT": ("America/Denver", "America/Edmonton"),
    "PST": ("America/Los_Angeles", "America/Vancouver"),
    "PDT": ("America/Los_Angeles", "America/Vancouver"),
    "HST": ("Pacific/Honolulu",),
    "AEST": ("Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane"),
    "AEDT": ("Australia/Sydney", "Australia/Melbourne"),
    "BST": ("Europe/London",),
    "GMT": ("Europe/London", "UTC"),
    "CET": ("Europe/Berlin", "Europe/Paris", "Europe/Madrid"),
    "CEST": ("Europe/Berlin", "Europe/Paris", "Europe/Madrid"),
    "EET": ("Europe/Athens", "Europe/Helsinki", "Africa/Cairo"),
    "EEST": ("Europe/Athens", "Europe/Helsinki"),
    "WET": ("Europe/Lisbon", "Atlantic/Canary"),
    "MSK": ("Europe/Moscow",),
}
_TYPED_OFFSET = re.compile(
    r"(?:UTC|GMT)?\s*(?P<sign>[+\-−])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?", re.IGNORECASE
)
# Places checked for a typed offset: one per country's main zone, enough to say when an
# offset is used by one place only (+05:45 Asia/Kathmandu) and to give examples otherwise.
_REFERENCE_INSTANTS = (datetime(2027, 1, 15, 12, tzinfo=UTC), datetime(2027, 7, 15, 12, tzinfo=UTC))


@functools.cache
def _places() -> tuple[str, ...]:
    """The zones of ``zone1970.tab`` (the places the database describes), in its order."""
    from importlib import resources

    table = resources.files("tzdata.zoneinfo").joinpath("zone1970.tab").read_text("utf-8")
    return tuple(
        line.split("\t")[2] for line in table.splitlines() if line and not line.startswith("#")
    )


def _zones_at(offset: timedelta) -> list[str]:
    """The places whose clocks are at ``offset`` in January or July 2027 (known ones first)."""
    found = []
    for name in _places():
        where = tzdb.zone(name)
        if any(instant.astimezone(where).utcoffset() == offset for instant in _REFERENCE_INSTANTS):
            found.append(name)
    known = {name for names in _ABBREVIATIONS.values() for name in names}
    return sorted(found, key=lambda name: name not in known)


# What a zone cell that is no zone name is, by how many zones fit it: one (written as the
# answer), several (given as examples) or none. Each a whole sentence, for the translations.
_ONE, _SEVERAL, _NONE = 1, 2, 0
_REFUSALS = {
    ("copy", _ONE): N_(
        '"{text}" is a copy of a zone in a zoneinfo folder, not a zone name; write the zone '
        "name {zone} instead."
    ),
    ("copy", _NONE): N_(
        '"{text}" is a copy of a zone in a zoneinfo folder, not a zone name; write an IANA '
        "zone name such as Asia/Seoul or America/New_York."
    ),
    ("file", _NONE): N_(
        '"{text}" is a zoneinfo file ({what}), not a zone name; write an IANA zone name such '
        "as Asia/Seoul or America/New_York."
    ),
    ("abbreviation", _ONE): N_(
        '"{text}" is an abbreviation, not a time zone name; write the zone name {zone} instead.'
    ),
    ("abbreviation", _SEVERAL): N_(
        '"{text}" is an abbreviation, not a time zone name; write the IANA name of the '
        "place's zone (e.g. {zones}), which also knows when its clocks change."
    ),
    ("offset", _ONE): N_(
        '"{text}" is a UTC offset ({offset}), not a time zone; write the zone name {zone} instead.'
    ),
    ("offset", _SEVERAL): N_(
        '"{text}" is a UTC offset ({offset}), not a time zone; write the IANA name of the '
        "place's zone (e.g. {zones}), which also knows when its clocks change."
    ),
    ("offset", _NONE): N_(
        '"{text}" is a UTC offset ({offset}), not a time zone; write an IANA zone name such as '
        "Asia/Seoul or America/New_York."
    ),
}


def _choose(kind: str, candidates: Sequence[str], text: str, **words: str) -> str:
    fits = _ONE if len(candidates) == 1 else _SEVERAL if candidates else _NONE
    return _(_REFUSALS[kind, fits]).format(
        text=shorten(text),
        zone=candidates[0] if candidates else "",
        zones=", ".join(candidates[:3]),
        **words,
    )


def not_a_zone(text: str) -> str:
    """Why ``text`` is not a zone batchzoom accepts, and what to write instead."""
    folded = text.casefold()
    if folded.startswith(("posix/", "right/")):
        rest = text.split("/", 1)[1]
        real = names_by_folded().get(rest.casefold())
        return _choose("copy", [real] if real else [], text)
    if folded in _FILE_NAMES:
        return _choose("file", [], text, what=_(_FILE_NAMES[folded]))
    upper = text.upper()
    if upper in _ABBREVIATIONS:
        fits = _ABBREVIATIONS[upper]
        return _choose("abbreviation", fits, text)
    typed = _TYPED_OFFSET.fullmatch(text.replace(" ", ""))
    if typed:
        sign = -1 if typed.group("sign") == "-" else 1
        hours, minutes = int(typed.group("h")), int(typed.group("m") or 0)
        if hours <= 14 and minutes < 60:
            offset = sign * timedelta(hours=hours, minutes=minutes)
            return _choose("offset", _zones_at(offset), text, offset=format_offset(offset))
    places = zones_of_place(text)
    if len(places) == 1:
        return _(
            '"{text}" is a place, not a time zone name; write the zone name {zone} instead.'
        ).format(text=shorten(text), zone=places[0])
    if places:
        return _(
            '"{text}" is a place with several time zones; write the zone name of the one meant: '
            "{zones}."
        ).format(text=shorten(text), zones=", ".join(places))
    return _(
        '"{text}" is not an IANA time zone; use a name such as Asia/Seoul, America/New_York or UTC.'
    ).format(text=shorten(text))
