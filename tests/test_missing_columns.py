"""A roster without a host or time-zone column: the defaults every row gets are said, not silent."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from batchzoom.cli import cli
from batchzoom.model.missing_columns import missing_column_warnings

TEACHERS = ["kim@school.example", "lee@school.example", "park@school.example"]


def validate(path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["validate", str(path), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def korean_roster(path: Path) -> Path:
    """The administrator's sheet: its host column is headed 담당교사, which no alias names."""
    lines = ["주제,일시,진행 시간,시간대,담당교사,강의실"]
    lines += [
        f"국어 {n},2031-05-0{n} 09:00,50,Asia/Seoul,{TEACHERS[n % 3]},A10{n}" for n in range(1, 6)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_unrecognised_host_header_is_a_warning_naming_the_default_and_the_column(
    tmp_path: Path,
) -> None:
    code, out, _ = validate(korean_roster(tmp_path / "term.csv"), "--host", "office@school.example")
    assert code == 0
    assert "host-column-missing" in out
    assert "every row will be scheduled for office@school.example" in out
    assert '"담당교사"' in out and 'host = ["담당교사"]' in out and "[aliases]" in out
    assert '"강의실"' not in out.split("host-column-missing")[1].splitlines()[0]


def test_strict_makes_a_missing_host_column_an_error(tmp_path: Path) -> None:
    code, out, _ = validate(korean_roster(tmp_path / "term.csv"), "--strict", "--json")
    assert code == 3
    problems = json.loads(out)["problems"]
    assert [p["code"] for p in problems] == ["host-column-missing"]
    assert "the account owner (me)" in problems[0]["message"]


def test_a_configured_alias_for_the_column_silences_the_warning(tmp_path: Path) -> None:
    roster = korean_roster(tmp_path / "term.csv")
    (tmp_path / "batchzoom.toml").write_text('[aliases]\nhost = ["담당교사"]\n', encoding="utf-8")
    code, out, _ = validate(roster)
    assert code == 0 and "host-column-missing" not in out


def test_a_missing_time_zone_column_with_a_default_zone_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "Topic,Start,Duration,Host,Zone name\nMaths,2031-05-03 09:00,50,kim@school.example,"
        "Asia/Seoul\nArt,2031-05-04 09:00,50,kim@school.example,Asia/Seoul\n",
        encoding="utf-8",
    )
    code, out, _ = validate(path, "--timezone", "Europe/London")
    assert code == 0
    assert "timezone-column-missing" in out and "read in Europe/London" in out
    assert '"Zone name"' in out  # its cells are zone names
    assert validate(path, "--timezone", "Europe/London", "--strict")[0] == 3


def test_no_warning_when_both_columns_are_there() -> None:
    assert (
        missing_column_warnings(["host", "timezone"], [], default_host="me", default_zone="UTC")
        == []
    )


def test_no_time_zone_warning_without_a_default_zone() -> None:
    """Every row then has its own timezone-missing problem already."""
    found = missing_column_warnings(["host"], [], default_host="me", default_zone=None)
    assert found == []


@given(
    st.lists(
        st.tuples(st.text(max_size=12), st.lists(st.text(max_size=20), max_size=5)), max_size=5
    )
)
def test_any_ignored_columns_give_one_sentence_per_missing_column(
    ignored: list[tuple[str, list[str]]],
) -> None:
    found = missing_column_warnings([], ignored, default_host="me", default_zone="Asia/Seoul")
    assert [p.code for p in found] == ["host-column-missing", "timezone-column-missing"]
    assert all(p.row is None and p.message.endswith(".") for p in found)


def test_the_warning_speaks_korean_with_lang_ko(tmp_path: Path) -> None:
    code, out, _ = validate(korean_roster(tmp_path / "term.csv"), "--lang", "ko")
    assert code == 0
    assert "명단에 호스트 열이 없어 모든 행이 계정 소유자(me)의 회의로 예약됩니다." in out
    assert 'host = ["담당교사"]' in out


def test_schedule_says_a_whole_roster_warning_without_a_row_number(tmp_path: Path) -> None:
    """The warning is about the roster, not a row: no ``row None`` before it, in either language."""
    roster = korean_roster(tmp_path / "term.csv")
    for lang, start in (("en", "Warning: The roster has no host column"), ("ko", "경고: 명단에")):
        result = CliRunner().invoke(
            cli, ["schedule", str(roster), "--dry-run", "--host", "office@school.example",
                  "--lang", lang],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        warnings = [
            line for line in result.stderr.splitlines() if "host" in line or "호스트" in line
        ]
        assert warnings and all(line.startswith(start) for line in warnings), result.stderr
        assert "None" not in result.stderr
