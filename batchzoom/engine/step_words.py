"""How a step of a sync plan reads in the plan table, in the run's language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from batchzoom.core.i18n import _

if TYPE_CHECKING:
    from batchzoom.engine.sync import Step


def describe(step: Step) -> str:
    """What ``step`` changes, in a few words."""
    if step.action == "create":
        return _("new meeting")
    if step.action == "recreate":
        old, new = step.changes["host"]
        return _("host {old} -> {new}: new meeting, then the old one deleted").format(
            old=old, new=new
        )
    if step.action == "re-create":
        assert step.entry is not None
        return _("meeting {id} was deleted on Zoom: a new meeting (new link)").format(
            id=step.entry.meeting_id
        )
    if step.action == "update" and step.on_zoom:
        return _("put back the sheet's {fields}, changed on Zoom").format(
            fields=", ".join(step.on_zoom)
        )
    if step.action == "restore":
        return _("keep the meeting: its row is no longer cancelled")
    if step.action in {"cancel", "delete"}:
        assert step.entry is not None
        ids = [i for i in (step.entry.meeting_id, step.entry.old_meeting_id) if i is not None]
        return _delete_words()[step.action, len(ids) > 1].format(
            id=" ".join(map(str, ids[:1])), old=" ".join(map(str, ids[1:]))
        )
    return "; ".join(
        f"{name}: {_short(old)} -> {_short(new)}" for name, (old, new) in step.changes.items()
    )


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
