"""Shared fixtures: sandboxes of the Zoom API running on loopback, and run settings.

``sandbox`` is a fresh, running sandbox per test with three licensed users
(alice, the account owner, bob and carol at school.example) and no faults.
``sandbox_factory(config)`` starts a sandbox with any ``SandboxConfig``; every
sandbox it started is stopped at teardown. ``make_settings`` builds the one
``Settings`` object the way the CLI does (``resolve``), pointed at a sandbox.

Retries are instant in every test (``BATCHZOOM_INSTANT_RETRIES``), subprocesses
included, so no test sleeps through a backoff.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from batchzoom.core import i18n
from batchzoom.core.i18n import LANGUAGE_ENV
from batchzoom.core.secret import Secret
from batchzoom.engine.settings import CLOCK_START, INSTANT_RETRIES, Settings, resolve
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from batchzoom.zoom import RetryPolicy, ZoomClient, ZoomSettings


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto`` starts two workers per core: most tests wait on loopback HTTP, pacing and
    child processes rather than compute (a run on 2 cores keeps them under half busy)."""
    return 2 * (len(os.sched_getaffinity(0)) or 1)


# Every clock of a test starts here: the run's (CLI and subprocesses included) and
# each sandbox's, so that no test depends on today's date.
TEST_NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
os.environ[INSTANT_RETRIES] = "1"
os.environ[CLOCK_START] = TEST_NOW.isoformat()
# Every test speaks English unless it asks for a language (``--lang``, ``use_language``), so
# that no test depends on the machine's locale.
os.environ[LANGUAGE_ENV] = "en"

# Tests that compute instants with ``zoneinfo.ZoneInfo`` (as an independent check of
# batchzoom's own zones) read the same database batchzoom does, the tzdata package,
# never the machine's: an empty search path makes zoneinfo fall back to tzdata.
zoneinfo.reset_tzpath(to=[])

SANDBOX_EMAILS = ("alice@school.example", "bob@school.example", "carol@school.example")

MakeSettings = Callable[..., Settings]


def sandbox_users() -> list[SandboxUser]:
    """Alice (owner), Bob and Carol, all licensed, each with a fresh id."""
    names = (("Alice", "Kim"), ("Bob", "Lee"), ("Carol", "Park"))
    return [
        SandboxUser(email=email, first_name=first, last_name=last)
        for email, (first, last) in zip(SANDBOX_EMAILS, names, strict=True)
    ]


def zoom_settings(sb: Sandbox, *, secret: str | None = None) -> ZoomSettings:
    """Credentials and URLs of a running sandbox (``secret`` replaces its client secret)."""
    return ZoomSettings(
        account_id=sb.account_id,
        client_id=sb.client_id,
        client_secret=Secret(secret if secret is not None else sb.client_secret),
        token_url=sb.token_url,
        api_url=sb.api_url,
    )


def quick_client(settings: ZoomSettings, **options: Any) -> ZoomClient:
    """A Zoom client that retries without waiting (``RetryPolicy.for_tests``); ``options`` as ZoomClient's."""
    options.setdefault("retry", RetryPolicy.for_tests())
    return ZoomClient(settings, **options)


def sandbox_env(sb: Sandbox, **extra: str | None) -> dict[str, str | None]:
    """The ZOOM_* environment that points the command line at a running sandbox, and ``extra``."""
    return {
        "ZOOM_ACCOUNT_ID": sb.account_id,
        "ZOOM_CLIENT_ID": sb.client_id,
        "ZOOM_CLIENT_SECRET": sb.client_secret,
        "ZOOM_TOKEN_URL": sb.token_url,
        "ZOOM_API_URL": sb.api_url,
        **extra,
    }


# Requests a second for a sandbox and a client that must not slow a test down.
FAST = 1000.0


@pytest.fixture
def make_settings() -> MakeSettings:
    """``make_settings(sandbox=None, roster=None, **flags)``: ``Settings`` as the CLI builds
    them (flags over ``batchzoom.toml`` beside ``roster`` over defaults), for ``sandbox``'s
    account and on its clock unless ``zoom`` or ``now`` (a clock, or an instant to stop it at)
    are given; without a sandbox, on a clock that starts at ``TEST_NOW``."""

    def make(sandbox: Sandbox | None = None, roster: Path | None = None, **flags: Any) -> Settings:
        moment = flags.get("now")
        if isinstance(moment, datetime):  # a clock stopped at that instant
            flags["now"] = lambda: moment
        settings = resolve(roster, **flags)
        if sandbox is not None:
            settings = replace(
                settings,
                zoom=flags.get("zoom") or zoom_settings(sandbox),
                now=flags.get("now") or sandbox.clock.now,
            )
        return settings

    return make


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[[SandboxConfig], Sandbox]]:
    """Start sandboxes from configs; all are stopped when the test ends."""
    started: list[Sandbox] = []

    def start(config: SandboxConfig | None = None) -> Sandbox:
        sandbox = Sandbox(config or SandboxConfig(users=sandbox_users()))
        started.append(sandbox.start())
        sandbox.clock.set(TEST_NOW)
        return sandbox

    yield start
    for sandbox in started:
        sandbox.stop()


@pytest.fixture
def sandbox(sandbox_factory: Callable[[SandboxConfig], Sandbox]) -> Sandbox:
    """A running sandbox: alice (owner), bob, carol; Pro limits but a per-second limit of
    1000, which the tests that pace at 1000 requests a second (to run quickly, with instant
    retries) never meet however fast the sandbox answers; no faults."""
    return sandbox_factory(SandboxConfig(users=sandbox_users(), qps=FAST))


@pytest.fixture(autouse=True)
def _english_by_default() -> Iterator[None]:
    """A command run in a test may choose a language for the process; the next test starts
    in English again."""
    yield
    i18n.set_language(i18n.ENGLISH)
