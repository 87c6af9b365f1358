"""The words every layer uses about a row's fate: its identity, its status, its outcome.

They sit below the run so that readers of results (the sheet writer, the calendar, the
status report) never import the run that produces them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from batchzoom.model.rows import Session

DAILY_CREATE_LIMIT = 100  # Zoom: meeting creates + updates per host per UTC day

Status = Literal[
    "created",
    "existing",
    "changed",
    "updated",
    "unchanged",
    "cancelled",
    "invalid",
    "failed",
    "deferred",
    "planned",
]


@dataclass(frozen=True)
class RowResult:
    """What happened to one roster row; a field that is None clears its cell."""

    status: Status
    meeting_id: int | None = None
    join_url: str | None = None
    password: str | None = None
    start_time: str | None = None  # as Zoom returned it, UTC "...Z"
    error: str | None = None  # one sentence; for deferred: when it can resume
    start_url: str | None = None  # a host credential: written only with include_start_url
    host: str | None = None  # the host Zoom has: written only with include_host
    timezone: str | None = None  # the row's zone: ``zoom_start_local`` is the start there


def row_key(session: Session) -> str:
    """A row's identity across runs: its id, else a digest of host, topic and start instant.

    A row whose host is picked from a pool is keyed on the pool, not on the member
    picked, so that a re-run recognises it whoever hosts it.
    """
    if session.key:
        return f"id:{session.key}"
    who = f"pool:{session.pool}" if session.pool else session.host.lower()
    text = f"{who}\n{session.topic}\n{session.start_utc}"
    return "fp:" + hashlib.sha256(text.encode()).hexdigest()[:24]


@dataclass
class RowOutcome:
    """What happened to one roster row (no secrets except the passcode the sheet holds)."""

    row: int
    status: Status
    key: str | None = None
    row_key: str | None = None
    host: str | None = None
    topic: str | None = None
    start_utc: str | None = None
    meeting_id: int | None = None
    join_url: str | None = None
    password: str | None = None
    start_time: str | None = None
    error: str | None = None
    start_url: str | None = field(default=None, repr=False)
    resume_at: datetime | None = None  # deferred: when Zoom's daily limit lets it go again
    timezone: str | None = None  # the row's zone, in which its times are shown

    def result(self) -> RowResult:
        return RowResult(
            status=self.status,
            meeting_id=self.meeting_id,
            join_url=self.join_url,
            password=self.password,
            start_time=self.start_time,
            error=self.error,
            start_url=self.start_url,
            host=self.host,
            timezone=self.timezone,
        )


def row_outcome(session: Session, status: Status, **values: Any) -> RowOutcome:
    """A row's outcome, with the identity its session gives it."""
    return RowOutcome(
        row=session.row,
        status=status,
        key=session.key,
        row_key=row_key(session),
        host=session.host,
        topic=session.topic,
        start_utc=session.start_utc,
        timezone=session.timezone,
        **values,
    )
