"""The CLI starts without the heavy libraries: they load when a command needs them."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from tests.rosters import session_rows, write_csv

HEAVY = ("pandas", "numpy", "openpyxl", "httpx", "batchzoom.sandbox.server", "rich")

PROBE = """
import json, sys
from batchzoom.cli import main
sys.argv = ["batchzoom", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(name for name in {heavy} if name in sys.modules)), file=sys.stderr)
"""


def loaded_after(*args: str) -> list[str]:
    """The heavy modules loaded once ``batchzoom ARGS`` has run, in a fresh interpreter."""
    process = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    found: list[str] = json.loads(process.stderr.strip().splitlines()[-1])
    return found


@pytest.mark.parametrize(
    "args", [("--help",), ("--version",), ("schedule", "--help"), ("validate", "--help")]
)
def test_help_loads_no_heavy_module(args: tuple[str, ...]) -> None:
    assert loaded_after(*args) == []


def test_the_probe_sees_a_command_that_needs_them(tmp_path: Path) -> None:
    """The same probe does see the workbook library once a command writes a workbook (a CSV
    roster is read and written back without it)."""
    assert "openpyxl" in loaded_after("template", str(tmp_path / "blank.xlsx"))


def test_status_reads_the_journal_without_the_http_stack(tmp_path: Path) -> None:
    """``status`` only reads: the run's result types and the journal come without httpx."""
    roster = write_csv(tmp_path / "r.csv", session_rows(1, first=datetime(2040, 5, 7, 9, 0)))
    assert "httpx" not in loaded_after("status", str(roster))
