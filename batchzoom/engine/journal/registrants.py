"""The journal's registrants: one record per person per meeting, written around each addition.

An addition is journalled like a create: an ``intent`` is committed before the request is
sent and replaced by ``added`` (with Zoom's registrant id and the person's join link) once
the answer is in. A run that finds an ``intent`` (a crash, a lost answer) settles it from
the meeting's registrant list before adding anyone, so nobody is added twice; Zoom would
return the existing registrant, but spend that person's daily quota (3 additions per
registrant and meeting a day, reset at 00:00 UTC: see ``batchzoom.sandbox.registrants``
for the evidence). Each addition sent is counted per meeting, person and UTC day in
``registrant_quota``, so a later run plans within that quota; and each addition call
is counted per rate-limit category and UTC day in ``registrant_calls``, so a later run
plans within the account's daily pools (``batchzoom.engine.registrant_limits``).

The tables live in the roster's journal file beside ``entries``; this module opens its own
connection to it (SQLite's WAL lets both write in turn).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from batchzoom.engine.journal.connection import JournalConnection

# intent     an addition was sent (or is about to be); its answer is not recorded yet
# added      Zoom has the registrant (``registrant_id``, ``join_url``)
# failed     Zoom refused the person; nothing exists
# deferred   a daily limit refused it until ``resume_at``
# cancelled  the registrant was cancelled on Zoom (removed from the sheet, or cancelled)
# found      Zoom already held the registrant when batchzoom listed its meeting before adding
#            anyone (added by hand in Zoom, or by a run whose journal is lost): not
#            batchzoom's, so sync never cancels it (``registrant_id``, ``join_url`` as listed)
RegistrantState = Literal["intent", "added", "failed", "deferred", "cancelled", "found"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS registrants (
    account       TEXT NOT NULL,
    meeting_id    INTEGER NOT NULL,
    email         TEXT NOT NULL,
    session       TEXT NOT NULL,
    excel_row     INTEGER,
    state         TEXT NOT NULL,
    registrant_id TEXT,
    join_url      TEXT,
    error         TEXT,
    resume_at     TEXT,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (account, meeting_id, email)
);
CREATE TABLE IF NOT EXISTS registrant_quota (
    account    TEXT NOT NULL,
    meeting_id INTEGER NOT NULL,
    email      TEXT NOT NULL,
    day        TEXT NOT NULL,
    used       INTEGER NOT NULL,
    PRIMARY KEY (account, meeting_id, email, day)
);
CREATE TABLE IF NOT EXISTS registrant_calls (
    account  TEXT NOT NULL,
    day      TEXT NOT NULL,
    category TEXT NOT NULL,
    used     INTEGER NOT NULL,
    PRIMARY KEY (account, day, category)
);
"""


@dataclass(frozen=True)
class Registrant:
    """What the journal knows about one person's registration for one meeting."""

    meeting_id: int
    email: str  # case-folded: one person per meeting whatever the case
    session: str  # the roster id of the session
    excel_row: int | None  # the attendee sheet's row
    state: RegistrantState
    registrant_id: str | None = None
    join_url: str | None = None
    error: str | None = None
    resume_at: datetime | None = None


class RegistrantJournal(JournalConnection):
    """The registrant records of one roster's journal for one account; thread-safe."""

    def __init__(
        self,
        path: Path,
        *,
        account: str,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(path, self.opened(path, _SCHEMA), account=account, now=now)

    def _stamp(self) -> str:
        return self.now().astimezone(UTC).isoformat(timespec="seconds")

    def today(self) -> str:
        """The UTC day on the run's clock, the day Zoom's registrant quota counts."""
        return self.now().astimezone(UTC).date().isoformat()

    # -- reading ----------------------------------------------------------------
    def of(self, meeting_id: int) -> dict[str, Registrant]:
        """Every record of one meeting, by case-folded email."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM registrants WHERE account = ? AND meeting_id = ?",
                (self.account, meeting_id),
            ).fetchall()
        return {row["email"]: _registrant(row) for row in rows}

    def all(self) -> list[Registrant]:
        """Every record of this account, in meeting and attendee-row order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM registrants WHERE account = ? ORDER BY meeting_id, excel_row",
                (self.account,),
            ).fetchall()
        return [_registrant(row) for row in rows]

    def used_today(self, meeting_id: int, email: str) -> int:
        """Additions sent today for ``email`` to ``meeting_id``."""
        with self._lock:
            row = self._db.execute(
                "SELECT used FROM registrant_quota WHERE account = ? AND meeting_id = ? "
                "AND email = ? AND day = ?",
                (self.account, meeting_id, email.casefold(), self.today()),
            ).fetchone()
        return int(row["used"]) if row else 0

    def calls_today(self) -> dict[str, int]:
        """Addition calls sent today (UTC), by Zoom's rate-limit category."""
        with self._lock:
            rows = self._db.execute(
                "SELECT category, used FROM registrant_calls WHERE account = ? AND day = ?",
                (self.account, self.today()),
            ).fetchall()
        return {row["category"]: int(row["used"]) for row in rows}

    # -- writing ----------------------------------------------------------------
    def intend(
        self,
        meeting_id: int,
        people: Iterable[tuple[str, str, int | None]],
        *,
        category: str | None = None,
    ) -> None:
        """Before sending: an ``intent`` for each (email, session, row), their quota counted,
        and with ``category`` one call of that rate-limit category counted for today."""
        stamp, day = self._stamp(), self.today()
        with self._write() as db:
            if category is not None:
                db.execute(
                    "INSERT INTO registrant_calls (account, day, category, used) "
                    "VALUES (?, ?, ?, 1) ON CONFLICT (account, day, category) "
                    "DO UPDATE SET used = used + 1",
                    (self.account, day, category),
                )
            for email, session, row in people:
                key = email.casefold()
                db.execute(
                    "INSERT INTO registrants (account, meeting_id, email, session, excel_row, "
                    "state, updated_at) VALUES (?, ?, ?, ?, ?, 'intent', ?) "
                    "ON CONFLICT (account, meeting_id, email) DO UPDATE SET state = 'intent', "
                    "session = excluded.session, excel_row = excluded.excel_row, error = NULL, "
                    "resume_at = NULL, updated_at = excluded.updated_at",
                    (self.account, meeting_id, key, session, row, stamp),
                )
                db.execute(
                    "INSERT INTO registrant_quota (account, meeting_id, email, day, used) "
                    "VALUES (?, ?, ?, ?, 1) ON CONFLICT (account, meeting_id, email, day) "
                    "DO UPDATE SET used = used + 1",
                    (self.account, meeting_id, key, day),
                )

    def record(self, registrant: Registrant) -> None:
        """The outcome of an addition (or of settling an intent), replacing what was there."""
        resume = registrant.resume_at.isoformat() if registrant.resume_at else None
        with self._write() as db:
            db.execute(
                "INSERT INTO registrants (account, meeting_id, email, session, excel_row, state, "
                "registrant_id, join_url, error, resume_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (account, meeting_id, email) DO UPDATE SET "
                "session = excluded.session, excel_row = excluded.excel_row, "
                "state = excluded.state, registrant_id = excluded.registrant_id, "
                "join_url = excluded.join_url, error = excluded.error, "
                "resume_at = excluded.resume_at, updated_at = excluded.updated_at",
                (
                    self.account,
                    registrant.meeting_id,
                    registrant.email.casefold(),
                    registrant.session,
                    registrant.excel_row,
                    registrant.state,
                    registrant.registrant_id,
                    registrant.join_url,
                    registrant.error,
                    resume,
                    self._stamp(),
                ),
            )


def _registrant(row: sqlite3.Row) -> Registrant:
    resume = row["resume_at"]
    return Registrant(
        meeting_id=row["meeting_id"],
        email=row["email"],
        session=row["session"],
        excel_row=row["excel_row"],
        state=row["state"],
        registrant_id=row["registrant_id"],
        join_url=row["join_url"],
        error=row["error"],
        resume_at=datetime.fromisoformat(resume) if resume else None,
    )
