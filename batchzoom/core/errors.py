"""The exception tree of batchzoom, drawn once.

Every error meant for a user is a ``BatchzoomError`` whose message is one
sentence that says what is wrong and what to do. The CLI turns it into a line
on stderr and an exit status (its table is in ``batchzoom.cli.app``); the
library never picks an exit status. A caller tells "stop" from "this row
failed" by the two branches:

    BatchzoomError
    ├── RunStoppingError            the run cannot go on at all
    │   ├── ConfigError             a setting is missing or wrong (credentials, URLs, options)
    │   ├── AuthError               credentials rejected, or a token rejected twice
    │   │   └── ScopeError          the app lacks an OAuth scope (Zoom's 4711)
    │   ├── ZoomUnreachableError    Zoom could not be reached (or not as Zoom) after retries
    │   ├── LockedError             another run holds the roster's lock
    │   ├── InputError              the roster or state file cannot be used (missing, corrupt...)
    │   ├── OutputError             the result sheet or state file could not be written
    │   ├── InterruptedRunError     the user stopped the run (Ctrl-C); what was done is journalled
    │   └── NotConfirmedError       changes needed a yes, and there was nobody to ask
    └── RowError                    one row or one request failed; the others may go on
        ├── InvalidSessionError     a session's cells break a rule; carries ``problems``
        ├── ZoomRequestError        Zoom refused one request
        │   └── MalformedAnswerError  an answer that is not Zoom's (HTML, no id)
        ├── DailyLimitError         a daily limit: the row waits for ``resume_at``
        │   └── RegistrantLimitError  one registrant's daily limit: only that person waits
        ├── InDoubtError            a create may or may not have happened
        └── UnprovenListingError    a host's list was incomplete: absence unproven

``ZoomError`` is a second base of the classes that carry Zoom's answer (AuthError,
ZoomUnreachableError and every RowError but InvalidSessionError), for a caller who
wants "anything Zoom said". Every class is defined here; ``batchzoom.zoom.errors``
re-exports the Zoom ones beside the client that raises them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from batchzoom.core.i18n import _


class BatchzoomError(Exception):
    """Base class: ``str(error)`` is a single actionable sentence."""


class RunStoppingError(BatchzoomError):
    """An error after which the run cannot go on (nothing more is sent)."""


class RowError(BatchzoomError):
    """An error about one row or one request: the rest of the run can go on."""


class ZoomError(BatchzoomError):
    """An error that carries what Zoom answered (or that it did not answer)."""


class InputError(RunStoppingError):
    """The roster file cannot be read or has no usable table."""


class ConfigError(RunStoppingError):
    """A setting (credential, URL, option value) is missing or wrong."""


class AuthError(RunStoppingError, ZoomError):
    """Zoom rejected the credentials, or rejected a freshly fetched token."""


class ScopeError(AuthError):
    """The app's token lacks a scope an operation needs (Zoom's 4711)."""


class ZoomUnreachableError(RunStoppingError, ZoomError):
    """Zoom could not be reached even after retrying."""


class OutputError(RunStoppingError):
    """The output sheet or state file could not be written."""


class LockedError(RunStoppingError):
    """Another batchzoom run is working on the same roster."""


class InterruptedRunError(RunStoppingError):
    """The user stopped the run (Ctrl-C); what was done is journalled.

    ``report`` is the run's report of what was done when the run got that far
    (its results are then written as the run's options say), else None; from
    ``batchzoom.schedule`` or ``sync``, ``result`` is the same as a ``Result``.
    """

    def __init__(self, message: str, *, report: object = None) -> None:
        super().__init__(message)
        self.report = report
        self.result: object = None


class NotConfirmedError(RunStoppingError):
    """Changes need a yes, and there was nobody to ask."""


class ProblemLike(Protocol):
    """What an ``InvalidSessionError`` carries: ``batchzoom.model.problems.Problem``."""

    @property
    def row(self) -> int | None: ...
    @property
    def column(self) -> str | None: ...
    @property
    def code(self) -> str: ...
    @property
    def message(self) -> str: ...


class InvalidSessionError(RowError):
    """A session (a roster row, or one meeting asked for in code) breaks a rule.

    ``problems`` holds every problem found, each with a stable ``code`` (``"dst-gap"``,
    ``"naive-start"``...) and its sentence; ``str(error)`` joins the sentences.
    """

    def __init__(self, problems: Iterable[ProblemLike]) -> None:
        self.problems: tuple[ProblemLike, ...] = tuple(problems)
        super().__init__(" ".join(problem.message for problem in self.problems))


class ZoomRequestError(RowError, ZoomError):
    """Zoom refused one request; the rest of the run can go on.

    ``explanation`` is the sentence to show instead of Zoom's own words when the client
    can say which field was refused (``batchzoom.zoom.answers.explain_fields``).
    """

    def __init__(
        self,
        status: int,
        code: int | None,
        message: str,
        *,
        fields: list[str] | None = None,
        explanation: str = "",
    ) -> None:
        self.status = status
        self.code = code
        self.zoom_message = message
        self.fields = list(fields or [])
        label = _("code {code}").format(code=code) if code is not None else f"HTTP {status}"
        if explanation:
            # Zoom's own words ("Validation Failed.", "Invalid field.") explain nothing.
            super().__init__(f"{explanation} ({label}).")
        else:
            super().__init__(
                _("Zoom refused the request ({label}): {message}").format(
                    label=label, message=message
                )
            )


class MalformedAnswerError(ZoomRequestError):
    """Zoom's API answered something that is not a Zoom answer (HTML, no id, not JSON)."""

    def __init__(self, status: int, what: str) -> None:
        super().__init__(status, None, what)
        self.args = (_("Zoom's answer could not be used: {what}.").format(what=what),)


class UnprovenListingError(RowError, ZoomError):
    """A host's meeting list was not a complete Zoom listing: absence is not proven."""


class DailyLimitError(RowError, ZoomError):
    """A daily request limit is used up until ``resume_at`` (UTC)."""

    def __init__(self, host: str | None, resume_at: datetime, message: str) -> None:
        self.host = host
        self.resume_at = resume_at
        self.message = message
        super().__init__(self.sentence())

    def sentence(self, until: str | None = None) -> str:
        """The error in words, with ``until`` (the default: ``resume_at`` in UTC) as the time
        to run again; a row's note gives it in the row's own zone."""
        if until is None:
            until = f"{self.resume_at:%Y-%m-%d %H:%M} UTC"
        if self.host:
            text = _(
                "Zoom's daily limit for host {host} is used up ({message}); run again after "
                "{until}."
            )
        else:
            text = _(
                "Zoom's daily limit for this Zoom account is used up ({message}); run again "
                "after {until}."
            )
        return text.format(host=self.host, message=self.message, until=until)


class RegistrantLimitError(DailyLimitError):
    """Zoom's per-registrant daily limit (3 additions, 10 status updates) is used up for one person.

    Only that person waits until ``resume_at`` (00:00 UTC); other registrants go on.
    """

    def __init__(self, registrant: str, resume_at: datetime, message: str) -> None:
        self.registrant = registrant
        super().__init__(None, resume_at, message)

    def sentence(self, until: str | None = None) -> str:
        if until is None:
            until = f"{self.resume_at:%Y-%m-%d %H:%M} UTC"
        return _(
            "Zoom's daily limit for registrant {registrant} is used up ({message}); run "
            "again after {until}."
        ).format(registrant=self.registrant or _("this person"), message=self.message, until=until)


class InDoubtError(RowError, ZoomError):
    """A create may have happened on Zoom's side without us seeing the answer."""

    def __init__(self, cause: str, *, subject: str = "the meeting") -> None:
        self.cause = cause
        super().__init__(
            f"Zoom did not confirm {subject} ({cause}); it may exist already, so batchzoom "
            "will look for it before creating it again."
        )
