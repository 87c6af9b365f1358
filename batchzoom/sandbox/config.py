"""How a sandbox is set up: its account, credentials, users, plan and faults."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Plan = Literal["free", "pro", "business"]


def zoom_like_id() -> str:
    """A 22-character URL-safe id, the shape of Zoom user ids (e.g. ``30R7kT7bTIKSNUFEuH_Qlg``)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(16)).decode("ascii").rstrip("=")


UserStatus = Literal["active", "pending", "inactive"]
BASIC = 1  # Zoom user types (Users.json, ``GET /users/{userId}``): 1 Basic, 2 Licensed,
LICENSED = 2  # 4 Unassigned without Meetings Basic, 99 None (only with ssoCreate)


@dataclass
class SandboxUser:
    """A user of the sandbox account; only licensed users may host meetings.

    ``type`` is Zoom's user type (1 Basic, 2 Licensed, 4 Unassigned, 99 None); left
    out, it follows ``licensed`` (2 or 1), and given, it sets ``licensed`` (type 2).
    ``status`` is what ``GET /users/{userId}`` reports: ``pending`` for a user who has
    not accepted the invitation yet, ``inactive`` for a deactivated one (Users.json
    ``user``: "Users who have not activated their account will have a pending status").
    ``webinar`` is the Webinar add-on licence, reported as ``feature.webinar`` by
    ``GET /users/{userId}/settings``; without it webinars cannot be scheduled. ``status``
    changes only what the user lookup reports: no recording was found of Zoom's answer to
    a meeting scheduled for a pending or deactivated user.
    """

    email: str
    id: str | None = None
    first_name: str = ""
    last_name: str = ""
    licensed: bool = True
    webinar: bool = False
    status: UserStatus = "active"
    type: int | None = None

    def __post_init__(self) -> None:
        if self.id is None:
            self.id = zoom_like_id()
        if self.type is None:
            self.type = LICENSED if self.licensed else BASIC
        else:
            self.licensed = self.type == LICENSED

    @property
    def user_type(self) -> int:
        """Zoom's user type, always set after construction."""
        assert self.type is not None
        return self.type

    @property
    def user_id(self) -> str:
        """The id, always set after construction."""
        assert self.id is not None
        return self.id


def _default_users() -> list[SandboxUser]:
    return [SandboxUser(email="owner@sandbox.example", first_name="Sandbox", last_name="Owner")]


@dataclass
class SandboxConfig:
    """Everything that makes one sandbox differ from another.

    The defaults give a working account: the credentials below, one licensed
    owner, Pro-plan limits, Zoom's 100 create/update requests per host per
    UTC day, one-hour tokens and no faults. ``users[0]`` is the account owner
    that ``me`` resolves to.

    ``qps`` overrides the per-second limit of every category;
    ``qps_by_category`` / ``daily_by_category`` override single categories
    (keys ``LIGHT``, ``MEDIUM``, ``HEAVY``, ``RESOURCE-INTENSIVE``; a daily
    value of 0 removes that cap). ``daily_limit`` is the per-host
    create/update limit (0 disables it). ``user_limit_type_header`` chooses the
    headers of the per-host 429: False (the default) sends what was observed
    from Zoom, neither ``X-RateLimit-Type`` nor ``Retry-After`` (devforum thread
    18928); True sends the documented set (``X-RateLimit-Type: Daily-limit`` and
    ``Retry-After``).

    ``strict_types`` refuses the loose types Zoom accepts (float and string
    numbers, boolean strings, null settings; see ``schema``). ``detailed_errors``
    puts the sandbox's own reason in a validation error's message instead of
    Zoom's terse ``Invalid field.``. ``scopes`` replaces the scopes every token
    carries (None: all the app could need); a request needing another answers
    Zoom's 4711. ``shared_qps`` is spent every second by a simulated second app on
    the same account, in every category (Zoom's per-second limits are per account,
    docs/zoom-facts.md#rate-limits). ``listing_delay`` seconds pass before a new meeting shows in a
    host's meeting list.
    """

    users: list[SandboxUser] = field(default_factory=_default_users)
    plan: Plan = "pro"
    qps: float | None = None
    qps_by_category: dict[str, float] = field(default_factory=dict)
    daily_by_category: dict[str, int] = field(default_factory=dict)
    token_ttl: int = 3600
    daily_limit: int = 100
    user_limit_type_header: bool = False
    strict_types: bool = False
    detailed_errors: bool = False
    scopes: tuple[str, ...] | None = None
    shared_qps: float = 0.0
    listing_delay: float = 0.0
    # Zoom's "maximum limit of 4,999 registrants per meeting" (meetingRegistrantCreate);
    # smaller values let a test reach it.
    max_registrants: int = 4999
    latency: float = 0.0
    jitter: float = 0.0  # up to this many seconds more than ``latency``, drawn per request
    fault_rate: float = 0.0
    drop_rate: float = 0.0
    seed: int | None = None
    state_file: Path | str | None = None
    account_id: str = "sandbox_account"
    client_id: str = "sandbox_client_id"
    client_secret: str = "sandbox_client_secret"
    host: str = "127.0.0.1"
    port: int = 0
    # Zoom uses the account's timezone when start_time is local and no timezone is
    # given. A non-UTC default makes a client that forgets the timezone visibly wrong.
    account_timezone: str = "America/Los_Angeles"
    require_passcode: bool = True
    passcode_length: int = 6
    link_base: str = "https://sandbox.zoom.invalid"
    frozen_clock: bool = False
