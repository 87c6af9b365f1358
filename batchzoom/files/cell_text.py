"""What a result cell holds, and the text it becomes in a CSV file."""

from __future__ import annotations

from datetime import datetime

Value = int | str | datetime | None  # a naive datetime is a date-time (a wall time)


def fit(value: int | str | datetime, encoding: str) -> str:
    """A cell's CSV text (a date-time as ``YYYY-MM-DD HH:MM``), with ``?`` for what the
    file's encoding cannot hold (e.g. emoji in CP949)."""
    text = f"{value:%Y-%m-%d %H:%M}" if isinstance(value, datetime) else str(value)
    return text.encode(encoding, "replace").decode(encoding, "replace")
