"""What Zoom already holds of a meeting's registrants, read before anyone is added to it.

A meeting that existed before this run may hold registrants batchzoom did not add (added by
hand in Zoom, by another app, or by a run whose journal is lost). Adding such a person again
returns the registrant Zoom already has, so the answer cannot tell them from one batchzoom
made; and sync would later cancel them when their row leaves the sheet. So before adding
anyone to such a meeting, its approved and pending registrants are listed once (every page,
``GET /meetings/{id}/registrants``; Meetings.json ``meetingRegistrants``; the statuses that
fill its 4,999, ``registrant_limits.COUNTED``): a person on the sheet already listed whom
the journal does not say batchzoom added is recorded ``found`` (their registrant id and link,
so the sheet gets them) and is never cancelled; the listing's length is what the meeting
holds, so the people still to add are split against the room left without a separate count.

The same listing settles intents left by an earlier run (a crash, a lost answer) and the
links of people the host has approved since: a meeting created in this run is listed only
when it has such records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Literal, Protocol

from batchzoom.core.i18n import _
from batchzoom.engine.journal.registrants import Registrant, RegistrantJournal
from batchzoom.engine.registrant_limits import COUNTED


class Answer(Protocol):
    """A registrant in Zoom's answer (an addition's, or the meeting's list)."""

    @property
    def email(self) -> str: ...

    @property
    def registrant_id(self) -> str: ...

    @property
    def join_url(self) -> str | None: ...


class Lister(Protocol):
    """The Zoom call listing a meeting's registrants of one status (every page)."""

    def list_registrants(
        self,
        meeting_id: int,
        *,
        status: Literal["approved", "pending", "denied"] = "approved",
        webinar: bool = False,
    ) -> Sequence[Answer]: ...


def listed_on_zoom(zoom: Lister, meeting_id: int, *, webinar: bool) -> dict[str, Answer]:
    """The meeting's approved and pending registrants, by case-folded email (an approved
    one wins over a pending one of the same email)."""
    listed: dict[str, Answer] = {}
    for status in reversed(COUNTED):  # pending first, so approved overwrites
        for item in zoom.list_registrants(meeting_id, status=status, webinar=webinar):
            listed[item.email.casefold()] = item
    return listed


def awaiting(record: Registrant) -> bool:
    """Registered, but awaiting the host's approval: Zoom gives no link until then."""
    return record.state == "added" and not record.join_url


def settle(
    journal: RegistrantJournal, known: Mapping[str, Registrant], listed: Mapping[str, Answer]
) -> dict[str, Registrant]:
    """Intents resolved from ``listed`` (a person not listed never reached Zoom, and is added
    again), and the links of people the host has approved since they were added to a
    meeting with manual approval."""
    settled = dict(known)
    for email, record in known.items():
        found = listed.get(email)
        if found is None or not (record.state == "intent" or awaiting(record)):
            continue
        if record.state == "added" and not found.join_url:
            continue  # still awaiting approval
        done = replace(
            record,
            state="added",
            registrant_id=found.registrant_id,
            join_url=found.join_url,
            error=None,
        )
        journal.record(done)
        settled[email] = done
    return settled


def unlisted_error(meeting_id: int, why: str) -> str:
    """The sentence on an attendee row whose meeting's registrants could not be listed."""
    return _(
        "Zoom did not list the registrants of meeting {meeting} ({why}), so batchzoom could "
        "not tell who it already holds; this person was not sent and the next run looks again."
    ).format(meeting=meeting_id, why=why)


def unlisted_deferred(meeting_id: int, until: str) -> str:
    """The sentence on an attendee row whose meeting's listing a daily limit refused."""
    return _(
        "Zoom's daily limit refused listing the registrants of meeting {meeting}, so this "
        "person was not sent; the next run after {until} UTC registers them."
    ).format(meeting=meeting_id, until=until)
