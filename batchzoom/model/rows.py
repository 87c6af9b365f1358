"""The row model: what a valid row is (a ``Session``), and what validating a roster gives.

Pure records, no I/O. ``batchzoom.model.validation.validate`` turns any ``Table`` of raw
cells (the ``Roster`` read by ``batchzoom.files.roster`` is one) into a ``Validation``:
every valid session plus every problem of every row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from batchzoom.model import times
from batchzoom.model.problems import Problem
from batchzoom.model.times import DateOrder


@dataclass(frozen=True, kw_only=True)
class Session:
    """A valid row: everything needed to create its Zoom meeting."""

    row: int
    key: str | None
    topic: str
    start: datetime  # aware, in ``timezone``
    timezone: str
    duration: int
    host: str
    agenda: str | None = None
    password: str | None = None
    meeting_id: int | None = None
    # Optional columns (see ``batchzoom.model.extras``):
    cancelled: bool = False  # a status column says the session is cancelled
    recurrence: Mapping[str, Any] | None = field(default=None, hash=False)  # Zoom's object
    settings: Mapping[str, Any] = field(default_factory=dict, hash=False)  # Zoom's settings
    alternative_hosts: tuple[str, ...] = ()
    pool: str | None = None  # the host pool a host was picked from
    # Events (see ``batchzoom.model.attendees``):
    registration: bool = False  # attendees register; Zoom approves them automatically
    kind: str = "meeting"  # "meeting" or "webinar" (``MEETING``/``WEBINAR``)
    panelists: tuple[str, ...] = ()  # a webinar's panelists, by email

    @property
    def start_utc(self) -> str:
        """The start as Zoom's UTC form, ``YYYY-MM-DDTHH:MM:SSZ``."""
        return times.utc_text(self.start)

    @property
    def start_local(self) -> str:
        """The wall-clock start in ``timezone``, ``YYYY-MM-DDTHH:MM:SS``."""
        return times.local_text(self.start)


MEETING = "meeting"
WEBINAR = "webinar"


@dataclass(frozen=True)
class ValidationOptions:
    """Choices that change how rows are read and checked."""

    timezone: str | None = None
    date_order: DateOrder | None = None
    allow_past: bool = False
    default_host: str = "me"
    now: datetime | None = None


@dataclass
class Validation:
    """Every valid session and every problem of a roster."""

    sessions: list[Session]
    problems: list[Problem]
    invalid_rows: set[int]
    rows: list[int]
    # Doubts about valid rows that do not stop them (e.g. a host with more sessions at once
    # than the plan runs); ``strict`` makes them problems.
    warnings: list[Problem] = field(default_factory=list)
    # Rows marked cancelled that need nothing more: a cancelled row needs only its id, and
    # no meeting was ever made for these (``batchzoom.engine.planning``).
    cancelled_rows: set[int] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        """True when no row (and not the file) has a problem."""
        return not self.problems

    def warned(self, warnings: Sequence[Problem]) -> Validation:
        """The same validation with more warnings, every warning in row order."""
        return replace(self, warnings=_in_row_order([*self.warnings, *warnings]))

    def strict(self) -> Validation:
        """Every warning made a problem: the rows it names are invalid."""
        return replace(self.amended(self.warnings), warnings=[])

    def amended(
        self, problems: Sequence[Problem], sessions: Sequence[Session] | None = None
    ) -> Validation:
        """More problems found on top (rows with one lose their session), in row order.

        ``sessions`` replaces the valid sessions (e.g. with more fields filled in).
        """
        bad = {problem.row for problem in problems if problem.row is not None}
        kept = self.sessions if sessions is None else sessions
        return Validation(
            sessions=[session for session in kept if session.row not in bad],
            problems=_in_row_order([*self.problems, *problems]),
            invalid_rows=self.invalid_rows | bad,
            rows=self.rows,
            warnings=[warning for warning in self.warnings if warning.row not in bad],
            cancelled_rows=self.cancelled_rows,
        )


def _in_row_order(problems: Sequence[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: -1 if p.row is None else p.row)


class Table(Protocol):
    """What ``validate`` needs of a roster: which fields it has and their raw cells."""

    @property
    def columns(self) -> Mapping[str, str]: ...  # canonical field -> header text

    @property
    def rows(self) -> Sequence[int]: ...  # Excel row numbers of the data rows

    def values(self, name: str) -> Sequence[object] | None: ...  # cells of a field, by row
