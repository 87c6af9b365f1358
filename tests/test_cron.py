"""Cron-grade reliability: killed runs, overlapping runs, edited rosters, lost journals.

Every test ends by checking the two invariants that matter to users: no session has two
meetings, and every session's meeting is in the result sheet.
"""

from __future__ import annotations

import contextlib
import csv
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import httpx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batchzoom.cli.app import outcome_exit
from batchzoom.engine.batch import schedule
from batchzoom.engine.journal import Journal, default_path
from batchzoom.engine.planning import load
from batchzoom.engine.settings import resolve
from batchzoom.files.results import RunReport
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from tests.conftest import TEST_NOW, MakeSettings, zoom_settings
from tests.crashes import Crash, CrashingTransport
from tests.rosters import HEADERS, session_rows, write_csv

HOSTS = [f"teacher{n}@school.example" for n in range(5)]


def env_for(sb: Sandbox) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
    env.update(
        ZOOM_ACCOUNT_ID=sb.account_id,
        ZOOM_CLIENT_ID=sb.client_id,
        ZOOM_CLIENT_SECRET=sb.client_secret,
        ZOOM_TOKEN_URL=sb.token_url,
        ZOOM_API_URL=sb.api_url,
    )
    return env


def sheet_ids(path: Path) -> dict[str, str]:
    """Session id -> zoom_meeting_id from a result sheet (csv or xlsx)."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    else:
        values = list(openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True))
        rows = [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    return {str(row["ID"]): str(row["zoom_meeting_id"] or "") for row in rows}


def assert_exactly_once(sb: Sandbox, roster_rows: list[list[str]], output: Path) -> None:
    topics = Counter(m["topic"] for m in sb.meetings())
    assert topics == Counter(row[1] for row in roster_rows), "a session has no meeting or two"
    by_topic = {m["topic"]: str(m["id"]) for m in sb.meetings()}
    ids = sheet_ids(output)
    assert ids == {row[0]: by_topic[row[1]] for row in roster_rows}, "the sheet lost a meeting"


def creates(sb: Sandbox) -> int:
    return int(sb.counters().get("meetingCreate", {}).get("requests", 0))


def cli(roster: Path, sb: Sandbox, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "batchzoom", "schedule", str(roster), "--quiet", *extra],
        env=env_for(sb),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def finish(roster: Path, sb: Sandbox, *extra: str, runs: int = 6) -> list[int]:
    """Run to completion, as cron would, and return every exit code."""
    codes = []
    for _ in range(runs):
        process = cli(roster, sb, *extra)
        _, err = process.communicate(timeout=120)
        codes.append(process.returncode)
        if process.returncode == 0:
            return codes
        assert process.returncode == 4, err.decode()
    raise AssertionError(f"did not finish: {codes}")


@pytest.mark.slow
def test_killed_runs_never_duplicate_or_lose_a_meeting(
    tmp_path: Path, sandbox_factory: Callable[..., Sandbox]
) -> None:
    """SIGKILL at random moments (with creates committed then dropped), edits between runs."""
    sb = sandbox_factory(
        SandboxConfig(
            users=[SandboxUser(h) for h in HOSTS],
            qps=100,
            drop_rate=0.05,
            fault_rate=0.03,
            latency=0.005,
            seed=11,
        )
    )
    rows = session_rows(250, HOSTS)
    roster = write_csv(tmp_path / "term.csv", rows)
    rng = random.Random(5)
    killed_midway = 0
    for attempt in range(12):
        if attempt == 6:  # the admin adds rows and reorders the sheet between runs
            later = datetime(2027, 9, 1, 9, 0)
            rows = rows[100:] + rows[:100] + session_rows(30, HOSTS, prefix="N", first=later)
            write_csv(roster, rows)
        before = creates(sb)
        process = cli(roster, sb, "--rate", "100")
        target = before + rng.randint(1, 30)  # kill after a random number of creates
        deadline = time.monotonic() + 60
        while process.poll() is None and creates(sb) < target and time.monotonic() < deadline:
            time.sleep(0.002)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed_midway += 1
        _, err = process.communicate()
        assert process.returncode in (-signal.SIGKILL, 0, 4), err.decode()
    assert killed_midway >= 6  # the kills really cut runs short
    finish(roster, sb, "--rate", "100")
    assert_exactly_once(sb, rows, tmp_path / "term.scheduled.csv")


def test_overlapping_runs_one_works_one_exits_5(
    tmp_path: Path, sandbox_factory: Callable[..., Sandbox]
) -> None:
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser(h) for h in HOSTS], latency=0.05))
    rows = session_rows(60, HOSTS)
    roster = write_csv(tmp_path / "term.csv", rows)
    first, second = cli(roster, sb, "--rate", "20"), cli(roster, sb, "--rate", "20")
    results = [
        (p.wait(timeout=120), p.stderr.read().decode() if p.stderr else "") for p in (first, second)
    ]
    for p in (first, second):
        if p.stderr:
            p.stderr.close()
    assert sorted(code for code, _ in results) == [0, 5]
    refused = next(err for code, err in results if code == 5)
    assert refused.strip() == (
        "Error: Another batchzoom run is already working on term.csv; try again when it "
        "finishes, or pass --wait SECONDS to wait for it."
    )
    assert_exactly_once(sb, rows, tmp_path / "term.scheduled.csv")


@pytest.fixture
def run_schedule(make_settings: MakeSettings) -> Callable[..., RunReport]:
    """``run_schedule(roster, sandbox, **flags)``: load and schedule the roster."""

    def run(roster: Path, sb: Sandbox, **flags: object) -> RunReport:
        settings = make_settings(sb, **flags)
        return schedule(load(roster, settings), settings)

    return run


def test_edits_between_runs_create_only_the_new_rows(
    tmp_path: Path, sandbox: Sandbox, run_schedule: Callable[..., RunReport]
) -> None:
    headers = (*HEADERS, "Agenda")
    rows = [
        [*row, "Unit 1"] for row in session_rows(10, ["alice@school.example", "bob@school.example"])
    ]
    roster = write_csv(tmp_path / "term.csv", rows, headers)
    run_schedule(roster, sandbox)
    assert len(sandbox.meetings()) == 10

    edited = [list(row) for row in rows[3:]]  # rows 0-2 deleted
    edited.reverse()  # reordered
    edited[0][6] = "edited note"  # an unrelated column
    edited[1][7] = "Unit 2 (rewritten)"  # the agenda
    added = [[*row, "Unit 9"] for row in session_rows(4, ["carol@school.example"], prefix="N")]
    edited += added
    write_csv(roster, edited, headers)
    report = run_schedule(roster, sandbox)
    counts = report.counts()
    assert counts["created"] == 4 and counts["changed"] == 1 and counts["existing"] == 6
    assert len(sandbox.meetings()) == 14

    # The same roster saved as a workbook keeps its journal: nothing new.
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in edited:
        sheet.append(row)
    book.save(tmp_path / "term.xlsx")
    report = run_schedule(tmp_path / "term.xlsx", sandbox)
    assert report.counts()["created"] == 0
    assert len(sandbox.meetings()) == 14


def test_damaged_journal_is_one_clear_error(tmp_path: Path, sandbox: Sandbox) -> None:
    roster = write_csv(tmp_path / "term.csv", session_rows(2))
    default_path(roster).write_bytes(b"\x00garbage" * 512)
    process = cli(roster, sandbox)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and "is damaged" in lines[0] and "move it aside" in lines[0]
    assert sandbox.meetings() == []


def test_lost_journal_over_many_runs_never_duplicates(
    tmp_path: Path, sandbox: Sandbox, run_schedule: Callable[..., RunReport]
) -> None:
    rows = session_rows(6, ["alice@school.example", "bob@school.example"])
    roster = write_csv(tmp_path / "term.csv", rows)
    for _ in range(3):
        run_schedule(roster, sandbox)
        default_path(roster).unlink()
    run_schedule(roster, sandbox)
    run_schedule(roster, sandbox)
    assert_exactly_once(sandbox, rows, tmp_path / "term.scheduled.csv")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    count=st.integers(min_value=1, max_value=10),
    hosts=st.integers(min_value=1, max_value=3),
    crashes=st.lists(st.tuples(st.integers(min_value=1, max_value=12), st.booleans()), max_size=4),
    fault_rate=st.sampled_from([0.0, 0.1, 0.25]),
    drop_rate=st.sampled_from([0.0, 0.1, 0.25]),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_any_interleaving_of_crashes_and_faults_keeps_exactly_once(
    tmp_path_factory: pytest.TempPathFactory,
    count: int,
    hosts: int,
    crashes: list[tuple[int, bool]],
    fault_rate: float,
    drop_rate: float,
    seed: int,
) -> None:
    directory = tmp_path_factory.mktemp("crash")
    emails = HOSTS[:hosts]
    rows = session_rows(count, emails)
    roster = write_csv(directory / "term.csv", rows)
    config = SandboxConfig(
        users=[SandboxUser(h) for h in emails],
        qps=1000,
        seed=seed,
        fault_rate=fault_rate,
        drop_rate=drop_rate,
    )
    with Sandbox(config) as sb:
        sb.clock.set(TEST_NOW)
        options = replace(
            resolve(concurrency=1, rate=1000), zoom=zoom_settings(sb), now=sb.clock.now
        )
        loaded = load(roster, options)

        def attempt(transport: httpx.BaseTransport | None) -> int:
            report = schedule(loaded, options, transport=transport)
            return outcome_exit(report.counts())

        for at_create, after_response in crashes:
            with contextlib.suppress(Crash):
                attempt(
                    CrashingTransport(
                        "POST", "/meetings", nth=at_create, after_response=after_response
                    )
                )
        for run in range(10):
            if run == 5:
                sb.faults.clear()  # faults do not last for ever
            if attempt(None) == 0:
                break
        assert_exactly_once(sb, rows, directory / "term.scheduled.csv")
        with Journal(default_path(roster), account=sb.account_id) as journal:
            entries = journal.entries()
        assert sorted(e.meeting_id or 0 for e in entries.values()) == sorted(
            m["id"] for m in sb.meetings()
        )
