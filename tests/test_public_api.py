"""The public API: ``import batchzoom`` is light, every public name resolves, one error tree."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

import batchzoom
from batchzoom.cli.app import error_exit
from batchzoom.model.problems import Problem
from tests.test_startup import HEAVY

PACKAGE = Path(batchzoom.__file__).parent


def test_import_batchzoom_loads_no_heavy_module() -> None:
    """Importing the package and reading an error class loads no HTTP, workbook or sandbox."""
    probe = (
        "import json, sys, batchzoom\n"
        "batchzoom.BatchzoomError, batchzoom.ZoomRequestError, batchzoom.InvalidSessionError\n"
        f"print(json.dumps(sorted(n for n in {HEAVY!r} if n in sys.modules)))\n"
    )
    process = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(process.stdout) == []


def test_every_public_name_resolves_and_is_in_dir() -> None:
    for name in batchzoom.__all__:
        assert getattr(batchzoom, name) is not None
    assert set(batchzoom.__all__) <= set(dir(batchzoom))
    with pytest.raises(AttributeError):
        batchzoom.NoSuchName  # noqa: B018


@pytest.mark.parametrize(
    "name",
    [
        "ConfigError",
        "AuthError",
        "ScopeError",
        "ZoomUnreachableError",
        "LockedError",
        "InputError",
        "OutputError",
        "InterruptedRunError",
        "NotConfirmedError",
    ],
)
def test_run_stopping_errors_are_not_row_errors(name: str) -> None:
    kind = getattr(batchzoom, name)
    assert issubclass(kind, batchzoom.RunStoppingError)
    assert not issubclass(kind, batchzoom.RowError)
    assert issubclass(kind, batchzoom.BatchzoomError)


@pytest.mark.parametrize(
    "name",
    [
        "InvalidSessionError",
        "ZoomRequestError",
        "DailyLimitError",
        "InDoubtError",
        "UnprovenListingError",
    ],
)
def test_row_errors_are_not_run_stopping(name: str) -> None:
    kind = getattr(batchzoom, name)
    assert issubclass(kind, batchzoom.RowError)
    assert not issubclass(kind, batchzoom.RunStoppingError)


def test_the_zoom_module_reexports_the_same_classes() -> None:
    from batchzoom.zoom import errors

    for name in errors.__all__:
        assert getattr(errors, name) is getattr(batchzoom, name)


def test_invalid_session_error_carries_its_problems() -> None:
    problems = [
        Problem(2, "Start", "dst-gap", "2:30 does not exist on that day."),
        Problem(2, "Duration", "duration-range", "The duration must be 1 to 1440 minutes."),
    ]
    error = batchzoom.InvalidSessionError(problems)
    assert [problem.code for problem in error.problems] == ["dst-gap", "duration-range"]
    assert str(error) == (
        "2:30 does not exist on that day. The duration must be 1 to 1440 minutes."
    )


def test_exit_codes_are_unchanged() -> None:
    """The CLI's table still gives 5 for a lock, 130 for Ctrl-C and 1 for every other error."""
    assert error_exit(batchzoom.LockedError("locked")) == 5
    assert error_exit(batchzoom.InterruptedRunError("stopped")) == 130
    when = datetime(2040, 1, 1, tzinfo=UTC)
    for error in (
        batchzoom.ConfigError("x"),
        batchzoom.AuthError("x"),
        batchzoom.ZoomRequestError(400, 300, "x"),
        batchzoom.DailyLimitError(None, when, "x"),
        batchzoom.InDoubtError("timeout"),
        batchzoom.InvalidSessionError([Problem(None, None, "c", "m.")]),
    ):
        assert error_exit(error) == 1


def test_py_typed_ships() -> None:
    assert (PACKAGE / "py.typed").is_file()
    text = (PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert '"py.typed"' in text


USER_SCRIPT = """
from datetime import datetime

import batchzoom


def book(zoom: batchzoom.Zoom) -> str:
    try:
        meeting: batchzoom.Meeting = zoom.create_meeting(
            "Office hours", datetime(2040, 5, 7, 14), 45, timezone="Asia/Seoul"
        )
    except batchzoom.RowError as error:
        return str(error)
    return meeting.join_url


def term(path: str) -> int:
    result: batchzoom.Result = batchzoom.schedule(path, sandbox=True, skip_invalid=True)
    first: batchzoom.RowOutcome = result.rows[0]
    problems: tuple[batchzoom.Problem, ...] = result.problems
    return result.exit_code + len(problems) + first.row + len(result.to_records())


with batchzoom.Sandbox(users=["alice@example.com"]) as sandbox:
    url: str = book(sandbox.zoom())
"""


def test_a_user_script_type_checks_strictly(tmp_path: Path) -> None:
    """py.typed lets a caller's strict mypy see the API's types (and catch a wrong one)."""
    script = tmp_path / "user_script.py"
    script.write_text(USER_SCRIPT, encoding="utf-8")
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(script)]
    ok = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert ok.returncode == 0, ok.stdout
    script.write_text(USER_SCRIPT.replace("url: str", "url: int"), encoding="utf-8")
    bad = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert bad.returncode == 1 and "incompatible types" in bad.stdout.lower(), bad.stdout
