"""Roster files for tests: small CSV and xlsx timetables built on the fly."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

# The columns every roster of the tests has; ``headers(...)`` adds a test's own after them.
BASE_HEADERS = ("ID", "Topic", "Start", "Time zone", "Duration", "Host")
HEADERS = (*BASE_HEADERS, "Notes")


def headers(*more: str) -> tuple[str, ...]:
    """The base columns, then ``more``."""
    return (*BASE_HEADERS, *more)


def session_rows(
    count: int,
    hosts: Sequence[str] = ("alice@school.example",),
    *,
    first: datetime = datetime(2027, 5, 3, 9, 0),
    zone: str = "Asia/Seoul",
    prefix: str = "S",
) -> list[list[str]]:
    """``count`` one-hour sessions, round-robin over ``hosts``, an hour apart."""
    rows = []
    for n in range(count):
        start = first + timedelta(hours=n)
        rows.append(
            [
                f"{prefix}{n:04d}",
                f"Class {prefix}{n}",
                start.strftime("%Y-%m-%d %H:%M"),
                zone,
                "50",
                hosts[n % len(hosts)],
                f"note {n}",
            ]
        )
    return rows


def write_csv(path: Path, rows: Sequence[Sequence[str]], headers: Sequence[str] = HEADERS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path
