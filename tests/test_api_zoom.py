"""``batchzoom.Zoom``: one meeting at a time against the sandbox, with the roster's time checks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

import batchzoom
from batchzoom.sandbox import Sandbox
from tests.conftest import sandbox_env


@pytest.fixture
def zoom(sandbox: Sandbox) -> Iterator[batchzoom.Zoom]:
    with batchzoom.Zoom(
        account_id=sandbox.account_id,
        client_id=sandbox.client_id,
        client_secret=sandbox.client_secret,
        token_url=sandbox.token_url,
        api_url=sandbox.api_url,
        now=sandbox.clock.now,
        instant_retries=True,
    ) as zoom:
        yield zoom


def test_a_naive_start_is_a_wall_time_in_the_zone(zoom: batchzoom.Zoom) -> None:
    meeting = zoom.create_meeting(
        "Office hours", datetime(2040, 5, 7, 14, 0), 45, timezone="Asia/Seoul", agenda="Q&A"
    )
    assert meeting.start == datetime(2040, 5, 7, 5, 0, tzinfo=UTC)
    assert meeting.timezone == "Asia/Seoul"
    assert (meeting.topic, meeting.duration) == ("Office hours", 45)
    assert meeting.join_url.startswith("http")
    again = zoom.get_meeting(meeting.id)
    assert again is not None and again.start == meeting.start


def test_an_aware_start_is_that_instant(zoom: batchzoom.Zoom) -> None:
    start = datetime(2040, 5, 7, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    meeting = zoom.create_meeting("Aware", start, 30, timezone="Europe/Berlin")
    assert meeting.start == datetime(2040, 5, 7, 12, 0, tzinfo=UTC)


def test_a_naive_start_without_a_zone_is_refused(zoom: batchzoom.Zoom) -> None:
    with pytest.raises(batchzoom.InvalidSessionError) as caught:
        zoom.create_meeting("No zone", datetime(2040, 5, 7, 14, 0), 30)
    assert [p.code for p in caught.value.problems] == ["naive-start"]
    assert list(zoom.list_meetings("me")) == []


def test_a_time_in_a_dst_gap_names_both_instants(zoom: batchzoom.Zoom) -> None:
    # 2040-03-11 02:30 does not exist in New York (clocks jump from 02:00 to 03:00).
    with pytest.raises(batchzoom.InvalidSessionError) as caught:
        zoom.create_meeting("Gap", datetime(2040, 3, 11, 2, 30), 30, timezone="America/New_York")
    assert caught.value.problems[0].code == "dst-gap"
    assert "2040-03-11 01:30 EST (06:30 UTC)" in str(caught.value)
    assert "2040-03-11 03:30 EDT (07:30 UTC)" in str(caught.value)
    assert isinstance(caught.value, batchzoom.RowError)


def test_a_time_in_a_dst_fold_names_both_instants(zoom: batchzoom.Zoom) -> None:
    with pytest.raises(batchzoom.InvalidSessionError) as caught:
        zoom.create_meeting("Fold", datetime(2040, 11, 4, 1, 30), 30, timezone="America/New_York")
    assert caught.value.problems[0].code == "dst-fold"
    assert "2040-11-04 01:30 EDT (05:30 UTC)" in str(caught.value)
    assert "2040-11-04 01:30 EST (06:30 UTC)" in str(caught.value)


def test_an_unknown_zone_is_refused(zoom: batchzoom.Zoom) -> None:
    with pytest.raises(batchzoom.InvalidSessionError) as caught:
        zoom.create_meeting("Abbrev", datetime(2040, 5, 7, 14, 0), 30, timezone="KST")
    assert caught.value.problems[0].code == "timezone-unknown"


def test_update_list_and_delete(zoom: batchzoom.Zoom) -> None:
    meeting = zoom.create_meeting("First", datetime(2040, 5, 7, 9, 0), 30, timezone="UTC")
    zoom.update_meeting(
        meeting.id, topic="Renamed", start=datetime(2040, 5, 8, 9, 0), timezone="UTC"
    )
    changed = zoom.get_meeting(meeting.id)
    assert changed is not None
    assert (changed.topic, changed.start) == ("Renamed", datetime(2040, 5, 8, 9, 0, tzinfo=UTC))
    assert [m.id for m in zoom.list_meetings("me")] == [meeting.id]
    zoom.delete_meeting(meeting.id)
    assert zoom.get_meeting(meeting.id) is None


def test_a_refused_request_is_a_row_error(zoom: batchzoom.Zoom) -> None:
    with pytest.raises(batchzoom.ZoomRequestError) as caught:
        zoom.create_meeting(
            "Nobody", datetime(2040, 5, 7, 9), 30, timezone="UTC", host="x@no.example"
        )
    assert isinstance(caught.value, batchzoom.RowError)


def test_from_env_reads_the_cli_variables(sandbox: Sandbox) -> None:
    environ = {k: v for k, v in sandbox_env(sandbox).items() if v is not None}
    with batchzoom.Zoom.from_env(environ=environ) as zoom:
        meeting = zoom.create_meeting("Env", datetime(2040, 5, 7, 9), 30, timezone="UTC")
        assert meeting.id > 0
    with pytest.raises(batchzoom.ConfigError):
        batchzoom.Zoom.from_env(environ={}, env_file=None)


def test_sandbox_gives_a_zoom_for_its_account() -> None:
    with batchzoom.Sandbox(users=["alice@example.com", "bob@example.com"]) as sandbox:
        sandbox.clock.set(datetime(2040, 1, 1, tzinfo=UTC))
        with sandbox.zoom() as zoom:
            made = zoom.create_meeting(
                "Mine", datetime(2040, 5, 7, 9), 30, timezone="UTC", host="bob@example.com"
            )
            assert [m.id for m in zoom.list_meetings("bob@example.com")] == [made.id]
            assert list(zoom.list_meetings("me")) == []
        assert [m["id"] for m in sandbox.meetings()] == [made.id]
