"""--in-place over an administrator's week: the .bak stays the user's own roster."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from click.testing import CliRunner

from batchzoom.cli import cli

HEADER = "ID,Topic,Date,Time,Duration,Time zone,Host\r\n"


def line(key: str, day: int) -> str:
    return f"{key},Class {key},2031-05-{day:02d},09:00,50,Asia/Seoul,kim@school.example\r\n"


def schedule(roster: Path) -> int:
    result = CliRunner().invoke(cli, ["schedule", str(roster), "--sandbox", "--in-place", "-q"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code


def test_the_bak_is_the_users_roster_from_before_the_run_that_last_changed_it(
    tmp_path: Path,
) -> None:
    roster = tmp_path / "term.csv"
    bak = tmp_path / "term.csv.bak"
    users_own = (HEADER + line("S1", 5) + line("S2", 6)).encode()
    roster.write_bytes(users_own)
    roster.chmod(0o644)

    assert schedule(roster) == 0  # created: the roster changes, the .bak is the user's file
    assert bak.read_bytes() == users_own
    assert stat.S_IMODE(roster.stat().st_mode) == 0o644  # the roster keeps its own mode
    assert stat.S_IMODE(bak.stat().st_mode) == 0o600  # a new file batchzoom made

    assert schedule(roster) == 0  # created -> existing changes cells, not the .bak
    assert bak.read_bytes() == users_own
    os.utime(roster, ns=(3_000_000_000, 3_000_000_000))
    settled = roster.read_bytes()
    assert schedule(roster) == 0  # nothing changes: nothing is written
    assert roster.read_bytes() == settled and roster.stat().st_mtime_ns == 3_000_000_000
    assert bak.read_bytes() == users_own

    edited = settled + line("S3", 7).encode()  # the user adds a class and saves
    roster.write_bytes(edited)
    assert schedule(roster) == 0
    assert bak.read_bytes() == edited  # the user's new version, not batchzoom's output
    assert b"S3" in roster.read_bytes() and roster.read_bytes() != edited
