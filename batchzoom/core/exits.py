"""The one table of exit statuses: what ``batchzoom`` returns, and what a library result's
``exit_code`` says the command would have returned.

    0    success
    1    the run could not be done (input unusable, credentials, Zoom unreachable)
    2    bad command-line usage (click's own)
    3    some rows are invalid
    4    some rows failed or were deferred (run again later); for reconcile, some
         meetings were deleted or changed on Zoom, or could not be checked
    5    another run holds the roster's lock
    130  interrupted (Ctrl-C)
"""

from __future__ import annotations

from collections.abc import Mapping

from batchzoom.core.errors import BatchzoomError, InterruptedRunError, LockedError
from batchzoom.core.i18n import N_

OK = 0
COULD_NOT_RUN = 1
INVALID_ROWS = 3
INCOMPLETE = 4
LOCKED = 5
INTERRUPTED = 130

# What each status tells a person reading a report of the run (translated where shown).
EXIT_MEANINGS = {
    OK: N_("every row is done (created or existing)."),
    COULD_NOT_RUN: N_("the run could not be done (input unusable, credentials, Zoom unreachable)."),
    INVALID_ROWS: N_("some rows are invalid: nothing was sent for them; fix them (see Problems)."),
    INCOMPLETE: N_("some rows failed or were deferred: run the same command again later."),
    LOCKED: N_("another run holds the roster's lock."),
    INTERRUPTED: N_("the run was interrupted; run the same command again to continue."),
}

# An error's exit status: the first class it is an instance of.
ERROR_EXITS: tuple[tuple[type[BatchzoomError], int], ...] = (
    (LockedError, LOCKED),
    (InterruptedRunError, INTERRUPTED),
    (BatchzoomError, COULD_NOT_RUN),
)


def error_exit(error: BatchzoomError) -> int:
    """The exit status for a library error."""
    return next(code for kind, code in ERROR_EXITS if isinstance(error, kind))


def outcome_exit(counts: Mapping[str, int]) -> int:
    """The exit status for a run's row counts: invalid rows first, then unfinished ones."""
    if counts.get("invalid"):
        return INVALID_ROWS
    if counts.get("failed") or counts.get("deferred"):
        return INCOMPLETE
    return OK


def attendee_exit(code: int, attendees: Mapping[str, int]) -> int:
    """``code`` with a run's registrations: one failed, deferred or in doubt leaves an
    otherwise finished run unfinished (4), as a failed row does."""
    unfinished = attendees.get("failed") or attendees.get("deferred") or attendees.get("in_doubt")
    return INCOMPLETE if code == OK and unfinished else code
