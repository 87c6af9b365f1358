"""Pure parts of the Zoom client: settings, Retry-After parsing, pacing, secrets."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batchzoom.core.errors import ConfigError
from batchzoom.core.secret import Secret
from batchzoom.zoom.policy import RetryPolicy
from batchzoom.zoom.ratelimit import (
    EASE,
    HEADROOM,
    LONE,
    LOWEST_HEADROOM,
    SLOWDOWN,
    Pacer,
    RateLimits,
    default_concurrency,
)
from batchzoom.zoom.retry import RetryableResponseError, parse_retry_after
from batchzoom.zoom.settings import load_settings, parse_env_file
from tests.clocks import FakeTime

CREDS = {"ZOOM_ACCOUNT_ID": "acc", "ZOOM_CLIENT_ID": "cid", "ZOOM_CLIENT_SECRET": "shh"}


def test_env_file_parsing_handles_comments_quotes_and_export() -> None:
    text = "# comment\nexport ZOOM_ACCOUNT_ID=\"a b\"\nZOOM_CLIENT_ID = xyz # trailing\n\nbad line\nK='q'\n"
    assert parse_env_file(text) == {"ZOOM_ACCOUNT_ID": "a b", "ZOOM_CLIENT_ID": "xyz", "K": "q"}


def test_environment_wins_over_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "ZOOM_ACCOUNT_ID=file\nZOOM_CLIENT_ID=file\nZOOM_CLIENT_SECRET=file\n", encoding="utf-8"
    )
    settings_ = load_settings({"ZOOM_ACCOUNT_ID": "env"}, cwd=tmp_path)
    assert settings_.account_id == "env"
    assert settings_.client_id == "file"
    assert settings_.client_secret.reveal() == "file"
    assert settings_.api_url == "https://api.zoom.us/v2"
    assert settings_.token_url == "https://zoom.us/oauth/token"


def test_missing_credentials_name_every_variable_and_the_env_option() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"ZOOM_CLIENT_ID": "x"})
    message = str(caught.value)
    assert "ZOOM_ACCOUNT_ID" in message and "ZOOM_CLIENT_SECRET" in message
    assert "ZOOM_CLIENT_ID," not in message
    assert ".env" in message and "--env-file" in message


def test_unreadable_env_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--env-file"):
        load_settings(CREDS, env_file=tmp_path / "missing.env")


def test_urls_are_checked_and_trailing_slash_dropped() -> None:
    got = load_settings(
        CREDS, api_url="http://127.0.0.1:9/v2/", token_url="http://127.0.0.1:9/oauth/token"
    )
    assert got.api_url == "http://127.0.0.1:9/v2"
    with pytest.raises(ConfigError, match="ZOOM_API_URL"):
        load_settings(CREDS, api_url="ftp://x")


def test_secret_never_shows_its_value() -> None:
    secret = Secret("hunter2")
    assert "hunter2" not in f"{secret} {secret!r} {[secret]} {secret:>20}"
    assert secret.reveal() == "hunter2"


NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def _response(**headers: str) -> httpx.Response:
    return httpx.Response(429, headers=headers)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"Retry-After": "2027-03-02T00:00:00Z"}, 12 * 3600.0),
        ({"Retry-After": "Mon, 01 Mar 2027 12:00:30 GMT"}, 30.0),
        ({"Retry-After": "2027-03-01T11:00:00Z"}, 0.0),
        ({"X-RateLimit-Reset": str(int(NOW.timestamp()) + 3)}, 3.0),
        ({"Retry-After": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_forms(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(_response(**headers), now=NOW) == expected


@settings(max_examples=50, deadline=None)
@given(rate=st.integers(min_value=1, max_value=200), n=st.integers(min_value=2, max_value=400))
def test_pacer_never_puts_more_than_the_limit_in_any_second(rate: int, n: int) -> None:
    fake = FakeTime()
    pacer = Pacer(rate, clock=fake.clock, sleep=fake.sleep)
    times = []
    for _ in range(n):
        pacer.acquire()
        times.append(fake.now)
    # No one-second window holds more than the limit; the overall pace is HEADROOM * rate.
    for i, start in enumerate(times):
        in_window = sum(1 for t in times[i:] if t < start + 1.0)
        assert in_window <= rate
    assert times[-1] - times[0] == pytest.approx((n - 1) / (rate * HEADROOM))


def test_a_lone_429_widens_the_margin_and_429s_in_a_row_cut_the_pace() -> None:
    fake = FakeTime()
    pacer = Pacer(10, clock=fake.clock, sleep=fake.sleep)
    before = pacer.rate
    for _ in range(5):  # five workers hear 429 for the same moment
        pacer.slow_down()
    eased = 10 * (HEADROOM - EASE)
    assert pacer.rate == pytest.approx(eased)  # the margin widened once, the pace kept
    assert (pacer.eased, pacer.slowdowns) == (1, 0)
    fake.now += 1.0  # another 429 a second later, for a request sent at the eased pace
    pacer.slow_down(sent_at=fake.now - 0.1)
    assert pacer.rate == pytest.approx(eased * SLOWDOWN)  # another app: the pace is cut
    assert (pacer.eased, pacer.slowdowns) == (1, 1)
    fake.now += 30  # a quiet half minute: back to the eased aim, not the first one
    pacer.acquire()
    assert pacer.rate == pytest.approx(eased)
    assert eased < before


def test_lone_429s_widen_the_margin_no_further_than_the_lowest_headroom() -> None:
    fake = FakeTime()
    pacer = Pacer(20, clock=fake.clock, sleep=fake.sleep)
    for _ in range(20):
        fake.now += LONE
        pacer.slow_down(sent_at=fake.now)
    assert pacer.rate == pytest.approx(20 * LOWEST_HEADROOM)
    assert pacer.slowdowns == 0


def test_plan_limits_and_rate_override() -> None:
    assert RateLimits.for_plan("pro").limits["LIGHT"] == 30
    assert RateLimits.for_plan("free").limits["MEDIUM"] == 2
    assert set(RateLimits.for_plan("business", rate=5).limits.values()) == {5}
    assert default_concurrency(30) == 30
    assert default_concurrency(80) == 32
    assert default_concurrency(1) == 4


def _retrying_outcome(
    policy: RetryPolicy, errors: list[Exception], *, idempotent: bool
) -> tuple[int, object]:
    calls = 0

    def attempt() -> str:
        nonlocal calls
        calls += 1
        if errors:
            raise errors.pop(0)
        return "ok"

    try:
        for step in policy.retrying(idempotent=idempotent):
            with step:
                result = attempt()
        return calls, result
    except Exception as error:
        return calls, error


def test_policy_retries_qps_429_and_5xx_for_idempotent_calls() -> None:
    errors: list[Exception] = [
        RetryableResponseError(httpx.Response(429), 0.0),
        RetryableResponseError(httpx.Response(503), None),
        httpx.ConnectError("refused"),
    ]
    assert _retrying_outcome(RetryPolicy.for_tests(), errors, idempotent=True) == (4, "ok")


def test_policy_does_not_retry_5xx_or_read_timeouts_of_a_create() -> None:
    calls, error = _retrying_outcome(
        RetryPolicy.for_tests(),
        [RetryableResponseError(httpx.Response(502), None)],
        idempotent=False,
    )
    assert calls == 1 and isinstance(error, RetryableResponseError)
    calls, error = _retrying_outcome(
        RetryPolicy.for_tests(), [httpx.ReadTimeout("slow")], idempotent=False
    )
    assert calls == 1 and isinstance(error, httpx.ReadTimeout)


def test_policy_caps_attempts() -> None:
    errors: list[Exception] = [httpx.ConnectError("x") for _ in range(20)]
    calls, error = _retrying_outcome(
        RetryPolicy(max_attempts=3, instant=True), errors, idempotent=True
    )
    assert calls == 3 and isinstance(error, httpx.ConnectError)


def test_policy_gives_up_when_retry_after_overruns_the_time_budget() -> None:
    errors: list[Exception] = [RetryableResponseError(httpx.Response(429), 3600.0)]
    calls, error = _retrying_outcome(
        RetryPolicy(max_total=60, instant=True), errors, idempotent=True
    )
    assert calls == 1 and isinstance(error, RetryableResponseError)


def test_env_file_read_as_dotenv_reads_it(tmp_path: Path) -> None:
    """Double-quoted escapes, single quotes kept literal, values with '=' and '#', export."""
    (tmp_path / ".env").write_text(
        'export ZOOM_ACCOUNT_ID="acc\\tone"\n'
        "ZOOM_CLIENT_ID='c#id=2' # the app\n"
        "ZOOM_CLIENT_SECRET=s3cr#et\n",
        encoding="utf-8",
    )
    settings = load_settings({}, cwd=tmp_path)
    assert settings.account_id == "acc\tone"
    assert settings.client_id == "c#id=2"
    assert settings.client_secret.reveal() == "s3cr#et"


def test_a_non_utf8_env_file_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes("ZOOM_ACCOUNT_ID=계정\n".encode("cp949"))
    with pytest.raises(ConfigError) as caught:
        load_settings({}, cwd=tmp_path)
    message = str(caught.value)
    assert ".env is not UTF-8 text" in message and "save it as UTF-8" in message
    assert message.count(". ") == 0
