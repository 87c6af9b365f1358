"""Zoom's rate limits: per-account limits by category, and the per-host daily limit.

Numbers are Zoom's published table (docs/zoom-facts.md#rate-limits): Light/Medium/Heavy are
per-second, Resource-intensive per minute; Free has daily caps on every
category, Pro and Business share one daily pool between Heavy and
Resource-intensive. Per-second limits are counted in a sliding window on the
sandbox clock: with a limit of N per second, the (N+1)th admitted request in
any window of one second is refused. A refused request is not counted, so it
changes nothing (docs/zoom-facts.md#rate-limits).
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from batchzoom import zoomspec
from batchzoom.sandbox.clock import SandboxClock

CATEGORIES = ("LIGHT", "MEDIUM", "HEAVY", "RESOURCE-INTENSIVE")
HEADER_NAMES = zoomspec.CATEGORY_NAMES

QPS_MESSAGE = "You have reached the maximum per-second rate limit for this API. Try again later."
DAILY_MESSAGE = (
    "You have reached the maximum daily rate limit for this API. Refer to the response header"
    " for details on when you can make another request."
)
USER_DAILY_MESSAGE = (
    "You have exceeded the daily rate limit ({limit}) of Meeting Create/Update API requests"
    " permitted for this particular user. You may resume these requests at GMT 00:00:00."
)


@dataclass(frozen=True)
class Rate:
    """At most ``count`` requests in any ``window`` seconds."""

    count: int
    window: float


# The per-second (Resource-intensive: per-minute) rate of each category by plan; the daily
# pools are zoomspec's: docs/zoom-facts.md#rate-limits.
_PLANS: dict[str, dict[str, Rate]] = {
    "free": {
        "LIGHT": Rate(4, 1.0),
        "MEDIUM": Rate(2, 1.0),
        "HEAVY": Rate(1, 1.0),
        "RESOURCE-INTENSIVE": Rate(10, 60.0),
    },
    "pro": {
        "LIGHT": Rate(30, 1.0),
        "MEDIUM": Rate(20, 1.0),
        "HEAVY": Rate(10, 1.0),
        "RESOURCE-INTENSIVE": Rate(10, 60.0),
    },
    "business": {
        "LIGHT": Rate(80, 1.0),
        "MEDIUM": Rate(60, 1.0),
        "HEAVY": Rate(40, 1.0),
        "RESOURCE-INTENSIVE": Rate(20, 60.0),
    },
}
PLANS = tuple(_PLANS)
# The daily figure a per-user 429 reports for a category without a daily cap of its own:
# the one observed (Light 6000, devforum 18928, plan unknown), which is the Free plan's.
REPORTED_DAILY = {category: cap for category, (_, cap) in zoomspec.DAILY_POOLS["free"].items()}


def rate_for(qps: float) -> Rate:
    """A per-second figure as a window: 2.5/s is 2 per second, 0.5/s is 1 per 2 seconds."""
    if qps <= 0:
        raise ValueError("a rate limit must be positive")
    if qps >= 1:
        return Rate(math.floor(qps), 1.0)
    return Rate(1, 1.0 / qps)


@dataclass(frozen=True)
class Rejection:
    """Why a request was refused with 429, and the headers/body Zoom sends for it."""

    kind: str  # "QPS", "Daily-limit" or "User-daily-limit"
    category: str
    limit: int
    retry_after: datetime | None = None
    account_budget: tuple[int, int] = (0, 0)  # the category's daily (limit, remaining)

    def headers(self, *, user_type_header: bool = False) -> dict[str, str]:
        """Zoom's 429 headers (docs/zoom-facts.md#rate-limit-headers)."""
        headers = {
            "X-RateLimit-Category": HEADER_NAMES[self.category],
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": "0",
        }
        if self.kind == "QPS":
            headers["X-RateLimit-Type"] = "QPS"
            return headers
        if self.kind == "User-daily-limit" and not user_type_header:
            # Observed (devforum thread 18928, 2020, not resolved by Zoom since): the
            # per-user 429 carries no X-RateLimit-Type and no Retry-After, and its
            # limit/remaining are the account's daily budget of the category
            # ("x-ratelimit-category: Light", "x-ratelimit-limit: 6000",
            # "x-ratelimit-remaining: 5893"), not the host's 100.
            limit, remaining = self.account_budget
            headers["X-RateLimit-Limit"] = str(limit)
            headers["X-RateLimit-Remaining"] = str(remaining)
            return headers
        headers["X-RateLimit-Type"] = "Daily-limit"
        if self.retry_after is not None:
            headers["Retry-After"] = self.retry_after.strftime("%Y-%m-%dT%H:%M:%SZ")
        return headers

    def body(self) -> dict[str, object]:
        """Zoom's 429 body for this kind of limit."""
        if self.kind == "QPS":
            return {"code": 429, "message": QPS_MESSAGE}
        if self.kind == "Daily-limit":
            return {"code": 429, "message": DAILY_MESSAGE}
        return {"code": 429, "message": USER_DAILY_MESSAGE.format(limit=self.limit)}


class RateLimiter:
    """Counts admitted requests and refuses those over a limit, atomically."""

    def __init__(
        self,
        clock: SandboxClock,
        plan: str = "pro",
        *,
        qps: float | None = None,
        qps_by_category: dict[str, float] | None = None,
        daily_by_category: dict[str, int] | None = None,
        daily_per_host: int = 100,
    ) -> None:
        if plan not in _PLANS:
            raise ValueError(f"unknown plan {plan!r}; choose one of {', '.join(PLANS)}")
        self._clock = clock
        self._lock = threading.Lock()
        self._rates: dict[str, Rate] = {}
        self._pools: dict[str, tuple[str, int] | None] = {}
        for category, rate in _PLANS[plan].items():
            self._rates[category] = rate if qps is None else rate_for(qps)
            self._pools[category] = zoomspec.DAILY_POOLS[plan].get(category)
        for category, value in (qps_by_category or {}).items():
            self._rates[_category(category)] = rate_for(value)
        for category, cap in (daily_by_category or {}).items():
            key = _category(category)
            self._pools[key] = (key, cap) if cap > 0 else None
        self.daily_per_host = daily_per_host
        self._windows: dict[str, deque[float]] = {c: deque() for c in CATEGORIES}
        self._daily: dict[tuple[str, date], int] = {}
        self._per_host: dict[tuple[str, date], int] = {}
        self._by_category: dict[tuple[str, date], int] = {}
        self.shared_qps = 0.0  # spent every second by another app on the account

    def rate(self, category: str) -> Rate:
        """The per-window limit of a category."""
        return self._rates[category]

    def admit(self, category: str, host_id: str | None = None) -> Rejection | None:
        """Count one request, or refuse it (counting nothing) when a limit is reached.

        ``host_id`` is given for meeting create/update: Zoom limits those to
        ``daily_per_host`` per host per UTC day.
        """
        with self._lock:
            now = self._clock.timestamp()
            today = datetime.fromtimestamp(now, UTC).date()
            midnight = datetime(today.year, today.month, today.day, tzinfo=UTC) + timedelta(days=1)
            rate = self._rates[category]
            window = self._windows[category]
            while window and window[0] <= now - rate.window:
                window.popleft()
            # A clock moved backwards leaves future entries; they still count (stricter).
            # Another app on the account spends ``shared_qps`` of every second's budget.
            spent_elsewhere = math.ceil(self.shared_qps * rate.window)
            if len(window) + spent_elsewhere >= rate.count:
                return Rejection("QPS", category, rate.count)
            pool = self._pools[category]
            if pool is not None and self._daily.get((pool[0], today), 0) >= pool[1]:
                return Rejection("Daily-limit", category, pool[1], midnight)
            if (
                host_id is not None
                and self.daily_per_host > 0
                and self._per_host.get((host_id, today), 0) >= self.daily_per_host
            ):
                budget = pool[1] if pool is not None else REPORTED_DAILY[category]
                used = self._by_category.get((category, today), 0)
                return Rejection(
                    "User-daily-limit",
                    category,
                    self.daily_per_host,
                    midnight,
                    account_budget=(budget, max(0, budget - used)),
                )
            window.append(now)
            self._by_category[(category, today)] = self._by_category.get((category, today), 0) + 1
            if pool is not None:
                self._daily[(pool[0], today)] = self._daily.get((pool[0], today), 0) + 1
            if host_id is not None:
                self._per_host[(host_id, today)] = self._per_host.get((host_id, today), 0) + 1
            return None

    def host_remaining(self, host_id: str) -> int:
        """Create/update requests the host has left today."""
        with self._lock:
            today = datetime.fromtimestamp(self._clock.timestamp(), UTC).date()
            return max(0, self.daily_per_host - self._per_host.get((host_id, today), 0))

    def qps_rejection(self, category: str) -> Rejection:
        """The QPS 429 this category would give (for injected faults)."""
        return Rejection("QPS", category, self._rates[category].count)

    def snapshot(self) -> dict[str, dict[str, int]]:
        """Today's per-host create/update counts (for persistence)."""
        with self._lock:
            return {
                "per_host": {f"{h}|{d.isoformat()}": n for (h, d), n in self._per_host.items()},
                "daily": {f"{p}|{d.isoformat()}": n for (p, d), n in self._daily.items()},
            }

    def restore(self, data: dict[str, dict[str, int]]) -> None:
        """Load counts written by snapshot()."""
        with self._lock:
            for key, n in data.get("per_host", {}).items():
                host, day = key.rsplit("|", 1)
                self._per_host[(host, date.fromisoformat(day))] = n
            for key, n in data.get("daily", {}).items():
                pool, day = key.rsplit("|", 1)
                self._daily[(pool, date.fromisoformat(day))] = n


def _category(name: str) -> str:
    key = name.strip().upper().replace("_", "-")
    if key not in CATEGORIES:
        raise ValueError(f"unknown rate-limit category {name!r}")
    return key
