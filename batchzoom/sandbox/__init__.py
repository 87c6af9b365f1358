"""A local stand-in for the parts of Zoom batchzoom talks to, over real HTTP.

It serves Server-to-Server OAuth tokens and the meeting/user endpoints with
Zoom's documented validation, errors, rate limits and 429 headers, plus
switchable faults and a clock tests can move. It imports nothing from the
client side of batchzoom (only ``batchzoom.zoomspec``), so it can never agree
with the client by accident.

    from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
    with Sandbox(SandboxConfig(users=[SandboxUser("kim@school.example")])) as sb:
        ...  # point a client at sb.token_url / sb.api_url
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from batchzoom.sandbox.clock import SandboxClock
    from batchzoom.sandbox.config import SandboxConfig, SandboxUser
    from batchzoom.sandbox.faults import Faults
    from batchzoom.sandbox.limits import PLANS
    from batchzoom.sandbox.server import Sandbox

# Each name is imported from its module on first use: the CLI starts without the server.
_HOMES = {
    "SandboxClock": "clock",
    "SandboxConfig": "config",
    "SandboxUser": "config",
    "Faults": "faults",
    "PLANS": "limits",
    "Sandbox": "server",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)


__all__ = ["PLANS", "Faults", "Sandbox", "SandboxClock", "SandboxConfig", "SandboxUser"]
