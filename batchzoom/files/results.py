"""What a run works on and what it hands back: the roster loaded, progress, the report.

They sit below the engine so that the read-only commands (``status``, ``reconcile``)
and the readers of results (the command line's output, the HTML report) use them
without importing the run that produces them, nor the HTTP stack it needs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, get_args

from batchzoom.files.roster import Roster, SourceInfo
from batchzoom.files.writeback import WriteOutcome
from batchzoom.model.attendees import AttendeeValidation
from batchzoom.model.outcomes import RowOutcome, Status
from batchzoom.model.problems import Problem
from batchzoom.model.rows import Validation


@dataclass(frozen=True)
class Loaded:
    """A roster read and validated, ready to schedule."""

    roster: Roster
    validation: Validation
    attendees: AttendeeValidation | None = None  # the attendee sheet's, when there is one
    attendee_source: SourceInfo | None = None  # where the attendee sheet was read


@dataclass(frozen=True)
class Progress:
    """Sent to the progress callback: once before the run looks on Zoom for what earlier
    runs made (``stage`` ``"looking"``, with the number of ``hosts`` listed), then after
    every row sent (``stage`` ``"sending"``).

    ``total`` and ``done`` count this run's rows to send; ``earlier`` counts the roster's
    rows an earlier run already did (``existing``), so that a resumed run can be shown as
    ``done + earlier`` of ``total + earlier``.
    """

    total: int
    done: int
    created: int
    failed: int
    deferred: int
    outcome: RowOutcome | None = None  # the row just settled
    updated: int = 0  # sync only
    cancelled: int = 0  # sync only
    stage: Stage = "sending"
    hosts: int = 0  # "looking": the hosts whose meetings are listed
    earlier: int = 0  # rows of the roster that earlier runs did


Stage = Literal["looking", "sending"]


ProgressCallback = Callable[[Progress], None]


@dataclass
class RunReport:
    outcomes: list[RowOutcome]
    problems: list[Problem]
    warnings: list[str] = field(default_factory=list)
    output: WriteOutcome | None = None
    tokens_fetched: int = 0
    requests: int = 0
    rate_limited: int = 0
    dry_run: bool = False
    interrupted: bool = False  # stopped by Ctrl-C; the outcomes are what was done

    def counts(self) -> dict[str, int]:
        """How many rows ended in each status (every status, zero included)."""
        counts = Counter(outcome.status for outcome in self.outcomes)
        return {status: counts.get(status, 0) for status in get_args(Status)}


def invalid_outcomes(validation: Validation) -> dict[int, RowOutcome]:
    """The outcome of every invalid row: its problems, as one sentence each."""
    messages: dict[int, list[str]] = defaultdict(list)
    for problem in validation.problems:
        if problem.row is not None:
            where = f"{problem.column}: " if problem.column else ""
            messages[problem.row].append(where + problem.message)
    return {
        row: RowOutcome(
            row=row, status="invalid", error=" ".join(messages.get(row, ["invalid row"]))
        )
        for row in validation.invalid_rows
    }


def cancelled_outcomes(validation: Validation) -> dict[int, RowOutcome]:
    """``cancelled`` for each cancelled row that never had a meeting (nothing to send)."""
    return {row: RowOutcome(row=row, status="cancelled") for row in validation.cancelled_rows}
