"""What ``batchzoom.validate``, ``schedule``, ``sync`` and ``status`` hand back.

A ``Result`` holds each row with its status, the problems and warnings, the counts and the
exit status the command line would give; ``to_records()`` and ``to_pandas()`` convert it.
A row becomes a record in exactly one way (``outcome_record``, ``status_record``), which the
command line's ``--json`` output uses too, so the two never disagree::

    result = batchzoom.schedule("spring.xlsx", sandbox=True)
    if result.exit_code:            # 3 invalid rows, 4 failed or deferred rows
        for problem in result.problems:
            print(problem.row, problem.column, problem.message)
    frame = result.to_pandas()      # one row per roster row (pip install 'batchzoom[pandas]')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

# The types a result is made of, public as ``batchzoom.RowOutcome``, ``Problem``, ``Progress``.
from batchzoom.files.results import Progress
from batchzoom.model import local_times, times
from batchzoom.model.outcomes import RowOutcome
from batchzoom.model.problems import Problem

if TYPE_CHECKING:
    import pandas

    from batchzoom.engine.audit import (
        HostQuota,
        MeetingCheck,
        ReconcileReport,
        RowStatus,
        StatusReport,
    )
    from batchzoom.engine.registrations import Registered
    from batchzoom.engine.settings import Settings
    from batchzoom.files.results import Loaded, RunReport

__all__ = [
    "Problem",
    "Progress",
    "ReconcileResult",
    "Result",
    "RowOutcome",
    "StatusResult",
    "attendees_record",
    "check_record",
    "outcome_record",
    "status_record",
]


def outcome_record(outcome: RowOutcome, *, include_password: bool = False) -> dict[str, Any]:
    """One row's outcome as a record: no start URL; without ``include_password`` no passcode
    and a join link without ``pwd=`` (which lets anyone in without the passcode)."""
    from batchzoom.files.ics import without_passcode

    join_url = outcome.join_url
    if join_url is not None and not include_password:
        join_url = without_passcode(join_url)
    return {
        "row": outcome.row,
        "id": outcome.key,
        "status": outcome.status,
        "host": outcome.host,
        "topic": outcome.topic,
        "start_time": outcome.start_time or outcome.start_utc,
        "meeting_id": outcome.meeting_id,
        "join_url": join_url,
        **({"password": outcome.password} if include_password else {}),
        "error": outcome.error,
        "start_local": _start_local(outcome.start_time or outcome.start_utc, outcome.timezone),
    }


ATTENDEE_COUNTS = ("added", "existing", "deferred", "failed", "in_doubt", "cancelled", "held")


def attendees_record(registered: Registered, *, include_password: bool = False) -> dict[str, Any]:
    """What registering did, as ``--json``'s ``attendees``: the counts (``cancelled``: left
    the sheet, so cancelled on Zoom; ``held``: of rows changed since their meeting was
    created, left for sync) and one record per attendee row: its row, session, email,
    status and error. A person's own join link lets anyone in as them, so it is there
    only with ``include_password``, the option that puts the meetings' passcodes in."""
    from batchzoom.engine.registrations import results_of

    records = [record for record in registered.records if record.excel_row is not None]
    people = []
    for record, result in zip(records, results_of(registered), strict=True):
        person: dict[str, Any] = {
            "row": result.row,
            "session": result.session,
            "email": record.email,
            "status": result.status,
            "error": result.error,
        }
        if include_password:
            person["join_url"] = result.join_url
        people.append(person)
    return {
        "counts": {name: getattr(registered, name) for name in ATTENDEE_COUNTS},
        "rows": people,
    }


def status_record(row: RowStatus, now: datetime) -> dict[str, Any]:
    """One row's state in the journal as a record (no passcodes, join or start URLs)."""
    return {
        "row": row.row,
        "id": row.key,
        "status": row.status,
        "account": row.account,
        "host": row.host,
        "topic": row.topic,
        "start_utc": row.start_utc,
        "meeting_id": row.meeting_id,
        "start_time": row.start_time,
        "resume_at": times.utc_text(row.resume_at) if row.resume_at else None,
        "error": row.error,
        "detail": row.detail(now, local=False),
        "start_local": _start_local(row.start_time or row.start_utc, row.timezone),
    }


def _start_local(start: str | None, zone: str | None) -> str | None:
    """The start as the wall time in the row's zone, ``YYYY-MM-DDTHH:MM:SS`` (None: no
    start, or no zone)."""
    wall = local_times.wall_time(start, zone)
    return None if wall is None else times.local_text(wall)


def _frame(records: Sequence[dict[str, Any]], columns: Sequence[str]) -> pandas.DataFrame:
    import pandas

    return pandas.DataFrame.from_records(list(records), columns=list(columns))


OUTCOME_COLUMNS = (
    "row", "id", "status", "host", "topic", "start_time", "meeting_id", "join_url", "error",
)  # fmt: skip


@dataclass(frozen=True)
class Result:
    """The result of ``validate``, ``schedule`` or ``sync`` on one roster.

    ``rows`` holds every row's outcome, in roster order: for ``validate`` and a run refused
    for invalid rows, each row is ``planned`` (valid) or ``invalid``. ``exit_code`` is the
    command line's: 0 done, 3 invalid rows, 4 rows (or attendees' registrations) failed,
    deferred or in doubt (run again later).
    """

    command: str
    roster: str
    rows: tuple[RowOutcome, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]
    exit_code: int
    dry_run: bool = False
    sent: bool = False  # whether the run went on to Zoom (False: refused for invalid rows)
    output: Path | None = None  # the result sheet written, if any
    report: Path | None = None  # the HTML report written, if any
    calendar_events: int | None = None  # events written to ``ics``, if asked for
    attendee_calendars: int | None = None  # files written to ``ics_per_attendee``
    tokens_fetched: int = 0
    requests: int = 0
    planned_requests: tuple[dict[str, Any], ...] = ()  # a dry run: host, body (passcode masked)
    # What the command line renders its output from.
    loaded: Loaded | None = field(default=None, repr=False, compare=False)
    run: RunReport | None = field(default=None, repr=False, compare=False)
    settings: Settings | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """Every row is done (or, for ``validate``, valid)."""
        return self.exit_code == 0

    @property
    def counts(self) -> dict[str, int]:
        """How many rows ended in each status (every status, zero included, as ``--json``)."""
        from batchzoom.model.outcomes import Status

        return {status: sum(r.status == status for r in self.rows) for status in get_args(Status)}

    @property
    def registered(self) -> Registered | None:
        """What registering the attendees did (None: no attendee sheet, or nothing sent)."""
        return getattr(self.run, "registered", None)

    def attendees(self, *, include_password: bool = False) -> dict[str, Any] | None:
        """What registering did, as ``--json``'s ``attendees`` (``attendees_record``)."""
        registered = self.registered
        if registered is None:
            return None
        return attendees_record(registered, include_password=include_password)

    def panelists(self) -> dict[str, int]:
        """What keeping webinar panelists did, as ``--json``'s keys: ``panelists_added``
        (``schedule`` and ``sync``) and ``panelists_removed`` (``sync``, which alone removes);
        empty when the run went nowhere near Zoom."""
        document: dict[str, int] = {}
        for key in ("panelists_added", "panelists_removed"):
            value = getattr(self.run, key, None)
            if isinstance(value, int):
                document[key] = value
        return document

    def to_records(self, *, include_password: bool = False) -> list[dict[str, Any]]:
        """One dict per row, as ``--json`` prints them (passcodes only when asked for)."""
        return [outcome_record(row, include_password=include_password) for row in self.rows]

    def to_pandas(self, *, include_password: bool = False) -> pandas.DataFrame:
        """The records as a DataFrame (needs the ``pandas`` extra)."""
        columns = list(OUTCOME_COLUMNS)
        if include_password:
            columns.insert(columns.index("join_url") + 1, "password")
        return _frame(self.to_records(include_password=include_password), columns)


STATUS_COLUMNS = (
    "row", "id", "status", "account", "host", "topic", "start_utc", "meeting_id",
    "start_time", "resume_at", "error", "detail",
)  # fmt: skip


@dataclass(frozen=True)
class StatusResult:
    """Where each row of a roster stands in the journal (``batchzoom.status``); no Zoom call."""

    roster: str
    journal: Path
    journal_exists: bool
    account: str | None  # the account shown (None: every account)
    rows: tuple[RowStatus, ...]  # the roster's rows
    not_in_roster: tuple[RowStatus, ...]  # journal entries whose row is gone
    quota: tuple[HostQuota, ...]  # today's creates and updates per host
    now: datetime
    exit_code: int = 0
    report: Path | None = None
    status: StatusReport | None = field(default=None, repr=False, compare=False)
    loaded: Loaded | None = field(default=None, repr=False, compare=False)

    @property
    def counts(self) -> dict[str, int]:
        """How many of the roster's rows are in each state (every state, as ``--json``)."""
        from batchzoom.engine.audit import ROW_STATES

        return {state: sum(r.status == state for r in self.rows) for state in ROW_STATES}

    def to_records(self) -> list[dict[str, Any]]:
        return [status_record(row, self.now) for row in self.rows]

    def to_pandas(self) -> pandas.DataFrame:
        return _frame(self.to_records(), STATUS_COLUMNS)


def check_record(check: MeetingCheck) -> dict[str, Any]:
    """One journalled meeting checked against Zoom, as a record."""
    return {
        "row": check.row,
        "meeting_id": check.meeting_id,
        "host": check.host,
        "result": check.verdict,
        "topic": check.topic,
        "start_time": check.start_time,
        "zoom_topic": check.zoom_topic,
        "zoom_start_time": check.zoom_start_time,
        "changed": list(check.changed),
        "error": check.error,
    }


CHECK_COLUMNS = (
    "row", "meeting_id", "host", "result", "topic", "start_time", "zoom_topic",
    "zoom_start_time", "changed", "error",
)  # fmt: skip


@dataclass(frozen=True)
class ReconcileResult:
    """Every meeting the journal recorded, checked against Zoom (``batchzoom.reconcile``);
    nothing on Zoom or in the journal is changed. ``exit_code`` 4: some were deleted or
    changed there, or could not be checked."""

    journal: Path
    account: str
    checks: tuple[MeetingCheck, ...]
    other_accounts: int  # meetings journalled under other accounts (not checked)
    exit_code: int
    report: ReconcileReport = field(repr=False, compare=False)

    @property
    def counts(self) -> dict[str, int]:
        return self.report.counts()

    def to_records(self) -> list[dict[str, Any]]:
        return [check_record(check) for check in self.checks]

    def to_pandas(self) -> pandas.DataFrame:
        return _frame(self.to_records(), CHECK_COLUMNS)
