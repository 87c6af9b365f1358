"""One run against Zoom, the engine shared by ``schedule`` and ``sync``.

A ``Run`` holds one Zoom client (one token, one pacer per rate-limit category, one
retry policy) and the journal; ``apply_all`` does any mix of creates, updates and
deletes on one pool of workers, journalling each step and reporting progress after
each row; ``settle_all`` settles the rows that may already exist on Zoom with one
listing per host.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import Any, TypeVar

import httpx

from batchzoom.core.errors import (
    AuthError,
    BatchzoomError,
    InterruptedRunError,
    ZoomUnreachableError,
)
from batchzoom.core.i18n import _
from batchzoom.engine.connection import zoom_client
from batchzoom.engine.journal import Entry, Journal, RowInfo
from batchzoom.engine.settings import Settings
from batchzoom.files.results import Progress, ProgressCallback, RunReport
from batchzoom.model import recurrence, times
from batchzoom.model.local_times import local_then_utc
from batchzoom.model.outcomes import RowOutcome, Status, row_outcome
from batchzoom.model.rows import WEBINAR, Session
from batchzoom.zoom import (
    DailyLimitError,
    InDoubtError,
    ZoomClient,
    ZoomRequestError,
)
from batchzoom.zoom.meetings import create_body, fingerprint, sent_body
from batchzoom.zoom.probes import HostProbes
from batchzoom.zoom.webinars import WebinarLicenceError

CREATE_TRIES = 5  # creates of one row in one run while each ends in doubt and is not found


def row_info(session: Session, key: str, body: dict[str, Any] | None = None) -> RowInfo:
    """What the journal keeps about a row besides its meeting (``body``: its create body,
    when the caller has built it already)."""
    return RowInfo(
        row_key=key,
        host=session.host,
        topic=session.topic,
        start_utc=session.start_utc,
        fingerprint=fingerprint(body if body is not None else create_body(session)),
        excel_row=session.row,
    )


def deferred_error(limit: DailyLimitError, zone: str | None) -> str:
    """``Deferred: ...; run again after 2026-12-08 09:00 KST (00:00 UTC).``: the limit's
    sentence, its time in the row's zone first."""
    return _("Deferred: {limit}").format(
        limit=limit.sentence(local_then_utc(limit.resume_at, zone))
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


class Run:
    """The state of one scheduling run; one instance per call of ``schedule``."""

    def __init__(
        self,
        client: ZoomClient,
        journal: Journal,
        claimed: set[int],
        probes: HostProbes | None = None,
        *,
        now: Callable[[], datetime],
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
        self.now = now

    def defer_update(self, session: Session, entry: Entry, limit: DailyLimitError) -> RowOutcome:
        """An update refused by the daily limit: park the host; the meeting keeps its old details."""
        with self.lock:
            self.parked.setdefault(limit.host.lower() if limit.host else None, limit)
        error = deferred_error(limit, session.timezone)
        return replace(from_entry(session, entry, "deferred"), error=error)

    def stop(self, reason: BatchzoomError) -> None:
        """Send no more creates this run (those in flight finish)."""
        with self.lock:
            self.fatal = self.fatal or reason

    def parked_for(self, host: str) -> DailyLimitError | None:
        with self.lock:
            return self.parked.get(None) or self.parked.get(host.lower())

    def settle(
        self, host: str, items: list[tuple[Session, str]], *, recent: bool = True
    ) -> tuple[dict[str, dict[str, Any]], list[tuple[Session, str]]]:
        """Look for the meetings of ``items`` (all hosted by ``host``) in one listing.

        Returns the meetings found, by row key (now journalled as created), and
        the items Zoom has no meeting for, which are safe to create. ``recent``: a create
        of an item may have been sent moments ago, so a meeting missing from the listing
        is listed again after Zoom's listing lag; without it (no item was ever sent with
        this journal, which records every create before sending it) one listing is all.
        Webinar rows are looked for in the host's webinars (``GET /users/{userId}/webinars``),
        in one listing of their own.
        """
        found: dict[str, dict[str, Any]] = {}
        absent: list[tuple[Session, str]] = []
        for webinar in (False, True):
            part = [(s, k) for s, k in items if (s.kind == WEBINAR) == webinar]
            if part:
                more_found, more_absent = self._settle_kind(
                    host, part, webinar=webinar, recent=recent
                )
                found |= more_found
                absent += more_absent
        return found, absent

    def listed(
        self, host: str, items: list[tuple[Session, str]], *, webinar: bool, recent: bool
    ) -> list[dict[str, Any]]:
        """The host's meetings (or webinars); with ``recent``, listed again after Zoom's
        listing lag when one looked for is missing."""

        def complete(ms: list[dict[str, Any]]) -> bool:
            return all(any(is_meeting_of(m, s) for m in ms) for s, _ in items)

        if not webinar and recent:
            return self.client.settling_listing(host, complete)
        if not webinar:
            return self.client.listing(host)
        if recent:
            return [dict(w.raw) for w in self.client.settling_webinars(host, complete)]
        return [dict(w.raw) for w in self.client.list_webinars(host)]

    def fetch(self, session: Session, meeting_id: int) -> dict[str, Any] | None:
        """The row's meeting (or webinar) as Zoom has it now; None when it does not exist."""
        if session.kind != WEBINAR:
            return self.client.get_meeting(meeting_id)
        webinar = self.client.get_webinar(meeting_id)
        return None if webinar is None else dict(webinar.raw)

    def _settle_kind(
        self, host: str, items: list[tuple[Session, str]], *, webinar: bool, recent: bool
    ) -> tuple[dict[str, dict[str, Any]], list[tuple[Session, str]]]:
        listed: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for meeting in self.listed(host, items, webinar=webinar, recent=recent):
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
            meeting = self.fetch(session, int(candidates[0]["id"])) or candidates[0]
            self.journal.record_found(
                row_info(session, key), meeting=meeting, body=create_body(session)
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
            return row_outcome(
                session, "failed", error=_("Not sent: {error}").format(error=self.fatal)
            )
        parked = self.parked_for(session.host)
        if parked is not None:
            return self._defer(session, key, parked)
        body = create_body(session)  # once per row: journalled, and sent (as of now)
        sent = sent_body(body, session, self.now())
        info = row_info(session, key, body)
        for _attempt in range(CREATE_TRIES):
            self.journal.record_intent(info, body=body)
            try:
                meeting = self._send_create(session, sent)
            except InDoubtError as doubt:
                try:
                    found, _absent = self.settle(session.host, [(session, key)])
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
        message = _(
            "Zoom did not confirm the meeting after {tries} tries; run again later."
        ).format(tries=CREATE_TRIES)
        self.journal.record_failed(key, message)
        return row_outcome(session, "failed", error=message)

    def _send_create(self, session: Session, body: dict[str, Any]) -> dict[str, Any]:
        """One create request: ``POST /users/{userId}/meetings``, or ``/webinars`` for a
        webinar row (the same exactly-once handling: a lost answer raises InDoubtError)."""
        if session.kind != WEBINAR:
            return self.client.create_meeting(session.host, body)
        return dict(self.client.create_webinar(session.host, body).raw)

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
        message = deferred_error(limit, session.timezone)
        if self.journal.get(key) is not None:
            self.journal.record_deferred(key, limit.resume_at, message)
        else:
            self.journal.note(
                row_info(session, key),
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
        message = (
            _("{error} The meeting may exist; the next run checks Zoom before creating it.")
            if in_doubt
            else "{error}"
        )
        return row_outcome(session, "failed", error=message.format(error=error))


@contextmanager
def zoom_run(
    options: Settings,
    journal: Journal,
    claimed: set[int],
    report: RunReport,
    *,
    workers: int,
    transport: httpx.BaseTransport | None,
    probes: HostProbes | None = None,
) -> Iterator[Run]:
    """One Zoom client for the run, with the settings' account, pacing, retry policy and
    clock; its request counts land in ``report`` however it ends."""
    with zoom_client(options, workers=workers, transport=transport) as client:
        # A shared client has counted earlier steps' requests: this run adds its own.
        tokens, requests, limited = (
            client.tokens_fetched,
            client.stats["requests"],
            client.stats["qps_429"],
        )
        try:
            yield Run(client, journal, claimed, probes, now=options.now)
        finally:
            report.tokens_fetched += client.tokens_fetched - tokens
            report.requests += client.stats["requests"] - requests
            report.rate_limited += client.stats["qps_429"] - limited


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
    has shown it yet); one found for any other row was there before: ``existing``. Only a
    host with such a row waits for Zoom's listing lag before concluding a meeting absent:
    a row this journal never sent has no create of moments ago to wait for.
    """
    # A host's meetings and its webinars are listed apart: a host whose webinars cannot be
    # listed (no Webinar licence) still has its meeting rows settled and created.
    by_host: dict[tuple[str, bool], list[tuple[Session, str]]] = defaultdict(list)
    for session, key in doubtful:
        by_host[(session.host, session.kind == WEBINAR)].append((session, key))

    def settle(group: tuple[str, bool]) -> None:
        host, webinar = group
        items = by_host[group]
        try:
            recent = any(key in sent_earlier for _, key in items)
            found, absent = run.settle(host, items, recent=recent)
        except (AuthError, ZoomUnreachableError):
            raise
        except WebinarLicenceError as error:
            for session, key in items:
                run.journal.note(row_info(session, key), state="failed", error=str(error))
                outcomes[session.row] = row_outcome(session, "failed", error=str(error))
            return
        except BatchzoomError as error:
            for session, key in items:
                message = (
                    _("Zoom could not list the webinars of host {host}: {error}").format(
                        host=host, error=error
                    )
                    if webinar
                    else _("Zoom could not list the meetings of host {host}: {error}").format(
                        host=host, error=error
                    )
                )
                run.journal.note(row_info(session, key), state="failed", error=message)
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
    earlier: int = 0,
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
                earlier=earlier,
            )
        if progress is not None:
            progress(snapshot)

    if progress is not None and items:  # sending begins
        progress(Progress(len(items), 0, 0, 0, 0, earlier=earlier))
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="batchzoom")
    try:
        for future in [pool.submit(one, item) for item in items]:
            future.result()
    except BaseException:
        # Ctrl-C or a bug: finish the requests in flight (so the journal knows
        # their fate), start no new ones.
        run.stop(
            InterruptedRunError(
                _("The run was interrupted; run the same command again to continue.")
            )
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
    earlier: int = 0,
) -> None:
    """Create the meetings of ``new`` rows; each outcome lands in ``outcomes``.

    ``earlier``: the rows of the roster done by earlier runs, for the progress shown."""

    def record(item: tuple[Session, str], outcome: RowOutcome) -> None:
        outcomes[outcome.row] = outcome

    apply_all(run, new, lambda item: run.create(*item), record, workers, progress, earlier)


def looking(progress: ProgressCallback | None, rows: int, hosts: Collection[str]) -> None:
    """Tell ``progress`` that the run first lists the meetings of ``hosts`` (for ``rows``
    rows), before it sends anything."""
    if progress is not None and hosts:
        progress(Progress(rows, 0, 0, 0, 0, stage="looking", hosts=len(hosts)))
