"""Which stream a line goes to: summaries and "written to" lines on stdout, notes on stderr."""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from batchzoom.cli import cli
from batchzoom.cli import sync as sync_command
from batchzoom.sandbox import Sandbox
from tests.conftest import sandbox_env
from tests.rosters import session_rows, write_csv
from tests.test_cli_schedule import NO_CREDENTIALS


def test_validate_of_a_folder_names_the_folder_it_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {tmp_path.resolve()} is a folder, not a roster; "
        "name the roster file in it (.xlsx or .csv)."
    )
    assert result.stdout == ""


SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "timetable.xlsx"


def _invoke(args: list[str], folder: Path, input: str | None = None) -> Result:
    with contextlib.chdir(folder):  # no stray .env from the developer's folder
        return CliRunner().invoke(cli, args, input=input, env=NO_CREDENTIALS)


def _scheduled(tmp_path: Path) -> Path:
    roster = tmp_path / "timetable.xlsx"
    shutil.copy(SAMPLE, roster)
    assert _invoke(["schedule", str(roster), "--sandbox"], tmp_path).exit_code == 0
    return roster


def test_summaries_and_written_lines_go_to_stdout_notes_to_stderr(tmp_path: Path) -> None:
    roster = tmp_path / "timetable.xlsx"
    shutil.copy(SAMPLE, roster)
    (tmp_path / "~$timetable.xlsx").write_bytes(b"")  # Excel has the roster open
    result = _invoke(
        [
            "schedule",
            "timetable.xlsx",
            "--sandbox",
            "--in-place",
            "--report",
            "r.html",
            "--ics",
            "t.ics",
        ],
        tmp_path,
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "24 rows: 24 created. Results written to timetable.scheduled.xlsx.",
        "Report written to r.html.",
        "Wrote 24 events to t.ics.",
    ]
    notes = result.stderr.splitlines()
    assert notes[0].startswith("Using a local Zoom sandbox at http://127.0.0.1:")
    assert notes[-1] == (
        "Note: timetable.xlsx is open in Excel, so it was not overwritten; the results were "
        "written to timetable.scheduled.xlsx instead."
    )


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "timetable.xlsx", "--json"],
        [
            "schedule",
            "timetable.xlsx",
            "--sandbox",
            "--json",
            "--report",
            "r.html",
            "--ics",
            "t.ics",
        ],
        ["schedule", "timetable.xlsx", "--sandbox", "--json", "--dry-run"],
        ["sync", "timetable.xlsx", "--sandbox", "--json", "--yes", "--ics", "t.ics"],
        ["status", "timetable.xlsx", "--json"],
        ["reconcile", "timetable.xlsx", "--sandbox", "--json"],
    ],
    ids=lambda command: " ".join(command[:1] + command[2:]),
)
def test_json_output_is_one_document_on_stdout(tmp_path: Path, command: list[str]) -> None:
    _scheduled(tmp_path)
    result = _invoke(command, tmp_path)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)  # nothing else on stdout
    assert isinstance(document, dict) and document.get("exit_code", 0) == 0
    told = document["meetings"] if "meetings" in document else document["rows"]
    assert (told if isinstance(told, int) else len(told)) == 24  # the sample's rows, each told


def test_the_sync_prompt_says_its_default_and_the_default_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_command, "can_ask", lambda: True)  # as at a terminal
    rows = session_rows(2)
    roster = write_csv(tmp_path / "r.csv", rows)
    assert _invoke(["schedule", str(roster), "--sandbox"], tmp_path).exit_code == 0
    write_csv(roster, [rows[0], [rows[1][0], "Renamed", *rows[1][2:]]])
    declined = _invoke(["sync", str(roster), "--sandbox"], tmp_path, input="\n")
    assert "Apply 1 create or update? [y/N]: \n" in declined.stdout
    assert declined.exit_code == 0, declined.output
    again = _invoke(["sync", str(roster), "--sandbox", "--dry-run"], tmp_path)
    assert "1 to create or update" in again.stdout  # still to do: nothing was sent


def test_a_syncs_report_gives_the_exit_status_the_command_gives(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """A removed row whose meeting Zoom would not delete makes sync exit 4: so says its report."""
    env = sandbox_env(sandbox)
    rows = session_rows(2)
    roster = write_csv(tmp_path / "r.csv", rows)
    with contextlib.chdir(tmp_path):
        assert CliRunner().invoke(cli, ["schedule", str(roster)], env=env).exit_code == 0
        write_csv(roster, rows[:1])
        sandbox.faults.fail_next("meetingDelete", status=503, count=10)
        page = tmp_path / "report.html"
        args = ["sync", str(roster), "--yes", "--delete-missing", "--report", str(page)]
        result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 4, result.output
    assert "some rows failed or were deferred" in page.read_text(encoding="utf-8")
