"""Files that never betray the user: live meetings stay in the sheet, links are followed where
they should be and refused where they should not.
"""

from __future__ import annotations

import contextlib
import csv
import json
from pathlib import Path

from click.testing import CliRunner, Result

from batchzoom.cli import cli
from batchzoom.sandbox import Sandbox
from tests.rosters import HEADERS, session_rows, write_csv


def env_for(sb: Sandbox) -> dict[str, str | None]:
    return {
        "ZOOM_ACCOUNT_ID": sb.account_id,
        "ZOOM_CLIENT_ID": sb.client_id,
        "ZOOM_CLIENT_SECRET": sb.client_secret,
        "ZOOM_TOKEN_URL": sb.token_url,
        "ZOOM_API_URL": sb.api_url,
    }


def invoke(args: list[str], sb: Sandbox, cwd: Path) -> Result:
    with contextlib.chdir(cwd):  # no stray .env from the developer's folder
        return CliRunner().invoke(cli, args, env=env_for(sb), catch_exceptions=False)


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_row_on_zoom_that_becomes_invalid_keeps_its_meeting_cells(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """A typo after the meeting exists: id, link and passcode stay, the problem goes in zoom_error."""
    roster = write_csv(tmp_path / "spring.csv", session_rows(2))
    args = ["schedule", str(roster), "--in-place", "--allow-past"]
    assert invoke(args, sandbox, tmp_path).exit_code == 0
    before = rows_of(roster)
    assert all(row["zoom_meeting_id"] for row in before)

    rows = [list(row.values()) for row in before]
    rows[0][HEADERS.index("Duration")] = "two hours"
    with roster.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(before[0].keys())
        writer.writerows(rows)
    result = invoke([*args, "--skip-invalid"], sandbox, tmp_path)
    after = rows_of(roster)
    assert result.exit_code == 3, result.output
    for column in ("zoom_meeting_id", "zoom_join_url", "zoom_password"):
        assert after[0][column] == before[0][column] != ""
    assert after[0]["zoom_status"] == "invalid"
    assert "Duration" in after[0]["zoom_error"]
    assert after[1]["zoom_status"] == "existing"


def test_in_place_on_a_symlinked_roster_updates_the_file_it_points_to(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "term").mkdir()
    real = write_csv(tmp_path / "shared" / "spring.csv", session_rows(2))
    link = tmp_path / "term" / "spring.csv"
    link.symlink_to(real)
    args = ["schedule", str(link), "--in-place", "--allow-past"]
    first = invoke(args, sandbox, tmp_path)
    assert first.exit_code == 0, first.output
    assert link.is_symlink() and link.resolve() == real
    assert all(row["zoom_status"] == "created" for row in rows_of(real))
    second = invoke(args, sandbox, tmp_path)
    assert second.exit_code == 0, second.output
    assert link.is_symlink()
    assert [row["zoom_status"] for row in rows_of(real)] == ["existing", "existing"]
    assert len(sandbox.meetings()) == 2  # never a second meeting for a row


def test_a_planted_symlink_as_lock_file_is_refused_and_its_target_untouched(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    roster = write_csv(tmp_path / "spring.csv", session_rows(1))
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me\n")
    (tmp_path / "spring.batchzoom.lock").symlink_to(victim)
    result = invoke(["schedule", str(roster), "--dry-run", "--allow-past"], sandbox, tmp_path)
    assert result.exit_code == 1
    assert victim.read_text() == "keep me\n"
    message = result.output.strip().splitlines()[-1]
    assert "spring.batchzoom.lock" in message and "symbolic link" in message


def test_json_summary_has_no_passcodes_unless_asked(tmp_path: Path, sandbox: Sandbox) -> None:
    """Like the .ics file: no passcode and no pwd= in join links, unless --json-include-password."""
    roster = write_csv(tmp_path / "spring.csv", session_rows(2))
    plain = invoke(["schedule", str(roster), "--json", "--allow-past"], sandbox, tmp_path)
    rows = json.loads(plain.stdout)["rows"]
    sheet = rows_of(tmp_path / "spring.scheduled.csv")
    assert all("pwd=" in row["zoom_join_url"] for row in sheet)
    assert all("pwd=" not in row["join_url"] and "password" not in row for row in rows)
    for row in sheet:
        assert row["zoom_password"] not in plain.stdout
    asked = invoke(
        ["schedule", str(roster), "--json", "--json-include-password", "--allow-past"],
        sandbox,
        tmp_path,
    )
    rows = json.loads(asked.stdout)["rows"]
    assert [r["join_url"] for r in rows] == [r["zoom_join_url"] for r in sheet]
    assert [r["password"] for r in rows] == [r["zoom_password"] for r in sheet]


def test_json_include_password_without_json_is_a_usage_error(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    roster = write_csv(tmp_path / "spring.csv", session_rows(1))
    result = invoke(["schedule", str(roster), "--json-include-password"], sandbox, tmp_path)
    assert result.exit_code == 2
    assert "--json-include-password needs --json" in result.output
