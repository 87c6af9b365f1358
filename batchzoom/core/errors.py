"""The exception tree of batchzoom.

Every error meant for a user is a ``BatchzoomError`` whose message is one
sentence that says what is wrong and what to do. The CLI turns it into a line
on stderr and an exit status (its table is in ``batchzoom.cli.app``); the
library never picks an exit status. The whole tree, subclasses defined in
other modules included:

    BatchzoomError                  the run could not be done at all
    ├── InputError                  the roster or state file cannot be used (missing, corrupt...)
    ├── ConfigError                 a setting is missing or wrong (credentials, URLs, options)
    ├── ZoomError                   Zoom answered in a way the run cannot continue from
    │   ├── AuthError               credentials rejected, or a token rejected twice
    │   │   └── ScopeError          the app lacks an OAuth scope (Zoom's 4711)  (batchzoom.zoom)
    │   ├── ZoomUnreachableError    Zoom could not be reached (or not as Zoom) after retries
    │   ├── ZoomRequestError        Zoom refused one request: that row fails  (batchzoom.zoom)
    │   │   └── MalformedAnswerError  an answer that is not Zoom's (HTML, no id)  (batchzoom.zoom)
    │   ├── UnprovenListingError    a host's list was incomplete: absence unproven  (batchzoom.zoom)
    │   ├── DailyLimitError         a daily limit: the row waits for ``resume_at``  (batchzoom.zoom)
    │   └── InDoubtError            a create may or may not have happened  (batchzoom.zoom)
    ├── OutputError                 the result sheet or state file could not be written
    ├── LockedError                 another run holds the roster's lock
    ├── InterruptedRunError         the user stopped the run (Ctrl-C); what was done is journalled
    └── NotConfirmedError           changes needed a yes, and there was nobody to ask

The Zoom request errors marked (batchzoom.zoom) live beside the client that
raises them; every other class is defined here.
"""

from __future__ import annotations


class BatchzoomError(Exception):
    """Base class: ``str(error)`` is a single actionable sentence."""


class InputError(BatchzoomError):
    """The roster file cannot be read or has no usable table."""


class ConfigError(BatchzoomError):
    """A setting (credential, URL, option value) is missing or wrong."""


class ZoomError(BatchzoomError):
    """Zoom answered in a way that stops the whole run."""


class AuthError(ZoomError):
    """Zoom rejected the credentials, or rejected a freshly fetched token."""


class ZoomUnreachableError(ZoomError):
    """Zoom could not be reached even after retrying."""


class OutputError(BatchzoomError):
    """The output sheet or state file could not be written."""


class LockedError(BatchzoomError):
    """Another batchzoom run is working on the same roster."""


class InterruptedRunError(BatchzoomError):
    """The user stopped the run (Ctrl-C); what was done is journalled.

    ``report`` is the run's report of what was done when the run got that far
    (its results are then written as the run's options say), else None.
    """

    def __init__(self, message: str, *, report: object = None) -> None:
        super().__init__(message)
        self.report = report


class NotConfirmedError(BatchzoomError):
    """Changes need a yes, and there was nobody to ask."""
