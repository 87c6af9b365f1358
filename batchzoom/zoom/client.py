"""The Zoom API client: one httpx client, one token, paced, retried by policy.

Outcomes a caller has to tell apart are exceptions with meaning, drawn in
``batchzoom.core.errors``: a ``RowError`` (ZoomRequestError, DailyLimitError,
InDoubtError, UnprovenListingError) fails one request and others may go on; a
``RunStoppingError`` (AuthError, ScopeError, ZoomUnreachableError) stops the run.

Every request has a total deadline (``deadline`` seconds from sending to the last
byte of the answer), not only a timeout per read, so a server that trickles its
answer cannot hang a run; a create that overruns it is in doubt.
"""

from __future__ import annotations

import functools
import re
import threading
import time
import typing
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any, cast

import httpx

from batchzoom import __version__, zoomspec
from batchzoom.core.errors import ZoomUnreachableError
from batchzoom.core.i18n import _
from batchzoom.zoom import answers
from batchzoom.zoom.auth import S2SAuth, read_within, unreachable
from batchzoom.zoom.errors import (
    DailyLimitError,
    InDoubtError,
    MalformedAnswerError,
    RegistrantLimitError,
    ScopeError,
    UnprovenListingError,
    ZoomRequestError,
)
from batchzoom.zoom.policy import RetryPolicy
from batchzoom.zoom.ratelimit import RateLimits
from batchzoom.zoom.registrants import RegistrantCalls
from batchzoom.zoom.retry import (
    MAYBE_SENT,
    NOT_SENT,
    RETRYABLE_STATUSES,
    RetryableResponseError,
    TokenUnavailableError,
    parse_moment,
    parse_retry_after,
)
from batchzoom.zoom.settings import DEFAULT_API_URL, ZoomSettings
from batchzoom.zoom.users import UserCalls
from batchzoom.zoom.webinars import WebinarCalls
from batchzoom.zoomspec import OperationId

# The errors were defined here before ``errors``; importing them from here still works.
__all__ = [
    "DailyLimitError",
    "InDoubtError",
    "MalformedAnswerError",
    "RegistrantLimitError",
    "ScopeError",
    "UnprovenListingError",
    "ZoomClient",
    "ZoomRequestError",
]
PAGE_SIZE = 300  # the most Zoom returns per page of a meeting list
MAX_PAGES = 1000  # 300 000 meetings of one host: more means the pages never end
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0, pool=120.0)
DEFAULT_DEADLINE = 30.0  # seconds for one request, from sending to the answer's last byte
# Answers of one endpoint that overran the deadline in a row before the run stops sending:
# Zoom answers in about a second, so three overruns mean that endpoint is too slow today,
# and waiting on it again and again would hold a cron job for hours.
OVERRUNS_TO_STOP = 3
_REGISTRANT = re.compile(r"\(([^()\s]+@[^()\s]+)\)")  # the email a registrant 429 names
LISTING_LAG = 2.0  # seconds to wait before listing again when a meeting is not listed
ACTIONS = {
    "meetingCreate": "create meetings",
    "meeting": "read meetings",
    "meetingUpdate": "update meetings",
    "meetingDelete": "delete meetings",
    "meetings": "list a host's meetings",
    "user": "look up users",
    "userSettings": "read users' settings",
    "meetingRegistrantCreate": "register attendees",
    "addBatchRegistrants": "register attendees",
    "meetingRegistrants": "list registrants",
    "meetingRegistrantStatus": "cancel or approve registrants",
    "webinarCreate": "create webinars",
    "webinar": "read webinars",
    "webinarUpdate": "update webinars",
    "webinarDelete": "delete webinars",
    "webinars": "list a host's webinars",
    "webinarRegistrantCreate": "register webinar attendees",
    "webinarRegistrants": "list webinar registrants",
    "webinarRegistrantStatus": "cancel or approve webinar registrants",
    "webinarPanelistCreate": "add panelists",
    "webinarPanelists": "list panelists",
    "webinarPanelistDelete": "remove panelists",
}


@cache
def _not_found_codes() -> frozenset[int]:
    """The codes Zoom documents for 404 answers: the operation's and every other one's.

    Zoom's descriptions are not consistent (meetingRegistrantCreate documents "Meeting
    does not exist" as 1001, the other meeting operations as 3001), so any code Zoom
    documents for a 404 shows the answer came from Zoom.
    """
    return frozenset(
        int(error["code"])
        for name in typing.get_args(OperationId)
        for error in zoomspec.error_codes(name, 404)
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


def _server_now(response: httpx.Response, now: datetime) -> datetime:
    """Zoom's time by its ``Date`` header, or ours when it has none or one past any calendar.

    A ``Date`` in the year 9999 is no clock skew but a broken header: its next midnight
    would lie outside any calendar, so this machine's clock is used instead.
    """
    said = parse_moment(response.headers.get("Date", ""))
    if said is None or said.astimezone(UTC).date() >= date.max - timedelta(days=1):
        return now.astimezone(UTC)
    return said.astimezone(UTC)


class ZoomClient(RegistrantCalls, WebinarCalls, UserCalls):
    """Talks to one Zoom account. Thread-safe: share one instance among workers.

    Meetings are here; registrants, webinars and users come from the mixins
    (``registrants``, ``webinars``, ``users``), sent through the same ``_call``.
    """

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
        deadline: float = DEFAULT_DEADLINE,
        listing_lag: float | None = None,
    ) -> None:
        settings.check_transport_security()
        self.settings = settings
        self.limits = limits or RateLimits.for_plan("pro")
        self.retry = retry or RetryPolicy()
        self._now = now
        self.deadline = deadline
        # Instant retries (tests) also skip the wait for a lagging listing unless given.
        self.listing_lag = (
            listing_lag if listing_lag is not None else (0.0 if self.retry.instant else LISTING_LAG)
        )
        self.auth = S2SAuth(settings, deadline=deadline)
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
        # A token lacks a scope for the whole run: once Zoom said so, send no more of those.
        self._scope_errors: dict[str, ScopeError] = {}
        # Deadline overruns in a row, by operation; a timely answer of it starts again at 0.
        self._overruns: dict[str, int] = {}
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
    def get_meeting(self, meeting_id: int, *, webinar: bool = False) -> dict[str, Any] | None:
        """The meeting (``webinar``: the webinar), or None when Zoom says it does not exist."""
        if webinar:
            found = self.get_webinar(meeting_id)
            return None if found is None else dict(found.raw)
        try:
            response = self._call("meeting", "GET", f"meetings/{meeting_id}", idempotent=True)
        except ZoomRequestError as error:
            if error.status == 404:
                return None
            raise
        meeting = self._object(response)
        if answers.meeting_id(meeting) is None:
            raise MalformedAnswerError(
                response.status_code,
                f"meeting {meeting_id} came back without its id "
                f"({answers.json_text(meeting.get('id'))})",
            )
        return meeting

    def list_meetings(self, user_id: str, *, kind: str = "scheduled") -> Iterator[dict[str, Any]]:
        """Every meeting of a host (all pages) as Zoom lists them (no passcodes).

        Only a complete, well-formed JSON listing is returned: anything else (an HTML
        page, a redirect, a page without its ``meetings`` array, a meeting without an
        integer id, a ``next_page_token`` that never ends) raises UnprovenListingError,
        since taking it for "no meetings" could create a meeting twice.
        """
        return iter(self.listing(user_id, kind=kind))

    def listing(self, user_id: str, *, kind: str = "scheduled") -> list[dict[str, Any]]:
        """The complete listing of a host's meetings (see ``list_meetings``)."""
        found: list[dict[str, Any]] = []
        token = ""
        seen: set[str] = set()
        for _page in range(MAX_PAGES):
            params: dict[str, str | int] = {"type": kind, "page_size": PAGE_SIZE}
            if token:
                params["next_page_token"] = token
            try:
                response = self._call(
                    "meetings",
                    "GET",
                    f"users/{user_id}/meetings",
                    idempotent=True,
                    params=params,
                    early=True,  # what the run creates or updates waits for the listings
                )
            except MalformedAnswerError as error:
                raise self._unproven(user_id, str(error.zoom_message)) from None
            meetings, token = self._page(user_id, response)
            found.extend(meetings)
            if not token:
                return found
            if token in seen:
                raise self._unproven(user_id, "Zoom sent the same next_page_token twice")
            seen.add(token)
        raise self._unproven(user_id, f"the list went on past {MAX_PAGES} pages")

    def settling_listing(
        self, user_id: str, complete: Callable[[list[dict[str, Any]]], bool]
    ) -> list[dict[str, Any]]:
        """The host's listing for settling creates in doubt.

        A fresh meeting may show in Zoom's list only after a moment, so when
        ``complete`` says the listing lacks a meeting being looked for, it is listed
        again after ``listing_lag`` seconds before anything is concluded absent.
        """
        meetings = self.listing(user_id)
        if complete(meetings) or self.listing_lag <= 0:
            return meetings
        time.sleep(self.listing_lag)
        return self.listing(user_id)

    def create_meeting(self, user_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Create one meeting. Raises InDoubtError when the outcome is unknown.

        Never re-sends a create whose fate is unknown: the caller settles it by
        listing the host's meetings first (and records that it tried, to survive a crash). A
        success answer that is not a meeting with an integer id is in doubt too:
        the meeting may well exist.
        """
        response = self._call(
            "meetingCreate",
            "POST",
            f"users/{user_id}/meetings",
            idempotent=False,
            json=body,
            host=user_id,
        )
        meeting = answers.json_object(response)
        if meeting is None:
            self._count("in_doubt")
            raise InDoubtError(
                f"Zoom answered HTTP {response.status_code} with "
                f"{answers.content_kind(response)}, not the meeting"
            )
        if answers.meeting_id(meeting) is None:
            self._count("in_doubt")
            raise InDoubtError(
                f"Zoom's answer has no usable meeting id ({answers.json_text(meeting.get('id'))})"
            )
        return meeting

    def update_meeting(
        self,
        meeting_id: int,
        body: dict[str, Any],
        *,
        host: str | None = None,
        webinar: bool = False,
    ) -> None:
        """Change a meeting (``webinar``: a webinar, ``PATCH /webinars/{webinarId}``)."""
        if webinar:
            self.update_webinar(meeting_id, body, host=host)
            return
        self._call(
            "meetingUpdate",
            "PATCH",
            f"meetings/{meeting_id}",
            idempotent=True,
            json=body,
            host=host,
        )

    def delete_meeting(
        self, meeting_id: int, *, notify: bool = False, webinar: bool = False
    ) -> None:
        """Delete a meeting (``webinar``: a webinar, ``DELETE /webinars/{webinarId}``)."""
        if webinar:
            self.delete_webinar(meeting_id, notify=notify)
            return
        params = {
            "schedule_for_reminder": str(notify).lower(),
            "cancel_meeting_reminder": str(notify).lower(),
        }
        self._call(
            "meetingDelete", "DELETE", f"meetings/{meeting_id}", idempotent=True, params=params
        )

    # -- answers -----------------------------------------------------------------
    @staticmethod
    def _object(response: httpx.Response) -> dict[str, Any]:
        body = answers.json_object(response)
        if body is None:
            raise MalformedAnswerError(
                response.status_code,
                f"HTTP {response.status_code} came with {answers.content_kind(response)} "
                "instead of Zoom's JSON",
            )
        return body

    def _page(self, user_id: str, response: httpx.Response) -> tuple[list[dict[str, Any]], str]:
        page = answers.json_object(response)
        if page is None:
            raise self._unproven(
                user_id,
                f"Zoom answered HTTP {response.status_code} with "
                f"{answers.content_kind(response)} instead of a JSON list",
            )
        meetings = page.get("meetings", [] if page.get("total_records") == 0 else None)
        if not isinstance(meetings, list) or not all(
            isinstance(m, dict) and answers.meeting_id(m) is not None for m in meetings
        ):
            raise self._unproven(user_id, "a page had no proper meetings array")
        token = page.get("next_page_token") or ""
        if not isinstance(token, str):
            raise self._unproven(user_id, "a page's next_page_token is not text")
        return meetings, token

    @staticmethod
    def _unproven(user_id: str, what: str) -> UnprovenListingError:
        return UnprovenListingError(
            f"The meetings of host {user_id} could not be listed completely ({what}), so "
            "batchzoom cannot tell whether a meeting exists; those rows stay as they are "
            "and the next run looks again."
        )

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
        early: bool = False,
    ) -> httpx.Response:
        known = self._scope_errors.get(operation)
        if known is not None:
            raise known
        # Paced in the operation's rate-limit category, as Zoom's description labels it.
        pacer = self.limits.pacer(zoomspec.rate_limit_label(cast(OperationId, operation)))
        attempts = 0

        def attempt() -> httpx.Response:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                self._count("retries")
            sent_at = pacer.acquire(early=early)
            self._count("requests")
            try:
                response = self._send(method, path, params=params, json=json)
            except MAYBE_SENT as error:
                if isinstance(error, httpx.ReadTimeout):
                    self._overran(operation)
                if not idempotent:
                    self._count("in_doubt")
                    raise InDoubtError(f"{type(error).__name__} after sending") from None
                raise
            with self._stats_lock:
                self._overruns.pop(operation, None)
            return self._check(
                response,
                operation,
                idempotent=idempotent,
                host=host,
                slow_down=functools.partial(pacer.slow_down, sent_at),
                sent=json,
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
                message = answers.error_body(response).get("message") or "too many requests"
                raise ZoomRequestError(
                    429, 429, f"{message} (still limited after retrying)"
                ) from None
            if not idempotent:
                self._count("in_doubt")
                raise InDoubtError(f"HTTP {response.status_code} from Zoom") from None
            body = answers.error_body(response)
            message = body.get("message") or (
                f"server error, with {answers.content_kind(response)}"
            )
            raise ZoomRequestError(
                response.status_code, answers.zoom_code(body), str(message)
            ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _overran(self, operation: str) -> None:
        """Count an answer that overran the deadline; stop the run at the third in a row.

        The request that overran stays what it was (a create in doubt is settled by the
        next run from the journal); raising a run-stopping error sends nothing more.
        """
        with self._stats_lock:
            count = self._overruns.get(operation, 0) + 1
            self._overruns[operation] = count
        if count >= OVERRUNS_TO_STOP:
            spec = zoomspec.operation(cast(OperationId, operation))
            raise ZoomUnreachableError(
                _(
                    "Zoom's {endpoint} answered too slowly: {count} requests in a row overran "
                    "the {deadline:g}-second deadline, so nothing more was sent; the rows not "
                    "sent are left for the next run."
                ).format(
                    endpoint=f"{spec['method']} {spec['path']}",
                    count=count,
                    deadline=self.deadline,
                )
            )

    def _send(
        self, method: str, path: str, *, params: dict[str, Any] | None, json: Any
    ) -> httpx.Response:
        """Send one request and read its whole answer within ``deadline`` seconds."""
        request = self._http.build_request(method, path, params=params, json=json)
        started = time.monotonic()
        response = self._http.send(request, stream=True)
        try:
            read_within(response, started + self.deadline)
        finally:
            response.close()
        return response

    def _check(
        self,
        response: httpx.Response,
        operation: str,
        *,
        idempotent: bool,
        host: str | None,
        slow_down: Callable[[], None],
        sent: Any = None,
    ) -> httpx.Response:
        status = response.status_code
        if status < 300:
            return response
        if status < 400:
            # Zoom's API never redirects: a proxy, portal or wrong URL answered instead.
            # Stopping keeps a create in doubt (settled next run) and a list unread.
            where = response.headers.get("Location", "elsewhere")
            raise ZoomUnreachableError(
                f"{response.request.url.copy_with(query=None)} answered with a redirect "
                f"(HTTP {status} to {where}) instead of Zoom's answer; check ZOOM_API_URL "
                f"(Zoom's is {DEFAULT_API_URL}) and any proxy in between."
            )
        body = answers.error_body(response)
        message = str(body.get("message") or response.reason_phrase)
        scopes = answers.missing_scopes(body)
        if scopes is not None:
            error = self._scope_error(operation, scopes)
            self._scope_errors.setdefault(operation, error)
            raise error
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
        code = answers.zoom_code(body)
        if status == 404 and code not in _not_found_codes():
            # Zoom's own "not found" answers carry the code its description documents
            # (1001 no such user, 3001 no such meeting): this one is about the URL itself,
            # so every request would fail alike.
            raise ZoomUnreachableError(
                f"{response.request.url} answered 404 Not Found, so ZOOM_API_URL does not "
                f"point at Zoom's API; check it (Zoom's is {DEFAULT_API_URL})."
            )
        if not body:
            message = f"{message}, with {answers.content_kind(response)} instead of Zoom's JSON"
        fields = answers.error_fields(body)
        explanation = answers.explain_fields(fields, sent)
        raise ZoomRequestError(status, code, message, fields=fields, explanation=explanation)

    @staticmethod
    def _scope_error(operation: str, scopes: list[str]) -> ScopeError:
        named = ", ".join(scopes) if scopes else "a scope it needs"
        return ScopeError(
            f"The Zoom app's token lacks the scope {named}, which batchzoom needs to "
            f"{ACTIONS.get(operation, 'do this')}; add it on the app's Scopes page in the Zoom "
            "App Marketplace (Manage > your Server-to-Server OAuth app > Scopes), then run again."
        )

    def _daily_limit(
        self, response: httpx.Response, message: str, host: str | None
    ) -> DailyLimitError:
        """The daily limit, resuming at the time Zoom gives, but never after the next 00:00 UTC.

        Zoom documents the reset as 00:00 UTC (docs/zoom-facts.md#daily-limit), and the per-user 429 carries no
        Retry-After (docs/zoom-facts.md#rate-limit-headers); a Retry-After that is not a time, is past, or lies
        beyond the next midnight (the year 9999) is replaced by that midnight.
        """
        server_now = _server_now(response, self._now())
        midnight = _next_utc_midnight(server_now)
        resume = midnight
        delay = parse_retry_after(response, now=server_now)
        if delay is not None and 0 < delay < (midnight - server_now).total_seconds():
            resume = server_now + timedelta(seconds=delay)
        lowered = message.lower()
        if "registrant" in lowered:
            # Per registrant, not per host or account: "... for the registrant (a@b.c) ..."
            # (devforum.zoom.us/t/141856) or "... permitted for (a@b.c) this particular
            # registrant" (devforum.zoom.us/t/57798).
            named = _REGISTRANT.search(message)
            return RegistrantLimitError(named.group(1) if named else "", resume, message)
        per_host = "create/update" in lowered or "this particular user" in lowered
        return DailyLimitError(host if per_host else None, resume, message)
