"""How hard to try one request: the policy alone, without the HTTP stack.

``Settings`` carries a policy for every command, read-only ones included, so it lives
apart from ``zoom/retry.py`` (which classifies httpx's errors); the retrying itself
loads that module when a request is first tried.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tenacity


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
        import tenacity

        from batchzoom.zoom.retry import RetryableResponseError, is_retryable, retry_after_of

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
