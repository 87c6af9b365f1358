"""Writing the journal: every step of a run in its own committed transaction."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from batchzoom.core.errors import InputError
from batchzoom.core.i18n import _
from batchzoom.engine.journal.connection import JournalConnection
from batchzoom.engine.journal.schema import (
    DamagedEntryError,
    Entry,
    RowInfo,
    State,
    entry_from_row,
    to_json,
)

# The entries columns a RowInfo fills, with the account first; ``Journal._row`` gives their values.
_ROW_COLUMNS = "account, row_key, host, topic, start_utc, fingerprint, excel_row"
_ROW_VALUES = ", ".join("?" * len(_ROW_COLUMNS.split(", ")))


class Journal(JournalConnection):
    """The journal of one roster for one Zoom account. Safe to share among threads."""

    def __init__(
        self,
        path: Path,
        *,
        account: str,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        read_only: bool = False,
    ) -> None:
        self.read_only = read_only
        db = self.opened(path, read_only=read_only)
        super().__init__(path, db, account=account, now=now)

    def close(self) -> None:
        if not self.read_only:
            super().close()
            return
        with self._lock:
            self._db.close()

    def check_roster(
        self,
        roster: Path,
        *,
        record: bool,
        sheet: str | None = None,
        rows: Mapping[str, int | None] | None = None,
    ) -> str | None:
        """Refuse a journal made for another roster (a copied folder, a shared --state).

        The roster's recorded identity is its real path without the extension (``spring.xlsx``
        and ``spring.csv`` share a journal); a journal without one takes this roster's
        (``record``). A roster found under another path is adopted when it is the recorded one
        moved or renamed: no roster is left at the recorded path, the sheet is the one recorded,
        and its ``rows`` (row key to the sheet's meeting id) hold the journal's rows with the same
        meeting ids. Adopting returns the one note line to tell the user; otherwise None.
        """
        identity = str(Path(os.path.realpath(roster)).with_suffix(""))
        with self._lock:
            meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        recorded = meta.get("roster")
        if recorded is None:
            if record:
                with self._write() as db:
                    db.execute("INSERT INTO meta (key, value) VALUES ('roster', ?)", (identity,))
                    if sheet is not None:
                        db.execute("INSERT OR REPLACE INTO meta VALUES ('sheet', ?)", (sheet,))
            return None
        if recorded == identity:
            return None
        if rows is not None and self._moved_here(recorded, meta.get("sheet"), sheet, rows):
            if record:
                with self._write() as db:
                    db.execute("UPDATE meta SET value = ? WHERE key = 'roster'", (identity,))
            return _(
                "The roster {recorded}.* moved to {roster}, so its journal {journal} follows it."
            ).format(
                recorded=recorded,
                roster=Path(identity).parent / roster.name,
                journal=self.path.name,
            )
        raise InputError(
            _(
                "The state file {path} belongs to the roster {recorded}.* (a copied folder or "
                "a shared --state?), not to {roster}; give this roster its own journal with "
                "--state, or delete {journal} to start afresh (batchzoom then looks on Zoom "
                "before creating anything)."
            ).format(path=self.path, recorded=recorded, roster=roster.name, journal=self.path.name)
        )

    def _moved_here(
        self,
        recorded: str,
        recorded_sheet: str | None,
        sheet: str | None,
        rows: Mapping[str, int | None],
    ) -> bool:
        """Is this roster the recorded one, moved or renamed? (See ``check_roster``.)"""
        old = Path(recorded)
        if any(p.stem == old.name and p.is_file() for p in old.parent.glob("*")):
            return False  # the recorded roster is still there: this one is a copy
        if recorded_sheet is not None and sheet is not None and recorded_sheet != sheet:
            return False
        with self._lock:
            known = self._db.execute("SELECT row_key, meeting_id FROM entries").fetchall()
        if not known:
            return False
        for row_key, meeting_id in known:
            if row_key not in rows:
                return False
            in_sheet = rows[row_key]
            if in_sheet is not None and meeting_id is not None and in_sheet != meeting_id:
                return False
        return True

    # -- reading ----------------------------------------------------------------
    def entries(self) -> dict[str, Entry]:
        """Every entry of this account, by row key."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM entries WHERE account = ? ORDER BY excel_row", (self.account,)
            ).fetchall()
        return {row["row_key"]: self._entry(row) for row in rows}

    def get(self, row_key: str) -> Entry | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM entries WHERE account = ? AND row_key = ?", (self.account, row_key)
            ).fetchone()
        return self._entry(row) if row else None

    def _entry(self, row: sqlite3.Row) -> Entry:
        try:
            return entry_from_row(row)
        except DamagedEntryError as error:
            raise InputError(
                _(
                    "The state file {path} is damaged: the entry of row {row} has {error}; move "
                    "the file aside and run again: the output sheet's zoom_meeting_id column "
                    "and a look at Zoom's meeting list still prevent duplicates."
                ).format(path=self.path, row=row["row_key"], error=error)
            ) from None

    def used_today(self, host: str) -> int:
        """Creates/updates sent for ``host`` on today's UTC day."""
        with self._lock:
            row = self._db.execute(
                "SELECT used FROM quota WHERE account = ? AND host = ? AND day = ?",
                (self.account, host.lower(), self.today()),
            ).fetchone()
        return int(row["used"]) if row else 0

    def quota(self) -> dict[str, int]:
        """Creates/updates sent today (UTC), by host."""
        with self._lock:
            rows = self._db.execute(
                "SELECT host, used FROM quota WHERE account = ? AND day = ?",
                (self.account, self.today()),
            ).fetchall()
        return {row["host"]: int(row["used"]) for row in rows}

    def _row(self, info: RowInfo) -> tuple[str | int | None, ...]:
        """The values of ``_ROW_COLUMNS`` for ``info``."""
        return (self.account, *info.columns())

    # -- writing (each call is one committed transaction) -----------------------
    def record_intent(
        self,
        info: RowInfo,
        *,
        body: dict[str, Any] | None = None,
    ) -> None:
        """Before a create is sent: from now on the meeting may exist."""
        day = self.today()
        with self._write() as db:
            db.execute(
                f"""INSERT INTO entries ({_ROW_COLUMNS}, state, attempts, body, updated_at)
                   VALUES ({_ROW_VALUES}, 'intent', 1, ?, ?)
                   ON CONFLICT (account, row_key) DO UPDATE SET
                       host = excluded.host, topic = excluded.topic, start_utc = excluded.start_utc,
                       fingerprint = excluded.fingerprint, excel_row = excluded.excel_row,
                       state = 'intent', error = NULL, resume_at = NULL, body = excluded.body,
                       attempts = entries.attempts + 1, updated_at = excluded.updated_at""",
                (*self._row(info), to_json(body), self._stamp()),
            )
            db.execute(
                """INSERT INTO quota (account, host, day, used) VALUES (?, ?, ?, 1)
                   ON CONFLICT (account, host, day) DO UPDATE SET used = used + 1""",
                (self.account, info.host.lower(), day),
            )

    def record_created(self, row_key: str, meeting: dict[str, Any]) -> None:
        """After Zoom confirmed (or listing found) the meeting of a row with an intent."""
        with self._write() as db:
            self._set_created(db, row_key, meeting)

    def _set_created(self, db: sqlite3.Connection, row_key: str, meeting: dict[str, Any]) -> None:
        db.execute(
            """UPDATE entries SET state = 'created', reported = 0, meeting_id = ?, join_url = ?,
                   password = ?, start_time = ?, error = NULL, resume_at = NULL, updated_at = ?
               WHERE account = ? AND row_key = ?""",
            (
                int(meeting["id"]),
                meeting.get("join_url"),
                meeting.get("password"),
                meeting.get("start_time"),
                self._stamp(),
                self.account,
                row_key,
            ),
        )

    def record_found(
        self,
        info: RowInfo,
        *,
        meeting: dict[str, Any],
        body: dict[str, Any] | None = None,
    ) -> None:
        """A meeting found on Zoom for a row (after a lost answer, or a lost journal)."""
        with self._write() as db:
            db.execute(
                f"""INSERT INTO entries ({_ROW_COLUMNS}, state, body, updated_at)
                   VALUES ({_ROW_VALUES}, 'intent', ?, ?)
                   ON CONFLICT (account, row_key) DO NOTHING""",
                (*self._row(info), to_json(body), self._stamp()),
            )
            self._set_created(db, info.row_key, meeting)

    def record_update_intent(self, row_key: str, body: dict[str, Any], *, host: str) -> None:
        """Before a PATCH: the meeting may soon show ``body``. Counts toward the host's quota."""
        day = self.today()
        with self._write() as db:
            db.execute(
                "UPDATE entries SET pending = ?, updated_at = ? WHERE account = ? AND row_key = ?",
                (to_json(body), self._stamp(), self.account, row_key),
            )
            db.execute(
                """INSERT INTO quota (account, host, day, used) VALUES (?, ?, ?, 1)
                   ON CONFLICT (account, host, day) DO UPDATE SET used = used + 1""",
                (self.account, host.lower(), day),
            )

    def record_update_abandoned(self, row_key: str) -> None:
        """Zoom refused the PATCH: the meeting keeps its earlier details."""
        with self._write() as db:
            db.execute(
                "UPDATE entries SET pending = NULL, updated_at = ? WHERE account = ? AND row_key = ?",
                (self._stamp(), self.account, row_key),
            )

    def record_updated(
        self,
        info: RowInfo,
        *,
        body: dict[str, Any],
        meeting: dict[str, Any],
    ) -> None:
        """After a PATCH (or a check) showed the meeting with ``body``'s details."""
        row_key, _, topic, start_utc, fingerprint, excel_row = info.columns()
        with self._write() as db:
            db.execute(
                """UPDATE entries SET body = ?, pending = NULL, fingerprint = ?, topic = ?,
                       start_utc = ?, excel_row = ?, reported = 0, error = NULL, updated_at = ?
                   WHERE account = ? AND row_key = ?""",
                (
                    to_json(body),
                    fingerprint,
                    topic,
                    start_utc,
                    excel_row,
                    self._stamp(),
                    self.account,
                    row_key,
                ),
            )
            self._set_created(db, row_key, meeting)

    def record_replacing(
        self,
        info: RowInfo,
        *,
        body: dict[str, Any],
    ) -> None:
        """Before re-creating a row's meeting under a new host: keep the old one to delete later."""
        row_key, host, topic, start_utc, fingerprint, excel_row = info.columns()
        with self._write() as db:
            db.execute(
                """UPDATE entries SET old_meeting_id = meeting_id, meeting_id = NULL, join_url = NULL,
                       password = NULL, start_time = NULL, state = 'absent', host = ?, topic = ?,
                       start_utc = ?, fingerprint = ?, excel_row = ?, body = ?, pending = NULL,
                       updated_at = ?
                   WHERE account = ? AND row_key = ? AND state = 'created'""",
                (
                    host,
                    topic,
                    start_utc,
                    fingerprint,
                    excel_row,
                    to_json(body),
                    self._stamp(),
                    self.account,
                    row_key,
                ),
            )

    def record_move_undone(
        self, row_key: str, *, host: str, meeting: dict[str, Any], body: dict[str, Any]
    ) -> None:
        """A host move taken back before it finished: the replaced meeting (hosted by
        ``host``, now showing ``body``) is the row's again; the new one is deleted."""
        with self._write() as db:
            db.execute(
                """UPDATE entries SET meeting_id = old_meeting_id, old_meeting_id = NULL,
                       host = ?, body = ?, pending = NULL, updated_at = ?
                   WHERE account = ? AND row_key = ? AND old_meeting_id = ?""",
                (host, to_json(body), self._stamp(), self.account, row_key, int(meeting["id"])),
            )
            self._set_created(db, row_key, meeting)

    def record_gone_on_zoom(self, row_key: str) -> None:
        """The row's meeting was deleted on Zoom's side: the row has none until re-created."""
        with self._write() as db:
            db.execute(
                """UPDATE entries SET meeting_id = NULL, join_url = NULL, password = NULL,
                       start_time = NULL, state = 'absent', pending = NULL, updated_at = ?
                   WHERE account = ? AND row_key = ?""",
                (self._stamp(), self.account, row_key),
            )

    def record_old_deleted(self, row_key: str) -> None:
        """The meeting replaced by a host change is gone from Zoom."""
        with self._write() as db:
            db.execute(
                "UPDATE entries SET old_meeting_id = NULL, updated_at = ? WHERE account = ? AND row_key = ?",
                (self._stamp(), self.account, row_key),
            )

    def record_delete_intent(self, row_key: str) -> None:
        """Before a DELETE: from now on the meeting may be gone."""
        self._set_plain_state(row_key, "deleting")

    def record_restored(self, row_key: str) -> None:
        """A cancellation that did not finish was taken back: the meeting stays."""
        self._set_plain_state(row_key, "created")

    def record_deleted(self, row_key: str) -> None:
        """The row's meeting was deleted on Zoom (cancelled, or its row removed)."""
        self._set_plain_state(row_key, "deleted")

    def _set_plain_state(self, row_key: str, state: State) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE entries SET state = ?, pending = NULL, updated_at = ? WHERE account = ? AND row_key = ?",
                (state, self._stamp(), self.account, row_key),
            )

    def mark_reported(self, row_keys: list[str]) -> None:
        """The output sheet now shows these meetings; later runs call them ``existing``."""
        with self._write() as db:
            db.executemany(
                "UPDATE entries SET reported = 1 WHERE account = ? AND row_key = ? AND state = 'created'",
                [(self.account, key) for key in row_keys],
            )

    def roster_written(self) -> str | None:
        """The SHA-256 of the roster as batchzoom last wrote it in place, if it ever did."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'in_place'").fetchone()
        return None if row is None else str(row["value"])

    def holds_nothing(self) -> bool:
        """Whether the journal records nothing a later run needs: no row, no quota used, no
        registrant or panelist and no in-place write (so a run that sent nothing may leave no
        journal)."""
        with self._lock:
            tables = {
                str(row[0])
                for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            for table in ("entries", "quota", "registrants", "registrant_quota", "panelists"):
                if (
                    table in tables
                    and self._db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone()
                ):
                    return False
            return self._db.execute("SELECT 1 FROM meta WHERE key = 'in_place'").fetchone() is None

    def record_roster_written(self, sha256: str) -> None:
        """Remember the roster's content after an in-place write (see ``roster_written``)."""
        with self._write() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('in_place', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (sha256,),
            )

    def record_failed(self, row_key: str, error: str) -> None:
        """Zoom refused the create: nothing exists; the row may be tried again next run."""
        self._set_state(row_key, "failed", error=error)

    def record_deferred(self, row_key: str, resume_at: datetime, error: str) -> None:
        """A daily limit refused the create: try again after ``resume_at``."""
        self._set_state(row_key, "deferred", error=error, resume_at=resume_at)

    def record_absent(self, row_key: str) -> None:
        """Settled an intent: Zoom has no such meeting, so it is safe to create."""
        with self._write() as db:
            db.execute(
                """UPDATE entries SET state = 'absent', updated_at = ?
                   WHERE account = ? AND row_key = ? AND state = 'intent'""",
                (self._stamp(), self.account, row_key),
            )

    def note(
        self,
        info: RowInfo,
        *,
        state: State,
        error: str,
        resume_at: datetime | None = None,
    ) -> None:
        """Record a row that was not sent (deferred or failed before any request)."""
        with self._write() as db:
            db.execute(
                f"""INSERT INTO entries ({_ROW_COLUMNS}, state, error, resume_at, updated_at)
                   VALUES ({_ROW_VALUES}, ?, ?, ?, ?)
                   ON CONFLICT (account, row_key) DO UPDATE SET
                       state = excluded.state, error = excluded.error,
                       resume_at = excluded.resume_at, excel_row = excluded.excel_row,
                       updated_at = excluded.updated_at
                   WHERE entries.state NOT IN ('created', 'intent')""",
                (
                    *self._row(info),
                    state,
                    error,
                    resume_at.isoformat() if resume_at else None,
                    self._stamp(),
                ),
            )

    def _set_state(
        self, row_key: str, state: State, *, error: str, resume_at: datetime | None = None
    ) -> None:
        with self._write() as db:
            db.execute(
                """UPDATE entries SET state = ?, error = ?, resume_at = ?, updated_at = ?
                   WHERE account = ? AND row_key = ? AND state != 'created'""",
                (
                    state,
                    error,
                    resume_at.isoformat() if resume_at else None,
                    self._stamp(),
                    self.account,
                    row_key,
                ),
            )
