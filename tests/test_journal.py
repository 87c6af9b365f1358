"""The journal keeps the truth about every create across crashes; the lock keeps runs apart."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from batchzoom.cli.app import error_exit
from batchzoom.core.errors import InputError, LockedError
from batchzoom.engine.journal import Journal, RowInfo, default_path
from batchzoom.engine.lock import RunLock

MEETING = {
    "id": 81234567890,
    "join_url": "https://zoom.example/j/1",
    "password": "abc123",
    "start_time": "2027-05-03T09:00:00Z",
}


def _intent(journal: Journal, key: str = "id:A1", host: str = "kim@school.example") -> None:
    journal.record_intent(
        RowInfo(
            row_key=key,
            host=host,
            topic="Maths",
            start_utc="2027-05-03T09:00:00Z",
            fingerprint="f1",
            excel_row=2,
        ),
    )


def test_default_path_sits_beside_the_roster_whatever_its_format(tmp_path: Path) -> None:
    assert default_path(tmp_path / "spring.xlsx") == tmp_path / "spring.batchzoom.db"
    assert default_path(tmp_path / "spring.csv") == default_path(tmp_path / "spring.xlsx")


def test_intent_survives_reopening_as_in_doubt(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    with Journal(path, account="acc") as journal:
        _intent(journal)
    with Journal(path, account="acc") as journal:
        entry = journal.get("id:A1")
    assert entry is not None and entry.in_doubt and entry.attempts == 1


def test_created_entry_keeps_meeting_and_becomes_reported(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.db", account="acc") as journal:
        _intent(journal)
        journal.record_created("id:A1", MEETING)
        entry = journal.get("id:A1")
        assert entry is not None and entry.state == "created" and not entry.reported
        assert (entry.meeting_id, entry.password) == (81234567890, "abc123")
        journal.mark_reported(["id:A1"])
        entry = journal.get("id:A1")
        assert entry is not None and entry.reported


def test_failed_and_absent_clear_the_doubt(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.db", account="acc") as journal:
        _intent(journal, "id:A1")
        _intent(journal, "id:A2")
        journal.record_failed("id:A1", "Zoom refused")
        journal.record_absent("id:A2")
        entry = journal.get("id:A1")
        assert entry is not None and entry.state == "failed" and entry.error == "Zoom refused"
        absent = journal.get("id:A2")
        assert absent is not None and absent.state == "absent" and not absent.in_doubt


def test_a_created_meeting_is_never_downgraded(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.db", account="acc") as journal:
        _intent(journal)
        journal.record_created("id:A1", MEETING)
        journal.record_failed("id:A1", "late failure")
        journal.record_deferred("id:A1", datetime(2027, 1, 1, tzinfo=UTC), "late")
        journal.record_absent("id:A1")
        entry = journal.get("id:A1")
        assert entry is not None and entry.state == "created" and entry.meeting_id == MEETING["id"]


def test_accounts_are_kept_apart(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    with Journal(path, account="sandbox") as journal:
        _intent(journal)
    with Journal(path, account="real") as journal:
        assert journal.entries() == {}


def test_quota_counts_creates_per_host_and_utc_day_on_the_journals_clock(tmp_path: Path) -> None:
    clock = [datetime(2030, 3, 1, 23, 59, tzinfo=UTC)]
    with Journal(tmp_path / "j.db", account="acc", now=lambda: clock[0]) as journal:
        for key in ("id:1", "id:2", "id:3"):
            _intent(journal, key, host="Kim@School.example")
        assert journal.used_today("kim@school.example") == 3
        assert journal.quota() == {"kim@school.example": 3}
        clock[0] += timedelta(minutes=2)  # past midnight UTC: a new day's limit
        assert journal.used_today("kim@school.example") == 0
        _intent(journal, "id:4", host="kim@school.example")
        assert journal.quota() == {"kim@school.example": 1}


def test_deferred_entry_remembers_when_to_resume(tmp_path: Path) -> None:
    resume = datetime(2027, 5, 4, tzinfo=UTC)
    with Journal(tmp_path / "j.db", account="acc") as journal:
        journal.note(
            RowInfo(
                row_key="id:9",
                host="h@x.example",
                topic="T",
                start_utc="2027-05-05T00:00:00Z",
                fingerprint="f",
                excel_row=9,
            ),
            state="deferred",
            error="limit",
            resume_at=resume,
        )
        entry = journal.get("id:9")
    assert entry is not None and entry.state == "deferred" and entry.resume_at == resume


def test_journal_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    with Journal(path, account="acc") as journal:
        _intent(journal)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_damaged_journal_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(InputError, match="damaged"):
        Journal(path, account="acc")


def test_second_lock_holder_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "r.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from batchzoom.engine.lock import RunLock
            with RunLock(Path({str(path)!r})):
                print("locked", flush=True)
                sys.stdin.readline()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(LockedError) as caught, RunLock(path, what="spring.xlsx"):
            pass
        assert error_exit(caught.value) == 5
        assert "spring.xlsx" in str(caught.value) and "--wait" in str(caught.value)
    finally:
        holder.kill()
        holder.communicate()
    # The holder died without unlocking: the OS released the lock.
    with RunLock(path):
        pass


def test_lock_is_reentrant_after_release(tmp_path: Path) -> None:
    path = tmp_path / "r.lock"
    with RunLock(path):
        pass
    with RunLock(path, wait=0.5):
        assert os.path.exists(path)
