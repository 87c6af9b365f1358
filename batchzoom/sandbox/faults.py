"""Switchable faults: latency and its jitter, random 5xx, dropped connections, one-shot faults.

Random faults draw from one seeded generator, so a seed gives a repeatable
run. One-shot faults (``fail_next``, ``drop_next``, ``qps_429_next``) fire on
the next matching requests regardless of chance, so tests need no luck.
Operation names are Zoom's operationIds (``meetingCreate``, ``meeting``,
``meetingUpdate``, ``meetingDelete``, ``meetings``, ``user``), ``token`` for
the OAuth endpoint, or ``*`` for any.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

FAULT_STATUSES = (500, 502, 503)


@dataclass
class _OneShot:
    operation: str
    count: int
    status: int = 0


class Faults:
    """Faults applied to the Zoom paths; all attributes may be changed while running.

    ``latency``: seconds added before each request is counted and served. ``jitter``: up to
    this many seconds more, drawn for each request (uniformly, from the seeded generator), as
    a network's varying delay moves requests sent evenly closer together or further apart by
    the time Zoom counts them. ``fault_rate``: chance
    that a request fails with 500, 502 or 503 before it has any effect.
    ``drop_rate``: chance that a meeting create is committed and the
    connection is then closed without a response.
    """

    def __init__(
        self,
        *,
        latency: float = 0.0,
        jitter: float = 0.0,
        fault_rate: float = 0.0,
        drop_rate: float = 0.0,
        seed: int | None = None,
    ) -> None:
        self.latency = latency
        self.jitter = jitter
        self.fault_rate = fault_rate
        self.drop_rate = drop_rate
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self._fail: list[_OneShot] = []
        self._drop: list[_OneShot] = []
        self._qps: list[_OneShot] = []

    def reseed(self, seed: int | None) -> None:
        """Restart the random faults from ``seed``."""
        with self._lock:
            self._random = random.Random(seed)

    def fail_next(self, operation: str = "*", status: int = 503, count: int = 1) -> None:
        """Make the next ``count`` matching requests fail with ``status`` (no effect on state)."""
        if status < 400:
            raise ValueError("a failure needs an error status")
        with self._lock:
            self._fail.append(_OneShot(operation, count, status))

    def drop_next(self, operation: str = "meetingCreate", count: int = 1) -> None:
        """Make the next ``count`` matching successful requests take effect, then close
        the connection without a response."""
        with self._lock:
            self._drop.append(_OneShot(operation, count))

    def qps_429_next(self, operation: str = "*", count: int = 1) -> None:
        """Refuse the next ``count`` matching requests with a per-second 429."""
        with self._lock:
            self._qps.append(_OneShot(operation, count))

    def clear(self) -> None:
        """Switch every fault off."""
        with self._lock:
            self.latency = 0.0
            self.jitter = 0.0
            self.fault_rate = 0.0
            self.drop_rate = 0.0
            self._fail.clear()
            self._drop.clear()
            self._qps.clear()

    def delay(self) -> float:
        """Seconds this request waits before it is counted: the latency and its jitter."""
        if self.jitter <= 0:
            return self.latency
        with self._lock:
            return self.latency + self._random.uniform(0.0, self.jitter)

    def take_failure(self, operation: str) -> int | None:
        """The error status this request must fail with, if any."""
        with self._lock:
            shot = _take(self._fail, operation)
            if shot is not None:
                return shot.status
            if self.fault_rate > 0 and self._random.random() < self.fault_rate:
                return self._random.choice(FAULT_STATUSES)
            return None

    def take_drop(self, operation: str) -> bool:
        """Whether this request's connection is closed after it takes effect."""
        with self._lock:
            if _take(self._drop, operation) is not None:
                return True
            return (
                operation == "meetingCreate"
                and self.drop_rate > 0
                and self._random.random() < self.drop_rate
            )

    def take_qps_429(self, operation: str) -> bool:
        """Whether this request is refused with an injected per-second 429."""
        with self._lock:
            return _take(self._qps, operation) is not None

    def state(self) -> dict[str, object]:
        """The current settings and pending one-shots (for the admin path)."""
        with self._lock:
            return {
                "latency": self.latency,
                "jitter": self.jitter,
                "fault_rate": self.fault_rate,
                "drop_rate": self.drop_rate,
                "fail_next": [vars(s).copy() for s in self._fail],
                "drop_next": [vars(s).copy() for s in self._drop],
                "qps_429_next": [vars(s).copy() for s in self._qps],
            }


def _take(shots: list[_OneShot], operation: str) -> _OneShot | None:
    for shot in shots:
        if shot.operation in ("*", operation):
            shot.count -= 1
            if shot.count <= 0:
                shots.remove(shot)
            return shot
    return None
