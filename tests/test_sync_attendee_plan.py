"""``sync`` shows what it would do to registrations and asks before doing it: people to
register, and registrants batchzoom added who left the sheet, whose registrations it would
cancel (Zoom may email them). A dry run lists them; nothing changes without a yes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from batchzoom.cli import cli
from batchzoom.cli import sync as sync_command
from batchzoom.sandbox import Sandbox
from tests.conftest import sandbox_env
from tests.rosters import write_csv
from tests.test_registrations_http import files, registered, results

PEOPLE = ("id", "email", "first_name", "last_name")


def _changed_sheet(
    tmp_path: Path, sandbox: Sandbox
) -> tuple[list[str], int, dict[str, str | None]]:
    roster, people = files(tmp_path, one=2, series=0)
    env = sandbox_env(sandbox)
    first = CliRunner().invoke(cli, ["schedule", str(roster), "--attendees", str(people)], env=env)
    assert first.exit_code == 0, first.output
    meeting = int(results(tmp_path / "roster.scheduled.csv")[0]["zoom_meeting_id"])
    # one0 and "both" leave the sheet; new@ joins it.
    rows = [["ONE", "one1@example.com", "One1", "Kim"], ["ONE", "new@example.com", "New", "Choi"]]
    write_csv(people, rows, PEOPLE)
    return ["sync", str(roster), "--attendees", str(people)], meeting, env


def _sync(args: list[str], env: dict[str, str | None], input: str | None = None) -> Result:
    return CliRunner().invoke(cli, args, env=env, input=input)


BEFORE = ["both@example.com", "one0@example.com", "one1@example.com"]


def test_a_dry_run_lists_the_registrations_it_would_cancel(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    args, meeting, env = _changed_sheet(tmp_path, sandbox)
    shown = _sync([*args, "--dry-run"], env)
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    at = lines.index("Registrations to cancel:")
    assert [line.split() for line in lines[at + 2 : at + 5]] == [
        ["ONE", "both@example.com"],
        ["ONE", "one0@example.com"],
        ["SERIES", "both@example.com"],
    ]
    assert "Attendees: 1 to register, 3 to cancel." in lines
    assert registered(sandbox, meeting) == BEFORE


def test_without_a_yes_no_registration_is_cancelled(tmp_path: Path, sandbox: Sandbox) -> None:
    args, meeting, env = _changed_sheet(tmp_path, sandbox)
    refused = _sync(args, env)  # cron without --yes: nobody to ask
    assert refused.exit_code != 0
    assert "Nothing was changed" in refused.stderr
    assert registered(sandbox, meeting) == BEFORE


def test_each_half_of_the_attendee_plan_has_its_own_yes(
    tmp_path: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_command, "can_ask", lambda: True)  # as at a terminal
    args, meeting, env = _changed_sheet(tmp_path, sandbox)
    answered = _sync(args, env, input="y\nn\n")  # register the new person; cancel no one
    assert answered.exit_code == 0, answered.output
    assert "Register 1 attendee? [y/N]: y\n" in answered.stdout
    assert "Cancel 3 registrations on Zoom? Zoom may email those people [y/N]: n\n" in (
        answered.stdout
    )
    assert registered(sandbox, meeting) == sorted([*BEFORE, "new@example.com"])
    again = _sync(args, env, input="y\n")  # now nothing to register; cancel them
    assert again.exit_code == 0, again.output
    assert "Register" not in again.stdout
    assert registered(sandbox, meeting) == ["new@example.com", "one1@example.com"]
