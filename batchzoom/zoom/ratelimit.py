"""Client-side rate limiting, so that normally Zoom never has to answer 429.

Zoom limits requests per second per account and per rate-limit *category*
(each endpoint's "Rate Limit Label": LIGHT, MEDIUM, HEAVY...), with numbers that
depend on the account's plan. One ``Pacer`` per category spaces requests evenly
a little under the limit, shared by every worker of the run; when a 429 still
arrives (another app on the same account is using the quota) it slows down.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Plan = Literal["free", "pro", "business"]

# Requests per second by plan and category, from Zoom's rate-limits page.
PLAN_LIMITS: Mapping[Plan, Mapping[str, float]] = {
    "free": {"LIGHT": 4, "MEDIUM": 2, "HEAVY": 1},
    "pro": {"LIGHT": 30, "MEDIUM": 20, "HEAVY": 10},
    "business": {"LIGHT": 80, "MEDIUM": 60, "HEAVY": 40},
}

# Aim this far under the published limit so that network jitter cannot push a
# one-second window over it.
HEADROOM = 0.95
SLOWDOWN = 0.5  # halve the pace when a 429 still arrives...
SLOWDOWN_SPACING = 1.0  # ...at most once a second, since a burst of 429s reports one overload
# then win back this share of the current pace for every quiet second: slowly, so that
# a budget another app keeps spending is not overrun again at once.
RECOVERY = 0.1
MINIMUM_RATE = 0.5


class Pacer:
    """Hands out evenly spaced send times for one rate-limit category.

    Thread-safe: each ``acquire`` reserves the next free slot under a lock and
    sleeps outside it, so workers queue fairly without holding each other up.
    """

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._target = rate * HEADROOM
        self._rate = self._target
        self._next = 0.0
        self._slowed_at: float | None = None
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep
        self.slowdowns = 0

    @property
    def rate(self) -> float:
        """Current pace in requests per second."""
        return self._rate

    def acquire(self) -> None:
        """Block until this caller may send its request."""
        with self._lock:
            now = self._clock()
            self._recover(now)
            slot = max(now, self._next)
            self._next = slot + 1.0 / self._rate
        if slot > now:
            self._sleep(slot - now)

    def slow_down(self) -> None:
        """Zoom said 429 despite pacing: send less often for a while."""
        with self._lock:
            now = self._clock()
            if self._slowed_at is not None and now - self._slowed_at < SLOWDOWN_SPACING:
                return
            self._slowed_at = now
            self._rate = max(MINIMUM_RATE, self._rate * SLOWDOWN)
            self._next = max(self._next, now + 1.0 / self._rate)
            self.slowdowns += 1

    def _recover(self, now: float) -> None:
        """Creep back towards the limit once 429s have stopped (caller holds the lock)."""
        if self._slowed_at is None or self._rate >= self._target:
            return
        quiet = now - self._slowed_at
        if quiet >= SLOWDOWN_SPACING:
            self._rate = min(self._target, self._rate * (1 + RECOVERY) ** min(quiet, 60.0))
            self._slowed_at = now if self._rate < self._target else None


@dataclass
class RateLimits:
    """One pacer per rate-limit category, sized from a plan or a fixed rate."""

    limits: Mapping[str, float]
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _pacers: dict[str, Pacer] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @classmethod
    def for_plan(cls, plan: Plan = "pro", *, rate: float | None = None) -> RateLimits:
        """Zoom's published limits for ``plan``; ``rate`` replaces every category's limit."""
        limits = dict(PLAN_LIMITS[plan])
        if rate is not None:
            limits = dict.fromkeys(limits, rate)
        return cls(limits)

    def pacer(self, category: str) -> Pacer:
        with self._lock:
            if category not in self._pacers:
                rate = self.limits.get(category, min(self.limits.values()))
                self._pacers[category] = Pacer(rate, clock=self.clock, sleep=self.sleep)
            return self._pacers[category]

    def slowdowns(self) -> int:
        """How many times a 429 made any category slow down this run."""
        return sum(p.slowdowns for p in self._pacers.values())


def default_concurrency(rate: float, latency: float = 1.0) -> int:
    """Workers needed so that a request taking ``latency`` seconds does not cap throughput."""
    return max(4, min(32, math.ceil(rate * latency)))
