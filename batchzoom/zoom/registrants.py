"""Registering people for a meeting or webinar: add, batch add, list, status update.

- ``add_registrant`` (``POST /meetings/{id}/registrants``, Light) and
  ``batch_registrants`` (``POST /meetings/{id}/batch_registrants``, Heavy: up to 30
  people, scheduled one-off meetings only) are sent once and never retried blindly: Zoom
  returns an existing registrant again for the same email, but every addition spends
  that person's 3 a day (devforum.zoom.us/t/57798, /t/125510). An answer that is lost
  (timeout, dropped connection, 5xx) raises ``InDoubtError``; the caller settles it from
  ``list_registrants`` before adding again, as for meeting creates.
- A person's daily limit (3 additions, 10 status updates, reset at 00:00 UTC) raises
  ``RegistrantLimitError`` naming the person; the meeting's other registrants go on.
- ``list_registrants`` (Medium) pages through one status (approved by default);
  ``update_registrant_status`` (Medium) approves, cancels or denies up to 30 a call.

Rate-limit categories are Zoom's labels in Meetings.json, read through ``zoomspec``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from batchzoom.core.i18n import _
from batchzoom.zoom import answers
from batchzoom.zoom.caller import ApiCaller
from batchzoom.zoom.errors import InDoubtError, MalformedAnswerError, UnprovenListingError

BATCH_SIZE = 30  # addBatchRegistrants: "Register up to 30 registrants at once"
# Zoom's per-registrant daily limits, reset at 00:00 UTC ("Registrant Addition 3/day per
# registrant", "Registrant Status Updates 10/day per registrant": zoom/skills
# skills/rest-api/references/rate-limits.md; observed: devforum.zoom.us/t/125510, /t/122482).
ADDS_PER_DAY = 3
STATUS_UPDATES_PER_DAY = 10
STATUS_BATCH = 30  # meetingRegistrantStatus: registrants "maximum": 30
PAGE_SIZE = 300
MAX_PAGES = 1000
RegistrantAction = Literal["approve", "cancel", "deny"]
RegistrantStatus = Literal["approved", "pending", "denied"]


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of a recurring meeting a registrant is registered for."""

    occurrence_id: str
    start_time: str | None
    duration: int | None
    status: str


@dataclass(frozen=True)
class Registration:
    """Zoom's answer to adding one person.

    ``join_url`` is the person's own link; None while the registration awaits manual
    approval ("If the meeting was created with manual approval type (approval_type: 1),
    the join URL will not be returned", Meetings.json meetingRegistrantCreate).
    """

    meeting_id: int
    registrant_id: str
    email: str
    join_url: str | None
    topic: str = ""
    start_time: str | None = None
    occurrences: tuple[Occurrence, ...] = ()


@dataclass(frozen=True)
class Registrant:
    """A registrant as Zoom lists them."""

    registrant_id: str
    email: str
    status: str
    join_url: str | None = None
    first_name: str = ""
    last_name: str = ""
    create_time: str | None = None


def _kind(webinar: bool) -> str:
    return "webinars" if webinar else "meetings"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


class RegistrantCalls(ApiCaller):
    """The registrant operations of ``ZoomClient``."""

    def add_registrant(
        self, meeting_id: int, body: Mapping[str, Any], *, webinar: bool = False
    ) -> Registration:
        """Register one person (``email``, ``first_name``, ...); their own link comes back."""
        operation = "webinarRegistrantCreate" if webinar else "meetingRegistrantCreate"
        email = str(body.get("email", ""))
        subject = f"the registration of {email} for {meeting_id}"
        try:
            response = self._call(
                operation,
                "POST",
                f"{_kind(webinar)}/{meeting_id}/registrants",
                idempotent=False,
                json=dict(body),
            )
        except InDoubtError as error:
            raise InDoubtError(error.cause, subject=subject) from None
        answer = answers.json_object(response)
        registrant_id = _text(answer.get("registrant_id")) if answer else None
        if answer is None or registrant_id is None:
            self._count("in_doubt")
            raise InDoubtError(
                f"Zoom answered HTTP {response.status_code} without a registrant id",
                subject=subject,
            )
        occurrences = tuple(
            Occurrence(
                occurrence_id=str(o.get("occurrence_id", "")),
                start_time=_text(o.get("start_time")),
                duration=o.get("duration") if isinstance(o.get("duration"), int) else None,
                status=str(o.get("status", "")),
            )
            for o in answer.get("occurrences") or []
            if isinstance(o, dict)
        )
        return Registration(
            meeting_id=meeting_id,
            registrant_id=registrant_id,
            email=email,
            join_url=_text(answer.get("join_url")),
            topic=str(answer.get("topic", "")),
            start_time=_text(answer.get("start_time")),
            occurrences=occurrences,
        )

    def batch_registrants(
        self,
        meeting_id: int,
        registrants: Sequence[Mapping[str, Any]],
        *,
        auto_approve: bool = True,
        confirmation_email: bool = True,
    ) -> list[Registration]:
        """Register up to 30 people of a scheduled one-off meeting in one call.

        The answer lists each person's email, registrant id and link; a person missing
        from it is not in the result (the caller settles them from the list).
        """
        if not 1 <= len(registrants) <= BATCH_SIZE:
            raise ValueError(f"a batch holds 1 to {BATCH_SIZE} registrants")
        subject = f"the registration of {len(registrants)} people for meeting {meeting_id}"
        body = {
            "auto_approve": auto_approve,
            "registrants_confirmation_email": confirmation_email,
            "registrants": [dict(r) for r in registrants],
        }
        try:
            response = self._call(
                "addBatchRegistrants",
                "POST",
                f"meetings/{meeting_id}/batch_registrants",
                idempotent=False,
                json=body,
            )
        except InDoubtError as error:
            raise InDoubtError(error.cause, subject=subject) from None
        answer = answers.json_object(response)
        items = answer.get("registrants") if answer else None
        if not isinstance(items, list):
            self._count("in_doubt")
            raise InDoubtError(
                f"Zoom answered HTTP {response.status_code} without the registrants",
                subject=subject,
            )
        found = []
        for item in items:
            registrant_id = _text(item.get("registrant_id")) if isinstance(item, dict) else None
            if registrant_id is None:
                continue
            found.append(
                Registration(
                    meeting_id=meeting_id,
                    registrant_id=registrant_id,
                    email=str(item.get("email", "")),
                    join_url=_text(item.get("join_url")),
                )
            )
        return found

    def list_registrants(
        self,
        meeting_id: int,
        *,
        status: RegistrantStatus = "approved",
        webinar: bool = False,
    ) -> list[Registrant]:
        """Every registrant of one status (all pages); raises UnprovenListingError if incomplete."""
        operation = "webinarRegistrants" if webinar else "meetingRegistrants"
        found: list[Registrant] = []
        token = ""
        seen: set[str] = set()
        for _page in range(MAX_PAGES):
            params: dict[str, Any] = {"status": status, "page_size": PAGE_SIZE}
            if token:
                params["next_page_token"] = token
            try:
                response = self._call(
                    operation,
                    "GET",
                    f"{_kind(webinar)}/{meeting_id}/registrants",
                    idempotent=True,
                    params=params,
                )
            except MalformedAnswerError as error:
                raise _unproven(meeting_id, error.zoom_message) from None
            page = answers.json_object(response)
            items = page.get("registrants") if page else None
            if page is None or not isinstance(items, list):
                raise _unproven(
                    meeting_id,
                    _("HTTP {status} without a list").format(status=response.status_code),
                )
            for item in items:
                if not isinstance(item, dict) or _text(item.get("id")) is None:
                    raise _unproven(meeting_id, _("a registrant came without an id"))
                found.append(
                    Registrant(
                        registrant_id=item["id"],
                        email=str(item.get("email", "")),
                        status=str(item.get("status", status)),
                        join_url=_text(item.get("join_url")),
                        first_name=str(item.get("first_name", "")),
                        last_name=str(item.get("last_name", "")),
                        create_time=_text(item.get("create_time")),
                    )
                )
            token = page.get("next_page_token") or ""
            if not isinstance(token, str):
                raise _unproven(meeting_id, _("a page's next_page_token is not text"))
            if not token:
                return found
            if token in seen:
                raise _unproven(meeting_id, _("Zoom sent the same next_page_token twice"))
            seen.add(token)
        raise _unproven(
            meeting_id, _("the list went on past {pages} pages").format(pages=MAX_PAGES)
        )

    def update_registrant_status(
        self,
        meeting_id: int,
        action: RegistrantAction,
        registrants: Sequence[Mapping[str, str]],
        *,
        webinar: bool = False,
    ) -> None:
        """Approve, cancel or deny registrants (each ``{"id": ...}`` or ``{"email": ...}``).

        Sent 30 at a time; setting a status twice leaves it as it is, so a call is retried
        by the policy like any idempotent one.
        """
        operation = "webinarRegistrantStatus" if webinar else "meetingRegistrantStatus"
        people = [dict(r) for r in registrants]
        for start in range(0, len(people), STATUS_BATCH):
            self._call(
                operation,
                "PUT",
                f"{_kind(webinar)}/{meeting_id}/registrants/status",
                idempotent=True,
                json={"action": action, "registrants": people[start : start + STATUS_BATCH]},
            )


def _unproven(meeting_id: int, what: str) -> UnprovenListingError:
    return UnprovenListingError(
        _(
            "The registrants of meeting {meeting} could not be listed completely ({what}), so "
            "batchzoom cannot tell who is registered; those attendees stay as they are and the "
            "next run looks again."
        ).format(meeting=meeting_id, what=what)
    )
