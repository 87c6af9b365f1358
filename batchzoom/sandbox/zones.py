"""Time zones for the sandbox, read from the ``tzdata`` package, never the machine's database.

The sandbox stands alone (it shares no code with the client), so it has this small
loader of its own; like the client it reads only the ``tzdata`` package, so the two
agree on every instant whatever database the machine has.
"""

from __future__ import annotations

import functools
from importlib import resources
from zoneinfo import ZoneInfo


@functools.cache
def _names() -> frozenset[str]:
    return frozenset(resources.files("tzdata").joinpath("zones").read_text("utf-8").split())


@functools.cache
def zone(name: str) -> ZoneInfo:
    """The zone ``name`` from ``tzdata``; ``KeyError`` when the database has no such zone."""
    if name not in _names():
        raise KeyError(name)
    with resources.files("tzdata.zoneinfo").joinpath(*name.split("/")).open("rb") as data:
        return ZoneInfo.from_file(data, key=name)
