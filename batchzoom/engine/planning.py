"""A roster made ready to schedule: configuration defaults, host overlaps and host pools.

``load`` reads and validates a roster, then applies what needs the whole roster and
the journal: the configured meeting settings under each row's own, the check that no
host has two sessions at once, and the choice of a pool member for every
``pool:<name>`` host (keeping the member an earlier run chose).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from batchzoom.engine.audit import read_journal
from batchzoom.engine.batch import load as batch_load
from batchzoom.engine.config import Config
from batchzoom.engine.journal import default_path
from batchzoom.files.roster import Roster
from batchzoom.model import pools, recurrence
from batchzoom.model.outcomes import row_key
from batchzoom.model.rows import Session, Validation, ValidationOptions


def load(
    path: Path,
    options: ValidationOptions,
    config: Config,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    plan: str | None = None,
    strict: bool = False,
) -> tuple[Roster, Validation]:
    """Read, validate and plan the roster at ``path`` (raises ``InputError`` if unusable).

    With ``strict`` (or ``strict = true`` in the configuration) every warning is a problem.
    """
    loaded = batch_load(path, options, sheet=sheet, encoding=encoding, aliases=config.aliases)
    validation = plan_hosts(loaded.roster, loaded.validation, config, plan=plan)
    if strict or config.strict:
        validation = validation.strict()
    return loaded.roster, validation


def plan_hosts(
    roster: Roster,
    validation: Validation,
    config: Config,
    *,
    previous: Mapping[str, str] | None = None,
    used_today: Mapping[str, int] | None = None,
    plan: str | None = None,
) -> Validation:
    """``validation`` with config settings as defaults, host overlaps warned of, pools assigned.

    A host with more sessions at once than ``plan`` (else the configured plan, else pro)
    runs gets a warning (``validation.warnings``); a pool never double-books a member.
    ``previous`` (row key -> host) and ``used_today`` (host -> creates) default to what
    the roster's journal holds, read without changing it.
    """
    column = roster.columns.get("host", "host")
    sessions = validation.sessions
    if config.settings:
        sessions = [
            replace(session, settings={**config.settings, **session.settings})
            for session in sessions
        ]
    overlaps = pools.host_overlaps(
        sessions, occurrences=occurrences_of, column=column, plan=plan or config.plan or "pro"
    )
    problems = []
    if any(session.pool is not None for session in sessions):
        if previous is None or used_today is None:
            found_previous, found_used = _journal_hosts(roster)
            previous = found_previous if previous is None else previous
            used_today = found_used if used_today is None else used_today
        sessions, unplaced = pools.assign(
            sessions,
            config.pools,
            buffer=config.buffer,
            used_today=used_today,
            previous=previous,
            key=row_key,
            occurrences=occurrences_of,
            column=column,
        )
        problems += unplaced
    return validation.amended(problems, sessions).warned(overlaps)


def occurrences_of(session: Session) -> Sequence[datetime]:
    """The starts of every occurrence of a session (one, unless it recurs)."""
    if session.recurrence is None:
        return (session.start,)
    return recurrence.occurrences(session.start, session.timezone, session.recurrence)


def _journal_hosts(roster: Roster) -> tuple[dict[str, str], dict[str, int]]:
    """From the roster's journal: the host of each row sent to Zoom, and today's creates."""
    today = datetime.now(UTC).date().isoformat()
    journal = read_journal(default_path(roster.source.path), day=today)
    previous: dict[str, str] = {}
    used: dict[str, int] = {}
    for entries in journal.entries.values():
        for key, entry in entries.items():
            if entry.meeting_id is not None or entry.in_doubt:
                previous.setdefault(key, entry.host)
    for quota in journal.quota.values():
        for host, count in quota.items():
            used[host] = max(used.get(host, 0), count)
    return previous, used
