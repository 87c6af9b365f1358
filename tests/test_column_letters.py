"""Each problem names its column as the user's sheet shows it: the header they wrote, and the
column's letter as Excel labels it (``column F`` / ``열 F``)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from batchzoom.cli import cli
from batchzoom.files.ooxml import column_number
from batchzoom.model.problems import Problem, column_letters, lettered
from tests.rosters import write_csv


@given(st.integers(1, 16384))  # Excel's columns: A to XFD
def test_letters_are_excels_and_read_back(column: int) -> None:
    letters = column_letters(column)
    assert letters.isalpha() and letters.isupper() and len(letters) <= 3
    assert column_number(letters) == column


def test_first_letters() -> None:
    assert [column_letters(n) for n in (1, 26, 27, 52, 703, 16384)] == [
        "A", "Z", "AA", "AZ", "AAA", "XFD",
    ]  # fmt: skip


def test_a_problem_gets_the_letter_of_its_header_and_a_missing_column_none() -> None:
    problems = [
        Problem(3, "수업 시간", "duration-format", "..."),
        Problem(None, "topic", "column-missing", "..."),
    ]
    found = lettered(problems, ["반", "날짜", "수업 시간"])
    assert [(p.letter, p.where()) for p in found] == [
        ("C", "수업 시간 (column C)"),
        (None, "topic"),
    ]


def test_the_table_and_the_json_name_the_letter_in_each_language(tmp_path: Path) -> None:
    roster = write_csv(
        tmp_path / "r.csv",
        [["S1", "Math", "2027-05-03 09:00", "50", "Asia/Seoul", "soon"]],
        ("ID", "Topic", "Start", "Duration", "Time zone", "Host"),
    )
    english = CliRunner().invoke(cli, ["validate", str(roster)])
    assert "2    Host (column F)  host-format" in english.stdout
    korean = CliRunner().invoke(cli, ["validate", str(roster), "--lang", "ko"])
    assert "2   Host (열 F)  host-format" in korean.stdout
    document = json.loads(CliRunner().invoke(cli, ["validate", str(roster), "--json"]).stdout)
    assert [(p["column"], p["column_letter"]) for p in document["problems"]] == [("Host", "F")]
