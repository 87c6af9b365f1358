"""Rosters given as a pandas DataFrame or as a list of dicts read and run as the same CSV does."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batchzoom.core.errors import InputError, OutputError
from batchzoom.engine.batch import schedule
from batchzoom.engine.planning import load
from batchzoom.files.records import plain, read_records
from batchzoom.files.results import Loaded, RunReport
from batchzoom.sandbox import Sandbox, SandboxConfig
from tests.conftest import MakeSettings, sandbox_users
from tests.rosters import HEADERS, session_rows, write_csv

ALICE, BOB = "alice@school.example", "bob@school.example"


def as_dicts(rows: list[list[str]], headers: tuple[str, ...] = HEADERS) -> list[dict[str, str]]:
    return [dict(zip(headers, row, strict=True)) for row in rows]


def fingerprint(loaded: Loaded, report: RunReport, sb: Sandbox, offset: int) -> dict[str, Any]:
    """What a run gave, with row numbers made positions (a CSV's rows start on line 2)."""
    meetings = sorted(
        (m["topic"], m["start_time"], m["duration"], m["timezone"], m.get("host_email"))
        for m in sb.meetings()
    )
    return {
        "outcomes": [
            (o.row - offset, o.status, o.topic, o.start_utc, o.host, o.error)
            for o in report.outcomes
        ],
        "problems": [
            (p.row - offset if p.row is not None else None, p.column, p.code, p.message)
            for p in loaded.validation.problems
        ],
        "meetings": meetings,
    }


@pytest.fixture
def three(sandbox_factory: Callable[[SandboxConfig], Sandbox]) -> list[Sandbox]:
    return [sandbox_factory(SandboxConfig(users=sandbox_users())) for _ in range(3)]


def test_a_dataframe_and_a_list_of_dicts_schedule_as_the_same_csv_does(
    tmp_path: Path, three: list[Sandbox], make_settings: MakeSettings
) -> None:
    rows = session_rows(5, (ALICE, BOB), first=datetime(2027, 5, 3, 9, 0))
    rows[2][4] = "0"  # an invalid duration: skipped with the same sentence everywhere
    rows[3][3] = "Asia/Nowhere"
    path = write_csv(tmp_path / "spring.csv", rows)
    results = []
    for sb, source, offset in (
        (three[0], path, 1),
        (three[1], as_dicts(rows), 0),
        (three[2], pd.DataFrame(as_dicts(rows), index=range(1, 6)), 0),
    ):
        flags: dict[str, Any] = {"rate": 30, "skip_invalid": True}
        if not isinstance(source, Path):
            flags["state"] = tmp_path / f"{type(source).__name__}.batchzoom.db"
        settings = make_settings(sb, **flags)
        loaded = load(source, settings)
        report = schedule(loaded, settings)
        results.append(fingerprint(loaded, report, sb, offset))
    assert results[0]["outcomes"][0][1] == "created"
    assert [o[1] for o in results[0]["outcomes"]].count("invalid") == 2
    assert len(results[0]["meetings"]) == 3
    assert results[1] == results[0]
    assert results[2] == results[0]


def test_a_second_run_of_records_creates_nothing_again(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings
) -> None:
    """The journal (``state``) makes a list of dicts exactly-once, as it does a file."""
    rows = as_dicts(session_rows(3))
    settings = make_settings(sandbox, rate=30, state=tmp_path / "app.batchzoom.db")
    first = schedule(load(rows, settings), settings)
    again = schedule(load(rows, settings), settings)
    assert [o.status for o in first.outcomes] == ["created"] * 3
    assert [o.status for o in again.outcomes] == ["existing"] * 3
    assert len(sandbox.meetings()) == 3


def test_pandas_values_read_as_the_csv_text_does(
    tmp_path: Path, make_settings: MakeSettings
) -> None:
    """Timestamps, numpy numbers, NaN and NaT are the cells a workbook would hold."""
    rows = session_rows(2)
    frame = pd.DataFrame(
        {
            "ID": ["S0000", "S0001"],
            "Topic": ["Class S0", "Class S1"],
            "Start": [pd.Timestamp("2027-05-03 09:00"), pd.Timestamp("2027-05-03 10:00")],
            "Time zone": ["Asia/Seoul", "Asia/Seoul"],
            "Duration": np.array([50, 50], dtype=np.int64),
            "Host": [ALICE, ALICE],
            "Notes": [np.nan, pd.NaT],
        }
    )
    settings = make_settings(state=tmp_path / "s.batchzoom.db")
    from_frame = load(frame, settings).validation
    from_csv = load(write_csv(tmp_path / "r.csv", rows), settings).validation
    assert from_frame.ok and from_csv.ok
    assert [(s.row, s.topic, s.start, s.duration, s.host) for s in from_frame.sessions] == [
        (s.row - 2, s.topic, s.start, s.duration, s.host) for s in from_csv.sessions
    ]
    assert plain(np.float64("nan")) == plain(pd.NaT) == plain(None) == ""
    assert plain(np.int64(7)) == 7 and type(plain(np.int64(7))) is int
    assert plain(pd.Timestamp("2027-05-03 09:00")) == datetime(2027, 5, 3, 9, 0)


def test_a_dataframe_row_is_named_by_its_index_label(make_settings: MakeSettings) -> None:
    frame = pd.DataFrame(as_dicts(session_rows(3)), index=[10, 20, 30])
    frame.loc[20, "Duration"] = "forever"
    validation = load(frame, make_settings(state=Path("unused.batchzoom.db"))).validation
    assert [p.row for p in validation.problems] == [20]
    labelled = pd.DataFrame(as_dicts(session_rows(2)), index=["a", "b"])
    assert read_records(labelled).rows == [1, 2]  # not integers: positions from 1


def test_korean_headers_and_missing_columns_as_for_a_file(make_settings: MakeSettings) -> None:
    korean = [{"제목": "수학", "시작": "2027-05-03 09:00", "시간대": "Asia/Seoul", "시간(분)": 50}]
    roster = read_records(korean)
    assert set(roster.columns) >= {"topic", "start", "timezone", "duration"}
    with pytest.raises(InputError, match="duration"):
        read_records([{"Topic": "x", "Start": "2027-05-03 09:00"}])
    with pytest.raises(InputError, match="no rows"):
        read_records([])
    with pytest.raises(InputError, match="Row 2 "):
        read_records([{"Topic": "x"}, ["not", "a", "mapping"]])


def test_results_go_only_to_an_explicit_csv_output(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings
) -> None:
    rows = as_dicts(session_rows(2))
    with pytest.raises(OutputError, match="in place"):
        load(rows, make_settings(sandbox, state=tmp_path / "a.batchzoom.db", in_place=True))
    quiet = make_settings(sandbox, rate=30, state=tmp_path / "q.batchzoom.db")
    assert schedule(load(rows, quiet), quiet).output is None
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".csv") == []
    out = tmp_path / "results.csv"
    settings = make_settings(sandbox, rate=30, output=out)
    report = schedule(load(rows, settings), settings)
    assert report.output is not None and report.output.path == out
    with out.open(encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert [r["Topic"] for r in written] == ["Class S0", "Class S1"]
    assert [r["zoom_status"] for r in written] == ["existing", "existing"]  # made by `quiet`
    assert all(r["zoom_join_url"].startswith("http") for r in written)
    assert (tmp_path / "results.batchzoom.db").exists()  # its journal, beside the output


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.text(
                st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=30
            ),
            st.sampled_from(["2027-05-03 09:00", "2027-03-14 02:30", "3/5/2027 9:00", "soon", ""]),
            st.sampled_from(["Asia/Seoul", "America/New_York", "Mars/Base", ""]),
            st.sampled_from(["50", "0", "1h 30m", "45.5", "x", ""]),
            st.sampled_from([ALICE, "not-an-email", ""]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_rows_validate_as_the_same_csv(
    tmp_path_factory: pytest.TempPathFactory,
    make_settings: MakeSettings,
    cells: list[tuple[str, str, str, str, str]],
) -> None:
    headers = ("Topic", "Start", "Time zone", "Duration", "Host")
    rows = [list(row) for row in cells]
    path = write_csv(tmp_path_factory.mktemp("r") / "r.csv", rows, headers)
    # The CSV module's own reading of the text (line ends in a cell) is what both get.
    with path.open(encoding="utf-8", newline="") as handle:
        read = list(csv.reader(handle))[1:]
    settings = make_settings(state=path.with_suffix(".batchzoom.db"), timezone="Asia/Seoul")
    try:
        expected = load(path, settings)
    except InputError:  # e.g. every row blank: the records are refused too
        with pytest.raises(InputError):
            load(as_dicts(read, headers), settings)
        return
    loaded = load(as_dicts(read, headers), settings)
    skipped = [n for n, row in enumerate(read, start=1) if not any(c.strip() for c in row)]
    assert not skipped or loaded.roster.rows == [
        n for n in range(1, len(read) + 1) if n not in skipped
    ]

    def problems(validation: Any, offset: int) -> list[tuple[Any, ...]]:
        def renumbered(message: str) -> str:  # "repeats row 3" names a row by its number too
            return re.sub(r"\brow (\d+)", lambda m: f"row {int(m[1]) - offset}", message)

        return [
            (p.row - offset, p.column, p.code, renumbered(p.message)) for p in validation.problems
        ]

    def sessions(validation: Any, offset: int) -> list[tuple[Any, ...]]:
        return [(s.row - offset, s.topic, s.start, s.duration, s.host) for s in validation.sessions]

    assert problems(loaded.validation, 0) == problems(expected.validation, 1)
    assert sessions(loaded.validation, 0) == sessions(expected.validation, 1)


def test_a_list_of_dicts_loads_no_pandas(tmp_path: Path) -> None:
    """(numpy may come with openpyxl, which imports it when it is installed.)"""
    probe = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from batchzoom.engine.planning import load\n"
        "from batchzoom.engine.settings import resolve\n"
        f"rows = {json.dumps(as_dicts(session_rows(1)))}\n"
        f"load(rows, resolve(state=Path({str(tmp_path / 'p.batchzoom.db')!r})))\n"
        "print(json.dumps([m for m in ('pandas',) if m in sys.modules]))\n"
    )
    process = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(process.stdout.strip().splitlines()[-1]) == []
