"""Client-side rate limiting, so that normally Zoom never has to answer 429.

Zoom limits requests per second per account and per rate-limit *category*
(each endpoint's "Rate Limit Label": LIGHT, MEDIUM, HEAVY...), with numbers that
depend on the account's plan. One ``Pacer`` per category spaces requests evenly
a little under the limit, shared by every worker of the run. A lone 429 says the
network's delays vary more than that margin allows: the margin widens a step for the rest
of the run. 429s one after another say another app on the same account is spending the
budget: the pace is cut, and while they keep coming it keeps slowing, so the run settles at
what the account has left (benchmarks/bench_hostile.py measures it).

A request the rest of a run waits for (one listing per host before anything is created
or updated, a host's lookup) may go ahead of its turn when its pacer has been idle for a
second (``acquire(early=True)``): it still takes the slot the even spacing gives it, so
the one-second windows hold no more than before, but the few such requests are answered
together instead of one by one while the creates and updates keep their even pace.
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

# Aim this far under the published limit so that network jitter cannot push a one-second
# window over it. Read strictly (docs/zoom-facts.md#burst), Zoom counts a request in any
# one-second window when it arrives: requests sent 1 / (limit * HEADROOM) apart put one more
# than the limit into a window only when a request's delay on the way is 1 / HEADROOM - 1
# seconds (20 ms here) shorter than that of the request sent a limit's worth before it. So
# delays that vary by up to 20 ms never cost a 429; on a network whose delays vary more, a
# lone 429 widens the margin by EASE (4% allows 42 ms, 6% 64 ms), down to LOWEST_HEADROOM,
# for the rest of the run (``bench_schedule.py --jitter`` measures it).
HEADROOM = 0.98
EASE = 0.02
LOWEST_HEADROOM = 0.9
# A 429 this long (seconds) after the one before is a lone one: the margin was too thin for
# the network, and EASE answers it. 429s closer together mean another app is spending the
# account's budget, and the pace is cut:
LONE = 2.0
SLOWDOWN = 0.6  # cut the pace to this share when a 429 still arrives...
# ...at most this often (seconds), and only for requests sent at the current pace: a burst
# of 429s for requests sent before the last slowdown is one overload, already answered.
SLOWDOWN_SPACING = 0.25
# Then win back this share of the current pace for every second without a 429: gradually,
# so that a budget another app keeps spending is not overrun again at once.
RECOVERY = 0.25
MINIMUM_RATE = 0.5
WINDOW = 1.0  # seconds: Zoom counts requests per second


class Pacer:
    """Hands out evenly spaced send times for one rate-limit category.

    Thread-safe: ``acquire`` takes the next free moment under a lock and sleeps
    outside it, so workers do not hold each other up.

    A pacer idle for a second (no request's slot in it) starts a burst: until its slots
    reach a second past the burst's start, an ``early`` request takes the next slot as usual
    but goes at once instead of waiting for it. Every request still has a slot of its own,
    no earlier than when it goes, spaced ``1 / rate`` apart, so no one-second window holds
    more than the even pace puts in it. A 429 ends the burst.
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
        self._limit = rate
        self._headroom = HEADROOM
        self._target = rate * HEADROOM
        self._rate = self._target
        self._next = 0.0
        self._slowed_at: float | None = None  # the last slowdown
        self._refused_at: float | None = None  # the last 429
        self._recovered_at: float | None = None  # the last recovery step
        self._burst_from: float | None = None  # the start of the current burst
        self._slot: float | None = None  # the last request's slot (never before it went)
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep
        self.slowdowns = 0
        self.eased = 0  # lone 429s that widened the margin

    @property
    def rate(self) -> float:
        """Current pace in requests per second."""
        return self._rate

    def acquire(self, *, early: bool = False) -> float:
        """Block until this caller may send its request; returns the time it may send.

        ``early``: others wait for this request, so it goes at once during a burst.

        Nothing is reserved ahead: a waiting caller checks again when its turn may have
        come, so a change of pace (a slowdown, a recovery) applies to every waiting
        request at once rather than after a queue booked at the old pace.
        """
        while True:
            with self._lock:
                now = self._clock()
                self._recover(now)
                wait = self._next - now
                ahead = self._bursting(now) and early
                if wait <= 1e-9 or ahead:
                    self._slot = max(now, self._next)
                    self._next = self._slot + 1.0 / self._rate
                    return now
            self._sleep(wait)

    def _bursting(self, now: float) -> bool:
        """Whether an early request may go now, ahead of its slot (caller holds the lock)."""
        if self._slot is None or now - self._slot >= WINDOW:  # a second without a request
            self._burst_from = now
        return self._burst_from is not None and self._next < self._burst_from + WINDOW

    def slow_down(self, sent_at: float | None = None) -> None:
        """Zoom said 429 despite pacing: send less often.

        A lone 429 (none for ``LONE`` seconds before it) widens the margin under the limit
        for the rest of the run; one soon after another cuts the pace for a while (another
        app is spending the budget). ``sent_at`` is the slot (from ``acquire``) of the
        refused request: a request sent before the last slowdown went at the old pace and
        says nothing new.
        """
        with self._lock:
            now = self._clock()
            before, self._refused_at = self._refused_at, now
            if self._slowed_at is not None and (
                now - self._slowed_at < SLOWDOWN_SPACING
                or (sent_at is not None and sent_at < self._slowed_at)
            ):
                return
            self._slowed_at = now
            self._burst_from = None
            if before is None or now - before >= LONE:  # a lone 429: widen the margin
                self._headroom = max(LOWEST_HEADROOM, self._headroom - EASE)
                self._target = self._limit * self._headroom
                self._rate = min(self._rate, self._target)
                self.eased += 1
            else:
                self._rate = max(MINIMUM_RATE, self._rate * SLOWDOWN)
                self.slowdowns += 1
            self._next = max(self._next, now + 1.0 / self._rate)

    def _recover(self, now: float) -> None:
        """Creep back towards the limit once 429s have stopped (caller holds the lock).

        Only the quiet time since the last 429 counts, so a budget another app keeps
        spending holds the pace down for as long as it lasts.
        """
        if self._refused_at is None or self._rate >= self._target:
            return
        if now - self._refused_at < SLOWDOWN_SPACING:
            return
        since = max(self._refused_at, self._recovered_at or self._refused_at)
        quiet = now - since
        self._rate = min(self._target, self._rate * (1 + RECOVERY) ** min(quiet, 60.0))
        self._recovered_at = now


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
