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
    page = tmp_path / "report.html"
    second = CliRunner().invoke(
        cli, [*args, "--json-include-password", "--report", str(page)], env=env
    )
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
    # The report counts who was registered (2), not the sheet's people (3).
    html = page.read_text(encoding="utf-8")
    first_row = html[html.index('id="row-2"') :]
    first_row = first_row[: first_row.index("</tr>")]
    assert '<td data-v="2">2</td>' in first_row and 'data-v="3"' not in first_row
    assert "some rows failed or were deferred" in html  # exit status 4's meaning
    plain = CliRunner().invoke(cli, args[:-1], env=env)
    assert plain.exit_code == 4, plain.output
    assert "1 failed (see the attendee sheet's zoom_error)" in plain.stdout


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


def test_sync_writes_each_registered_person_a_calendar_with_their_own_link(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    env = sandbox_env(sandbox)
    path, sheet = roster(tmp_path, "yes"), people(tmp_path, 2)
    assert (
        CliRunner()
        .invoke(cli, ["schedule", str(path), "--attendees", str(sheet)], env=env)
        .exit_code
        == 0
    )
    sheet = people(tmp_path, 3)
    invites = tmp_path / "invites"
    args = [
        "sync",
        str(path),
        "--attendees",
        str(sheet),
        "--yes",
        "--ics-per-attendee",
        str(invites),
    ]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    assert f"Wrote 3 attendee calendars to {invites}." in result.stdout
    with (tmp_path / "people.registered.csv").open(encoding="utf-8", newline="") as handle:
        links = {row["email"]: row["zoom_join_url"] for row in csv.DictReader(handle)}
    assert sorted(p.name for p in invites.iterdir()) == [f"p{n}@example.com.ics" for n in range(3)]
    for email, link in links.items():
        text = (invites / f"{email}.ics").read_bytes().decode("utf-8").replace("\r\n ", "")
        assert link and link in text
        assert all(other not in text for other in links.values() if other != link)
    dry = CliRunner().invoke(
        cli, [*args[:-2], "--dry-run", "--ics-per-attendee", str(tmp_path / "none")], env=env
    )
    assert dry.exit_code == 0, dry.output
    assert not (tmp_path / "none").exists()


def test_notify_says_a_cancelled_registrants_email_is_the_meetings_setting() -> None:
    import re

    shown = CliRunner().invoke(cli, ["sync", "--help"], terminal_width=200).output
    notify = shown[shown.index("--notify") : shown.index("--ics ")]
    assert "registrants_email_notification" in " ".join(notify.split())
    root = Path(__file__).parent.parent
    for name, heading in (("README.md", "## Commands"), ("README.ko.md", "## 명령")):
        text = (root / name).read_text(encoding="utf-8")
        attendees = text[: text.index(heading)]
        assert re.search(r"--notify`[^`]*", attendees), name
        assert "registrants_email_notification" in attendees, name


def test_under_quiet_a_refused_registration_is_one_line_on_stderr(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    env = sandbox_env(sandbox)
    path, sheet = roster(tmp_path, "yes"), people(tmp_path, 1)
    args = ["schedule", str(path), "--attendees", str(sheet), "--quiet"]
    first = CliRunner().invoke(cli, args, env=env)
    assert (first.exit_code, first.stdout, first.stderr) == (0, "", "")
    stored = sandbox.store.meetings[meeting_id(tmp_path)]["meeting"]
    stored["settings"]["approval_type"] = 2  # registration turned off on Zoom
    people(tmp_path, 2)
    second = CliRunner().invoke(cli, args, env=env)
    assert second.exit_code == 4 and second.stdout == ""
    assert second.stderr.splitlines() == [
        "1 attendee registration did not go through (1 failed, 0 deferred, "
        "0 unconfirmed): see the attendee sheet's zoom_error, then run batchzoom schedule "
        f"{path} again"
    ]
