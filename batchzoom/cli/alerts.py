"""What a quiet run (cron) must still say: one line on stderr per condition to act on.

Cron mails what a job writes to stderr, so under ``--quiet`` each of these prints one
line: rows edited since their meetings were created (``changed``), hosts held back by
Zoom's daily limit (and until when, in the zone of the host's rows and in UTC), rows
skipped as invalid, rows that failed, attendees whose registrations did not go through. The exit code stays what it always was.
"""

from __future__ import annotations

import shlex
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from batchzoom.core.i18n import _, ngettext
from batchzoom.model.local_times import local_then_utc, most_used_zone

if TYPE_CHECKING:
    from batchzoom.model.outcomes import RowOutcome

SHOWN_ROWS = 5  # row numbers listed in one line before "..."


def _rows(outcomes: Sequence[RowOutcome]) -> str:
    """The rows' numbers, the first few of them (``3, 4, 5, ...``)."""
    numbers = sorted(o.row for o in outcomes)
    listed = ", ".join(str(n) for n in numbers[:SHOWN_ROWS])
    return listed + (", ..." if len(numbers) > SHOWN_ROWS else "")


def host_zone(outcomes: Sequence[RowOutcome]) -> str | None:
    """The zone of a host's rows: the one most of them have (the first row's on a tie)."""
    return most_used_zone(o.timezone for o in sorted(outcomes, key=lambda o: o.row))


def held_back(outcomes: Sequence[RowOutcome]) -> list[str]:
    """One line per host the daily limit holds back: how many rows wait, and until when
    (in the zone of the host's rows, then in UTC)."""
    held: dict[str, list[RowOutcome]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.status == "deferred":
            held[outcome.host or "?"].append(outcome)
    lines = []
    for host in sorted(held, key=str.lower):
        resume = [o.resume_at for o in held[host] if o.resume_at is not None]
        n = len(held[host])
        if resume:
            line = ngettext(
                "Host {host} is held back by Zoom's daily limit until {until}: {n} row "
                "waits; the next run after that sends them",
                "Host {host} is held back by Zoom's daily limit until {until}: {n} rows "
                "wait; the next run after that sends them",
                n,
            )
            until = local_then_utc(max(resume), host_zone(held[host]))
        else:
            line = ngettext(
                "Host {host} is held back by Zoom's daily limit: {n} row waits; the next run "
                "after that sends them",
                "Host {host} is held back by Zoom's daily limit: {n} rows wait; the next run "
                "after that sends them",
                n,
            )
            until = ""
        lines.append(line.format(host=host, until=until, n=n))
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
        line = ngettext(
            "{n} row changed since its meeting was created (row {rows}): run batchzoom sync "
            "{roster}",
            "{n} rows changed since their meetings were created (rows {rows}): run batchzoom "
            "sync {roster}",
            len(changed),
        )
        lines.append(line.format(n=len(changed), rows=_rows(changed), roster=name))
    lines += held_back(by_status.get("deferred", []))
    invalid = by_status.get("invalid", [])
    if invalid:
        line = ngettext(
            "{n} row is invalid and skipped (row {rows}): run batchzoom validate {roster}",
            "{n} rows are invalid and skipped (rows {rows}): run batchzoom validate {roster}",
            len(invalid),
        )
        lines.append(line.format(n=len(invalid), rows=_rows(invalid), roster=name))
    failed = by_status.get("failed", [])
    if failed:
        first = failed[0].error or _("Zoom gave no reason.")
        line = ngettext(
            "{n} row failed (row {rows}): run batchzoom {command} {roster} again; the first "
            "error: {error}",
            "{n} rows failed (rows {rows}): run batchzoom {command} {roster} again; the first "
            "error: {error}",
            len(failed),
        )
        lines.append(
            line.format(
                n=len(failed), rows=_rows(failed), command=command, roster=name, error=first
            )
        )
    return lines


def attendee_alert(
    failed: int, deferred: int, in_doubt: int, roster: str, command: str
) -> str | None:
    """One line when some attendees' registrations did not go through (exit status 4)."""
    waiting = failed + deferred + in_doubt
    if not waiting:
        return None
    line = ngettext(
        "{n} attendee registration did not go through ({failed} failed, {deferred} "
        "deferred, {in_doubt} unconfirmed): see the attendee sheet's zoom_error, then run "
        "batchzoom {command} {roster} again",
        "{n} attendee registrations did not go through ({failed} failed, {deferred} "
        "deferred, {in_doubt} unconfirmed): see the attendee sheet's zoom_error, then run "
        "batchzoom {command} {roster} again",
        waiting,
    )
    return line.format(
        n=waiting,
        failed=failed,
        deferred=deferred,
        in_doubt=in_doubt,
        command=command,
        roster=shlex.quote(roster),
    )
