"""Optional columns: alternative hosts, recurrence and settings read once per distinct value."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from batchzoom.cli.app import outcome_exit
from batchzoom.engine.batch import schedule
from batchzoom.engine.planning import load
from batchzoom.model.cells import NO_WORDS, YES_WORDS
from batchzoom.model.extras import parse_alternative_hosts, parse_registration
from batchzoom.model.meeting_settings import parse_bool
from batchzoom.model.problems import CellError
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from batchzoom.zoom.meetings import create_body
from batchzoom.zoomspec import request_schema, to_json_schema
from tests.conftest import MakeSettings
from tests.rosters import HEADERS, session_rows, write_csv

ALICE, BOB, CAROL = "alice@school.example", "bob@school.example", "carol@school.example"
RECURRING = ("Repeat", "Weekly days", "End times", "End date", "Alternative hosts", "대기실")


def test_alternative_hosts_split_on_semicolons_or_commas_once_each() -> None:
    assert parse_alternative_hosts(f"{BOB}; {CAROL},{BOB.upper()}") == (BOB, CAROL)
    with pytest.raises(CellError, match="not an email address"):
        parse_alternative_hosts(f"{BOB}; Carol Park")


def timetable(tmp_path: Path, extra: list[list[str]]) -> Path:
    rows = session_rows(len(extra))
    for row, cells in zip(rows, extra, strict=True):
        row.extend(cells)
    return write_csv(tmp_path / "term.csv", rows, (*HEADERS, *RECURRING))


def test_recurring_row_with_co_teachers_and_settings_makes_a_type_8_body(
    tmp_path: Path, make_settings: MakeSettings
) -> None:
    path = timetable(
        tmp_path,
        [
            ["매주", "월,수", "10", "", f"{BOB};{CAROL}", "예"],
            ["", "", "", "", "", ""],
        ],
    )
    validation = load(path, make_settings()).validation
    assert validation.ok
    first, second = (create_body(s) for s in validation.sessions)
    assert first["type"] == 8
    assert first["recurrence"] == {
        "type": 2,
        "repeat_interval": 1,
        "weekly_days": "2,4",
        "end_times": 10,
    }
    assert first["settings"] == {"waiting_room": True, "alternative_hosts": f"{BOB};{CAROL}"}
    assert second["type"] == 2 and "recurrence" not in second and "settings" not in second


def test_recurrence_problems_name_their_row_and_column(
    tmp_path: Path, make_settings: MakeSettings
) -> None:
    path = timetable(
        tmp_path,
        [
            ["weekly", "Mon", "61", "", "", ""],
            ["weekly", "Mon", "3", "2027-06-01", "", ""],
            ["", "Mon", "", "", "", ""],
            ["daily", "", "", "2028-01-01", "", ""],
            ["weekly", "", "", "", "bob", ""],
        ],
    )
    problems = load(path, make_settings()).validation.problems
    assert [(p.row, p.column, p.code) for p in problems] == [
        (2, "End times", "end_times-range"),
        (3, "End date", "end-conflict"),
        (4, "Repeat", "repeat-missing"),
        (5, "End date", "end_date-too-many"),
        (6, "Alternative hosts", "alternative-hosts-format"),
        (6, "End times", "end-missing"),
    ]


def test_every_recurrence_problem_of_a_row_is_listed_with_its_column(
    tmp_path: Path, make_settings: MakeSettings
) -> None:
    """A row with a bad day and an out-of-range count lists both, each row of the same cells."""
    path = timetable(
        tmp_path,
        [
            ["weekly", "Xyz", "70", "", "", ""],
            ["weekly", "Mon", "3", "", "", ""],
            ["weekly", "Xyz", "70", "", "", ""],
        ],
    )
    problems = load(path, make_settings()).validation.problems
    assert [(p.row, p.column, p.code) for p in problems] == [
        (2, "Weekly days", "weekly_days-format"),
        (2, "End times", "end_times-range"),
        (4, "Weekly days", "weekly_days-format"),
        (4, "End times", "end_times-range"),
    ]
    assert '"Xyz"' in problems[0].message and "70" in problems[1].message


CREATE_SCHEMA = to_json_schema(request_schema("meetingCreate"))
# weekly_days: one digit in the schema's enum, comma-separated digits in its description.
CREATE_SCHEMA["properties"]["recurrence"]["properties"]["weekly_days"].pop("enum")


def test_bodies_with_recurrence_and_settings_meet_the_schema_and_the_sandbox(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings
) -> None:
    path = timetable(
        tmp_path,
        [
            ["weekly", "Mon,Thu", "", "2027-07-31", f"{BOB};{CAROL}", "yes"],
            ["monthly", "", "6", "", BOB, "no"],
            ["매일", "", "3", "", "", ""],
        ],
    )
    loaded = load(path, make_settings())
    assert loaded.validation.ok
    for session in loaded.validation.sessions:
        jsonschema.validate(create_body(session), CREATE_SCHEMA)
    report = schedule(loaded, make_settings(sandbox, rate=30, output=tmp_path / "out.csv"))
    assert report.counts()["created"] == 3
    meetings = sorted(sandbox.meetings(), key=lambda m: m["topic"])
    assert [m["type"] for m in meetings] == [8, 8, 8]
    assert meetings[0]["settings"]["alternative_hosts"] == f"{BOB};{CAROL}"
    assert meetings[0]["settings"]["waiting_room"] is True
    assert len(meetings[2]["occurrences"]) == 3


def test_zoom_refusing_an_alternative_host_fails_that_row_naming_the_field(
    tmp_path: Path, sandbox_factory: Callable[..., Sandbox], make_settings: MakeSettings
) -> None:
    sb = sandbox_factory(
        SandboxConfig(users=[SandboxUser(ALICE), SandboxUser(BOB, licensed=False)])
    )
    path = timetable(
        tmp_path,
        [
            ["", "", "", "", "stranger@elsewhere.example", ""],
            ["", "", "", "", BOB, ""],
            ["weekly", "", "2", "", "", ""],
        ],
    )
    settings = make_settings(sb, rate=30, output=tmp_path / "out.csv")
    loaded = load(path, settings)
    report = schedule(loaded, settings)
    outcomes = {o.row: o for o in report.outcomes}
    assert outcomes[2].status == "failed" and outcomes[3].status == "failed"
    assert "alternative_hosts" in (outcomes[2].error or "")
    assert "stranger@elsewhere.example" in (outcomes[2].error or "")
    assert BOB in (outcomes[3].error or "")
    assert outcomes[4].status == "created"
    assert outcome_exit(report.counts()) == 4


@given(word=st.sampled_from(sorted(YES_WORDS | NO_WORDS)), shout=st.booleans(), pad=st.booleans())
def test_a_yes_or_no_word_means_the_same_in_every_yes_no_column(
    word: str, shout: bool, pad: bool
) -> None:
    """A meeting setting and the registration column read one vocabulary of yes/no words,
    whatever their case and the spaces around them."""
    cell = (word.upper() if shout else word) + ("  " if pad else "")
    meaning = word in YES_WORDS
    assert parse_bool(cell) is meaning
    assert parse_registration(cell) is meaning
