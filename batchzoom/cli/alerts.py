"""What a quiet run (cron) must still say: one line on stderr per condition to act on.

Cron mails what a job writes to stderr, so under ``--quiet`` each of these prints one
line: rows edited since their meetings were created (``changed``), hosts held back by
Zoom's daily limit (and until when), rows skipped as invalid, rows that failed. The
exit code stays what it always was.
"""

from __future__ import annotations

import shlex
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from batchzoom.model.outcomes import RowOutcome

SHOWN_ROWS = 5  # row numbers listed in one line before "..."


def _rows(outcomes: Sequence[RowOutcome]) -> str:
    numbers = sorted(o.row for o in outcomes)
    listed = ", ".join(str(n) for n in numbers[:SHOWN_ROWS])
    more = ", ..." if len(numbers) > SHOWN_ROWS else ""
    return f"{'row' if len(numbers) == 1 else 'rows'} {listed}{more}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def held_back(outcomes: Sequence[RowOutcome]) -> list[str]:
    """One line per host the daily limit holds back: how many rows wait, and until when."""
    held: dict[str, list[RowOutcome]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.status == "deferred":
            held[outcome.host or "?"].append(outcome)
    lines = []
    for host in sorted(held, key=str.lower):
        resume = [o.resume_at for o in held[host] if o.resume_at is not None]
        until = f"until {max(resume).astimezone(UTC):%Y-%m-%d %H:%M} UTC" if resume else ""
        lines.append(
            f"Host {host} is held back by Zoom's daily limit {until}".rstrip()
            + f": {_count(len(held[host]), 'row waits', 'rows wait')}; the next run after "
            "that sends them"
        )
    return lines


def alerts(outcomes: Sequence[RowOutcome], roster: str, *, command: str = "schedule") -> list[str]:
    """One sentence per condition an administrator must act on, in a stable order."""
    name = shlex.quote(roster)
    by_status: dict[str, list[RowOutcome]] = defaultdict(list)
    for outcome in outcomes:
        by_status[outcome.status].append(outcome)
    lines = []
    changed = by_status.get("changed", [])
    if changed:
        lines.append(
            f"{_count(len(changed), 'row', 'rows')} changed since "
            f"{'its meeting was' if len(changed) == 1 else 'their meetings were'} created "
            f"({_rows(changed)}): run batchzoom sync {name}"
        )
    lines += held_back(by_status.get("deferred", []))
    invalid = by_status.get("invalid", [])
    if invalid:
        lines.append(
            f"{_count(len(invalid), 'row is', 'rows are')} invalid and skipped "
            f"({_rows(invalid)}): run batchzoom validate {name}"
        )
    failed = by_status.get("failed", [])
    if failed:
        first = failed[0].error or "Zoom gave no reason."
        lines.append(
            f"{_count(len(failed), 'row', 'rows')} failed ({_rows(failed)}): run batchzoom "
            f"{command} {name} again; the first error: {first}"
        )
    return lines
