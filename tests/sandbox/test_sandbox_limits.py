"""Rate limits: per-second by category, Free's daily caps, and 100 create/update per host per day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from batchzoom.sandbox.clock import SandboxClock
from batchzoom.sandbox.limits import RateLimiter, rate_for

Factory = Callable[[SandboxConfig], Sandbox]
ClientFor = Callable[[Sandbox], httpx.Client]
QPS_BODY = {
    "code": 429,
    "message": "You have reached the maximum per-second rate limit for this API. Try again later.",
}
USER_DAILY_BODY = {
    "code": 429,
    "message": "You have exceeded the daily rate limit (3) of Meeting Create/Update API requests"
    " permitted for this particular user. You may resume these requests at GMT 00:00:00.",
}


def _users() -> list[SandboxUser]:
    return [SandboxUser("alice@school.example"), SandboxUser("bob@school.example")]


def _frozen(factory: Factory, **options: object) -> Sandbox:
    """A sandbox whose clock stands at 2031-05-05T10:00:00Z until moved."""
    sb = factory(SandboxConfig(users=_users(), frozen_clock=True, **options))  # type: ignore[arg-type]
    sb.clock.set(datetime(2031, 5, 5, 10, 0, tzinfo=UTC))
    return sb


def _create(api: httpx.Client, user: str = "me") -> httpx.Response:
    return api.post(
        f"users/{user}/meetings", json={"topic": "T", "start_time": "2031-06-01T09:00:00Z"}
    )


def test_qps_limit_refuses_the_request_over_the_limit(
    sandbox_factory: Factory, client_for: ClientFor
) -> None:
    """With 2/s, the third request in the same second gets a QPS 429 with Zoom's headers and body."""
    sb = _frozen(sandbox_factory, qps=2)
    api = client_for(sb)
    assert [api.get("users/me").status_code for _ in range(2)] == [200, 200]
    refused = api.get("users/me")
    assert refused.status_code == 429
    assert refused.json() == QPS_BODY
    assert refused.headers["X-RateLimit-Category"] == "Light"
    assert refused.headers["X-RateLimit-Type"] == "QPS"
    assert refused.headers["X-RateLimit-Limit"] == "2"
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert "Retry-After" not in refused.headers
    sb.clock.advance(1.0)
    assert api.get("users/me").status_code == 200
    assert sb.counters()["user"]["rate_limited"] == {"QPS": 1}


def test_window_slides_rather_than_resetting_on_the_second(
    sandbox_factory: Factory, client_for: ClientFor
) -> None:
    """Two requests at t=0.6 and t=1.2 leave no room for a third at 1.5 under 2/s."""
    sb = _frozen(sandbox_factory, qps=2)
    api = client_for(sb)
    sb.clock.advance(0.6)
    assert api.get("users/me").status_code == 200
    sb.clock.advance(0.6)
    assert api.get("users/me").status_code == 200
    sb.clock.advance(0.3)
    assert api.get("users/me").status_code == 429
    sb.clock.advance(0.11)
    assert api.get("users/me").status_code == 200


def test_categories_are_limited_separately(sandbox_factory: Factory, client_for: ClientFor) -> None:
    """List meetings is MEDIUM; it has its own window and its own header value."""
    sb = _frozen(sandbox_factory, qps_by_category={"LIGHT": 1, "MEDIUM": 1})
    api = client_for(sb)
    assert api.get("users/me").status_code == 200
    assert api.get("users/me/meetings").status_code == 200
    refused = api.get("users/me/meetings")
    assert refused.status_code == 429
    assert refused.headers["X-RateLimit-Category"] == "Medium"


def test_free_plan_allows_four_light_requests_per_second(
    sandbox_factory: Factory, client_for: ClientFor
) -> None:
    """Free: Light 4/s (Zoom's table)."""
    sb = _frozen(sandbox_factory, plan="free")
    api = client_for(sb)
    statuses = [api.get("users/me").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_daily_category_cap_gives_daily_limit_429_with_retry_after(
    sandbox_factory: Factory, client_for: ClientFor
) -> None:
    """Over a daily cap: X-RateLimit-Type Daily-limit and Retry-After = next 00:00 UTC (ISO 8601)."""
    sb = _frozen(sandbox_factory, daily_by_category={"LIGHT": 2})
    api = client_for(sb)
    for _ in range(2):
        assert api.get("users/me").status_code == 200
        sb.clock.advance(1)
    refused = api.get("users/me")
    assert refused.status_code == 429
    assert refused.json() == {
        "code": 429,
        "message": "You have reached the maximum daily rate limit for this API. Refer to the"
        " response header for details on when you can make another request.",
    }
    assert refused.headers["X-RateLimit-Type"] == "Daily-limit"
    assert refused.headers["X-RateLimit-Limit"] == "2"
    assert refused.headers["Retry-After"] == "2031-05-06T00:00:00Z"
    sb.clock.set(datetime(2031, 5, 6, 0, 0, tzinfo=UTC))
    api = client_for(sb)
    assert api.get("users/me").status_code == 200


def test_host_daily_create_update_limit(sandbox_factory: Factory, client_for: ClientFor) -> None:
    """Creates and updates share the per-host daily allowance; with user_limit_type_header the
    429 has the documented headers (X-RateLimit-Type and Retry-After)."""
    sb = _frozen(sandbox_factory, daily_limit=3, user_limit_type_header=True)
    api = client_for(sb)
    first = _create(api)
    assert first.headers["X-RateLimit-Remaining"] == "2"
    assert _create(api).status_code == 201
    update = api.patch(f"meetings/{first.json()['id']}", json={"topic": "U"})
    assert update.status_code == 204 and update.headers["X-RateLimit-Remaining"] == "0"
    sb.clock.advance(1)
    refused = _create(api)
    assert refused.status_code == 429
    assert refused.json() == USER_DAILY_BODY
    assert refused.headers["X-RateLimit-Type"] == "Daily-limit"
    assert refused.headers["X-RateLimit-Limit"] == "3"
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.headers["Retry-After"] == "2031-05-06T00:00:00Z"
    assert len(sb.meetings()) == 2
    # Another host is unaffected; delete does not count.
    assert _create(api, "bob@school.example").status_code == 201
    assert api.delete(f"meetings/{first.json()['id']}").status_code == 204
    assert sb.counters()["meetingCreate"]["rate_limited"] == {"User-daily-limit": 1}


def test_host_daily_limit_resets_at_utc_midnight(
    sandbox_factory: Factory, client_for: ClientFor
) -> None:
    """The allowance comes back at 00:00 UTC, not 24 hours after the first request."""
    sb = _frozen(sandbox_factory, daily_limit=1)
    sb.clock.set(datetime(2031, 5, 5, 23, 59, 0, tzinfo=UTC))
    api = client_for(sb)
    assert _create(api).status_code == 201
    sb.clock.advance(30)
    assert _create(api).status_code == 429
    sb.clock.advance(30)  # 00:00:00 UTC
    assert _create(api).status_code == 201


def test_observed_header_shape_for_the_host_limit(
    sandbox_factory: Factory, client_for: ClientFor
) -> None:
    """By default the per-host 429 is the observed one (devforum 18928): no X-RateLimit-Type,
    no Retry-After, and limit/remaining of the account's daily Light budget."""
    sb = _frozen(sandbox_factory, daily_limit=1)
    api = client_for(sb)
    _create(api)
    assert api.get("users/me").status_code == 200
    refused = _create(api)
    assert refused.status_code == 429
    assert "X-RateLimit-Type" not in refused.headers and "Retry-After" not in refused.headers
    assert refused.headers["X-RateLimit-Category"] == "Light"
    assert refused.headers["X-RateLimit-Limit"] == "6000"
    assert refused.headers["X-RateLimit-Remaining"] == "5998"  # one create, one get
    assert "daily rate limit (1)" in refused.json()["message"]


def test_a_refused_request_changes_nothing(sandbox_factory: Factory, client_for: ClientFor) -> None:
    """A 429 stores nothing and uses neither the per-second window nor the host's allowance."""
    sb = _frozen(sandbox_factory, qps=1, daily_limit=1)
    api = client_for(sb)
    assert api.get("users/me").status_code == 200
    assert _create(api, "bob@school.example").status_code == 429  # QPS
    assert sb.meetings() == []
    sb.clock.advance(1)
    assert _create(api, "bob@school.example").status_code == 201  # bob's one create is intact
    sb.clock.advance(1)
    assert api.get("users/me").status_code == 200
    assert len(sb.meetings()) == 1


def test_rate_for_turns_fractions_into_windows() -> None:
    """2.5/s allows 2 per second; 0.5/s allows 1 per 2 seconds."""
    assert (rate_for(2.5).count, rate_for(2.5).window) == (2, 1.0)
    assert (rate_for(0.5).count, rate_for(0.5).window) == (1, 2.0)
    with pytest.raises(ValueError):
        rate_for(0)


def test_unknown_plan_is_refused() -> None:
    """Only free, pro and business exist."""
    with pytest.raises(ValueError, match="plan"):
        RateLimiter(SandboxClock(), "enterprise-plus")
