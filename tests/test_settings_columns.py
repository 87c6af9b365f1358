"""settings.<field> columns: typed and checked by Zoom's meetingCreate schema, with friendly names."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batchzoom.engine.planning import load
from batchzoom.model import meeting_settings
from batchzoom.model.columns import match_header
from batchzoom.model.meeting_settings import field_for
from batchzoom.model.problems import CellError
from tests.conftest import MakeSettings
from tests.rosters import HEADERS, session_rows, write_csv


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("settings.waiting_room", "settings.waiting_room"),
        ("Settings.Waiting Room", "settings.waiting_room"),
        ("waiting room", "settings.waiting_room"),
        ("대기실", "settings.waiting_room"),
        ("Recording", "settings.auto_recording"),
        ("mute on entry", "settings.mute_upon_entry"),
        ("settings: join before host", "settings.join_before_host"),
        ("settings.host_video", "settings.host_video"),
        ("settings.waitng_room", "settings.waitng_room"),
        ("Alternative hosts", "alternative_hosts"),
        ("settings.alternative_hosts", "alternative_hosts"),
    ],
)
def test_settings_headers_are_matched(header: str, name: str) -> None:
    assert match_header(header) == name


@pytest.mark.parametrize(
    ("cell", "value"),
    [("yes", True), ("No", False), ("TRUE", True), ("false", False), (1, True), (0.0, False),
     ("예", True), ("아니오", False), ("네", True), ("아니요", False), ("on", True), (True, True)],
)  # fmt: skip
def test_yes_no_cells_become_booleans(cell: object, value: bool) -> None:
    assert field_for("settings.waiting_room").parse(cell) is value


def test_enums_are_checked_and_matched_without_case() -> None:
    recording = field_for("settings.auto_recording")
    assert recording.parse("Cloud") == "cloud"
    assert recording.parse("클라우드") == "cloud"
    assert recording.parse("no") == "none"
    with pytest.raises(CellError, match="local, cloud, none"):
        recording.parse("tape")
    assert field_for("settings.jbh_time").parse(10.0) == 10
    with pytest.raises(CellError, match="0, 5, 10, 15"):
        field_for("settings.jbh_time").parse("7")
    with pytest.raises(CellError, match="yes or no"):
        field_for("settings.waiting_room").parse("maybe")


def test_a_field_of_a_settings_object_is_reached_with_one_more_dot() -> None:
    mode = field_for("settings.waiting_room_options.mode")
    assert mode.path == ("waiting_room_options", "mode")
    target: dict[str, object] = {}
    meeting_settings.merge(target, mode, mode.parse("follow_setting"))
    assert target == {"waiting_room_options": {"mode": "follow_setting"}}


def test_unknown_field_names_the_nearest_valid_one() -> None:
    with pytest.raises(CellError) as caught:
        field_for("settings.waitng_room")
    assert caught.value.code == "settings-unknown"
    assert "did you mean settings.waiting_room?" in caught.value.message
    with pytest.raises(CellError, match="group of settings"):
        field_for("settings.breakout_room")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(meeting_settings.known_fields()), st.text(max_size=12))
def test_every_known_field_parses_or_raises_a_setting_error(name: str, cell: str) -> None:
    """No cell crashes a settings column: it is a typed value or one clear CellError."""
    try:
        field_for(name).parse(cell)
    except CellError as error:
        assert error.message.endswith(".")


def roster(tmp_path: Path, extra: dict[str, list[str]]) -> Path:
    rows = session_rows(len(next(iter(extra.values()))))
    for index, row in enumerate(rows):
        row.extend(values[index] for values in extra.values())
    return write_csv(tmp_path / "r.csv", rows, (*HEADERS, *extra))


def test_settings_columns_reach_the_session(tmp_path: Path, make_settings: MakeSettings) -> None:
    path = roster(
        tmp_path,
        {"Waiting room": ["yes", "아니오"], "settings.auto_recording": ["cloud", ""]},
    )
    validation = load(path, make_settings()).validation
    assert validation.ok
    assert [s.settings for s in validation.sessions] == [
        {"waiting_room": True, "auto_recording": "cloud"},
        {"waiting_room": False},
    ]


def test_bad_settings_cells_are_problems_of_their_rows(
    tmp_path: Path, make_settings: MakeSettings
) -> None:
    path = roster(tmp_path, {"settings.auto_recording": ["cloud", "tape", "tape"]})
    validation = load(path, make_settings()).validation
    assert [(p.row, p.column, p.code) for p in validation.problems] == [
        (3, "settings.auto_recording", "settings-value"),
        (4, "settings.auto_recording", "settings-value"),
    ]
    assert [s.row for s in validation.sessions] == [2]


def test_unknown_settings_column_is_a_file_problem_with_a_suggestion(
    tmp_path: Path, make_settings: MakeSettings
) -> None:
    path = roster(tmp_path, {"settings.mute_upon_entri": ["yes"]})
    problems = load(path, make_settings()).validation.problems
    assert [(p.row, p.column, p.code) for p in problems] == [
        (None, "settings.mute_upon_entri", "settings-unknown")
    ]
    assert "did you mean settings.mute_upon_entry?" in problems[0].message
