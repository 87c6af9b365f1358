"""A sync that takes one attendee off a full meeting and puts another on: the one taken off
is cancelled first, so the newcomer has a place (Zoom's 4,999 registrants per meeting)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from batchzoom.cli import cli
from batchzoom.sandbox import Sandbox, SandboxConfig
from tests.conftest import quick_client, sandbox_env, sandbox_users, zoom_settings
from tests.rosters import write_csv
from tests.test_registrant_limits_http import PEOPLE, _add_by_hand
from tests.test_registrations_http import HEADERS, ROSTER, results


def test_a_swap_on_a_full_meeting_cancels_first_and_registers_the_newcomer(
    tmp_path: Path, sandbox_factory: Callable[[SandboxConfig], Sandbox]
) -> None:
    sandbox = sandbox_factory(
        SandboxConfig(users=sandbox_users(), qps_by_category={"HEAVY": 400, "LIGHT": 400})
    )
    env = sandbox_env(sandbox)
    roster = write_csv(tmp_path / "roster.csv", [ROSTER[0]], HEADERS)
    abc = [["ONE", f"{x}@example.com", x, "Kim"] for x in "abc"]
    people = write_csv(tmp_path / "people.csv", abc, PEOPLE)
    first = CliRunner(env=env).invoke(cli, ["schedule", str(roster), "--attendees", str(people)])
    assert first.exit_code == 0, first.output
    meeting_id = int(results(tmp_path / "roster.scheduled.csv")[0]["zoom_meeting_id"])
    _add_by_hand(sandbox, meeting_id, 4996)  # 4,999 in all: the meeting is full
    write_csv(people, [*abc[1:], ["ONE", "d@example.com", "d", "Kim"]], PEOPLE)  # a -> d
    synced = CliRunner(env=env).invoke(
        cli, ["sync", str(roster), "--attendees", str(people), "--yes"]
    )
    assert synced.exit_code == 0, synced.output
    written = {row["email"]: row for row in results(tmp_path / "people.registered.csv")}
    assert written["d@example.com"]["zoom_status"] == "registered"
    assert written["d@example.com"]["zoom_join_url"]
    with quick_client(zoom_settings(sandbox)) as client:
        listed = {r.email for r in client.list_registrants(meeting_id)}
    assert "d@example.com" in listed and "a@example.com" not in listed
    assert len(listed) == 4999
