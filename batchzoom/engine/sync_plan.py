"""What ``sync`` would do: each row compared with what the journal says batchzoom last set on
Zoom (and with Zoom itself when it was looked at), as a plan of steps to confirm.

``plan_sync`` lists the steps; ``Step.describe`` says each in a few words for the plan
table; ``engine.sync`` applies them. A row whose ``kind`` changed after its session was
created (meeting to webinar or back) is refused: Zoom cannot turn one into the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from batchzoom.core.i18n import N_, _, ngettext
from batchzoom.engine.journal import Entry
from batchzoom.engine.looking import ZoomView
from batchzoom.engine.run import from_entry
from batchzoom.files.results import Loaded
from batchzoom.model.local_times import shown_zoom_time
from batchzoom.model.outcomes import RowOutcome, row_key, row_outcome
from batchzoom.model.rows import WEBINAR, Session
from batchzoom.zoom.meetings import create_body, is_webinar_body

if TYPE_CHECKING:
    from batchzoom.engine.events import AttendeePlan
    from batchzoom.engine.webinars import PanelistPlan

KIND_CHANGED = N_(
    "this row's kind changed after its session was created, and Zoom cannot turn a meeting "
    "into a webinar or back; restore the kind, or mark the row cancelled, sync, then add it "
    "again as a new row."
)
Action = Literal["create", "update", "restore", "recreate", "re-create", "cancel", "delete"]


@dataclass(frozen=True)
class Step:
    """One change to make on Zoom."""

    action: Action
    key: str
    session: Session | None  # None for a row gone from the sheet
    entry: Entry | None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field -> (old, new)
    on_zoom: tuple[str, ...] = ()  # fields changed on Zoom that --force puts back

    @property
    def row(self) -> int | None:
        return self.session.row if self.session else self.entry.excel_row if self.entry else None

    def describe(self) -> str:
        """What changes, in a few words, for the plan table."""
        if self.action == "create":
            return _("new meeting")
        if self.action == "recreate":
            old, new = self.changes["host"]
            return _("host {old} -> {new}: new meeting, then the old one deleted").format(
                old=old, new=new
            )
        if self.action == "re-create":
            assert self.entry is not None
            return _("meeting {id} was deleted on Zoom: a new meeting (new link)").format(
                id=self.entry.meeting_id
            )
        if self.action == "update" and self.on_zoom:
            return _("put back the sheet's {fields}, changed on Zoom").format(
                fields=", ".join(self.on_zoom)
            )
        if self.action == "restore":
            return _("keep the meeting: its row is no longer cancelled")
        if self.action in {"cancel", "delete"}:
            assert self.entry is not None
            ids = [i for i in (self.entry.meeting_id, self.entry.old_meeting_id) if i is not None]
            return _delete_words()[self.action, len(ids) > 1].format(
                id=" ".join(map(str, ids[:1])), old=" ".join(map(str, ids[1:]))
            )
        return "; ".join(
            f"{name}: {self._shown(name, old, 0)} -> {self._shown(name, new, 1)}"
            for name, (old, new) in self.changes.items()
        )

    def _shown(self, name: str, value: Any, side: int) -> str:
        """A changed field's old (``side`` 0) or new value; a start in the row's zone
        (the old start in the old zone when the zone changes too), then in UTC."""
        if name != "start_time" or not isinstance(value, str):
            return _short(value)
        zone = self.session.timezone if self.session is not None else None
        if "timezone" in self.changes:
            zone = self.changes["timezone"][side] or zone
        return shown_zoom_time(value, zone)


def _delete_words() -> dict[tuple[str, bool], str]:
    return {
        ("cancel", False): _("delete meeting {id} (marked cancelled)"),
        ("cancel", True): _("delete meeting {id} and {old} (marked cancelled)"),
        ("delete", False): _("delete meeting {id} (row gone from the sheet)"),
        ("delete", True): _("delete meeting {id} and {old} (row gone from the sheet)"),
    }


def _short(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


@dataclass
class SyncPlan:
    steps: list[Step]
    unchanged: list[tuple[Session, Entry]]
    settled: dict[int, RowOutcome]  # rows with nothing to do now (deferred, cancelled...)
    attendees: AttendeePlan | None = None  # None: no attendee sheet
    # What a confirmation approved of the attendee plan (``confirm`` may turn either off).
    register_new: bool = True
    cancel_removed: bool = True
    # The panelist changes of the webinars kept (None: not compared), and what a confirmation
    # approved of them; the panelists of a webinar made by a step come with its step.
    panelists: PanelistPlan | None = None
    add_panelists: bool = True
    remove_panelists: bool = True

    @property
    def asks(self) -> bool:
        """Whether there is anything to confirm: a step, an attendee to register or cancel, or
        a panelist to add or remove."""
        return (
            bool(self.steps)
            or (self.attendees is not None and not self.attendees.empty)
            or self.panelist_additions > 0
            or self.panelist_removals > 0
        )

    @property
    def panelist_additions(self) -> int:
        return 0 if self.panelists is None else self.panelists.additions

    @property
    def panelist_removals(self) -> int:
        return 0 if self.panelists is None else self.panelists.removals

    def panelist_lines(self) -> list[str]:
        """The plan's panelist changes, one line for the additions and one for the removals."""
        lines = []
        # The singular or plural is the rows' ("on row 3", "on rows 3, 4"): the count of
        # panelists reads alike either way.
        if self.panelists is not None and self.panelist_additions:
            count = self.panelist_additions
            rows = self.panelists.rows(removing=False)
            lines.append(
                ngettext(
                    "Panelists: {count} to add, on row {rows}.",
                    "Panelists: {count} to add, on rows {rows}.",
                    len(rows),
                ).format(count=count, rows=_rows(rows))
            )
        if self.panelists is not None and self.panelist_removals:
            count = self.panelist_removals
            rows = self.panelists.rows(removing=True)
            lines.append(
                ngettext(
                    "Panelists: {count} to remove from Zoom, on row {rows} (gone from its "
                    "panelists cell; batchzoom removes only panelists it added).",
                    "Panelists: {count} to remove from Zoom, on rows {rows} (gone from their "
                    "panelists cells; batchzoom removes only panelists it added).",
                    len(rows),
                ).format(count=count, rows=_rows(rows))
            )
        return lines

    @property
    def deletions(self) -> list[Step]:
        return [step for step in self.steps if step.action in {"cancel", "delete"}]

    @property
    def changes(self) -> list[Step]:
        return [step for step in self.steps if step.action not in {"cancel", "delete"}]


def _rows(rows: list[int]) -> str:
    return ", ".join(map(str, rows))


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields of a meeting body that differ (missing counts as empty)."""
    names = sorted(set(old) | set(new))
    return {
        name: (old.get(name), new.get(name)) for name in names if old.get(name) != new.get(name)
    }


def plan_sync(
    loaded: Loaded,
    entries: dict[str, Entry],
    *,
    delete_missing: bool,
    now: datetime,
    zoom: ZoomView | None = None,
    force: bool = False,
) -> SyncPlan:
    """Compare each valid row with the journal, and with Zoom when ``zoom`` is known
    (a meeting deleted there is re-created; with ``force`` one changed there is put
    back), and list what to do."""
    steps: list[Step] = []
    unchanged: list[tuple[Session, Entry]] = []
    settled: dict[int, RowOutcome] = {}
    keys = set()
    for session in loaded.validation.sessions:
        key = row_key(session)
        keys.add(key)
        entry = entries.get(key)
        live = (
            entry is not None
            and entry.state in {"created", "deleting"}
            and entry.meeting_id is not None
        )
        if session.cancelled:
            if live or (entry is not None and entry.old_meeting_id is not None):
                steps.append(Step("cancel", key, session, entry))
            else:
                settled[session.row] = row_outcome(session, "cancelled")
        elif entry is not None and entry.deferred_until_after(now):
            settled[session.row] = from_entry(session, entry, "deferred")
        elif not live or entry is None:
            steps.append(Step("create", key, session, entry))
        elif is_webinar_body(entry.body) != (session.kind == WEBINAR):
            settled[session.row] = replace(
                from_entry(session, entry, "failed"), error=_(KIND_CHANGED)
            )
        elif entry.state == "deleting":  # cancelled, then restored before the delete finished
            steps.append(Step("restore", key, session, entry))
        elif entry.host.lower() != session.host.lower():
            steps.append(
                Step("recreate", key, session, entry, {"host": (entry.host, session.host)})
            )
        else:
            step = _step_for_live_row(key, session, entry, zoom, force=force)
            if step is None:
                unchanged.append((session, entry))
            else:
                steps.append(step)
    if delete_missing:
        for key, entry in entries.items():
            if (
                key not in keys and entry.old_meeting_id is not None and entry.meeting_id is None
            ) or (
                key not in keys
                and entry.state in {"created", "deleting"}
                and entry.meeting_id is not None
            ):
                steps.append(Step("delete", key, None, entry))
    return SyncPlan(steps, unchanged, settled)


def _step_for_live_row(
    key: str, session: Session, entry: Entry, zoom: ZoomView | None, *, force: bool
) -> Step | None:
    """What a row with a live meeting under its host needs (None: nothing)."""
    changes = diff(entry.pending or entry.body or {}, create_body(session))
    shown = zoom.shown(entry) if zoom is not None else ()
    if shown is None:  # deleted on Zoom: a new meeting for the row
        return Step("re-create", key, session, entry)
    if entry.pending is not None or changes or entry.old_meeting_id is not None:
        return Step("update", key, session, entry, changes)
    if force and shown:
        return Step("update", key, session, entry, on_zoom=shown)
    return None
