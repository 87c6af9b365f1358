"""``batchzoom schedule`` on the command line: exact exit codes, one-line errors, no secrets."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from batchzoom.cli import cli
from batchzoom.engine.lock import RunLock
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from tests.conftest import sandbox_env
from tests.rosters import session_rows, write_csv

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ALICE = "alice@school.example"
NO_CREDENTIALS: dict[str, str | None] = {
    "ZOOM_ACCOUNT_ID": None,
    "ZOOM_CLIENT_ID": None,
    "ZOOM_CLIENT_SECRET": None,
    "ZOOM_TOKEN_URL": None,
    "ZOOM_API_URL": None,
}


def env_for(sb: Sandbox, *, secret: str | None = None) -> dict[str, str | None]:
    return sandbox_env(sb, ZOOM_CLIENT_SECRET=secret or sb.client_secret)


def invoke(args: list[str], env: dict[str, str | None], cwd: Path) -> Result:
    with contextlib.chdir(cwd):  # no stray .env from the developer's folder
        return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def test_sandbox_run_on_the_bundled_sample(tmp_path: Path) -> None:
    roster = tmp_path / "timetable.xlsx"
    shutil.copy(SAMPLES / "timetable.xlsx", roster)
    result = invoke(["schedule", str(roster), "--sandbox"], NO_CREDENTIALS, tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == (
        f"24 rows: 24 created. Results written to {tmp_path / 'timetable.scheduled.xlsx'}."
    )
    again = invoke(["schedule", str(roster), "--sandbox"], NO_CREDENTIALS, tmp_path)
    assert again.exit_code == 0
    assert "24 rows: 24 existing." in again.stdout


@pytest.mark.parametrize("today", ["2026-12-02T09:00:00Z", "2034-06-30T09:00:00Z"])
def test_the_readme_command_schedules_every_sample_row_in_any_year_to_2035(
    tmp_path: Path, today: str
) -> None:
    """The README's main command on a fresh copy of the samples, with the clock at ``today``."""
    roster = tmp_path / "timetable.xlsx"
    shutil.copy(SAMPLES / "timetable.xlsx", roster)
    env = NO_CREDENTIALS | {"BATCHZOOM_NOW": today}
    result = invoke(["schedule", str(roster), "--sandbox"], env, tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1].startswith("24 rows: 24 created.")


def test_missing_credentials_is_one_line_exit_1(tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(2))
    result = invoke(["schedule", str(roster)], NO_CREDENTIALS, tmp_path)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "Error: Missing Zoom credentials: set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET"
    )
    assert "--env-file" in lines[0]


def test_credentials_from_env_file(tmp_path: Path, sandbox: Sandbox) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(2))
    env_file = tmp_path / "zoom.env"
    env_file.write_text(
        "".join(f"{k}={v}\n" for k, v in env_for(sandbox).items()), encoding="utf-8"
    )
    result = invoke(
        ["schedule", str(roster), "--env-file", str(env_file)], NO_CREDENTIALS, tmp_path
    )
    assert result.exit_code == 0, result.output
    assert len(sandbox.meetings()) == 2


def test_a_run_from_another_folder_finds_the_env_file_beside_the_roster(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """As from cron (``cd /`` first): the .env beside the roster is read."""
    term = tmp_path / "term"
    term.mkdir()
    roster = write_csv(term / "r.csv", session_rows(2))
    (term / ".env").write_text(
        "".join(f"{k}={v}\n" for k, v in env_for(sandbox).items()), encoding="utf-8"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = invoke(["schedule", str(roster)], NO_CREDENTIALS, elsewhere)
    assert result.exit_code == 0, result.output
    assert len(sandbox.meetings()) == 2


def test_the_working_folders_env_file_wins_over_the_rosters(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    term = tmp_path / "term"
    term.mkdir()
    roster = write_csv(term / "r.csv", session_rows(1))
    (term / ".env").write_text(
        "".join(f"{k}={v}\n" for k, v in env_for(sandbox, secret="wrong").items()),
        encoding="utf-8",
    )
    (tmp_path / ".env").write_text(f"ZOOM_CLIENT_SECRET={sandbox.client_secret}\n")
    result = invoke(["schedule", str(roster)], NO_CREDENTIALS, tmp_path)
    assert result.exit_code == 0, result.output


def test_missing_credentials_name_the_places_looked_in(tmp_path: Path) -> None:
    term = tmp_path / "term"
    term.mkdir()
    roster = write_csv(term / "r.csv", session_rows(1))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = invoke(["schedule", str(roster)], NO_CREDENTIALS, elsewhere)
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert str(elsewhere / ".env") in line and str(term / ".env") in line


def test_rejected_credentials_quote_zoom_in_one_line(tmp_path: Path, sandbox: Sandbox) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(2))
    result = invoke(
        ["schedule", str(roster)], env_for(sandbox, secret="not-the-secret-42"), tmp_path
    )
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: Zoom rejected the credentials")
    assert "Invalid client_id or client_secret" in lines[0]
    assert "not-the-secret-42" not in result.output
    assert sandbox.meetings() == []


@pytest.mark.parametrize("extra", [[], ["--json"], ["--include-start-url"], ["--quiet"]])
def test_no_secret_is_ever_printed(tmp_path: Path, sandbox: Sandbox, extra: list[str]) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(4))
    sandbox.faults.fail_next("meetingCreate", status=503)  # an error path too
    result = invoke(["schedule", str(roster), *extra], env_for(sandbox), tmp_path)
    printed = result.output
    assert result.exit_code in (0, 4), printed
    assert sandbox.client_secret not in printed
    assert not re.search(r"sbx_[A-Za-z0-9_-]{20,}", printed)  # no access token
    for meeting in sandbox.meetings():
        assert meeting["start_url"] not in printed
    sheet = (tmp_path / "r.scheduled.csv").read_text(encoding="utf-8")
    assert all(
        (m["start_url"] in sheet) == ("--include-start-url" in extra) for m in sandbox.meetings()
    )


def test_json_summary_is_machine_readable(tmp_path: Path, sandbox: Sandbox) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(3))
    result = invoke(["schedule", str(roster), "--json"], env_for(sandbox), tmp_path)
    document = json.loads(result.stdout)
    assert document["counts"]["created"] == 3 and document["exit_code"] == 0
    assert document["tokens_fetched"] == 1
    assert {row["meeting_id"] for row in document["rows"]} == {m["id"] for m in sandbox.meetings()}
    assert all("password" not in row for row in document["rows"])


def test_output_and_in_place_together_is_a_usage_error(tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(1))
    result = invoke(
        ["schedule", str(roster), "--in-place", "--output", "x.csv"], NO_CREDENTIALS, tmp_path
    )
    assert result.exit_code == 2
    assert "Use either --output or --in-place" in result.stderr


def test_invalid_rows_exit_3_and_send_nothing(tmp_path: Path, sandbox: Sandbox) -> None:
    rows = session_rows(2)
    rows[0][3] = "Mars/Olympus"
    roster = write_csv(tmp_path / "r.csv", rows)
    result = invoke(["schedule", str(roster)], env_for(sandbox), tmp_path)
    assert result.exit_code == 3
    assert "Time zone" in result.stdout and "Nothing was sent to Zoom" in result.stderr
    assert sandbox.counters().get("token") is None


def test_deferred_rows_exit_4(tmp_path: Path, sandbox_factory: Callable[..., Sandbox]) -> None:
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser(ALICE)], daily_limit=2))
    roster = write_csv(tmp_path / "r.csv", session_rows(4))
    result = invoke(["schedule", str(roster)], env_for(sb), tmp_path)
    assert result.exit_code == 4
    assert "4 rows: 2 created, 2 deferred." in result.stdout
    assert "Deferred:" not in result.output  # no line per deferred row
    held = [line for line in result.stderr.splitlines() if "is held back by" in line]
    assert len(held) == 1, result.stderr
    assert held[0].startswith("Host alice@school.example is held back by Zoom's daily limit until")
    assert "2 rows wait" in held[0]


def test_a_second_run_on_the_same_roster_exits_5(tmp_path: Path, sandbox: Sandbox) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(1))
    with RunLock(tmp_path / "r.batchzoom.lock"):
        result = invoke(["schedule", str(roster)], env_for(sandbox), tmp_path)
    assert result.exit_code == 5
    assert result.stderr.strip() == (
        "Error: Another batchzoom run is already working on r.csv; try again when it finishes, "
        "or pass --wait SECONDS to wait for it."
    )


def test_help_documents_exit_codes() -> None:
    result = CliRunner().invoke(cli, ["schedule", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert (
        "4 some rows or attendee registrations failed or were deferred" in text
        and "batchzoom schedule spring.xlsx" in text
    )


def test_ics_file_has_one_event_per_meeting_and_no_passcode_by_default(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(3))
    calendar = tmp_path / "r.ics"
    result = invoke(["schedule", str(roster), "--ics", str(calendar)], env_for(sandbox), tmp_path)
    assert result.exit_code == 0, result.output
    assert f"Wrote 3 events to {calendar}." in result.stdout
    text = calendar.read_text(encoding="utf-8")
    assert text.count("BEGIN:VEVENT") == 3
    assert all(m["password"] not in text for m in sandbox.meetings())


def test_a_bad_output_folder_is_refused_before_anything_is_created(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(2))
    result = invoke(
        ["schedule", str(roster), "--output", str(tmp_path / "nodir" / "out.csv")],
        env_for(sandbox),
        tmp_path,
    )
    assert result.exit_code == 1
    assert "the folder" in result.stderr and "does not exist" in result.stderr
    assert sandbox.meetings() == []


def test_a_wrong_api_path_is_one_error_not_a_failure_per_row(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(3))
    env = env_for(sandbox) | {"ZOOM_API_URL": sandbox.api_url.replace("/v2", "/v1")}
    result = invoke(["schedule", str(roster)], env, tmp_path)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "ZOOM_API_URL does not point at Zoom's API" in lines[0]


def test_an_unreachable_token_url_is_named(tmp_path: Path, sandbox: Sandbox) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(1))
    env = env_for(sandbox) | {"ZOOM_TOKEN_URL": "http://127.0.0.1:9/oauth/token"}
    result = invoke(["schedule", str(roster)], env, tmp_path)
    assert result.exit_code == 1
    assert "Cannot reach Zoom at http://127.0.0.1:9/oauth/token" in result.stderr
