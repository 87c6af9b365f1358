"""Webinars, their panelists, and the user settings that say who may host one.

A webinar is scheduled like a meeting (Meetings.json ``webinarCreate``: topic, type,
start_time, duration, timezone, recurrence, settings), with its own types (5 webinar,
6 recurring with no fixed time, 9 recurring with a fixed time) and its own
differences: alternative hosts are comma-separated ("Multiple values separated by
comma", webinarCreate ``settings.alternative_hosts``), and the passcode fields are
named ``h323_passcode`` / ``encrypted_passcode``. Creating one needs the host's Webinar
add-on: without it Zoom answers 400, code 200, "Webinar plan is missing. You must
subscribe to the webinar plan and enable webinars for user {userID} in order to perform
this action." (webinarCreate's documented error; the other webinar operations document
the same code). Webinar create and update share the host's 100 a day with meetings
("Meeting/Webinar Create/Update | 100/day per user", zoom/skills
``skills/rest-api/references/rate-limits.md``; webinarCreate: "100 requests per day ...
applied to the userId of the webinar host").
"""

from __future__ import annotations

import copy
import math
import secrets
from typing import Any

from batchzoom.sandbox import rules
from batchzoom.sandbox.config import SandboxConfig, SandboxUser
from batchzoom.sandbox.meetings import SPEC_KEYS, generate_passcode, render, spec_of, stamp
from batchzoom.sandbox.responses import ApiError, Request, Response, invalid
from batchzoom.sandbox.state import Store
from batchzoom.zoomspec import (
    RECURRING,
    RECURRING_NO_FIXED_TIME,
    SCHEDULED,
    WEBINAR_RECURRING,
    WEBINAR_RECURRING_NO_FIXED_TIME,
    WEBINAR_SCHEDULED,
)

# Webinar type -> the meeting type that is scheduled the same way.
AS_MEETING = {
    WEBINAR_SCHEDULED: SCHEDULED,
    WEBINAR_RECURRING_NO_FIXED_TIME: RECURRING_NO_FIXED_TIME,
    WEBINAR_RECURRING: RECURRING,
}
AS_WEBINAR = {meeting: webinar for webinar, meeting in AS_MEETING.items()}
PLAN_MISSING = (
    "Webinar plan is missing. You must subscribe to the webinar plan and enable webinars for"
    " user {user} in order to perform this action."
)
PANELISTS_PER_CALL = 30  # webinarPanelistCreate: panelists "maximum": 30
# Webinar settings Zoom reports when the request left them out (webinarCreate's
# request-schema defaults).
WEBINAR_SETTINGS: dict[str, Any] = {
    "host_video": False,
    "panelists_video": False,
    "practice_session": False,
    "hd_video": False,
    "approval_type": 2,
    "audio": "both",
    "auto_recording": "none",
    "enforce_login": False,
    "alternative_hosts": "",
    "close_registration": False,
    "show_share_button": False,
    "allow_multiple_devices": False,
    "on_demand": False,
    "registrants_confirmation_email": True,
    "registrants_email_notification": True,
    "meeting_authentication": False,
    "question_and_answer": {"enable": True},
    "email_language": "en-US",
    "panelists_invitation_email_notification": True,
}


class Webinars:
    """Serves the webinar, panelist and user-settings operations of one store."""

    def __init__(self, config: SandboxConfig, store: Store) -> None:
        self.config = config
        self.store = store
        self._pages: dict[str, tuple[float, list[int], int]] = {}

    # -- records ------------------------------------------------------------------
    def record(self, argument: str) -> dict[str, Any]:
        """The stored webinar ``argument`` names, its host checked for the add-on."""
        if not argument.isdigit():
            raise ApiError(400, 300, "Invalid webinar ID.")
        record = self.store.webinars.get(int(argument))
        if record is None:
            raise ApiError(404, 3001, f"Webinar does not exist: {argument}.")
        host = self.store.find_user(record["webinar"]["host_id"])
        if host is not None:
            self.check_licence(host)
        return record

    def check_licence(self, host: SandboxUser) -> None:
        """Zoom's answer to a webinar request for a host without the Webinar add-on."""
        if not host.webinar or not host.licensed:
            raise ApiError(400, 200, PLAN_MISSING.format(user=host.user_id))

    # -- operations ---------------------------------------------------------------
    def create(self, host: SandboxUser, request: Request) -> Response:
        """``POST /users/{userId}/webinars``: 201 with the webinar."""
        body = rules.check_body(
            "webinarCreate", request.json(), lenient=not self.config.strict_types
        )
        self.check_licence(host)
        spec = {key: body[key] for key in SPEC_KEYS if key in body}
        spec.setdefault("type", WEBINAR_SCHEDULED)
        spec.setdefault("timezone", self.config.account_timezone)
        if spec["type"] not in AS_MEETING:
            raise invalid("type", "must be one of 5, 6, 9")
        wants_passcode = body.get("default_passcode", True) and self.config.require_passcode
        if "password" not in spec and wants_passcode:
            spec["password"] = generate_passcode(self.store.rng, self.config.passcode_length)
        identity = self.store.new_identity()
        webinar = self._render(spec, host, identity, None)
        self.store.webinars[identity["id"]] = {
            "webinar": webinar,
            "identity": identity,
            "registrants": [],
            "panelists": [],
        }
        self.store.save()
        return Response.json(201, webinar)

    def get(self, argument: str) -> Response:
        """``GET /webinars/{webinarId}``."""
        return Response.json(200, copy.deepcopy(self.record(argument)["webinar"]))

    def update(self, argument: str, request: Request) -> Response:
        """``PATCH /webinars/{webinarId}``: 204."""
        record = self.record(argument)
        body = rules.check_body(
            "webinarUpdate", request.json(), lenient=not self.config.strict_types
        )
        current = record["webinar"]
        spec = spec_of(current)
        for key in SPEC_KEYS:
            if key in body:
                if key == "settings":
                    spec.setdefault("settings", {}).update(body["settings"])
                else:
                    spec[key] = body[key]
        if spec["type"] not in AS_MEETING:
            raise invalid("type", "must be one of 5, 6, 9")
        if spec["type"] != WEBINAR_RECURRING and "recurrence" not in body:
            spec.pop("recurrence", None)
        host = self.store.find_user(current["host_id"])
        assert host is not None
        previous = (
            rules.parse_start(current["start_time"], "UTC") if "start_time" in current else None
        )
        record["webinar"] = self._render(spec, host, record["identity"], previous)
        self.store.save()
        return Response.empty(204)

    def delete(self, argument: str) -> Response:
        """``DELETE /webinars/{webinarId}``: 204."""
        record = self.record(argument)
        del self.store.webinars[record["webinar"]["id"]]
        self.store.save()
        return Response.empty(204)

    def listing(self, host: SandboxUser, request: Request) -> Response:
        """``GET /users/{userId}/webinars``: the host's webinars, paged, in start order."""
        self.check_licence(host)
        size_text = request.param("page_size") or "30"
        if not size_text.isdigit() or not 1 <= int(size_text) <= 300:
            raise invalid("page_size", "must be a whole number from 1 to 300")
        size = int(size_text)
        now = self.store.clock.timestamp()
        token = request.param("next_page_token")
        if token:
            entry = self._pages.get(token)
            if entry is None or entry[0] < now:
                raise ApiError(400, 300, "The next page token is invalid or expired.")
            _, ids, offset = entry
        else:
            rows = [
                (r["webinar"].get("start_time", r["webinar"]["created_at"]), i)
                for i, r in self.store.webinars.items()
                if r["webinar"]["host_id"] == host.user_id
            ]
            ids = [i for _, i in sorted(rows)]
            offset = 0
        next_token = ""
        if offset + size < len(ids):
            next_token = secrets.token_urlsafe(24)
            self._pages[next_token] = (now + 15 * 60, ids, offset + size)
        items = [
            _list_item(self.store.webinars[i]["webinar"])
            for i in ids[offset : offset + size]
            if i in self.store.webinars
        ]
        body = {
            "next_page_token": next_token,
            "page_count": math.ceil(len(ids) / size) if ids else 0,
            "page_number": 1,
            "page_size": size,
            "total_records": len(ids),
            "webinars": items,
        }
        return Response.json(200, body)

    def add_panelists(self, argument: str, request: Request) -> Response:
        """``POST /webinars/{webinarId}/panelists``: 201 ``{id, updated_at}``.

        A panelist already on the webinar is kept once (no recording of Zoom's answer
        to a repeated email; the web portal lists each email once).
        """
        record = self.record(argument)
        body = rules.check_body(
            "webinarPanelistCreate", request.json(), lenient=not self.config.strict_types
        )
        people = body.get("panelists", [])
        if len(people) > PANELISTS_PER_CALL:
            raise invalid("panelists", f"must have at most {PANELISTS_PER_CALL} items")
        panelists: list[dict[str, Any]] = record.setdefault("panelists", [])
        known = {p["email"].lower() for p in panelists}
        webinar_id = record["webinar"]["id"]
        for person in people:
            email = person.get("email")
            if not email:
                raise invalid("panelists.email", "is required")
            if email.lower() in known:
                continue
            known.add(email.lower())
            panelist_id = secrets.token_urlsafe(16)
            panelists.append(
                {
                    "id": panelist_id,
                    "email": email,
                    "name": person.get("name", ""),
                    "join_url": f"{self.config.link_base}/w/{webinar_id}?tk={panelist_id}",
                }
            )
        self.store.save()
        answer = {"id": str(webinar_id), "updated_at": stamp(self.store.clock.now())}
        return Response.json(201, answer)

    def panelists(self, argument: str) -> Response:
        """``GET /webinars/{webinarId}/panelists``."""
        record = self.record(argument)
        items = copy.deepcopy(record.get("panelists", []))
        return Response.json(200, {"total_records": len(items), "panelists": items})

    def remove_panelists(self, argument: str) -> Response:
        """``DELETE /webinars/{webinarId}/panelists``: every panelist removed, 204."""
        record = self.record(argument)
        record["panelists"] = []
        self.store.save()
        return Response.empty(204)

    def remove_panelist(self, argument: str, panelist: str) -> Response:
        """``DELETE /webinars/{webinarId}/panelists/{panelistId}``: that one panelist, 204.

        ``panelistId`` is "the panelist's ID or email" (webinarPanelistDelete); an unknown
        one answers 404 code 3001, which no recorded answer shows (docs/zoom-facts.md#webinar-panelists).
        """
        record = self.record(argument)
        panelists: list[dict[str, Any]] = record.setdefault("panelists", [])
        kept = [
            p for p in panelists if p["id"] != panelist and p["email"].lower() != panelist.lower()
        ]
        if len(kept) == len(panelists):
            raise ApiError(404, 3001, f"Panelist does not exist: {panelist}.")
        record["panelists"] = kept
        self.store.save()
        return Response.empty(204)

    def user_settings(self, user: SandboxUser) -> dict[str, Any]:
        """The part of ``GET /users/{userId}/settings`` that says what a user may host.

        ``feature.webinar`` is the Webinar add-on (Users.json ``userSettings``); the
        capacities are Zoom's defaults for a licensed user (no recording of the rest of
        an answer was needed).
        """
        feature: dict[str, Any] = {
            "meeting_capacity": 300 if user.licensed else 100,
            "large_meeting": False,
            "webinar": bool(user.webinar),
            "zoom_events": False,
            "zoom_phone": False,
            "concurrent_meeting": "None",
        }
        if user.webinar:
            feature["webinar_capacity"] = 500
        return {
            "feature": feature,
            "schedule_meeting": {
                "host_video": False,
                "participants_video": False,
                "join_before_host": False,
                "use_pmi_for_scheduled_meetings": False,
                "require_password_for_scheduling_new_meetings": self.config.require_passcode,
            },
            "in_meeting": {"waiting_room": False, "co_host": True},
        }

    # -- rendering ---------------------------------------------------------------
    def _render(
        self,
        spec: dict[str, Any],
        host: SandboxUser,
        identity: dict[str, Any],
        previous: Any,
    ) -> dict[str, Any]:
        """Checked and scheduled like the meeting of the same shape, shown as a webinar."""
        as_meeting = copy.deepcopy(spec)
        as_meeting["type"] = AS_MEETING[spec["type"]]
        settings = as_meeting.setdefault("settings", {})
        alternatives = settings.get("alternative_hosts")
        if alternatives:
            # Comma-separated for webinars; checked by the meetings' rule, which splits on ";".
            rules.check_alternative_hosts(alternatives.replace(",", ";"), self.store.find_user)
            settings.pop("alternative_hosts")
        rules.check_meeting(as_meeting, host, self.store.find_user)
        start, starts = rules.resolve_schedule(as_meeting, self.store.clock.now(), previous)
        as_meeting["start_time"] = stamp(start)
        meeting = render(
            as_meeting, host=host, start=start, starts=starts, identity=identity, config=self.config
        )
        webinar: dict[str, Any] = {
            key: meeting[key]
            for key in (
                "uuid", "id", "host_id", "host_email", "topic", "start_time", "duration",
                "timezone", "agenda", "created_at", "start_url", "join_url", "password",
                "recurrence", "occurrences", "tracking_fields", "template_id",
            )
            if key in meeting
        }  # fmt: skip
        webinar["type"] = spec["type"]
        if "password" in meeting:
            webinar["h323_passcode"] = meeting["h323_password"]
            webinar["encrypted_passcode"] = meeting["encrypted_password"]
        shown = copy.deepcopy(WEBINAR_SETTINGS)
        shown.update(copy.deepcopy(spec.get("settings", {})))
        webinar["settings"] = shown
        if shown.get("approval_type", 2) != 2:
            webinar["registration_url"] = (
                f"{self.config.link_base}/webinar/register/{identity['uuid']}"
            )
        webinar["is_simulive"] = False
        webinar["creation_source"] = "open_api"
        return webinar


def _list_item(webinar: dict[str, Any]) -> dict[str, Any]:
    """A webinar as ``GET /users/{userId}/webinars`` lists it."""
    keys = ("uuid", "id", "host_id", "topic", "type", "start_time", "duration", "timezone")
    item = {key: webinar[key] for key in keys if key in webinar}
    item["agenda"] = webinar.get("agenda", "")
    item["created_at"] = webinar["created_at"]
    item["join_url"] = webinar["join_url"]
    item["is_simulive"] = False
    return item
