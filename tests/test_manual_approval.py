"""A meeting whose registrations the host approves by hand (``settings.approval_type`` 1):
attendees are added without approval and shown ``pending`` with no link; once the host has
approved someone, the next run writes that person's link."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from batchzoom.cli import cli
from batchzoom.sandbox import Sandbox
from tests.conftest import quick_client, sandbox_env, zoom_settings
from tests.rosters import write_csv

HEADERS = ("ID", "Topic", "Start", "Time zone", "Duration", "Host", "Registration",
           "settings.approval_type")  # fmt: skip
ROSTER = [
    ["ONE", "Open day", "2027-05-03 09:00", "Asia/Seoul", "50", "alice@school.example", "yes", "1"],
    ["SERIES", "Weekly", "2027-05-04 09:00", "Asia/Seoul", "50", "bob@school.example", "yes", "1"],
]
PEOPLE = [["all", "kim@example.com", "Minji", "Kim"], ["all", "lee@example.com", "Jiwoo", "Lee"]]


def written(path: Path) -> list[tuple[str, str, bool]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (row["email"], row["zoom_status"], bool(row["zoom_join_url"].strip("; ")))
            for row in csv.DictReader(handle)
        ]


def test_registrations_await_the_hosts_approval_then_get_their_links(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    roster = write_csv(tmp_path / "roster.csv", ROSTER, HEADERS)
    people = write_csv(tmp_path / "people.csv", PEOPLE, ("id", "email", "first_name", "last_name"))
    env = sandbox_env(sandbox)
    args = ["schedule", str(roster), "--attendees", str(people)]
    first = CliRunner().invoke(cli, args, env=env)
    assert first.exit_code == 0, first.output
    sheet = tmp_path / "people.registered.csv"
    assert written(sheet) == [
        ("kim@example.com", "pending", False),
        ("lee@example.com", "pending", False),
    ]
    with open(tmp_path / "roster.scheduled.csv", encoding="utf-8", newline="") as handle:
        meeting = int(next(csv.DictReader(handle))["zoom_meeting_id"])
    with quick_client(zoom_settings(sandbox)) as client:
        waiting = client.list_registrants(meeting, status="pending")
        assert sorted(r.email for r in waiting) == ["kim@example.com", "lee@example.com"]
        kim = next(r for r in waiting if r.email == "kim@example.com")
        client.update_registrant_status(
            meeting, "approve", [{"id": kim.registrant_id, "email": kim.email}]
        )
    again = CliRunner().invoke(cli, args, env=env)
    assert again.exit_code == 0, again.output
    assert written(sheet) == [
        ("kim@example.com", "registered; pending", True),
        ("lee@example.com", "pending", False),
    ]
    with quick_client(zoom_settings(sandbox)) as client:  # nobody was added twice
        everyone = [
            *client.list_registrants(meeting, status="approved"),
            *client.list_registrants(meeting, status="pending"),
        ]
        assert sorted(r.email for r in everyone) == ["kim@example.com", "lee@example.com"]
