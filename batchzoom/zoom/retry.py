"""The written retry policy for Zoom requests.

What is retried (and nothing else):

- 429 with a per-second ("QPS") limit: always; the request was refused, so
  sending it again cannot duplicate anything.
- 500, 502, 503, 504: for idempotent requests (GET, PATCH, DELETE). A create
  that gets one of these may have happened on Zoom's side; it is settled by the
  caller (see ``ZoomClient.create_meeting``), never blindly re-sent.
- Connection failures before the request was sent (connect error or timeout,
  no free connection): always.
- Read timeouts and connections dropped after sending: idempotent requests only.

Not retried: every other 4xx (the request is wrong, or the daily limit is
reached: those need a person or tomorrow, not a loop).

Attempts are capped by count *and* by total time. A per-second 429 has a
larger count of its own (``max_rate_limited``): another app on the account may
spend the same budget for a while, and the pacer slows down until the 429s stop,
so the request is sent again at the lower pace rather than given up. The wait
between attempts grows exponentially with jitter; a ``Retry-After`` header
(seconds, an HTTP date or an ISO 8601 timestamp) or ``X-RateLimit-Reset``
replaces it, and when that wait would overrun the time budget the request is
not retried at all. A value that is none of these is ignored. A per-second 429
without either header waits only a moment: the slowed pacer spaces the retries.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
import tenacity

RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})


class TokenUnavailableError(Exception):
    """The token endpoint failed (5xx), so the API request itself was never sent."""


# Failures where the request certainly never reached Zoom (a proxy that refuses the
# CONNECT, e.g. HTTPS_PROXY answering 403, never passed it on).
NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    TokenUnavailableError,
)
# Failures after the request may have reached Zoom.
MAYBE_SENT = (
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.RemoteProtocolError,
    httpx.ReadError,
    httpx.WriteError,
)


class RetryableResponseError(Exception):
    """A response that the policy says to try again (a QPS 429 or a 5xx)."""

    def __init__(self, response: httpx.Response, retry_after: float | None) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response
        self.retry_after = retry_after


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try one request. ``instant=True`` never sleeps (for tests)."""

    max_attempts: int = 6
    max_rate_limited: int = 40
    max_total: float = 300.0
    initial_wait: float = 0.5
    max_wait: float = 30.0
    jitter: float = 1.0
    instant: bool = False

    @classmethod
    def for_tests(cls) -> RetryPolicy:
        return cls(instant=True)

    def retrying(self, *, idempotent: bool) -> tenacity.Retrying:
        """A tenacity ``Retrying`` that applies this policy to one request."""
        backoff = tenacity.wait_exponential(
            multiplier=self.initial_wait, max=self.max_wait
        ) + tenacity.wait_random(0, self.jitter)

        def should_retry(state: tenacity.RetryCallState) -> bool:
            if state.outcome is None or not state.outcome.failed:
                return False
            error = state.outcome.exception()
            if not is_retryable(error, idempotent=idempotent):
                return False
            delay = retry_after_of(error)
            elapsed = state.seconds_since_start or 0.0
            return delay is None or elapsed + delay <= self.max_total

        def wait(state: tenacity.RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            delay = retry_after_of(error)
            if delay is not None:
                return delay
            if isinstance(error, RetryableResponseError) and error.response.status_code == 429:
                # The pacer, slowed by the 429, spaces the retry; a long backoff would only
                # leave the budget idle (and let the pacer creep back up meanwhile).
                return random.uniform(0, self.jitter)
            return float(backoff(state))

        def stop(state: tenacity.RetryCallState) -> bool:
            error = state.outcome.exception() if state.outcome else None
            rate_limited = (
                isinstance(error, RetryableResponseError) and error.response.status_code == 429
            )
            cap = self.max_rate_limited if rate_limited else self.max_attempts
            elapsed = state.seconds_since_start or 0.0
            return state.attempt_number >= cap or elapsed >= self.max_total

        sleep: Callable[[float], None] = (lambda _seconds: None) if self.instant else time.sleep
        return tenacity.Retrying(
            stop=stop,
            wait=wait,
            retry=should_retry,
            sleep=sleep,
            reraise=True,
        )


def is_retryable(error: BaseException | None, *, idempotent: bool) -> bool:
    if isinstance(error, RetryableResponseError):
        return error.response.status_code == 429 or idempotent
    if isinstance(error, NOT_SENT):
        return True
    return isinstance(error, MAYBE_SENT) and idempotent


def retry_after_of(error: BaseException | None) -> float | None:
    return error.retry_after if isinstance(error, RetryableResponseError) else None


def parse_retry_after(response: httpx.Response, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds, HTTP date or ISO 8601) or ``X-RateLimit-Reset``.

    None when neither header holds a usable value (text, a negative number, NaN...).
    """
    now = now or datetime.now(UTC)
    value = response.headers.get("Retry-After", "").strip()
    if value:
        seconds = _number(value)
        if seconds is not None:
            return seconds
        moment = parse_moment(value)
        if moment is not None:
            return max(0.0, (moment - now).total_seconds())
    reset = _number(response.headers.get("X-RateLimit-Reset", "").strip())
    if reset is not None:
        return max(0.0, reset - now.timestamp())
    return None


def _number(value: str) -> float | None:
    """A non-negative finite number of (up to 12 ASCII digits) seconds, or None.

    ``str.isdigit`` alone also accepts digits ``float`` cannot read (superscripts such as
    ``²``), so the digits must be ASCII too.
    """
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def parse_moment(value: str) -> datetime | None:
    """An aware datetime from an ISO 8601 timestamp or an HTTP date; None if neither."""
    if not value or len(value) > 64:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
