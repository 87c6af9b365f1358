"""A monotonic clock for tests of pacing: it moves only when something sleeps on it."""

from __future__ import annotations


class FakeTime:
    """``clock`` and ``sleep`` for a ``Pacer``: sleeping moves the clock on at once."""

    def __init__(self, start: float = 100.0) -> None:
        self.now = start

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
