"""Files that never betray the user: live meetings stay in the sheet, links are followed where
they should be and refused where they should not.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook

from batchzoom.cli import cli
from batchzoom.sandbox import Sandbox
from tests.conftest import sandbox_env
from tests.rosters import HEADERS, session_rows, write_csv


def env_for(sb: Sandbox) -> dict[str, str | None]:
    # No waiting for Zoom's listing to catch up.
    return sandbox_env(sb, BATCHZOOM_INSTANT_RETRIES="1")


def invoke(args: list[str], sb: Sandbox, cwd: Path) -> Result:
    with contextlib.chdir(cwd):  # no stray .env from the developer's folder
        return CliRunner().invoke(cli, args, env=env_for(sb), catch_exceptions=False)


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_row_on_zoom_that_becomes_invalid_keeps_its_meeting_cells(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """A typo after the meeting exists: id, link and passcode stay, the problem goes in zoom_error."""
    roster = write_csv(tmp_path / "spring.csv", session_rows(2))
    args = ["schedule", str(roster), "--in-place", "--allow-past"]
    assert invoke(args, sandbox, tmp_path).exit_code == 0
    before = rows_of(roster)
    assert all(row["zoom_meeting_id"] for row in before)

    rows = [list(row.values()) for row in before]
    rows[0][HEADERS.index("Duration")] = "two hours"
    with roster.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(before[0].keys())
        writer.writerows(rows)
    result = invoke([*args, "--skip-invalid"], sandbox, tmp_path)
    after = rows_of(roster)
    assert result.exit_code == 3, result.output
    for column in ("zoom_meeting_id", "zoom_join_url", "zoom_password"):
        assert after[0][column] == before[0][column] != ""
    assert after[0]["zoom_status"] == "invalid"
    assert "Duration" in after[0]["zoom_error"]
    assert after[1]["zoom_status"] == "existing"


def test_in_place_on_a_symlinked_roster_updates_the_file_it_points_to(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "term").mkdir()
    real = write_csv(tmp_path / "shared" / "spring.csv", session_rows(2))
    link = tmp_path / "term" / "spring.csv"
    link.symlink_to(real)
    args = ["schedule", str(link), "--in-place", "--allow-past"]
    first = invoke(args, sandbox, tmp_path)
    assert first.exit_code == 0, first.output
    assert link.is_symlink() and link.resolve() == real
    assert all(row["zoom_status"] == "created" for row in rows_of(real))
    second = invoke(args, sandbox, tmp_path)
    assert second.exit_code == 0, second.output
    assert link.is_symlink()
    assert [row["zoom_status"] for row in rows_of(real)] == ["existing", "existing"]
    assert len(sandbox.meetings()) == 2  # never a second meeting for a row


def test_a_planted_symlink_as_lock_file_is_refused_and_its_target_untouched(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    roster = write_csv(tmp_path / "spring.csv", session_rows(1))
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me\n")
    (tmp_path / "spring.batchzoom.lock").symlink_to(victim)
    result = invoke(["schedule", str(roster), "--dry-run", "--allow-past"], sandbox, tmp_path)
    assert result.exit_code == 1
    assert victim.read_text() == "keep me\n"
    message = result.output.strip().splitlines()[-1]
    assert "spring.batchzoom.lock" in message and "symbolic link" in message


def test_json_summary_has_no_passcodes_unless_asked(tmp_path: Path, sandbox: Sandbox) -> None:
    """Like the .ics file: no passcode and no pwd= in join links, unless --json-include-password."""
    roster = write_csv(tmp_path / "spring.csv", session_rows(2))
    plain = invoke(["schedule", str(roster), "--json", "--allow-past"], sandbox, tmp_path)
    rows = json.loads(plain.stdout)["rows"]
    sheet = rows_of(tmp_path / "spring.scheduled.csv")
    assert all("pwd=" in row["zoom_join_url"] for row in sheet)
    assert all("pwd=" not in row["join_url"] and "password" not in row for row in rows)
    for row in sheet:
        assert row["zoom_password"] not in plain.stdout
    asked = invoke(
        ["schedule", str(roster), "--json", "--json-include-password", "--allow-past"],
        sandbox,
        tmp_path,
    )
    rows = json.loads(asked.stdout)["rows"]
    assert [r["join_url"] for r in rows] == [r["zoom_join_url"] for r in sheet]
    assert [r["password"] for r in rows] == [r["zoom_password"] for r in sheet]


def test_json_include_password_without_json_is_a_usage_error(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    roster = write_csv(tmp_path / "spring.csv", session_rows(1))
    result = invoke(["schedule", str(roster), "--json-include-password"], sandbox, tmp_path)
    assert result.exit_code == 2
    assert "--json-include-password needs --json" in result.output


# --- journals ---------------------------------------------------------------------------------


def test_a_journal_copied_with_another_roster_stops_the_run_before_sending(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """Last term's folder copied for this term: its journal must not hand out old meetings."""
    old = tmp_path / "2027-spring"
    old.mkdir()
    roster = write_csv(old / "term.csv", session_rows(2))
    assert invoke(["schedule", str(roster), "--allow-past"], sandbox, tmp_path).exit_code == 0
    new = tmp_path / "2027-fall"
    shutil.copytree(old, new)
    made = len(sandbox.meetings())
    result = invoke(["schedule", str(new / "term.csv"), "--allow-past"], sandbox, tmp_path)
    assert result.exit_code == 1
    message = result.output.strip().splitlines()[-1]
    assert "term.batchzoom.db" in message and str(old / "term") in message
    assert "--state" in message and message.count(". ") == 0
    assert len(sandbox.meetings()) == made
    assert rows_of(new / "term.scheduled.csv") == rows_of(old / "term.scheduled.csv")


@pytest.mark.parametrize("moved_to", ["2027 1학기/term.csv", "archive/2027-spring/timetable.csv"])
def test_a_moved_or_renamed_roster_keeps_its_journal_with_one_note(
    tmp_path: Path, sandbox: Sandbox, moved_to: str
) -> None:
    """A term folder moved (or the roster renamed) is the same roster: its rows match the journal,
    so the next run adopts it with one note line and creates nothing twice."""
    old = tmp_path / "2027 spring"
    old.mkdir()
    roster = write_csv(old / "term.csv", session_rows(3))
    assert invoke(["schedule", str(roster), "--allow-past"], sandbox, tmp_path).exit_code == 0
    made = len(sandbox.meetings())
    target = tmp_path / moved_to
    target.parent.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(old, target.parent)
    (target.parent / "term.csv").rename(target)
    (target.parent / "term.batchzoom.db").rename(target.with_name(target.stem + ".batchzoom.db"))
    result = invoke(["schedule", str(target), "--allow-past"], sandbox, tmp_path)
    assert result.exit_code == 0, result.output
    assert "3 existing" in result.stdout
    notes = [line for line in result.stderr.splitlines() if "moved to" in line]
    assert len(notes) == 1 and str(old / "term") in notes[0] and target.name in notes[0]
    assert len(sandbox.meetings()) == made
    again = invoke(["schedule", str(target), "--allow-past"], sandbox, tmp_path)
    assert again.exit_code == 0 and "moved to" not in again.output  # adopted once, for good


def test_a_moved_journal_whose_rows_do_not_match_still_stops_the_run(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """A journal carried beside a different roster is not adopted: both rosters are named."""
    old = tmp_path / "2027 1학기"
    old.mkdir()
    roster = write_csv(old / "term.csv", session_rows(2))
    assert invoke(["schedule", str(roster), "--allow-past"], sandbox, tmp_path).exit_code == 0
    new = tmp_path / "2027 2학기"
    new.mkdir()
    (old / "term.batchzoom.db").rename(new / "term.batchzoom.db")
    shutil.rmtree(old)
    write_csv(new / "term.csv", session_rows(2, prefix="F"))
    made = len(sandbox.meetings())
    result = invoke(["schedule", str(new / "term.csv"), "--allow-past"], sandbox, tmp_path)
    assert result.exit_code == 1
    message = result.output.strip().splitlines()[-1]
    assert str(old / "term") in message and "term.csv" in message
    assert len(sandbox.meetings()) == made


def test_a_roster_saved_in_the_other_format_keeps_its_journal(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """spring.csv and spring.xlsx are one roster: the identity leaves out the extension."""
    roster = write_csv(tmp_path / "spring.csv", session_rows(2))
    assert invoke(["schedule", str(roster), "--allow-past"], sandbox, tmp_path).exit_code == 0
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    with roster.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    book.save(tmp_path / "spring.xlsx")
    again = invoke(["schedule", str(tmp_path / "spring.xlsx"), "--allow-past"], sandbox, tmp_path)
    assert again.exit_code == 0, again.output
    assert "2 existing" in again.output


@pytest.mark.parametrize(
    ("column", "value", "named"),
    [
        ("resume_at", "tomorrow", "resume_at 'tomorrow', which is not a time"),
        ("body", '{"topic": "Alg', 'body \'{"topic": "Alg\', which is not JSON'),
    ],
)
@pytest.mark.parametrize("command", ["schedule", "status"])
def test_a_damaged_journal_value_is_named_in_one_sentence(
    tmp_path: Path, sandbox: Sandbox, column: str, value: str, named: str, command: str
) -> None:
    roster = write_csv(tmp_path / "spring.csv", session_rows(2))
    assert invoke(["schedule", str(roster), "--allow-past"], sandbox, tmp_path).exit_code == 0
    with closing(sqlite3.connect(tmp_path / "spring.batchzoom.db")) as db, db:
        db.execute(f"UPDATE entries SET {column} = ? WHERE row_key LIKE '%S0000%'", (value,))
    result = invoke([command, str(roster), "--allow-past"], sandbox, tmp_path)
    assert result.exit_code == 1
    message = result.output.strip().splitlines()[-1]
    assert named in message
    assert "spring.batchzoom.db" in message and "Traceback" not in result.output


# --- full disks and read-only folders ---------------------------------------------------------


def in_namespace(
    script: str, args: list[str], sb: Sandbox, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """Run batchzoom after ``script`` set up mounts only this process sees (root only)."""
    env = {**os.environ, **{k: v for k, v in env_for(sb).items() if v is not None}}
    command = [
        "unshare", "-m", "sh", "-c", f'{script} && exec "$@"', "sh",
        sys.executable, "-m", "batchzoom", *args,
    ]  # fmt: skip
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def can_mount(tmp_path: Path) -> bool:
    probe = tmp_path / "probe"
    probe.mkdir()
    if shutil.which("unshare") is None:
        return False
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=16k tmpfs {probe}"],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def test_a_full_disk_is_named_and_never_called_a_damaged_journal(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    if not can_mount(tmp_path):
        pytest.skip("needs root and unshare to mount a small file system only this test sees")
    roster = write_csv(tmp_path / "spring.csv", session_rows(2))
    full = tmp_path / "full"
    full.mkdir()
    fill = (
        f"mount -t tmpfs -o size=32k tmpfs {full} && (head -c 65536 /dev/zero > {full}/fill; true)"
    )
    result = in_namespace(
        fill,
        ["schedule", str(roster), "--allow-past", "--state", str(full / "j.db")],
        sandbox,
        tmp_path,
    )
    assert result.returncode == 1, result.stderr
    message = result.stderr.strip().splitlines()[-1]
    assert "disk is full" in message and "damaged" not in message
    assert sandbox.meetings() == []


def test_a_read_only_folder_is_refused_before_sending_and_dry_run_and_status_still_work(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    if not can_mount(tmp_path):
        pytest.skip("needs root and unshare to mount a read-only folder only this test sees")
    folder = tmp_path / "rosters"
    folder.mkdir()
    roster = write_csv(folder / "spring.csv", session_rows(2))
    ro = f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder}"
    state = tmp_path / "state.db"  # a writable journal elsewhere: only the sheet has nowhere to go
    sent = in_namespace(
        ro, ["schedule", str(roster), "--allow-past", "--state", str(state)], sandbox, tmp_path
    )
    assert sent.returncode == 1, sent.stderr
    message = sent.stderr.strip().splitlines()[-1]
    assert "read-only" in message and "--output" in message
    assert sandbox.meetings() == []  # refused before anything was sent

    dry = in_namespace(
        ro, ["schedule", str(roster), "--allow-past", "--dry-run"], sandbox, tmp_path
    )
    assert dry.returncode == 0, dry.stderr
    assert "2 planned" in dry.stdout
    assert invoke(["schedule", str(roster), "--allow-past"], sandbox, tmp_path).exit_code == 0
    status = in_namespace(ro, ["status", str(roster)], sandbox, tmp_path)
    assert status.returncode == 0, status.stderr
    assert status.stdout.count("created") >= 2


# --- inputs -----------------------------------------------------------------------------------

HEADER = "ID,Topic,Start,Time zone,Duration,Host\n"


def test_a_cell_over_the_csv_field_limit_is_one_sentence(tmp_path: Path, sandbox: Sandbox) -> None:
    roster = tmp_path / "big.csv"
    roster.write_text(
        HEADER + 'S1,"' + "x" * 200_000 + '",2027-05-03 09:00,Asia/Seoul,50,a@school.example\n',
        encoding="utf-8",
    )
    result = invoke(["validate", str(roster)], sandbox, tmp_path)
    assert result.exit_code == 1
    message = result.output.strip().splitlines()[-1]
    assert message.startswith("Error: Row 2 of big.csv has a cell longer than 131,072 characters")


def test_control_characters_never_reach_zoom_or_the_calendar(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """ESC, BEL and NUL pasted into cells are removed, and each such cell is named."""
    roster = tmp_path / "spring.csv"
    long_note = "n" * 9000  # a NUL in the first 8 KiB means "not a text file"; this one is past it
    roster.write_text(
        "ID,Topic,Start,Time zone,Duration,Host,Notes\n"
        f"S1,Alg\x1b[31mebra\x07,2027-05-03 09:00,Asia/Seoul,50,alice@school.example,{long_note}\n"
        "S2,Geo\x00metry,2027-05-04 09:00,Asia/Seoul,50,alice@school.example,\n",
        encoding="utf-8",
    )
    calendar = tmp_path / "spring.ics"
    result = invoke(
        ["schedule", str(roster), "--allow-past", "--ics", str(calendar), "--json"],
        sandbox,
        tmp_path,
    )
    assert result.exit_code == 0, result.output
    topics = sorted(m["topic"] for m in sandbox.meetings())
    assert topics == ["Alg[31mebra", "Geometry"]  # the control characters, and only they, go
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", calendar.read_text())
    warnings = json.loads(result.stdout)["warnings"]
    assert any("row 2, Topic" in w and "U+001B" in w for w in warnings)
    assert any("row 3, Topic" in w and "U+0000" in w for w in warnings)


@pytest.mark.parametrize(
    ("start", "shown"),
    [("9999-12-31 23:59", "9999-12-31 23:59"), ("0001-01-01 00:00", "0001-01-01 00:00")],
)
def test_dates_at_the_edges_of_the_calendar_are_a_row_problem(
    tmp_path: Path, sandbox: Sandbox, start: str, shown: str
) -> None:
    roster = tmp_path / "edge.csv"
    roster.write_text(HEADER + f"S1,Algebra,{start},Asia/Seoul,50,a@school.example\n")
    result = invoke(["validate", str(roster), "--json"], sandbox, tmp_path)
    assert result.exit_code == 3, result.output
    problems = json.loads(result.stdout)["problems"]
    assert [p["code"] for p in problems] == ["start-range"]
    assert shown in problems[0]["message"]


def test_a_csv_mixing_utf8_and_cp949_reads_each_line_right_and_names_the_rows(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    roster = tmp_path / "mixed.csv"
    lines = [
        HEADER.encode(),
        "S1,수학,2027-05-03 09:00,Asia/Seoul,50,a@school.example\n".encode(),
        "S2,국어,2027-05-04 09:00,Asia/Seoul,50,a@school.example\n".encode("cp949"),
        "S3,영어,2027-05-05 09:00,Asia/Seoul,50,a@school.example\n".encode(),
    ]
    roster.write_bytes(b"".join(lines))
    result = invoke(["validate", str(roster), "--json"], sandbox, tmp_path)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    warned = [w for w in document["warnings"] if w["code"] == "mixed-encoding"]
    assert [w["row"] for w in warned] == [3]
    assert "CP949" in warned[0]["message"]
    dry = invoke(
        ["schedule", str(roster), "--dry-run", "--allow-past", "--json"], sandbox, tmp_path
    )
    topics = [row["topic"] for row in json.loads(dry.stdout)["rows"]]
    assert topics == ["수학", "국어", "영어"]
