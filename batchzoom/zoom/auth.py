"""Server-to-Server OAuth as an ``httpx.Auth`` flow: one token per run.

The token is fetched lazily on the first request, shared by every worker
behind a lock (so twenty workers starting together make one token request),
renewed shortly before ``expires_in`` runs out, and renewed once when Zoom
answers 401; the request is then sent again once. A second 401 with a fresh
token means the credentials lack access: that stops the run.

The token answer is read within a deadline, and checked: a redirect, an HTML page
or a body that is not a token says what came back (not "rejected credentials"),
and an ``expires_in`` that is no sensible lifetime (0, negative, NaN, text, 400
digits) counts as Zoom's documented hour rather than making every request fetch a
new token.
"""

from __future__ import annotations

import base64
import math
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from batchzoom.core.errors import AuthError, ZoomUnreachableError
from batchzoom.core.secret import Secret
from batchzoom.zoom.retry import TokenUnavailableError
from batchzoom.zoom.settings import DEFAULT_TOKEN_URL, ZoomSettings

RENEW_BEFORE = 60.0  # seconds before expiry at which a token is renewed
DOCUMENTED_LIFETIME = 3600.0  # "valid 1hr" (docs/zoom-facts.md#token-lifetime)
MIN_LIFETIME = 120.0  # shorter than this is not a lifetime Zoom gives: use the documented one
MAX_LIFETIME = 86400.0  # keep no token longer than a day, whatever the answer says
TOKEN_DEADLINE = 60.0


class _Deadline(httpx.SyncByteStream):
    """A response body that raises ReadTimeout once its deadline has passed."""

    def __init__(self, inner: Any, deadline: float, request: httpx.Request) -> None:
        self._inner = inner
        self._deadline = deadline
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            if time.monotonic() > self._deadline:
                raise httpx.ReadTimeout(
                    "the answer did not finish within the deadline", request=self._request
                )
            yield chunk

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


def read_within(response: httpx.Response, deadline: float) -> None:
    """Read the whole body of a streamed response, or raise ReadTimeout past ``deadline``
    (a ``time.monotonic()`` value): a server trickling bytes cannot hold a run forever."""
    if time.monotonic() > deadline:
        raise httpx.ReadTimeout(
            "the answer did not start within the deadline", request=response.request
        )
    response.stream = _Deadline(response.stream, deadline, response.request)
    response.read()


def token_lifetime(value: Any) -> float:
    """Seconds a token may be used, from ``expires_in`` (bounded, never zero)."""
    if isinstance(value, bool):
        return DOCUMENTED_LIFETIME
    try:
        lifetime = float(value)
    except (TypeError, ValueError, OverflowError):
        return DOCUMENTED_LIFETIME
    if not math.isfinite(lifetime) or lifetime < MIN_LIFETIME:
        return DOCUMENTED_LIFETIME
    return min(lifetime, MAX_LIFETIME)


@dataclass(frozen=True)
class _Token:
    value: Secret
    expires_at: float  # on the monotonic clock


class S2SAuth(httpx.Auth):
    """Attach ``Authorization: Bearer <token>``, fetching and renewing the token as needed."""

    requires_response_body = True

    def __init__(
        self,
        settings: ZoomSettings,
        *,
        clock: Callable[[], float] = time.monotonic,
        deadline: float = TOKEN_DEADLINE,
    ):
        self._settings = settings
        self._clock = clock
        self._deadline = deadline
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
                sent = time.monotonic()
                response = yield self._token_request()
                try:
                    read_within(response, sent + self._deadline)
                except httpx.TransportError as error:
                    raise TokenUnavailableError(
                        f"the token endpoint's answer broke off ({type(error).__name__})"
                    ) from None
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
        status = response.status_code
        url = self._settings.token_url
        if status >= 500:
            raise TokenUnavailableError(f"token endpoint answered HTTP {status}")
        if 300 <= status < 400:
            raise AuthError(
                f"The token endpoint {url} redirected (HTTP {status}) to "
                f"{response.headers.get('Location', 'another address')} instead of issuing a "
                f"token; set ZOOM_TOKEN_URL to the address that issues tokens (Zoom's is "
                f"{DEFAULT_TOKEN_URL})."
            )
        try:
            body = response.json()
        except (ValueError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            kind = response.headers.get("Content-Type", "").split(";")[0] or "no content type"
            raise AuthError(
                f"The token endpoint {url} answered HTTP {status} with something that is not "
                f"a token ({kind}, not a JSON object); check ZOOM_TOKEN_URL (Zoom's is "
                f"{DEFAULT_TOKEN_URL}) and any proxy in between."
            )
        token = body.get("access_token")
        if status == 200 and isinstance(token, str) and token.strip():
            lifetime = token_lifetime(body.get("expires_in"))
            renew_at = started + max(lifetime - RENEW_BEFORE, lifetime / 2)
            return _Token(Secret(token.strip()), renew_at)
        reason = body.get("reason") or body.get("error")
        if status in (400, 401, 403) and reason:
            raise AuthError(
                f"Zoom rejected the credentials: {str(reason)[:200]}; check ZOOM_ACCOUNT_ID, "
                "ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (a Server-to-Server OAuth app)."
            )
        raise AuthError(
            f"The token endpoint {url} answered HTTP {status} without an access token; check "
            f"ZOOM_TOKEN_URL (Zoom's is {DEFAULT_TOKEN_URL}) and the app's credentials."
        )


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
    if isinstance(error, httpx.ProxyError):
        return ZoomUnreachableError(
            f"The proxy refused to connect to {url} ({error}); check HTTPS_PROXY / HTTP_PROXY "
            "(or set NO_PROXY for this address), then run again."
        )
    if isinstance(error, httpx.ReadTimeout | TokenUnavailableError):
        what = str(error) or type(error).__name__
        return ZoomUnreachableError(
            f"Zoom at {url} did not answer in time or in full ({what}); check the network "
            "connection and the ZOOM_API_URL / ZOOM_TOKEN_URL settings, then run again."
        )
    kind = type(error).__name__
    return ZoomUnreachableError(
        f"Cannot reach Zoom at {url} ({kind}); check the network connection and the "
        "ZOOM_API_URL / ZOOM_TOKEN_URL settings, then run again."
    )
