"""The sandbox's clock: real time plus an offset that tests can move, or frozen."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta


class SandboxClock:
    """UTC wall time as the sandbox sees it.

    Token expiry, the per-second windows and the daily reset all read this
    clock, so a test can jump over an hour or past midnight without sleeping.
    A frozen clock only moves when advanced, which makes per-second limits
    exact in tests.
    """

    def __init__(self, start: datetime | None = None, *, frozen: bool = False) -> None:
        self._lock = threading.Lock()
        self._base_wall = time.time() if start is None else start.timestamp()
        self._base_mono = time.monotonic()
        self._offset = 0.0
        self._frozen_at: float | None = self._base_wall if frozen else None

    def timestamp(self) -> float:
        """Seconds since the epoch on the sandbox clock."""
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at + self._offset
            return self._base_wall + (time.monotonic() - self._base_mono) + self._offset

    def now(self) -> datetime:
        """The current sandbox time, timezone-aware UTC."""
        return datetime.fromtimestamp(self.timestamp(), UTC)

    def advance(self, seconds: float) -> None:
        """Move the clock forward (or back, with a negative value)."""
        with self._lock:
            self._offset += seconds

    def set(self, when: datetime) -> None:
        """Jump to ``when`` (an aware datetime); the clock keeps running unless frozen."""
        if when.tzinfo is None:
            raise ValueError("the clock needs a timezone-aware datetime")
        self.advance(when.timestamp() - self.timestamp())

    def freeze(self) -> None:
        """Stop the clock where it is; only advance() and set() move it afterwards."""
        now = self.timestamp()
        with self._lock:
            self._frozen_at = now
            self._offset = 0.0

    def unfreeze(self) -> None:
        """Let the clock run again from where it stands."""
        now = self.timestamp()
        with self._lock:
            self._frozen_at = None
            self._base_wall = now
            self._base_mono = time.monotonic()
            self._offset = 0.0

    @property
    def frozen(self) -> bool:
        """Whether the clock only moves when told to."""
        return self._frozen_at is not None

    def next_utc_midnight(self) -> datetime:
        """The next 00:00 UTC, when Zoom's daily limits reset."""
        now = self.now()
        return datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
