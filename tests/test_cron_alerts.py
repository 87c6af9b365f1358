"""Quiet runs (cron) still say, one line each on stderr, what a person must act on."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from batchzoom.cli import cli
from batchzoom.cli.alerts import alerts
from batchzoom.model.outcomes import RowOutcome
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from tests.conftest import sandbox_env
from tests.rosters import write_csv

KIM = "kim@school.example"


def _rows(durations: list[str], *, bad_row: bool = False) -> list[list[str]]:
    rows = [
        [f"M{n}", f"Class {n}", f"2040-05-0{n + 1} 09:00", "Asia/Seoul", minutes, KIM, ""]
        for n, minutes in enumerate(durations)
    ]
    if bad_row:
        rows.append(["BAD", "Broken", "2040-05-09 09:00", "Asia/Seoul", "two hours", KIM, ""])
    return rows


def test_each_condition_is_one_sentence() -> None:
    resume = datetime(2040, 5, 2, tzinfo=UTC)
    outcomes = [
        RowOutcome(row=2, status="created"),
        RowOutcome(row=3, status="changed"),
        RowOutcome(row=4, status="changed"),
        RowOutcome(row=5, status="deferred", host="lee@x.example", resume_at=resume),
        RowOutcome(row=6, status="deferred", host=KIM, resume_at=resume),
        RowOutcome(row=7, status="deferred", host=KIM, resume_at=resume),
        RowOutcome(row=8, status="invalid"),
        RowOutcome(row=9, status="failed", error="Zoom refused the agenda."),
    ]
    assert alerts(outcomes, "spring term.xlsx") == [
        "2 rows changed since their meetings were created (rows 3, 4): "
        "run batchzoom sync 'spring term.xlsx'",
        f"Host {KIM} is held back by Zoom's daily limit until 2040-05-02 00:00 UTC: "
        "2 rows wait; the next run after that sends them",
        "Host lee@x.example is held back by Zoom's daily limit until 2040-05-02 00:00 UTC: "
        "1 row waits; the next run after that sends them",
        "1 row is invalid and skipped (row 8): run batchzoom validate 'spring term.xlsx'",
        "1 row failed (row 9): run batchzoom schedule 'spring term.xlsx' again; the first "
        "error: Zoom refused the agenda.",
    ]
    many = [RowOutcome(row=n, status="changed") for n in range(2, 10)]
    assert alerts(many, "a.csv")[0] == (
        "8 rows changed since their meetings were created (rows 2, 3, 4, 5, 6, ...): "
        "run batchzoom sync a.csv"
    )
    assert alerts([RowOutcome(row=2, status="existing")], "a.csv") == []


def test_quiet_schedule_says_which_rows_changed_and_keeps_exit_0(tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "spring.csv", _rows(["60", "60", "60", "60"]))
    first = CliRunner().invoke(cli, ["schedule", str(roster), "--sandbox", "--quiet"])
    assert (first.exit_code, first.stdout, first.stderr) == (0, "", "")
    write_csv(roster, _rows(["60", "90", "90", "45"]))
    again = CliRunner().invoke(cli, ["schedule", str(roster), "--sandbox", "--quiet"])
    assert again.exit_code == 0
    assert again.stdout == ""
    assert again.stderr == (
        "3 rows changed since their meetings were created (rows 3, 4, 5): "
        f"run batchzoom sync {roster}\n"
    )
    # The same, as cron runs it: the installed command in a process of its own.
    process = subprocess.run(
        [sys.executable, "-m", "batchzoom", "schedule", str(roster), "--sandbox", "--quiet"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")},
    )
    assert (process.returncode, process.stdout, process.stderr) == (0, "", again.stderr)


def test_quiet_schedule_names_each_held_back_host_and_when_it_resumes(
    tmp_path: Path, sandbox_factory: Callable[[SandboxConfig], Sandbox]
) -> None:
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser(KIM)], daily_limit=2, frozen_clock=True))
    sb.clock.set(datetime(2039, 5, 5, 10, 0, tzinfo=UTC))
    roster = write_csv(tmp_path / "spring.csv", _rows(["60"] * 5))
    # The run's clock agrees with the sandbox's.
    env = sandbox_env(sb, BATCHZOOM_NOW="2039-05-05T10:00:00Z")
    result = CliRunner(env=env).invoke(
        cli, ["schedule", str(roster), "--quiet", "--concurrency", "1"]
    )
    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr == (
        f"Host {KIM} is held back by Zoom's daily limit until 2039-05-06 09:00 KST "
        "(00:00 UTC): 3 rows wait; the next run after that sends them\n"
    )


def test_quiet_skip_invalid_says_which_rows_were_skipped(tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "spring.csv", _rows(["60"], bad_row=True))
    result = CliRunner().invoke(
        cli, ["schedule", str(roster), "--sandbox", "--quiet", "--skip-invalid"]
    )
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == (
        f"1 row is invalid and skipped (row 3): run batchzoom validate {roster}\n"
    )


def test_the_cron_lines_are_whole_korean_sentences() -> None:
    """With --lang ko every alert is one Korean sentence, the row numbers and roster kept."""
    from batchzoom.core.i18n import use_language

    resume = datetime(2040, 5, 2, tzinfo=UTC)
    outcomes = [
        RowOutcome(row=3, status="changed"),
        RowOutcome(row=5, status="deferred", host=KIM, resume_at=resume),
        RowOutcome(row=8, status="invalid"),
        RowOutcome(row=9, status="failed", error="Zoom refused the agenda."),
    ]
    with use_language("ko"):
        lines = alerts(outcomes, "봄학기.xlsx")
    english = alerts(outcomes, "봄학기.xlsx")
    assert len(lines) == len(english) == 4
    for line, original in zip(lines, english, strict=True):
        assert line != original
        assert sum("\uac00" <= ch <= "\ud7a3" for ch in line) > 5  # Hangul, not English words
        assert "\n" not in line
    assert "3" in lines[0] and "batchzoom sync '봄학기.xlsx'" in lines[0]
    assert KIM in lines[1] and "2040-05-02 00:00 UTC" in lines[1]
    assert "8" in lines[2] and "batchzoom validate '봄학기.xlsx'" in lines[2]
    assert "Zoom refused the agenda." in lines[3]
