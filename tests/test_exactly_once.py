"""Issue 21: a sync interrupted, the sheet edited, then the rerun: exactly one meeting per row.

Each test kills a sync at an exact request over real HTTP (``CrashingTransport``), edits
the sheet, reruns, and reads what Zoom holds from the sandbox's own view of its state.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from batchzoom.cli import cli
from batchzoom.engine.batch import schedule
from batchzoom.engine.journal import Journal, default_path
from batchzoom.engine.planning import load
from batchzoom.engine.sync import SyncReport, sync
from batchzoom.sandbox import Sandbox
from tests.conftest import MakeSettings, sandbox_env
from tests.crashes import Crash, CrashingTransport
from tests.rosters import write_csv
from tests.test_sync import ALICE, BOB, HEADERS, changes_sent, rows_of

CAROL = "carol@school.example"

RunSync = Callable[..., SyncReport]
RunSchedule = Callable[[Path, Sandbox], None]


@pytest.fixture
def run_sync(make_settings: MakeSettings) -> RunSync:
    def run(roster: Path, sb: Sandbox, *, transport: Any = None, **flags: Any) -> SyncReport:
        settings = make_settings(sb, allow_past=True, rate=1000, **flags)
        return sync(load(roster, settings), settings, transport=transport)

    return run


@pytest.fixture
def run_schedule(make_settings: MakeSettings) -> RunSchedule:
    def run(roster: Path, sb: Sandbox) -> None:
        settings = make_settings(sb, allow_past=True, rate=1000)
        schedule(load(roster, settings), settings)

    return run


REPEAT_HEADERS = (*HEADERS, "Repeat", "Weekly days", "End times")


def live(sb: Sandbox) -> list[dict[str, Any]]:
    return sorted(sb.meetings(), key=lambda m: int(m["id"]))


def killed(run: RunSync, roster: Path, sb: Sandbox, method: str, path: str = "", **kw: Any) -> None:
    """A sync that dies once Zoom has acted on its first ``method`` request, unanswered."""
    with contextlib.suppress(Crash):
        run(roster, sb, transport=CrashingTransport(method, path, after_response=True), **kw)


def settled(run: RunSync, roster: Path, sb: Sandbox) -> None:
    """After the rerun, one more sync sends nothing."""
    sent = changes_sent(sb)
    report = run(roster, sb)
    assert report.plan is not None and report.plan.steps == []
    assert changes_sent(sb) == sent


def test_a_lost_create_then_a_retitle_updates_the_one_meeting(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync
) -> None:
    rows = rows_of(1)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    killed(run_sync, roster, sandbox, "POST", "/meetings")
    [first] = live(sandbox)
    rows[0][1] = "Class S0 (renamed)"
    rows[0][2] = "2027-05-03 10:00"
    write_csv(roster, rows, HEADERS)
    run_sync(roster, sandbox)
    [meeting] = live(sandbox)
    assert meeting["id"] == first["id"] and meeting["topic"] == "Class S0 (renamed)"
    assert meeting["start_time"] == "2027-05-03T01:00:00Z"
    settled(run_sync, roster, sandbox)


def test_a_host_change_killed_after_its_create_finishes_on_the_rerun(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = rows_of(1)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    rows[0][5] = BOB
    write_csv(roster, rows, HEADERS)
    killed(run_sync, roster, sandbox, "POST", "/meetings")
    assert len(live(sandbox)) == 2
    report = run_sync(roster, sandbox)
    [meeting] = live(sandbox)
    assert meeting["host_email"] == BOB and report.outcomes[0].meeting_id == meeting["id"]
    settled(run_sync, roster, sandbox)


def test_an_interrupted_host_change_then_cancelled_leaves_nothing(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = rows_of(1)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    rows[0][5] = BOB
    write_csv(roster, rows, HEADERS)
    killed(run_sync, roster, sandbox, "POST", "/meetings")
    rows[0][8] = "cancelled"
    write_csv(roster, rows, HEADERS)
    assert run_sync(roster, sandbox).counts()["cancelled"] == 1
    assert live(sandbox) == []
    settled(run_sync, roster, sandbox)


def test_an_applied_update_then_the_cell_put_back_sends_the_sheets_value(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = rows_of(1)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    rows[0][4] = "90"
    write_csv(roster, rows, HEADERS)
    killed(run_sync, roster, sandbox, "PATCH")
    assert live(sandbox)[0]["duration"] == 90
    rows[0][4] = "50"
    write_csv(roster, rows, HEADERS)
    run_sync(roster, sandbox)
    assert live(sandbox)[0]["duration"] == 50
    settled(run_sync, roster, sandbox)


def test_weekly_days_put_back_after_an_applied_update_reach_zoom(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = [[*row, "weekly", "Mon", "4"] for row in rows_of(1)]
    roster = write_csv(tmp_path / "term.csv", rows, REPEAT_HEADERS)
    run_schedule(roster, sandbox)
    rows[0][10] = "Mon, Wed"
    write_csv(roster, rows, REPEAT_HEADERS)
    killed(run_sync, roster, sandbox, "PATCH")
    assert live(sandbox)[0]["recurrence"]["weekly_days"] == "2,4"
    rows[0][10] = "Mon"
    write_csv(roster, rows, REPEAT_HEADERS)
    run_sync(roster, sandbox)
    assert live(sandbox)[0]["recurrence"]["weekly_days"] == "2"
    settled(run_sync, roster, sandbox)


def test_weekly_days_changed_on_zoom_are_a_conflict(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = [[*row, "weekly", "Mon", "4"] for row in rows_of(1)]
    roster = write_csv(tmp_path / "term.csv", rows, REPEAT_HEADERS)
    run_schedule(roster, sandbox)
    meeting = live(sandbox)[0]
    _patch_on_zoom(
        sandbox, meeting["id"], {"recurrence": {**meeting["recurrence"], "weekly_days": "2,4"}}
    )
    rows[0][7] = "Unit 2"
    write_csv(roster, rows, REPEAT_HEADERS)
    [outcome] = run_sync(roster, sandbox).outcomes
    assert outcome.status == "failed" and "recurrence" in (outcome.error or "")


def _patch_on_zoom(sb: Sandbox, meeting_id: int, body: dict[str, Any]) -> None:
    """An edit made in Zoom's portal: a PATCH that batchzoom did not send."""
    token = httpx.post(
        sb.token_url,
        auth=(sb.client_id, sb.client_secret),
        data={"grant_type": "account_credentials", "account_id": sb.account_id},
    ).json()["access_token"]
    response = httpx.patch(
        f"{sb.api_url}/meetings/{meeting_id}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 204, response.text


def test_clearing_an_agenda_reaches_zoom_and_later_edits_still_apply(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = rows_of(1)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    assert live(sandbox)[0]["agenda"] == "Unit 1"
    rows[0][7] = ""
    write_csv(roster, rows, HEADERS)
    assert run_sync(roster, sandbox).counts()["updated"] == 1
    assert live(sandbox)[0]["agenda"] == ""
    rows[0][1] = "Class S0 (renamed)"
    write_csv(roster, rows, HEADERS)
    [outcome] = run_sync(roster, sandbox).outcomes
    assert outcome.status == "updated" and outcome.error is None
    assert live(sandbox)[0]["topic"] == "Class S0 (renamed)"


def test_the_sandbox_like_zoom_takes_a_null_field_for_absent(sandbox: Sandbox) -> None:
    sb = sandbox
    token = httpx.post(
        sb.token_url,
        auth=(sb.client_id, sb.client_secret),
        data={"grant_type": "account_credentials", "account_id": sb.account_id},
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    created = httpx.post(
        f"{sb.api_url}/users/{ALICE}/meetings",
        json={"topic": "T", "type": 2, "start_time": "2027-05-03T00:00:00Z", "agenda": "A"},
        headers=headers,
    ).json()
    httpx.patch(f"{sb.api_url}/meetings/{created['id']}", json={"agenda": None}, headers=headers)
    assert live(sb)[0]["agenda"] == "A"


def test_a_removed_row_whose_delete_is_refused_for_a_conflict_exits_4(
    tmp_path: Path, sandbox: Sandbox, run_schedule: RunSchedule
) -> None:
    rows = rows_of(2)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    gone = next(m for m in live(sandbox) if m["topic"] == "Class S1")
    _patch_on_zoom(sandbox, gone["id"], {"topic": "Renamed in the portal"})
    write_csv(roster, rows[:1], HEADERS)
    result = CliRunner().invoke(
        cli,
        ["sync", str(roster), "--allow-past", "--yes", "--delete-missing", "--quiet"],
        env=sandbox_env(sandbox),
    )
    assert result.exit_code == 4, result.output
    assert "Removed row 'Class S1': failed" in result.stderr
    assert len(live(sandbox)) == 2


def test_a_sync_with_nothing_to_change_writes_its_result_sheet(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = rows_of(2)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    for sheet in tmp_path.glob("*scheduled*"):
        sheet.unlink()
    report = run_sync(roster, sandbox)
    assert report.plan is not None and report.plan.steps == []
    assert report.output is not None and report.output.path.exists()
    assert str(live(sandbox)[0]["join_url"]) in report.output.path.read_text(encoding="utf-8")


def test_the_journal_keeps_the_body_a_lost_create_sent(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync
) -> None:
    rows = rows_of(1)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    killed(run_sync, roster, sandbox, "POST", "/meetings")
    with Journal(default_path(roster), account=sandbox.account_id) as journal:
        entry = journal.get("id:S0000")
    assert entry is not None and entry.state == "intent"
    assert (entry.body or {})["topic"] == "Class S0" and entry.host == ALICE


def test_undoing_an_interrupted_host_change_keeps_the_original_meeting(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = rows_of(1)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    [original] = live(sandbox)
    rows[0][5] = BOB
    write_csv(roster, rows, HEADERS)
    killed(run_sync, roster, sandbox, "POST", "/meetings")
    assert len(live(sandbox)) == 2
    rows[0][5] = ALICE
    write_csv(roster, rows, HEADERS)
    report = run_sync(roster, sandbox)
    [meeting] = live(sandbox)
    assert meeting["id"] == original["id"] and meeting["host_email"] == ALICE
    assert meeting["join_url"] == original["join_url"]
    assert report.outcomes[0].meeting_id == original["id"]
    settled(run_sync, roster, sandbox)
    assert [m["id"] for m in live(sandbox)] == [original["id"]]


def test_an_interrupted_host_change_then_a_third_host_leaves_one_meeting(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = rows_of(1)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    rows[0][5] = BOB
    write_csv(roster, rows, HEADERS)
    killed(run_sync, roster, sandbox, "POST", "/meetings")
    rows[0][5] = CAROL
    write_csv(roster, rows, HEADERS)
    run_sync(roster, sandbox)
    [meeting] = live(sandbox)
    assert meeting["host_email"] == CAROL
    settled(run_sync, roster, sandbox)


def _delete_on_zoom(sb: Sandbox, meeting_id: int) -> None:
    token = httpx.post(
        sb.token_url,
        auth=(sb.client_id, sb.client_secret),
        data={"grant_type": "account_credentials", "account_id": sb.account_id},
    ).json()["access_token"]
    response = httpx.delete(
        f"{sb.api_url}/meetings/{meeting_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 204


def test_sync_re_creates_a_meeting_deleted_on_zoom_after_confirmation(
    tmp_path: Path, sandbox: Sandbox, run_schedule: RunSchedule, make_settings: MakeSettings
) -> None:
    rows = rows_of(2)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    gone = next(m for m in live(sandbox) if m["topic"] == "Class S1")
    _delete_on_zoom(sandbox, gone["id"])
    env = sandbox_env(sandbox)
    runner = CliRunner()
    asked = runner.invoke(cli, ["sync", str(roster), "--allow-past"], env=env)
    assert asked.exit_code == 1 and "re-create" in asked.stdout, asked.output
    assert len(live(sandbox)) == 1
    checked = runner.invoke(cli, ["reconcile", str(roster)], env=env)
    assert checked.exit_code == 4 and "'batchzoom sync --yes' re-creates" in checked.stderr
    applied = runner.invoke(cli, ["sync", str(roster), "--allow-past", "--yes"], env=env)
    assert applied.exit_code == 0, applied.output
    again = next(m for m in live(sandbox) if m["topic"] == "Class S1")
    assert again["id"] != gone["id"] and len(live(sandbox)) == 2
    sheet = next(tmp_path.glob("*scheduled*")).read_text(encoding="utf-8")
    assert again["join_url"] in sheet and gone["join_url"] not in sheet
    settings = make_settings(sandbox, allow_past=True)
    shown = schedule(load(roster, settings), settings).outcomes[1]
    assert (shown.status, shown.meeting_id) == ("existing", again["id"])
    assert runner.invoke(cli, ["reconcile", str(roster)], env=env).exit_code == 0


def test_sync_force_puts_back_fields_changed_only_on_zoom(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = rows_of(1)
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    meeting_id = live(sandbox)[0]["id"]
    _patch_on_zoom(sandbox, meeting_id, {"topic": "Renamed in the portal", "agenda": "Other"})
    plain = run_sync(roster, sandbox)  # without --force the edit made on Zoom stays
    assert plain.plan is not None and plain.plan.steps == []
    assert live(sandbox)[0]["topic"] == "Renamed in the portal"
    forced = run_sync(roster, sandbox, force=True)
    assert forced.plan is not None
    [step] = forced.plan.steps
    assert step.action == "update" and "topic" in step.describe()
    [meeting] = live(sandbox)
    assert (meeting["id"], meeting["topic"], meeting["agenda"]) == (
        meeting_id,
        "Class S0",
        "Unit 1",
    )
    settled(run_sync, roster, sandbox)


def test_force_clears_an_agenda_added_on_zoom_to_a_row_without_one(
    tmp_path: Path, sandbox: Sandbox, run_sync: RunSync, run_schedule: RunSchedule
) -> None:
    rows = rows_of(1)
    rows[0][7] = ""
    roster = write_csv(tmp_path / "term.csv", rows, HEADERS)
    run_schedule(roster, sandbox)
    _patch_on_zoom(sandbox, live(sandbox)[0]["id"], {"agenda": "Added in the portal"})
    run_sync(roster, sandbox, force=True)
    assert live(sandbox)[0]["agenda"] == ""
