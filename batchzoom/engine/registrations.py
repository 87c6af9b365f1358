"""Registering attendees once their session's meeting exists: exactly once, within Zoom's limits.

For each meeting, in attendee-sheet order:

1. An ``intent`` left by an earlier run (a crash, a lost answer) is settled from the
   meeting's registrant list (``GET /meetings/{id}/registrants``, which spends no
   person's quota): listed means added; not listed means it is added again below.
2. A person already ``added`` is left alone; one batchzoom ``cancelled`` who is back on the
   sheet is approved again (``_approve``); one deferred by a daily
   limit waits until its ``resume_at``; one whose additions today reached Zoom's 3 per
   registrant and meeting is deferred to 00:00 UTC without sending.
3. Zoom's account limits are planned (``batchzoom.engine.registrant_limits``): a meeting
   that existed before this run has its approved and pending registrants listed once
   (``batchzoom.engine.registrant_listing``): a person already listed whom batchzoom did
   not add is recorded ``found`` (never cancelled), and of the rest the people past its
   4,999 are not sent; the calls past what the plan's daily pools leave today are
   deferred to 00:00 UTC without sending.
4. The others are added: through Zoom's batch endpoint (up to 30 a call) for a scheduled
   one-off meeting, else one by one. Every addition is journalled (an intent before it is
   sent, the answer after: ``batchzoom.engine.journal.registrants``).

The Zoom calls go through a ``Registrar`` (the Zoom client's registrant methods), which
paces and counts them like any other request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal, Protocol

from batchzoom.core.errors import UnprovenListingError
from batchzoom.core.i18n import _
from batchzoom.engine.journal.registrants import Registrant, RegistrantJournal
from batchzoom.engine.registrant_limits import (
    DailyPools,
    addition_category,
    over_capacity_error,
    pool_deferred_error,
    pool_warning,
    split_at_room,
)
from batchzoom.engine.registrant_listing import (
    Answer,
    awaiting,
    listed_on_zoom,
    settle,
    unlisted_deferred,
    unlisted_error,
)
from batchzoom.files.attendee_results import AttendeeResult
from batchzoom.model.attendees import Attendee
from batchzoom.model.rows import MEETING, WEBINAR, Session
from batchzoom.zoom import DailyLimitError, InDoubtError, RegistrantLimitError, ZoomRequestError

BATCH_MAX = 30  # registrants per batch call (Meetings.json ``addBatchRegistrants``)
ADDS_PER_DAY = 3  # additions per registrant and meeting a day, reset at 00:00 UTC


class Canceller(Protocol):
    """The Zoom call cancelling registrants (the Zoom client's registrant status update)."""

    def update_registrant_status(
        self,
        meeting_id: int,
        action: Literal["approve", "cancel", "deny"],
        registrants: Any,
        *,
        webinar: bool = False,
    ) -> None: ...


class Registrar(Canceller, Protocol):
    """The Zoom calls registering needs (the Zoom client's registrant methods)."""

    def add_registrant(
        self, meeting_id: int, body: Mapping[str, Any], *, webinar: bool = False
    ) -> Answer: ...

    def batch_registrants(
        self, meeting_id: int, registrants: Sequence[Mapping[str, Any]], *, auto_approve: bool
    ) -> Sequence[Answer]: ...

    def list_registrants(
        self,
        meeting_id: int,
        *,
        status: Literal["approved", "pending", "denied"] = "approved",
        webinar: bool = False,
    ) -> Sequence[Answer]: ...


@dataclass(frozen=True)
class Target:
    """A session's meeting that takes registrants, and whether the batch endpoint applies."""

    session: str  # roster id
    meeting_id: int
    batch: bool  # a scheduled one-off meeting (type 2)
    approve: bool = True  # Zoom approves registrants automatically (``approval_type`` 0)
    webinar: bool = False  # a webinar: its registrants are ``/webinars/{id}/registrants``
    # The meeting existed before this run: Zoom may hold registrants batchzoom did not add,
    # so they are listed before anyone is added (a meeting this run made is not).
    existing: bool = False


@dataclass
class Registered:
    """What registering did, by what happened to each person."""

    added: int = 0
    existing: int = 0  # already added by an earlier run (or settled from Zoom's list)
    deferred: int = 0
    failed: int = 0
    in_doubt: int = 0
    cancelled: int = 0  # removed from the sheet, so cancelled on Zoom (sync)
    held: int = 0  # of rows changed since their meeting was created: not sent (sync first)
    records: list[Registrant] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # one line each, for the run's summary

    def merge(self, other: Registered) -> None:
        """Add what ``other`` counted and recorded."""
        self.added += other.added
        self.existing += other.existing
        self.deferred += other.deferred
        self.failed += other.failed
        self.in_doubt += other.in_doubt
        self.records += other.records


_IN_DOUBT = (
    "Zoom did not confirm this registration; the next run looks in the meeting's registrants "
    "before adding the person again."
)


def next_utc_midnight(now: datetime) -> datetime:
    """00:00 UTC after ``now``: when Zoom's daily registrant quota resets."""
    day = now.astimezone(UTC).date() + timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=UTC)


def register_all(
    zoom: Registrar,
    journal: RegistrantJournal,
    targets: Sequence[Target],
    attendees: Sequence[Attendee],
    *,
    now: Callable[[], datetime],
    workers: int = 4,
    plan: str = "pro",
) -> Registered:
    """Add every attendee of every target meeting not yet registered; see the module text.

    Meetings are served ``workers`` at a time (the client paces the calls within Zoom's
    limits); one meeting's calls go one after another, in attendee-sheet order. ``plan`` is
    the account's Zoom plan, whose daily pools the calls are planned within.
    """
    result = Registered()
    by_session: dict[str, list[Attendee]] = {}
    for attendee in attendees:
        by_session.setdefault(attendee.session, []).append(attendee)
    pools = DailyPools.for_plan(plan, journal.calls_today())
    pooled: dict[str, int] = {}  # attendees deferred by each category's pool
    meetings = [
        _within_pools(
            journal,
            target,
            _plan(zoom, journal, target, group, now, result),
            pools,
            now,
            result,
            pooled,
        )
        for target in targets
        if (group := by_session.get(target.session))
    ]
    until = f"{next_utc_midnight(now()):%Y-%m-%d %H:%M}"
    for category, count in pooled.items():
        result.warnings.append(pool_warning(count, category, pools.cap(category) or 0, until))
    lock = threading.Lock()
    held = _Held()

    def send(calls: list[tuple[Target, list[Attendee]]]) -> None:
        done = Registered()
        try:
            for target, group in calls:  # one meeting's calls in sheet order
                resume_at = held.until(target.batch)
                if resume_at is not None:  # the account's daily limit for these calls: wait
                    for person in group:
                        _defer(journal, target, person, resume_at, done, account=True)
                    continue
                _send(zoom, journal, target, group, done, held)
        finally:
            with lock:
                result.merge(done)

    with ThreadPoolExecutor(max(1, workers)) as pool:
        list(pool.map(send, meetings))
    return result


def _plan(
    zoom: Registrar,
    journal: RegistrantJournal,
    target: Target,
    people: Sequence[Attendee],
    now: Callable[[], datetime],
    result: Registered,
) -> list[Attendee]:
    """One meeting's people to add, in sheet order: for a meeting that existed before this
    run, those Zoom does not list already and it has room for; intents settled first
    (``batchzoom.engine.registrant_listing``)."""
    known = journal.of(target.meeting_id)
    listed: Mapping[str, Answer] = {}
    if any(r.state == "intent" or awaiting(r) for r in known.values()) or (
        target.existing and any(_may_send(known.get(p.key), now) for p in people)
    ):
        try:
            listed = listed_on_zoom(zoom, target.meeting_id, webinar=target.webinar)
        except DailyLimitError as error:
            _unlisted(target, people, known, result, now, error=error)
            return []
        except (ZoomRequestError, InDoubtError, UnprovenListingError) as error:
            _unlisted(target, people, known, result, now, error=error)
            return []
        known = settle(journal, known, listed)
    todo: list[Attendee] = []
    back: list[tuple[Attendee, Registrant]] = []
    for person in people:
        record = known.get(person.key)
        hit = listed.get(person.key) if target.existing else None
        if hit is not None and (record is None or record.state in {"failed", "deferred"}):
            record = _record(  # on Zoom already, not added by batchzoom: never cancelled
                target, person, "found", registrant_id=hit.registrant_id, join_url=hit.join_url
            )
            journal.record(record)
        if record is not None and record.state == "cancelled" and record.registrant_id:
            back.append((person, record))
            continue
        if record is not None and record.state in {"added", "cancelled", "found"}:
            result.existing += 1
            result.records.append(replace(record, excel_row=person.row))  # the sheet's row now
            continue
        if record is not None and record.resume_at is not None and record.resume_at > now():
            result.deferred += 1  # only a deferred record has a resume_at
            result.records.append(replace(record, excel_row=person.row))
            continue
        if journal.used_today(target.meeting_id, person.email) >= ADDS_PER_DAY:
            _defer(journal, target, person, next_utc_midnight(now()), result)
            continue
        todo.append(person)
    held = len(listed)  # approved and pending: what fills the meeting's 4,999
    if back:
        again = _approve(zoom, journal, target, back, result)
        held += len(back) - len(again)  # approved again: they take a place too
        todo += again
    if not target.existing:
        return todo
    # Everyone Zoom lists is settled above, so ``todo`` holds only people it does not hold.
    kept, refused = split_at_room(todo, held)
    full = over_capacity_error(target.meeting_id, held)
    for person in refused:
        failed = _record(target, person, "failed", error=full)
        journal.record(failed)
        result.failed += 1
        result.records.append(failed)
    return kept


def _may_send(record: Registrant | None, now: Callable[[], datetime]) -> bool:
    """Whether a person with this record may be added this run (so their meeting, if it
    existed before, is listed first): not one batchzoom added or found, nor one waiting."""
    if record is None or record.state in {"failed", "intent", "cancelled"}:
        return True
    return record.state == "deferred" and (record.resume_at is None or record.resume_at <= now())


def _unlisted(
    target: Target,
    people: Sequence[Attendee],
    known: Mapping[str, Registrant],
    result: Registered,
    now: Callable[[], datetime],
    *,
    error: Exception,
) -> None:
    """A meeting whose registrants Zoom did not list: its people are not sent this run (a
    daily limit defers them until it resets). The journal is left as it is, so an intent
    is still settled and a registrant batchzoom added is still its own next run."""
    if isinstance(error, DailyLimitError):
        resume_at: datetime | None = error.resume_at
        why = unlisted_deferred(target.meeting_id, f"{error.resume_at:%Y-%m-%d %H:%M}")
    else:
        resume_at = None
        text = str(error)
        why = (
            text
            if isinstance(error, UnprovenListingError)
            else (unlisted_error(target.meeting_id, text))
        )
    for person in people:
        record = known.get(person.key)
        if record is not None and record.state in {"added", "found"}:
            result.existing += 1
            result.records.append(replace(record, excel_row=person.row))
        elif resume_at is not None:
            result.deferred += 1
            result.records.append(
                _record(target, person, "deferred", resume_at=resume_at, error=why)
            )
        else:
            result.failed += 1
            result.records.append(_record(target, person, "failed", error=why))


def _within_pools(
    journal: RegistrantJournal,
    target: Target,
    todo: Sequence[Attendee],
    pools: DailyPools,
    now: Callable[[], datetime],
    result: Registered,
    pooled: dict[str, int],
) -> list[tuple[Target, list[Attendee]]]:
    """One meeting's calls, each taken from the plan's daily pools in turn: the people of a
    call the pools have no room for today are deferred to 00:00 UTC without sending."""
    size = BATCH_MAX if target.batch else 1
    category = addition_category(batch=target.batch, webinar=target.webinar)
    calls = []
    for start in range(0, len(todo), size):
        group = list(todo[start : start + size])
        if pools.take(category):
            calls.append((target, group))
            continue
        resume_at = next_utc_midnight(now())
        error = pool_deferred_error(
            category, pools.cap(category) or 0, f"{resume_at:%Y-%m-%d %H:%M}"
        )
        for person in group:
            _defer(journal, target, person, resume_at, result, why=error)
        pooled[category] = pooled.get(category, 0) + len(group)
    return calls


def _approve(
    zoom: Registrar,
    journal: RegistrantJournal,
    target: Target,
    back: Sequence[tuple[Attendee, Registrant]],
    result: Registered,
) -> list[Attendee]:
    """Registrants batchzoom cancelled, back on the sheet: approved again, their links listed.

    Zoom keeps a cancelled registrant (listed under ``denied``), and re-adding the same email
    returns it as it is, so it is approved through the status update (``action`` approve,
    Meetings.json ``meetingRegistrantStatus``), then read from the approved list for its
    link. Returns those Zoom does not list as approved afterwards: they are added anew.
    A refusal leaves the journal saying cancelled, so the next run tries again.
    """
    people = [{"id": record.registrant_id or "", "email": record.email} for _, record in back]
    try:
        zoom.update_registrant_status(target.meeting_id, "approve", people, webinar=target.webinar)
        listed = {
            item.email.casefold(): item
            for item in zoom.list_registrants(target.meeting_id, webinar=target.webinar)
        }
    except (ZoomRequestError, DailyLimitError, InDoubtError, UnprovenListingError) as error:
        for person, record in back:
            result.failed += 1
            result.records.append(
                replace(record, excel_row=person.row, state="failed", error=str(error))
            )
        return []
    missing = []
    for person, record in back:
        found = listed.get(person.key)
        if found is None:
            missing.append(person)
            continue
        done = replace(
            record,
            excel_row=person.row,
            state="added",
            registrant_id=found.registrant_id,
            join_url=found.join_url,
            error=None,
        )
        journal.record(done)
        result.added += 1
        result.records.append(done)
    return missing


class _Held:
    """The calls Zoom's account-wide daily limit stopped, until when: one refusal of the batch
    endpoint (or of the one-by-one one) holds back every later call of that kind this run,
    instead of each being sent to be refused again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._until: dict[bool, datetime] = {}

    def until(self, batch: bool) -> datetime | None:
        with self._lock:
            return self._until.get(batch)

    def hold(self, batch: bool, resume_at: datetime) -> None:
        with self._lock:
            self._until[batch] = resume_at


def _send(
    zoom: Registrar,
    journal: RegistrantJournal,
    target: Target,
    people: Sequence[Attendee],
    result: Registered,
    held: _Held,
) -> None:
    journal.intend(
        target.meeting_id,
        [(p.email, p.session, p.row) for p in people],
        category=addition_category(batch=target.batch, webinar=target.webinar),
    )
    try:
        if target.batch:
            bodies = [p.body() for p in people]
            answers = list(
                zoom.batch_registrants(target.meeting_id, bodies, auto_approve=target.approve)
            )
        else:
            answers = [
                zoom.add_registrant(target.meeting_id, people[0].body(), webinar=target.webinar)
            ]
    except InDoubtError:
        result.in_doubt += len(people)  # the intents stay: the next run settles them
        result.records += [_record(target, person, "intent", error=_IN_DOUBT) for person in people]
        return
    except DailyLimitError as error:
        account = not isinstance(error, RegistrantLimitError)
        if account:
            held.hold(target.batch, error.resume_at)
        for person in people:
            _defer(journal, target, person, error.resume_at, result, account=account)
        return
    except ZoomRequestError as error:
        for person in people:
            failed = _record(target, person, "failed", error=str(error))
            journal.record(failed)
            result.failed += 1
            result.records.append(failed)
        return
    by_email = {answer.email.casefold(): answer for answer in answers}
    for person in people:
        answer = by_email.get(person.key) if target.batch else answers[0]
        if answer is None:
            result.in_doubt += 1  # not in Zoom's answer: the next run looks in the list
            result.records.append(_record(target, person, "intent", error=_IN_DOUBT))
            continue
        record = _record(
            target,
            person,
            "added",
            registrant_id=answer.registrant_id,
            join_url=answer.join_url,
        )
        journal.record(record)
        result.added += 1
        result.records.append(record)


def _defer(
    journal: RegistrantJournal,
    target: Target,
    person: Attendee,
    resume_at: datetime,
    result: Registered,
    *,
    account: bool = False,
    why: str | None = None,
) -> None:
    """Leave one person for a later run: their own daily limit (3 additions), or with
    ``account`` the account's daily limit of these calls, or for the reason ``why``."""
    if why is not None:
        error = why
    else:
        if account:
            text = _(
                "Zoom's daily limit of this account's registration requests was reached; the "
                "next run after {until} UTC registers them."
            )
        else:
            text = _(
                "Zoom's daily limit of {count} additions for this person was reached; the next "
                "run after {until} UTC registers them."
            )
        error = text.format(count=ADDS_PER_DAY, until=f"{resume_at:%Y-%m-%d %H:%M}")
    record = _record(target, person, "deferred", resume_at=resume_at, error=error)
    journal.record(record)
    result.deferred += 1
    result.records.append(record)


def _record(target: Target, person: Attendee, state: Any, **fields: Any) -> Registrant:
    return Registrant(
        meeting_id=target.meeting_id,
        email=person.key,
        session=person.session,
        excel_row=person.row,
        state=state,
        **fields,
    )


def targets_of(
    sessions: Sequence[Session],
    meeting_ids: Mapping[int, int | None],
    created: Collection[int] | None = None,
) -> list[Target]:
    """The meetings that take registrants: each registering session whose meeting exists.

    ``meeting_ids`` maps a roster row to its meeting's id; the batch endpoint applies to a
    scheduled one-off meeting (Meetings.json ``addBatchRegistrants``: type 2 only). A
    webinar's attendees go to the webinar's registrants (``webinarRegistrantCreate``).
    ``created`` are the meetings this run made (None: any may have existed before it).
    """
    targets = []
    for session in sessions:
        meeting_id = meeting_ids.get(session.row)
        if session.registration and session.key is not None and meeting_id is not None:
            batch = session.recurrence is None and session.kind == MEETING
            approve = session.settings.get("approval_type", 0) == 0
            existing = created is None or meeting_id not in created
            webinar = session.kind == WEBINAR
            targets.append(
                Target(session.key, meeting_id, batch, approve, webinar, existing=existing)
            )
    return targets


_STATUS = {"added": "registered", "found": "registered", "intent": "in-doubt"}


def results_of(registered: Registered) -> list[AttendeeResult]:
    """What to write on each attendee row, from what registering did."""
    return [
        AttendeeResult(
            row=record.excel_row or 0,
            session=record.session,
            status="pending" if awaiting(record) else _STATUS.get(record.state, record.state),
            registrant_id=record.registrant_id,
            join_url=record.join_url,
            error=record.error,
        )
        for record in registered.records
        if record.excel_row is not None
    ]
