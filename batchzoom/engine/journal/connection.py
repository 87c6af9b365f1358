"""One connection to a roster's journal file, as each of its tables' modules holds one.

The entries (``store``), the registrants (``registrants``) and the panelists (``panelists``)
each open their own connection to the same file (SQLite's WAL lets them write in turn); this
is what they share: the account and clock they write for, a lock that makes the connection
safe to share among threads, writes that each commit on their own, and closing.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from batchzoom.core.errors import InputError, OutputError
from batchzoom.core.i18n import _
from batchzoom.engine.journal.schema import (
    close_journal,
    open_journal,
    open_read_only,
    unwritable,
)


class JournalConnection:
    """A connection to the journal at ``path`` for one Zoom ``account``; thread-safe."""

    def __init__(
        self,
        path: Path,
        db: sqlite3.Connection,
        *,
        account: str,
        now: Callable[[], datetime],
    ) -> None:
        self.path = path
        self.account = account
        self.now = now  # the run's clock: stamps every change and names the UTC day
        self._db = db
        self._lock = threading.Lock()

    @staticmethod
    def opened(path: Path, schema: str = "", *, read_only: bool = False) -> sqlite3.Connection:
        """``open_journal(path)`` (which brings an older journal up to date) with a table
        module's own ``schema`` made sure of, or with ``read_only`` a look that changes
        nothing; a file that cannot be used as one sentence saying what to do."""
        try:
            if read_only:
                return open_read_only(path)
            db = open_journal(path)
            if schema:
                db.executescript(schema)
            return db
        except sqlite3.OperationalError as error:
            # Not a damaged file: the disk, the folder or the file's permissions refuse.
            raise OutputError(unwritable(path, error)) from None
        except sqlite3.DatabaseError as error:
            raise InputError(
                _(
                    "The state file {path} is damaged ({error}); move it aside and run again: "
                    "the output sheet's zoom_meeting_id column and a look at Zoom's meeting "
                    "list still prevent duplicates."
                ).format(path=path, error=error)
            ) from None
        except OSError as error:
            raise OutputError(
                _(
                    "Cannot create the state file {path} ({error}); choose a writable place "
                    "with --state."
                ).format(path=path, error=error.strerror)
            ) from None

    def _stamp(self) -> str:
        """Now on the run's clock, as each change is stamped."""
        return self.now().astimezone(UTC).isoformat(timespec="seconds")

    def today(self) -> str:
        """The UTC day (YYYY-MM-DD) on the run's clock, the day Zoom's daily limits count."""
        return self.now().astimezone(UTC).date().isoformat()

    def close(self) -> None:
        with self._lock:
            close_journal(self._db)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A transaction of its own, committed when the block ends; a refusal as one sentence."""
        with self._lock:
            try:
                with self._db:
                    yield self._db
            except sqlite3.Error as error:
                raise OutputError(unwritable(self.path, error)) from None
