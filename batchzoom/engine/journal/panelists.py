"""The journal's panelists: which panelists of each webinar batchzoom added, and which it found.

A panelist is journalled like a create: an ``intent`` is committed before the addition is
sent and becomes ``added`` once Zoom's answer is in; a removal is journalled ``removing``
before it is sent, and the record goes once Zoom has answered. A panelist that was on the
webinar already when batchzoom came to add it (added by hand in Zoom, or by a batchzoom
that kept no record: see ``MIGRATIONS`` in ``schema``) is ``found``: batchzoom never
removes it. So ``added`` (with ``intent`` and ``removing``, whose request may have reached
Zoom) is exactly what batchzoom may take away again.

The table lives in the roster's journal file beside ``entries``; this module opens its own
connection to it (SQLite's WAL lets both write in turn).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from batchzoom.engine.journal.connection import JournalConnection

# intent    an addition was sent (or is about to be); its answer is not recorded yet
# added     batchzoom added the panelist (Zoom listed it, or answered the addition)
# found     on the webinar before batchzoom added it: never removed by batchzoom
# failed    Zoom refused the addition (``error``); nothing was added
# removing  a removal was sent (or is about to be); its answer is not recorded yet
PanelistState = Literal["intent", "added", "found", "failed", "removing"]
# The states that say the cell's panelist is on Zoom as batchzoom last saw it.
APPLIED = frozenset({"added", "found"})
# The states of a panelist batchzoom put there (or may have): it may remove them.
OURS = frozenset({"intent", "added", "removing"})


@dataclass(frozen=True)
class PanelistRecord:
    """What the journal knows about one panelist of one webinar."""

    meeting_id: int
    email: str  # case-folded: one panelist per webinar whatever the case
    state: PanelistState
    error: str | None = None


class PanelistJournal(JournalConnection):
    """The panelist records of one roster's journal for one account; thread-safe."""

    def __init__(
        self,
        path: Path,
        *,
        account: str,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        # open_journal brings an older journal to the panelists table
        super().__init__(path, self.opened(path), account=account, now=now)

    def of(self, meeting_id: int) -> dict[str, PanelistRecord]:
        """Every record of one webinar, by case-folded email."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM panelists WHERE account = ? AND meeting_id = ?",
                (self.account, meeting_id),
            ).fetchall()
        return {
            row["email"]: PanelistRecord(
                row["meeting_id"], row["email"], row["state"], row["error"]
            )
            for row in rows
        }

    def set(
        self,
        meeting_id: int,
        emails: Iterable[str],
        state: PanelistState,
        error: str | None = None,
    ) -> None:
        """Record ``state`` for each of ``emails`` of the webinar, in one transaction."""
        stamp = self.now().astimezone(UTC).isoformat(timespec="seconds")
        with self._write() as db:
            for email in emails:
                db.execute(
                    "INSERT INTO panelists (account, meeting_id, email, state, error, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account, meeting_id, email) DO UPDATE "
                    "SET state = excluded.state, error = excluded.error, "
                    "updated_at = excluded.updated_at",
                    (self.account, meeting_id, email.casefold(), state, error, stamp),
                )

    def forget(self, meeting_id: int, emails: Iterable[str]) -> None:
        """Drop the records of panelists no longer on the webinar or no longer in the cell."""
        with self._write() as db:
            db.executemany(
                "DELETE FROM panelists WHERE account = ? AND meeting_id = ? AND email = ?",
                [(self.account, meeting_id, email.casefold()) for email in emails],
            )
