"""One run on one roster, shared by ``schedule`` and ``sync``: its files, its lock, its journal,
its result sheet.

- ``RunPaths`` works out, once, where a roster's journal, lock and sandbox state live
  (``--state``, else ``<name>.batchzoom.db`` beside the roster).
- ``holding_lock`` takes the roster's lock; a command holds it from *before* it first
  reads the journal (``planning.load`` reads it) until its result sheet is written, so
  another run never changes the journal in between. ``locked_journal`` takes the lock
  unless its caller holds it already, and opens the journal.
- ``write_sheet`` writes the result sheet from the run's outcomes.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from batchzoom.core.errors import InterruptedRunError, OutputError
from batchzoom.core.i18n import N_, _
from batchzoom.engine.journal import Journal, default_path, read_journal
from batchzoom.engine.journal.reading import JournalContents
from batchzoom.engine.lock import RunLock
from batchzoom.engine.settings import Settings
from batchzoom.files.records import RECORDS, write_records
from batchzoom.files.results import Loaded, RunReport
from batchzoom.files.roster import SourceInfo
from batchzoom.files.writeback import (
    WriteOutcome,
    remove_stale_temporaries,
    write_results,
)
from batchzoom.model.columns import result_columns
from batchzoom.model.outcomes import RowOutcome, row_key, row_outcome
from batchzoom.model.rows import Session

NO_ACCOUNT = "-"  # the journal's account of a dry run that knows none
REACHED_SHEET = frozenset({"created", "updated"})  # outcomes whose news the sheet now shows


@dataclass(frozen=True)
class RunPaths:
    """Where one roster's run keeps its files."""

    roster: Path
    journal: Path
    explicit: bool  # the journal was named (--state), so it must exist for a read-only command

    @classmethod
    def of(cls, roster: Path, state: Path | None) -> RunPaths:
        return cls(roster, state or default_path(roster), state is not None)

    @classmethod
    def for_settings(cls, roster: Path, settings: Settings) -> RunPaths:
        return cls.of(roster, settings.state)

    @property
    def lock(self) -> Path:
        return self.journal.with_suffix(".lock")

    @property
    def sandbox_state(self) -> Path:
        """The ``--sandbox`` account's meetings, kept beside the journal between runs."""
        return self.journal.with_suffix(".sandbox.json")

    def read(self, day: str, *, must_exist: bool = False) -> JournalContents:
        """The journal's contents, read without changing it (or waiting for a lock)."""
        return read_journal(self.journal, day=day, must_exist=must_exist)


# The lock files this context holds through ``holding_lock``: the run's own later steps
# (``locked_journal``) pass through, anything else waits for the lock like another run.
_HELD: ContextVar[frozenset[Path]] = ContextVar("batchzoom_held_locks", default=frozenset())


@contextmanager
def holding_lock(paths: RunPaths, options: Settings, *, create: bool = True) -> Iterator[bool]:
    """Hold the roster's lock (yields whether it is held), unless this run already does.

    When ``create`` is off (a dry run) and the folder cannot be written, no lock is taken:
    such a run writes nothing.
    """
    lock = paths.lock.absolute()
    if lock in _HELD.get():
        yield True
        return
    held = create or os.access(paths.lock.parent, os.W_OK)
    if not held:
        yield False
        return
    with RunLock(paths.lock, wait=options.wait, what=paths.roster.name):
        token = _HELD.set(_HELD.get() | {lock})
        try:
            yield True
        finally:
            _HELD.reset(token)


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
    paths = RunPaths.for_settings(source.path, options)
    with holding_lock(paths, options, create=create) as held:
        if held:
            remove_stale_temporaries(source)  # left by a run that was killed while writing
        existed = paths.journal.exists()
        if not create and not existed:
            yield None
            return
        left_empty = False
        try:
            with Journal(
                paths.journal, account=account, now=options.now, read_only=not create
            ) as journal:
                try:
                    rows = {row_key(s): s.meeting_id for s in sessions}
                    note = journal.check_roster(
                        source.path, record=create, sheet=source.sheet, rows=rows
                    )
                    if note is not None and notes is not None:
                        notes.append(note)
                    yield journal
                finally:
                    left_empty = create and not existed and journal.holds_nothing()
        finally:
            if left_empty:  # a run that recorded nothing (refused credentials) leaves no journal
                remove_journal(paths.journal)


def remove_journal(path: Path) -> None:
    """Delete a journal this run made and left empty, with SQLite's side files."""
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            part.unlink()


INTERRUPTED = N_("The run was interrupted; run the same command again to continue.")
NOT_SENT = N_("Not sent: the run was interrupted; run the same command again to continue.")


@contextmanager
def interrupted(
    report: RunReport,
    loaded: Loaded,
    outcomes: dict[int, RowOutcome],
    journal: Journal,
    options: Settings,
    sessions: Iterable[Session],
) -> Iterator[None]:
    """On Ctrl-C (once the requests in flight have finished): write the results of what
    was done, as the options say, then raise ``InterruptedRunError`` carrying the report.

    A row not reached is ``failed`` with "Not sent"; the journal knows every row sent.
    """
    try:
        yield
    except KeyboardInterrupt:
        for session in sessions:
            if session.row not in outcomes:
                outcomes[session.row] = row_outcome(session, "failed", error=_(NOT_SENT))
        report.interrupted = True
        with contextlib.suppress(OutputError):  # the journal keeps it all for the next run
            write_sheet(report, loaded, outcomes, journal, options)
        raise InterruptedRunError(_(INTERRUPTED), report=report) from None


def dry_run_account(paths: RunPaths, account: str | None, day: str) -> str:
    """The account whose journal entries a dry run shows: the run's, else the journal's only one."""
    if account is not None:
        return account
    if not paths.journal.exists():
        return NO_ACCOUNT
    accounts = paths.read(day).accounts()
    return accounts[0] if len(accounts) == 1 else NO_ACCOUNT


def write_sheet(
    report: RunReport,
    loaded: Loaded,
    outcomes: dict[int, RowOutcome],
    journal: Journal | None,
    options: Settings,
) -> RunReport:
    """The outcomes into the report, and the result sheet written as the options say.

    A dry run writes a sheet only to an explicit ``--output``: never over the roster
    (``--in-place``) nor over the result sheet of a real run.
    """
    report.outcomes = [outcomes[row] for row in sorted(outcomes)]
    if options.dry_run and (options.output is None or options.in_place):
        return report
    try:
        our_last = journal.roster_written() if journal is not None else None
        report.output = _write_results(loaded, report, options, our_last)
    except OutputError as error:
        if options.dry_run:  # the plan is the point of a dry run; the sheet is a bonus
            report.warnings.append(
                _("The planned sheet was not written: {error}").format(error=error)
            )
            return report
        raise OutputError(
            _(
                "{error}; the meetings are made and kept in the journal, so running again "
                "once this is fixed writes the sheet without creating anything twice."
            ).format(error=str(error).rstrip("."))
        ) from None
    if journal is not None and not options.dry_run:
        if report.output is not None and report.output.roster_sha256 is not None:
            journal.record_roster_written(report.output.roster_sha256)
        # A row created or updated now has its link and details in this sheet: the next
        # ``schedule`` calls it ``existing``.
        journal.mark_reported(
            [o.row_key for o in report.outcomes if o.status in REACHED_SHEET and o.row_key]
        )
    return report


def _write_results(
    loaded: Loaded, report: RunReport, options: Settings, our_last: str | None
) -> WriteOutcome | None:
    """The result sheet written; a DataFrame's or records' results only to an explicit output."""
    results = {outcome.row: outcome.result() for outcome in report.outcomes}
    include_host = any(session.pool for session in loaded.validation.sessions)
    if loaded.roster.source.format == RECORDS:
        if options.output is None:
            return None
        columns = result_columns(
            include_host=include_host, include_start_url=options.include_start_url
        )
        path = write_records(loaded.roster, results, options.output, columns)
        return WriteOutcome(path, None, False, None)
    return write_results(
        loaded.roster.source,
        results,
        output=options.output,
        in_place=options.in_place,
        include_start_url=options.include_start_url,
        include_host=include_host,
        our_last=our_last,
    )
