"""Shared fixtures: sandboxes of the Zoom API running on loopback.

``sandbox`` is a fresh, running sandbox per test with three licensed users
(alice, the account owner, bob and carol at school.example) and no faults.
``sandbox_factory(config)`` starts a sandbox with any ``SandboxConfig``; every
sandbox it started is stopped at teardown.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterator

import pytest

from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser

# Tests that compute instants with ``zoneinfo.ZoneInfo`` (as an independent check of
# batchzoom's own zones) read the same database batchzoom does, the tzdata package,
# never the machine's: an empty search path makes zoneinfo fall back to tzdata.
zoneinfo.reset_tzpath(to=[])

SANDBOX_EMAILS = ("alice@school.example", "bob@school.example", "carol@school.example")


def sandbox_users() -> list[SandboxUser]:
    """Alice (owner), Bob and Carol, all licensed, each with a fresh id."""
    names = (("Alice", "Kim"), ("Bob", "Lee"), ("Carol", "Park"))
    return [
        SandboxUser(email=email, first_name=first, last_name=last)
        for email, (first, last) in zip(SANDBOX_EMAILS, names, strict=True)
    ]


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[[SandboxConfig], Sandbox]]:
    """Start sandboxes from configs; all are stopped when the test ends."""
    started: list[Sandbox] = []

    def start(config: SandboxConfig | None = None) -> Sandbox:
        sandbox = Sandbox(config or SandboxConfig(users=sandbox_users()))
        started.append(sandbox.start())
        return sandbox

    yield start
    for sandbox in started:
        sandbox.stop()


@pytest.fixture
def sandbox(sandbox_factory: Callable[[SandboxConfig], Sandbox]) -> Sandbox:
    """A running sandbox: alice (owner), bob, carol; Pro limits; no faults."""
    return sandbox_factory(SandboxConfig(users=sandbox_users()))
