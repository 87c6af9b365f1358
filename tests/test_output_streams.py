"""Which stream a line goes to: summaries and "written to" lines on stdout, notes on stderr."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from batchzoom.cli import cli


def test_validate_of_a_folder_names_the_folder_it_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {tmp_path.resolve()} is a folder, not a roster; "
        "name the roster file in it (.xlsx or .csv)."
    )
    assert result.stdout == ""
