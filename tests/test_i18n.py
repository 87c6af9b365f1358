"""batchzoom speaks Korean: the catalogs are complete and in step with the code, the language is
chosen the documented way, and a command's Korean output has no English sentence left in it."""

from __future__ import annotations

import ast
import importlib.util
import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from batchzoom.cli import cli
from batchzoom.core import i18n
from batchzoom.core.i18n import _, resolve_language, use_language

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
