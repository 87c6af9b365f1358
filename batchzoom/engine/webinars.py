"""A webinar's panelists kept in step with its ``panelists`` cell: each added once, and only
those batchzoom added ever removed.

The journal keeps, per webinar, the panelists batchzoom added and those it found there
already (``batchzoom.engine.journal.panelists``). A webinar whose cell says exactly what the
journal says was applied costs no request; only a webinar whose cell differs (or whose
addition or removal was left unfinished: a crash, a lost answer, a refusal) has its
panelists listed (``GET /webinars/{id}/panelists``), and then:

- a panelist in the cell whom Zoom does not list is added (``POST .../panelists``, 30 a
  call), journalled ``intent`` before the request and ``added`` after it, so a crash or a
  lost answer is settled from the next listing and nobody is added twice;
- a panelist in the cell whom Zoom lists already, not added by batchzoom, is recorded as
  ``found``: someone put them there, and batchzoom never removes them;
- a panelist gone from the cell whom batchzoom added is removed (``DELETE
  .../panelists/{panelistId}``, docs/zoom-facts.md#webinar-panelists), journalled
  ``removing`` first; a panelist added by hand in Zoom is never in the journal as batchzoom's
  and is never removed.

``schedule`` adds (it never removes); ``sync`` plans both before it asks, with the listing,
and applies what its confirmation approved. Zoom names each panelist (``name`` with
``email``, webinarPanelistCreate); the roster gives emails only, so a panelist is named by
the part of the email before the ``@``. A panelist batchzoom cannot add or remove is a
warning naming the row; the next run tries again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from batchzoom.core.errors import BatchzoomError, RunStoppingError
from batchzoom.core.i18n import _, ngettext
from batchzoom.engine.journal import Journal
from batchzoom.engine.journal.panelists import APPLIED, OURS, PanelistJournal, PanelistRecord
from batchzoom.model.outcomes import RowOutcome
from batchzoom.model.rows import WEBINAR, Session
from batchzoom.zoom.errors import InDoubtError, MalformedAnswerError, ZoomRequestError
from batchzoom.zoom.webinars import PANELISTS_PER_CALL, Panelist

# The outcomes whose webinar is on Zoom under the row's id (``sync``'s kept rows included).
LIVE = frozenset({"created", "existing", "changed", "updated", "unchanged"})
# Zoom's code on its own 404 to webinarPanelistDelete (docs/zoom-facts.md#webinar-panelists).
GONE_CODE = 3001


class PanelistCalls(Protocol):
    """The Zoom calls keeping panelists needs (the Zoom client's panelist methods)."""

    def list_panelists(self, webinar_id: int) -> list[Panelist]: ...

    def add_panelists(self, webinar_id: int, panelists: Sequence[Panelist]) -> None: ...

    def remove_panelist(self, webinar_id: int, panelist_id: str) -> None: ...


@dataclass(frozen=True)
class PanelistChange:
    """What one webinar's panelists need, from its cell, its journal records and (``listed``)
    Zoom's listing; without the listing (a dry run) from the journal alone."""

    row: int
    webinar_id: int
    add: tuple[str, ...] = ()  # emails, as the cell writes them
    remove: tuple[tuple[str, str], ...] = ()  # (email, the id Zoom lists it by)
    adopt: tuple[str, ...] = ()  # sent before, listed now: batchzoom's
    found: tuple[str, ...] = ()  # on Zoom before batchzoom added them: never removed
    forget: tuple[str, ...] = ()  # records of panelists neither in the cell nor to remove
    # ``found`` panelists gone from the cell: batchzoom does not remove them, so they stay
    left: tuple[str, ...] = ()
    listed: bool = True

    @property
    def empty(self) -> bool:
        return not (self.add or self.remove or self.adopt or self.found or self.forget or self.left)


@dataclass
class PanelistPlan:
    """The panelist changes of the webinars a run compared (``looked``: their ids) out of
    those it was given (``kept``: the webinars the sync plan keeps)."""

    changes: list[PanelistChange] = field(default_factory=list)
    looked: set[int] = field(default_factory=set)
    kept: set[int] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    @property
    def additions(self) -> int:
        return sum(len(change.add) for change in self.changes)

    @property
    def removals(self) -> int:
        return sum(len(change.remove) for change in self.changes)

    def rows(self, *, removing: bool) -> list[int]:
        """The rows with panelists to remove (``removing``) or to add."""
        return sorted({c.row for c in self.changes if (c.remove if removing else c.add)})


@dataclass
class PanelistsAdded:
    """What keeping panelists did: how many were added and removed, a warning per failure."""

    added: int = 0
    removed: int = 0
    warnings: list[str] = field(default_factory=list)
    stopped: bool = False  # no token, or Zoom out of reach: the other webinars wait too


def panelist(email: str) -> Panelist:
    """A roster panelist as Zoom takes one: named by the email's part before the ``@``."""
    return Panelist(name=email.split("@", 1)[0], email=email)


def settled(cell: Iterable[str], records: Mapping[str, PanelistRecord]) -> bool:
    """Whether the cell is what the journal says was applied, with nothing left unfinished."""
    return {email.casefold() for email in cell} == set(records) and all(
        record.state in APPLIED for record in records.values()
    )


def compare(
    row: int,
    webinar_id: int,
    cell: Sequence[str],
    records: Mapping[str, PanelistRecord],
    zoom: Mapping[str, str] | None,
) -> PanelistChange:
    """What the webinar needs; ``zoom`` is Zoom's listing (case-folded email -> panelist id),
    None to plan from the journal alone."""
    wanted = {email.casefold(): email for email in cell}
    if zoom is None:
        return PanelistChange(
            row,
            webinar_id,
            add=tuple(e for key, e in wanted.items() if _state(records, key) not in APPLIED),
            remove=tuple(
                (key, key) for key, r in records.items() if key not in wanted and r.state in OURS
            ),
            left=tuple(k for k, r in records.items() if k not in wanted and r.state == "found"),
            listed=False,
        )
    add, adopt, found = [], [], []
    for key, email in wanted.items():
        state = _state(records, key)
        if key not in zoom:
            add.append(email)
        elif state in {"intent", "removing"}:
            adopt.append(key)
        elif state not in APPLIED:  # no record, or a refused addition: not batchzoom's
            found.append(key)
    remove, forget, left = [], [], []
    for key, record in records.items():
        if key in wanted:
            continue
        if key in zoom and record.state in OURS:
            remove.append((key, zoom[key]))
        else:
            forget.append(key)
            if key in zoom and record.state == "found":
                left.append(key)
    return PanelistChange(
        row,
        webinar_id,
        add=tuple(add),
        remove=tuple(remove),
        adopt=tuple(adopt),
        found=tuple(found),
        forget=tuple(forget),
        left=tuple(left),
    )


def _state(records: Mapping[str, PanelistRecord], key: str) -> str | None:
    record = records.get(key)
    return None if record is None else record.state


def panelist_book(journal: Journal) -> PanelistJournal:
    """The panelist records in the file of ``journal``, for its account and on its clock."""
    return PanelistJournal(journal.path, account=journal.account, now=journal.now)


def listing(client: PanelistCalls, webinar_id: int) -> dict[str, str]:
    """Zoom's panelists of the webinar: case-folded email -> the id to remove it by."""
    listed = client.list_panelists(webinar_id)
    return {p.email.casefold(): p.id or p.email for p in listed if p.email.strip()}


def plan_panelists(
    client: PanelistCalls | None,
    book: PanelistJournal,
    webinars: Iterable[tuple[Session, int]],
) -> PanelistPlan:
    """The changes of the webinars (session, webinar id) whose cell differs from the journal,
    each from one listing (from the journal alone when ``client`` is None). A listing that
    stops the run leaves the webinars after it uncompared (not in ``looked``): applying the
    plan removes none of their panelists, as the plan showed none."""
    given = list(webinars)
    plan = PanelistPlan(kept={webinar_id for _session, webinar_id in given})
    for session, webinar_id in given:
        plan.looked.add(webinar_id)
        records = book.of(webinar_id)
        if settled(session.panelists, records):
            continue
        zoom: dict[str, str] | None = None
        if client is not None:
            try:
                zoom = listing(client, webinar_id)
            except BatchzoomError as error:
                plan.warnings.append(_not_kept(session.row, webinar_id, error))
                if isinstance(error, RunStoppingError):
                    break
                continue
        change = compare(session.row, webinar_id, session.panelists, records, zoom)
        if change.left:
            plan.warnings.append(_left_on_zoom(session.row, webinar_id, change.left))
        if not change.empty:
            plan.changes.append(change)
    return plan


def keep_panelists(
    client: PanelistCalls,
    journal: Journal,
    sessions: Sequence[Session],
    outcomes: Mapping[int, RowOutcome],
    plan: PanelistPlan | None = None,
    *,
    add: bool = True,
    remove: bool = True,
) -> PanelistsAdded:
    """Bring each live webinar row's panelists in step with its cell (see the module text).

    The panelist records are kept in ``journal``'s file. The webinars ``plan`` compared get
    its changes (``add`` and ``remove`` say which of them were approved); any other webinar
    is compared now: one the plan kept but did not compare (its listing was not reached)
    has nobody removed, since no removal of it was shown or approved, and one made by this
    run's steps (not among the plan's ``kept``) gets its cell's panelists whatever ``add``
    says, since the plan's count of additions did not include them. Without a plan
    (``schedule``) ``add`` and ``remove`` hold for every webinar; ``remove`` False: nobody
    is removed."""
    done = PanelistsAdded()
    planned = {change.webinar_id: change for change in plan.changes} if plan else {}
    looked = plan.looked if plan else set()
    with panelist_book(journal) as book:
        for session in sessions:
            outcome = outcomes.get(session.row)
            if session.kind != WEBINAR or outcome is None or outcome.meeting_id is None:
                continue
            if outcome.status not in LIVE:
                continue
            webinar_id = outcome.meeting_id
            change = planned.get(webinar_id)
            if change is None and webinar_id in looked:
                continue  # compared before the plan was shown: nothing to do
            adding, removing = add, remove
            if change is None and plan is not None:
                made = webinar_id not in plan.kept  # by a create or re-create step
                adding, removing = add or made, False
            try:
                if change is None:
                    records = book.of(webinar_id)
                    if settled(session.panelists, records):
                        continue
                    # A webinar made this run has no panelists yet: no need to list them.
                    fresh = outcome.status == "created" and not records
                    zoom = {} if fresh else listing(client, webinar_id)
                    change = compare(session.row, webinar_id, session.panelists, records, zoom)
                _apply(client, book, change, done, add=adding, remove=removing)
            except BatchzoomError as error:
                done.warnings.append(_not_kept(session.row, webinar_id, error))
                done.stopped = isinstance(error, RunStoppingError)
            if done.stopped:
                break
    return done


def _apply(
    client: PanelistCalls,
    book: PanelistJournal,
    change: PanelistChange,
    done: PanelistsAdded,
    *,
    add: bool,
    remove: bool,
) -> None:
    """One webinar's change, each request journalled before and after it is sent."""
    webinar_id = change.webinar_id
    book.set(webinar_id, change.adopt, "added")
    book.set(webinar_id, change.found, "found")
    book.forget(webinar_id, change.forget)
    if remove:
        for key, panelist_id in change.remove:
            book.set(webinar_id, [key], "removing")
            try:
                client.remove_panelist(webinar_id, panelist_id)
            except ZoomRequestError as refused:
                # Gone already, which is what was wanted, only when Zoom itself says so: its
                # 404 carries code 3001 (docs/zoom-facts.md#webinar-panelists). A 404 without
                # it (a proxy's page, MalformedAnswerError) proves nothing: the next run tries.
                if not _gone(refused):
                    book.set(webinar_id, [key], "added")  # refused: still there, and ours
                    raise
            book.forget(webinar_id, [key])
            done.removed += 1
    if not add:
        return
    people = list(change.add)
    for start in range(0, len(people), PANELISTS_PER_CALL):
        part = people[start : start + PANELISTS_PER_CALL]
        book.set(webinar_id, part, "intent")
        try:
            client.add_panelists(webinar_id, [panelist(email) for email in part])
        except InDoubtError:
            raise  # the intents stay: the next run's listing settles them
        except ZoomRequestError as refused:
            book.set(webinar_id, part, "failed", str(refused))
            raise
        book.set(webinar_id, part, "added")
        done.added += len(part)


def _gone(refused: ZoomRequestError) -> bool:
    """Whether a refused removal is Zoom's own "does not exist" (404, code 3001)."""
    return (
        refused.status == 404
        and refused.code == GONE_CODE
        and not isinstance(refused, MalformedAnswerError)
    )


def _left_on_zoom(row: int, webinar_id: int, emails: Sequence[str]) -> str:
    return ngettext(
        "row {row}: {emails} left the panelists cell but stays a panelist of webinar {webinar}: "
        "batchzoom did not add them (or added them before it kept a record), so it does not "
        "remove them; remove them in Zoom if they should go.",
        "row {row}: {emails} left the panelists cell but stay panelists of webinar {webinar}: "
        "batchzoom did not add them (or added them before it kept a record), so it does not "
        "remove them; remove them in Zoom if they should go.",
        len(emails),
    ).format(row=row, emails=", ".join(emails), webinar=webinar_id)


def _not_kept(row: int, webinar_id: int, error: BatchzoomError) -> str:
    return _(
        "row {row}: the panelists of webinar {webinar} were not brought in step with the "
        "sheet ({error}); the next run tries again."
    ).format(row=row, webinar=webinar_id, error=error)
