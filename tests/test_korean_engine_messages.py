"""With ``--lang ko`` what a run says about its files is Korean: the result sheet diverted
because Excel has the roster open, a journal that moved with its roster or belongs to another,
a damaged journal entry, a wrong ``batchzoom.toml`` key, and the library's refusals; the English
wording stays as it was."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from batchzoom.api.zoom import Zoom, start_of
from batchzoom.cli import cli
from batchzoom.core.errors import ConfigError, InvalidSessionError
from batchzoom.core.i18n import use_language
from batchzoom.files.atomic import write_failure
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from tests.conftest import sandbox_env
from tests.rosters import session_rows, write_csv
from tests.test_i18n import english_sentences


def invoke(args: list[str], sb: Sandbox, cwd: Path) -> Result:
    with contextlib.chdir(cwd):  # no stray .env from the developer's folder
        return CliRunner().invoke(cli, args, env=sandbox_env(sb), catch_exceptions=False)


def schedule(roster: Path, sb: Sandbox, cwd: Path, *args: str) -> Result:
    return invoke(["schedule", str(roster), "--allow-past", *args], sb, cwd)


def test_an_in_place_write_beside_an_open_excel_file_says_so_in_korean(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    roster = write_csv(tmp_path / "spring.csv", session_rows(2))
    (tmp_path / "~$spring.csv").write_bytes(b"owner")
    result = schedule(roster, sandbox, tmp_path, "--in-place", "--lang", "ko")
    assert result.exit_code == 0, result.output
    copy = tmp_path / "spring.scheduled.csv"
    assert copy.exists()
    note = [line for line in result.output.splitlines() if "Excel" in line]
    assert note, result.output
    assert "Excel에서 열려 있어 덮어쓰지 않았습니다" in note[0]
    assert f"결과는 대신 {copy}에 썼습니다." in note[0]
    assert english_sentences("\n".join(note)) == []


def test_the_same_note_in_english_is_unchanged(tmp_path: Path, sandbox: Sandbox) -> None:
    roster = write_csv(tmp_path / "spring.csv", session_rows(1))
    (tmp_path / "~$spring.csv").write_bytes(b"owner")
    result = schedule(roster, sandbox, tmp_path, "--in-place")
    assert result.exit_code == 0, result.output
    copy = tmp_path / "spring.scheduled.csv"
    assert (
        f"{roster} is open in Excel, so it was not overwritten; the results were written to "
        f"{copy} instead."
    ) in result.output


def test_a_moved_roster_is_noted_in_korean(tmp_path: Path, sandbox: Sandbox) -> None:
    old = tmp_path / "2027 spring"
    old.mkdir()
    roster = write_csv(old / "term.csv", session_rows(2))
    assert schedule(roster, sandbox, tmp_path).exit_code == 0
    new = tmp_path / "archive" / "2027 1학기"
    new.parent.mkdir()
    shutil.move(old, new)
    result = schedule(new / "term.csv", sandbox, tmp_path, "--lang", "ko")
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if "옮겨졌으므로" in line]
    assert len(notes) == 1, result.output
    assert str(old / "term") in notes[0] and "term.batchzoom.db도 따라갑니다" in notes[0]
    assert english_sentences(notes[0]) == []


def test_a_journal_of_another_roster_is_refused_in_korean(tmp_path: Path, sandbox: Sandbox) -> None:
    old = tmp_path / "2027-spring"
    old.mkdir()
    roster = write_csv(old / "term.csv", session_rows(2))
    assert schedule(roster, sandbox, tmp_path).exit_code == 0
    new = tmp_path / "2027-fall"
    shutil.copytree(old, new)
    made = len(sandbox.meetings())
    result = schedule(new / "term.csv", sandbox, tmp_path, "--lang", "ko")
    assert result.exit_code == 1
    message = result.output.strip().splitlines()[-1]
    assert "term.batchzoom.db" in message and str(old / "term") in message
    assert "처음부터 시작하세요" in message
    assert english_sentences(message) == []
    assert len(sandbox.meetings()) == made


@pytest.mark.parametrize("command", ["schedule", "status"])
def test_a_damaged_journal_entry_is_reported_in_korean(
    tmp_path: Path, sandbox: Sandbox, command: str
) -> None:
    roster = write_csv(tmp_path / "spring.csv", session_rows(2))
    assert schedule(roster, sandbox, tmp_path).exit_code == 0
    journal = tmp_path / "spring.batchzoom.db"
    with closing(sqlite3.connect(journal)) as db, db:
        db.execute("UPDATE entries SET body = 'not json' WHERE excel_row = 2")
    args = [command, str(roster), "--lang", "ko"]
    result = invoke([*args, "--allow-past"] if command == "schedule" else args, sandbox, tmp_path)
    assert result.exit_code == 1, result.output
    message = result.output.strip().splitlines()[-1]
    assert f"상태 파일 {journal}이(가) 손상되었습니다" in message, result.output
    assert "body 값 'not json'은(는) JSON이 아님" in message
    assert "다른 곳으로 옮기고 다시 실행하세요" in message
    assert english_sentences(message) == []


def _toml_error(tmp_path: Path, text: str, lang: str = "ko") -> str:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Topic,Date,Time,Duration,Time zone\nMaths,2031-05-03,09:00,50,Asia/Seoul\n",
        encoding="utf-8",
    )
    config = tmp_path / "batchzoom.toml"
    config.write_text(text, encoding="utf-8")
    with contextlib.chdir(tmp_path):
        result = CliRunner().invoke(cli, ["validate", str(roster), "--lang", lang])
    assert result.exit_code == 1, result.output
    return result.output.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "[defalts]\n",
            'defalts은(는) batchzoom이 아는 구역이 아닙니다. 다음을 쓰세요: "defaults".',
        ),
        (
            'defaults = "x"\n',
            "defaults은(는) 테이블이어야 합니다. 한 줄에 [defaults]만 따로 쓰세요.",
        ),
        ("[defaults]\ntimezon = 1\n", "batchzoom이 아는 기본값이 아닙니다"),
        ('[defaults]\nplan = "gold"\n', "'gold'이(가) 아니라 free, pro, business 중 하나여야"),
        ("[defaults]\ntimezone = 9\n", '텍스트여야 합니다. 예: timezone = "Asia/Seoul".'),
        ('[defaults]\nstrict = "yes"\n', "true 또는 false여야 합니다"),
        ("[defaults]\nbuffer_minutes = -1\n", "분 단위 정수여야 합니다"),
        ("[settings]\nhost_video = 1\n", "boolean 형식이어야 합니다. 예: host_video = true."),
        ('[pools]\nteam = ["kim@school.example", "kim@school.example"]\n', "두 번 있습니다"),
        ("[pools]\nteam = [1]\n", "따옴표 안의 텍스트로"),
        ('[aliases]\ntopik = ["x"]\n', '읽는 열이 아닙니다. 다음을 쓰세요: "topic".'),
    ],
)
def test_a_wrong_configuration_key_is_one_korean_sentence(
    tmp_path: Path, text: str, words: str
) -> None:
    message = _toml_error(tmp_path, text)
    assert message.startswith("오류: ") and f"{tmp_path / 'batchzoom.toml'}에서 " in message
    assert words in message, message
    # A list of the names batchzoom accepts (plans, sections) is kept as the user types them.
    assert english_sentences(message.replace("free, pro, business", "")) == [], message


def test_a_wrong_configuration_key_reads_as_before_in_english(tmp_path: Path) -> None:
    message = _toml_error(tmp_path, "[defaults]\nstrict = 1\n", lang="en")
    assert message == (
        f"Error: In {tmp_path / 'batchzoom.toml'}, defaults.strict must be true or false, "
        "e.g. strict = true."
    )


def test_the_librarys_refusals_are_korean() -> None:
    with use_language("ko"), pytest.raises(InvalidSessionError) as naive:
        start_of(datetime(2040, 5, 7, 14, 0), None)
    assert "시작 시각 2040-05-07 14:00에 시간대가 없습니다" in str(naive.value)
    with use_language("ko"), pytest.raises(ConfigError) as plan:
        Zoom(account_id="a", client_id="b", client_secret="c", plan="gold")  # type: ignore[arg-type]
    assert str(plan.value).startswith("알 수 없는 Zoom 요금제 'gold'입니다.")
    for error in (naive.value, plan.value):
        assert english_sentences(str(error).replace("free, pro, business", "")) == [], error


def test_a_failed_write_says_what_to_do_in_korean(tmp_path: Path) -> None:
    target = tmp_path / "spring.scheduled.xlsx"
    with use_language("ko"):
        text = write_failure(target, PermissionError(13, "Permission denied"))
    assert text == (
        f"{target}이(가) 다른 프로그램에서 열려 있거나 폴더가 읽기 전용이라서 쓸 수 없습니다. "
        "파일을 닫으세요. 또는 --output으로 결과를 다른 곳에 쓰세요."
    )
    assert write_failure(target, PermissionError(13, "Permission denied")) == (
        f"Cannot write {target} because it is open in another program or its folder is "
        "read-only; close the file or write the results elsewhere with --output."
    )


def test_a_row_changed_after_its_meeting_was_made_is_noted_in_korean(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    rows = session_rows(2)
    roster = write_csv(tmp_path / "spring.csv", rows)
    assert schedule(roster, sandbox, tmp_path).exit_code == 0
    rows[0] = [rows[0][0], rows[0][1] + " (new)", *rows[0][2:]]
    write_csv(roster, rows)
    result = schedule(roster, sandbox, tmp_path, "--lang", "ko")
    assert result.exit_code in (0, 4), result.output
    sheet = (tmp_path / "spring.scheduled.csv").read_text(encoding="utf-8")
    note = [line for line in sheet.splitlines() if "batchzoom sync" in line]
    assert len(note) == 1, sheet
    assert "회의 내용이 회의를 만든 뒤에 바뀌었습니다" in note[0]
    assert "batchzoom sync를 실행해 Zoom을 고치거나 행을 되돌리세요." in note[0]


def test_a_dry_runs_planned_sheet_not_written_is_a_korean_warning(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    roster = write_csv(tmp_path / "spring.csv", session_rows(1))
    out = tmp_path / "plan.csv"
    (tmp_path / "~$plan.csv").write_bytes(b"owner")
    result = schedule(roster, sandbox, tmp_path, "--dry-run", "--output", str(out), "--lang", "ko")
    warning = [line for line in result.output.splitlines() if "계획한 시트" in line]
    assert len(warning) == 1, result.output
    assert f"{out}이(가) Excel에서 열려 있어 결과를 쓸 수 없습니다." in warning[0]
    assert english_sentences(warning[0]) == []
    assert not out.exists()


def test_a_deferred_rows_note_says_zooms_daily_limit_in_korean_at_local_time(
    tmp_path: Path, sandbox_factory: Callable[[SandboxConfig], Sandbox]
) -> None:
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser("alice@school.example")], daily_limit=1))
    roster = write_csv(tmp_path / "r.csv", session_rows(2))
    result = invoke(["--lang", "ko", "schedule", str(roster), "--json"], sb, tmp_path)
    assert result.exit_code == 4, result.output
    rows = json.loads(result.stdout)["rows"]
    note = next(row["error"] for row in rows if row["status"] == "deferred")
    assert "하루 한도를 다 썼습니다" in note and "KST (00:00 UTC) 이후에 다시 실행하세요" in note
    assert english_sentences(note.split("(", 1)[0]) == []
