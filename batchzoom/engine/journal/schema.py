"""The journal's schema and its records: one table of entries, one of daily quota counts.

An ``Entry`` is what the journal knows about one roster row; a ``RowInfo`` is what a
run tells it about a row besides the meeting. Only the ``batchzoom.engine.journal``
package reads or writes the tables.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from batchzoom.core.i18n import _

SCHEMA_VERSION = 2
# intent    a create was sent (or is about to be); its answer is not recorded yet
# created   the meeting exists (``pending``: an update to it may be in flight;
#           ``old_meeting_id``: after a host change, the old meeting still to delete)
# absent    an intent was settled: Zoom has no such meeting, so it is safe to create
# failed    Zoom refused; nothing exists
# deferred  a daily limit refused it until ``resume_at``
# deleting  a delete was sent; deleted: the meeting was cancelled on Zoom
State = Literal["intent", "created", "absent", "failed", "deferred", "deleting", "deleted"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    account     TEXT NOT NULL,
    row_key     TEXT NOT NULL,
    host        TEXT NOT NULL,
    topic       TEXT NOT NULL,
    start_utc   TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    excel_row   INTEGER,
    state       TEXT NOT NULL,
    meeting_id  INTEGER,
    join_url    TEXT,
    password    TEXT,
    start_time  TEXT,
    error       TEXT,
    resume_at   TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    reported    INTEGER NOT NULL DEFAULT 0,
    body        TEXT,
    pending     TEXT,
    old_meeting_id INTEGER,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (account, row_key)
);
CREATE TABLE IF NOT EXISTS quota (
    account TEXT NOT NULL,
    host    TEXT NOT NULL,
    day     TEXT NOT NULL,
    used    INTEGER NOT NULL,
    PRIMARY KEY (account, host, day)
);
"""
# What each version adds to the one before, applied in order to a journal made by an older
# batchzoom (and to a new one after ``_SCHEMA``), each with its version in one transaction:
# an older journal keeps every row and gains what it lacks.
MIGRATIONS: dict[int, str] = {
    # 2: which panelists batchzoom added to each webinar (``journal.panelists``); a journal
    # of version 1 has no record, so the panelists it finds on Zoom are not taken for its own.
    2: """
CREATE TABLE IF NOT EXISTS panelists (
    account     TEXT NOT NULL,
    meeting_id  INTEGER NOT NULL,
    email       TEXT NOT NULL,
    state       TEXT NOT NULL,
    error       TEXT,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (account, meeting_id, email)
);
""",
}


@dataclass(frozen=True)
class Entry:
    """What the journal knows about one roster row."""

    row_key: str
    host: str
    topic: str
    start_utc: str
    fingerprint: str
    excel_row: int | None
    state: State
    meeting_id: int | None = None
    join_url: str | None = None
    password: str | None = None
    start_time: str | None = None
    error: str | None = None
    resume_at: datetime | None = None
    attempts: int = 0
    reported: bool = False
    body: dict[str, Any] | None = None  # the meeting's details as batchzoom last set them
    pending: dict[str, Any] | None = None  # an update sent without its answer recorded
    old_meeting_id: int | None = None  # a replaced meeting still to delete

    def deferred_until_after(self, now: datetime) -> bool:
        """A daily limit deferred this row and it may not be sent again yet."""
        return self.state == "deferred" and self.resume_at is not None and self.resume_at > now

    @property
    def in_doubt(self) -> bool:
        """A create was sent but its answer was never recorded."""
        return self.state == "intent"


@dataclass(frozen=True)
class RowInfo:
    """What the journal keeps about a row besides its meeting."""

    row_key: str
    host: str
    topic: str
    start_utc: str
    fingerprint: str
    excel_row: int | None

    def columns(self) -> tuple[str, str, str, str, str, int | None]:
        """The values of the entries table's columns of the same names, in this order."""
        return (
            self.row_key,
            self.host,
            self.topic,
            self.start_utc,
            self.fingerprint,
            self.excel_row,
        )


def default_path(roster: Path) -> Path:
    """``<name>.batchzoom.db`` beside the roster, shared by ``<name>.xlsx`` and ``<name>.csv``.

    Saving the roster in the other format (or as .xlsm) keeps its journal.
    """
    return roster.with_name(roster.stem + ".batchzoom.db")


def to_json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def open_journal(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    # It holds passcodes: readable by the user only, from the first byte.
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.row_factory = sqlite3.Row
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA busy_timeout=10000")
        db.executescript(_SCHEMA)
        _migrate(db)
        db.execute("SELECT count(*) FROM entries").fetchone()
    except BaseException:
        db.close()
        raise
    db.isolation_level = "DEFERRED"
    return db


def _migrate(db: sqlite3.Connection) -> None:
    """Bring a journal to ``SCHEMA_VERSION`` (see ``MIGRATIONS``); refuse a newer one."""
    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '1')")
    while True:
        version = int(db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(_("made by a newer batchzoom"))
        if version == SCHEMA_VERSION:
            return
        db.execute("BEGIN IMMEDIATE")  # one process migrates; another then sees it done
        try:
            now = int(db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0])
            if now == version:
                for statement in MIGRATIONS[version + 1].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(version + 1),))
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


def close_journal(db: sqlite3.Connection) -> None:
    """Close a journal opened by ``open_journal``. The last connection to close turns WAL
    off, so that the file stands alone between runs (no ``-wal``/``-shm`` files beside it,
    none made by a later read-only look); one that is not the last leaves it on."""
    with suppress(sqlite3.Error):
        db.execute("PRAGMA busy_timeout=0")  # never wait: another connection keeps WAL on
        db.execute("PRAGMA journal_mode=DELETE")
    db.close()


class DamagedEntryError(ValueError):
    """A journal row whose values cannot be read; its message names the value."""


def unwritable(path: Path, error: sqlite3.Error) -> str:
    """One sentence for a state file the disk or the folder will not let batchzoom use."""
    if getattr(error, "sqlite_errorname", "") == "SQLITE_FULL":
        return _(
            "Cannot write the state file {path} because the disk is full; free some space and "
            "run again."
        ).format(path=path)
    return _(
        "Cannot use the state file {path} ({error}); make its folder writable or choose "
        "another place with --state."
    ).format(path=path, error=error)


def open_read_only(path: Path) -> sqlite3.Connection:
    """The journal opened for reading only; in a read-only folder, read as it is on disk."""
    uri = path.resolve().as_uri()
    db = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False)
    try:
        db.execute("SELECT count(*) FROM entries").fetchone()
    except sqlite3.OperationalError:
        db.close()
        # SQLite cannot make the WAL index beside the file; nothing can change it there anyway.
        db = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        db.execute("SELECT count(*) FROM entries").fetchone()
    db.row_factory = sqlite3.Row
    return db


def entry_from_row(row: sqlite3.Row) -> Entry:
    """An ``Entry`` from a row of the entries table; ``DamagedEntryError`` names a bad value."""
    try:
        return _entry_from_row(row)
    except (ValueError, TypeError) as error:
        raise DamagedEntryError(_damage(row, error)) from None


def _damage(row: sqlite3.Row, error: Exception) -> str:
    for column in ("resume_at", "body", "pending"):
        value = row[column]
        if value is None:
            continue
        try:
            datetime.fromisoformat(value) if column == "resume_at" else json.loads(value)
        except (ValueError, TypeError):
            message = (
                _("{column} {value}, which is not a time")
                if column == "resume_at"
                else _("{column} {value}, which is not JSON")
            )
            return message.format(column=column, value=repr(str(value)[:40]))
    return _("an unreadable value ({error})").format(error=error)


def _entry_from_row(row: sqlite3.Row) -> Entry:
    resume = row["resume_at"]
    return Entry(
        row_key=row["row_key"],
        host=row["host"],
        topic=row["topic"],
        start_utc=row["start_utc"],
        fingerprint=row["fingerprint"],
        excel_row=row["excel_row"],
        state=row["state"],
        meeting_id=row["meeting_id"],
        join_url=row["join_url"],
        password=row["password"],
        start_time=row["start_time"],
        error=row["error"],
        resume_at=datetime.fromisoformat(resume) if resume else None,
        attempts=row["attempts"],
        reported=bool(row["reported"]),
        body=json.loads(row["body"]) if row["body"] else None,
        pending=json.loads(row["pending"]) if row["pending"] else None,
        old_meeting_id=row["old_meeting_id"],
    )
