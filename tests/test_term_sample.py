"""The bundled term timetable end to end against the sandbox: series, pools, co-teachers."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from batchzoom.cli import cli

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "term"


def test_term_sample_schedules_weekly_classes_with_pool_hosts(tmp_path: Path) -> None:
    for name in ("term.xlsx", "batchzoom.toml"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    result = CliRunner().invoke(cli, ["schedule", str(tmp_path / "term.xlsx"), "--sandbox"])
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
    # The New York class starts at 18:00 EST (23:00Z); after 2027-03-14 it is 22:00Z (EDT).
    assert by_id["MATH1-01"]["zoom_start_time"] == "2027-03-02T23:00:00Z"
