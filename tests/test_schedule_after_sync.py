"""After a ``sync`` wrote its sheet, ``schedule`` calls every row it made or changed
``existing``: its news is already in the sheet."""

from __future__ import annotations

import csv
from pathlib import Path

from batchzoom.sandbox import Sandbox
from tests.rosters import session_rows, write_csv
from tests.test_cli_schedule import env_for, invoke


def statuses(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["zoom_status"] for row in csv.DictReader(handle)]


def test_rows_updated_or_created_by_sync_are_existing_to_the_next_schedule(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    env = env_for(sandbox)
    rows = session_rows(3)
    roster = write_csv(tmp_path / "r.csv", rows[:2])
    assert invoke(["schedule", str(roster)], env, tmp_path).exit_code == 0
    changed = [rows[0], [rows[1][0], "Renamed class", *rows[1][2:]], rows[2]]
    write_csv(roster, changed)
    synced = invoke(["sync", str(roster), "--yes"], env, tmp_path)
    assert synced.exit_code == 0, synced.output
    assert statuses(tmp_path / "r.scheduled.csv") == ["unchanged", "updated", "created"]
    again = invoke(["schedule", str(roster)], env, tmp_path)
    assert again.exit_code == 0, again.output
    assert "3 rows: 3 existing." in again.stdout
    assert statuses(tmp_path / "r.scheduled.csv") == ["existing"] * 3
