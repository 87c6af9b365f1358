"""A run that records nothing leaves nothing behind: no lock file after any run, and no
journal after a dry run or a run refused for its credentials."""

from __future__ import annotations

import threading
from pathlib import Path
from unittest.mock import patch

from batchzoom.core.errors import LockedError
from batchzoom.engine import lock as lock_module
from batchzoom.engine.lock import RunLock
from batchzoom.sandbox import Sandbox
from tests.rosters import session_rows, write_csv
from tests.test_cli_schedule import NO_CREDENTIALS, env_for, invoke


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if ".batchzoom." in path.name)


def test_a_dry_run_leaves_no_lock_and_no_journal(tmp_path: Path, sandbox: Sandbox) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(2))
    result = invoke(["schedule", str(roster), "--dry-run"], env_for(sandbox), tmp_path)
    assert result.exit_code == 0, result.output
    assert leftovers(tmp_path) == []


def test_refused_credentials_leave_no_lock_and_no_journal(tmp_path: Path, sandbox: Sandbox) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(2))
    for command in (["schedule", str(roster)], ["sync", str(roster), "--yes"]):
        result = invoke(command, env_for(sandbox, secret="not-the-secret"), tmp_path)
        assert result.exit_code == 1, result.output
        assert leftovers(tmp_path) == [], command
    assert sandbox.meetings() == []


def test_a_real_run_keeps_its_journal_and_removes_its_lock(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(2))
    result = invoke(["schedule", str(roster)], env_for(sandbox), tmp_path)
    assert result.exit_code == 0, result.output
    assert leftovers(tmp_path) == ["r.batchzoom.db"]
    # A later dry run reads that journal and still leaves it as it was.
    before = (tmp_path / "r.batchzoom.db").read_bytes()
    dry = invoke(["schedule", str(roster), "--dry-run"], env_for(sandbox), tmp_path)
    assert "2 existing" in dry.stdout
    assert (tmp_path / "r.batchzoom.db").read_bytes() == before
    assert leftovers(tmp_path) == ["r.batchzoom.db"]


def test_a_sandbox_run_keeps_its_sandbox_and_journal_only(tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(1))
    result = invoke(["schedule", str(roster), "--sandbox"], NO_CREDENTIALS, tmp_path)
    assert result.exit_code == 0, result.output
    assert leftovers(tmp_path) == ["r.batchzoom.db", "r.batchzoom.sandbox.json"]


def test_the_lock_file_goes_when_released(tmp_path: Path) -> None:
    path = tmp_path / "r.lock"
    with RunLock(path):
        assert path.exists()
    assert not path.exists()


def test_a_run_waiting_on_a_removed_lock_file_locks_the_file_there_now(tmp_path: Path) -> None:
    """The waiter opened the old file before the holder removed it: it must not hold a lock
    on a file nobody else can see while a third run locks the new one."""
    path = tmp_path / "r.lock"
    seen: list[bool] = []
    holder = RunLock(path).__enter__()
    waiting = threading.Event()
    real_try = lock_module._try_lock

    def try_lock(fd: int) -> bool:
        locked = real_try(fd)
        if not locked:
            waiting.set()  # the waiter holds the old file open and waits on it
        return locked

    def waiter() -> None:
        with RunLock(path, wait=10):
            seen.append(path.exists())  # the file at the path is the one locked
            with_third = RunLock(path)
            try:
                with_third.__enter__()
                seen.append(False)  # a third run got in beside us
                with_third.__exit__(None, None, None)
            except LockedError:
                seen.append(True)

    thread = threading.Thread(target=waiter)
    with patch.object(lock_module, "_try_lock", try_lock):
        thread.start()
        assert waiting.wait(10)
        holder.__exit__(None, None, None)
        thread.join(15)
    thread.join(15)
    assert seen == [True, True]
    assert not path.exists()
