"""From a validated session to the body of Zoom's create-meeting request."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from batchzoom.model import recurrence, times
from batchzoom.model.problems import CellError
from batchzoom.model.rows import WEBINAR, Session
from batchzoom.zoomspec import (
    RECURRING,
    SCHEDULED,
    WEBINAR_RECURRING,
    WEBINAR_RECURRING_NO_FIXED_TIME,
    WEBINAR_SCHEDULED,
)

# Also from here, beside the bodies that use them.
__all__ = ["RECURRING", "SCHEDULED", "WEBINAR_RECURRING", "WEBINAR_SCHEDULED"]
WEBINAR_TYPES = frozenset({WEBINAR_SCHEDULED, WEBINAR_RECURRING_NO_FIXED_TIME, WEBINAR_RECURRING})


def create_body(session: Session, *, now: datetime | None = None) -> dict[str, Any]:
    """The ``meetingCreate`` request body for one session.

    The start goes as the exact UTC instant (``yyyy-MM-ddTHH:mm:ssZ``), so Zoom is
    never left to pick one of the two instants of a wall time that a daylight-saving
    change repeats; ``timezone`` names the row's zone, in which Zoom shows the meeting
    and keeps a series' local time of day. (Zoom reads a start ending in ``Z`` as GMT
    whatever ``timezone`` says: "To set time as GMT the format should be
    yyyy-MM-ddTHH:mm:ssZ", meetingCreate, docs/zoom-facts.md#meeting-times.) A repeating session is a
    recurring meeting with a fixed time (type 8) carrying Zoom's ``recurrence``
    object; settings columns and alternative hosts go in ``settings``
    (alternative hosts as Zoom's ``"a@x;b@y"``).

    A webinar row (``kind`` webinar) gets the ``webinarCreate`` body: the same fields, with
    the webinar types (5, or 9 for a series) and its alternative hosts comma-separated
    ("Multiple values separated by comma", webinarCreate ``settings.alternative_hosts``).

    Zoom moves a start that has passed to the time of the request ("If start_time is
    ... set to a past value, it defaults to the current time", meetingCreate), which
    would shift a series' local time of day; so, given ``now``, a recurring series whose
    start has passed (accepted with --allow-past) starts at its first occurrence still
    ahead, with ``end_times`` counting only the occurrences left.
    """
    body: dict[str, Any] = {
        "topic": session.topic,
        "type": SCHEDULED,
        "start_time": session.start_utc,
        "timezone": session.timezone,
        "duration": session.duration,
    }
    if session.agenda:
        body["agenda"] = session.agenda
    if session.password:
        body["password"] = session.password
    webinar = session.kind == WEBINAR
    if webinar:
        body["type"] = WEBINAR_SCHEDULED
    if session.recurrence:
        body["type"] = WEBINAR_RECURRING if webinar else RECURRING
        body["recurrence"] = copy.deepcopy(dict(session.recurrence))
    settings: dict[str, Any] = copy.deepcopy(dict(session.settings))
    if session.alternative_hosts:
        settings["alternative_hosts"] = ("," if webinar else ";").join(session.alternative_hosts)
    if settings:
        body["settings"] = settings
    return body if now is None else sent_body(body, session, now)


def sent_body(body: dict[str, Any], session: Session, now: datetime) -> dict[str, Any]:
    """``body`` as it is sent at ``now``: itself, or for a recurring series whose start has
    passed, a copy from its first occurrence still ahead (see ``create_body``)."""
    if not session.recurrence or session.start >= now:
        return body
    sent = copy.deepcopy(body)
    _from_next_occurrence(sent, session, now)
    return sent


def fingerprint(body: dict[str, Any]) -> str:
    """A stable digest of a request body, to notice when a row's meeting would differ.

    A start is digested as the wall time in its zone where that names one instant (as
    bodies were once sent, so meetings created then are not taken for changed ones),
    and as the UTC instant where a daylight-saving change repeats that wall time.
    """
    body = dict(body)
    start, zone = body.get("start_time"), body.get("timezone")
    if isinstance(start, str) and start.endswith("Z") and isinstance(zone, str):
        body["start_time"] = _digest_start(start, zone)
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def _digest_start(start: str, zone: str) -> str:
    try:
        instant = times.parse_utc(start)
        where = times.zone(zone)
    except (ValueError, CellError):
        return start
    local = instant.astimezone(where)
    wall = local.replace(tzinfo=None)
    try:
        times.localize(wall, where)
    except CellError:
        return start
    return times.local_text(local)


def _from_next_occurrence(body: dict[str, Any], session: Session, now: datetime) -> None:
    assert session.recurrence is not None
    starts = recurrence.occurrences(session.start, session.timezone, session.recurrence)
    ahead = [start for start in starts if start >= now]
    if not ahead:
        return  # every occurrence has passed: nothing better to send
    body["start_time"] = times.utc_text(ahead[0])
    if "end_times" in body["recurrence"]:
        body["recurrence"]["end_times"] = len(ahead)


# How a PATCH clears a field: Zoom ignores a field sent as null, as if it were absent
# (observed by the checker of issue 21; no public recorded response says otherwise, and
# none was found that shows it), so a cleared string is sent empty, the only value of its
# type meaning "none" (Meetings.json: ``agenda`` is a string). A field with no empty value
# of its type is left out: Zoom keeps it.
CLEARED: dict[str, Any] = {"agenda": ""}


def cleared(patch: Mapping[str, Any]) -> dict[str, Any]:
    """``patch`` with each field the sheet cleared (None) sent the way Zoom applies."""
    return {
        name: CLEARED[name] if value is None else value
        for name, value in patch.items()
        if value is not None or name in CLEARED
    }


# The fields of a meeting that batchzoom sets and compares (``create_body``, and
# ``WATCHED`` in engine/audit.py).
SHOWN_FIELDS = ("topic", "type", "start_time", "timezone", "duration", "agenda", "recurrence")


def body_shown(meeting: Mapping[str, Any]) -> dict[str, Any]:
    """The body a meeting shows on Zoom, as batchzoom would have sent it."""
    return {name: meeting[name] for name in SHOWN_FIELDS if meeting.get(name) not in (None, "")}


def is_webinar_body(body: Mapping[str, Any] | None) -> bool:
    """Whether a create body (as the journal keeps it) made a webinar (types 5, 6, 9)."""
    return body is not None and body.get("type") in WEBINAR_TYPES
