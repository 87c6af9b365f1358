"""The README's "Use from Python": its examples run, and its list of names is the package's."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import batchzoom
from batchzoom.sandbox import Sandbox
from tests.conftest import sandbox_env

ROOT = Path(__file__).resolve().parent.parent


def section(readme: str, heading: str) -> str:
    text = (ROOT / readme).read_text(encoding="utf-8")
    return text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


ENGLISH = section("README.md", "Use from Python")
KOREAN = section("README.ko.md", "Python에서 쓰기")


def examples(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


def without_comments(code: str) -> str:
    return re.sub(r"\s+# .*$", "", code, flags=re.MULTILINE)


def names(text: str) -> list[str]:
    listed = text.split("<!-- public-names -->", 1)[1].split("<!-- /public-names -->", 1)[0]
    return re.findall(r"`([^`]+)`", listed)


def test_the_readme_names_dir_and_all_agree() -> None:
    assert names(ENGLISH) == sorted(batchzoom.__all__) == dir(batchzoom)
    assert names(KOREAN) == names(ENGLISH)


def test_the_korean_examples_are_the_english_ones() -> None:
    assert len(examples(ENGLISH)) == 3
    assert [without_comments(c) for c in examples(KOREAN)] == [
        without_comments(c) for c in examples(ENGLISH)
    ]


def run(code: str) -> dict[str, Any]:
    scope: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(code, "README.md", "exec"), scope)  # the README's own example
    return scope


def test_one_meeting_from_a_web_view(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in sandbox_env(sandbox).items():
        monkeypatch.setenv(name, str(value))
    scope = run(examples(ENGLISH)[0])
    answer = scope["book_office_hours"](None)
    assert answer["join_url"].startswith("http"), answer
    assert answer["starts"].endswith("+00:00")
    [meeting] = sandbox.meetings()
    assert (meeting["topic"], meeting["timezone"], meeting["duration"]) == (
        "Office hours",
        "Asia/Seoul",
        45,
    )
    scope["zoom"].close()


def test_scheduling_a_dataframe(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    scope = run(examples(ENGLISH)[1])
    result = scope["result"]
    assert result.counts["created"] == 2 and result.exit_code == 0
    assert list(scope["links"]["row"]) == [0, 1]
    assert all(url.startswith("http") for url in scope["links"]["join_url"])
    assert (tmp_path / "results.csv").is_file()
    printed = capsys.readouterr().out  # progress=print: the look, the start, each row
    assert printed.count("Progress(") == 4 and printed.count("stage='looking'") == 1


def test_testing_with_the_sandbox() -> None:
    scope = run(examples(ENGLISH)[2])
    scope["test_booking_creates_one_meeting"]()
