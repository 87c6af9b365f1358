"""Which Zoom account a run uses: a ``batchzoom.Zoom`` the caller holds, a local sandbox
(``sandbox=True``), or the ``ZOOM_*`` settings (environment, ``.env``, ``env_file``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from batchzoom.core.errors import ConfigError
from batchzoom.core.i18n import _
from batchzoom.core.secret import Secret
from batchzoom.engine.lifecycle import RunPaths
from batchzoom.engine.settings import Settings
from batchzoom.files.results import Loaded
from batchzoom.zoom.ratelimit import Plan
from batchzoom.zoom.settings import ZoomSettings, load_settings

if TYPE_CHECKING:
    from batchzoom.api.zoom import Zoom
    from batchzoom.sandbox import Sandbox

SANDBOX_OWNER = "owner@sandbox.example"


def sandbox_for(loaded: Loaded, state_file: Path, plan: Plan) -> Sandbox:
    """A sandbox account whose users are the roster's hosts (and co-hosts), keeping its meetings."""
    from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser

    sessions = loaded.validation.sessions
    named = {s.host for s in sessions} | {a for s in sessions for a in s.alternative_hosts}
    hosts = sorted(named - {"me"}, key=str.lower)
    users = [SandboxUser(email=SANDBOX_OWNER, first_name="Sandbox", last_name="Owner")]
    for host in hosts:
        if "@" in host:
            users.append(SandboxUser(email=host))
        else:
            users.append(SandboxUser(email=f"{host.lower()}@sandbox.example", id=host))
    return Sandbox(SandboxConfig(users=users, plan=plan, state_file=state_file))


def started(
    stack: ExitStack, sandbox: Sandbox, settings: Settings, said: Callable[[str], None] | None
) -> ZoomSettings:
    """Start ``sandbox`` until ``stack`` closes, on the run's clock; its account."""
    stack.enter_context(sandbox)
    sandbox.clock.set(settings.now())  # the stand-in keeps the run's time
    if said is not None:
        said(
            _("Using a local Zoom sandbox at {url} (no real meetings).").format(
                url=sandbox.base_url
            )
        )
    return ZoomSettings(
        sandbox.account_id,
        sandbox.client_id,
        Secret(sandbox.client_secret),
        token_url=sandbox.token_url,
        api_url=sandbox.api_url,
    )


def kept_sandbox(state_file: Path) -> Sandbox:
    """The sandbox that ``schedule --sandbox`` kept in ``state_file`` (its users and meetings)."""
    from batchzoom.sandbox import Sandbox, SandboxConfig

    return Sandbox(SandboxConfig(state_file=state_file))


def from_environment(settings: Settings, roster: Path) -> ZoomSettings:
    """The account the ``ZOOM_*`` settings name (environment, ``.env``, ``env_file``)."""
    return load_settings(
        os.environ,
        env_file=settings.env_file,
        cwd=Path.cwd(),
        roster_dir=roster.parent,
        token_url=settings.token_url,
        api_url=settings.api_url,
        allow_insecure_http=settings.allow_insecure_http,
    )


def connect(
    stack: ExitStack,
    loaded: Loaded,
    settings: Settings,
    *,
    required: bool = True,
    zoom: Zoom | None = None,
    said: Callable[[str], None] | None = None,
) -> Settings:
    """``settings`` with the Zoom account filled: ``zoom``'s (its client shared), a sandbox
    started for ``settings.sandbox`` (kept running until ``stack`` closes; ``said`` hears
    where), else the ``ZOOM_*`` settings (left empty when not ``required`` and unset).
    """
    if zoom is not None:
        return replace(settings, zoom=zoom.settings, client=zoom.client)
    if settings.sandbox:
        paths = RunPaths.for_settings(loaded.roster.source.path, settings)
        sandbox = sandbox_for(loaded, paths.sandbox_state, settings.plan)
        return replace(settings, zoom=started(stack, sandbox, settings, said))

    roster = loaded.roster.source.path
    if not required:  # a dry run: the account, when set, tells whose journal entries to show
        try:  # nothing is sent, so plain http is no risk
            account = from_environment(replace(settings, allow_insecure_http=True), roster)
        except ConfigError:
            return settings
        return replace(settings, zoom=account)
    return replace(settings, zoom=from_environment(settings, roster))


def current_account(env_file: Path | None, roster: Path) -> str | None:
    """The Zoom account of the current settings, or None when no credentials are set."""
    try:
        # Only the account id is read here: nothing is sent, so plain http is no risk.
        settings = load_settings(
            os.environ,
            env_file=env_file,
            cwd=Path.cwd(),
            roster_dir=roster.parent,
            allow_insecure_http=True,
        )
        return settings.account_id
    except ConfigError:
        if env_file is not None:
            raise
        return None
