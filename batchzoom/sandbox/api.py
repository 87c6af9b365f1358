"""Zoom's ``/v2`` operations: authentication, faults, rate limits, then the operation itself.

Order per request: route, injected latency, bearer token (401), injected
5xx, rate limits (429), then the operation (404/400/2xx). Nothing before the
operation changes state, so a refused or failed request changes nothing.
"""

from __future__ import annotations

import math
import re
import secrets
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote

from batchzoom import zoomspec
from batchzoom.sandbox import events, rules
from batchzoom.sandbox.config import SandboxConfig, SandboxUser
from batchzoom.sandbox.counters import Counters
from batchzoom.sandbox.faults import Faults
from batchzoom.sandbox.limits import HEADER_NAMES, RateLimiter, Rejection
from batchzoom.sandbox.meetings import (
    SPEC_KEYS,
    generate_passcode,
    list_item,
    render,
    spec_of,
    stamp,
)
from batchzoom.sandbox.registrants import Registrants
from batchzoom.sandbox.responses import ApiError, Request, Response, as_xml, invalid
from batchzoom.sandbox.state import Store
from batchzoom.sandbox.webinars import Webinars
from batchzoom.zoomspec import RECURRING, RECURRING_NO_FIXED_TIME

INVALID_TOKEN = {"code": 124, "message": "Invalid access token."}
EXPIRED_TOKEN = {"code": 124, "message": "Access token is expired."}
QUERY_TOKEN = {
    "code": 124,
    "message": "Invalid access token, this access token is not supported as query parameter string.",
}
NOT_LICENSED = "Your user account is not allowed meeting hosting and scheduling capabilities."
NOT_LICENSED_LIST = (
    "Meeting hosting and scheduling capabilities are not allowed for your user account."
)
FAULT_BODIES: dict[int, tuple[str, bytes]] = {
    500: ("application/json;charset=UTF-8", b'{"code":500,"message":"Internal Error."}'),
    # Gateways in front of Zoom answer with HTML, not JSON.
    502: ("text/html", b"<html><body><h1>502 Bad Gateway</h1></body></html>"),
    503: ("application/json;charset=UTF-8", b'{"code":503,"message":"Service Unavailable."}'),
}
# Operations whose success changes the account (counted as "committed").
COMMITTING = frozenset(
    {"meetingCreate", "meetingUpdate", "meetingDelete", "meetingRegistrantCreate",
     "addBatchRegistrants", "meetingRegistrantStatus", "webinarCreate", "webinarUpdate",
     "webinarDelete", "webinarRegistrantCreate", "webinarRegistrantStatus",
     "webinarPanelistCreate", "webinarPanelistsDelete", "webinarPanelistDelete"}
)  # fmt: skip
PAGE_TOKEN_TTL = 15 * 60  # next_page_token: "This token's expiration period is 15 minutes"
EXPIRY_AFTER_END = timedelta(days=30)  # an unstarted scheduled meeting expires 30 days on

_ROUTES: list[tuple[str, re.Pattern[str], zoomspec.OperationId]] = [
    ("POST", re.compile(r"^/v2/meetings/([^/]+)/registrants/?$"), "meetingRegistrantCreate"),
    ("GET", re.compile(r"^/v2/meetings/([^/]+)/registrants/?$"), "meetingRegistrants"),
    ("PUT", re.compile(r"^/v2/meetings/([^/]+)/registrants/status/?$"), "meetingRegistrantStatus"),
    ("POST", re.compile(r"^/v2/meetings/([^/]+)/batch_registrants/?$"), "addBatchRegistrants"),
    ("POST", re.compile(r"^/v2/users/([^/]+)/webinars/?$"), "webinarCreate"),
    ("GET", re.compile(r"^/v2/users/([^/]+)/webinars/?$"), "webinars"),
    ("GET", re.compile(r"^/v2/users/([^/]+)/settings/?$"), "userSettings"),
    ("GET", re.compile(r"^/v2/webinars/([^/]+)/?$"), "webinar"),
    ("PATCH", re.compile(r"^/v2/webinars/([^/]+)/?$"), "webinarUpdate"),
    ("DELETE", re.compile(r"^/v2/webinars/([^/]+)/?$"), "webinarDelete"),
    ("POST", re.compile(r"^/v2/webinars/([^/]+)/registrants/?$"), "webinarRegistrantCreate"),
    ("GET", re.compile(r"^/v2/webinars/([^/]+)/registrants/?$"), "webinarRegistrants"),
    ("PUT", re.compile(r"^/v2/webinars/([^/]+)/registrants/status/?$"), "webinarRegistrantStatus"),
    ("POST", re.compile(r"^/v2/webinars/([^/]+)/panelists/?$"), "webinarPanelistCreate"),
    ("GET", re.compile(r"^/v2/webinars/([^/]+)/panelists/?$"), "webinarPanelists"),
    ("DELETE", re.compile(r"^/v2/webinars/([^/]+)/panelists/?$"), "webinarPanelistsDelete"),
    # Two path parameters: the argument is "webinarId/panelistId" (a webinar id has no "/").
    ("DELETE", re.compile(r"^/v2/webinars/([^/]+)/panelists/([^/]+)/?$"), "webinarPanelistDelete"),
    ("POST", re.compile(r"^/v2/users/([^/]+)/meetings/?$"), "meetingCreate"),
    ("GET", re.compile(r"^/v2/users/([^/]+)/meetings/?$"), "meetings"),
    ("GET", re.compile(r"^/v2/users/([^/]+)/?$"), "user"),
    ("GET", re.compile(r"^/v2/meetings/([^/]+)/?$"), "meeting"),
    ("PATCH", re.compile(r"^/v2/meetings/([^/]+)/?$"), "meetingUpdate"),
    ("DELETE", re.compile(r"^/v2/meetings/([^/]+)/?$"), "meetingDelete"),
]


def route(method: str, path: str) -> tuple[zoomspec.OperationId, str] | None:
    """The operation a request is for, and its path parameter."""
    for verb, pattern, operation in _ROUTES:
        match = pattern.match(path)
        if verb == method and match:
            # A path parameter arrives percent-encoded (an email with non-ASCII letters):
            # compare it decoded, as any HTTP server routes it.
            return operation, "/".join(unquote(group) for group in match.groups())
    return None


class ZoomApi:
    """Serves the Zoom operations against one account's store."""

    def __init__(
        self,
        config: SandboxConfig,
        store: Store,
        limiter: RateLimiter,
        faults: Faults,
        counters: Counters,
    ) -> None:
        self.config = config
        self.store = store
        self.limiter = limiter
        self.faults = faults
        self.counters = counters
        self.registrants = Registrants(config, store.clock, store.rng)
        self.webinars = Webinars(config, store)
        # Registrants, webinars, panelists and user settings (``events``).
        self._handlers: dict[str, Callable[[Request, str], Response]] = {
            "meetingCreate": self._create,
            "meetings": self._list,
            "user": self._user,
            "meeting": self._get,
            "meetingUpdate": self._update,
            "meetingDelete": self._delete,
            **events.handlers(self),
        }

    def handle(self, request: Request) -> Response:
        """Serve one ``/v2`` request; counts it and its outcome."""
        found = route(request.method, request.path)
        endpoint = found[0] if found else "unknown"
        self.counters.add(endpoint, "requests")
        response = self._serve(request, found)
        if response.status >= 400 and "accept" not in request.headers:
            # Observed for validation errors (see ``as_xml``); the sandbox does the same for
            # every API error, for which there is no evidence either way.
            response = as_xml(response)
        if response.drop:
            self.counters.add(endpoint, "faults", "drop")
        else:
            self.counters.add(endpoint, "responses", str(response.status))
        return response

    def _serve(self, request: Request, found: tuple[zoomspec.OperationId, str] | None) -> Response:
        delay = self.faults.delay()
        if delay > 0:
            time.sleep(delay)
        denied = self._authenticate(request)
        if denied is not None:
            return denied
        if found is None:
            return Response.json(404, {"code": 404, "message": "Not Found."})
        operation, argument = found
        missing = self._missing_scope(operation)
        if missing is not None:
            return Response.json(400, missing)
        status = self.faults.take_failure(operation)
        if status is not None:
            self.counters.add(operation, "faults", str(status))
            content_type, body = FAULT_BODIES.get(
                status,
                ("application/json;charset=UTF-8", b'{"code":%d,"message":"Error."}' % status),
            )
            return Response(status, body, content_type=content_type)
        category = zoomspec.rate_limit_label(operation)
        if self.faults.take_qps_429(operation):
            self.counters.add(operation, "faults", "qps_429")
            return self._refused(operation, self.limiter.qps_rejection(category))
        host_id = self._limited_host(operation, argument)
        rejection = self.limiter.admit(category, host_id)
        if rejection is not None:
            return self._refused(operation, rejection)
        try:
            response = self._handlers[operation](request, argument)
        except ApiError as error:
            response = error.response(detailed=self.config.detailed_errors)
        response.headers.setdefault("X-RateLimit-Category", HEADER_NAMES[category])
        if host_id is not None and response.status < 400:
            # Observed: successful create/update responses count down from 100 (docs/zoom-facts.md#rate-limit-headers).
            response.headers["X-RateLimit-Limit"] = str(self.limiter.daily_per_host)
            response.headers["X-RateLimit-Remaining"] = str(self.limiter.host_remaining(host_id))
        if response.status < 300 and operation in COMMITTING:
            self.counters.add(operation, "committed")
        if response.status < 300 and self.faults.take_drop(operation):
            response.drop = True  # committed, then the connection closes without a byte
        return response

    def _authenticate(self, request: Request) -> Response | None:
        if request.param("access_token") is not None:
            return Response.json(401, QUERY_TOKEN)
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return Response.json(401, INVALID_TOKEN)
        status = self.store.token_status(token.strip())
        if status == "expired":
            return Response.json(401, EXPIRED_TOKEN)
        if status == "invalid":
            return Response.json(401, INVALID_TOKEN)
        return None

    def _missing_scope(self, operation: zoomspec.OperationId) -> dict[str, Any] | None:
        """Zoom's answer to a token without any scope the operation allows, else None.

        Observed: HTTP 400 ``{"code": 4711, "message": "Invalid access token, does not
        contain scopes:[user:read:list_users:admin]."}`` (JubaerHossain/zoom-laravel issue
        15; docs/zoom-facts.md#api-errors). The scope named is the granular admin one, the kind a
        Server-to-Server app is given.
        """
        if self.config.scopes is None:
            return None
        allowed = zoomspec.scopes(operation)
        if set(allowed) & set(self.config.scopes):
            return None
        named = zoomspec.admin_scope(operation)
        return {
            "code": 4711,
            "message": f"Invalid access token, does not contain scopes:[{named}].",
        }

    def _refused(self, operation: str, rejection: Rejection) -> Response:
        self.counters.add(operation, "rate_limited", rejection.kind)
        headers = rejection.headers(user_type_header=self.config.user_limit_type_header)
        return Response.json(429, rejection.body(), headers)

    def _limited_host(self, operation: str, argument: str) -> str | None:
        """The host whose 100-a-day create/update allowance this request uses.

        Create: "applied against the userId of the meeting host used to make the
        request" (the path userId). Update: the meeting's host. Delete does not count.
        """
        if operation in ("meetingCreate", "webinarCreate"):
            user = self.store.find_user(argument)
            return user.user_id if user is not None else None
        if operation in ("meetingUpdate", "webinarUpdate") and argument.isdigit():
            kind = "meeting" if operation == "meetingUpdate" else "webinar"
            with self.store.lock:
                records = self.store.meetings if kind == "meeting" else self.store.webinars
                record = records.get(int(argument))
                return record[kind]["host_id"] if record else None
        return None

    # helpers -----------------------------------------------------------------
    def user_or_404(self, ref: str) -> SandboxUser:
        user = self.store.find_user(ref)
        if user is None:
            raise ApiError(404, 1001, f"User does not exist: {ref}.")
        return user

    def record_or_404(self, argument: str) -> dict[str, Any]:
        if not argument.isdigit():
            raise invalid("meetingId", "must be a meeting number")
        record = self.store.meetings.get(int(argument))
        if record is None:
            raise ApiError(404, 3001, f"Meeting does not exist: {argument}.")
        return record

    def licensed_meeting(self, argument: str) -> dict[str, Any]:
        """The meeting's record, its host licensed (as every meeting operation requires)."""
        record = self.record_or_404(argument)
        self.check_host_licensed(record["meeting"]["host_id"], NOT_LICENSED)
        return record

    # operations ----------------------------------------------------------------
    def _create(self, request: Request, argument: str) -> Response:
        with self.store.lock:
            host = self.user_or_404(argument)
            body = rules.check_body(
                "meetingCreate", request.json(), lenient=not self.config.strict_types
            )
            spec = {key: body[key] for key in SPEC_KEYS if key in body}
            spec.setdefault("type", 2)
            spec.setdefault("timezone", self.config.account_timezone)
            if "schedule_for" in body:
                host = rules.schedule_for(body["schedule_for"], spec["type"], self.store.find_user)
            if not host.licensed:
                raise ApiError(400, 3161, NOT_LICENSED)
            rules.check_meeting(spec, host, self.store.find_user)
            wants_passcode = body.get("default_password", True) and self.config.require_passcode
            if "password" not in spec and wants_passcode:
                spec["password"] = generate_passcode(self.store.rng, self.config.passcode_length)
            now = self.store.clock.now()
            start, starts = rules.resolve_schedule(spec, now, None)
            spec["start_time"] = stamp(start)
            identity = self.store.new_identity()
            # Optional realism: Zoom's lists may lag behind a create (no measurement of
            # how long exists; ``listing_delay`` is 0 unless set).
            identity["listed_from"] = self.store.clock.timestamp() + self.config.listing_delay
            meeting = render(
                spec, host=host, start=start, starts=starts, identity=identity, config=self.config
            )
            self.store.meetings[identity["id"]] = {"meeting": meeting, "identity": identity}
            self.store.save()
            return Response.json(201, meeting)

    def _get(self, request: Request, argument: str) -> Response:
        with self.store.lock:
            record = self.record_or_404(argument)
            meeting: dict[str, Any] = dict(record["meeting"])
            self.check_host_licensed(meeting["host_id"], NOT_LICENSED)
            occurrence = request.param("occurrence_id")
            occurrences = meeting.get("occurrences")
            if occurrence is not None:
                chosen = [o for o in occurrences or [] if o["occurrence_id"] == occurrence]
                if not chosen:
                    raise ApiError(400, 300, "Invalid parameter: `occurrence_id`.")
                meeting["start_time"] = chosen[0]["start_time"]
                meeting["duration"] = chosen[0]["duration"]
            elif occurrences is not None and request.param("show_previous_occurrences") != "true":
                now = stamp(self.store.clock.now())
                meeting["occurrences"] = [o for o in occurrences if o["start_time"] >= now]
            return Response.json(200, meeting)

    def _update(self, request: Request, argument: str) -> Response:
        with self.store.lock:
            record = self.record_or_404(argument)
            current = record["meeting"]
            self.check_host_licensed(current["host_id"], NOT_LICENSED)
            body = rules.check_body(
                "meetingUpdate", request.json(), lenient=not self.config.strict_types
            )
            identity = record["identity"]
            occurrence = request.param("occurrence_id")
            if occurrence is not None:
                return self._update_occurrence(record, occurrence, body)
            spec = spec_of(current)
            for key in SPEC_KEYS:
                if body.get(key) is None:  # Zoom takes a field sent as null for absent
                    continue
                if key == "settings":
                    spec.setdefault("settings", {}).update(body["settings"])
                else:
                    spec[key] = body[key]
            if (
                spec["type"] not in (RECURRING_NO_FIXED_TIME, RECURRING)
                and "recurrence" not in body
            ):
                spec.pop("recurrence", None)
            host = self.store.find_user(current["host_id"])
            assert host is not None
            if "schedule_for" in body:
                host = rules.schedule_for(body["schedule_for"], spec["type"], self.store.find_user)
                if not host.licensed:
                    raise ApiError(400, 3161, NOT_LICENSED)
            rules.check_meeting(spec, host, self.store.find_user)
            previous = current.get("start_time")
            previous_start = (
                datetime.strptime(previous, "%Y-%m-%dT%H:%M:%SZ").replace(
                    tzinfo=self.store.clock.now().tzinfo
                )
                if previous
                else None
            )
            start, starts = rules.resolve_schedule(spec, self.store.clock.now(), previous_start)
            spec["start_time"] = stamp(start)
            record["meeting"] = render(
                spec, host=host, start=start, starts=starts, identity=identity, config=self.config
            )
            self.store.save()
            return Response.empty(204)

    def _update_occurrence(
        self, record: dict[str, Any], occurrence: str, body: dict[str, Any]
    ) -> Response:
        """With ``occurrence_id`` only agenda, start_time, duration and settings can change."""
        meeting = record["meeting"]
        known = {o["occurrence_id"] for o in meeting.get("occurrences", [])}
        if occurrence not in known:
            raise ApiError(400, 300, "Invalid parameter: `occurrence_id`.")
        for key in body:
            if key in SPEC_KEYS and key not in ("agenda", "start_time", "duration", "settings"):
                raise invalid(key, "cannot be changed for a single occurrence")
        override: dict[str, Any] = {}
        if "start_time" in body:
            start = rules.parse_start(body["start_time"], meeting["timezone"])
            if start >= self.store.clock.now():
                override["start_time"] = stamp(start)
        if "duration" in body:
            override["duration"] = body["duration"]
        overrides = record["identity"].setdefault("occurrence_overrides", {})
        overrides.setdefault(occurrence, {}).update(override)
        for item in meeting["occurrences"]:
            if item["occurrence_id"] == occurrence:
                item.update(override)
        if "agenda" in body:
            meeting["agenda"] = body["agenda"]
        self.store.save()
        return Response.empty(204)

    def _delete(self, request: Request, argument: str) -> Response:
        with self.store.lock:
            record = self.record_or_404(argument)
            meeting = record["meeting"]
            self.check_host_licensed(meeting["host_id"], NOT_LICENSED_LIST)
            occurrence = request.param("occurrence_id")
            if occurrence is None:
                del self.store.meetings[meeting["id"]]
            else:
                items = [
                    o for o in meeting.get("occurrences", []) if o["occurrence_id"] == occurrence
                ]
                if not items or items[0]["status"] == "deleted":
                    raise ApiError(400, 300, "Invalid parameter: `occurrence_id`.")
                items[0]["status"] = "deleted"
                record["identity"].setdefault("deleted_occurrences", []).append(occurrence)
            self.store.save()
            return Response.empty(204)

    def _list(self, request: Request, argument: str) -> Response:
        with self.store.lock:
            user = self.user_or_404(argument)
            if not user.licensed:
                raise ApiError(400, 3161, NOT_LICENSED_LIST)
            page_size = self._page_size(request.param("page_size"))
            kind = request.param("type") or "scheduled"
            allowed = ("scheduled", "live", "upcoming", "upcoming_meetings", "previous_meetings")
            if kind not in allowed:
                raise invalid("type", f"must be one of {', '.join(allowed)}")
            now = self.store.clock.now()
            token = request.param("next_page_token")
            if token:
                entry = self.store.page_tokens.get(token)
                if entry is None or entry[0] < now.timestamp():
                    # Zoom's answer, from kyleboe/zoom_rb's fixtures and Zoom's error tables
                    # for paged lists ("300 The next page token is invalid or expired.").
                    raise ApiError(400, 300, "The next page token is invalid or expired.")
                _, ids, offset = entry
            else:
                ids = self._listed_ids(user.user_id, kind, now)
                offset = 0
            page = ids[offset : offset + page_size]
            next_token = ""
            if offset + page_size < len(ids):
                next_token = secrets.token_urlsafe(24)
                self.store.page_tokens[next_token] = (
                    now.timestamp() + PAGE_TOKEN_TTL,
                    ids,
                    offset + page_size,
                )
            items = [
                list_item(self.store.meetings[i]["meeting"], now)
                for i in page
                if i in self.store.meetings
            ]
            body = {
                "next_page_token": next_token,
                "page_count": math.ceil(len(ids) / page_size) if ids else 0,
                "page_number": 1,
                "page_size": page_size,
                "total_records": len(ids),
                "meetings": items,
            }
            return Response.json(200, body)

    @staticmethod
    def _page_size(value: str | None) -> int:
        if value is None:
            return 30
        if not value.isdigit() or not 1 <= int(value) <= 300:
            # Zoom documents a maximum of 300; refusing (not capping) is the stricter reading
            # (no evidence of what Zoom does with more).
            raise invalid("page_size", "must be a whole number from 1 to 300")
        return int(value)

    def _listed_ids(self, host_id: str, kind: str, now: datetime) -> list[int]:
        """Meetings of the host that a list of ``kind`` shows, in start-time order."""
        rows: list[tuple[str, int]] = []
        for meeting_id, record in self.store.meetings.items():
            meeting = record["meeting"]
            if meeting["host_id"] != host_id or meeting["type"] not in (2, 3, 8):
                continue
            if record["identity"].get("listed_from", 0.0) > now.timestamp():
                continue  # created too recently to be listed (SandboxConfig.listing_delay)
            ends = [
                datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=now.tzinfo)
                + timedelta(minutes=d)
                for s, d in _sessions(meeting)
            ]
            last_end = max(ends) if ends else None
            if kind == "scheduled":
                keep = last_end is None or last_end + EXPIRY_AFTER_END > now
            elif kind in ("upcoming", "upcoming_meetings"):
                keep = last_end is not None and last_end > now
            elif kind == "previous_meetings":
                keep = last_end is not None and last_end <= now
            else:  # live: nothing in the sandbox is ever started
                keep = False
            if keep:
                rows.append((meeting.get("start_time", meeting["created_at"]), meeting_id))
        return [meeting_id for _, meeting_id in sorted(rows)]

    def _user(self, request: Request, argument: str) -> Response:
        with self.store.lock:
            user = self.user_or_404(argument)
            return Response.json(200, self.user_body(user))

    def user_body(self, user: SandboxUser) -> dict[str, Any]:
        """A user as ``GET /users/{userId}`` returns it."""
        owner = self.store.users[0] is user
        pmi = self.store.pmi(user)
        display = f"{user.first_name} {user.last_name}".strip() or user.email
        return {
            "id": user.user_id,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "display_name": display,
            "email": user.email,
            "type": user.user_type,
            "role_name": "Owner" if owner else "Member",
            "role_id": "0" if owner else "2",
            "pmi": pmi,
            "use_pmi": False,
            "personal_meeting_url": f"{self.config.link_base}/j/{pmi}",
            "timezone": self.config.account_timezone,
            "verified": 1,
            "dept": "",
            # "Users who have not activated their account will have a pending status. These
            # users' created_at timestamp will also display the time at which the API call
            # was made" (Users.json ``user``).
            "created_at": stamp(self.store.clock.now())
            if user.status == "pending"
            else "2024-01-01T00:00:00Z",
            "user_created_at": "2024-01-01T00:00:00Z",
            "last_login_time": "2024-01-01T00:00:00Z",
            "language": "en-US",
            "status": user.status,
            "account_id": self.config.account_id,
            "account_number": 10_000_001,
            "cluster": "us05",
            "group_ids": [],
            "im_group_ids": [],
            "jid": f"{user.user_id.lower()}@xmpp.zoom.us",
            "login_types": [100],
        }

    def check_host_licensed(self, host_id: str, message: str) -> None:
        host = self.store.find_user(host_id)
        if host is not None and not host.licensed:
            raise ApiError(400, 3161, message)


def _sessions(meeting: dict[str, Any]) -> list[tuple[str, int]]:
    """(start, minutes) of each live session of a meeting (occurrences for a series)."""
    if "occurrences" in meeting:
        return [
            (o["start_time"], o["duration"])
            for o in meeting["occurrences"]
            if o["status"] == "available"
        ]
    if "start_time" in meeting and meeting["type"] != 3:
        return [(meeting["start_time"], meeting["duration"])]
    return []
