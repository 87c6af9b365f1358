"""Looking back at a roster's runs: what the journal says, and whether Zoom still agrees.

``status`` lays a journal's entries (read with ``journal.read_journal``, which never
changes it) beside the roster's rows without calling Zoom. ``reconcile`` asks Zoom for every meeting the journal
holds and reports the ones deleted or changed on Zoom's side; it sends only
reads, so neither Zoom nor the journal is ever modified.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from batchzoom.core.i18n import _
from batchzoom.engine.journal import Entry, JournalContents
from batchzoom.engine.settings import Settings
from batchzoom.files.results import Loaded, invalid_outcomes
from batchzoom.model import times
from batchzoom.model.cells import cell_text
from batchzoom.model.local_times import local_then_utc, shown_zoom_time
from batchzoom.model.outcomes import DAILY_CREATE_LIMIT, row_key

RowState = Literal[
    "created", "existing", "deferred", "failed", "in doubt", "new", "cancelled", "invalid"
]
ROW_STATES: tuple[RowState, ...] = (
    "created",
    "existing",
    "deferred",
    "failed",
    "in doubt",
    "new",
    "cancelled",
    "invalid",
)
# How each journal state reads in a status report.
_SHOWN: dict[str, RowState] = {
    "intent": "in doubt",
    "deleting": "in doubt",
    "absent": "new",
    "deleted": "cancelled",
}
Verdict = Literal["match", "deleted", "changed", "unchecked"]
VERDICTS: tuple[Verdict, ...] = ("match", "deleted", "changed", "unchecked")
RECONCILE_WORKERS = 8


# ---------------------------------------------------------------------------------------------
# Reading a journal


# ---------------------------------------------------------------------------------------------
# status


@dataclass(frozen=True)
class RowStatus:
    """Where one roster row (or one journal entry the roster no longer has) stands."""

    row: int | None
    status: RowState
    account: str | None = None
    key: str | None = None  # the roster's id column, when it has one
    row_key: str | None = None
    host: str | None = None
    topic: str | None = None
    start_utc: str | None = None
    meeting_id: int | None = None
    start_time: str | None = None
    resume_at: datetime | None = None
    error: str | None = None
    in_roster: bool = True
    timezone: str | None = None  # the row's zone, in which its times are shown

    def detail(self, now: datetime, *, local: bool = True) -> str:
        """What a person needs to know about this row, in a few words.

        Times are shown in the row's zone, then in UTC (``starts 2036-05-05 09:00 KST
        (00:00 UTC)``); ``local`` False keeps Zoom's UTC form, as ``--json`` gives it.
        """
        if self.status in {"created", "existing"}:
            if not self.start_utc:
                return ""
            start = self.start_time or self.start_utc
            shown = shown_zoom_time(start, self.timezone) if local else start
            return _("starts {start}").format(start=shown)
        if self.status == "deferred":
            if self.resume_at is None or self.resume_at <= now:
                return _("deferred by a daily limit; the next run sends it")
            until = (
                local_then_utc(self.resume_at, self.timezone)
                if local
                else times.utc_text(self.resume_at)
            )
            return _("until {time}").format(time=until)
        if self.status == "in doubt":
            return _(
                "a create was sent but never confirmed; the next run checks Zoom before creating it"
            )
        if self.status in {"failed", "invalid"}:
            return self.error or ""
        return ""


@dataclass(frozen=True)
class HostQuota:
    """Creates sent for one host on one UTC day, out of Zoom's daily limit."""

    account: str
    host: str
    used: int
    limit: int = DAILY_CREATE_LIMIT


@dataclass
class StatusReport:
    """The journal laid beside the roster; built without calling Zoom."""

    journal: JournalContents
    account: str | None  # the account shown, or None for every account
    rows: list[RowStatus]
    quota: list[HostQuota]
    now: datetime  # the moment the report describes
    hidden: int = 0  # entries of other accounts, left out because ``account`` was given

    def counts(self) -> dict[str, int]:
        """How many of the roster's rows (entries, per account) are in each state."""
        counts = Counter(row.status for row in self.rows if row.in_roster)
        return {state: counts.get(state, 0) for state in ROW_STATES}

    def accounts(self) -> list[str]:
        """The accounts that appear in the rows shown."""
        return sorted({row.account for row in self.rows if row.account is not None})


def _from_entry(account: str, entry: Entry, **values: Any) -> RowStatus:
    state: RowState = _SHOWN.get(entry.state, cast(RowState, entry.state))
    values.setdefault("row", entry.excel_row)
    values.setdefault("timezone", (entry.body or {}).get("timezone"))
    return RowStatus(
        status=state,
        account=account,
        row_key=entry.row_key,
        host=entry.host,
        topic=entry.topic,
        start_utc=entry.start_utc,
        meeting_id=entry.meeting_id,
        start_time=entry.start_time,
        resume_at=entry.resume_at,
        error=entry.error,
        **values,
    )


def status(
    loaded: Loaded,
    journal: JournalContents,
    *,
    now: datetime,
    account: str | None = None,
) -> StatusReport:
    """Each roster row's state in the journal (of ``account``, or of every account).

    Rows the journal does not know are ``new`` (``existing`` when the sheet
    already holds their meeting id); journal entries no row maps to any more
    are listed after the rows with ``in_roster`` False.
    """
    accounts = [account] if account is not None else journal.accounts()
    hidden = sum(len(e) for a, e in journal.entries.items() if a not in accounts)
    ids = dict(zip(loaded.roster.rows, loaded.roster.values("id") or (), strict=False))
    rows: dict[int, list[RowStatus]] = {
        row: [
            RowStatus(row=row, status="invalid", key=cell_text(ids.get(row)), error=outcome.error)
        ]
        for row, outcome in invalid_outcomes(loaded.validation).items()
    }
    for row in loaded.validation.cancelled_rows:  # cancelled before any meeting was made
        rows[row] = [RowStatus(row=row, status="cancelled", key=cell_text(ids.get(row)))]
    seen: set[tuple[str, str]] = set()
    for session in loaded.validation.sessions:
        key = row_key(session)
        found = []
        for name in accounts:
            entry = journal.entries.get(name, {}).get(key)
            if entry is not None:
                seen.add((name, key))
                found.append(
                    _from_entry(
                        name, entry, row=session.row, key=session.key, timezone=session.timezone
                    )
                )
        if not found:
            found.append(
                RowStatus(
                    row=session.row,
                    status="cancelled"
                    if session.cancelled
                    else "new"
                    if session.meeting_id is None
                    else "existing",
                    account=account,
                    key=session.key,
                    row_key=key,
                    host=session.host,
                    topic=session.topic,
                    start_utc=session.start_utc,
                    meeting_id=session.meeting_id,
                    timezone=session.timezone,
                )
            )
        rows[session.row] = found
    shown = [status for row in sorted(rows) for status in rows[row]]
    for name in accounts:
        for key, entry in journal.entries.get(name, {}).items():
            if (name, key) not in seen:
                shown.append(_from_entry(name, entry, in_roster=False))
    quota = [
        HostQuota(name, host, used)
        for name in accounts
        for host, used in sorted(journal.quota.get(name, {}).items())
    ]
    return StatusReport(journal, account, shown, quota, now=now, hidden=hidden)


# ---------------------------------------------------------------------------------------------
# reconcile


@dataclass(frozen=True)
class MeetingCheck:
    """One journalled meeting compared with what Zoom holds now."""

    row: int | None
    row_key: str
    meeting_id: int
    host: str
    verdict: Verdict
    topic: str  # as the journal recorded it
    start_time: str  # as the journal recorded it (UTC)
    zoom_topic: str | None = None
    zoom_start_time: str | None = None
    changed: tuple[str, ...] = ()  # the fields ``changed_on_zoom`` names
    error: str | None = None
    timezone: str | None = None  # the row's zone (as batchzoom last set it), to show times in

    def detail(self) -> str:
        if self.verdict == "deleted":
            return _("no longer on Zoom (deleted there)")
        if self.verdict == "unchecked":
            return _("could not check: {error}").format(error=self.error)
        parts = []
        if "topic" in self.changed:
            parts.append(
                _("topic {old} -> {new}").format(old=repr(self.topic), new=repr(self.zoom_topic))
            )
        if "start_time" in self.changed:
            old = shown_zoom_time(self.start_time, self.timezone)
            new = shown_zoom_time(self.zoom_start_time, self.timezone)
            parts.append(_("start {old} -> {new}").format(old=old, new=new))
        parts += [
            _("{field} changed").format(field=name)
            for name in self.changed
            if name not in {"topic", "start_time"}
        ]
        return "; ".join(parts)


@dataclass
class ReconcileReport:
    """Every journalled meeting of one account, checked against Zoom."""

    account: str
    checks: list[MeetingCheck]
    other_accounts: int = 0  # meetings journalled under other accounts (not checked)
    tokens_fetched: int = 0
    requests: int = 0

    def counts(self) -> dict[str, int]:
        counts = Counter(check.verdict for check in self.checks)
        return {verdict: counts.get(verdict, 0) for verdict in VERDICTS}

    @property
    def all_match(self) -> bool:
        return all(check.verdict == "match" for check in self.checks)


def _same_instant(left: str | None, right: str | None) -> bool:
    if left is None or right is None:
        return left == right
    try:
        return datetime.fromisoformat(left) == datetime.fromisoformat(right)
    except ValueError:
        return left == right


# What batchzoom sets on a meeting and watches for edits made on Zoom: the fields of the
# body it sent, the recurrence rule, and the start instant.
WATCHED = ("topic", "duration", "timezone", "agenda")
# A series sent from its first occurrence still ahead (``create_body`` with ``now``)
# counts fewer occurrences than the journal's body: the count is not compared.
UNCOMPARED_RECURRENCE = ("end_times",)
# Zoom's listing of a host's meetings cuts ``agenda`` to 250 characters ("The length of
# agenda gets truncated to 250 characters when you list all of a user's meetings",
# GET /users/{userId}/meetings, docs/zoom-facts.md#meeting-list).
LISTED_AGENDA = 250


def changed_on_zoom(
    entry: Entry,
    meeting: Mapping[str, Any],
    *,
    body: Mapping[str, Any] | None = None,
    listed: bool = False,
) -> tuple[str, ...]:
    """The fields of Zoom's ``meeting`` that differ from what batchzoom last set.

    The one definition of "changed on Zoom", for ``reconcile`` and ``sync`` alike: the
    topic, duration, time zone, agenda and recurrence rule of the body batchzoom sent
    (``body``, else the journal's; without either only the topic counts), and the start
    instant. A meeting from a host's listing (``listed``) is compared on the agenda's
    first 250 characters, and not on the rule, which a listing does not carry.
    """
    recorded = body if body is not None else entry.body
    body_known = recorded is not None
    names = WATCHED if recorded is not None else ("topic",)
    recorded = recorded or {"topic": entry.topic}
    changed = []
    for name in names:
        theirs, ours = meeting.get(name) or None, recorded.get(name) or None
        if listed and name == "agenda" and isinstance(ours, str):
            ours = ours[:LISTED_AGENDA]
        if theirs != ours:
            changed.append(name)
    # A listing carries no rule (Meetings.json, listMeetings items): only a read compares it.
    if body_known and not listed and _recurrence_changed(meeting.get("recurrence"), recorded):
        changed.append("recurrence")
    start = recorded.get("start_time") if body is not None else None
    if not _same_instant(meeting.get("start_time"), start or entry.start_time or entry.start_utc):
        changed.append("start_time")
    return tuple(changed)


def _recurrence_changed(theirs: Any, recorded: Mapping[str, Any]) -> bool:
    """Whether Zoom's rule differs from the one sent (Zoom adds its defaults: only the
    fields sent are compared)."""
    ours = recorded.get("recurrence")
    if not ours:
        return False
    if not isinstance(theirs, Mapping):
        return True
    return any(
        theirs.get(key) != value for key, value in ours.items() if key not in UNCOMPARED_RECURRENCE
    )


def compare(entry: Entry, meeting: dict[str, Any] | None) -> MeetingCheck:
    """Compare a journal entry with Zoom's meeting (None: Zoom says it does not exist)."""
    assert entry.meeting_id is not None
    recorded_start = entry.start_time or entry.start_utc
    check = MeetingCheck(
        row=entry.excel_row,
        row_key=entry.row_key,
        meeting_id=entry.meeting_id,
        host=entry.host,
        verdict="deleted",
        topic=entry.topic,
        start_time=recorded_start,
        timezone=(entry.body or {}).get("timezone"),
    )
    if meeting is None:
        return check
    zoom_topic = meeting.get("topic")
    zoom_start = meeting.get("start_time")
    changed = changed_on_zoom(entry, meeting)
    return MeetingCheck(
        row=check.row,
        row_key=check.row_key,
        meeting_id=check.meeting_id,
        host=check.host,
        verdict="changed" if changed else "match",
        topic=check.topic,
        start_time=check.start_time,
        zoom_topic=zoom_topic,
        zoom_start_time=zoom_start,
        changed=changed,
        timezone=check.timezone,
    )


def reconcile(
    journal: JournalContents,
    options: Settings,
    *,
    workers: int = RECONCILE_WORKERS,
    progress: Callable[[int, int], None] | None = None,
) -> ReconcileReport:
    """Ask Zoom for every meeting the journal recorded as created for ``options.zoom``.

    Sends only ``GET /meetings/{id}``, under one token and paced; raises
    ``AuthError``/``ZoomUnreachableError`` when the check cannot be done at all.
    """
    settings = options.zoom
    if settings is None:
        raise ValueError("reconcile needs the Zoom settings (options.zoom)")
    entries = [
        entry
        for entry in journal.entries.get(settings.account_id, {}).values()
        if entry.state == "created" and entry.meeting_id is not None
    ]
    entries.sort(key=lambda e: (e.excel_row is None, e.excel_row or 0, e.row_key))
    others = sum(
        1
        for name, by_key in journal.entries.items()
        if name != settings.account_id
        for entry in by_key.values()
        if entry.state == "created"
    )
    report = ReconcileReport(settings.account_id, [], other_accounts=others)
    if not entries:
        return report
    # The HTTP stack loads only here: ``status`` and the rest of this module read the journal.
    from batchzoom.engine.connection import zoom_client
    from batchzoom.zoom.client import ZoomRequestError
    from batchzoom.zoom.meetings import is_webinar_body

    with zoom_client(options, workers=workers) as client:
        done = 0
        lock = threading.Lock()

        def check(entry: Entry) -> MeetingCheck:
            nonlocal done
            assert entry.meeting_id is not None
            try:
                webinar = is_webinar_body(entry.body)
                result = compare(entry, client.get_meeting(entry.meeting_id, webinar=webinar))
            except ZoomRequestError as refused:
                result = MeetingCheck(
                    row=entry.excel_row,
                    row_key=entry.row_key,
                    meeting_id=entry.meeting_id,
                    host=entry.host,
                    verdict="unchecked",
                    topic=entry.topic,
                    start_time=entry.start_time or entry.start_utc,
                    error=str(refused),
                    timezone=(entry.body or {}).get("timezone"),
                )
            with lock:
                done += 1
                count = done
            if progress is not None:
                progress(count, len(entries))
            return result

        try:
            with ThreadPoolExecutor(max(1, workers), thread_name_prefix="reconcile") as pool:
                report.checks = list(pool.map(check, entries))
        finally:
            report.tokens_fetched = client.tokens_fetched
            report.requests = client.stats["requests"]
    return report
