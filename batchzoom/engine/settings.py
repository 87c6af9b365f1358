"""Every choice a run takes, in one keyword-only ``Settings``, and ``resolve`` that builds it.

A choice comes from a command-line flag, else from the configuration file
(``batchzoom.toml`` beside the roster, or ``config``), else from the built-in
default; a row's own cells win over all of them. The CLI and the tests build
their settings the same way, with ``resolve``.

Two environment variables serve tests, as stamina's testing mode does:
``BATCHZOOM_INSTANT_RETRIES=1`` makes retries instant (no backoff sleeps), and
``BATCHZOOM_NOW=2026-09-01T09:00:00Z`` starts the run's clock at that instant
(it then runs on), so that a test's dates never expire on a calendar day.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from batchzoom.core.errors import ConfigError
from batchzoom.engine import config as configuration
from batchzoom.model.rows import ValidationOptions
from batchzoom.model.times import DateOrder
from batchzoom.zoom import Plan, RateLimits, RetryPolicy, ZoomSettings

if TYPE_CHECKING:
    from batchzoom.zoom.client import ZoomClient

DEFAULT_HOST = "me"  # the account owner
INSTANT_RETRIES = "BATCHZOOM_INSTANT_RETRIES"
CLOCK_START = "BATCHZOOM_NOW"


def utc_now() -> datetime:
    """The real clock, in UTC (the default ``Settings.now``)."""
    return datetime.now(UTC)


class RunningClock:
    """A clock that reads ``start`` when made and then runs at the pace of real time."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self._origin = time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._origin)

    def __repr__(self) -> str:
        return f"RunningClock({self.start.isoformat()})"


def clock_from(environ: Mapping[str, str]) -> Callable[[], datetime]:
    """The clock ``BATCHZOOM_NOW`` asks for, else the real one."""
    text = environ.get(CLOCK_START, "").strip()
    if not text:
        return utc_now
    try:
        start = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        start = None
    if start is None or start.tzinfo is None:
        raise ConfigError(
            f"{CLOCK_START} must be an instant with its offset, e.g. 2026-09-01T09:00:00Z; "
            f"got {text!r}."
        )
    return RunningClock(start.astimezone(UTC))


@dataclass(frozen=True, kw_only=True)
class Settings:
    """How to read a roster, talk to Zoom and run; one object for every command."""

    # Reading and checking the roster
    sheet: str | None = None
    encoding: str | None = None
    timezone: str | None = None  # for rows without one
    date_order: DateOrder | None = None
    allow_past: bool = False
    host: str = DEFAULT_HOST  # for rows without one
    config: Path | None = None  # the configuration file read, if any
    strict: bool = False  # every warning is an error
    attendees: Path | None = None  # the attendee sheet's file (default: the roster's own sheet)
    # Only in the configuration file
    meeting_settings: Mapping[str, Any] = field(default_factory=dict)
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    pools: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    buffer_minutes: int = 0
    # Zoom
    plan: Plan = "pro"
    rate: float | None = None  # requests per second, instead of the plan's numbers
    concurrency: int | None = None  # requests in flight (default: enough for the rate)
    sandbox: bool = False
    env_file: Path | None = None
    token_url: str | None = None
    api_url: str | None = None
    allow_insecure_http: bool = False  # http:// to another machine (ZoomSettings)
    zoom: ZoomSettings | None = None  # the account to use (None: only a dry run)
    # The client every step of the run shares (one token, one pacer); None: each step opens
    # its own on ``zoom`` (see ``batchzoom.engine.connection``).
    client: ZoomClient | None = field(default=None, repr=False, compare=False)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    # The run
    output: Path | None = None
    in_place: bool = False
    skip_invalid: bool = False
    dry_run: bool = False
    include_start_url: bool = False
    state: Path | None = None  # the journal (default: beside the roster)
    wait: float = 0.0  # seconds to wait for another run's lock
    # sync only
    delete_missing: bool = False
    notify: bool = False
    force: bool = False
    # The one clock of the run: journal, planning, quota days, deferrals
    now: Callable[[], datetime] = utc_now

    @property
    def buffer(self) -> timedelta:
        """The free time a pool host keeps after each session."""
        return timedelta(minutes=self.buffer_minutes)

    def validation(self) -> ValidationOptions:
        """What row validation needs of these settings, at this moment."""
        return ValidationOptions(
            timezone=self.timezone,
            date_order=self.date_order,
            allow_past=self.allow_past,
            default_host=self.host,
            now=self.now(),
        )

    def limits(self) -> RateLimits:
        """Fresh pacers for a run: the plan's published limits, or ``rate`` for every one."""
        return RateLimits.for_plan(self.plan, rate=self.rate)


NAMES = frozenset(f.name for f in fields(Settings))


def resolve(
    roster: Path | None = None,
    *,
    environ: Mapping[str, str] = os.environ,
    **flags: Any,
) -> Settings:
    """``Settings`` from ``flags`` (None: not given), the configuration file and the defaults.

    The file is ``flags["config"]`` (it must exist), else ``batchzoom.toml`` beside
    ``roster`` when there is one. Raises ``ConfigError`` for a wrong file and
    ``TypeError`` for a flag that is no setting.
    """
    unknown = set(flags) - NAMES
    if unknown:
        raise TypeError(f"not a setting: {', '.join(sorted(unknown))}")
    given = {name: value for name, value in flags.items() if value is not None}
    explicit = given.get("config")
    if roster is not None or explicit is not None:
        from_file = configuration.find(roster, explicit)
    else:
        from_file = {}
    values = from_file | given
    if "retry" not in values and environ.get(INSTANT_RETRIES, "").strip() not in {"", "0"}:
        values["retry"] = RetryPolicy(instant=True)
    if "now" not in values:
        values["now"] = clock_from(environ)
    return Settings(**values)
