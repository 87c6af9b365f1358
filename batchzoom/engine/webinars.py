"""A webinar's panelists, added once its webinar exists: each panelist exactly once.

After the creates, each webinar row with a ``panelists`` column gets the panelists Zoom
does not list yet: the webinar's panelists are listed (``GET /webinars/{id}/panelists``),
and only those missing are added (``POST /webinars/{id}/panelists``, 30 a call). So a run
that crashed between adding and recording, or whose answer was lost, adds nobody twice: the
next run lists first. A panelist batchzoom cannot add is a warning naming the row; the next
run tries again.

Zoom names each panelist (``name`` with ``email``, webinarPanelistCreate); the roster
gives emails only, so a panelist is named by the part of the email before the ``@``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from batchzoom.core.errors import BatchzoomError, RunStoppingError
from batchzoom.core.i18n import _
from batchzoom.model.outcomes import RowOutcome
from batchzoom.model.rows import WEBINAR, Session
from batchzoom.zoom.webinars import Panelist

# The outcomes whose webinar is on Zoom (``sync``'s updated rows included).
LIVE = frozenset({"created", "existing", "changed", "updated"})


class PanelistCalls(Protocol):
    """The Zoom calls adding panelists needs (the Zoom client's panelist methods)."""

    def list_panelists(self, webinar_id: int) -> list[Panelist]: ...

    def add_panelists(self, webinar_id: int, panelists: Sequence[Panelist]) -> None: ...


@dataclass
class PanelistsAdded:
    """What adding panelists did: how many were added, and a warning per row that failed."""

    added: int = 0
    warnings: list[str] = field(default_factory=list)


def panelist(email: str) -> Panelist:
    """A roster panelist as Zoom takes one: named by the email's part before the ``@``."""
    return Panelist(name=email.split("@", 1)[0], email=email)


def add_panelists_all(
    client: PanelistCalls, sessions: Sequence[Session], outcomes: Mapping[int, RowOutcome]
) -> PanelistsAdded:
    """Add every webinar row's panelists that Zoom does not list yet (see the module text)."""
    done = PanelistsAdded()
    for session in sessions:
        outcome = outcomes.get(session.row)
        if session.kind != WEBINAR or not session.panelists or outcome is None:
            continue
        if outcome.status not in LIVE or outcome.meeting_id is None:
            continue
        try:
            listed = {p.email.casefold() for p in client.list_panelists(outcome.meeting_id)}
            missing = [panelist(e) for e in session.panelists if e.casefold() not in listed]
            if missing:
                client.add_panelists(outcome.meeting_id, missing)
        except BatchzoomError as error:
            done.warnings.append(
                _(
                    "row {row}: the panelists of webinar {webinar} were not added ({error}); "
                    "the next run adds them."
                ).format(row=session.row, webinar=outcome.meeting_id, error=error)
            )
            if isinstance(error, RunStoppingError):
                break  # no token, or Zoom out of reach: the other webinars wait too
            continue
        done.added += len(missing)
    return done
