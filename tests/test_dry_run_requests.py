"""`schedule --dry-run --json` shows the exact request bodies and every occurrence's instant."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from batchzoom.cli import cli
from tests.rosters import headers, write_csv

HEADERS = headers("Password", "Repeat", "End times")


def dry_run(path: Path) -> dict[str, object]:
    result = CliRunner().invoke(cli, ["schedule", str(path), "--dry-run", "--json", "--allow-past"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert isinstance(document, dict)
    return document


def test_every_valid_row_shows_its_body_and_occurrences(tmp_path: Path) -> None:
    """(The series lies far ahead, so the run's own clock never moves its start.)"""
    path = write_csv(
        tmp_path / "term.csv",
        [
            [
                "F1",
                "Night",
                "2027-11-07T01:30-05:00",
                "America/New_York",
                "30",
                "kim@x.example",
                "s3cret",
                "",
                "",
            ],
            [
                "W1",
                "Weekly",
                "2098-10-26 09:00",
                "America/New_York",
                "50",
                "kim@x.example",
                "",
                "weekly",
                "2",
            ],
        ],
        HEADERS,
    )
    document = dry_run(path)
    planned = document["planned_requests"]
    assert isinstance(planned, list)
    fold, weekly = planned
    assert document["requests"] == 0  # the count of HTTP requests, kept apart
    assert fold["row"] == 2 and fold["host"] == "kim@x.example"
    assert fold["body"]["start_time"] == "2027-11-07T06:30:00Z"
    assert fold["body"]["timezone"] == "America/New_York"
    assert fold["body"]["password"] == "***"
    assert "s3cret" not in json.dumps(document)
    assert fold["occurrences"] == [{"local": "2027-11-07T01:30:00", "utc": "2027-11-07T06:30:00Z"}]
    assert weekly["body"]["type"] == 8
    assert weekly["body"]["recurrence"] == {
        "type": 2,
        "repeat_interval": 1,
        "weekly_days": "1",
        "end_times": 2,
    }
    assert weekly["occurrences"] == [
        {"local": "2098-10-26T09:00:00", "utc": "2098-10-26T13:00:00Z"},
        {"local": "2098-11-02T09:00:00", "utc": "2098-11-02T14:00:00Z"},
    ]


def test_without_json_no_bodies_are_printed(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "term.csv",
        [["A1", "Class", "2027-05-03 09:00", "Asia/Seoul", "50", "kim@x.example", "", "", ""]],
        HEADERS,
    )
    result = CliRunner().invoke(cli, ["schedule", str(path), "--dry-run", "--allow-past"])
    assert result.exit_code == 0 and "planned_requests" not in result.stdout
