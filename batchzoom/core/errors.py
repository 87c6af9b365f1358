"""The exception tree of batchzoom.

Every error meant for a user is a ``BatchzoomError`` whose message is one
sentence that says what is wrong and what to do. The CLI turns it into a line
on stderr and an exit status; nothing else in the package picks exit codes.

    BatchzoomError                 exit 1: the run could not be done at all
    ├── InputError                 the roster file cannot be used (missing, corrupt, no columns...)
    ├── ConfigError                a setting is missing or wrong (credentials, URLs, options)
    ├── ZoomError                  Zoom answered in a way the run cannot continue from
    │   ├── AuthError              credentials rejected, or a token rejected twice
    │   └── ZoomUnreachableError        Zoom could not be reached after retries
    ├── OutputError                the result file could not be written
    └── LockedError                exit 5: another run holds the roster's lock
"""

from __future__ import annotations


class BatchzoomError(Exception):
    """Base class: ``str(error)`` is a single actionable sentence."""

    exit_code = 1


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

    exit_code = 5
