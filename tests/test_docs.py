"""Every command explains itself, and the README speaks of every command."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from batchzoom.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output, f"batchzoom {name} --help shows no example"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_the_readme_documents_every_command(name: str) -> None:
    assert f"batchzoom {name}" in README


def test_readme_has_exactly_the_two_set_up_commands() -> None:
    assert README.count("<!-- main-command -->") == 1 and README.count("<!-- test-command -->") == 1
