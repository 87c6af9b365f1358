"""What registering attendees did reaches the exit status and --json, and rows changed since
their meeting was created leave their people for sync (against the sandbox over HTTP)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from batchzoom.cli import cli
from batchzoom.sandbox import Sandbox
from tests.conftest import sandbox_env
from tests.rosters import write_csv

HEADERS = ("ID", "Topic", "Start", "Time zone", "Duration", "Host", "Registration")
PEOPLE = ("id", "email", "first_name", "last_name")


def roster(tmp_path: Path, registration: str) -> Path:
    rows = [
        ["ONE", "Open day", "2027-05-03 09:00", "Asia/Seoul", "50", "me", registration],
        ["PLAIN", "Staff", "2027-05-05 09:00", "Asia/Seoul", "50", "me", ""],
    ]
    return write_csv(tmp_path / "roster.csv", rows, HEADERS)


def people(tmp_path: Path, count: int) -> Path:
    rows = [["ONE", f"p{n}@example.com", f"P{n}", "Kim"] for n in range(count)]
    return write_csv(tmp_path / "people.csv", rows, PEOPLE)


def meeting_id(tmp_path: Path) -> int:
    with (tmp_path / "roster.scheduled.csv").open(encoding="utf-8", newline="") as handle:
        return int(next(csv.DictReader(handle))["zoom_meeting_id"])


def test_a_refused_registration_gives_exit_4_and_is_in_the_json(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    env = sandbox_env(sandbox)
    path, sheet = roster(tmp_path, "yes"), people(tmp_path, 2)
    args = ["schedule", str(path), "--attendees", str(sheet), "--json"]
    first = CliRunner().invoke(cli, args, env=env)
    assert first.exit_code == 0, first.output
    document = json.loads(first.stdout)
    assert document["exit_code"] == 0
    assert document["attendees"]["counts"] == {
        "added": 2, "existing": 0, "deferred": 0, "failed": 0, "in_doubt": 0,
        "cancelled": 0, "held": 0,
    }  # fmt: skip
    assert [(p["row"], p["session"], p["email"], p["status"], p["error"])
            for p in document["attendees"]["rows"]] == [
        (2, "ONE", "p0@example.com", "registered", None),
        (3, "ONE", "p1@example.com", "registered", None),
    ]  # fmt: skip
    assert all("join_url" not in p for p in document["attendees"]["rows"])  # a personal link
    # Registration is turned off on Zoom; a third person joins the sheet.
    stored = sandbox.store.meetings[meeting_id(tmp_path)]["meeting"]
    stored["settings"]["approval_type"] = 2
    sheet = people(tmp_path, 3)
    second = CliRunner().invoke(cli, [*args, "--json-include-password"], env=env)
    assert second.exit_code == 4, second.output
    document = json.loads(second.stdout)
    assert document["exit_code"] == 4 and document["counts"]["existing"] == 2
    assert (
        document["attendees"]["counts"]["failed"],
        document["attendees"]["counts"]["existing"],
    ) == (1, 2)
    refused = document["attendees"]["rows"][-1]
    assert (refused["row"], refused["email"], refused["status"]) == (4, "p2@example.com", "failed")
    assert "Registration has not been enabled" in refused["error"]
    assert refused["join_url"] is None
    assert all(p["join_url"] for p in document["attendees"]["rows"][:2])  # asked for: shown
    plain = CliRunner().invoke(cli, args[:-1], env=env)
    assert plain.exit_code == 4, plain.output
    assert "1 refused by Zoom" in plain.stdout


def test_a_row_changed_to_take_registration_leaves_its_people_for_sync(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    env = sandbox_env(sandbox)
    path = roster(tmp_path, "")
    assert CliRunner().invoke(cli, ["schedule", str(path)], env=env).exit_code == 0
    path, sheet = roster(tmp_path, "yes"), people(tmp_path, 2)
    args = ["schedule", str(path), "--attendees", str(sheet)]
    changed = CliRunner().invoke(cli, [*args, "--json"], env=env)
    assert changed.exit_code == 0, changed.output
    document = json.loads(changed.stdout)
    assert document["counts"]["changed"] == 1
    assert document["attendees"]["counts"]["held"] == 2
    assert document["attendees"]["counts"]["failed"] == 0
    assert [w for w in document["warnings"] if "batchzoom sync" in w] == [
        "2 attendees of rows changed since their meeting was created were not registered: run "
        "batchzoom sync, which applies the rows (their registration setting first) and then "
        "registers them."
    ]
    counters = sandbox.counters()
    assert "addBatchRegistrants" not in counters and "meetingRegistrantCreate" not in counters
    said = CliRunner().invoke(cli, args, env=env)
    assert said.stderr.count("batchzoom sync, which applies the rows") == 1
    synced = CliRunner().invoke(
        cli, ["sync", str(path), "--attendees", str(sheet), "--yes"], env=env
    )
    assert synced.exit_code == 0, synced.output
    assert "2 attendees registered" in synced.stdout
    assert sandbox.counters()["addBatchRegistrants"]["requests"] == 1
