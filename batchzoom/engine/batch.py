"""A scheduling run: roster in, meetings created exactly once, result sheet out.

``load`` reads and validates a roster. ``schedule`` then, under the roster's
lock and with every step journalled:

1. sorts each valid row into existing (already has a meeting), deferred (a
   daily limit said "not before ..."), in doubt (a create was sent but never
   answered) or new;
2. settles the rows in doubt by listing their hosts' meetings;
3. creates the new rows with bounded concurrency under one token;
4. writes the result sheet, rebuilt from the journal.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeVar, get_args

import httpx

from batchzoom.core.errors import (
    AuthError,
    BatchzoomError,
    InterruptedRunError,
    OutputError,
    ZoomUnreachableError,
)
from batchzoom.engine.journal import Journal, default_path
from batchzoom.engine.journal_file import Entry
from batchzoom.engine.lock import RunLock
from batchzoom.engine.settings import Settings
from batchzoom.files.roster import Roster, SourceInfo
from batchzoom.files.writeback import (
    WriteOutcome,
    check_target,
    remove_stale_temporaries,
    write_results,
)
from batchzoom.model import recurrence, times
from batchzoom.model.outcomes import DAILY_CREATE_LIMIT, RowOutcome, Status, row_key
from batchzoom.model.problems import Problem
from batchzoom.model.rows import Session, Validation
from batchzoom.zoom import (
    DailyLimitError,
    InDoubtError,
    RateLimits,
    RetryPolicy,
    ZoomClient,
    ZoomRequestError,
    ZoomSettings,
    default_concurrency,
)
from batchzoom.zoom.meetings import create_body, fingerprint
from batchzoom.zoom.probes import HostProbes

CREATE_TRIES = 5  # creates of one row in one run while each ends in doubt and is not found


@dataclass(frozen=True)
class Loaded:
    """A roster read and validated, ready to schedule."""

    roster: Roster
    validation: Validation


@dataclass(frozen=True)
class Progress:
    """Sent to the progress callback after every row that needed Zoom."""

    total: int
    done: int
    created: int
    failed: int
    deferred: int
    outcome: RowOutcome | None = None  # the row just settled
    updated: int = 0  # sync only
    cancelled: int = 0  # sync only


@dataclass
class RunReport:
    outcomes: list[RowOutcome]
    problems: list[Problem]
    warnings: list[str] = field(default_factory=list)
    output: WriteOutcome | None = None
    tokens_fetched: int = 0
    requests: int = 0
    rate_limited: int = 0
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        """How many rows ended in each status (every status, zero included)."""
        counts = Counter(outcome.status for outcome in self.outcomes)
        return {status: counts.get(status, 0) for status in get_args(Status)}


ProgressCallback = Callable[[Progress], None]


def invalid_outcomes(validation: Validation) -> dict[int, RowOutcome]:
    messages: dict[int, list[str]] = defaultdict(list)
    for problem in validation.problems:
        if problem.row is not None:
            where = f"{problem.column}: " if problem.column else ""
            messages[problem.row].append(where + problem.message)
    return {
        row: RowOutcome(
            row=row, status="invalid", error=" ".join(messages.get(row, ["invalid row"]))
        )
        for row in validation.invalid_rows
    }


def row_info(session: Session, key: str) -> dict[str, Any]:
    """What the journal keeps about a row besides its meeting."""
    return {
        "row_key": key,
        "host": session.host,
        "topic": session.topic,
        "start_utc": session.start_utc,
        "fingerprint": fingerprint(create_body(session)),
        "excel_row": session.row,
    }


CHANGED = (
    "This row's meeting details changed after its meeting was created; Zoom still has the "
    "earlier ones: run batchzoom sync to update Zoom, or restore the row."
)
CANCELLED = "Cancelled in the sheet; run batchzoom sync to delete its meeting on Zoom."
DELETING = (
    "A cancellation of this row's meeting did not finish; run batchzoom sync to finish it, "
    "or to keep the meeting if the row is no longer cancelled."
)


def row_outcome(session: Session, status: Status, **values: Any) -> RowOutcome:
    return RowOutcome(
        row=session.row,
        status=status,
        key=session.key,
        row_key=row_key(session),
        host=session.host,
        topic=session.topic,
        start_utc=session.start_utc,
        **values,
    )


def from_entry(session: Session, entry: Entry, status: Status) -> RowOutcome:
    return row_outcome(
        session,
        status,
        meeting_id=entry.meeting_id,
        join_url=entry.join_url,
        password=entry.password,
        start_time=entry.start_time,
        error=entry.error,
        resume_at=entry.resume_at if status == "deferred" else None,
    )


def is_meeting_of(meeting: Mapping[str, Any], session: Session) -> bool:
    """Whether a meeting Zoom lists (same host and topic) is the one created for ``session``.

    Zoom lists a meeting at its start; but a recurring meeting at its next occurrence,
    and a meeting created with a start already past at its creation time.
    """
    listed = str(meeting.get("start_time", ""))
    if listed == session.start_utc:
        return True
    if session.recurrence is not None:
        starts = recurrence.occurrences(session.start, session.timezone, session.recurrence)
        return listed in {times.utc_text(start) for start in starts}
    created = str(meeting.get("created_at", ""))
    return (
        bool(created)
        and session.start_utc < created
        and listed >= session.start_utc
        and meeting.get("duration") == session.duration
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


class Run:
    """The state of one scheduling run; one instance per call of ``schedule``."""

    def __init__(
        self,
        client: ZoomClient,
        journal: Journal,
        claimed: set[int],
        probes: HostProbes | None = None,
    ) -> None:
        self.client = client
        self.journal = journal
        self.claimed = claimed  # meeting ids already belonging to some row
        self.probes = probes or HostProbes()  # hosts an earlier run found at the daily limit
        self.parked: dict[str | None, DailyLimitError] = {}  # host (None: whole account)
        self.fatal: BatchzoomError | None = None
        self.lock = threading.Lock()
        # The run's clock: a recurring series whose start has passed (--allow-past) is sent
        # from its first occurrence still ahead (see ``create_body``).
        self.now: Callable[[], datetime] | None = None

    def defer_update(self, session: Session, entry: Entry, limit: DailyLimitError) -> RowOutcome:
        """An update refused by the daily limit: park the host; the meeting keeps its old details."""
        with self.lock:
            self.parked.setdefault(limit.host.lower() if limit.host else None, limit)
        return replace(from_entry(session, entry, "deferred"), error=f"Deferred: {limit}")

    def stop(self, reason: BatchzoomError) -> None:
        """Send no more creates this run (those in flight finish)."""
        with self.lock:
            self.fatal = self.fatal or reason

    def parked_for(self, host: str) -> DailyLimitError | None:
        with self.lock:
            return self.parked.get(None) or self.parked.get(host.lower())

    def settle(
        self, host: str, items: list[tuple[Session, str]]
    ) -> tuple[dict[str, dict[str, Any]], list[tuple[Session, str]]]:
        """Look for the meetings of ``items`` (all hosted by ``host``) in one listing.

        Returns the meetings found, by row key (now journalled as created), and
        the items Zoom has no meeting for, which are safe to create.
        """
        listed: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for meeting in self.client.settling_listing(
            host, lambda ms: all(any(is_meeting_of(m, s) for m in ms) for s, _ in items)
        ):
            listed[meeting.get("topic", "")].append(meeting)
        found: dict[str, dict[str, Any]] = {}
        absent = []
        for session, key in items:
            with self.lock:
                candidates = [
                    m
                    for m in listed[session.topic]
                    if int(m["id"]) not in self.claimed and is_meeting_of(m, session)
                ]
                if candidates:
                    self.claimed.add(int(candidates[0]["id"]))
            if not candidates:
                self.journal.record_absent(key)
                absent.append((session, key))
                continue
            meeting = self.client.get_meeting(int(candidates[0]["id"])) or candidates[0]
            self.journal.record_found(
                **row_info(session, key), meeting=meeting, body=create_body(session)
            )
            found[key] = meeting
        return found, absent

    def create(self, session: Session, key: str) -> RowOutcome:
        """Create one row's meeting; a host deferred by an earlier run is probed once first."""
        with self.probes.turn(session.host):
            return self._create_now(session, key)

    def _create_now(self, session: Session, key: str) -> RowOutcome:
        """Create one row's meeting; every path leaves the journal telling the truth."""
        if self.fatal is not None:
            return row_outcome(session, "failed", error=f"Not sent: {self.fatal}")
        parked = self.parked_for(session.host)
        if parked is not None:
            return self._defer(session, key, parked)
        body = create_body(session)
        sent = create_body(session, now=self.now()) if self.now is not None else body
        for _ in range(CREATE_TRIES):
            self.journal.record_intent(**row_info(session, key), body=body)
            try:
                meeting = self.client.create_meeting(session.host, sent)
            except InDoubtError as doubt:
                try:
                    found, _ = self.settle(session.host, [(session, key)])
                except BatchzoomError as error:
                    return self._stop_or_fail(session, error, in_doubt=doubt)
                if key in found:
                    return self._created(session, found[key])
                continue  # Zoom has no such meeting: safe to send again
            except DailyLimitError as limit:
                with self.lock:
                    self.parked.setdefault(limit.host.lower() if limit.host else None, limit)
                return self._defer(session, key, limit)
            except ZoomRequestError as refused:
                self.journal.record_failed(key, str(refused))
                return row_outcome(session, "failed", error=str(refused))
            except BatchzoomError as error:
                return self._stop_or_fail(session, error)
            with self.lock:
                self.claimed.add(int(meeting["id"]))
            self.journal.record_created(key, meeting)
            return self._created(session, meeting)
        message = f"Zoom did not confirm the meeting after {CREATE_TRIES} tries; run again later."
        self.journal.record_failed(key, message)
        return row_outcome(session, "failed", error=message)

    def _created(self, session: Session, meeting: dict[str, Any]) -> RowOutcome:
        return row_outcome(
            session,
            "created",
            meeting_id=int(meeting["id"]),
            join_url=meeting.get("join_url"),
            password=meeting.get("password"),
            start_time=meeting.get("start_time"),
            start_url=meeting.get("start_url"),
        )

    def _defer(self, session: Session, key: str, limit: DailyLimitError) -> RowOutcome:
        message = f"Deferred: {limit}"
        if self.journal.get(key) is not None:
            self.journal.record_deferred(key, limit.resume_at, message)
        else:
            self.journal.note(
                **row_info(session, key),
                state="deferred",
                error=message,
                resume_at=limit.resume_at,
            )
        return row_outcome(session, "deferred", error=message, resume_at=limit.resume_at)

    def _stop_or_fail(
        self, session: Session, error: BatchzoomError, in_doubt: InDoubtError | None = None
    ) -> RowOutcome:
        if isinstance(error, AuthError | ZoomUnreachableError):
            self.stop(error)
        note = (
            " The meeting may exist; the next run checks Zoom before creating it."
            if in_doubt
            else ""
        )
        return row_outcome(session, "failed", error=f"{error}{note}")


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
    source: SourceInfo, options: Settings, *, account: str, create: bool = True
) -> Iterator[Journal | None]:
    """Hold the roster's lock and open its journal (None when ``create`` is off and there is none)."""
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
            journal.check_roster(source.path, record=create)
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
        report.warnings = [
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
        with zoom_run(settings, journal, claimed, report, limits=limits, retry=options.retry,
                      workers=workers, transport=transport,
                      probes=HostProbes(s.host for s, _ in deferred)) as run:  # fmt: skip
            run.now = now
            doubtful += verify_sheet_ids(run, unverified, outcomes)
            settle_all(run, doubtful, outcomes, new, workers, sent_earlier)
            create_all(run, new, outcomes, workers, progress)
        write_sheet(report, loaded, outcomes, journal, options)
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
        run.journal.record_found(
            **row_info(session, key), meeting=meeting, body=create_body(session)
        )
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


@contextmanager
def zoom_run(
    settings: ZoomSettings,
    journal: Journal,
    claimed: set[int],
    report: RunReport,
    *,
    limits: RateLimits,
    retry: RetryPolicy | None,
    workers: int,
    transport: httpx.BaseTransport | None,
    probes: HostProbes | None = None,
) -> Iterator[Run]:
    """One Zoom client for the run; its request counts land in ``report`` however it ends."""
    with ZoomClient(
        settings, limits=limits, retry=retry, max_connections=workers, transport=transport
    ) as client:
        try:
            yield Run(client, journal, claimed, probes)
        finally:
            report.tokens_fetched = client.tokens_fetched
            report.requests = client.stats["requests"]
            report.rate_limited = client.stats["qps_429"]


def settle_all(
    run: Run,
    doubtful: list[tuple[Session, str]],
    outcomes: dict[int, RowOutcome],
    new: list[tuple[Session, str]],
    workers: int,
    sent_earlier: set[str] | frozenset[str] = frozenset(),
) -> None:
    """Rows that may already exist on Zoom: list each host once (hosts in parallel) and match.

    A meeting found for a row whose create an earlier run sent is ``created`` (no sheet
    has shown it yet); one found for any other row was there before: ``existing``.
    """
    by_host: dict[str, list[tuple[Session, str]]] = defaultdict(list)
    for session, key in doubtful:
        by_host[session.host].append((session, key))

    def settle(host: str) -> None:
        items = by_host[host]
        try:
            found, absent = run.settle(host, items)
        except (AuthError, ZoomUnreachableError):
            raise
        except BatchzoomError as error:
            for session, key in items:
                message = f"Zoom could not list the meetings of host {host}: {error}"
                run.journal.note(**row_info(session, key), state="failed", error=message)
                outcomes[session.row] = row_outcome(session, "failed", error=message)
            return
        for session, key in items:
            if key in found:
                outcome = run._created(session, found[key])
                if key not in sent_earlier:
                    outcome = replace(outcome, status="existing", start_url=None)
                outcomes[session.row] = outcome
        new.extend(absent)

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(by_host)))) as pool:
        for future in [pool.submit(settle, host) for host in by_host]:
            future.result()


T = TypeVar("T")


def apply_all(
    run: Run,
    items: Sequence[T],
    do: Callable[[T], RowOutcome],
    record: Callable[[T, RowOutcome], None],
    workers: int,
    progress: ProgressCallback | None,
) -> None:
    """``do`` every item on one pool of ``workers`` (creates, updates, deletes alike),
    ``record`` each outcome and report progress after each; under the run's token,
    pacing and retry policy, since every request goes through ``run.client``."""
    tally: Counter[str] = Counter()
    lock = threading.Lock()

    def one(item: T) -> None:
        outcome = do(item)
        with lock:
            record(item, outcome)
            tally[outcome.status] += 1
            tally["done"] += 1
            snapshot = Progress(
                total=len(items),
                done=tally["done"],
                created=tally["created"],
                failed=tally["failed"],
                deferred=tally["deferred"],
                outcome=outcome,
                updated=tally["updated"],
                cancelled=tally["cancelled"],
            )
        if progress is not None:
            progress(snapshot)

    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="batchzoom")
    try:
        for future in [pool.submit(one, item) for item in items]:
            future.result()
    except BaseException:
        # Ctrl-C or a bug: finish the requests in flight (so the journal knows
        # their fate), start no new ones.
        run.stop(
            InterruptedRunError("The run was interrupted; run the same command again to continue.")
        )
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def create_all(
    run: Run,
    new: list[tuple[Session, str]],
    outcomes: dict[int, RowOutcome],
    workers: int,
    progress: ProgressCallback | None,
) -> None:
    """Create the meetings of ``new`` rows; each outcome lands in ``outcomes``."""

    def record(item: tuple[Session, str], outcome: RowOutcome) -> None:
        outcomes[outcome.row] = outcome

    apply_all(run, new, lambda item: run.create(*item), record, workers, progress)


def write_sheet(
    report: RunReport,
    loaded: Loaded,
    outcomes: dict[int, RowOutcome],
    journal: Journal | None,
    options: Settings,
) -> RunReport:
    report.outcomes = [outcomes[row] for row in sorted(outcomes)]
    try:
        report.output = _write_results(loaded, report, options)
    except OutputError as error:
        if options.dry_run:  # the plan is the point of a dry run; the sheet is a bonus
            report.warnings.append(f"The planned sheet was not written: {error}")
            return report
        raise OutputError(
            f"{str(error).rstrip('.')}; the meetings are made and kept in the journal, so "
            "running again once this is fixed writes the sheet without creating anything twice."
        ) from None
    if journal is not None and not options.dry_run:
        journal.mark_reported(
            [o.row_key for o in report.outcomes if o.status == "created" and o.row_key]
        )
    return report


def _write_results(loaded: Loaded, report: RunReport, options: Settings) -> WriteOutcome:
    return write_results(
        loaded.roster.source,
        {outcome.row: outcome.result() for outcome in report.outcomes},
        output=options.output,
        in_place=options.in_place,
        include_start_url=options.include_start_url,
        include_host=any(session.pool for session in loaded.validation.sessions),
    )
