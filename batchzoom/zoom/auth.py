"""Server-to-Server OAuth as an ``httpx.Auth`` flow: one token per run.

The token is fetched lazily on the first request, shared by every worker
behind a lock (so twenty workers starting together make one token request),
renewed shortly before ``expires_in`` runs out, and renewed once when Zoom
answers 401; the request is then sent again once. A second 401 with a fresh
token means the credentials lack access: that stops the run.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass

import httpx

from batchzoom.core.errors import AuthError, ZoomUnreachableError
from batchzoom.core.secret import Secret
from batchzoom.zoom.retry import TokenUnavailableError
from batchzoom.zoom.settings import ZoomSettings

RENEW_BEFORE = 60.0  # seconds before expiry at which a token is renewed


@dataclass(frozen=True)
class _Token:
    value: Secret
    expires_at: float  # on the monotonic clock


class S2SAuth(httpx.Auth):
    """Attach ``Authorization: Bearer <token>``, fetching and renewing the token as needed."""

    requires_response_body = True

    def __init__(self, settings: ZoomSettings, *, clock: Callable[[], float] = time.monotonic):
        self._settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._token: _Token | None = None
        self.fetches = 0

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        token = yield from self._current(stale=None)
        request.headers["Authorization"] = f"Bearer {token.value.reveal()}"
        response = yield request
        if response.status_code != 401:
            return
        response.read()
        token = yield from self._current(stale=token)
        request.headers["Authorization"] = f"Bearer {token.value.reveal()}"
        response = yield request
        if response.status_code == 401:
            response.read()
            raise AuthError(
                "Zoom rejected a freshly issued access token "
                f"({_zoom_message(response)}); check that the app is activated and has the "
                "meeting:write:meeting:admin, meeting:read:meeting:admin and user:read:user:admin scopes."
            )

    def _current(self, *, stale: _Token | None) -> Generator[httpx.Request, httpx.Response, _Token]:
        """The token to use; fetch a new one if there is none, it expires soon, or it was rejected."""
        with self._lock:
            token = self._token
            fresh = token is not None and token is not stale and self._clock() < token.expires_at
            if not fresh:
                started = self._clock()
                response = yield self._token_request()
                response.read()
                token = self._accept(response, started)
                self._token = token
            assert token is not None
            return token

    def _token_request(self) -> httpx.Request:
        credentials = f"{self._settings.client_id}:{self._settings.client_secret.reveal()}"
        basic = base64.b64encode(credentials.encode()).decode()
        return httpx.Request(
            "POST",
            self._settings.token_url,
            headers={"Authorization": f"Basic {basic}", "Accept": "application/json"},
            data={"grant_type": "account_credentials", "account_id": self._settings.account_id},
        )

    def _accept(self, response: httpx.Response, started: float) -> _Token:
        self.fetches += 1
        if response.status_code >= 500:
            raise TokenUnavailableError(f"token endpoint answered HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or not isinstance(body.get("access_token"), str):
            reason = body.get("reason") or body.get("error") or f"HTTP {response.status_code}"
            raise AuthError(
                f"Zoom rejected the credentials: {reason}; check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID "
                "and ZOOM_CLIENT_SECRET (a Server-to-Server OAuth app)."
            )
        try:
            lifetime = float(body.get("expires_in", 3600))
        except (TypeError, ValueError):
            lifetime = 3600.0
        renew_at = started + max(lifetime - RENEW_BEFORE, lifetime / 2)
        return _Token(Secret(body["access_token"]), renew_at)


def _zoom_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict) and body.get("message"):
        return f"code {body.get('code')}: {body['message']}"
    return f"HTTP {response.status_code}"


def unreachable(url: str, error: Exception) -> ZoomUnreachableError:
    """The run-stopping error for a Zoom endpoint that never answered."""
    kind = type(error).__name__
    return ZoomUnreachableError(
        f"Cannot reach Zoom at {url} ({kind}); check the network connection and the "
        "ZOOM_API_URL / ZOOM_TOKEN_URL settings, then run again."
    )
