"""The Zoom API client: one httpx client, one token, paced, retried by policy.

Outcomes a caller has to tell apart are exceptions with meaning:

    ZoomError (batchzoom.core.errors)
    ├── ZoomRequestError     Zoom refused this request (4xx, or 5xx after retries);
    │                        other requests may go on. Carries status, code, message.
    ├── DailyLimitError      a daily limit is used up: for one host (``host``) or for the
    │                        whole account (``host is None``); carries ``resume_at``.
    ├── InDoubtError         a create may or may not have happened (timeout, dropped
    │                        connection, 5xx); settle it by listing before trying again.
    ├── AuthError            credentials rejected, or a fresh token rejected: stop the run.
    └── ZoomUnreachableError Zoom never answered: stop the run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, cast

import httpx

from batchzoom import __version__, zoomspec
from batchzoom.core.errors import ZoomError, ZoomUnreachableError
from batchzoom.zoom.auth import S2SAuth, unreachable
from batchzoom.zoom.ratelimit import RateLimits
from batchzoom.zoom.retry import (
    MAYBE_SENT,
    NOT_SENT,
    RETRYABLE_STATUSES,
    RetryableResponseError,
    RetryPolicy,
    TokenUnavailableError,
    parse_moment,
    parse_retry_after,
)
from batchzoom.zoom.settings import DEFAULT_API_URL, ZoomSettings
from batchzoom.zoomspec import OperationId

CATEGORY = {
    "meetingCreate": "LIGHT",
    "meeting": "LIGHT",
    "meetingUpdate": "LIGHT",
    "meetingDelete": "LIGHT",
    "meetings": "MEDIUM",
    "user": "LIGHT",
}
PAGE_SIZE = 300  # the most Zoom returns per page of a meeting list
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0, pool=120.0)


class ZoomRequestError(ZoomError):
    """Zoom refused one request; the rest of the run can go on."""

    def __init__(self, status: int, code: int | None, message: str) -> None:
        self.status = status
        self.code = code
        self.zoom_message = message
        label = f"code {code}" if code is not None else f"HTTP {status}"
        super().__init__(f"Zoom refused the request ({label}): {message}")


class DailyLimitError(ZoomError):
    """A daily request limit is used up until ``resume_at`` (UTC)."""

    def __init__(self, host: str | None, resume_at: datetime, message: str) -> None:
        self.host = host
        self.resume_at = resume_at
        who = f"host {host}" if host else "this Zoom account"
        super().__init__(
            f"Zoom's daily limit for {who} is used up ({message}); "
            f"run again after {resume_at:%Y-%m-%d %H:%M} UTC."
        )


class InDoubtError(ZoomError):
    """A create may have happened on Zoom's side without us seeing the answer."""

    def __init__(self, cause: str) -> None:
        self.cause = cause
        super().__init__(
            f"Zoom did not confirm the meeting ({cause}); it may exist already, so batchzoom "
            "will look for it before creating it again."
        )


def _body(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@cache
def _not_found_codes(operation: str) -> frozenset[int]:
    """The codes Zoom documents for the operation's 404 answers."""
    return frozenset(
        int(error["code"]) for error in zoomspec.error_codes(cast(OperationId, operation), 404)
    )


def _url_of(error: Exception, settings: ZoomSettings) -> str:
    """The URL a transport error happened on (the token URL or the API's)."""
    fallback = settings.token_url if isinstance(error, TokenUnavailableError) else settings.api_url
    try:
        request = getattr(error, "request", None)
    except RuntimeError:  # httpx raises when the error carries no request
        return fallback
    return str(request.url.copy_with(query=None)) if request is not None else fallback


def _next_utc_midnight(now: datetime) -> datetime:
    return (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


class ZoomClient:
    """Talks to one Zoom account. Thread-safe: share one instance among workers."""

    def __init__(
        self,
        settings: ZoomSettings,
        *,
        limits: RateLimits | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        max_connections: int = 32,
        transport: httpx.BaseTransport | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.settings = settings
        self.limits = limits or RateLimits.for_plan("pro")
        self.retry = retry or RetryPolicy()
        self._now = now
        self.auth = S2SAuth(settings)
        self._http = httpx.Client(
            base_url=settings.api_url + "/",
            auth=self.auth,
            timeout=timeout,
            transport=transport,
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            headers={"Accept": "application/json", "User-Agent": f"batchzoom/{__version__}"},
        )
        self._stats_lock = threading.Lock()
        self.stats: dict[str, int] = {"requests": 0, "qps_429": 0, "retries": 0, "in_doubt": 0}

    # -- lifecycle -------------------------------------------------------------
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ZoomClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def tokens_fetched(self) -> int:
        """How many access tokens this client asked Zoom for."""
        return self.auth.fetches

    # -- operations ------------------------------------------------------------
    def get_user(self, user_id: str = "me") -> dict[str, Any]:
        return _body(self._call("user", "GET", f"users/{user_id}", idempotent=True))

    def get_meeting(self, meeting_id: int) -> dict[str, Any] | None:
        """The meeting, or None when Zoom says it does not exist (404)."""
        try:
            return _body(self._call("meeting", "GET", f"meetings/{meeting_id}", idempotent=True))
        except ZoomRequestError as error:
            if error.status == 404:
                return None
            raise

    def list_meetings(self, user_id: str, *, kind: str = "scheduled") -> Iterator[dict[str, Any]]:
        """Every meeting of a host (all pages) as Zoom lists them (no passcodes)."""
        token = ""
        while True:
            params: dict[str, str | int] = {"type": kind, "page_size": PAGE_SIZE}
            if token:
                params["next_page_token"] = token
            page = _body(
                self._call(
                    "meetings", "GET", f"users/{user_id}/meetings", idempotent=True, params=params
                )
            )
            yield from page.get("meetings") or []
            token = page.get("next_page_token") or ""
            if not token:
                return

    def create_meeting(self, user_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Create one meeting. Raises InDoubtError when the outcome is unknown.

        Never re-sends a create whose fate is unknown: the caller settles it with
        ``find_meeting`` first (and records that it tried, to survive a crash).
        """
        return _body(
            self._call(
                "meetingCreate",
                "POST",
                f"users/{user_id}/meetings",
                idempotent=False,
                json=body,
                host=user_id,
            )
        )

    def update_meeting(
        self, meeting_id: int, body: dict[str, Any], *, host: str | None = None
    ) -> None:
        self._call(
            "meetingUpdate",
            "PATCH",
            f"meetings/{meeting_id}",
            idempotent=True,
            json=body,
            host=host,
        )

    def delete_meeting(self, meeting_id: int, *, notify: bool = False) -> None:
        params = {
            "schedule_for_reminder": str(notify).lower(),
            "cancel_meeting_reminder": str(notify).lower(),
        }
        self._call(
            "meetingDelete", "DELETE", f"meetings/{meeting_id}", idempotent=True, params=params
        )

    def find_meeting(
        self,
        user_id: str,
        *,
        topic: str,
        start_time: str,
        exclude: set[int] | frozenset[int] = frozenset(),
    ) -> dict[str, Any] | None:
        """The host's meeting with this topic and UTC start (``...Z``), if one exists."""
        for meeting in self.list_meetings(user_id):
            if (
                meeting.get("topic") == topic
                and meeting.get("start_time") == start_time
                and meeting.get("id") not in exclude
            ):
                return meeting
        return None

    # -- plumbing --------------------------------------------------------------
    def _count(self, key: str) -> None:
        with self._stats_lock:
            self.stats[key] += 1

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
    ) -> httpx.Response:
        pacer = self.limits.pacer(CATEGORY[operation])
        attempts = 0

        def attempt() -> httpx.Response:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                self._count("retries")
            pacer.acquire()
            self._count("requests")
            try:
                response = self._http.request(method, path, params=params, json=json)
            except MAYBE_SENT as error:
                if not idempotent:
                    self._count("in_doubt")
                    raise InDoubtError(f"{type(error).__name__} after sending") from None
                raise
            return self._check(
                response, operation, idempotent=idempotent, host=host, slow_down=pacer.slow_down
            )

        try:
            for step in self.retry.retrying(idempotent=idempotent):
                with step:
                    return attempt()
        except NOT_SENT + MAYBE_SENT as error:
            raise unreachable(_url_of(error, self.settings), error) from None
        except RetryableResponseError as error:
            response = error.response
            if response.status_code == 429:
                message = _body(response).get("message") or "too many requests"
                raise ZoomRequestError(
                    429, 429, f"{message} (still limited after retrying)"
                ) from None
            if not idempotent:
                self._count("in_doubt")
                raise InDoubtError(f"HTTP {response.status_code} from Zoom") from None
            body = _body(response)
            raise ZoomRequestError(
                response.status_code, body.get("code"), body.get("message") or "server error"
            ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _check(
        self,
        response: httpx.Response,
        operation: str,
        *,
        idempotent: bool,
        host: str | None,
        slow_down: Callable[[], None],
    ) -> httpx.Response:
        status = response.status_code
        if status < 400:
            return response
        body = _body(response)
        message = str(body.get("message") or response.reason_phrase)
        if status == 429:
            kind = response.headers.get("X-RateLimit-Type", "")
            if kind.lower() == "daily-limit" or "daily rate limit" in message.lower():
                raise self._daily_limit(response, message, host)
            self._count("qps_429")
            slow_down()
            raise RetryableResponseError(response, parse_retry_after(response, now=self._now()))
        if status in RETRYABLE_STATUSES:
            if not idempotent:
                self._count("in_doubt")
                raise InDoubtError(f"HTTP {status} from Zoom")
            raise RetryableResponseError(response, parse_retry_after(response, now=self._now()))
        code = body.get("code")
        if status == 404 and code not in _not_found_codes(operation):
            # Zoom's own "not found" answers carry the code its description documents
            # (1001 no such user, 3001 no such meeting): this one is about the URL itself,
            # so every request would fail alike.
            raise ZoomUnreachableError(
                f"{response.request.url} answered 404 Not Found, so ZOOM_API_URL does not "
                f"point at Zoom's API; check it (Zoom's is {DEFAULT_API_URL})."
            )
        raise ZoomRequestError(status, code if isinstance(code, int) else None, message)

    def _daily_limit(
        self, response: httpx.Response, message: str, host: str | None
    ) -> DailyLimitError:
        retry_after = response.headers.get("Retry-After", "")
        resume = parse_moment(retry_after) if retry_after and not retry_after.isdigit() else None
        if resume is None:
            server_now = parse_moment(response.headers.get("Date", "")) or self._now()
            resume = _next_utc_midnight(server_now.astimezone(UTC))
        per_host = "create/update" in message.lower() or "this particular user" in message.lower()
        return DailyLimitError(host if per_host else None, resume.astimezone(UTC), message)
