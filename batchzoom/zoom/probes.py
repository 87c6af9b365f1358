"""One probe create per host that an earlier run found at its daily limit.

Zoom documents the per-host limit (100 creates and updates a day) as resetting
at 00:00 UTC, but Zoom staff have also described a sliding 24-hour window
(docs/zoom-facts.md#daily-limit), and a client's clock may drift. So a run does not trust the
remembered "not before": for each such host it sends one create, even before
that time. If Zoom accepts it the host's other rows go on in this run; if Zoom
answers the daily 429 again, the host's rows wait, having cost one 429.

``HostProbes`` lets exactly one worker send that first create per host while
the host's other rows wait for its outcome.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager


class HostProbes:
    """Serialises the first create of each host that an earlier run found limited."""

    def __init__(self, hosts: Iterable[str] = ()) -> None:
        self._pending = {host.lower() for host in hosts}
        self._probing: set[str] = set()
        self._done = threading.Condition()

    @property
    def hosts(self) -> frozenset[str]:
        """Hosts whose probe has not finished yet."""
        with self._done:
            return frozenset(self._pending)

    @contextmanager
    def turn(self, host: str) -> Iterator[bool]:
        """Wait until this create may be sent; yields True for the host's probe itself.

        A host without a pending probe goes at once (False). The first caller for a
        pending host is its probe; later callers wait until the probe's ``with``
        block ends, then go on (and find the host parked if the probe was refused).
        """
        key = host.lower()
        with self._done:
            while key in self._probing:
                self._done.wait()
            probe = key in self._pending
            if probe:
                self._probing.add(key)
        try:
            yield probe
        finally:
            if probe:
                with self._done:
                    self._probing.discard(key)
                    self._pending.discard(key)
                    self._done.notify_all()
