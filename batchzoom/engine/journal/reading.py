"""Reading a journal without changing it: for ``status``, ``reconcile`` and planning.

Read-only: these functions never create a journal or wait for a run's lock.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from batchzoom.core.errors import InputError
from batchzoom.core.i18n import _
from batchzoom.engine.journal.schema import (
    SCHEMA_VERSION,
    DamagedEntryError,
    Entry,
    entry_from_row,
    open_read_only,
)


@dataclass(frozen=True)
class JournalContents:
    """Everything a journal holds, for every Zoom account that used it."""

    path: Path
    exists: bool
    entries: dict[str, dict[str, Entry]]  # account -> row key -> entry
    quota: dict[str, dict[str, int]]  # account -> host (lower case) -> creates on ``day``
    day: str  # the UTC day (YYYY-MM-DD) ``quota`` counts

    def accounts(self) -> list[str]:
        return sorted(self.entries.keys() | self.quota.keys())


def read_journal(path: Path, *, day: str, must_exist: bool = False) -> JournalContents:
    """Read the journal at ``path`` without creating or changing it.

    A missing file is an empty journal (no run yet) unless ``must_exist``.
    Raises ``InputError`` when the file cannot be read.
    """
    if not path.is_file():
        if must_exist or path.exists():
            raise InputError(
                _(
                    "There is no state file at {path}; check the --state path, or run "
                    "batchzoom schedule first."
                ).format(path=path)
            )
        return JournalContents(path, False, {}, {}, day)
    try:
        with closing(open_read_only(path)) as db:  # works in a read-only folder too
            db.execute("PRAGMA busy_timeout=10000")
            version = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if version is not None and int(version["value"]) > SCHEMA_VERSION:
                raise InputError(
                    _(
                        "The state file {path} was written by a newer batchzoom; upgrade "
                        "batchzoom to read it."
                    ).format(path=path)
                )
            rows = db.execute("SELECT * FROM entries ORDER BY excel_row, row_key").fetchall()
            quota_rows = db.execute(
                "SELECT account, host, used FROM quota WHERE day = ?", (day,)
            ).fetchall()
    except (sqlite3.Error, ValueError) as error:
        raise InputError(
            _(
                "Cannot read the state file {path} ({error}); check that it is a batchzoom "
                "state file and that you may read it."
            ).format(path=path, error=error)
        ) from None
    entries: dict[str, dict[str, Entry]] = {}
    for row in rows:
        try:
            entry = entry_from_row(row)
        except DamagedEntryError as error:
            raise InputError(
                _(
                    "The state file {path} is damaged: the entry of row {row} has {error}; "
                    "move the file aside and run again."
                ).format(path=path, row=row["row_key"], error=error)
            ) from None
        entries.setdefault(row["account"], {})[row["row_key"]] = entry
    quota: dict[str, dict[str, int]] = {}
    for row in quota_rows:
        quota.setdefault(row["account"], {})[row["host"]] = int(row["used"])
    return JournalContents(path, True, entries, quota, day)


def sent_row_keys(path: Path) -> set[str]:
    """Row keys (of any account) whose meeting Zoom has or may have; empty without a journal.

    Read-only: it never creates a journal or waits for a run's lock.
    """
    if not path.exists():
        return set()
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = db.execute(
                """SELECT row_key FROM entries WHERE meeting_id IS NOT NULL
                   OR old_meeting_id IS NOT NULL OR state IN ('intent', 'deleting')"""
            ).fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return set()  # a damaged journal is reported when a run opens it
    return {row[0] for row in rows}
