"""Fixtures for the sandbox's own tests: HTTP clients holding a valid token."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from tests.conftest import sandbox_users


def _fetch_token(sandbox: Sandbox) -> str:
    response = httpx.post(
        sandbox.token_url,
        auth=(sandbox.client_id, sandbox.client_secret),
        data={"grant_type": "account_credentials", "account_id": sandbox.account_id},
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@pytest.fixture
def token_for() -> Callable[[Sandbox], str]:
    """Fetch a fresh access token from a sandbox's token endpoint."""
    return _fetch_token


@pytest.fixture
def client_for() -> Iterator[Callable[[Sandbox], httpx.Client]]:
    """Make an authenticated httpx client on a sandbox's /v2 base (closed at teardown)."""
    clients: list[httpx.Client] = []

    def make(sandbox: Sandbox) -> httpx.Client:
        client = httpx.Client(
            base_url=sandbox.api_url + "/",
            headers={"Authorization": f"Bearer {_fetch_token(sandbox)}"},
            timeout=10,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def sandbox(sandbox_factory: Callable[[SandboxConfig], Sandbox]) -> Sandbox:
    """The sandbox's own tests see it as it runs by default: alice (owner), bob, carol,
    Zoom's Pro limits, per-second ones included."""
    return sandbox_factory(SandboxConfig(users=sandbox_users()))


@pytest.fixture
def api(sandbox: Sandbox, client_for: Callable[[Sandbox], httpx.Client]) -> httpx.Client:
    """An authenticated client for the ``sandbox`` fixture."""
    return client_for(sandbox)


@pytest.fixture
def unlimited(
    sandbox_factory: Callable[[SandboxConfig], Sandbox],
    client_for: Callable[[Sandbox], httpx.Client],
) -> httpx.Client:
    """A client on a sandbox without the per-host daily limit or a per-second limit that
    counts (a hypothesis test sends many requests, as fast as the sandbox answers)."""
    users = [SandboxUser("alice@school.example"), SandboxUser("bob@school.example")]
    return client_for(sandbox_factory(SandboxConfig(users=users, daily_limit=0, qps=1e6)))
