"""One run's lifecycle: its files worked out once, its lock before its journal, a dry run
that reads what a real run would and writes nothing, and Ctrl-C that keeps what was done."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from batchzoom.cli import cli
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from tests.conftest import sandbox_env
from tests.rosters import session_rows, write_csv

ALICE = "alice@school.example"


def invoke(args: list[str], env: dict[str, str | None], cwd: Path) -> Result:
    with contextlib.chdir(cwd):  # no stray .env from the developer's folder
        return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_a_dry_run_with_credentials_reads_the_journal_and_writes_nothing(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """Issue 18.1: after a real run, a dry run shows the rows as existing, with their links,
    and leaves the result sheet and the roster as they were."""
    roster = write_csv(tmp_path / "r.csv", session_rows(4, [ALICE]))
    env = sandbox_env(sandbox)
    assert invoke(["schedule", str(roster), "--quiet"], env, tmp_path).exit_code == 0
    sheet = tmp_path / "r.scheduled.csv"
    before = {path: path.read_bytes() for path in (roster, sheet)}
    links = {row["ID"]: row["zoom_join_url"] for row in csv_rows(sheet)}
    assert all(links.values())

    dry = ["schedule", str(roster), "--dry-run", "--json", "--json-include-password"]
    result = invoke(dry, env, tmp_path)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["counts"]["existing"] == 4 and document["counts"]["planned"] == 0
    assert {row["id"]: row["join_url"] for row in document["rows"]} == links
    assert document["output"] is None
    assert {path: path.read_bytes() for path in (roster, sheet)} == before

    # --in-place on a dry run leaves the roster alone too; --output is written.
    in_place = invoke(["schedule", str(roster), "--dry-run", "--in-place", "-q"], env, tmp_path)
    assert in_place.exit_code == 0, in_place.output
    assert roster.read_bytes() == before[roster]
    plan = tmp_path / "plan.csv"
    result = invoke(["schedule", str(roster), "--dry-run", "-q", "-o", str(plan)], env, tmp_path)
    assert result.exit_code == 0, result.output
    assert {row["ID"]: row["zoom_join_url"] for row in csv_rows(plan)} == links


def test_a_dry_run_without_credentials_reads_the_journal_of_its_one_account(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(3, [ALICE]))
    assert invoke(["schedule", str(roster), "-q"], sandbox_env(sandbox), tmp_path).exit_code == 0
    none: dict[str, str | None] = {name: None for name in sandbox_env(sandbox)}
    result = invoke(["schedule", str(roster), "--dry-run", "--json"], none, tmp_path)
    assert json.loads(result.stdout)["counts"]["existing"] == 3


def test_ctrl_c_writes_the_results_of_what_was_done_and_exits_130(
    tmp_path: Path, sandbox_factory: Callable[[SandboxConfig], Sandbox]
) -> None:
    """Issue 18.4: SIGINT midway: the meetings made so far reach the sheet and the JSON."""
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser(ALICE)], latency=0.02))
    roster = write_csv(tmp_path / "r.csv", session_rows(40, [ALICE]))
    process = subprocess.Popen(
        [sys.executable, "-m", "batchzoom", "schedule", str(roster), "--json", "--rate", "8"],
        env={k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
        | {k: v for k, v in sandbox_env(sb).items() if v is not None},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while len(sb.meetings()) < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err.decode()
    made = {m["topic"]: str(m["id"]) for m in sb.meetings()}
    assert 5 <= len(made) < 40
    rows = csv_rows(tmp_path / "r.scheduled.csv")
    written = {row["Topic"]: row["zoom_meeting_id"] for row in rows if row["zoom_meeting_id"]}
    assert written == made
    assert {row["zoom_status"] for row in rows if not row["zoom_meeting_id"]} == {"failed"}
    document = json.loads(out)
    assert document["counts"]["created"] == len(made)
    assert document["exit_code"] == 130
    assert "interrupted" in err.decode()
