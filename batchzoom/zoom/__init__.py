"""Talking to Zoom: settings, S2S OAuth, pacing, retries, and the meeting operations."""

from batchzoom.zoom.client import DailyLimitError, InDoubtError, ZoomClient, ZoomRequestError
from batchzoom.zoom.ratelimit import PLAN_LIMITS, Plan, RateLimits, default_concurrency
from batchzoom.zoom.retry import RetryPolicy
from batchzoom.zoom.settings import ZoomSettings, load_settings

__all__ = [
    "PLAN_LIMITS",
    "DailyLimitError",
    "InDoubtError",
    "Plan",
    "RateLimits",
    "RetryPolicy",
    "ZoomClient",
    "ZoomRequestError",
    "ZoomSettings",
    "default_concurrency",
    "load_settings",
]
