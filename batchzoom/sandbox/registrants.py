"""Registrants of meetings and webinars: add, batch add, list, status update.

Zoom's answers as recorded (each rule cites its evidence; where there is none, it
says so and the sandbox takes the stricter reading):

- The add answer is ``{id, join_url, registrant_id, start_time, topic, occurrences}``
  (Meetings.json ``meetingRegistrantCreate`` 201; the same fields in Zoom's example
  responses bundled by generated clients, e.g. dansleboby/ZoomPHP-sdk
  ``docs/Model/InlineResponse20112.md``). ``join_url`` is the registrant's own link and
  "If the meeting was created with manual approval type (approval_type: 1), the join
  URL will not be returned" (same sources).
- Adding an email that is already registered returns that registrant again ("the Add
  Webinar Registrant endpoint smoothly handles duplicate registration attempts, it just
  returns the existing registrant", devforum.zoom.us/t/57798), and still spends that
  person's daily quota: 3 additions per registrant per day, reset at 00:00 UTC ("If I
  call the Add a meeting registrant endpoint more than 3 times, I get the expected 429
  error", Zoom staff, devforum.zoom.us/t/125510; "Registrant Addition 3/day per
  registrant", zoom/skills ``skills/rest-api/references/rate-limits.md``). The quota is
  counted per meeting and email, as Zoom's rate-limit page words it ("for the same
  registrant in the same meeting/webinar", quoted in devforum.zoom.us/t/122482); one
  unresolved thread reports it hitting one email across different webinars
  (devforum.zoom.us/t/141856), which the sandbox does not model.
- The 429 text: observed for webinars as "You have exceeded the daily rate limit of (3)
  for Add a webinar registrant API requests for the registrant (user@example.com). You
  can resume these API requests at GMT 00:00:00." (devforum.zoom.us/t/141856); the
  meeting text here is the same sentence with "meeting" (no recording of it found). Its
  headers are not recorded anywhere: the sandbox sends the category and the 3, and no
  ``X-RateLimit-Type`` or ``Retry-After``, as Zoom does for the per-host create limit.
  Successful adds carry ``X-RateLimit-Limit: 3`` (devforum.zoom.us/t/125510: "the
  x-ratelimit-limit value in every response was 3").
- The batch endpoint takes up to 30 registrants and only scheduled one-off meetings:
  "This API can only be used for scheduled meeting(meeting type: 2). Batch registration
  is not supported for other meeting types." (code 303), "Registration has not been
  enabled for this meeting: {meetingId}." (code 404, HTTP 400), "Meeting is over, you can
  not register now. ..." (3038): Meetings.json ``addBatchRegistrants``. It spends the
  same per-registrant quota ("Webinar Batch Registration API ... Maximum 3 requests per
  day", devforum.zoom.us/t/57798). What Zoom does with a batch of which only some
  people are over quota is not recorded: the sandbox refuses the whole batch.
- At most 4,999 registrants per meeting, then 3043 "Meeting has reached maximum
  attendee capacity." (Meetings.json ``meetingRegistrantCreate``, and the same code for
  ``addBatchRegistrants``; devforum.zoom.us/t/45949 observed it at 5,000 approved
  registrants). A full webinar answers 3000 "You have reached the limit for the number of
  attendees you can add. ..." instead, the one limit error webinarRegistrantCreate
  documents (Meetings.json; 3043 is documented for meetings only). A person already
  registered takes no room: adding them again returns them, full or not, as Zoom returns
  an existing registrant. The sandbox counts approved and pending registrants (those filed under
  ``approved`` and ``pending``), not denied or cancelled ones: no source says which
  statuses Zoom counts (docs/zoom-facts.md#registrant-limits). What Zoom does with a
  batch that would pass the limit part-way is not recorded: the sandbox refuses the whole
  batch, adding no one. The list answers ``total_records`` (every registrant of the
  status asked for) and ``page_size`` (as asked, default 30, at most 300) beside its page
  (Meetings.json ``meetingRegistrants``).
- Status updates: 10 per registrant per day ("Registrant Status Updates 10/day per
  registrant", zoom/skills rate-limits.md; "You have exceeded the daily rate limit of
  (10) for webinar Update registrant's status API requests for the registrant",
  devforum.zoom.us/t/122482). A cancelled or denied registrant is listed under
  ``status=denied``: the list filter knows only approved, pending and denied
  (Meetings.json ``meetingRegistrants``); no recording says where a cancelled one shows.
"""

from __future__ import annotations

import base64
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from batchzoom import zoomspec
from batchzoom.sandbox import rules
from batchzoom.sandbox.clock import SandboxClock
from batchzoom.sandbox.config import SandboxConfig
from batchzoom.sandbox.limits import HEADER_NAMES
from batchzoom.sandbox.meetings import stamp
from batchzoom.sandbox.responses import ApiError, Request, Response, invalid
from batchzoom.zoomspec import OperationId

ADDS_PER_DAY = 3
STATUS_UPDATES_PER_DAY = 10
BATCH_SIZE = 30
PAGE_TOKEN_TTL = 15 * 60
REGISTRANT_FIELDS = (
    "email", "first_name", "last_name", "address", "city", "state", "zip", "country",
    "phone", "comments", "custom_questions", "industry", "job_title", "no_of_employees",
    "org", "purchasing_time_frame", "role_in_purchase_process", "language",
)  # fmt: skip
LISTED_EMPLOYEES = (
    "", "1-20", "21-50", "51-100", "101-250", "251-500", "501-1,000", "1,001-5,000",
    "5,001-10,000", "More than 10,000",
)  # fmt: skip
ADD_LIMIT_MESSAGE = (
    "You have exceeded the daily rate limit of ({limit}) for Add a {kind} registrant API"
    " requests for the registrant ({email}). You can resume these API requests at GMT 00:00:00."
)
STATUS_LIMIT_MESSAGE = (
    "You have exceeded the daily rate limit of ({limit}) for {kind} Update registrant's status"
    " API requests for the registrant ({email}). You can resume these API requests at GMT"
    " 00:00:00."
)
PANELIST_REGISTERING = (
    "You have been invited as a panelist for the webinar, please check your email to find"
    " more information about this webinar."
)
BATCH_TYPES = (
    "This API can only be used for scheduled meeting(meeting type: 2). Batch registration is"
    " not supported for other meeting types."
)
# 3043: Meetings.json meetingRegistrantCreate / addBatchRegistrants; a webinar's is 3000,
# webinarRegistrantCreate's only documented limit answer (Meetings.json).
FULL = "Meeting has reached maximum attendee capacity."
WEBINAR_FULL = (
    "You have reached the limit for the number of attendees you can add. Contact Zoom Support"
    " for more information."
)
MEETING_OVER = (
    "Meeting is over, you can not register now. If you have any questions, please contact"
    " the Meeting host."
)
WEBINAR_OVER = (
    "Webinar is over, you cannot register now. If you have any questions, contact the webinar host."
)


@dataclass(frozen=True)
class Target:
    """What registrants are added to: a meeting or a webinar record, and how to word it."""

    kind: str  # "meeting" or "webinar"
    record: dict[str, Any]

    @property
    def body(self) -> dict[str, Any]:
        """The meeting or webinar as Zoom shows it."""
        found: dict[str, Any] = self.record[self.kind]
        return found

    @property
    def registrants(self) -> list[dict[str, Any]]:
        """The stored registrants, oldest first."""
        stored: list[dict[str, Any]] = self.record.setdefault("registrants", [])
        return stored


class RegistrantQuota:
    """Per-registrant daily counts (additions, status updates), reset at 00:00 UTC.

    Kept in the meeting's (or webinar's) record, so a sandbox with a state file remembers
    them across restarts, as Zoom does across runs.
    """

    def __init__(self, clock: SandboxClock) -> None:
        self._clock = clock

    def _key(self, what: str, email: str) -> str:
        today = datetime.fromtimestamp(self._clock.timestamp(), UTC).date()
        return f"{what}|{email.lower()}|{today.isoformat()}"

    def used(self, target: Target, what: str, email: str) -> int:
        counts: dict[str, int] = target.record.get("quota", {})
        return counts.get(self._key(what, email), 0)

    def spend(self, target: Target, what: str, email: str) -> None:
        counts: dict[str, int] = target.record.setdefault("quota", {})
        key = self._key(what, email)
        counts[key] = counts.get(key, 0) + 1


class Registrants:
    """Serves the registrant operations of meetings and webinars on one store."""

    def __init__(self, config: SandboxConfig, clock: SandboxClock, rng: Any) -> None:
        self.config = config
        self.clock = clock
        self.rng = rng
        self.quota = RegistrantQuota(clock)
        self._pages: dict[str, tuple[float, list[dict[str, Any]], int]] = {}

    # -- add -------------------------------------------------------------------
    def add(self, target: Target, operation: OperationId, request: Request) -> Response:
        """``POST /meetings/{id}/registrants`` (or a webinar's): one person, 201."""
        body = rules.check_body(operation, request.json(), lenient=not self.config.strict_types)
        self._check_open(target, batch=False)
        email = body["email"]
        self._check_room(target, {r["email"].lower(): r for r in target.registrants}, [email])
        if target.kind == "webinar":
            _check_webinar_attendee(target, email)
        self._check_quota(target, operation, [email])
        registrant = self._register(target, body, auto_approve=bool(body.get("auto_approve")))
        self.quota.spend(target, "add", email)
        answer: dict[str, Any] = {
            "id": target.body["id"],
            "registrant_id": registrant["id"],
            "topic": target.body["topic"],
        }
        if "start_time" in target.body:
            answer["start_time"] = target.body["start_time"]
        if registrant.get("join_url") and registrant["status"] == "approved":
            answer["join_url"] = registrant["join_url"]
        occurrences = target.body.get("occurrences")
        if occurrences is not None:
            # registration_type 1: registered once for every occurrence of the series.
            answer["occurrences"] = [o for o in occurrences if o["status"] == "available"]
        remaining = ADDS_PER_DAY - self.quota.used(target, "add", email)
        headers = {"X-RateLimit-Limit": str(ADDS_PER_DAY), "X-RateLimit-Remaining": str(remaining)}
        return Response.json(201, answer, headers)

    def add_batch(self, target: Target, request: Request) -> Response:
        """``POST /meetings/{id}/batch_registrants``: up to 30 at once, scheduled meetings only."""
        body = rules.check_body(
            "addBatchRegistrants", request.json(), lenient=not self.config.strict_types
        )
        people = body.get("registrants", [])
        if len(people) > BATCH_SIZE:
            raise invalid("registrants", f"must have at most {BATCH_SIZE} items")
        if target.body["type"] != 2:
            raise ApiError(400, 303, BATCH_TYPES)
        self._check_open(target, batch=True)
        self._check_quota(target, "addBatchRegistrants", [p["email"] for p in people])
        known = {r["email"].lower(): r for r in target.registrants}  # one pass, not one a person
        self._check_room(target, known, [p["email"] for p in people])
        auto = bool(body.get("auto_approve"))
        answers = []
        for person in people:
            registrant = self._register(target, person, auto_approve=auto, known=known)
            self.quota.spend(target, "add", person["email"])
            item = {"email": registrant["email"], "registrant_id": registrant["id"]}
            if registrant.get("join_url") and registrant["status"] == "approved":
                item["join_url"] = registrant["join_url"]
            answers.append(item)
        return Response.json(201, {"registrants": answers})

    def _check_open(self, target: Target, *, batch: bool) -> None:
        """Registration must be on and the session not over (``_check_room``: not full)."""
        settings = target.body.get("settings", {})
        ident = target.body["id"]
        if settings.get("approval_type", 2) == 2 or target.body["type"] in (3, 6):
            # A series with no fixed time cannot take registration ("The meeting cannot be a
            # No Fixed Time recurring meeting", Zoom support, "Scheduling a meeting with
            # registration"). Batch: Meetings.json's documented 404 code; single add: the
            # webinar text is documented (webinarRegistrantCreate 3000), the meeting one is
            # its counterpart (no recording found).
            if batch:
                raise ApiError(
                    400, 404, f"Registration has not been enabled for this meeting: {ident}."
                )
            raise ApiError(
                400, 3000, f"This {target.kind} does not have registration as required: {ident}."
            )
        if self._is_over(target.body):
            raise ApiError(400, 3038, MEETING_OVER if target.kind == "meeting" else WEBINAR_OVER)

    def _check_room(self, target: Target, known: dict[str, Any], emails: list[str]) -> None:
        """An addition (one person, or a batch) whose new people would pass the meeting's
        limit adds no one; people registered already take no room."""
        new = {email.lower() for email in emails} - set(known)
        if new and len(_live(target)) + len(new) > self.config.max_registrants:
            if target.kind == "webinar":
                raise ApiError(400, 3000, WEBINAR_FULL)
            raise ApiError(400, 3043, FULL)

    def _is_over(self, body: dict[str, Any]) -> bool:
        now = stamp(self.clock.now())
        starts = [
            o["start_time"] for o in body.get("occurrences", []) if o["status"] == "available"
        ]
        if body.get("occurrences") is not None:
            return not any(s >= now for s in starts)
        start = body.get("start_time")
        if start is None:
            return False
        end = datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
        minutes = int(body.get("duration", 60))
        return end + 60 * minutes < self.clock.timestamp()

    def _check_quota(self, target: Target, operation: OperationId, emails: list[str]) -> None:
        for email in emails:
            if self.quota.used(target, "add", email) >= ADDS_PER_DAY:
                raise ApiError(
                    429,
                    429,
                    ADD_LIMIT_MESSAGE.format(limit=ADDS_PER_DAY, kind=target.kind, email=email),
                    headers=self._limit_headers(operation, ADDS_PER_DAY),
                )

    @staticmethod
    def _limit_headers(operation: OperationId, limit: int) -> dict[str, str]:
        category = zoomspec.rate_limit_label(operation)
        return {
            "X-RateLimit-Category": HEADER_NAMES[category],
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": "0",
        }

    def _register(
        self,
        target: Target,
        person: dict[str, Any],
        *,
        auto_approve: bool,
        known: dict[str, dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """The registrant for this email: the existing one, or a new one (``known``: the
        meeting's registrants by lower-case email, kept up to date)."""
        email = person["email"]
        if known is None:
            known = {r["email"].lower(): r for r in target.registrants}
        found = known.get(email.lower())
        if found is not None:
            return found
        manual = target.body.get("settings", {}).get("approval_type") == 1
        registrant = {key: person[key] for key in REGISTRANT_FIELDS if key in person}
        registrant.setdefault("last_name", "")
        registrant["id"] = self._new_id()
        registrant["status"] = "pending" if manual and not auto_approve else "approved"
        registrant["create_time"] = stamp(self.clock.now())
        token = secrets.token_urlsafe(24)
        registrant["join_url"] = f"{self.config.link_base}/w/{target.body['id']}?tk={token}"
        target.registrants.append(registrant)
        known[email.lower()] = registrant
        return registrant

    def _new_id(self) -> str:
        raw = self.rng.getrandbits(128).to_bytes(16, "big")
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    # -- list ------------------------------------------------------------------
    def listing(self, target: Target, request: Request) -> Response:
        """``GET /meetings/{id}/registrants``: one status (default approved), paged."""
        status = request.param("status") or "approved"
        if status not in ("approved", "pending", "denied"):
            raise invalid("status", "must be one of approved, pending, denied")
        size_text = request.param("page_size") or "30"
        if not size_text.isdigit() or not 1 <= int(size_text) <= 300:
            raise invalid("page_size", "must be a whole number from 1 to 300")
        size = int(size_text)
        now = self.clock.timestamp()
        token = request.param("next_page_token")
        if token:
            entry = self._pages.get(token)
            if entry is None or entry[0] < now:
                raise ApiError(400, 300, "The next page token is invalid or expired.")
            _, chosen, offset = entry
        else:
            chosen = [self._listed(r) for r in target.registrants if _shown_as(r) == status]
            offset = 0
        page = chosen[offset : offset + size]
        next_token = ""
        if offset + size < len(chosen):
            next_token = secrets.token_urlsafe(24)
            self._pages[next_token] = (now + PAGE_TOKEN_TTL, chosen, offset + size)
        body = {
            "next_page_token": next_token,
            "page_count": math.ceil(len(chosen) / size) if chosen else 0,
            "page_number": 1,
            "page_size": size,
            "total_records": len(chosen),
            "registrants": page,
        }
        return Response.json(200, body)

    @staticmethod
    def _listed(registrant: dict[str, Any]) -> dict[str, Any]:
        item = dict(registrant)
        if item.get("no_of_employees") not in LISTED_EMPLOYEES:
            # Zoom's spec offers "101-500" and "500-1,000" when adding but lists other ranges
            # ("101-250", "251-500", "501-1,000"); no recording shows what Zoom lists for them.
            item.pop("no_of_employees", None)
        item["status"] = _shown_as(registrant)
        if item["status"] != "approved":
            item.pop("join_url", None)
        return item

    # -- status ----------------------------------------------------------------
    def update_status(self, target: Target, operation: OperationId, request: Request) -> Response:
        """``PUT /meetings/{id}/registrants/status``: approve, cancel or deny; 204."""
        body = rules.check_body(operation, request.json(), lenient=not self.config.strict_types)
        people = body.get("registrants", [])
        if len(people) > BATCH_SIZE:
            raise invalid("registrants", f"must have at most {BATCH_SIZE} items")
        if target.body.get("settings", {}).get("approval_type", 2) == 2:
            raise ApiError(
                400,
                300,
                f"Registration has not been enabled for this meeting: {target.body['id']}.",
            )
        matched = [self._find(target, p) for p in people]
        # Unknown registrants are skipped: no recording of Zoom's answer for them.
        found = [r for r in matched if r is not None]
        for registrant in found:
            if self.quota.used(target, "status", registrant["email"]) >= STATUS_UPDATES_PER_DAY:
                message = STATUS_LIMIT_MESSAGE.format(
                    limit=STATUS_UPDATES_PER_DAY, kind=target.kind, email=registrant["email"]
                )
                raise ApiError(
                    429,
                    429,
                    message,
                    headers=self._limit_headers(operation, STATUS_UPDATES_PER_DAY),
                )
        action = body["action"]
        for registrant in found:
            self.quota.spend(target, "status", registrant["email"])
            registrant["status"] = {"approve": "approved", "cancel": "cancelled", "deny": "denied"}[
                action
            ]
        return Response.empty(204)

    @staticmethod
    def _find(target: Target, person: dict[str, Any]) -> dict[str, Any] | None:
        for registrant in target.registrants:
            if person.get("id") and registrant["id"] == person["id"]:
                return registrant
            if person.get("email") and registrant["email"].lower() == str(person["email"]).lower():
                return registrant
        return None


def _check_webinar_attendee(target: Target, email: str) -> None:
    """The host and the panelists cannot register (webinarRegistrantCreate's 3027 and 3000)."""
    if email.lower() == str(target.body.get("host_email", "")).lower():
        raise ApiError(400, 3027, "Host cannot register.")
    if any(p["email"].lower() == email.lower() for p in target.record.get("panelists", [])):
        raise ApiError(400, 3000, PANELIST_REGISTERING)


def _live(target: Target) -> list[dict[str, Any]]:
    """The registrants that fill the meeting's limit: approved and pending ones."""
    return [r for r in target.registrants if r["status"] in ("approved", "pending")]


def _shown_as(registrant: dict[str, Any]) -> str:
    """The list status a registrant is filed under (cancelled ones under denied)."""
    status: str = registrant["status"]
    return "denied" if status == "cancelled" else status
