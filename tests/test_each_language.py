"""The same runs in each language: what people read changes, what programs read does not.

Each command runs on the same rosters with ``--lang en`` and ``--lang ko``; the JSON documents
are the same but for their sentences (``message``, ``error``, ``summary``, ``warnings``), the
exit codes are the same, and the result sheets hold the same cells but for ``zoom_error``.
"""

from __future__ import annotations

import contextlib
import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from batchzoom.cli import cli
from tests.rosters import session_rows, write_csv
from tests.test_cli_schedule import NO_CREDENTIALS

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "timetable.xlsx"
SENTENCES = {"message", "error", "summary", "warnings", "exit_meaning", "detail"}
LANGUAGES = ("en", "ko")


def run(folder: Path, language: str, *args: str) -> Result:
    with contextlib.chdir(folder):
        return CliRunner().invoke(cli, ["--lang", language, *args], env=NO_CREDENTIALS)


def without_sentences(value: Any) -> Any:
    """``value`` with every human sentence blanked, the machine-readable rest kept."""
    if isinstance(value, dict):
        return {
            key: "<sentence>" if key in SENTENCES else without_sentences(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [without_sentences(item) for item in value]
    return value


def folders(tmp_path: Path) -> dict[str, Path]:
    made = {}
    for language in LANGUAGES:
        made[language] = tmp_path / language
        made[language].mkdir()
    return made


def bad_roster(folder: Path) -> Path:
    rows = session_rows(4)
    rows[1][2] = "2027-02-30 09:00"  # no such day
    rows[2][3] = "KST"  # an abbreviation, not a zone
    rows[3][4] = "-5"  # a duration below one minute
    return write_csv(folder / "bad.csv", rows)


def test_validate_gives_the_same_problems_in_each_language(tmp_path: Path) -> None:
    documents, texts = {}, {}
    for language, folder in folders(tmp_path).items():
        result = run(folder, language, "validate", str(bad_roster(folder).name), "--json")
        assert result.exit_code == 3, result.output
        documents[language] = json.loads(result.stdout)
        texts[language] = [problem["message"] for problem in documents[language]["problems"]]
    assert without_sentences(documents["en"]) == without_sentences(documents["ko"])
    assert [p["code"] for p in documents["ko"]["problems"]] == [
        "start-format",
        "timezone-unknown",
        "duration-format",
    ]
    assert texts["en"] != texts["ko"]  # the sentences themselves are in each language


@pytest.mark.parametrize(
    "command",
    [["schedule", "--sandbox"], ["schedule", "--sandbox", "--dry-run"], ["status"]],
    ids=" ".join,
)
def test_runs_give_the_same_json_and_sheet_in_each_language(
    tmp_path: Path, command: list[str]
) -> None:
    documents, sheets = {}, {}
    for language, folder in folders(tmp_path).items():
        shutil.copy(SAMPLE, folder / "timetable.xlsx")
        if command[0] == "status":
            assert run(folder, language, "schedule", "timetable.xlsx", "--sandbox").exit_code == 0
        result = run(folder, language, command[0], "timetable.xlsx", *command[1:], "--json")
        assert result.exit_code == 0, result.output
        documents[language] = _comparable(json.loads(result.stdout))
        written = folder / "timetable.scheduled.xlsx"
        sheets[language] = _sheet(written) if written.exists() else None
    assert documents["en"] == documents["ko"]
    assert (sheets["en"] is None) == (command[-1] == "--dry-run")  # a dry run writes none
    assert sheets["en"] == sheets["ko"]


def test_a_sync_gives_the_same_result_sheet_in_each_language(tmp_path: Path) -> None:
    sheets = {}
    for language, folder in folders(tmp_path).items():
        rows = session_rows(3)
        roster = write_csv(folder / "r.csv", rows)
        assert run(folder, language, "schedule", "r.csv", "--sandbox").exit_code == 0
        write_csv(roster, [rows[0], [rows[1][0], "Renamed", *rows[1][2:]]])
        result = run(folder, language, "sync", "r.csv", "--sandbox", "--yes", "--delete-missing")
        assert result.exit_code == 0, result.output
        with (folder / "r.scheduled.csv").open(encoding="utf-8", newline="") as handle:
            sheets[language] = [
                (row["ID"], row["zoom_status"], bool(row["zoom_join_url"]))
                for row in csv.DictReader(handle)
            ]
    assert (
        sheets["en"] == sheets["ko"] == [("S0000", "unchanged", True), ("S0001", "updated", True)]
    )


def _comparable(document: dict[str, Any]) -> Any:
    """A run's JSON without sentences, and without what differs between any two runs (the
    meetings' ids, links, passcodes, the folders)."""
    varying = {"meeting_id", "join_url", "password", "roster", "output", "journal", "file"}

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: "<varies>" if k in varying else clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(item) for item in value]
        return value

    return clean(without_sentences(document))


def _sheet(path: Path) -> list[tuple[Any, ...]]:
    """The result sheet's header and each row's cells, but for what differs between any two
    runs (meeting ids, links, passcodes) and the sentences (``zoom_error``)."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    header = list(rows[1])
    varying = {"zoom_meeting_id", "zoom_join_url", "zoom_password", "zoom_error"}
    keep = [i for i, name in enumerate(header) if name not in varying]
    return [tuple(row[i] for i in keep) for row in rows[1:]]
