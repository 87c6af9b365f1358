"""A cancelled row needs only its id: a bad date (or any other bad cell) in it blocks nothing,
and ``sync`` still deletes the meeting the journal recorded for that id."""

from __future__ import annotations

import csv
from pathlib import Path

from batchzoom.sandbox import Sandbox
from tests.rosters import HEADERS, session_rows, write_csv
from tests.test_cli_schedule import env_for, invoke

STATUS_HEADERS = (*HEADERS, "Status")


def sheet(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["ID"]: row for row in csv.DictReader(handle)}


def cancelled(
    row: list[str], *, start: str = "2027-02-30 09:00", word: str = "cancelled"
) -> list[str]:
    return [row[0], row[1], start, *row[3:], word]


def test_a_cancelled_row_with_a_bad_date_is_deleted_on_zoom_by_its_id(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    roster = tmp_path / "r.csv"
    rows = session_rows(2)
    write_csv(roster, rows)
    env = env_for(sandbox)
    assert invoke(["schedule", str(roster)], env, tmp_path).exit_code == 0
    gone = sheet(tmp_path / "r.scheduled.csv")["S0001"]["zoom_meeting_id"]
    # The second row is cancelled, its date mistyped; a third is new, cancelled and bad too.
    new = session_rows(3)[2]
    write_csv(
        roster,
        [[*rows[0], ""], cancelled(rows[1]), cancelled(new, start="next week", word="취소")],
        STATUS_HEADERS,
    )
    checked = invoke(["validate", str(roster)], env, tmp_path)
    assert checked.exit_code == 0, checked.output
    calendar = tmp_path / "r.ics"
    synced = invoke(["sync", str(roster), "--yes", "--ics", str(calendar)], env, tmp_path)
    assert synced.exit_code == 0, synced.output
    assert "3 rows: 1 unchanged, 2 cancelled." in synced.stdout
    assert [str(m["id"]) for m in sandbox.meetings()] != [] and gone not in {
        str(m["id"]) for m in sandbox.meetings()
    }
    result = sheet(tmp_path / "r.scheduled.csv")
    assert [result[key]["zoom_status"] for key in ("S0000", "S0001", "S0002")] == [
        "unchanged",
        "cancelled",
        "cancelled",
    ]
    assert result["S0001"]["Start"] == "2027-02-30 09:00"  # the user's cell, as typed
    text = calendar.read_text(encoding="utf-8")
    assert text.count("STATUS:CANCELLED") == 1 and f"{gone}" in text.replace("\r\n ", "")


def test_a_cancelled_row_still_needs_an_id_of_its_own(tmp_path: Path, sandbox: Sandbox) -> None:
    rows = session_rows(2)
    no_id = ["", *cancelled(rows[0])[1:]]
    repeated = cancelled([rows[0][0], *rows[1][1:]])
    roster = write_csv(tmp_path / "r.csv", [[*rows[0], ""], no_id, repeated], STATUS_HEADERS)
    checked = invoke(["validate", str(roster)], env_for(sandbox), tmp_path)
    assert checked.exit_code == 3
    assert "2 invalid" in checked.stdout
    assert "2027-02-30" in checked.stdout and "id-duplicate" in checked.stdout


def test_status_and_schedule_call_a_cancelled_row_cancelled(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    rows = session_rows(2)
    roster = write_csv(tmp_path / "r.csv", [[*rows[0], ""], cancelled(rows[1])], STATUS_HEADERS)
    env = env_for(sandbox)
    scheduled = invoke(["schedule", str(roster)], env, tmp_path)
    assert scheduled.exit_code == 0, scheduled.output
    assert "2 rows: 1 created, 1 cancelled." in scheduled.stdout
    assert len(sandbox.meetings()) == 1
    shown = invoke(["status", str(roster)], env, tmp_path)
    assert [line.split()[2] for line in shown.stdout.splitlines()[2:4]] == ["created", "cancelled"]
