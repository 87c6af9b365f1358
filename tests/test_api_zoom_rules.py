"""``Zoom.create_meeting`` applies a roster row's rules: the same problems, the same instant.

Against the sandbox over real HTTP: a refused meeting sends nothing; a property test holds
that a wall time near a DST change gives what the same cell of a roster gives.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import batchzoom
from tests.conftest import TEST_NOW


@pytest.fixture(scope="module")
def sandbox() -> Iterator[batchzoom.Sandbox]:
    with batchzoom.Sandbox(users=["owner@school.example"]) as sandbox:
        sandbox.clock.set(TEST_NOW)
        yield sandbox


@pytest.fixture(scope="module")
def zoom(sandbox: batchzoom.Sandbox) -> Iterator[batchzoom.Zoom]:
    with sandbox.zoom() as zoom:
        yield zoom


LATER = datetime(2040, 5, 7, 14, 0)


@pytest.mark.parametrize(
    ("arguments", "column", "code"),
    [
        ({"topic": " "}, "topic", "topic-missing"),
        ({"topic": "x" * 201}, "topic", "topic-length"),
        ({"duration": 0}, "duration", "duration-range"),
        ({"duration": 1441}, "duration", "duration-range"),
        ({"host": "not an email"}, "host", "host-format"),
        ({"agenda": "a" * 2001}, "agenda", "agenda-length"),
        ({"password": "pass word"}, "password", "password-format"),
        ({"password": "12345678901"}, "password", "password-format"),
        ({"start": TEST_NOW.replace(tzinfo=None) - timedelta(days=1)}, "start", "start-in-past"),
    ],
)
def test_a_row_rule_refuses_and_nothing_is_sent(
    zoom: batchzoom.Zoom,
    sandbox: batchzoom.Sandbox,
    arguments: dict[str, object],
    column: str,
    code: str,
) -> None:
    call: dict[str, object] = {"topic": "Office hours", "start": LATER, "duration": 45}
    call |= arguments
    before = len(sandbox.meetings())
    with pytest.raises(batchzoom.InvalidSessionError) as caught:
        zoom.create_meeting(timezone="Asia/Seoul", **call)  # type: ignore[arg-type]
    assert [(p.row, p.column, p.code) for p in caught.value.problems] == [(None, column, code)]
    message = str(caught.value)
    assert message[0].isupper() and message.endswith(".") and "\n" not in message
    assert len(sandbox.meetings()) == before


def test_every_problem_is_named_at_once(zoom: batchzoom.Zoom) -> None:
    with pytest.raises(batchzoom.InvalidSessionError) as caught:
        zoom.create_meeting("", LATER, 0, timezone="Asia/Seoul", password="???")
    assert {p.code for p in caught.value.problems} == {
        "topic-missing",
        "duration-range",
        "password-format",
    }


def test_recurrence_and_settings_go_as_the_roster_sends_them(
    zoom: batchzoom.Zoom, sandbox: batchzoom.Sandbox
) -> None:
    weekly = {"type": 2, "repeat_interval": 1, "weekly_days": "2", "end_times": 3}
    meeting = zoom.create_meeting(
        "Seminar",
        LATER,
        60,
        timezone="Europe/Berlin",
        recurrence=weekly,
        settings={"waiting_room": True},
    )
    assert len(meeting.occurrences) == 3
    [sent] = [m for m in sandbox.meetings() if m["id"] == meeting.id]
    assert sent["type"] == 8 and sent["settings"]["waiting_room"] is True


ZONES = ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Pacific/Chatham"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    zone=st.sampled_from(ZONES),
    year=st.integers(2030, 2045),
    month=st.sampled_from([3, 4, 9, 10, 11]),
    day=st.integers(1, 28),
    hour=st.integers(0, 3),
    minute=st.sampled_from([0, 15, 30, 45]),
)
@example(zone="America/New_York", year=2040, month=3, day=11, hour=2, minute=30)  # a gap
@example(zone="America/New_York", year=2040, month=11, day=4, hour=1, minute=30)  # a fold
def test_a_wall_time_gives_what_the_roster_cell_gives(
    zoom: batchzoom.Zoom, zone: str, year: int, month: int, day: int, hour: int, minute: int
) -> None:
    wall = datetime(year, month, day, hour, minute)
    row = {
        "Topic": "Same rules",
        "Start": f"{wall:%Y-%m-%d %H:%M}",
        "Time zone": zone,
        "Duration": 30,
    }
    roster = batchzoom.validate([row])
    try:
        meeting = zoom.create_meeting("Same rules", wall, 30, timezone=zone)
    except batchzoom.InvalidSessionError as error:
        assert roster.exit_code == 3
        assert [p.code for p in error.problems] == [p.code for p in roster.problems]
        return
    assert roster.exit_code == 0, roster.problems
    assert meeting.start is not None
    assert batchzoom_start(meeting.start) == roster.rows[0].start_utc


def batchzoom_start(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%SZ}"
