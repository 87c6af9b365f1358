"""With ``--lang ko`` every validation message a person reads is Korean, names the columns as
the roster's own header does, and says which part of a refused date is wrong, in the layout
the user wrote it in."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from batchzoom.cli import cli
from batchzoom.core.i18n import use_language
from batchzoom.model import times
from batchzoom.model.date_words import MONTH_NAMES
from batchzoom.model.problems import CellError
from tests.test_i18n import english_sentences

HEADER = "아이디,주제,날짜,시간,진행 시간(분),시간대"


def _validate(tmp_path: Path, rows: list[str], header: str = HEADER, *args: str) -> list[str]:
    """The problem lines of ``batchzoom validate --lang ko`` on a roster of ``rows``."""
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(roster), "--lang", "ko", *args])
    assert result.exit_code == 3, result.output
    assert english_sentences(result.output) == [], result.output
    return result.stdout.splitlines()[1:-1]


def _line(lines: list[str], code: str) -> str:
    found = [line for line in lines if f" {code} " in line]
    assert len(found) == 1, lines
    return found[0]


@pytest.mark.parametrize(
    ("row", "code", "column", "words"),
    [
        ("1,국어,2036-13-05,09:00,60,Asia/Seoul", "date-format", "날짜", "13월은 없습니다"),
        (
            "1,국어,2036-05-32,09:00,60,Asia/Seoul",
            "date-format",
            "날짜",
            "2036년 5월은 31일까지 있어 32일은 없습니다",
        ),
        (
            "1,국어,31/04/2036,09:00,60,Asia/Seoul",
            "date-format",
            "날짜",
            "2036년 4월은 30일까지 있어 31일은 없습니다",
        ),
        ("1,국어,13/14/2036,09:00,60,Asia/Seoul", "date-format", "날짜", "13도 14도 월"),
        (
            "1,국어,05/06/2036,09:00,60,Asia/Seoul",
            "date-ambiguous",
            "날짜",
            "2036년 5월 6일일 수도 2036년 6월 5일일 수도",
        ),
        (
            "1,국어,2036-05-06(월),09:00,60,Asia/Seoul",
            "date-weekday",
            "날짜",
            "2036-05-06은(는) 화요일입니다",
        ),
        ("1,국어,2036-05-06,25:00,60,Asia/Seoul", "time-format", "시간", "시각이 아닙니다"),
        ("1,국어,2036-05-06,,60,Asia/Seoul", "time-missing", "시간", "시간이 비어 있습니다"),
        ("1,국어,,09:00,60,Asia/Seoul", "date-missing", "날짜", "날짜가 비어 있습니다"),
        ("1,국어,2036-05-06,09:00,60,", "timezone-missing", "시간대", "시간대가 없습니다"),
        ("1,국어,2020-05-06,09:00,60,Asia/Seoul", "start-in-past", "날짜", "이미 지났습니다"),
        ("1,,2036-05-06,09:00,60,Asia/Seoul", "topic-missing", "주제", "주제가 비어 있습니다"),
        ("1,국어,2036-05-06,09:00,,Asia/Seoul", "duration-missing", "진행 시간(분)", "비어"),
    ],
)
def test_a_bad_date_or_time_cell_is_explained_in_korean(
    tmp_path: Path, row: str, code: str, column: str, words: str
) -> None:
    line = _line(_validate(tmp_path, [row]), code)
    assert line.split(code)[0].split(None, 1)[1].strip().startswith(f"{column} (열 ")
    assert words in line
    if code == "date-format":
        assert "YYYY-MM-DD" not in line  # the date is written in a layout already


def test_a_repeated_id_and_session_are_korean(tmp_path: Path) -> None:
    row = "1,국어,2036-05-06,09:00,60,Asia/Seoul"
    lines = _validate(tmp_path, [row, row])
    assert "2행에서도 쓰입니다" in _line(lines, "id-duplicate")
    assert "2행과 같습니다" in _line(lines, "duplicate-session")


_LAYOUTS = {  # how a person writes year, month, day; the --date-order it needs
    "{y}-{m:02d}-{d:02d}": None,
    "{y}/{m}/{d}": None,
    "{y}. {m}. {d}.": None,
    "{y}년 {m}월 {d}일": None,
    "{d:02d}/{m:02d}/{y}": "DMY",
    "{m}/{d}/{y}": "MDY",
}


@st.composite
def _impossible_dates(draw: st.DrawFn) -> tuple[str, str | None, int, int, int]:
    layout = draw(st.sampled_from(sorted(_LAYOUTS)))
    year = draw(st.integers(1900, 2999))
    if draw(st.booleans()):
        month = draw(st.integers(13, 99) | st.just(0))
        day = draw(st.integers(1, 28))
    else:
        month = draw(st.integers(1, 12))
        day = draw(st.integers(calendar.monthrange(year, month)[1] + 1, 99) | st.just(0))
    return layout.format(y=year, m=month, d=day), _LAYOUTS[layout], year, month, day


@given(_impossible_dates())
def test_an_impossible_date_says_which_part_is_wrong(
    case: tuple[str, str | None, int, int, int],
) -> None:
    text, order, year, month, day = case
    messages = {}
    for lang in ("en", "ko"):
        with use_language(lang), pytest.raises(CellError) as refused:
            times.to_date(text, date_order=order)  # type: ignore[arg-type]
        messages[lang] = refused.value.message
        assert refused.value.code == "date-format"
        assert f'"{text}"' in messages[lang]
        assert "YYYY-MM-DD" not in messages[lang]
    if 1 <= month <= 12:
        days = calendar.monthrange(year, month)[1]
        assert (
            f"{MONTH_NAMES[month - 1]} {year} has {days} days, so there is no day {day}"
            in (messages["en"])
        )
        assert f"{year}년 {month}월은 {days}일까지 있어 {day}일은 없습니다" in messages["ko"]
    else:
        assert f"there is no month {month} (months are 1-12)" in messages["en"]
        assert f"{month}월은 없습니다" in messages["ko"]
    assert english_sentences(messages["ko"]) == []


REPEATS = "아이디,주제,날짜,시간,진행 시간(분),시간대,반복,반복 간격,요일,반복 횟수,종료일"


@pytest.mark.parametrize(
    ("cells", "code", "column", "words"),
    [
        (
            "매주,,,x,",
            "end_times-format",
            "반복 횟수",
            "'반복 횟수' 열의 \"x\"은(는) 횟수가 아닙니다",
        ),
        ("매주,,,100,", "end_times-range", "반복 횟수", "'반복 횟수' 열의 100은(는)"),
        ("매주,,,,", "end-missing", "반복 횟수", "'반복 횟수'(1-60) 또는 '종료일' 열을 채우세요"),
        ("매주,,,5,2036-06-01", "end-conflict", "종료일", "'반복 횟수'과(와) '종료일' 중 하나만"),
        ("매주,99,,5,", "repeat_interval-range", "반복 간격", "'반복 간격' 열의 99은(는)"),
        ("매주,x,,5,", "repeat_interval-format", "반복 간격", "정수가 아닙니다"),
        ("매주,,목금토x,5,", "weekly_days-format", "요일", "요일이 아닙니다"),
        ("매일,,월,5,", "weekly_days-unused", "요일", "'요일' 열은 '반복'이(가) 매주일 때만"),
        (",,,5,", "repeat-missing", "반복", "'반복 횟수' 열은 채워져 있지만 '반복' 열이 비어"),
        ("가끔,,,5,", "repeat-unknown", "반복", "'반복' 열의 \"가끔\"을(를) 알 수 없습니다"),
        ("매주,,,,2036-05-01", "end_date-before-start", "종료일", "'종료일' 2036-05-01이(가)"),
        ("매일,,,,2036-12-31", "end_date-too-many", "종료일", "한도인 60회를 넘습니다"),
        ("매주,,,,2036-13-01", "end_date-format", "종료일", "13월은 없습니다"),
    ],
)
def test_a_bad_repeat_cell_names_the_users_column_in_korean(
    tmp_path: Path, cells: str, code: str, column: str, words: str
) -> None:
    row = "1,국어,2036-05-06,09:00,60,Asia/Seoul," + cells
    line = _line(_validate(tmp_path, [row], REPEATS), code)
    assert line.split(code)[0].split(None, 1)[1].strip().startswith(f"{column} (열 ")
    assert words in line
    message = line.split(code, 1)[1]
    for field in ("end_times", "end_date", "repeat_interval", "weekly_days", "repeat"):
        assert field not in message


def test_english_repeat_messages_name_the_users_column_too(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        REPEATS + "\n1,국어,2036-05-06,09:00,60,Asia/Seoul,매주,,,100,\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["validate", str(roster), "--lang", "en"])
    assert "반복 횟수 100 is outside 1-60, the number of occurrences Zoom allows." in result.stdout


@pytest.mark.parametrize(
    ("zone", "words"),
    [
        ("KST", "약어이지 시간대 이름이 아닙니다. 대신 시간대 이름 Asia/Seoul"),
        ("EST", "약어이지 시간대 이름이 아닙니다. 그 지역 시간대의 IANA 이름(예: America/New_York"),
        ("GMT+9", "UTC 오프셋(+09:00)이지 시간대가 아닙니다"),
        ("UTC+5:45", "UTC 오프셋(+05:45)이지 시간대가 아닙니다. 대신 시간대 이름 Asia/Kathmandu"),
        ("미국 동부", "IANA 시간대가 아닙니다"),
        ("posix/Asia/Seoul", "zoneinfo 폴더에 있는 시간대의 사본"),
        ("localtime", "zoneinfo 파일(이 컴퓨터의 시간대)"),
    ],
)
def test_a_zone_that_is_no_zone_name_is_explained_in_korean(
    tmp_path: Path, zone: str, words: str
) -> None:
    line = _line(_validate(tmp_path, [f"1,국어,2036-05-06,09:00,60,{zone}"]), "timezone-unknown")
    assert line.split()[1] == "시간대"
    assert words in line


def test_an_unknown_zone_does_not_hide_the_rows_date_and_time_problems(tmp_path: Path) -> None:
    lines = _validate(tmp_path, ["1,국어,2036-13-05,25:00,60,KST"])
    codes = [re.split(r"\s{2,}", line)[2] for line in lines if line.startswith("2 ")]
    assert codes == ["date-format", "time-format", "timezone-unknown"]


def _refused(tmp_path: Path, roster: Path) -> str:
    result = CliRunner().invoke(cli, ["validate", str(roster), "--lang", "ko"])
    assert result.exit_code == 1, result.output
    assert english_sentences(result.stderr) == [], result.stderr
    return result.stderr


def test_missing_columns_are_named_in_korean(tmp_path: Path) -> None:
    roster = tmp_path / "cols.csv"
    roster.write_text("아이디,제목2,시작\n1,a,2036-05-06 09:00\n", encoding="utf-8")
    error = _refused(tmp_path, roster)
    assert "cols.csv에 주제, 진행 시간 열이 없습니다" in error
    assert '"제목2" 열이 주제(주제/제목/과목)에 가장 가깝습니다' in error
    assert "진행 시간 열(진행 시간/진행 시간(분)/기간)을 추가하세요" in error
    assert "duration" not in error and "topic" not in error
    roster.write_text("아이디\n1\n", encoding="utf-8")
    assert "주제, 시작, 진행 시간 열(또는 날짜 열과 시간 열)이 없습니다" in _refused(
        tmp_path, roster
    )


def test_a_missing_or_empty_file_is_korean(tmp_path: Path) -> None:
    assert "이(가) 없습니다. 파일 이름과 폴더를 확인하세요" in _refused(
        tmp_path, tmp_path / "x.csv"
    )
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "empty.csv이(가) 비어 있습니다" in _refused(tmp_path, empty)


@dataclass
class _Sheet:
    """An attendee sheet: field -> header, and each field's cells by row."""

    columns: dict[str, str]
    cells: dict[str, list[object]]

    @property
    def rows(self) -> list[int]:
        return list(range(2, 2 + len(next(iter(self.cells.values())))))

    def values(self, name: str) -> list[object] | None:
        return self.cells.get(name)


def test_the_attendee_sheets_problems_are_korean() -> None:
    from batchzoom.model.attendees import validate_attendees
    from batchzoom.model.rows import Validation

    nothing = Validation(sessions=[], problems=[], invalid_rows=set(), rows=[])
    headers = {"id": "수업 아이디", "email": "이메일", "first_name": "이름"}
    sheet = _Sheet(
        headers, {"id": ["B", "A"], "email": ["kim@x.example", "kim"], "first_name": ["", "민지"]}
    )
    without_email = _Sheet({"id": "수업 아이디"}, {"id": ["A"]})
    with use_language("ko"):
        problems = validate_attendees(sheet, "참석자", nothing, ["A"]).problems
        missing = validate_attendees(without_email, "참석자", nothing, ["A"]).problems
    assert [(p.row, p.column, p.code) for p in problems] == [
        (2, "수업 아이디", "attendee-session-unknown"),
        (2, "이름", "attendee-name-missing"),
        (3, "이메일", "attendee-email-format"),
    ]
    assert '명단에 아이디가 "B"인 행이 없습니다' in problems[0].message
    assert [p.message for p in missing] == ["참석자 시트에 이메일 열이 없습니다. 추가하세요."]
    for problem in (*problems, *missing):
        assert english_sentences(problem.message) == []


def test_library_errors_are_korean(tmp_path: Path) -> None:
    from batchzoom.core.errors import ConfigError, LockedError, ZoomRequestError
    from batchzoom.engine.lock import RunLock
    from batchzoom.zoom.settings import load_settings

    with use_language("ko"):
        with pytest.raises(ConfigError) as missing:
            load_settings({}, cwd=tmp_path, roster_dir=tmp_path)
        refused = str(ZoomRequestError(400, 300, "Invalid field."))
        with (
            RunLock(tmp_path / "lock"),
            pytest.raises(LockedError) as locked,
            RunLock(tmp_path / "lock"),
        ):
            pass
    assert "Zoom 인증 정보가 없습니다" in str(missing.value)
    assert refused == "Zoom이 요청을 거절했습니다(코드 300): Invalid field."
    assert "다른 batchzoom 실행이 이미 이 명단을(를) 처리하고 있습니다" in str(locked.value)
    for message in (str(missing.value), str(locked.value)):
        assert english_sentences(message) == []


def test_optional_column_and_setting_problems_are_korean(tmp_path: Path) -> None:
    header = HEADER + ",상태,종류,대체 호스트,settings.waiting_room,settings.wating_room"
    lines = _validate(
        tmp_path, ["1,국어,2036-05-06,09:00,60,Asia/Seoul,모름,세미나,kim,가끔,1"], header
    )
    assert '상태 "모름"을(를) 알 수 없습니다' in _line(lines, "status-unknown")
    assert '종류 "세미나"을(를) 알 수 없습니다' in _line(lines, "kind-value")
    assert '"kim"은(는) 이메일 주소가 아닙니다' in _line(lines, "alternative-hosts-format")
    assert "예/아니오가 아닙니다" in _line(lines, "settings-value")
    assert "settings.waiting_room을(를) 뜻했나요?" in _line(lines, "settings-unknown")


def test_a_removed_control_character_is_reported_in_korean(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(HEADER + "\n1,국어\x07,2036-05-06,25:00,60,Asia/Seoul\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(roster), "--lang", "ko"])
    assert "보이지 않는 제어 문자 U+0007을(를) 지웠습니다" in result.stdout
    assert english_sentences(result.stdout) == []


def test_a_missing_configuration_file_is_korean(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(HEADER + "\n1,국어,2036-05-06,09:00,60,Asia/Seoul\n", encoding="utf-8")
    nope = tmp_path / "nope.toml"
    result = CliRunner().invoke(
        cli, ["validate", str(roster), "--config", str(nope), "--lang", "ko"]
    )
    assert (
        "설정 파일" in result.stderr
        and "이(가) 없습니다. --config 경로를 확인하세요" in result.stderr
    )
    assert english_sentences(result.stderr) == []
