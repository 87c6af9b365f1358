"""Under --quiet an invalid roster prints no table on stdout: one line on stderr says it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from batchzoom.cli import cli

ROSTER = (
    "id,topic,start,duration,timezone,host\n"
    "A,Algebra,2031-05-01 09:00,abc,Asia/Seoul,kim@school.example\n"
    "B,Biology,2031-05-01 10:00,60,Asia/Seoul,kim@school.example\n"
    "C,Chemistry,2031-05-01 11:00,60,Nowhere/City,kim@school.example\n"
)


@pytest.mark.parametrize("command", ["schedule", "sync"])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_quiet_invalid_rows_say_one_line_on_stderr(tmp_path: Path, command: str, lang: str) -> None:
    roster = tmp_path / "spring.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    extra = ["--yes"] if command == "sync" else []
    args = [command, str(roster), "--sandbox", "--quiet", *extra, "--lang", lang]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert "2, 4" in lines[0] and "batchzoom validate" in lines[0] and str(roster) in lines[0]
    assert ("nothing was sent" in lines[0]) == (lang == "en")


def test_without_quiet_the_table_is_still_shown(tmp_path: Path) -> None:
    roster = tmp_path / "spring.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    result = CliRunner().invoke(cli, ["schedule", str(roster), "--sandbox"])
    assert result.exit_code == 3
    assert "duration-format" in result.stdout
    assert "Nothing was sent to Zoom" in result.stderr
