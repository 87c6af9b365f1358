"""The bundled term timetable end to end against the sandbox: series, pools, co-teachers."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from batchzoom.cli import cli

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "term"


def copy_sample(folder: Path) -> Path:
    for name in ("term.xlsx", "batchzoom.toml"):
        shutil.copy(SAMPLES / name, folder / name)
    return folder / "term.xlsx"


def invoke(args: list[str], today: str, cwd: Path) -> Result:
    with contextlib.chdir(cwd):  # no stray .env or batchzoom.toml from the developer's folder
        return CliRunner().invoke(cli, args, env={"BATCHZOOM_NOW": today})


def test_term_sample_schedules_weekly_classes_with_pool_hosts(tmp_path: Path) -> None:
    roster = copy_sample(tmp_path)
    result = invoke(["schedule", str(roster), "--sandbox"], "2026-09-01T09:00:00Z", tmp_path)
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(tmp_path / "term.scheduled.xlsx").active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    pool = {"kim.minji@school.example", "lee.junho@school.example", "park.soyeon@school.example"}
    assert {row["zoom_status"] for row in by_id.values()} == {"created"}
    assert by_id["MATH1-01"]["zoom_host"] in pool and by_id["MATH1-01"]["Host"] == "pool:teachers"
    assert by_id["KOR3-01"]["zoom_host"] == "kim.minji@school.example"
    # The New York class starts at 18:00 EST (23:00Z); after 2036-03-09 it is 22:00Z (EDT).
    assert by_id["MATH1-01"]["zoom_start_time"] == "2036-03-04T23:00:00Z"


@pytest.mark.parametrize("today", ["2026-12-02T09:00:00Z", "2035-12-31T09:00:00Z"])
def test_the_readme_term_commands_work_in_any_year_to_2035(tmp_path: Path, today: str) -> None:
    """The README's two term commands on a fresh copy of the sample, with the clock at ``today``:
    every start is still ahead, and the New York and London classes straddle their zones'
    2036 clock changes (2036-03-09 and 2036-03-30), keeping their local times."""
    roster = copy_sample(tmp_path)
    shown = invoke(["validate", str(roster), "--show-occurrences"], today, tmp_path)
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith("5 rows checked: 5 valid, 0 invalid.\n")
    for line in (
        "   2  2036-03-06 Thu 18:00 EST  2036-03-06 23:00Z\n",
        "   3  2036-03-11 Tue 18:00 EDT  2036-03-11 22:00Z\n",
        "   4  2036-03-26 Wed 09:00 GMT  2036-03-26 09:00Z\n",
        "   5  2036-04-02 Wed 09:00 BST  2036-04-02 08:00Z\n",
    ):
        assert line in shown.output
    ics = tmp_path / "term.ics"
    scheduled = invoke(["schedule", str(roster), "--sandbox", "--ics", str(ics)], today, tmp_path)
    assert scheduled.exit_code == 0, scheduled.output
    assert f"5 rows: 5 created. Results written to {tmp_path / 'term.scheduled.xlsx'}." in (
        scheduled.output
    )
    assert "DTSTART;TZID=America/New_York:20360304T180000" in ics.read_text("utf-8").splitlines()
