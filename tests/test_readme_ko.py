"""README.ko.md is README.md in Korean: the same sections, the same commands, the same set-up."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
README_KO = (ROOT / "README.ko.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def sections(text: str) -> list[str]:
    """The text before the first ``##`` heading, then each section with its heading."""
    return re.split(r"^(?=## )", text, flags=re.MULTILINE)


def commands(section: str) -> list[str]:
    """Every command a reader would copy: the lines of shell and cron blocks, and ``$`` lines.

    A trailing ``# comment`` is the prose of the command, which each language writes in its
    own words; what is typed before it must be the same.
    """
    found = []
    for kind, body in FENCE.findall(section):
        for line in body.splitlines():
            if kind in ("sh", "cron"):
                typed = line
            elif line.startswith("$ "):
                typed = line[2:]
            else:
                continue
            typed = re.sub(r"\s+#\s.*$", "", typed).strip()
            if typed and not typed.startswith("#"):
                found.append(typed)
    return found


def test_both_readmes_have_the_same_number_of_sections() -> None:
    english, korean = sections(README), sections(README_KO)
    assert len(korean) == len(english), (
        [s.splitlines()[0] for s in english],
        [s.splitlines()[0] for s in korean],
    )


@pytest.mark.parametrize("index", range(len(sections(README))))
def test_each_section_shows_the_same_commands(index: str) -> None:
    english = sections(README)[int(index)]
    korean = sections(README_KO)[int(index)] if int(index) < len(sections(README_KO)) else ""
    assert commands(korean) == commands(english), english.splitlines()[0]


@pytest.mark.parametrize("marker", ["<!-- main-command -->", "<!-- test-command -->"])
def test_the_set_up_commands_are_the_same_in_both(marker: str) -> None:
    def command(text: str) -> str:
        assert text.count(marker) == 1
        return text.split(marker, 1)[1].split("```", 2)[1]

    assert command(README_KO) == command(README)


def test_each_readme_links_to_the_other() -> None:
    assert "(README.ko.md)" in README and "(README.md)" in README_KO


def test_every_picture_the_korean_readme_shows_is_in_the_repository() -> None:
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README_KO)
    assert pictures and all((ROOT / picture).is_file() for picture in pictures)
    assert set(re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)) <= set(pictures)


def test_the_korean_readme_is_korean() -> None:
    prose = FENCE.sub("", README_KO)
    hangul = len(re.findall(r"[\uac00-\ud7a3]", prose))
    latin = len(re.findall(r"[A-Za-z]", re.sub(r"`[^`]*`|\([^)]*\)|\[[^\]]*\]", "", prose)))
    assert hangul > latin, (hangul, latin)


def test_the_korean_readme_shows_real_korean_validate_output(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from batchzoom.cli import cli
    from tests.test_i18n import KOREAN_ROSTER

    shown = README_KO.split("$ batchzoom validate bad.csv --lang ko\n", 1)[1].split("```", 1)[0]
    roster = tmp_path / "bad.csv"
    roster.write_text(KOREAN_ROSTER, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(roster), "--lang", "ko"])
    assert result.stdout == shown
