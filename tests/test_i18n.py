"""batchzoom speaks Korean: the catalogs are complete and in step with the code, the language is
chosen the documented way, and a command's Korean output has no English sentence left in it."""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import os
import re
import shutil
import signal
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from batchzoom.cli import cli
from batchzoom.core import i18n
from batchzoom.core.i18n import _, resolve_language, use_language
from batchzoom.sandbox import Sandbox
from tests.conftest import sandbox_env
from tests.rosters import session_rows, write_csv

ROOT = Path(__file__).resolve().parent.parent
_SPEC = importlib.util.spec_from_file_location("messages", ROOT / "scripts" / "messages.py")
assert _SPEC is not None and _SPEC.loader is not None
messages: Any = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(messages)

PO = ROOT / "batchzoom" / "locale" / "ko" / "LC_MESSAGES" / "batchzoom.po"
COMMANDS = ("validate", "schedule", "sync", "status", "reconcile", "template", "sandbox")


def _fields(text: str) -> set[str]:
    """The named placeholders of a message (``{row}``, ``{name!r}`` -> ``name``)."""
    return {
        name.split("!")[0].split(":")[0]
        for _literal, name, _spec, _conv in string.Formatter().parse(text)
        if name is not None
    }


def _korean() -> Iterator[tuple[tuple[str, ...], str]]:
    """(the English forms, the Korean translation) of every message in the catalog."""
    with PO.open("rb") as source:
        catalog = read_po(source, locale="ko", domain="batchzoom")
    for message in catalog:
        if message.id:
            forms = (message.id,) if isinstance(message.id, str) else tuple(message.id)
            strings = message.string
            translated = strings if isinstance(strings, str) else (strings or ("",))[0]
            yield forms, str(translated)


def test_the_catalogs_are_in_step_with_the_code() -> None:
    """Every message the code shows is in the .po, and the shipped .mo is compiled from it
    (``python scripts/messages.py`` brings them in step)."""
    stale = [
        str(path.relative_to(ROOT))
        for path, content in messages.build().items()
        if path.suffix != ".pot" and (not path.exists() or path.read_bytes() != content)
    ]
    assert stale == []


def _literal_messages() -> Iterator[tuple[str, str]]:
    """(where, message) of every literal given to ``_``, ``N_`` or ``ngettext`` in the package,
    found in the syntax tree, so also inside an f-string's braces (where an extractor reading
    tokens does not look)."""
    for path in sorted((ROOT / "batchzoom").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_", "ngettext")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                yield f"{path.relative_to(ROOT)}:{node.lineno}", node.args[0].value


def test_every_message_in_the_code_reaches_the_catalog() -> None:
    """A message written inside an f-string's braces is never extracted, so never translated:
    each one must be in the catalog (write it outside the f-string)."""
    with (ROOT / "batchzoom" / "locale" / "batchzoom.pot").open("rb") as source:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(source) if m.id}
    messages = list(_literal_messages())
    assert len(messages) > 100  # the walk finds the package's messages
    assert [where for where, message in messages if message not in known] == []


def test_every_message_has_a_korean_translation() -> None:
    untranslated = [forms[0] for forms, translated in _korean() if not translated.strip()]
    assert untranslated == []


def test_translations_use_the_same_placeholders() -> None:
    differ = []
    for forms, translated in _korean():
        wanted = set().union(*(_fields(form) for form in forms))
        # A plural pair may name its count differently in each form; Korean has one form.
        ok = _fields(translated) <= wanted if len(forms) > 1 else _fields(translated) == wanted
        if not ok:
            differ.append(forms[0])
    assert differ == []


# An English sentence left in Korean output: three English words in a row, after the
# things that stay as they are (quoted values, options, paths, e-mails, URLs, zone names).
_KEPT = re.compile(
    r"'[^']*'|\"[^\"]*\"|`[^`]*`|\[[^\]]*\]|<[^>]*>|--?[\w-]+|\S+@\S+|https?://\S+|\S*[/\\.]\S+"
    r"|\b[A-Z_]{2,}\b|\bbatchzoom( \w+)?\b"
)
_ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}\b")


def english_sentences(output: str) -> list[str]:
    """The lines of ``output`` that still carry an English sentence."""
    return [line for line in output.splitlines() if _ENGLISH_RUN.search(_KEPT.sub(" ", line))]


def test_the_detector_finds_english_and_spares_korean() -> None:
    assert english_sentences("Row 3: the date is empty.") == ["Row 3: the date is empty."]
    assert english_sentences("3행: '반복 횟수' 열이 비어 있습니다 (--timezone Asia/Seoul).") == []


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_is_korean_throughout(command: str | None) -> None:
    args = ([command] if command else []) + ["--help", "--lang", "ko"]
    result = CliRunner().invoke(cli, args, prog_name="batchzoom")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("사용법: batchzoom")
    assert "옵션:" in result.output
    assert english_sentences(result.output) == []


@pytest.mark.parametrize("command", [[], ["validate"]])
def test_help_is_english_with_lang_en(monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    monkeypatch.setenv("BATCHZOOM_LANG", "ko")
    CliRunner().invoke(cli, [*command, "--help"], prog_name="batchzoom")
    result = CliRunner().invoke(cli, [*command, "--lang", "en", "--help"], prog_name="batchzoom")
    assert result.output.startswith("Usage: batchzoom")
    assert "Show this message and exit." in result.output
    assert english_sentences(result.output) != []


def test_the_environment_chooses_when_no_flag_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATCHZOOM_LANG", "ko")
    result = CliRunner().invoke(cli, ["status", "--help"], prog_name="batchzoom")
    assert result.output.startswith("사용법:")


def test_clicks_own_errors_are_korean() -> None:
    result = CliRunner().invoke(cli, ["--lang", "ko", "validate"], prog_name="batchzoom")
    assert result.exit_code == 2
    assert "오류: 빠진 인수: 'ROSTER'." in result.stderr
    assert "도움말은 'batchzoom validate --help'을(를) 실행해 보세요." in result.stderr


@pytest.mark.parametrize(
    ("flag", "environ", "expected"),
    [
        ("ko", {"BATCHZOOM_LANG": "en", "LANG": "en_US.UTF-8"}, "ko"),
        (None, {"BATCHZOOM_LANG": "ko", "LANG": "en_US.UTF-8"}, "ko"),
        (None, {"LC_ALL": "ko_KR.UTF-8", "LANG": "en_US.UTF-8"}, "ko"),
        (None, {"LC_MESSAGES": "ko_KR.eucKR", "LANG": "en_US.UTF-8"}, "ko"),
        (None, {"LANG": "ko_KR.UTF-8"}, "ko"),
        (None, {"LC_ALL": "C", "LANG": "ko_KR.UTF-8"}, "en"),
        (None, {"LANG": "fr_FR.UTF-8"}, "en"),
        (None, {}, "en"),
    ],
)
def test_the_language_is_chosen_flag_env_locale_english(
    flag: str | None, environ: dict[str, str], expected: str
) -> None:
    assert resolve_language(flag, environ, platform="linux") == expected


def test_the_library_speaks_english_unless_told() -> None:
    message = "Interrupted; run the same command again to continue."
    assert _(message) == message
    with use_language("ko"):
        assert _(message) == "중단되었습니다. 이어서 하려면 같은 명령을 다시 실행하세요."
        assert i18n.language() == "ko"
    assert _(message) == message


KOREAN_ROSTER = (
    "아이디,주제,날짜,시간,진행 시간(분),시간대,호스트,비밀번호\n"
    "1,국어,2036-03-04,09:00,2000,Asia/Seoul,kim.minji@school.example,pass word\n"
    "2,수학,2036-03-04,10:00,abc,Asia/Seoul,kim,ok\n"
)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_validate_speaks_the_chosen_language(tmp_path: Path, lang: str) -> None:
    """The problem table, its messages and the summary are in the chosen language; codes,
    the user's own headers and the exit status are the same in both."""
    roster = tmp_path / "bad.csv"
    roster.write_text(KOREAN_ROSTER, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(roster), "--lang", lang])
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    codes = ["duration-range", "password-format", "duration-format", "host-format"]
    assert [next(word for word in line.split() if "-" in word) for line in lines[1:5]] == codes
    assert all(line.split()[0] in ("2", "3") for line in lines[1:5])
    if lang == "ko":
        assert lines[0].split() == ["행", "열", "문제", "설명"]
        assert "' '은(는) 쓸 수 없습니다" in lines[2]
        assert lines[-1] == "2개 행 검사: 올바름 0, 올바르지 않음 2 (문제 4건)."
        assert english_sentences(result.stdout) == []
    else:
        assert lines[0].split() == ["Row", "Column", "Problem", "Message"]
        assert "(not ' ')" in lines[2]
        assert lines[-1] == "2 rows checked: 0 valid, 2 invalid (4 problems)."


def test_the_readme_shows_real_korean_validate_output(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("$ batchzoom validate bad.csv --lang ko\n", 1)[1].split("```", 1)[0]
    roster = tmp_path / "bad.csv"
    roster.write_text(KOREAN_ROSTER, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(roster), "--lang", "ko"])
    assert result.stdout == shown


@pytest.mark.parametrize(
    ("repeat", "days", "interval", "expected_days"),
    [("격주", "월", None, (2,)), ("격주 월수", None, None, (2, 4)), ("격주", "화", "3", (3,))],
)
def test_every_other_week_is_weekly_with_interval_two(
    repeat: str, days: str | None, interval: str | None, expected_days: tuple[int, ...]
) -> None:
    from batchzoom.model import recurrence

    cells: list[object] = [None] * len(recurrence.FIELDS)
    cells[recurrence.FIELDS.index("repeat")] = repeat
    cells[recurrence.FIELDS.index("weekly_days")] = days
    cells[recurrence.FIELDS.index("repeat_interval")] = interval
    cells[recurrence.FIELDS.index("end_times")] = "8"
    parsed = recurrence.parse_cells(cells)
    assert parsed is not None
    assert parsed.kind == recurrence.WEEKLY
    assert parsed.interval == (int(interval) if interval else 2)
    assert parsed.weekly_days == expected_days


# ---------------------------------------------------------------------------------------------
# The commands that talk to Zoom (the local sandbox), each run with --lang ko

SAMPLES = ROOT / "samples"
SYNC_HEADERS = (
    "ID",
    "Topic",
    "Start",
    "Time zone",
    "Duration",
    "Host",
    "Notes",
    "Agenda",
    "Status",
)


def _run(args: list[str], cwd: Path, **options: Any) -> Any:
    """``batchzoom *args`` in ``cwd`` (no stray .env), without Zoom credentials."""
    no_credentials = {name: None for name in ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID",
                      "ZOOM_CLIENT_SECRET", "ZOOM_TOKEN_URL", "ZOOM_API_URL")}  # fmt: skip
    with contextlib.chdir(cwd):
        return CliRunner().invoke(cli, args, env=no_credentials, catch_exceptions=False, **options)


def _timetable(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    roster = folder / "timetable.xlsx"
    shutil.copy(SAMPLES / "timetable.xlsx", roster)
    return roster


def test_schedule_status_and_reconcile_speak_korean(tmp_path: Path) -> None:
    roster = _timetable(tmp_path)
    first = _run(["schedule", str(roster), "--sandbox", "--lang", "ko"], tmp_path)
    assert first.exit_code == 0, first.output
    written_to = tmp_path / "timetable.scheduled.xlsx"
    assert first.stdout.splitlines()[-1] == f"24개 행: 생성 24. 결과를 {written_to}에 기록했습니다."
    assert english_sentences(first.stdout) == []
    assert "로컬 Zoom 샌드박스" in first.stderr

    again = _run(["schedule", str(roster), "--sandbox", "--lang", "ko"], tmp_path)
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[-1].startswith("24개 행: 기존 24. 결과를 ")
    assert english_sentences(again.stdout) == []

    status = _run(["status", str(roster), "--lang", "ko"], tmp_path)
    assert status.exit_code == 0, status.output
    lines = status.stdout.splitlines()
    assert lines[0] == f"저널: {tmp_path / 'timetable.batchzoom.db'} (모든 계정)"
    assert lines[1].split() == ["행", "ID", "상태", "회의", "번호", "자세한", "내용"]
    assert lines[2].endswith("2036-05-05 09:00 KST (00:00 UTC) 시작")
    assert lines[-1] == "24개 행: 생성 24."
    assert english_sentences(status.stdout) == []

    checked = _run(["reconcile", str(roster), "--sandbox", "--lang", "ko"], tmp_path)
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.splitlines()[-1] == "회의 24개 확인: 일치 24."
    assert english_sentences(checked.stdout + checked.stderr) == []


def test_schedule_output_stays_english_without_lang(tmp_path: Path) -> None:
    roster = _timetable(tmp_path)
    result = _run(["schedule", str(roster), "--sandbox"], tmp_path)
    written_to = tmp_path / "timetable.scheduled.xlsx"
    assert (
        result.stdout.splitlines()[-1] == f"24 rows: 24 created. Results written to {written_to}."
    )
    status = _run(["status", str(roster)], tmp_path)
    assert status.stdout.splitlines()[0].startswith("Journal: ")
    assert status.stdout.splitlines()[1].split() == ["Row", "ID", "Status", "Meeting", "Detail"]
    assert status.stdout.splitlines()[-1] == "24 rows: 24 created."
    checked = _run(["reconcile", str(roster), "--sandbox"], tmp_path)
    assert checked.stdout.splitlines()[-1] == "24 meetings checked: 24 match."


def test_a_dry_run_and_no_journal_speak_korean(tmp_path: Path) -> None:
    roster = _timetable(tmp_path)
    status = _run(["status", str(roster), "--lang", "ko"], tmp_path)
    assert status.stdout.splitlines()[0].startswith(f"{tmp_path / 'timetable.batchzoom.db'}에 아직")
    assert status.stdout.splitlines()[-1] == "24개 행: 새 행 24."
    assert english_sentences(status.stdout) == []
    dry = _run(["schedule", str(roster), "--sandbox", "--dry-run", "--lang", "ko"], tmp_path)
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines()[-1] == "24개 행: 계획됨 24."
    assert english_sentences(dry.stdout) == []


def _scheduled_for_sync(folder: Path) -> Path:
    """A three-row roster scheduled on the sandbox, then edited: row 2 renamed, row 3
    marked cancelled (취소)."""
    rows = [[*row, "Unit 1", ""] for row in session_rows(3, ["alice@school.example"])]
    roster = write_csv(folder / "term.csv", rows, SYNC_HEADERS)
    scheduled = _run(["schedule", str(roster), "--sandbox", "--allow-past"], folder)
    assert scheduled.exit_code == 0, scheduled.output
    rows[0][1] = "Renamed class"
    rows[1][8] = "취소"
    write_csv(roster, rows, SYNC_HEADERS)
    return roster


@pytest.fixture
def at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """sync asks its questions as on a terminal (CliRunner's input answers them)."""
    from batchzoom.cli import sync

    monkeypatch.setattr(sync, "can_ask", lambda: True)


@pytest.mark.usefixtures("at_a_terminal")
def test_sync_shows_its_plan_and_takes_a_korean_yes(tmp_path: Path) -> None:
    roster = _scheduled_for_sync(tmp_path)
    args = ["sync", str(roster), "--sandbox", "--allow-past", "--lang", "ko"]
    result = _run(args, tmp_path, input="예\n네\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "생성·수정:\n행  작업  바뀌는 내용\n2   수정  topic: Class S0 -> Renamed class\n" in out
    assert "삭제:\n" in out and "취소  회의 " in out and " 삭제(취소로 표시됨)\n" in out
    assert "계획: 생성·수정 1, 삭제 1, 변경 없음 1.\n" in out
    assert "생성·수정 1건을 적용할까요? [y/N]: 예\n" in out
    assert "Zoom에서 회의 1개를 삭제할까요? 되돌릴 수 없습니다 [y/N]: 네\n" in out
    assert "3개 행: 수정 1, 변경 없음 1, 취소 1." in out
    assert english_sentences(out) == []


@pytest.mark.usefixtures("at_a_terminal")
@pytest.mark.parametrize("no", ["아니요", "아니오", "n", ""])
def test_sync_takes_a_korean_no(tmp_path: Path, no: str) -> None:
    roster = _scheduled_for_sync(tmp_path)
    args = ["sync", str(roster), "--sandbox", "--allow-past", "--lang", "ko"]
    result = _run(args, tmp_path, input=f"그래\n{no}\n{no}\n")
    assert "생성·수정 1건을 적용할까요? [y/N]: 그래\n오류: 잘못된 입력입니다.\n" in result.stdout
    assert "Zoom에서 회의 1개를 삭제할까요?" in result.stdout
    assert english_sentences(result.output) == []
    again = _run(["status", str(roster), "--lang", "ko"], tmp_path)
    assert again.stdout.splitlines()[-1] == "3개 행: 생성 3."  # nothing was applied


@pytest.mark.usefixtures("at_a_terminal")
def test_sync_in_english_asks_as_before_and_takes_no_korean(tmp_path: Path) -> None:
    roster = _scheduled_for_sync(tmp_path)
    args = ["sync", str(roster), "--sandbox", "--allow-past"]
    result = _run(args, tmp_path, input="예\ny\nn\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Changes:\nRow  Action  Changes\n2    update  topic: Class S0 -> Renamed class\n" in out
    assert "Plan: 1 to create or update, 1 to delete, 1 unchanged.\n" in out
    assert "Apply 1 create or update? [y/N]: 예\nError: invalid input\n" in out
    assert "Apply 1 create or update? [y/N]: y\n" in out
    assert "Delete 1 meeting on Zoom? This cannot be undone [y/N]: n\n" in out
    assert (
        "2 rows: 1 updated, 1 unchanged. Results written to " in out
    )  # the declined delete: left out


def test_validate_show_occurrences_speaks_korean(tmp_path: Path) -> None:
    for name in ("term.xlsx", "batchzoom.toml"):
        shutil.copy(SAMPLES / "term" / name, tmp_path / name)
    args = ["validate", str(tmp_path / "term.xlsx"), "--show-occurrences", "--lang", "ko"]
    result = _run(args, tmp_path)
    assert result.exit_code == 0, result.output
    assert "   2  2036-03-06 목 18:00 EST  2036-03-06 23:00Z\n" in result.stdout
    assert re.search(r"^\d+행 .+: \d+회 \(America/New_York\)$", result.stdout, re.MULTILINE)
    assert english_sentences(result.stdout) == []
    english = _run(args[:-2], tmp_path)
    assert "   2  2036-03-06 Thu 18:00 EST  2036-03-06 23:00Z\n" in english.stdout
    assert re.search(r"^Row \d+ .+: \d+ occurrences \(America/New_York\)$", english.stdout, re.M)


def test_template_speaks_korean(tmp_path: Path) -> None:
    path = tmp_path / "spring.xlsx"
    result = _run(["template", str(path), "--lang", "ko"], tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{path}을(를) 만들었습니다: 세션 시트를 채운 뒤 다음을 실행하세요: "
        f"batchzoom validate {path}\n"
    )
    assert english_sentences(result.stdout) == []


def test_the_sandbox_command_speaks_korean() -> None:
    """What ``batchzoom sandbox --lang ko`` prints before and after serving."""
    process = subprocess.Popen(
        [sys.executable, "-m", "batchzoom", "sandbox", "--port", "0", "--lang", "ko",
         "--users", "kim@school.example", "--unlicensed", "lee@school.example"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    assert process.stdout is not None
    printed = []
    try:
        for line in process.stdout:
            printed.append(line)
            if line.startswith("사용자:"):
                break
        url = re.search(r"http://[\d.:]+", printed[0])
        assert url is not None
        httpx.get(url.group(0), timeout=10)  # answered once it serves, so Ctrl-C stops a server
    finally:
        process.send_signal(signal.SIGINT)
        rest, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert printed[0].startswith("Zoom 샌드박스가 http://127.0.0.1:")
    assert (
        printed[1]
        == "다음 줄들을 다른 터미널에 붙여 넣은 뒤 그 터미널에서 batchzoom schedule을 실행하세요:\n"
    )
    assert printed[-1] == "사용자: kim@school.example, lee@school.example (라이선스 없음)\n"
    assert rest == "샌드박스를 멈췄습니다.\n"
    assert english_sentences("".join(printed) + rest) == []


def test_a_meeting_changed_on_zoom_is_reported_in_korean(tmp_path: Path, sandbox: Sandbox) -> None:
    """sync's refusal to overwrite, and reconcile's table and advice, in Korean."""
    rows = [[*row, "Unit 1", ""] for row in session_rows(1, ["alice@school.example"])]
    roster = write_csv(tmp_path / "term.csv", rows, SYNC_HEADERS)
    env = sandbox_env(sandbox)
    with contextlib.chdir(tmp_path):
        runner = CliRunner()
        scheduled = runner.invoke(cli, ["schedule", str(roster), "--allow-past"], env=env)
        assert scheduled.exit_code == 0, scheduled.output
        [meeting] = sandbox.meetings()
        token = httpx.post(
            sandbox.token_url,
            auth=(sandbox.client_id, sandbox.client_secret),
            data={"grant_type": "account_credentials", "account_id": sandbox.account_id},
        ).json()["access_token"]
        httpx.patch(
            f"{sandbox.api_url}/meetings/{meeting['id']}",
            json={"topic": "Renamed in the Zoom portal"},
            headers={"Authorization": f"Bearer {token}"},
        ).raise_for_status()
        checked = runner.invoke(cli, ["reconcile", str(roster), "--lang", "ko"], env=env)
        rows[0][7] = "Unit 2"
        write_csv(roster, rows, SYNC_HEADERS)
        synced = runner.invoke(
            cli, ["sync", str(roster), "--allow-past", "--yes", "--lang", "ko"], env=env
        )
    assert checked.exit_code == 4, checked.output
    assert checked.stdout.splitlines()[0].split() == [
        "행",
        "회의",
        "번호",
        "결과",
        "자세한",
        "내용",
    ]
    assert "주제 'Class S0' -> 'Renamed in the Zoom portal'" in checked.stdout
    assert checked.stdout.splitlines()[-1] == "회의 1개 확인: 바뀜 1."
    assert "Zoom과 저널에서 아무것도 바꾸지 않았습니다." in checked.stderr
    assert english_sentences(checked.output) == []
    assert synced.exit_code == 4, synced.output
    assert (
        f"2행 실패: 수정하지 않음: 회의 {meeting['id']}이(가) Zoom에서 바뀜(topic). "
        "확인한 뒤 --force로 sync하세요."
    ) in synced.stdout
    assert "1개 행: 실패 1." in synced.stdout
    assert english_sentences(synced.stdout) == []


def test_clicks_usage_errors_of_a_run_are_korean(tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(1))
    args = ["schedule", str(roster), "--output", "x.csv", "--in-place", "--lang", "ko"]
    result = _run(args, tmp_path)
    assert result.exit_code == 2
    assert "오류: --output과 --in-place 중 하나만 쓰세요." in result.stderr
