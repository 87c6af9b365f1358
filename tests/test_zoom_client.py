"""The Zoom client against the sandbox over real loopback HTTP."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from batchzoom.api.accounts import sandbox_for
from batchzoom.core.errors import AuthError, ZoomUnreachableError
from batchzoom.core.secret import Secret
from batchzoom.engine.batch import schedule
from batchzoom.engine.planning import load
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from batchzoom.zoom import (
    DailyLimitError,
    InDoubtError,
    RateLimits,
    RetryPolicy,
    ZoomClient,
    ZoomRequestError,
    ZoomSettings,
)
from batchzoom.zoom.ratelimit import EASE, HEADROOM
from tests.conftest import TEST_NOW, MakeSettings, quick_client, zoom_settings

HOST = "alice@school.example"
PRO = RateLimits.for_plan("pro")


@contextmanager
def client_for(sb: Sandbox, **kwargs: Any) -> Iterator[ZoomClient]:
    kwargs.setdefault("now", sb.clock.now)
    with quick_client(zoom_settings(sb), **kwargs) as client:
        yield client


def body(n: int = 0, **extra: Any) -> dict[str, Any]:
    start = datetime(2027, 5, 3, 9, 0) + timedelta(hours=n)
    return {
        "topic": f"Class {n}",
        "type": 2,
        "start_time": start.strftime("%Y-%m-%dT%H:%M:%S"),
        "timezone": "Asia/Seoul",
        "duration": 50,
        **extra,
    }


def counter(sb: Sandbox, endpoint: str, key: str = "requests") -> Any:
    return sb.counters().get(endpoint, {}).get(key, 0)


def test_twenty_workers_share_one_token(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client, ThreadPoolExecutor(20) as pool:
        meetings = list(pool.map(lambda n: client.create_meeting(HOST, body(n)), range(60)))
    assert len({m["id"] for m in meetings}) == 60
    assert client.tokens_fetched == 1
    assert counter(sandbox, "token", "tokens_issued") == 1


def test_created_meeting_keeps_the_local_time_and_zone(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        meeting = client.create_meeting(HOST, body(0))
    assert meeting["start_time"] == "2027-05-03T00:00:00Z"  # 09:00 in Seoul (UTC+9)
    assert meeting["timezone"] == "Asia/Seoul"
    assert meeting["join_url"] and meeting["password"]


def test_expired_token_is_renewed_once_and_the_request_resent(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        client.create_meeting(HOST, body(0))
        sandbox.clock.advance(3601)
        client.create_meeting(HOST, body(1))
    assert client.tokens_fetched == 2
    assert counter(sandbox, "meetingCreate", "responses").get("401") == 1
    assert len(sandbox.meetings()) == 2


def test_a_fresh_token_rejected_again_stops_the_run(
    sandbox_factory: Callable[..., Sandbox],
) -> None:
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser(HOST)], token_ttl=0))
    with client_for(sb) as client, pytest.raises(AuthError) as caught:
        client.create_meeting(HOST, body(0))
    assert client.tokens_fetched == 2
    assert "Access token is expired" in str(caught.value)
    assert sb.meetings() == []


def test_wrong_secret_quotes_zooms_reason_without_the_secret(sandbox: Sandbox) -> None:
    with (
        quick_client(zoom_settings(sandbox, secret="wrong-secret-value"), limits=PRO) as client,
        pytest.raises(AuthError) as caught,
    ):
        client.listing(HOST)
    message = str(caught.value)
    assert "Invalid client_id or client_secret" in message
    assert "wrong-secret-value" not in message


def test_transient_5xx_on_a_read_is_retried(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        meeting = client.create_meeting(HOST, body(0))
        sandbox.faults.fail_next("meeting", status=503, count=2)
        got = client.get_meeting(meeting["id"])
    assert got is not None and got["id"] == meeting["id"]
    assert counter(sandbox, "meeting") == 3


def test_5xx_on_a_create_is_in_doubt_not_resent(sandbox: Sandbox) -> None:
    sandbox.faults.fail_next("meetingCreate", status=502)
    with client_for(sandbox) as client, pytest.raises(InDoubtError):
        client.create_meeting(HOST, body(0))
    assert counter(sandbox, "meetingCreate") == 1


def test_dropped_create_is_in_doubt_and_found_by_listing(sandbox: Sandbox) -> None:
    sandbox.faults.drop_next("meetingCreate")
    with client_for(sandbox) as client:
        with pytest.raises(InDoubtError):
            client.create_meeting(HOST, body(0))
        listed = client.listing(HOST)
    assert counter(sandbox, "meetingCreate") == 1
    assert [(m["id"], m["topic"], m["start_time"]) for m in listed] == [
        (sandbox.meetings()[0]["id"], "Class 0", "2027-05-03T00:00:00Z")
    ]


def test_qps_429_is_retried_and_slows_the_pace(sandbox: Sandbox) -> None:
    sandbox.faults.qps_429_next("meetingCreate", count=2)
    limits = RateLimits.for_plan("pro")
    with client_for(sandbox, limits=limits) as client:
        client.create_meeting(HOST, body(0))
    assert len(sandbox.meetings()) == 1
    assert client.stats["qps_429"] == 2
    pacer = limits.pacer("LIGHT")  # two 429s within a quarter second: one lone moment
    assert (pacer.eased, limits.slowdowns()) == (1, 0)
    assert pacer.rate == pytest.approx(30 * (HEADROOM - EASE))


def test_pacing_keeps_a_burst_under_the_sandbox_limit(
    sandbox_factory: Callable[..., Sandbox],
) -> None:
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser(HOST)], qps=10))
    with (
        client_for(sb, limits=RateLimits.for_plan("pro", rate=10)) as client,
        ThreadPoolExecutor(8) as pool,
    ):
        list(pool.map(lambda n: client.create_meeting(HOST, body(n)), range(30)))
    assert len(sb.meetings()) == 30
    # Unpaced, eight workers on loopback would be refused most of these; paced, at most a stray one.
    assert client.stats["qps_429"] <= 2


@pytest.mark.parametrize("documented_headers", [True, False])
def test_host_daily_limit_is_recognised_with_or_without_headers(
    sandbox_factory: Callable[..., Sandbox], documented_headers: bool
) -> None:
    sb = sandbox_factory(
        SandboxConfig(
            users=[SandboxUser(HOST)], daily_limit=2, user_limit_type_header=documented_headers
        )
    )
    with client_for(sb) as client:
        client.create_meeting(HOST, body(0))
        client.create_meeting(HOST, body(1))
        with pytest.raises(DailyLimitError) as caught:
            client.create_meeting(HOST, body(2))
    assert caught.value.host == HOST
    assert caught.value.resume_at == sb.clock.next_utc_midnight()
    assert counter(sb, "meetingCreate") == 3  # refused once, not retried
    assert len(sb.meetings()) == 2


def test_zoom_validation_error_carries_zooms_code_and_message(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client, pytest.raises(ZoomRequestError) as caught:
        client.create_meeting(HOST, body(0, password="bad pass with spaces"))
    assert caught.value.status == 400 and caught.value.code == 300
    assert caught.value.fields == ["password"]
    # batchzoom explains the field itself; Zoom's "Invalid field." explains nothing.
    assert str(caught.value) == (
        "Zoom did not accept the passcode (Zoom field password); correct it in this row "
        "and run again (code 300)."
    )
    assert "bad pass" not in str(caught.value)  # a passcode is never quoted back
    assert counter(sandbox, "meetingCreate") == 1


def test_unknown_host_is_a_row_error(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client, pytest.raises(ZoomRequestError) as caught:
        client.create_meeting("nobody@school.example", body(0))
    assert (caught.value.status, caught.value.code) == (404, 1001)


def test_unreachable_zoom_stops_with_one_sentence() -> None:
    settings = ZoomSettings(
        "a",
        "b",
        Secret("c"),
        token_url="http://127.0.0.1:9/oauth/token",
        api_url="http://127.0.0.1:9/v2",
    )
    with (
        quick_client(settings, limits=PRO) as client,
        pytest.raises(ZoomUnreachableError, match="Cannot reach Zoom"),
    ):
        client.listing(HOST)


def test_listing_follows_every_page(sandbox_factory: Callable[..., Sandbox]) -> None:
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser(HOST)], qps=2000, daily_limit=0))
    limits = RateLimits.for_plan("pro", rate=2000)
    with client_for(sb, limits=limits) as client, ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: client.create_meeting(HOST, body(n)), range(305)))
        listed = list(client.list_meetings(HOST))
    assert len(listed) == 305
    assert counter(sb, "meetings") == 2
    assert all("password" not in m and "start_url" not in m for m in listed)


def test_delete_and_get_missing_meeting(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        meeting = client.create_meeting(HOST, body(0))
        client.delete_meeting(meeting["id"])
        assert client.get_meeting(meeting["id"]) is None
    assert sandbox.meetings() == []


def test_daily_reset_at_utc_midnight_lets_the_host_go_on(
    sandbox_factory: Callable[..., Sandbox],
) -> None:
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser(HOST)], daily_limit=1))
    with client_for(sb) as client:
        client.create_meeting(HOST, body(0))
        with pytest.raises(DailyLimitError):
            client.create_meeting(HOST, body(1))
        sb.clock.set(sb.clock.next_utc_midnight() + timedelta(seconds=1))
        client.create_meeting(HOST, body(1))
    assert len(sb.meetings()) == 2
    assert sb.clock.now() > TEST_NOW + timedelta(hours=14)  # the next day, UTC


def test_batchzooms_own_requests_pass_a_sandbox_that_wants_exact_types(
    tmp_path: Path, make_settings: MakeSettings
) -> None:
    """The sandbox accepts loose types as Zoom does; batchzoom still sends exact ones: the
    bundled timetable (one-off and recurring classes, settings, co-hosts) passes
    strict_types, and no request is refused."""
    roster = tmp_path / "timetable.xlsx"
    shutil.copy(Path(__file__).resolve().parent.parent / "samples" / "timetable.xlsx", roster)
    settings = make_settings(now=TEST_NOW, retry=RetryPolicy.for_tests())
    loaded = load(roster, settings)
    sb = sandbox_for(loaded, tmp_path / "sandbox.json", "pro")
    sb.config.strict_types = True
    with sb:
        sb.clock.set(TEST_NOW)
        run = make_settings(sb, now=TEST_NOW, retry=RetryPolicy.for_tests())
        report = schedule(load(roster, run), run)
        counts = report.counts()
        assert counts["created"] == len(loaded.validation.sessions) > 0
        assert counts["failed"] == 0
        assert "400" not in sb.counters()["meetingCreate"]["responses"]
