"""Per-endpoint counters, so tests can check that the store and the traffic agree."""

from __future__ import annotations

import copy
import threading
from typing import Any


class Counters:
    """Thread-safe counts per endpoint.

    ``snapshot()`` returns ``{endpoint: entry}`` where endpoint is a Zoom
    operationId (``meetingCreate``, ``meeting``, ``meetingUpdate``,
    ``meetingDelete``, ``meetings``, ``user``), ``token`` or ``unknown``, and
    each entry holds:

    - ``requests``: requests received;
    - ``responses``: ``{"<status>": n}`` for responses sent (dropped ones excluded);
    - ``rate_limited``: ``{"QPS" | "Daily-limit" | "User-daily-limit": n}`` 429s by kind;
    - ``faults``: ``{"500" | "502" | "503" | "drop" | "qps_429": n}`` injected faults;
    - ``committed``: requests that changed state (a create or update stored, a
      delete done), including those whose connection was then dropped;
    - ``tokens_issued`` (``token`` only).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: dict[str, dict[str, Any]] = {}

    def _entry(self, endpoint: str) -> dict[str, Any]:
        entry = self._data.get(endpoint)
        if entry is None:
            entry = {
                "requests": 0,
                "responses": {},
                "rate_limited": {},
                "faults": {},
                "committed": 0,
            }
            if endpoint == "token":
                entry["tokens_issued"] = 0
            self._data[endpoint] = entry
        return entry

    def add(self, endpoint: str, key: str, sub: str | None = None) -> None:
        """Add one to ``key`` (or to ``key[sub]``) of ``endpoint``."""
        with self._lock:
            entry = self._entry(endpoint)
            if sub is None:
                entry[key] += 1
            else:
                entry[key][sub] = entry[key].get(sub, 0) + 1

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """A deep copy of all counters."""
        with self._lock:
            return copy.deepcopy(self._data)
