"""A roster's events: its attendee sheet read and checked with the roster, before anything is sent.

``check_attendees`` finds the attendee sheet (``--attendees FILE``, else the roster
workbook's ``Attendees``/``참석자`` sheet), validates it against the roster's sessions
(``batchzoom.model.attendees``), and returns the roster's validation with the problems of
rows Zoom could not register attendees for (and webinar-only columns on meetings), and
with Zoom's registration settings on every row that takes registrants.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from batchzoom.engine.journal import Journal
from batchzoom.engine.journal.registrants import RegistrantJournal
from batchzoom.engine.lifecycle import RunPaths
from batchzoom.engine.registrant_cancels import cancel_removed, cancelled_rows
from batchzoom.engine.registrations import (
    Registered,
    Registrar,
    register_all,
    results_of,
    targets_of,
)
from batchzoom.files.attendee_results import default_attendee_output, write_attendee_results
from batchzoom.files.attendees import attendee_sheet, read_attendees
from batchzoom.files.ics import write_calendar
from batchzoom.files.results import RunReport
from batchzoom.files.roster import Roster
from batchzoom.model.attendees import (
    AttendeeValidation,
    panelist_problems,
    registration_problems,
    validate_attendees,
    webinar_problems,
    with_registration,
)
from batchzoom.model.cells import cell_text
from batchzoom.model.outcomes import RowOutcome, row_key
from batchzoom.model.rows import Session, Validation

if TYPE_CHECKING:
    from batchzoom.engine.settings import Settings
    from batchzoom.files.results import Loaded


@dataclass(frozen=True)
class AttendeePlan:
    """What sync would do to registrations: the sheet's people not yet registered, and the
    registrants batchzoom added who left the sheet or are marked cancelled (session id,
    email), whose registrations it would cancel."""

    register: int
    cancel: tuple[tuple[str, str], ...]

    @property
    def empty(self) -> bool:
        return not self.register and not self.cancel


@dataclass
class ScheduleReport(RunReport):
    """A ``schedule`` run's report, with what registering its attendees did."""

    registered: Registered | None = None  # None: the roster has no attendees
    panelists_added: int = 0  # webinar panelists added this run


def attendee_table(roster: Roster, attendees: Path | None = None) -> Roster | None:
    """The attendee table of a run: the ``attendees`` file, else the roster's own sheet.

    A workbook given as ``attendees`` is read from its ``Attendees`` sheet when it has
    one, else from its first visible sheet.
    """
    if attendees is not None:
        return read_attendees(attendees, sheet=attendee_sheet(attendees))
    sheet = attendee_sheet(roster.source.path)
    if sheet is None or sheet == roster.source.sheet:
        return None
    table = read_attendees(roster.source.path, sheet=sheet)
    return table if table.rows else None  # only a header row (the template's): no attendees


def check_attendees(
    roster: Roster, validation: Validation, table: Roster | None, *, plan: str = "pro"
) -> tuple[Validation, AttendeeValidation | None]:
    """The roster's validation with its events' problems, and the attendee sheet's validation."""
    problems = panelist_problems(roster.columns, validation)
    problems += webinar_problems(roster.columns, validation, plan=plan)
    checked: AttendeeValidation | None = None
    if table is not None:
        name = table.source.sheet or table.source.path.name
        ids = [text for text in map(cell_text, roster.values("id") or []) if text is not None]
        checked = validate_attendees(table, name, validation, ids)
        problems += registration_problems(roster.columns, validation, checked, plan=plan)
    sessions = [with_registration(session) for session in validation.sessions]
    validation = validation.amended(problems, sessions)
    if checked is not None:
        kept = {session.key for session in validation.sessions}
        checked = replace(
            checked,
            attendees=[item for item in checked.attendees if item.session in kept],
            cancelled=[item for item in checked.cancelled if item.session in kept],
        )
    return validation, checked


def register_run(
    client: Registrar,
    journal: Journal,
    loaded: Loaded,
    outcomes: Mapping[int, RowOutcome],
    *,
    plan: str = "pro",
    created: Collection[int] | None = None,
) -> Registered | None:
    """Register the attendees of every session whose meeting now exists (None: no attendees).

    Runs after the creates, on the run's client (paced and counted with them) and its
    journal file (``batchzoom.engine.registrations``), within ``plan``'s daily pools.
    ``created`` are the meetings this run made: Zoom holds no registrants of them that
    batchzoom did not add, so they are not counted on Zoom first (None: every meeting is).
    """
    if loaded.attendees is None:
        return None
    # A row changed since its meeting was created: Zoom still has the earlier settings (its
    # meeting may not take registration yet, answering 404 "Registration has not been
    # enabled"), so its people wait until sync has applied the row.
    ids = {row: o.meeting_id for row, o in outcomes.items() if o.status != "changed"}
    targets = targets_of(loaded.validation.sessions, ids, created)
    changed = {row for row, outcome in outcomes.items() if outcome.status == "changed"}
    waiting = {s.key for s in loaded.validation.sessions if s.row in changed and s.registration}
    with RegistrantJournal(journal.path, account=journal.account, now=journal.now) as book:
        registered = register_all(
            client, book, targets, loaded.attendees.attendees, now=journal.now, plan=plan
        )
        registered.records += cancelled_rows(book, targets, loaded.attendees.cancelled)
    registered.held = sum(person.session in waiting for person in loaded.attendees.attendees)
    return registered


def write_registrations(loaded: Loaded, registered: Registered, roster_output: Path) -> Path:
    """Write the registrations into the attendee sheet: into the roster's result workbook when
    the sheet is one of its own, else beside the attendee file."""
    source = loaded.attendee_source
    assert source is not None
    same_book = source.path == loaded.roster.source.path
    target = roster_output if same_book else default_attendee_output(source)
    return write_attendee_results(source, results_of(registered), target, into=same_book)


def attendee_calendars(
    loaded: Loaded,
    report: RunReport,
    directory: Path,
    *,
    include_password: bool,
    now: datetime,
) -> int:
    """One .ics file per registered attendee in ``directory``, with that person's own link.

    Named by the person's email (``lee.jiwoo@example.com.ics``); return how many were written.
    ``report`` is a schedule's or a sync's (its ``registered``): a cancelled registrant has no
    link, so no event.
    """
    registered: Registered | None = getattr(report, "registered", None)
    if registered is None:
        return 0
    sessions = {session.key: session for session in loaded.validation.sessions}
    outcomes = {outcome.row: outcome for outcome in report.outcomes}
    mine: dict[str, list[tuple[Session, RowOutcome]]] = {}
    for record in registered.records:
        session = sessions.get(record.session)
        outcome = outcomes.get(session.row) if session is not None else None
        if session is None or outcome is None or not record.join_url:
            continue
        personal = replace(outcome, join_url=record.join_url)
        mine.setdefault(record.email, []).append((session, personal))
    directory.mkdir(parents=True, exist_ok=True)
    for email, items in mine.items():
        name = re.sub(r"[^\w.@+-]", "_", email) + ".ics"
        write_calendar(directory / name, items, include_password=include_password, now=now)
    return len(mine)


def sync_registrations(
    loaded: Loaded,
    options: Settings,
    report: RunReport,
    *,
    register: bool = True,
    cancel: bool = True,
    transport: Any = None,
) -> Registered | None:
    """After a sync: register the sheet's new attendees and cancel the removed ones.

    Only registrants batchzoom added (in the journal) are ever cancelled: those no longer on
    the sheet and those whose status says cancelled (``--notify`` has no say here: see
    ``cancel_removed``). Someone cancelled and back on the sheet is approved again. The
    attendee sheet gets every registration's result, a cancelled row ``cancelled``. None
    when there is no attendee sheet or nothing ran. ``register`` and ``cancel`` say which of
    the two the plan's confirmation approved.
    """
    if loaded.attendees is None or options.zoom is None or options.dry_run:
        return None
    if report.output is None:
        return None
    ids = {outcome.row: outcome.meeting_id for outcome in report.outcomes}
    # A sync's "created" rows are the ones it created (an earlier run's are "unchanged").
    made = {o.meeting_id for o in report.outcomes if o.status == "created" and o.meeting_id}
    targets = targets_of(loaded.validation.sessions, ids, made)
    from batchzoom.engine.connection import zoom_client  # the HTTP stack, once it is needed

    path = RunPaths.for_settings(loaded.roster.source.path, options).journal
    with (
        zoom_client(options, transport=transport) as client,
        RegistrantJournal(path, account=options.zoom.account_id, now=options.now) as book,
    ):
        # Cancelled first: someone taken off the sheet frees their place for a newcomer.
        gone = cancel_removed(client, book, targets, loaded.attendees.attendees) if cancel else []
        people = loaded.attendees.attendees if register else ()
        registered = register_all(client, book, targets, people, now=options.now, plan=options.plan)
        marked = {(person.session, person.key) for person in loaded.attendees.cancelled}
        # Those cancelled who have left the sheet: counted, not written back; a row whose
        # status says cancelled gets its record.
        registered.cancelled = sum((r.session, r.email) not in marked for r in gone)
        registered.records += cancelled_rows(book, targets, loaded.attendees.cancelled)
    write_registrations(loaded, registered, report.output.path)
    return registered


def attendee_plan(loaded: Loaded, journal: Journal) -> AttendeePlan | None:
    """What ``sync`` would do to registrations, from the sheet and the journal alone (Zoom is
    not asked): who would be registered, and which registrants batchzoom added would be
    cancelled (None when there is no attendee sheet)."""
    if loaded.attendees is None:
        return None
    entries = journal.entries()
    meetings = {
        session.key: entries[key].meeting_id
        for session in loaded.validation.sessions
        if (key := row_key(session)) in entries and entries[key].meeting_id is not None
    }
    present = {(person.session, person.key) for person in loaded.attendees.attendees}
    with RegistrantJournal(journal.path, account=journal.account, now=journal.now) as book:
        on_zoom = [  # registered: by batchzoom ("added"), or found there ("found")
            record
            for record in book.all()
            if record.state in {"added", "found"}
            and meetings.get(record.session) == record.meeting_id
        ]
    ours = [record for record in on_zoom if record.state == "added"]  # only these are cancelled
    registered = {(record.session, record.email) for record in on_zoom}
    return AttendeePlan(
        register=len(present - registered),
        cancel=tuple(
            sorted(
                (record.session, record.email)
                for record in ours
                if record.registrant_id and (record.session, record.email) not in present
            )
        ),
    )
