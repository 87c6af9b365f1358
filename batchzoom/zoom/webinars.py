"""Webinars and their panelists: create, get, update, delete, list; add, list, remove panelists.

A webinar is created like a meeting (``POST /users/{userId}/webinars``, Light, sharing
the host's 100 creates and updates a day with meetings: webinarCreate "100 requests per
day ... applied to the userId of the webinar host"), so it has a create's semantics: sent
once, a lost answer raises ``InDoubtError`` (settle it with ``list_webinars``), the
host's daily limit raises ``DailyLimitError``. A host without the Webinar add-on gets
Zoom's code 200 "Webinar plan is missing ..." (webinarCreate's documented error),
raised as ``WebinarLicenceError`` with what to do.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from batchzoom.zoom import answers
from batchzoom.zoom.caller import ApiCaller
from batchzoom.zoom.errors import (
    InDoubtError,
    MalformedAnswerError,
    UnprovenListingError,
    ZoomRequestError,
)
from batchzoom.zoom.registrants import Occurrence

PLAN_MISSING = 200  # Zoom's code for "Webinar plan is missing" (and "No permission.")
PANELISTS_PER_CALL = 30  # webinarPanelistCreate: panelists "maximum": 30
PAGE_SIZE = 300
MAX_PAGES = 1000


class WebinarLicenceError(ZoomRequestError):
    """The host lacks the Webinar add-on (Zoom's code 200, "Webinar plan is missing")."""

    def __init__(self, host: str, message: str) -> None:
        super().__init__(400, PLAN_MISSING, message)
        self.host = host
        self.args = (
            f"{host} cannot host webinars: Zoom says the webinar plan is missing ({message}); "
            "assign the user a Webinar licence in Zoom (Admin > User Management > Users) or "
            "make the session a meeting.",
        )


@dataclass(frozen=True)
class Webinar:
    """A webinar as Zoom shows it (a listing leaves out passcode and start URL)."""

    id: int
    host_id: str
    topic: str
    type: int
    join_url: str
    start_time: str | None = None
    duration: int | None = None
    timezone: str | None = None
    password: str | None = None
    registration_url: str | None = None
    occurrences: tuple[Occurrence, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Panelist:
    """A webinar panelist: name and email, and as Zoom lists them, id and own link."""

    name: str
    email: str
    id: str | None = None
    join_url: str | None = None


def webinar_of(body: Mapping[str, Any]) -> Webinar | None:
    """The webinar an answer describes, or None when it lacks an integer id."""
    webinar_id = answers.meeting_id(dict(body))
    if webinar_id is None:
        return None

    def text(key: str) -> str | None:
        value = body.get(key)
        return value if isinstance(value, str) and value else None

    duration = body.get("duration")
    kind = body.get("type")
    return Webinar(
        id=webinar_id,
        host_id=str(body.get("host_id", "")),
        topic=str(body.get("topic", "")),
        type=kind if isinstance(kind, int) else 5,
        join_url=str(body.get("join_url", "")),
        start_time=text("start_time"),
        duration=duration if isinstance(duration, int) else None,
        timezone=text("timezone"),
        password=text("password"),
        registration_url=text("registration_url"),
        occurrences=tuple(
            Occurrence(
                occurrence_id=str(o.get("occurrence_id", "")),
                start_time=o.get("start_time"),
                duration=o.get("duration"),
                status=str(o.get("status", "")),
            )
            for o in body.get("occurrences") or []
            if isinstance(o, dict)
        ),
        raw=dict(body),
    )


class WebinarCalls(ApiCaller):
    """The webinar and panelist operations of ``ZoomClient``."""

    listing_lag: float = 0.0  # set by ``ZoomClient``: how long a fresh create may stay unlisted

    def create_webinar(self, user_id: str, body: Mapping[str, Any]) -> Webinar:
        """Create one webinar for ``user_id``. Raises InDoubtError when the outcome is unknown."""
        try:
            response = self._call(
                "webinarCreate",
                "POST",
                f"users/{user_id}/webinars",
                idempotent=False,
                json=dict(body),
                host=user_id,
            )
        except InDoubtError as error:
            raise InDoubtError(error.cause, subject="the webinar") from None
        except ZoomRequestError as error:
            raise _licence(error, user_id) from None
        answer = answers.json_object(response)
        webinar = webinar_of(answer) if answer is not None else None
        if webinar is None:
            self._count("in_doubt")
            raise InDoubtError(
                f"Zoom answered HTTP {response.status_code} without a usable webinar id",
                subject="the webinar",
            )
        return webinar

    def get_webinar(self, webinar_id: int) -> Webinar | None:
        """The webinar, or None when Zoom says it does not exist (404)."""
        try:
            response = self._call("webinar", "GET", f"webinars/{webinar_id}", idempotent=True)
        except ZoomRequestError as error:
            if error.status == 404:
                return None
            raise
        return _webinar(response, f"webinar {webinar_id}")

    def update_webinar(
        self, webinar_id: int, body: Mapping[str, Any], *, host: str | None = None
    ) -> None:
        """Change a webinar (counts against the host's 100 creates and updates a day)."""
        self._call(
            "webinarUpdate",
            "PATCH",
            f"webinars/{webinar_id}",
            idempotent=True,
            json=dict(body),
            host=host,
        )

    def delete_webinar(self, webinar_id: int, *, notify: bool = False) -> None:
        """Delete a webinar (``notify``: Zoom emails the panelists and registrants)."""
        self._call(
            "webinarDelete",
            "DELETE",
            f"webinars/{webinar_id}",
            idempotent=True,
            params={"cancel_webinar_reminder": str(notify).lower()},
        )

    def list_webinars(self, user_id: str) -> list[Webinar]:
        """Every webinar of a host (all pages); raises UnprovenListingError if incomplete."""
        found: list[Webinar] = []
        token = ""
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {"page_size": PAGE_SIZE}
            if token:
                params["next_page_token"] = token
            try:
                response = self._call(
                    "webinars", "GET", f"users/{user_id}/webinars", idempotent=True, params=params
                )
            except ZoomRequestError as error:
                raise _licence(error, user_id) from None
            page = answers.json_object(response)
            items = page.get("webinars") if page else None
            if page is None or not isinstance(items, list):
                raise _unproven(user_id, f"HTTP {response.status_code} without a list")
            for item in items:
                webinar = webinar_of(item) if isinstance(item, dict) else None
                if webinar is None:
                    raise _unproven(user_id, "a webinar came without an integer id")
                found.append(webinar)
            token = page.get("next_page_token") or ""
            if not isinstance(token, str):
                raise _unproven(user_id, "a page's next_page_token is not text")
            if not token:
                return found
            if token in seen:
                raise _unproven(user_id, "Zoom sent the same next_page_token twice")
            seen.add(token)
        raise _unproven(user_id, f"the list went on past {MAX_PAGES} pages")

    def settling_webinars(
        self, user_id: str, complete: Callable[[list[dict[str, Any]]], bool]
    ) -> list[Webinar]:
        """The host's webinars for settling creates in doubt: listed again after
        ``listing_lag`` seconds when ``complete`` says one being looked for is missing
        (as ``ZoomClient.settling_listing`` does for meetings)."""
        webinars = self.list_webinars(user_id)
        if complete([dict(w.raw) for w in webinars]) or self.listing_lag <= 0:
            return webinars
        time.sleep(self.listing_lag)
        return self.list_webinars(user_id)

    def add_panelists(self, webinar_id: int, panelists: Sequence[Panelist]) -> None:
        """Add panelists, 30 a call. A lost answer raises InDoubtError: check list_panelists."""
        people = [{"name": p.name, "email": p.email} for p in panelists]
        for start in range(0, len(people), PANELISTS_PER_CALL):
            try:
                self._call(
                    "webinarPanelistCreate",
                    "POST",
                    f"webinars/{webinar_id}/panelists",
                    idempotent=False,
                    json={"panelists": people[start : start + PANELISTS_PER_CALL]},
                )
            except InDoubtError as error:
                raise InDoubtError(
                    error.cause, subject=f"the panelists of webinar {webinar_id}"
                ) from None

    def remove_panelist(self, webinar_id: int, panelist_id: str) -> None:
        """Remove one panelist (``DELETE /webinars/{webinarId}/panelists/{panelistId}``, 204).

        Sent again after a lost answer, as a delete may be; a 404 (the panelist or the webinar
        already gone) is raised as any refusal (docs/zoom-facts.md#webinar-panelists). An
        empty id is refused here: its path would be the one that removes every panelist."""
        if not panelist_id.strip():
            raise ValueError("a panelist to remove needs its id or email")
        self._call(
            "webinarPanelistDelete",
            "DELETE",
            f"webinars/{webinar_id}/panelists/{quote(panelist_id, safe='')}",
            idempotent=True,
        )

    def list_panelists(self, webinar_id: int) -> list[Panelist]:
        """The webinar's panelists with their ids and own links."""
        response = self._call(
            "webinarPanelists", "GET", f"webinars/{webinar_id}/panelists", idempotent=True
        )
        body = answers.json_object(response)
        items = body.get("panelists") if body else None
        if not isinstance(items, list):
            raise MalformedAnswerError(
                response.status_code, f"the panelists of webinar {webinar_id} are not a list"
            )
        return [
            Panelist(
                name=str(item.get("name", "")),
                email=str(item.get("email", "")),
                id=item.get("id") if isinstance(item.get("id"), str) else None,
                join_url=item.get("join_url") if isinstance(item.get("join_url"), str) else None,
            )
            for item in items
            if isinstance(item, dict)
        ]


def _webinar(response: httpx.Response, what: str) -> Webinar:
    body = answers.json_object(response)
    webinar = webinar_of(body) if body is not None else None
    if webinar is None:
        raise MalformedAnswerError(response.status_code, f"{what} came back without its id")
    return webinar


def _licence(error: ZoomRequestError, host: str) -> ZoomRequestError:
    """Zoom's "Webinar plan is missing" as a WebinarLicenceError; other errors unchanged."""
    if error.code == PLAN_MISSING and "webinar plan" in error.zoom_message.lower():
        return WebinarLicenceError(host, error.zoom_message)
    return error


def _unproven(user_id: str, what: str) -> UnprovenListingError:
    return UnprovenListingError(
        f"The webinars of host {user_id} could not be listed completely ({what}), so "
        "batchzoom cannot tell whether a webinar exists; those rows stay as they are and "
        "the next run looks again."
    )
