"""What a run would send to Zoom, shown before it is sent (``schedule --dry-run --json``).

For every valid row: the host, the exact ``meetingCreate`` body (its passcode masked),
and for a recurring row every occurrence in the row's zone and in UTC, so a roster can
be audited before a term, and outside tools can check instants without this library.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from batchzoom.engine.planning import occurrences_of
from batchzoom.model import times
from batchzoom.model.rows import Session
from batchzoom.zoom.meetings import create_body

MASK = "***"


def request(session: Session, now: datetime | None = None) -> dict[str, Any]:
    """One row's request: host, body (passcode masked) and the starts it makes.

    With ``now``, a recurring series whose start has passed shows the body that is sent
    for it: from its first occurrence still ahead (see ``create_body``).
    """
    body = create_body(session, now=now)
    if "password" in body:
        body["password"] = MASK
    return {
        "row": session.row,
        "id": session.key,
        "host": session.host,
        "body": body,
        "occurrences": [
            {"local": times.local_text(start), "utc": times.utc_text(start)}
            for start in occurrences_of(session)
        ],
    }


def requests(sessions: Iterable[Session], now: datetime | None = None) -> list[dict[str, Any]]:
    """``request`` of every session, in roster order (cancelled ones are not sent)."""
    return [request(session, now) for session in sessions if not session.cancelled]
