"""``batchzoom.validate/schedule/sync/status``: the commands' work from Python, over real HTTP
against the sandbox, with the same outcomes, records and exit statuses as the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import batchzoom
from batchzoom.cli import cli
from batchzoom.engine.sync_plan import SyncPlan
from batchzoom.sandbox import Sandbox as Server
from tests.conftest import TEST_NOW, sandbox_env
from tests.rosters import HEADERS, session_rows, write_csv

ALICE, BOB = "alice@school.example", "bob@school.example"


@pytest.fixture
def sandbox() -> Iterator[batchzoom.Sandbox]:
    with batchzoom.Sandbox(users=["owner@school.example", ALICE, BOB]) as sandbox:
        sandbox.clock.set(TEST_NOW)
        yield sandbox


@pytest.fixture
def zoom(sandbox: batchzoom.Sandbox) -> Iterator[batchzoom.Zoom]:
    with sandbox.zoom() as zoom:
        yield zoom


def roster(tmp_path: Path, count: int = 3, name: str = "term.csv") -> Path:
    return write_csv(tmp_path / name, session_rows(count, (ALICE, BOB)))


def test_schedule_creates_each_row_once_and_says_what_the_cli_says(
    tmp_path: Path, sandbox: batchzoom.Sandbox, zoom: batchzoom.Zoom
) -> None:
    path = roster(tmp_path)
    result = batchzoom.schedule(path, zoom=zoom)
    assert isinstance(result, batchzoom.Result)
    assert (result.exit_code, result.ok, result.sent) == (0, True, True)
    assert result.counts["created"] == 3 and len(sandbox.meetings()) == 3
    assert [row.row for row in result.rows] == [2, 3, 4]
    assert result.output == tmp_path / "term.scheduled.csv" and result.output.exists()
    again = batchzoom.schedule(path, zoom=zoom)
    assert again.counts["existing"] == 3 and len(sandbox.meetings()) == 3
    # The command line on the same roster and sandbox prints the same records.
    env = sandbox_env(sandbox)
    shown = CliRunner().invoke(cli, ["schedule", str(path), "--json"], env=env)
    assert shown.exit_code == 0, shown.output
    document = json.loads(shown.stdout)
    assert document["rows"] == again.to_records()
    assert document["counts"] == again.counts
    assert document["exit_code"] == again.exit_code


def test_records_and_frames_hide_passcodes_unless_asked(
    tmp_path: Path, zoom: batchzoom.Zoom
) -> None:
    result = batchzoom.schedule(roster(tmp_path, 2), zoom=zoom)
    records = result.to_records()
    assert all("password" not in record for record in records)
    assert all("pwd=" not in (record["join_url"] or "") for record in records)
    with_secret = result.to_records(include_password=True)
    assert all(record["password"] for record in with_secret)
    frame = result.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["row"]) == [2, 3] and set(frame["status"]) == {"created"}
    assert "password" not in frame.columns
    assert "password" in result.to_pandas(include_password=True).columns


def test_a_dataframe_and_a_list_of_dicts_schedule_like_the_csv(
    tmp_path: Path, sandbox: batchzoom.Sandbox, zoom: batchzoom.Zoom
) -> None:
    rows = session_rows(2, (ALICE,))
    frame = pd.DataFrame(rows, columns=list(HEADERS))
    result = batchzoom.schedule(frame, zoom=zoom, output=tmp_path / "frame.csv")
    # A DataFrame's rows go by its index labels; a list's by their positions from 1.
    assert [(row.row, row.status) for row in result.rows] == [(0, "created"), (1, "created")]
    dicts = [dict(zip(HEADERS, row, strict=True)) for row in session_rows(2, (BOB,), prefix="T")]
    listed = batchzoom.schedule(dicts, zoom=zoom, output=tmp_path / "dicts.csv")
    assert [row.row for row in listed.rows] == [1, 2] and listed.counts["created"] == 2
    assert len(sandbox.meetings()) == 4
    assert (tmp_path / "dicts.csv").exists()


def test_invalid_rows_send_nothing_and_give_three(
    tmp_path: Path, sandbox: batchzoom.Sandbox, zoom: batchzoom.Zoom
) -> None:
    rows = session_rows(2, (ALICE,))
    rows[1][4] = "two hours"
    path = write_csv(tmp_path / "bad.csv", rows)
    result = batchzoom.schedule(path, zoom=zoom)
    assert (result.exit_code, result.sent) == (3, False)
    assert sandbox.meetings() == []
    assert [(p.row, p.column) for p in result.problems] == [(3, "Duration")]
    assert [row.status for row in result.rows] == ["planned", "invalid"]
    skipped = batchzoom.schedule(path, zoom=zoom, skip_invalid=True)
    assert skipped.exit_code == 3 and skipped.counts["created"] == 1
    assert len(sandbox.meetings()) == 1


def test_validate_names_row_and_column_without_zoom(tmp_path: Path) -> None:
    rows = session_rows(2, (ALICE,))
    rows[0][2] = "2027-13-40 09:00"
    result = batchzoom.validate(write_csv(tmp_path / "r.csv", rows))
    assert result.exit_code == 3 and not result.ok
    assert [(p.row, p.column) for p in result.problems] == [(2, "Start")]
    assert batchzoom.validate(roster(tmp_path, 2, "ok.csv")).exit_code == 0


def test_one_token_for_host_checks_creates_and_a_second_run(
    tmp_path: Path, sandbox: batchzoom.Sandbox, zoom: batchzoom.Zoom
) -> None:
    """A lent ``Zoom`` keeps one token across host look-ups, creates and the next run."""
    batchzoom.schedule(roster(tmp_path), zoom=zoom, check_hosts=True)
    batchzoom.sync(roster(tmp_path), zoom=zoom)
    assert len(sandbox.store.tokens) == 1


def test_a_run_of_its_own_fetches_one_token_for_every_step(tmp_path: Path) -> None:
    """Without a lent ``Zoom`` the run opens one client: host checks and creates share it."""
    path = roster(tmp_path)
    result = batchzoom.schedule(path, sandbox=True, check_hosts=True)
    assert result.counts["created"] == 3
    assert result.tokens_fetched == 1
    assert result.requests >= 3 + 2  # the creates and a look-up of each host


def test_progress_reaches_the_callback_and_nothing_is_printed(
    tmp_path: Path, zoom: batchzoom.Zoom, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[batchzoom.Progress] = []
    said: list[str] = []
    batchzoom.schedule(roster(tmp_path), zoom=zoom, progress=seen.append, said=said.append)
    batchzoom.schedule(roster(tmp_path, name="other.csv"), sandbox=True, said=said.append)
    # First the look at the hosts' meetings, then the start of sending, then each row.
    assert [(p.stage, p.done) for p in seen] == [
        ("looking", 0),
        ("sending", 0),
        ("sending", 1),
        ("sending", 2),
        ("sending", 3),
    ]
    assert seen[0].hosts == 2 and seen[0].total == 3 and seen[-1].created == 3
    assert len(said) == 1 and "sandbox" in said[0]  # only the run on its own sandbox says so
    assert capsys.readouterr() == ("", "")


def test_sync_applies_changes_and_status_reads_them(
    tmp_path: Path, sandbox: batchzoom.Sandbox, zoom: batchzoom.Zoom
) -> None:
    path = roster(tmp_path, 2)
    batchzoom.schedule(path, zoom=zoom)
    rows = session_rows(2, (ALICE, BOB))
    rows[0][4] = "90"
    write_csv(path, rows)
    plans: list[int] = []

    def confirm(plan: SyncPlan) -> bool:
        plans.append(len(plan.changes))
        return True

    result = batchzoom.sync(path, zoom=zoom, confirm=confirm)
    assert plans == [1] and result.counts["updated"] == 1 and result.exit_code == 0
    assert sorted(m["duration"] for m in sandbox.meetings()) == [
        50,
        90,
    ]  # session_rows gives 50 minutes
    status = batchzoom.status(path)
    assert isinstance(status, batchzoom.StatusResult)
    assert status.journal_exists and status.counts["created"] == 2
    assert [r["row"] for r in status.to_records()] == [2, 3]
    assert list(status.to_pandas()["status"]) == ["created", "created"]


def test_zoom_and_sandbox_together_are_refused(tmp_path: Path, zoom: batchzoom.Zoom) -> None:
    with pytest.raises(TypeError):
        batchzoom.schedule(roster(tmp_path), zoom=zoom, sandbox=True)
    with pytest.raises(TypeError):
        batchzoom.schedule(roster(tmp_path), zoom=zoom, no_such_option=1)


def test_a_run_stopping_error_is_raised_not_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(batchzoom.InputError):
        batchzoom.schedule(tmp_path / "missing.csv", sandbox=True)
    with pytest.raises(batchzoom.ConfigError):
        batchzoom.schedule(roster(tmp_path), env_file=tmp_path / "no.env")
    assert capsys.readouterr() == ("", "")


def test_the_cli_sandbox_server_is_the_same_class() -> None:
    """``batchzoom.Sandbox`` is the server the command line's --sandbox starts."""
    assert issubclass(batchzoom.Sandbox, Server)


def test_reconcile_finds_a_meeting_deleted_on_zoom(
    tmp_path: Path, sandbox: batchzoom.Sandbox, zoom: batchzoom.Zoom
) -> None:
    path = roster(tmp_path, 2)
    made = batchzoom.schedule(path, zoom=zoom)
    assert batchzoom.reconcile(path, zoom=zoom).exit_code == 0
    gone = made.rows[0].meeting_id
    assert gone is not None
    zoom.delete_meeting(gone)
    result = batchzoom.reconcile(path, zoom=zoom)
    assert isinstance(result, batchzoom.ReconcileResult)
    assert result.exit_code == 4 and result.counts["deleted"] == 1
    assert [
        (r["meeting_id"], r["result"]) for r in result.to_records() if r["result"] != "match"
    ] == [(gone, "deleted")]
    assert list(result.to_pandas()["result"]).count("match") == 1


def test_a_dry_run_hands_back_the_bodies_it_would_send(tmp_path: Path) -> None:
    result = batchzoom.schedule(roster(tmp_path, 2), dry_run=True)
    assert result.counts["planned"] == 2 and not (tmp_path / "term.batchzoom.db").exists()
    assert [plan["body"]["topic"] for plan in result.planned_requests] == ["Class S0", "Class S1"]
    assert all(plan["body"]["start_time"].endswith("Z") for plan in result.planned_requests)
