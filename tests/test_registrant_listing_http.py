"""A meeting that existed before the run is listed before anyone is added to it, against the
sandbox over HTTP: a registrant added by hand in Zoom who is also on the sheet gets their link
but stays not batchzoom's (sync never cancels them), people Zoom already holds are not counted
twice against its 4,999, and one meeting's failed listing stops only that meeting."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from batchzoom.cli import cli
from batchzoom.sandbox import Sandbox, SandboxConfig
from tests.conftest import quick_client, sandbox_env, sandbox_users, zoom_settings
from tests.rosters import write_csv
from tests.test_registrant_limits_http import PEOPLE, _add_by_hand
from tests.test_registrations_http import HEADERS, ROSTER, registered, results


def _states(tmp_path: Path) -> dict[str, str]:
    """The journal's state of each registrant, by email."""
    with sqlite3.connect(tmp_path / "roster.batchzoom.db") as db:
        return dict(db.execute("SELECT email, state FROM registrants").fetchall())


def test_a_registrant_added_by_hand_and_on_the_sheet_gets_its_link_and_is_never_cancelled(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    env = sandbox_env(sandbox)
    roster = write_csv(tmp_path / "roster.csv", ROSTER[:1], HEADERS)
    people = write_csv(tmp_path / "people.csv", [["ONE", "a@example.com", "A", "Kim"]], PEOPLE)
    first = CliRunner(env=env).invoke(cli, ["schedule", str(roster), "--attendees", str(people)])
    assert first.exit_code == 0, first.output
    meeting = int(results(tmp_path / "roster.scheduled.csv")[0]["zoom_meeting_id"])
    with quick_client(zoom_settings(sandbox)) as client:
        vip = client.add_registrant(meeting, {"email": "VIP@example.com", "first_name": "V"})
    rows = [["ONE", "a@example.com", "A", "Kim"], ["ONE", "vip@example.com", "V", "Lee"]]
    write_csv(people, rows, PEOPLE)
    second = CliRunner(env=env).invoke(
        cli, ["sync", str(roster), "--attendees", str(people), "--yes"]
    )
    assert second.exit_code == 0, second.output
    written = results(tmp_path / "people.registered.csv")
    assert (written[1]["email"], written[1]["zoom_status"]) == ("vip@example.com", "registered")
    assert written[1]["zoom_registrant_id"] == vip.registrant_id
    assert written[1]["zoom_join_url"] == vip.join_url  # the sheet still gets their link
    assert _states(tmp_path) == {"a@example.com": "added", "vip@example.com": "found"}
    # The plan counts the VIP as registered: nothing is left to register.
    planned = CliRunner(env=env).invoke(
        cli, ["sync", str(roster), "--attendees", str(people), "--dry-run"]
    )
    assert planned.exit_code == 0, planned.output
    assert "to register" not in planned.output
    # The VIP's row leaves the sheet, and so does a's: only batchzoom's own is cancelled.
    write_csv(people, [["ONE", "new@example.com", "N", "Park"]], PEOPLE)
    third = CliRunner(env=env).invoke(
        cli, ["sync", str(roster), "--attendees", str(people), "--yes"]
    )
    assert third.exit_code == 0, third.output
    assert registered(sandbox, meeting) == ["VIP@example.com", "new@example.com"]  # as added
    assert _states(tmp_path)["vip@example.com"] == "found"


def test_people_zoom_already_holds_are_not_counted_twice_against_the_room(
    tmp_path: Path, sandbox_factory: Callable[[SandboxConfig], Sandbox]
) -> None:
    sandbox = sandbox_factory(
        SandboxConfig(users=sandbox_users(), qps_by_category={"HEAVY": 400, "LIGHT": 400})
    )
    env = sandbox_env(sandbox)
    roster = write_csv(tmp_path / "roster.csv", ROSTER[:1], HEADERS)
    people = write_csv(tmp_path / "people.csv", [["ONE", "a@example.com", "A", "Kim"]], PEOPLE)
    first = CliRunner(env=env).invoke(cli, ["schedule", str(roster), "--attendees", str(people)])
    assert first.exit_code == 0, first.output
    meeting = int(results(tmp_path / "roster.scheduled.csv")[0]["zoom_meeting_id"])
    # 2,600 registrants the journal does not know (a lost journal, or added in Zoom), all on
    # the sheet as well: 2,601 registered, and 2,600 of the sheet's rows already held.
    _add_by_hand(sandbox, meeting, 2600)
    hand = [["ONE", f"hand{n}@example.org", f"H{n}", "Kim"] for n in range(2600)]
    write_csv(people, [["ONE", "a@example.com", "A", "Kim"], *hand], PEOPLE)
    second = CliRunner(env=env).invoke(cli, ["schedule", str(roster), "--attendees", str(people)])
    assert second.exit_code == 0, second.output
    assert "refused" not in second.output
    written = results(tmp_path / "people.registered.csv")
    assert {row["zoom_status"] for row in written} == {"registered"}
    assert all(row["zoom_join_url"] for row in written)
    assert sandbox.counters()["addBatchRegistrants"]["requests"] == 1 + 87  # first run's, by hand


def test_one_meetings_failed_listing_leaves_the_other_meetings_attendees_registered(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    env = sandbox_env(sandbox)
    one = ROSTER[0]
    two = ["TWO", "Open day 2", "2027-05-06 09:00", *one[3:]]
    roster = write_csv(tmp_path / "roster.csv", [one, two], HEADERS)
    rows = [["ONE", "a@example.com", "A", "Kim"], ["TWO", "b@example.com", "B", "Kim"]]
    people = write_csv(tmp_path / "people.csv", rows, PEOPLE)
    first = CliRunner(env=env).invoke(cli, ["schedule", str(roster), "--attendees", str(people)])
    assert first.exit_code == 0, first.output
    ids = [int(row["zoom_meeting_id"]) for row in results(tmp_path / "roster.scheduled.csv")]
    rows += [["ONE", "c@example.com", "C", "Kim"], ["TWO", "d@example.com", "D", "Kim"]]
    write_csv(people, rows, PEOPLE)
    sandbox.faults.fail_next("meetingRegistrants", status=400)  # ONE's listing, planned first
    second = CliRunner(env=env).invoke(cli, ["schedule", str(roster), "--attendees", str(people)])
    assert second.exit_code == 4, second.output  # one registration did not go through
    written = {row["email"]: row for row in results(tmp_path / "people.registered.csv")}
    assert written["d@example.com"]["zoom_status"] == "registered"  # TWO went on
    assert written["a@example.com"]["zoom_status"] == "registered"  # batchzoom's, as before
    assert written["c@example.com"]["zoom_status"] == "failed"
    error = written["c@example.com"]["zoom_error"]
    assert f"meeting {ids[0]}" in error and "code 400" in error
    assert registered(sandbox, ids[0]) == ["a@example.com"]
    assert registered(sandbox, ids[1]) == ["b@example.com", "d@example.com"]
