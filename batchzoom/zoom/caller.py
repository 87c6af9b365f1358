"""What the operation mixins (registrants, webinars, users) need from the Zoom client.

``ZoomClient`` provides both methods: one request paced in its operation's rate-limit
category and retried by the written policy (``RetryPolicy``), raising the client's
typed errors; and its request statistics.
"""

from __future__ import annotations

from typing import Any

import httpx


class ApiCaller:
    """The base of the operation mixins; ``ZoomClient`` implements it."""

    def _call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        idempotent: bool,
        host: str | None = None,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        early: bool = False,
    ) -> httpx.Response:
        raise NotImplementedError

    def _count(self, key: str) -> None:
        raise NotImplementedError
