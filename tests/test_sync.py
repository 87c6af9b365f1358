"""``sync`` against the sandbox: updates, cancellations, host moves, conflicts, quota, idempotence."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from batchzoom.cli import cli
from batchzoom.cli.app import outcome_exit
from batchzoom.engine.batch import schedule
from batchzoom.engine.journal import Journal, default_path
from batchzoom.engine.planning import load
from batchzoom.engine.sync import SyncReport, sync
from batchzoom.engine.sync_plan import SyncPlan, diff
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from tests.conftest import MakeSettings, sandbox_env
from tests.crashes import Crash, CrashingTransport
from tests.rosters import session_rows, write_csv

ALICE, BOB = "alice@school.example", "bob@school.example"
HEADERS = ("ID", "Topic", "Start", "Time zone", "Duration", "Host", "Notes", "Agenda", "Status")


def rows_of(count: int, hosts: list[str] | None = None) -> list[list[str]]:
    return [[*row, "Unit 1", ""] for row in session_rows(count, hosts or [ALICE])]


RunSync = Callable[..., SyncReport]
RunSchedule = Callable[[Path, Sandbox], None]


@pytest.fixture
def run_sync(make_settings: MakeSettings) -> RunSync:
    """``run_sync(roster, sandbox, confirm=..., transport=..., **flags)`` at 1000 requests/s."""

    def run_sync(
        roster: Path,
        sb: Sandbox,
        *,
        confirm: Callable[[SyncPlan], bool] = lambda plan: True,
        transport: httpx.BaseTransport | None = None,
        **flags: Any,
    ) -> SyncReport:
        settings = make_settings(sb, allow_past=True, rate=1000, **flags)
        return sync(load(roster, settings), settings, confirm=confirm, transport=transport)

    return run_sync


@pytest.fixture
def run_schedule(make_settings: MakeSettings) -> RunSchedule:
    """``run_schedule(roster, sandbox)``: schedule the roster at 1000 requests a second."""

    def run_schedule(roster: Path, sb: Sandbox) -> None:
        settings = make_settings(sb, allow_past=True, rate=1000)
        schedule(load(roster, settings), settings)

    return run_schedule


def requests(sb: Sandbox, endpoint: str) -> int:
    return int(sb.counters().get(endpoint, {}).get("requests", 0))


def changes_sent(sb: Sandbox) -> int:
    return sum(requests(sb, e) for e in ("meetingCreate", "meetingUpdate", "meetingDelete"))


def by_topic(sb: Sandbox) -> dict[str, dict[str, Any]]:
    return {m["topic"]: m for m in sb.meetings()}


def test_diff_names_only_changed_fields() -> None:
    old = {"topic": "A", "duration": 50, "agenda": "x"}
    assert diff(old, {"topic": "B", "duration": 50}) == {"topic": ("A", "B"), "agenda": ("x", None)}


def test_sync_creates_new_rows_and_a_second_sync_changes_nothing(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync
) -> None:
    roster = write_csv(tmp_path / "term.csv", rows_of(4), HEADERS)
    first = run_sync(roster, sandbox)
    assert first.counts()["created"] == 4
    sent = changes_sent(sandbox)
    second = run_sync(roster, sandbox)
    assert second.counts()["unchanged"] == 4 and second.plan is not None and second.plan.steps == []
    assert changes_sent(sandbox) == sent


def test_changed_topic_is_patched_alone(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = rows_of(3)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    before = by_topic(sandbox)["Class S1"]
    rows[1][1] = "Class S1 (room moved online)"
    write_csv(roster, rows, HEADERS)
    report = run_sync(roster, sandbox)
    assert report.plan is not None
    [step] = report.plan.steps
    assert step.action == "update" and step.changes == {
        "topic": ("Class S1", "Class S1 (room moved online)")
    }
    after = by_topic(sandbox)["Class S1 (room moved online)"]
    assert after["id"] == before["id"] and after["start_time"] == before["start_time"]
    assert requests(sandbox, "meetingUpdate") == 1
    assert report.counts()["updated"] == 1 and report.counts()["unchanged"] == 2
    assert run_sync(roster, sandbox).counts()["unchanged"] == 3  # and it stays done


def test_moving_a_class_across_a_dst_change_keeps_the_wall_time(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = [
        ["NY-1", "Evening seminar", "2027-03-10 18:00", "America/New_York", "60", ALICE, "", "", ""]
    ]
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    assert by_topic(sandbox)["Evening seminar"]["start_time"] == "2027-03-10T23:00:00Z"  # EST
    rows[0][2] = "2027-03-17 18:00"
    write_csv(roster, rows, HEADERS)
    run_sync(roster, sandbox)
    assert by_topic(sandbox)["Evening seminar"]["start_time"] == "2027-03-17T22:00:00Z"  # EDT
    with Journal(default_path(roster), account=sandbox.account_id) as journal:
        entry = journal.get("id:NY-1")
    assert (
        entry is not None and entry.start_time == "2027-03-17T22:00:00Z" and entry.pending is None
    )


def test_cancelled_row_is_deleted_only_after_a_yes(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = rows_of(3)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    rows[2][8] = "취소"
    write_csv(roster, rows, HEADERS)
    refused = run_sync(roster, sandbox, confirm=lambda plan: False)
    assert not refused.applied and len(sandbox.meetings()) == 3
    assert refused.plan is not None and [s.action for s in refused.plan.deletions] == ["cancel"]
    done = run_sync(roster, sandbox)
    assert done.counts()["cancelled"] == 1
    assert sorted(by_topic(sandbox)) == ["Class S0", "Class S1"]
    assert run_sync(roster, sandbox).counts()["cancelled"] == 1  # stays cancelled, nothing sent
    assert requests(sandbox, "meetingDelete") == 1


def test_rows_gone_from_the_sheet_are_deleted_only_with_delete_missing(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = rows_of(3)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    write_csv(roster, rows[:2], HEADERS)
    run_sync(roster, sandbox)
    assert len(sandbox.meetings()) == 3
    report = run_sync(roster, sandbox, delete_missing=True)
    assert [o.status for o in report.missing] == ["cancelled"]
    assert sorted(by_topic(sandbox)) == ["Class S0", "Class S1"]


def test_host_change_recreates_then_deletes_and_survives_a_crash_between(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = rows_of(2)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    old_id = by_topic(sandbox)["Class S1"]["id"]
    rows[1][5] = BOB
    write_csv(roster, rows, HEADERS)
    with contextlib.suppress(Crash):
        run_sync(roster, sandbox, transport=CrashingTransport("DELETE"))
    assert len(sandbox.meetings()) == 3  # the new meeting exists, the old one not yet deleted
    with Journal(default_path(roster), account=sandbox.account_id) as journal:
        entry = journal.get("id:S0001")
    assert entry is not None and entry.old_meeting_id == old_id and entry.host == BOB
    run_sync(roster, sandbox)
    moved = by_topic(sandbox)["Class S1"]
    assert len(sandbox.meetings()) == 2 and moved["host_email"] == BOB and moved["id"] != old_id
    assert run_sync(roster, sandbox).plan.steps == []  # type: ignore[union-attr]


def _zoom_side_patch(sb: Sandbox, meeting_id: int, body: dict[str, Any]) -> None:
    token = httpx.post(
        sb.token_url,
        auth=(sb.client_id, sb.client_secret),
        data={"grant_type": "account_credentials", "account_id": sb.account_id},
    ).json()
    response = httpx.patch(
        f"{sb.api_url}/meetings/{meeting_id}",
        json=body,
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    assert response.status_code == 204


def test_a_change_made_on_zoom_is_reported_not_overwritten_unless_forced(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = rows_of(1)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    meeting_id = sandbox.meetings()[0]["id"]
    _zoom_side_patch(sandbox, meeting_id, {"topic": "Renamed in the Zoom portal"})
    rows[0][7] = "Unit 2"
    write_csv(roster, rows, HEADERS)
    report = run_sync(roster, sandbox)
    [outcome] = report.outcomes
    assert outcome.status == "failed" and "changed on Zoom (topic)" in (outcome.error or "")
    assert sandbox.meetings()[0]["topic"] == "Renamed in the Zoom portal"
    assert outcome_exit(report.counts()) == 4
    forced = run_sync(roster, sandbox, force=True)
    assert forced.counts()["updated"] == 1
    assert (
        sandbox.meetings()[0]["topic"] == "Class S0" and sandbox.meetings()[0]["agenda"] == "Unit 2"
    )


def test_three_hundred_changes_for_one_host_update_100_and_defer_the_rest(
    tmp_path: Path,
    sandbox_factory: Callable[..., Sandbox],
    run_sync: RunSync,
    run_schedule: RunSchedule,
) -> None:
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser(ALICE)], qps=2000))
    rows = rows_of(300)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    for _ in range(3):  # Zoom allows 100 creates a day for one host: three days
        run_schedule(roster, sb)
        sb.clock.set(sb.clock.next_utc_midnight() + timedelta(minutes=1))
    assert len(sb.meetings()) == 300
    for row in rows:
        row[7] = "Unit 2"
    write_csv(roster, rows, HEADERS)
    reads, listings = requests(sb, "meeting"), requests(sb, "meetings")
    report = run_sync(roster, sb, concurrency=8)
    counts = report.counts()
    assert counts["updated"] == 100 and counts["deferred"] == 200
    assert sum(m["agenda"] == "Unit 2" for m in sb.meetings()) == 100
    refused = requests(sb, "meetingUpdate") - 100
    assert 1 <= refused <= 8  # the host stops at once: at most the updates in flight
    assert requests(sb, "meeting") == reads  # checked against one listing, not one by one
    assert requests(sb, "meetings") == listings + 1
    sb.clock.set(sb.clock.next_utc_midnight() + timedelta(minutes=1))
    assert run_sync(roster, sb).counts()["updated"] == 100


def test_cli_needs_yes_when_nobody_can_confirm(
    tmp_path: Path, sandbox: Sandbox, run_schedule: RunSchedule
) -> None:
    rows = rows_of(2)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    rows[0][1] = "Renamed class"
    write_csv(roster, rows, HEADERS)
    env = sandbox_env(sandbox)
    runner = CliRunner()
    refused = runner.invoke(cli, ["sync", str(roster), "--allow-past"], env=env)
    assert refused.exit_code == 1
    assert "1    update  topic: Class S0 -> Renamed class" in refused.stdout.replace(
        "2    update", "1    update"
    )
    assert refused.stderr.strip().startswith("Error: Nothing was changed")
    assert requests(sandbox, "meetingUpdate") == 0
    dry = runner.invoke(cli, ["sync", str(roster), "--allow-past", "--dry-run"], env=env)
    assert (
        dry.exit_code == 0
        and "Plan: 1 to create or update, 0 to delete, 1 unchanged." in dry.stdout
    )
    applied = runner.invoke(cli, ["sync", str(roster), "--allow-past", "--yes"], env=env)
    assert applied.exit_code == 0, applied.output
    assert "1 updated" in applied.stdout
    assert by_topic(sandbox)["Renamed class"]


@pytest.mark.parametrize("word", ["cancelled", "Canceled", "취소"])
def test_status_words_cancel(tmp_path: Path, word: str, make_settings: MakeSettings) -> None:
    rows = rows_of(1)
    rows[0][8] = word
    loaded = load(write_csv(tmp_path / "r.csv", rows, HEADERS), make_settings(allow_past=True))
    assert loaded.validation.sessions[0].cancelled


def test_unknown_status_word_is_a_row_problem(tmp_path: Path, make_settings: MakeSettings) -> None:
    rows = rows_of(1)
    rows[0][8] = "maybe"
    loaded = load(write_csv(tmp_path / "r.csv", rows, HEADERS), make_settings(allow_past=True))
    [problem] = loaded.validation.problems
    assert (problem.row, problem.column, problem.code) == (2, "Status", "status-unknown")


def test_an_update_whose_answer_was_lost_is_settled_not_called_a_conflict(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = rows_of(2)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    rows[0][7] = "Unit 5"
    write_csv(roster, rows, HEADERS)
    with contextlib.suppress(Crash):
        run_sync(roster, sandbox, transport=CrashingTransport("PATCH", after_response=True))
    assert by_topic(sandbox)["Class S0"]["agenda"] == "Unit 5"  # Zoom has it already
    with Journal(default_path(roster), account=sandbox.account_id) as journal:
        entry = journal.get("id:S0000")
    assert entry is not None and entry.pending is not None  # the journal knows it was in flight
    report = run_sync(roster, sandbox)
    [first, _] = report.outcomes
    assert first.status in {"updated", "unchanged"} and first.error is None
    with Journal(default_path(roster), account=sandbox.account_id) as journal:
        entry = journal.get("id:S0000")
    assert entry is not None and entry.pending is None and (entry.body or {})["agenda"] == "Unit 5"
    assert run_sync(roster, sandbox).plan.steps == []  # type: ignore[union-attr]


def test_an_update_lost_before_it_was_sent_is_sent_by_the_next_sync(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = rows_of(1)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    rows[0][2] = "2027-05-03 11:00"  # only the start moves
    write_csv(roster, rows, HEADERS)
    with contextlib.suppress(Crash):
        run_sync(roster, sandbox, transport=CrashingTransport("PATCH"))
    assert sandbox.meetings()[0]["start_time"] == "2027-05-03T00:00:00Z"
    run_sync(roster, sandbox)
    assert sandbox.meetings()[0]["start_time"] == "2027-05-03T02:00:00Z"
    assert run_sync(roster, sandbox).plan.steps == []  # type: ignore[union-attr]


def test_invalid_rows_are_not_taken_for_removed_ones(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = rows_of(2)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    rows[1][4] = "abc"  # a typo makes the row invalid; it is still in the sheet
    write_csv(roster, rows, HEADERS)
    report = run_sync(roster, sandbox, skip_invalid=True, delete_missing=True)
    assert len(sandbox.meetings()) == 2 and requests(sandbox, "meetingDelete") == 0
    assert any("rows 3 are invalid" in warning for warning in report.warnings)


def test_cancelling_after_a_failed_host_move_deletes_the_old_meeting(
    tmp_path: Path,
    sandbox_factory: Callable[..., Sandbox],
    run_sync: RunSync,
    run_schedule: RunSchedule,
) -> None:
    sb = sandbox_factory(
        SandboxConfig(users=[SandboxUser(ALICE), SandboxUser(BOB, licensed=False)])
    )
    rows = rows_of(1)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sb)
    rows[0][5] = BOB  # Bob may not host: the move fails and the old meeting stays
    write_csv(roster, rows, HEADERS)
    assert run_sync(roster, sb).outcomes[0].status == "failed"
    assert len(sb.meetings()) == 1
    rows[0][8] = "cancelled"
    write_csv(roster, rows, HEADERS)
    assert run_sync(roster, sb).counts()["cancelled"] == 1
    assert sb.meetings() == []


def test_an_unfinished_cancellation_taken_back_keeps_the_meeting(
    tmp_path: Path,
    sandbox: Sandbox,
    make_settings: MakeSettings,
    run_sync: RunSync,
    run_schedule: RunSchedule,
) -> None:
    rows = rows_of(1)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    rows[0][8] = "cancelled"
    write_csv(roster, rows, HEADERS)
    sandbox.faults.fail_next("meetingDelete", status=503, count=10)
    assert run_sync(roster, sandbox).outcomes[0].status == "failed"
    sandbox.faults.clear()
    rows[0][8] = ""
    write_csv(roster, rows, HEADERS)
    settings = make_settings(sandbox, allow_past=True)
    loaded = load(roster, settings)
    scheduled = schedule(loaded, settings)
    assert scheduled.outcomes[0].status == "failed" and len(sandbox.meetings()) == 1
    report = run_sync(roster, sandbox)
    assert report.plan is not None and [s.action for s in report.plan.steps] == ["restore"]
    assert len(sandbox.meetings()) == 1
    assert run_sync(roster, sandbox).counts()["unchanged"] == 1
