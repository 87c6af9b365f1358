"""Keeping Zoom in step with the sheet: create new rows, update changed ones, cancel removed ones.

``plan_sync`` compares every row with what the journal says batchzoom last set
on Zoom and lists the steps; ``sync`` applies them under the roster's lock, each
step journalled before and after its request (a webinar's at the webinars' endpoints,
``/webinars/{webinarId}``, known by the type of the body it was created with):

- a new row is created exactly as ``schedule`` creates it;
- a changed row is updated with a PATCH of only the changed fields (the update
  is journalled as pending first, so a crash in between is settled by reading
  the meeting back);
- a row whose host changed is re-created under the new host, and only then is
  the old meeting deleted (the old id stays journalled until it is gone);
- a row marked cancelled, or with ``delete_missing`` a row gone from the sheet,
  has its meeting deleted.

Before a PATCH or DELETE the meeting is read back from Zoom: a meeting changed
or deleted there since batchzoom last saw it is reported as a conflict rather
than overwritten, unless ``force``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from batchzoom.core.errors import AuthError, BatchzoomError, ZoomUnreachableError
from batchzoom.core.i18n import _
from batchzoom.engine.audit import changed_on_zoom
from batchzoom.engine.doubts import in_doubt, settle_doubts
from batchzoom.engine.events import attendee_plan
from batchzoom.engine.journal import Entry, Journal
from batchzoom.engine.lifecycle import interrupted, locked_journal, write_sheet
from batchzoom.engine.looking import ZoomView, look_at_zoom
from batchzoom.engine.registrations import Registered
from batchzoom.engine.run import Run, apply_all, from_entry, row_info, settle_all, zoom_run
from batchzoom.engine.settings import Settings
from batchzoom.engine.sync_plan import Step, SyncPlan, diff, plan_sync
from batchzoom.engine.webinars import PanelistPlan, keep_panelists, panelist_book, plan_panelists
from batchzoom.files.results import (
    Loaded,
    ProgressCallback,
    RunReport,
    cancelled_outcomes,
    invalid_outcomes,
)
from batchzoom.files.writeback import check_target
from batchzoom.model.outcomes import RowOutcome, row_outcome
from batchzoom.model.rows import WEBINAR, Session
from batchzoom.zoom import (
    DailyLimitError,
    ZoomClient,
    ZoomRequestError,
    default_concurrency,
)
from batchzoom.zoom.meetings import (
    CLEARED,
    RECURRING,
    WEBINAR_RECURRING,
    body_shown,
    cleared,
    create_body,
    is_webinar_body,
)


@dataclass
class SyncReport(RunReport):
    plan: SyncPlan | None = None
    applied: bool = False
    missing: list[RowOutcome] = field(default_factory=list)  # rows gone from the sheet
    registered: Registered | None = None  # what registering attendees did, if there were any
    panelists_added: int = 0  # webinar panelists added this run
    panelists_removed: int = 0  # panelists batchzoom had added, removed as gone from the cell


def _conflict(
    entry: Entry, meeting: Mapping[str, Any] | None, *, listed: bool = False
) -> str | None:
    """Why Zoom's copy differs from what batchzoom last set, or None when it does not."""
    if meeting is None:
        return _("meeting {id} was deleted on Zoom").format(id=entry.meeting_id)
    changed = changed_on_zoom(entry, meeting, listed=listed)
    if not changed:
        return None
    return _("meeting {id} was changed on Zoom ({fields})").format(
        id=entry.meeting_id, fields=", ".join(changed)
    )


class _Sync:
    """Applies a plan's update, recreate and delete steps (creates go through ``Run``).

    ``listed`` holds the meetings of the plan's hosts from one listing per host, so that
    checking a meeting before changing it costs no request of its own; a meeting the
    listing does not show (past, or recurring: listed at its next occurrence) is read.
    """

    def __init__(
        self,
        run: Run,
        journal: Journal,
        options: Settings,
        listed: Mapping[int, Mapping[str, Any]] | None = None,
    ) -> None:
        self.run = run
        self.client: ZoomClient = run.client
        self.journal = journal
        self.options = options
        self.listed = listed or {}

    def current(self, meeting_id: int, webinar: bool) -> tuple[dict[str, Any] | None, bool]:
        """Zoom's meeting now, and whether it came from the listing."""
        listed = self.listed.get(meeting_id)
        if listed is not None and listed.get("type") != RECURRING:
            return dict(listed), True
        return self.client.get_meeting(meeting_id, webinar=webinar), False

    def guard(self, step: Step) -> tuple[dict[str, Any] | None, str | None, dict[str, Any]]:
        """Zoom's meeting; a conflict message unless it is as batchzoom left it; and the
        body Zoom holds as far as batchzoom knows.

        An update in doubt (sent before a crash, its answer lost) is settled here, before
        anything is compared with the sheet: if Zoom shows the body that was sent, that
        body is what Zoom holds; otherwise the journal's last confirmed one is."""
        entry = step.entry
        assert entry is not None and entry.meeting_id is not None
        meeting, listed = self.current(entry.meeting_id, is_webinar_body(entry.body))
        shown = (
            entry.pending is not None
            and meeting is not None
            and not changed_on_zoom(entry, meeting, body=entry.pending, listed=listed)
        )
        base = dict((entry.pending if shown else entry.body) or {})
        if self.options.force or shown:
            return meeting, None, base
        return meeting, _conflict(entry, meeting, listed=listed), base

    def after_update(
        self, entry: Entry, patch: Mapping[str, Any], body: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """The meeting as the PATCH left it. Read back only when the answer cannot be known
        here: a new passcode changes the join link, and a series lists its own start."""
        assert entry.meeting_id is not None
        if "password" in patch or body.get("type") in {RECURRING, WEBINAR_RECURRING}:
            return self.client.get_meeting(entry.meeting_id, webinar=is_webinar_body(body))
        return {
            "id": entry.meeting_id,
            "join_url": entry.join_url,
            "password": entry.password,
            "start_time": body["start_time"] if "start_time" in patch else entry.start_time,
        }

    def update(self, step: Step) -> RowOutcome:
        session, entry = step.session, step.entry
        assert session is not None and entry is not None and entry.meeting_id is not None
        webinar = is_webinar_body(entry.body)
        if entry.state == "deleting":  # a cancellation that did not finish: keep the meeting?
            if self.client.get_meeting(entry.meeting_id, webinar=webinar) is None:
                self.journal.record_deleted(step.key)
                return self.run.create(session, step.key)
            self.journal.record_restored(step.key)
        parked = self.run.parked_for(entry.host)
        if parked is not None:
            return self.run.defer_update(session, entry, parked)
        meeting, conflict, base = self.guard(step)
        if conflict:
            return _failed(
                session,
                entry,
                _("Not updated: {conflict}; check it, then sync with --force.").format(
                    conflict=conflict
                ),
            )
        if meeting is not None:  # a listing has no passcode: keep the one the journal has
            meeting = {"password": entry.password, **meeting}
        new_body = create_body(session)
        if self.options.force:  # make Zoom match the sheet, whatever was changed there
            patch = {**{name: None for name in CLEARED}, **new_body}
        else:
            patch = {name: new for name, (_old, new) in diff(base, new_body).items()}
        patch = cleared(patch)
        if "start_time" in patch or "timezone" in patch:
            patch["start_time"], patch["timezone"] = new_body["start_time"], new_body["timezone"]
        if patch and meeting is not None:
            self.journal.record_update_intent(step.key, new_body, host=entry.host)
            try:
                self.client.update_meeting(
                    entry.meeting_id, patch, host=entry.host, webinar=webinar
                )
            except DailyLimitError as limit:
                self.journal.record_update_abandoned(step.key)
                return self.run.defer_update(session, entry, limit)
            except ZoomRequestError as refused:
                self.journal.record_update_abandoned(step.key)
                return _failed(session, entry, str(refused))
            meeting = self.after_update(entry, patch, new_body)
        if meeting is None:
            return _failed(
                session, entry, _("meeting {id} was deleted on Zoom").format(id=entry.meeting_id)
            )
        self.journal.record_updated(row_info(session, step.key), body=new_body, meeting=meeting)
        self.finish_replacement(step.key, entry)
        return row_outcome(
            session,
            "updated" if patch else "unchanged",
            meeting_id=entry.meeting_id,
            join_url=meeting.get("join_url"),
            password=meeting.get("password"),
            start_time=meeting.get("start_time"),
        )

    def delete(self, step: Step) -> RowOutcome:
        entry = step.entry
        assert entry is not None
        label = step.session or entry
        if entry.meeting_id is not None and entry.state != "deleted":
            if entry.state != "deleting":
                meeting, conflict, _body = self.guard(step)
                if conflict and meeting is not None:
                    return _failed_any(
                        step,
                        _("Not deleted: {conflict}; check it, then sync with --force.").format(
                            conflict=conflict
                        ),
                    )
                self.journal.record_delete_intent(step.key)
            try:
                self.client.delete_meeting(
                    entry.meeting_id,
                    notify=self.options.notify,
                    webinar=is_webinar_body(entry.body),
                )
            except ZoomRequestError as refused:
                if refused.status != 404:  # already gone is what we wanted
                    return _failed_any(step, str(refused))
        self.finish_replacement(step.key, entry)  # a meeting left by an unfinished host move
        self.journal.record_deleted(step.key)
        return _cancelled(label, entry)

    def finish_replacement(self, key: str, entry: Entry) -> None:
        """After a host change: delete the old meeting, then forget it."""
        current = self.journal.get(key)
        old = current.old_meeting_id if current else entry.old_meeting_id
        if old is None:
            return
        try:
            self.client.delete_meeting(old, notify=False, webinar=is_webinar_body(entry.body))
        except ZoomRequestError as refused:
            if refused.status != 404:
                raise
        self.journal.record_old_deleted(key)

    def recreate(self, step: Step) -> RowOutcome:
        session, entry = step.session, step.entry
        assert session is not None and entry is not None
        if entry.old_meeting_id is not None and entry.meeting_id is not None:
            return self.undo_move(step)
        if entry.old_meeting_id is None:
            meeting, conflict, _body = self.guard(step)
            if conflict and meeting is not None:
                return _failed(
                    session,
                    entry,
                    _("Not moved: {conflict}; check it, then sync with --force.").format(
                        conflict=conflict
                    ),
                )
            self.journal.record_replacing(row_info(session, step.key), body=create_body(session))
        outcome = self.run.create(session, step.key)
        if outcome.status == "created":
            self.finish_replacement(step.key, entry)
        return outcome

    def undo_move(self, step: Step) -> RowOutcome:
        """A host move left half done (both meetings live) and the host changed again.

        The meeting made for the move is deleted and the original one is the row's again
        (its link is the one people have); then the row goes on from there: an update if
        the sheet's host is the original's, else a move from the original."""
        session, entry = step.session, step.entry
        assert session is not None and entry is not None
        assert entry.meeting_id is not None and entry.old_meeting_id is not None
        webinar = is_webinar_body(entry.body)
        original = self.client.get_meeting(entry.old_meeting_id, webinar=webinar)
        self._delete_if_there(entry.meeting_id, webinar)
        if original is None:  # the original is gone too: the row has no meeting left
            self.journal.record_old_deleted(step.key)
            self.journal.record_deleted(step.key)
            return self.run.create(session, step.key)
        host = str(original.get("host_email") or entry.host)
        self.journal.record_move_undone(
            step.key, host=host, meeting=original, body=body_shown(original)
        )
        current = self.journal.get(step.key)
        assert current is not None
        if host.lower() == session.host.lower():
            return self.update(Step("update", step.key, session, current))
        return self.recreate(
            Step("recreate", step.key, session, current, {"host": (host, session.host)})
        )

    def _delete_if_there(self, meeting_id: int, webinar: bool) -> None:
        try:
            self.client.delete_meeting(meeting_id, notify=False, webinar=webinar)
        except ZoomRequestError as refused:
            if refused.status != 404:
                raise


def _failed(session: Session, entry: Entry, message: str) -> RowOutcome:
    return replace(from_entry(session, entry, "failed"), error=message)


def _failed_any(step: Step, message: str) -> RowOutcome:
    if step.session is not None and step.entry is not None:
        return _failed(step.session, step.entry, message)
    assert step.entry is not None
    return _missing(step.entry, "failed", message)


def _missing(entry: Entry, status: Any, error: str | None = None) -> RowOutcome:
    return RowOutcome(
        row=entry.excel_row or 0,
        status=status,
        row_key=entry.row_key,
        host=entry.host,
        topic=entry.topic,
        start_utc=entry.start_utc,
        meeting_id=entry.meeting_id,
        error=error,
        timezone=(entry.body or {}).get("timezone"),
    )


def _cancelled(label: Session | Entry, entry: Entry) -> RowOutcome:
    if isinstance(label, Session):
        return row_outcome(label, "cancelled", meeting_id=entry.meeting_id)
    return _missing(entry, "cancelled")


def sync(
    loaded: Loaded,
    options: Settings,
    *,
    confirm: Callable[[SyncPlan], bool] = lambda plan: True,
    progress: ProgressCallback | None = None,
    transport: httpx.BaseTransport | None = None,
) -> SyncReport:
    """Plan, confirm (``confirm(plan)``), then apply; writes the result sheet when applied.

    ``options.zoom`` names the account (a dry run plans without it only when it is set).
    """
    settings, now = options.zoom, options.now
    if settings is None:
        raise ValueError("sync needs the Zoom settings (options.zoom)")
    validation = loaded.validation
    invalid = invalid_outcomes(validation)
    report = SyncReport(outcomes=[], problems=list(validation.problems), dry_run=options.dry_run)
    if invalid and not options.skip_invalid:
        report.outcomes = sorted(invalid.values(), key=lambda o: o.row)
        return report
    limits = options.limits()
    check_target(
        loaded.roster.source,
        None if options.in_place else options.output,
        writable=not options.dry_run,  # a dry run in a read-only folder still shows its plan
    )
    with locked_journal(loaded.roster.source, options, account=settings.account_id,
                        sessions=validation.sessions, notes=report.warnings) as journal:  # fmt: skip
        assert journal is not None
        # A row that is invalid is still in the sheet: its meeting is not "missing".
        delete_missing = options.delete_missing and not validation.invalid_rows
        if options.delete_missing and not delete_missing:
            rows = ", ".join(map(str, sorted(validation.invalid_rows)))
            report.warnings.append(
                _(
                    "No meeting of a removed row was deleted because rows {rows} are invalid; "
                    "fix them and sync again to delete the meetings of removed rows."
                ).format(rows=rows)
            )
        workers = options.concurrency or default_concurrency(min(limits.limits.values()))
        entries = journal.entries()  # read again only once settling doubts has changed it
        claimed = {e.meeting_id for e in entries.values() if e.meeting_id is not None}
        with contextlib.ExitStack() as stack:
            run: Run | None = None
            view: ZoomView | None = None
            if not options.dry_run:  # a dry run asks Zoom nothing: it plans from the journal
                run = stack.enter_context(
                    zoom_run(
                        options, journal, claimed, report, workers=workers, transport=transport
                    )
                )
                entries, view = _zoom_view(run, journal, entries, claimed, workers, progress)
            plan = plan_sync(
                loaded,
                entries,
                delete_missing=delete_missing,
                now=now(),
                zoom=view,
                force=options.force,
            )
            plan.attendees = attendee_plan(loaded, journal)
            plan.panelists = _panelist_plan(run, journal, plan, report)
            report.plan = plan
            outcomes = invalid | cancelled_outcomes(validation) | plan.settled
            for session, entry in plan.unchanged:
                outcomes[session.row] = from_entry(session, entry, "unchanged")
            if options.dry_run or (plan.asks and not confirm(plan)):
                return _not_applied(plan, outcomes, report)
            if not plan.steps:  # nothing to change: the result sheet still shows every row
                assert run is not None
                _keep_panelists(run, journal, plan, outcomes, report)
                write_sheet(report, loaded, outcomes, journal, options)
                return report
            report.applied = True
            assert run is not None and view is not None
            listed = {i: m for i, m in view.meetings.items() if i in view.listed and m is not None}
            syncer = _Sync(run, journal, options, listed)
            sessions = [step.session for step in plan.steps if step.session is not None]
            with interrupted(report, loaded, outcomes, journal, options, sessions):
                _apply(plan, run, syncer, outcomes, report, workers, progress)
                if run.fatal is None:  # then the panelists of the webinars kept or made
                    _keep_panelists(run, journal, plan, outcomes, report)
        write_sheet(report, loaded, outcomes, journal, options)
        if run.fatal is not None:
            raise run.fatal
        return report


def _zoom_view(
    run: Run,
    journal: Journal,
    entries: dict[str, Entry],
    claimed: set[int],
    workers: int,
    progress: ProgressCallback | None,
) -> tuple[dict[str, Entry], ZoomView]:
    """The journal's entries with its doubts settled first, by what was sent, before the sheet
    is compared (doubts.py), and Zoom's meetings as one listing per host shows them."""
    if in_doubt(entries):
        settle_doubts(run.client, journal, claimed)
        entries = journal.entries()
    return entries, look_at_zoom(run, entries, workers, progress)


def _apply(
    plan: SyncPlan,
    run: Run,
    syncer: _Sync,
    outcomes: dict[int, RowOutcome],
    report: SyncReport,
    workers: int,
    progress: ProgressCallback | None,
) -> None:
    """Every step of the plan on the run's one pool of workers, creates like ``schedule``'s."""
    creates = [(s.session, s.key) for s in plan.steps if s.action == "create" and s.session]
    new: list[tuple[Session, str]] = []
    settle_all(run, creates, outcomes, new, workers)
    steps = [Step("create", key, session, None) for session, key in new]
    steps += [s for s in plan.steps if s.action != "create"]

    def one(step: Step) -> RowOutcome:
        if run.fatal is not None and step.action != "create":
            return _failed_any(step, _("Not sent: {error}").format(error=run.fatal))
        try:
            if step.action == "create":
                assert step.session is not None
                return run.create(step.session, step.key)
            if step.action in {"update", "restore"}:
                return syncer.update(step)
            if step.action == "recreate":
                return syncer.recreate(step)
            if step.action == "re-create":
                assert step.session is not None
                syncer.journal.record_gone_on_zoom(step.key)
                return run.create(step.session, step.key)
            return syncer.delete(step)
        except (AuthError, ZoomUnreachableError) as error:
            run.stop(error)
            return _failed_any(step, _("Not sent: {error}").format(error=error))
        except BatchzoomError as error:
            return _failed_any(step, str(error))

    def record(step: Step, outcome: RowOutcome) -> None:
        if step.session is None:
            report.missing.append(outcome)
        else:
            outcomes[outcome.row] = outcome

    apply_all(run, steps, one, record, workers, progress)


def _not_applied(plan: SyncPlan, outcomes: dict[int, RowOutcome], report: SyncReport) -> SyncReport:
    """A dry run's report, or a plan not confirmed: nothing is applied, each step planned."""
    plan.register_new = plan.cancel_removed = False
    plan.add_panelists = plan.remove_panelists = False
    for step in plan.steps:
        if step.session is not None:
            outcomes[step.session.row] = row_outcome(step.session, "planned")
    report.outcomes = [outcomes[row] for row in sorted(outcomes)]
    return report


def _panelist_plan(
    run: Run | None, journal: Journal, plan: SyncPlan, report: SyncReport
) -> PanelistPlan:
    """The panelist changes of the webinars the plan keeps, each compared with the journal
    and, when the cell differs, with Zoom's listing (from the journal alone in a dry run);
    a listing that failed is a warning of the report."""
    kept = [(session, entry) for session, entry in plan.unchanged]
    kept += [
        (step.session, step.entry)
        for step in plan.steps
        if step.action in {"update", "restore"} and step.session and step.entry
    ]
    webinars = [
        (session, entry.meeting_id)
        for session, entry in kept
        if session.kind == WEBINAR and entry.meeting_id is not None
    ]
    if not webinars:
        return PanelistPlan()
    with panelist_book(journal) as book:
        planned = plan_panelists(None if run is None else run.client, book, webinars)
    report.warnings += planned.warnings
    return planned


def _keep_panelists(
    run: Run, journal: Journal, plan: SyncPlan, outcomes: dict[int, RowOutcome], report: SyncReport
) -> None:
    """The approved panelist changes, and the panelists of the webinars made this run."""
    done = keep_panelists(
        run.client,
        journal,
        [session for session, _entry in plan.unchanged]
        + [step.session for step in plan.steps if step.session is not None],
        outcomes,
        plan.panelists,
        add=plan.add_panelists,
        remove=plan.remove_panelists,
    )
    report.panelists_added, report.panelists_removed = done.added, done.removed
    if done.added or done.removed:  # Zoom was changed, even when no step was
        report.applied = True
    report.warnings += done.warnings
