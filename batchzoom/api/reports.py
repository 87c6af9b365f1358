"""The HTML report of a command (``report=PATH.html``; ``--report`` on the command line):
what the command knows, gathered into a ``ReportInput`` and written as one page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from batchzoom.core.exits import EXIT_MEANINGS, INVALID_ROWS, OK
from batchzoom.core.i18n import N_, _

# The command line imports ``ReportChoice`` at start-up: the rest loads when a report is made.
if TYPE_CHECKING:
    from batchzoom.engine.audit import StatusReport
    from batchzoom.engine.settings import Settings
    from batchzoom.files.report import ReportInput, ReportRow
    from batchzoom.files.results import Loaded, RunReport
    from batchzoom.model.problems import Problem
    from batchzoom.model.rows import Validation


VALID_DONE = N_("every row is valid.")
DRY_RUN_DONE = N_("every row is valid; a dry run sends nothing.")


@dataclass(frozen=True)
class ReportChoice:
    """Where to write the HTML report, whether it may show passcodes, and the command it
    names (the command line as typed; a library call names itself)."""

    path: Path
    include_password: bool = False
    command: str = ""


def meaning(exit_code: int, *, done: str | None = None) -> str:
    """What ``exit_code`` says, in words (``done`` overrides the meaning of 0)."""
    if exit_code == 0 and done:
        return _(done)
    return _(EXIT_MEANINGS[exit_code]) if exit_code in EXIT_MEANINGS else ""


def concurrency(plan: str | None) -> int:
    """How many meetings one host may run at once on ``plan`` (Pro when unknown)."""
    from batchzoom.model.pools import concurrent_meetings

    return concurrent_meetings(plan or "pro")


def crowding(validation: Validation, plan: str | None) -> list[tuple[int, datetime]]:
    """The sittings (row, start) beyond what their host may run at once on ``plan``."""
    from batchzoom.engine.planning import occurrences_of
    from batchzoom.model.pools import crowded

    found = crowded(validation.sessions, occurrences=occurrences_of, plan=plan or "pro")
    return [(item.session.row, item.span.start) for item in found]


def not_sent(validation: Validation) -> list[ReportRow]:
    """Every row of a roster nothing was sent for: invalid rows, and the rest as ``new``."""
    from batchzoom.files.report import ReportRow, row_of

    by_row = {
        session.row: row_of(session, "existing" if session.meeting_id is not None else "new")
        for session in validation.sessions
    }
    messages: dict[int, list[str]] = {}
    for problem in validation.problems:
        if problem.row is not None:
            messages.setdefault(problem.row, []).append(problem.message)
    for row in validation.invalid_rows:
        by_row[row] = ReportRow(
            row=row, status="invalid", detail=" ".join(messages.get(row, ["invalid row"]))
        )
    return [by_row[row] for row in sorted(by_row)]


def quota_by_host(quota: Mapping[str, Mapping[str, int]], day: date) -> dict[str, dict[date, int]]:
    """The journal's counts of ``day`` (account -> host -> used), summed over accounts."""
    used: dict[str, dict[date, int]] = {}
    for hosts in quota.values():
        for host, count in hosts.items():
            by_day = used.setdefault(host.lower(), {})
            by_day[day] = by_day.get(day, 0) + count
    return used


def today(now: datetime) -> date:
    return now.astimezone(UTC).date()


def gather(
    *,
    command: str,
    roster: Path,
    rows: Sequence[ReportRow],
    validation: Validation,
    problems: Sequence[Problem],
    now: datetime,
    exit_code: int | None,
    done: str | None = None,
    warnings: Sequence[str] = (),
    default_zone: str | None = None,
    plan: str | None = None,
    quota: Mapping[str, Mapping[date, int]] | None = None,
    include_password: bool = False,
    registrants: Mapping[str, int] | None = None,
) -> ReportInput:
    """The ``ReportInput`` of a command's results (see ``batchzoom.files.report``).

    ``registrants``: the attendees of each session (by roster id), when there are any.
    """
    from batchzoom.files.report import ReportInput

    return ReportInput(
        roster=str(roster),
        command=command,
        generated_at=now,
        rows=rows,
        problems=problems,
        exit_code=exit_code,
        exit_meaning=meaning(exit_code, done=done) if exit_code is not None else "",
        warnings=warnings,
        default_zone=default_zone,
        concurrency=concurrency(plan),
        crowded=crowding(validation, plan),
        row_warnings=validation.warnings,
        plan=plan,
        quota_used=quota or {},
        include_password=include_password,
        registrants=registrants or {},
    )


def write(choice: ReportChoice, data: ReportInput) -> Path:
    """Write the report; its path."""
    from batchzoom.files.report import write_report

    write_report(choice.path, data)
    return choice.path


def journal_facts(
    state: Path, now: datetime, account: str | None
) -> tuple[dict[str, dict[date, int]], dict[str, datetime]]:
    """Today's creates per host and each deferred row's resume time (by row key)."""
    from batchzoom.engine.journal import read_journal

    contents = read_journal(state, day=today(now).isoformat())
    accounts = [account] if account in contents.accounts() else contents.accounts()
    quota = quota_by_host({a: contents.quota.get(a, {}) for a in accounts}, today(now))
    resume = {
        key: entry.resume_at
        for a in accounts
        for key, entry in contents.entries.get(a, {}).items()
        if entry.resume_at is not None
    }
    return quota, resume


def report_run(
    html: ReportChoice,
    loaded: Loaded,
    run: RunReport | None,
    *,
    settings: Settings,
    account: str | None = None,
    exit_code: int = INVALID_ROWS,
) -> Path:
    """Write the report of a schedule or sync run (``run`` None: stopped on invalid rows),
    with the exit status the run gives (``exit_code``)."""
    from batchzoom.engine.lifecycle import RunPaths
    from batchzoom.files.report import rows_from

    now = settings.now()
    roster = loaded.roster.source.path
    quota, resume = journal_facts(RunPaths.for_settings(roster, settings).journal, now, account)
    if run is None:
        rows = not_sent(loaded.validation)
    else:
        resume_at = {o.row: resume[o.row_key] for o in run.outcomes if o.row_key in resume}
        rows = rows_from(loaded.validation.sessions, run.outcomes, resume_at=resume_at)
    data = gather(
        command=html.command,
        roster=roster,
        rows=rows,
        validation=loaded.validation,
        problems=run.problems if run is not None else loaded.validation.problems,
        now=now,
        exit_code=exit_code,
        done=DRY_RUN_DONE if run and run.dry_run else None,
        warnings=run.warnings if run is not None else (),
        default_zone=settings.timezone,
        plan=settings.plan,
        quota=quota,
        include_password=html.include_password,
        registrants=_registered(loaded, run),
    )
    return write(html, data)


def _registered(loaded: Loaded, run: RunReport | None) -> Mapping[str, int] | None:
    """Each session's registrants: those the run has registered (now or before) when it
    registered, else the attendee sheet's (a run that sent nothing)."""
    if loaded.attendees is None:
        return None
    registered = getattr(run, "registered", None)
    if registered is None:
        return loaded.attendees.counts()
    counts = dict.fromkeys(loaded.attendees.counts(), 0)
    for record in registered.records:
        if record.state in {"added", "found"} and record.excel_row is not None:
            counts[record.session] = counts.get(record.session, 0) + 1
    return counts


def report_validation(html: ReportChoice, loaded: Loaded, *, settings: Settings) -> Path:
    """Write the report of ``validate``: every row valid (new) or invalid, and the problems."""
    roster = loaded.roster.source.path
    validation = loaded.validation
    code = OK if validation.ok else INVALID_ROWS
    data = gather(
        command=html.command,
        roster=roster,
        rows=not_sent(validation),
        validation=validation,
        problems=validation.problems,
        now=settings.now(),
        exit_code=code,
        done=VALID_DONE,
        default_zone=settings.timezone,
        plan=settings.plan,
        include_password=html.include_password,
        registrants=loaded.attendees.counts() if loaded.attendees is not None else None,
    )
    return write(html, data)


def report_status(
    html: ReportChoice,
    loaded: Loaded,
    status: StatusReport,
    *,
    settings: Settings,
) -> Path:
    """Write the report of ``status``: each row's state in the journal, today's quota."""
    from batchzoom.files.report import ReportRow, row_of

    roster = loaded.roster.source.path
    sessions = {session.row: session for session in loaded.validation.sessions}
    rows = []
    for row in status.rows:
        if not row.in_roster or row.row is None:
            continue
        detail = row.detail(status.now) or None
        session = sessions.get(row.row)
        if session is not None:
            shown = row_of(session, row.status, detail=detail, resume_at=row.resume_at)
            rows.append(replace(shown, key=row.key, meeting_id=row.meeting_id))
        else:
            rows.append(
                ReportRow(
                    row.row,
                    row.status,
                    key=row.key,
                    host=row.host,
                    topic=row.topic,
                    meeting_id=row.meeting_id,
                    detail=detail,
                    resume_at=row.resume_at,
                )
            )
    day = date.fromisoformat(status.journal.day)
    quota: dict[str, dict[date, int]] = {}
    for item in status.quota:
        by_day = quota.setdefault(item.host.lower(), {})
        by_day[day] = by_day.get(day, 0) + item.used
    data = gather(
        command=html.command,
        roster=roster,
        rows=rows,
        validation=loaded.validation,
        problems=loaded.validation.problems,
        now=status.now,
        exit_code=None,
        default_zone=settings.timezone,
        plan=settings.plan,
        quota=quota,
        include_password=html.include_password,
        registrants=loaded.attendees.counts() if loaded.attendees is not None else None,
    )
    return write(html, data)
