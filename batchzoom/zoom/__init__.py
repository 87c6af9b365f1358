"""Talking to Zoom: settings, S2S OAuth, pacing, retries, and the meeting operations."""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from batchzoom.zoom.client import ZoomClient
    from batchzoom.zoom.errors import (
        DailyLimitError,
        InDoubtError,
        RegistrantLimitError,
        ZoomRequestError,
    )
    from batchzoom.zoom.ratelimit import PLAN_LIMITS, Plan, RateLimits, default_concurrency
    from batchzoom.zoom.retry import RetryPolicy
    from batchzoom.zoom.settings import ZoomSettings, load_settings

# Each name is imported from its module on first use, so that reading ``Plan`` does not
# load the HTTP stack (``batchzoom --help`` stays quick).
_HOMES = {
    "DailyLimitError": "errors",
    "InDoubtError": "errors",
    "RegistrantLimitError": "errors",
    "ZoomClient": "client",
    "ZoomRequestError": "errors",
    "PLAN_LIMITS": "ratelimit",
    "Plan": "ratelimit",
    "RateLimits": "ratelimit",
    "default_concurrency": "ratelimit",
    "RetryPolicy": "retry",
    "ZoomSettings": "settings",
    "load_settings": "settings",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)


__all__ = [
    "PLAN_LIMITS",
    "DailyLimitError",
    "InDoubtError",
    "Plan",
    "RateLimits",
    "RegistrantLimitError",
    "RetryPolicy",
    "ZoomClient",
    "ZoomRequestError",
    "ZoomSettings",
    "default_concurrency",
    "load_settings",
]
