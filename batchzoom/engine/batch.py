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

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

import httpx

from batchzoom.core.i18n import N_, _
from batchzoom.engine.events import ScheduleReport, register_run, write_registrations
from batchzoom.engine.journal import Entry
from batchzoom.engine.lifecycle import (
    RunPaths,
    dry_run_account,
    interrupted,
    locked_journal,
    write_sheet,
)
from batchzoom.engine.registrations import next_utc_midnight
from batchzoom.engine.run import (
    Run,
    create_all,
    from_entry,
    looking,
    row_info,
    settle_all,
    zoom_run,
)
from batchzoom.engine.settings import Settings
from batchzoom.engine.webinars import keep_panelists
from batchzoom.files.results import Loaded, ProgressCallback, cancelled_outcomes, invalid_outcomes
from batchzoom.files.writeback import check_target
from batchzoom.model.local_times import local_then_utc, most_used_zone
from batchzoom.model.outcomes import DAILY_CREATE_LIMIT, RowOutcome, row_key, row_outcome
from batchzoom.model.problems import Problem
from batchzoom.model.rows import Session
from batchzoom.zoom import (
    default_concurrency,
)
from batchzoom.zoom.meetings import create_body, fingerprint
from batchzoom.zoom.probes import HostProbes

CHANGED = N_(
    "This row's meeting details changed after its meeting was created; Zoom still has the "
    "earlier ones: run batchzoom sync to update Zoom, or restore the row."
)
CANCELLED = N_("Cancelled in the sheet; run batchzoom sync to delete its meeting on Zoom.")
DELETING = N_(
    "A cancellation of this row's meeting did not finish; run batchzoom sync to finish it, "
    "or to keep the meeting if the row is no longer cancelled."
)


def row_warning(warning: Problem) -> str:
    """A warning about one row, as one line."""
    if warning.row is None:  # about the whole roster (a missing column), not one row
        return warning.message
    if warning.column:
        return _("row {row}, {column}: {message}").format(
            row=warning.row, column=warning.column, message=warning.message
        )
    return _("row {row}: {message}").format(row=warning.row, message=warning.message)


def quota_warnings(
    sessions: Iterable[Session], used_today: Callable[[str], int], now: datetime
) -> list[str]:
    """One warning per host whose creates will not fit in today's Zoom limit, saying when to
    run again (the next 00:00 UTC after ``now``) in the zone of the host's rows, then UTC."""
    sessions = list(sessions)
    need = Counter(session.host.lower() for session in sessions)
    zones: dict[str, list[str]] = defaultdict(list)  # each host's rows' zones, in row order
    for session in sessions:
        zones[session.host.lower()].append(session.timezone)
    warnings = []
    for host, count in sorted(need.items()):
        left = max(0, DAILY_CREATE_LIMIT - used_today(host))
        if count <= left:
            continue
        days = 1 + (count - left + DAILY_CREATE_LIMIT - 1) // DAILY_CREATE_LIMIT
        text = _(
            "Host {host} needs {count} new meetings but Zoom allows {limit} creates per host "
            "per UTC day ({left} left today): this takes {days} days; the rest will be "
            "deferred, so run again after {when}."
        )
        when = local_then_utc(next_utc_midnight(now), most_used_zone(zones[host]))
        warnings.append(
            text.format(
                host=host, count=count, limit=DAILY_CREATE_LIMIT, left=left, days=days, when=when
            )
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
                replace(from_entry(session, entry, "cancelled"), error=_(CANCELLED))
                if live and entry is not None
                else row_outcome(session, "cancelled", meeting_id=session.meeting_id)
            )
        elif entry is not None and entry.state == "created":
            if entry.fingerprint != fingerprint(create_body(session)):
                outcome = replace(from_entry(session, entry, "changed"), error=_(CHANGED))
            else:
                outcome = from_entry(session, entry, "existing" if entry.reported else "created")
            outcomes[session.row] = outcome
        elif entry is not None and entry.state == "deleting":
            outcomes[session.row] = replace(from_entry(session, entry, "failed"), error=_(DELETING))
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


def schedule(
    loaded: Loaded,
    options: Settings,
    *,
    progress: ProgressCallback | None = None,
    transport: httpx.BaseTransport | None = None,
) -> ScheduleReport:
    """Create every new row's meeting, exactly once, and write the result sheet.

    ``options.zoom`` may be None only for a dry run. Raises ``BatchzoomError`` when
    the run cannot go on (after writing the sheet for what it has done).
    """
    settings, now = options.zoom, options.now
    validation = loaded.validation
    invalid = invalid_outcomes(validation)
    report = ScheduleReport(
        outcomes=[], problems=list(validation.problems), dry_run=options.dry_run
    )
    if invalid and not options.skip_invalid:
        report.outcomes = sorted(invalid.values(), key=lambda o: o.row)
        return report
    if settings is None and not options.dry_run:
        raise ValueError("settings are needed unless it is a dry run")

    limits = options.limits()
    paths = RunPaths.for_settings(loaded.roster.source.path, options)
    account = (
        settings.account_id if settings else dry_run_account(paths, None, now().date().isoformat())
    )
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
        outcomes = invalid | cancelled_outcomes(validation) | settled
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
                now(),
            ),
        ]
        if settings is None or journal is None or options.dry_run:
            for session, _ in new + doubtful:
                outcomes[session.row] = row_outcome(session, "planned")
            write_sheet(report, loaded, outcomes, journal, options)
            return report

        claimed = {e.meeting_id for e in entries.values() if e.meeting_id is not None}
        claimed |= {s.meeting_id for s in validation.sessions if s.meeting_id is not None}
        workers = options.concurrency or default_concurrency(min(limits.limits.values()))
        probes = HostProbes(s.host for s, _ in deferred)
        stopped = interrupted(report, loaded, outcomes, journal, options, validation.sessions)
        with stopped, zoom_run(options, journal, claimed, report, workers=workers,
                               transport=transport, probes=probes) as run:  # fmt: skip
            doubtful += verify_sheet_ids(run, unverified, outcomes)
            looking(progress, len(doubtful), {session.host.lower() for session, _ in doubtful})
            settle_all(run, doubtful, outcomes, new, workers, sent_earlier)
            done_before = sum(1 for s in validation.sessions if s.row in outcomes)
            create_all(run, new, outcomes, workers, progress, earlier=done_before)
            if run.fatal is None:
                added = keep_panelists(
                    run.client, journal, validation.sessions, outcomes, remove=False
                )
                report.panelists_added = added.added
                report.warnings += added.warnings
            if loaded.attendees is not None and run.fatal is None:
                made = {o.meeting_id for s, _ in new if (o := outcomes.get(s.row)) and o.meeting_id}
                report.registered = register_run(
                    run.client, journal, loaded, outcomes, plan=options.plan, created=made
                )
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
        meeting = run.fetch(session, session.meeting_id)
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
