"""From a validated session to the body of Zoom's create-meeting request."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from batchzoom.model.rows import Session

SCHEDULED = 2  # Zoom meeting type: a scheduled meeting with a fixed time
RECURRING = 8  # Zoom meeting type: a recurring meeting with a fixed time


def create_body(session: Session) -> dict[str, Any]:
    """The ``meetingCreate`` request body for one session.

    The start goes as local wall time plus the IANA zone, which is how Zoom
    shows it to participants in that zone; batchzoom has already checked that
    this wall time exists exactly once in that zone. A repeating session is a
    recurring meeting with a fixed time (type 8) carrying Zoom's ``recurrence``
    object; settings columns and alternative hosts go in ``settings``
    (alternative hosts as Zoom's ``"a@x;b@y"``).
    """
    body: dict[str, Any] = {
        "topic": session.topic,
        "type": SCHEDULED,
        "start_time": session.start_local,
        "timezone": session.timezone,
        "duration": session.duration,
    }
    if session.agenda:
        body["agenda"] = session.agenda
    if session.password:
        body["password"] = session.password
    if session.recurrence:
        body["type"] = RECURRING
        body["recurrence"] = copy.deepcopy(dict(session.recurrence))
    settings: dict[str, Any] = copy.deepcopy(dict(session.settings))
    if session.alternative_hosts:
        settings["alternative_hosts"] = ";".join(session.alternative_hosts)
    if settings:
        body["settings"] = settings
    return body


def fingerprint(body: dict[str, Any]) -> str:
    """A stable digest of a request body, to notice when a row's meeting would differ."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]
