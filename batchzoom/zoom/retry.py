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

Attempts are capped by count *and* by total time. The wait between attempts
grows exponentially with jitter; a ``Retry-After`` header (seconds, an HTTP
date or an ISO 8601 timestamp) or ``X-RateLimit-Reset`` replaces it, and when
that wait would overrun the time budget the request is not retried at all.
"""

from __future__ import annotations

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


# Failures where the request certainly never reached Zoom.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, TokenUnavailableError)
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
    max_total: float = 120.0
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
            return delay if delay is not None else float(backoff(state))

        sleep: Callable[[float], None] = (lambda _seconds: None) if self.instant else time.sleep
        return tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.max_attempts)
            | tenacity.stop_after_delay(self.max_total),
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
    """Seconds to wait from ``Retry-After`` (seconds, HTTP date or ISO 8601) or ``X-RateLimit-Reset``."""
    now = now or datetime.now(UTC)
    value = response.headers.get("Retry-After")
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        moment = parse_moment(value)
        if moment is not None:
            return max(0.0, (moment - now).total_seconds())
    reset = response.headers.get("X-RateLimit-Reset", "").strip()
    if reset.isdigit():
        return max(0.0, float(reset) - now.timestamp())
    return None


def parse_moment(value: str) -> datetime | None:
    """An aware datetime from an ISO 8601 timestamp or an HTTP date; None if neither."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
