"""A scheduling run: roster in, meetings created exactly once, result sheet out.

``schedule`` takes a roster read by ``planning.load`` and, under the roster's lock
and with every step journalled:

1. sorts each valid row into existing (already has a meeting), deferred (a
   daily limit said "not before ..."), in doubt (a create was sent but never
   answered) or new;
2. settles the rows in doubt by listing their hosts' meetings;
3. creates the new rows on the run's pool of workers under one token (``engine.run``);
4. writes the result sheet, rebuilt from the journal.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import Any

import httpx

from batchzoom.core.errors import (
    OutputError,
)
from batchzoom.engine.events import register_run, write_registrations
from batchzoom.engine.journal import Entry, Journal, default_path
from batchzoom.engine.lock import RunLock
from batchzoom.engine.run import (
    Loaded,
    ProgressCallback,
    Run,
    RunReport,
    create_all,
    from_entry,
    invalid_outcomes,
    row_info,
    row_outcome,
    settle_all,
    zoom_run,
)
from batchzoom.engine.settings import Settings
from batchzoom.files.roster import SourceInfo
from batchzoom.files.writeback import (
    WriteOutcome,
    check_target,
    remove_stale_temporaries,
    write_results,
)
from batchzoom.model.outcomes import DAILY_CREATE_LIMIT, RowOutcome, row_key
from batchzoom.model.problems import Problem
from batchzoom.model.rows import Session
from batchzoom.zoom import (
    default_concurrency,
)
from batchzoom.zoom.meetings import create_body, fingerprint
from batchzoom.zoom.probes import HostProbes

CHANGED = (
    "This row's meeting details changed after its meeting was created; Zoom still has the "
    "earlier ones: run batchzoom sync to update Zoom, or restore the row."
)
CANCELLED = "Cancelled in the sheet; run batchzoom sync to delete its meeting on Zoom."
DELETING = (
    "A cancellation of this row's meeting did not finish; run batchzoom sync to finish it, "
    "or to keep the meeting if the row is no longer cancelled."
)


def row_warning(warning: Problem) -> str:
    """A warning about one row, as one line."""
    where = f"row {warning.row}, {warning.column}" if warning.column else f"row {warning.row}"
    return f"{where}: {warning.message}"


def quota_warnings(sessions: Iterable[Session], used_today: Callable[[str], int]) -> list[str]:
    """One warning per host whose creates will not fit in today's Zoom limit."""
    need = Counter(session.host.lower() for session in sessions)
    warnings = []
    for host, count in sorted(need.items()):
        left = max(0, DAILY_CREATE_LIMIT - used_today(host))
        if count > left:
            days = 1 + (count - left + DAILY_CREATE_LIMIT - 1) // DAILY_CREATE_LIMIT
            warnings.append(
                f"Host {host} needs {count} new meetings but Zoom allows {DAILY_CREATE_LIMIT} "
                f"creates per host per UTC day ({left} left today): this takes {days} days; "
                "the rest will be deferred, so run again after 00:00 UTC."
            )
    return warnings


Rows = list[tuple[Session, str]]  # sessions with their row keys


def _classify(
    sessions: list[Session], entries: dict[str, Entry], now: datetime
) -> tuple[dict[int, RowOutcome], Rows, Rows, Rows]:
    """Sort valid rows into settled outcomes, rows that may exist on Zoom, new rows, and
    rows whose sheet names a meeting the journal does not know (to check on Zoom)."""
    outcomes: dict[int, RowOutcome] = {}
    doubtful: Rows = []
    new: Rows = []
    unverified: Rows = []
    for session in sessions:
        key = row_key(session)
        entry = entries.get(key)
        if session.cancelled:
            live = entry is not None and entry.state == "created"
            outcomes[session.row] = (
                replace(from_entry(session, entry, "cancelled"), error=CANCELLED)
                if live and entry is not None
                else row_outcome(session, "cancelled", meeting_id=session.meeting_id)
            )
        elif entry is not None and entry.state == "created":
            if entry.fingerprint != fingerprint(create_body(session)):
                outcome = replace(from_entry(session, entry, "changed"), error=CHANGED)
            else:
                outcome = from_entry(session, entry, "existing" if entry.reported else "created")
            outcomes[session.row] = outcome
        elif entry is not None and entry.state == "deleting":
            outcomes[session.row] = replace(from_entry(session, entry, "failed"), error=DELETING)
        elif session.meeting_id is not None:
            outcomes[session.row] = row_outcome(session, "existing", meeting_id=session.meeting_id)
            unverified.append((session, key))
        elif entry is not None and entry.deferred_until_after(now):
            outcomes[session.row] = from_entry(session, entry, "deferred")
        elif entry is not None and entry.in_doubt:
            doubtful.append((session, key))
        else:
            new.append((session, key))
    return outcomes, doubtful, new, unverified


@contextmanager
def locked_journal(
    source: SourceInfo,
    options: Settings,
    *,
    account: str,
    create: bool = True,
    sessions: Sequence[Session] = (),
    notes: list[str] | None = None,
) -> Iterator[Journal | None]:
    """Hold the roster's lock and open its journal (None when ``create`` is off and there is none).

    A journal whose roster moved or was renamed is adopted when ``sessions`` match its rows
    (``Journal.check_roster``); the one line saying so goes to ``notes``.
    """
    path = options.state or default_path(source.path)
    lock = path.with_suffix(".lock")
    with contextlib.ExitStack() as stack:
        if create or os.access(lock.parent, os.W_OK):
            stack.enter_context(RunLock(lock, wait=options.wait, what=source.path.name))
            remove_stale_temporaries(source)  # left by a run that was killed while writing
        # else: a dry run in a read-only folder writes nothing, so it needs no lock
        if not create and not path.exists():
            yield None
            return
        with Journal(path, account=account, now=options.now, read_only=not create) as journal:
            rows = {row_key(s): s.meeting_id for s in sessions}
            note = journal.check_roster(source.path, record=create, sheet=source.sheet, rows=rows)
            if note is not None and notes is not None:
                notes.append(note)
            yield journal


def schedule(
    loaded: Loaded,
    options: Settings,
    *,
    progress: ProgressCallback | None = None,
    transport: httpx.BaseTransport | None = None,
) -> RunReport:
    """Create every new row's meeting, exactly once, and write the result sheet.

    ``options.zoom`` may be None only for a dry run. Raises ``BatchzoomError`` when
    the run cannot go on (after writing the sheet for what it has done).
    """
    settings, now = options.zoom, options.now
    validation = loaded.validation
    invalid = invalid_outcomes(validation)
    report = RunReport(outcomes=[], problems=list(validation.problems), dry_run=options.dry_run)
    if invalid and not options.skip_invalid:
        report.outcomes = sorted(invalid.values(), key=lambda o: o.row)
        return report
    if settings is None and not options.dry_run:
        raise ValueError("settings are needed unless it is a dry run")

    limits = options.limits()
    account = settings.account_id if settings else "-"
    check_target(
        loaded.roster.source,
        None if options.in_place else options.output,
        writable=not options.dry_run,  # a dry run in a read-only folder still shows its plan
    )
    with locked_journal(
        loaded.roster.source,
        options,
        account=account,
        create=not options.dry_run,  # a dry run never creates a journal
        sessions=validation.sessions,
        notes=report.warnings,
    ) as journal:
        entries = journal.entries() if journal else {}
        settled, doubtful, new, unverified = _classify(validation.sessions, entries, now())
        outcomes = invalid | settled
        # Rows a daily limit deferred go again: one probe create per host (zoom/probes.py).
        deferred = [(s, row_key(s)) for s in validation.sessions
                    if s.row in settled and settled[s.row].status == "deferred"]  # fmt: skip
        doubtful += deferred
        # Look on Zoom before creating anything: one listing per host settles the
        # creates an earlier run sent without hearing back, and keeps a lost or
        # foreign journal from causing duplicates.
        sent_earlier = {key for _, key in doubtful}  # a create sent, its answer not recorded
        doubtful, new = doubtful + new, []
        report.warnings += [
            *map(row_warning, validation.warnings),
            *quota_warnings(
                [s for s, _ in new + doubtful],
                lambda host: journal.used_today(host) if journal else 0,
            ),
        ]
        if settings is None or journal is None or options.dry_run:
            for session, _ in new + doubtful:
                outcomes[session.row] = row_outcome(session, "planned")
            return write_sheet(report, loaded, outcomes, journal, options)

        claimed = {e.meeting_id for e in entries.values() if e.meeting_id is not None}
        claimed |= {s.meeting_id for s in validation.sessions if s.meeting_id is not None}
        workers = options.concurrency or default_concurrency(min(limits.limits.values()))
        probes = HostProbes(s.host for s, _ in deferred)
        with zoom_run(options, journal, claimed, report, workers=workers, transport=transport,
                      probes=probes) as run:  # fmt: skip
            doubtful += verify_sheet_ids(run, unverified, outcomes)
            settle_all(run, doubtful, outcomes, new, workers, sent_earlier)
            create_all(run, new, outcomes, workers, progress)
            if loaded.attendees is not None and run.fatal is None:
                report.registered = register_run(run.client, journal, loaded, outcomes)
        write_sheet(report, loaded, outcomes, journal, options)
        if report.registered is not None and report.output is not None:
            write_registrations(loaded, report.registered, report.output.path)
        if run.fatal is not None:
            raise run.fatal
        return report


def verify_sheet_ids(run: Run, rows: Rows, outcomes: dict[int, RowOutcome]) -> Rows:
    """Rows whose sheet names a meeting the journal does not know: is it on this account?

    Found (same topic): the journal learns it. Not found (deleted, or the sheet came from
    another account): the row is returned, to be looked for and created like a new one.
    """
    missing: Rows = []
    for session, key in rows:
        assert session.meeting_id is not None
        meeting = run.client.get_meeting(session.meeting_id)
        if meeting is None or meeting.get("topic") != session.topic:
            with run.lock:
                run.claimed.discard(session.meeting_id)
            missing.append((session, key))
            continue
        run.journal.record_found(row_info(session, key), meeting=meeting, body=create_body(session))
        outcomes[session.row] = replace(
            from_entry(session, _entry_of(meeting, session, key), "existing"), error=None
        )
    return missing


def _entry_of(meeting: Mapping[str, Any], session: Session, key: str) -> Entry:
    return Entry(
        row_key=key,
        host=session.host,
        topic=session.topic,
        start_utc=session.start_utc,
        fingerprint="",
        excel_row=session.row,
        state="created",
        meeting_id=int(meeting["id"]),
        join_url=meeting.get("join_url"),
        password=meeting.get("password"),
        start_time=meeting.get("start_time"),
    )


def write_sheet(
    report: RunReport,
    loaded: Loaded,
    outcomes: dict[int, RowOutcome],
    journal: Journal | None,
    options: Settings,
) -> RunReport:
    report.outcomes = [outcomes[row] for row in sorted(outcomes)]
    try:
        our_last = journal.roster_written() if journal is not None else None
        report.output = _write_results(loaded, report, options, our_last)
    except OutputError as error:
        if options.dry_run:  # the plan is the point of a dry run; the sheet is a bonus
            report.warnings.append(f"The planned sheet was not written: {error}")
            return report
        raise OutputError(
            f"{str(error).rstrip('.')}; the meetings are made and kept in the journal, so "
            "running again once this is fixed writes the sheet without creating anything twice."
        ) from None
    if journal is not None and not options.dry_run:
        if report.output is not None and report.output.roster_sha256 is not None:
            journal.record_roster_written(report.output.roster_sha256)
        journal.mark_reported(
            [o.row_key for o in report.outcomes if o.status == "created" and o.row_key]
        )
    return report


def _write_results(
    loaded: Loaded, report: RunReport, options: Settings, our_last: str | None
) -> WriteOutcome:
    return write_results(
        loaded.roster.source,
        {outcome.row: outcome.result() for outcome in report.outcomes},
        output=options.output,
        in_place=options.in_place,
        include_start_url=options.include_start_url,
        include_host=any(session.pool for session in loaded.validation.sessions),
        our_last=our_last,
    )
